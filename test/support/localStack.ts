/**
 * The local CloudBase for integration tests, in-process: the emulator on an in-memory (or given)
 * SQLite file, the function runtime with the project's functions, and the gateway in front.
 * Calls go through real HTTP and the real wx-server-sdk, exactly as the H5 app's do.
 */
import { type CloudCallTarget, type EmulatorCredentials, startEmulator } from '../../cloud/local/emulator'
import type { QuotaOption } from '../../cloud/local/emulator/quota'
import { discoverFunctions, type FunctionDefinition } from '../../cloud/local/runtime/functions'
import { startGateway, type Gateway } from '../../cloud/local/runtime/gateway'
import { Runtime } from '../../cloud/local/runtime/runtime'
import type { ApiResult } from '../../cloud/src/api/envelope'
import { createJsonClient } from './httpClient'

export const TEST_ID_HMAC_KEY = 'test-id-hmac-key-0123456789abcdef0123'

export interface LocalStack {
  adminUrl: string
  /** What the emulator wants requests signed with. */
  credentials: EmulatorCredentials
  /** The environment a script the test starts (`runScript`) needs to use this stack's database. */
  adminEnv: Record<string, string>
  runtime: Runtime
  gateway: Gateway
  emulator: Awaited<ReturnType<typeof startEmulator>>
  /** POST /api/<fn> as the given openid (or anonymously). */
  call<T = unknown>(fn: string, action: string, payload: unknown, openid?: string): Promise<ApiResult<T>>
  /** POST a raw body (for malformed-input tests); answers the HTTP status and parsed body. */
  callRaw(fn: string, body: string, openid?: string): Promise<{ status: number; body: ApiResult<unknown> }>
  close(): Promise<void>
}

export interface LocalStackOptions {
  functions?: FunctionDefinition[]
  maxInstances?: number
  functionEnv?: Record<string, string>
  dataFile?: string
  /** Where the functions' cloud calls (cloud.openapi.*) go: a simulator in this process, or its base URL. */
  wechatSimulator?: string | CloudCallTarget
  /** Network time the emulator adds to every database request (EMULATOR_LATENCY_MS), default 0. */
  latencyMs?: number
  /** How long the emulator waits for a cloud call's answer before CloudBase's timeout (-604102); default 10 s. */
  openApiTimeoutMs?: number
  /** The environment's database quota (EMULATOR_QUOTA), default none. */
  quota?: QuotaOption
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const emulator = await startEmulator({ port: 0, dataFile: options.dataFile ?? ':memory:', wechatSimulator: options.wechatSimulator, latencyMs: options.latencyMs, openApiTimeoutMs: options.openApiTimeoutMs, quota: options.quota })
  const runtime = new Runtime({
    functions: options.functions ?? discoverFunctions('source'),
    adminUrl: emulator.adminUrl,
    credentials: emulator.credentials,
    maxInstances: options.maxInstances ?? 4,
    functionEnv: { TICKETCARD_ID_HMAC_KEY: TEST_ID_HMAC_KEY, TICKETCARD_TEST_MODE: '1', ...options.functionEnv },
  })
  const gateway = await startGateway(runtime, { log: () => undefined })
  const client = createJsonClient()
  const callRaw = async (fn: string, body: string, openid?: string) => {
    const answer = await client.post(`${gateway.url}/api/${fn}`, body, openid ? { 'x-wx-openid': openid } : {})
    return { status: answer.status, body: answer.body as ApiResult<unknown> }
  }
  return {
    adminUrl: emulator.adminUrl,
    credentials: emulator.credentials,
    adminEnv: {
      EMULATOR_ADMIN_URL: emulator.adminUrl,
      TENCENTCLOUD_SECRETID: emulator.credentials.secretId,
      TENCENTCLOUD_SECRETKEY: emulator.credentials.secretKey,
    },
    runtime,
    gateway,
    emulator,
    async call<T>(fn: string, action: string, payload: unknown, openid?: string): Promise<ApiResult<T>> {
      return (await callRaw(fn, JSON.stringify({ action, payload }), openid)).body as ApiResult<T>
    },
    callRaw,
    async close() {
      client.close()
      await gateway.close()
      await runtime.close()
      await emulator.close()
    },
  }
}
