/** Messages between the runtime and one function instance (a child process). */

/** Who is calling, as CloudBase hands it to a function through the environment. */
export interface InvocationIdentity {
  openid?: string
  appid?: string
  unionid?: string
  clientIp?: string
  /** CloudBase's TCB_SOURCE: wx_client, wx_trigger, wx_http; ",scf" appended for function-to-function. */
  source: string
}

export interface InvokeMessage {
  type: 'invoke'
  id: number
  event: unknown
  identity: InvocationIdentity
  requestId: string
}

export interface SerializedError {
  message: string
  stack?: string
  errCode?: number
  errMsg?: string
}

export type InstanceMessage =
  | { type: 'ready' }
  | { type: 'load-failed'; error: SerializedError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError }

/** Environment names the SDK's getWXContext reads, in CloudBase's order. */
export const CONTEXT_ENV: Record<Exclude<keyof InvocationIdentity, 'source'>, string> = {
  openid: 'WX_OPENID',
  appid: 'WX_APPID',
  unionid: 'WX_UNIONID',
  clientIp: 'WX_CLIENTIP',
}
