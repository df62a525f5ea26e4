/** Messages between the runtime and one function instance (a child process). */
import { CALLER_ID_PATTERN, SDK_READS_AS_NUMBER } from '../../src/api/validation'

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

/**
 * Why `value` cannot stand for a caller (`name`: the header or field it came in), or undefined when
 * it can. One rule for the gateway's identity header and for identities given to the runtime in
 * process, so no caller id reaches a function as anything but the string it is.
 */
export function callerIdProblem(name: string, value: string): string | undefined {
  // The rule is the contract's (cloud/src/api/validation.ts), so the functions and staff lists agree with it.
  if (!CALLER_ID_PATTERN.test(value)) return `${name} must be 1-64 letters, digits, "_" or "-"`
  if (SDK_READS_AS_NUMBER.test(value)) {
    return `${name} must not be digits alone, with or without a leading "-": wx-server-sdk would read "${value}" as a number (so "-0042" and "-42" would be one person, and "-0" nobody); real openids contain letters`
  }
  return undefined
}

/** The first problem with the caller ids of `identity` (openid, unionid), or undefined. */
export function identityProblem(identity: InvocationIdentity): string | undefined {
  for (const field of ['openid', 'unionid'] as const) {
    const value = identity[field]
    const problem = value === undefined ? undefined : callerIdProblem(field, value)
    if (problem) return problem
  }
  return undefined
}
