/**
 * The local CloudBase plus the WeChat simulator, for tests of everything that talks to WeChat:
 * functions get a well-formed Official Account that the simulator knows.
 */
import http from 'node:http'
import { startWechatSimulator, type WechatSimulator } from '../../cloud/local/wechat'
import type { FunctionDefinition } from '../../cloud/local/runtime/functions'
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

export async function startWechatStack(options: { functions: FunctionDefinition[]; maxInstances?: number; env?: Record<string, string> }): Promise<WechatStack> {
  const wechat = await startWechatSimulator({ accounts: [TEST_OA], log: () => undefined })
  const stack = await startLocalStack({
    functions: options.functions,
    maxInstances: options.maxInstances ?? 8,
    functionEnv: { OA_APPID: TEST_OA.appid, OA_APPSECRET: TEST_OA.secret, WECHAT_API_BASE: wechat.baseUrl, ...options.env },
  })
  // Every call is issued at once; the client keeps at most 256 sockets open, as a load balancer would.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  const post = (url: string, openid?: string) =>
    new Promise<unknown>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...(openid ? { 'x-wx-openid': openid } : {}) } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
          } catch (err) {
            reject(err)
          }
        })
      })
      req.on('error', reject)
      req.end('{}')
    })
  return {
    ...stack,
    wechat,
    async burst<T>(fn: string, count: number, openid?: (i: number) => string) {
      return Promise.all(Array.from({ length: count }, (_, i) => post(`${stack.gateway.url}/api/${fn}`, openid?.(i)))) as Promise<Array<BurstAnswer<T>>>
    },
    async close() {
      agent.destroy()
      await stack.close()
      await wechat.close()
    },
  }
}
