/**
 * The real wx-server-sdk, pointed at a local emulator.
 *
 * The SDK reads `TCB_CONTEXT_CNFG` (the server URL) and `SCF_NAMESPACE` (the env id) from
 * process.env on every request, but `cloud.init` must run once, after the environment is set and
 * before any call. So: `pointSdkAt(emulator)` whenever a test switches emulators, `loadSdk()` once.
 */
import protobuf from 'protobufjs'
import path from 'node:path'
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../cloud/local/emulator'

export type Cloud = typeof import('wx-server-sdk')
export type Db = ReturnType<Cloud['database']>

export const ENV_ID = 'local-env'
/** Collections and indexes the emulator tests use (the project's own file is cloud/indexes.json). */
export const TEST_INDEXES = path.join(__dirname, 'fixtures', 'indexes.json')

/** The environment the architecture doc lists: a local URL, the emulator's credentials, quiet. */
export function pointSdkAt(emulator: Pick<Emulator, 'adminUrl' | 'credentials'>): void {
  Object.assign(process.env, {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: emulator.adminUrl }),
    TENCENTCLOUD_SECRETID: emulator.credentials.secretId,
    TENCENTCLOUD_SECRETKEY: emulator.credentials.secretKey,
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: ENV_ID,
    SILENCE: 'true',
  })
}

let loaded: Cloud | undefined

/** Requires and initialises the SDK once per test file (jest gives each file its own modules). */
export async function loadSdk(): Promise<Cloud> {
  if (!process.env.TCB_CONTEXT_CNFG) throw new Error('call pointSdkAt(emulator) before loadSdk()')
  if (!loaded) {
    const cloud = (await import('wx-server-sdk')) as Cloud
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
    loaded = cloud
  }
  return loaded
}

export interface Harness {
  emulator: Emulator
  cloud: Cloud
  db: Db
}

/** Starts an emulator (test indexes, in-memory by default) and points the SDK at it. */
export async function startWithSdk(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ indexesFile: TEST_INDEXES, ...options })
  pointSdkAt(emulator)
  const cloud = await loadSdk()
  return { emulator, cloud, db: cloud.database() }
}

/**
 * One emulator for a test file: started before its tests, closed after them, the SDK pointed at it
 * before each test and (unless `reset: false`) its data emptied. The harness is filled in by the
 * first hook, so read its fields inside tests only.
 */
export function sharedHarness(options: EmulatorOptions & { reset?: boolean } = {}): Harness {
  const { reset = true, ...emulatorOptions } = options
  const harness = {} as Harness
  beforeAll(async () => {
    Object.assign(harness, await startWithSdk(emulatorOptions))
  })
  afterAll(async () => {
    await harness.emulator?.close()
  })
  beforeEach(() => {
    pointSdkAt(harness.emulator)
    if (reset) harness.emulator.db.reset()
  })
  return harness
}

/** The error shape wx-server-sdk rejects with. */
export interface SdkError {
  errCode: number
  errMsg: string
}

/** Awaits an SDK call typed loosely by the SDK's own .d.ts (`Promise<T> | void | string`). */
export async function call<T = Record<string, unknown>>(pending: unknown): Promise<T> {
  return (await (pending as Promise<T>)) as T
}

/** Awaits an SDK call that must fail and returns its errCode/errMsg. */
export async function failure(pending: unknown): Promise<SdkError> {
  try {
    await (pending as Promise<unknown>)
  } catch (err) {
    const { errCode, errMsg } = err as Partial<SdkError>
    if (typeof errCode !== 'number' || typeof errMsg !== 'string') throw err
    return { errCode, errMsg }
  }
  throw new Error('expected the SDK call to fail, it succeeded')
}

export interface GetResult<T = Record<string, unknown>> {
  data: T[]
  errMsg: string
}

export interface DocResult<T = Record<string, unknown>> {
  data: T
  errMsg: string
}

/** CommOpenApiResp, the reply the SDK decodes for wx.openApi (see docs/architecture.md). */
export const CommOpenApiResp = protobuf.Root.fromJSON({
  nested: {
    CommOpenApiResp: {
      fields: { respData: { type: 'bytes', id: 1 }, contentType: { type: 'string', id: 2 }, errorCode: { type: 'int32', id: 3 }, httpCode: { type: 'uint32', id: 4 } },
    },
  },
}).lookupType('CommOpenApiResp')
