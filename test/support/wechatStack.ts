/**
 * The local CloudBase plus the WeChat simulator, for tests of everything that talks to WeChat:
 * functions get a well-formed Official Account that the simulator knows.
 */
import { startWechatSimulator, type WechatSimulator } from '../../cloud/local/wechat'
import type { FunctionDefinition } from '../../cloud/local/runtime/functions'
import { createJsonClient } from './httpClient'
import { startLocalStack, type LocalStack } from './localStack'

export const TEST_OA = { appid: 'wx00000000test0a01', secret: 'testofficialaccountsecret0000001' }

export interface BurstAnswer<T> {
  ok: boolean
  data?: T
  error?: { code: string; message: string; retryable?: boolean }
}

export interface WechatStack extends LocalStack {
  wechat: WechatSimulator
  /** `count` calls at once (sockets capped, calls all in flight); answers in order. */
  burst<T = unknown>(fn: string, count: number, openid?: (i: number) => string): Promise<Array<BurstAnswer<T>>>
}

export interface WechatStackOptions {
  functions: FunctionDefinition[]
  maxInstances?: number
  env?: Record<string, string>
  /** Runs once the simulator is up, before the functions start; its answer joins their environment. */
  prepare?: (wechat: WechatSimulator) => Promise<Record<string, string>>
  /** See LocalStackOptions.openApiTimeoutMs. */
  openApiTimeoutMs?: number
  /** See LocalStackOptions.latencyMs. */
  latencyMs?: number
}

export async function startWechatStack(options: WechatStackOptions): Promise<WechatStack> {
  const wechat = await startWechatSimulator({ accounts: [TEST_OA], log: () => undefined })
  const prepared = options.prepare ? await options.prepare(wechat) : {}
  const stack = await startLocalStack({
    functions: options.functions,
    maxInstances: options.maxInstances ?? 8,
    wechatSimulator: wechat,
    openApiTimeoutMs: options.openApiTimeoutMs,
    latencyMs: options.latencyMs,
    functionEnv: { OA_APPID: TEST_OA.appid, OA_APPSECRET: TEST_OA.secret, WECHAT_API_BASE: wechat.baseUrl, ...options.env, ...prepared },
  })
  const client = createJsonClient()
  return {
    ...stack,
    wechat,
    async burst<T>(fn: string, count: number, openid?: (i: number) => string) {
      const calls = Array.from({ length: count }, (_, i) => {
        const id = openid?.(i)
        return client.post(`${stack.gateway.url}/api/${fn}`, '{}', id ? { 'x-wx-openid': id } : {}).then((answer) => answer.body as BurstAnswer<T>)
      })
      return Promise.all(calls)
    },
    async close() {
      client.close()
      await stack.close()
      await wechat.close()
    },
  }
}
