/**
 * The local CloudBase database emulator: an HTTP server speaking the protocol wx-server-sdk
 * uses (point `TCB_CONTEXT_CNFG={"URL": adminUrl}` at it), storing documents in SQLite.
 * See README.md beside this file for the design and where it is stricter than CloudBase.
 */
import type { AddressInfo } from 'node:net'
import { databaseActions, type FunctionHandlers, functionActions } from './actions'
import { type EmulatorCredentials, forgetCredentials, newCredentials, rememberCredentials } from './credentials'
import { type CollectionMode, Database } from './database'
import type { Doc } from './ejson'
import { DEFAULT_INDEXES_FILE, loadIndexConfig } from './indexes'
import { type CloudCallTarget, openApiBridge, simulatorOverHttp } from './openApi'
import { createServer, type OpenApiHandler } from './server'
import { RequestCounter, type RequestStats } from './requestStats'
import { type QuotaOption, QuotaGate, type QuotaStatus, resolveQuota } from './quota'
import { Storage } from './storage'

export interface EmulatorOptions {
  /** 0 = a free port. */
  port?: number
  /** SQLite file; ':memory:' (default) is a private temporary file removed on close. */
  dataFile?: string
  /** Index configuration (collections and their indexes); default cloud/indexes.json. */
  indexesFile?: string
  handlers?: FunctionHandlers & { openApi?: OpenApiHandler }
  /**
   * Where `cloud.openapi.*` calls go: the WeChat simulator's base URL (another process; main.ts
   * reads WECHAT_SIM_URL), or the simulator object itself in this process. Ignored when
   * `handlers.openApi` is given; without either, cloud calls fail saying so.
   */
  wechatSimulator?: string | CloudCallTarget
  /** How long a cloud call may take before it fails with -604102 (default 10 s, under the SDK's 15 s). */
  openApiTimeoutMs?: number
  /** CloudBase aborts transactions after 30 s. */
  transactionTimeoutMs?: number
  /**
   * How long a write outside a transaction waits for a document a transaction holds (default 10 s,
   * below the SDK's 15 s request timeout, so a write never lands after its caller gave up).
   */
  lockWaitMs?: number
  /** 'declared' (default): only collections of the index file (or created via createCollection) exist, as on CloudBase. */
  collections?: CollectionMode
  /** Where unexpected failures are logged; default stderr. */
  log?: (line: string) => void
  /** What requests must be signed with; default: fresh random ones for this run. */
  credentials?: EmulatorCredentials
  /**
   * Network time added to every request, in ms (default 0): half before the action runs, half
   * before its answer leaves, as a round trip to CloudBase costs. main.ts reads EMULATOR_LATENCY_MS.
   */
  latencyMs?: number
  /**
   * The plan's quota (quota.ts), off by default: a preset's name (`'basic'`) or figures
   * (`{preset?, qps?, connections?, readsPerDay?, writesPerDay?}`, each over the preset's). Over a
   * limit, database requests are refused as CloudBase refuses them. main.ts reads EMULATOR_QUOTA
   * and EMULATOR_DB_QPS / _CONNECTIONS / _READS_PER_DAY / _WRITES_PER_DAY.
   */
  quota?: QuotaOption
}

/** What tests and tools may do with the database behind the protocol. */
export interface EmulatorAdmin {
  /** Deletes every document, aborts open transactions, keeps collections and indexes. */
  reset(): void
  collections(): string[]
  createCollection(name: string): void
  count(collection: string): number
  documents(collection: string): Doc[]
  /** The SQL prefilter a query gets and SQLite's plan for it (EXPLAIN QUERY PLAN). */
  explain(collection: string, query: Doc): { where?: string; plan: string[] }
  /** Open transactions and document locks held. */
  activity(): { transactions: number; locks: number }
  /** The SQLite file in use. */
  readonly file: string
  /** Requests counted since the start or the last `resetRequestStats()`. */
  requestStats(): RequestStats
  resetRequestStats(): void
  /** Changes the latency every request gets from now on. */
  setLatency(ms: number): void
  /** The quota's limits and today's counts; null when no quota is set. */
  quota(): QuotaStatus | null
}

export interface Emulator {
  port: number
  /** `http://127.0.0.1:PORT/admin`, the URL for TCB_CONTEXT_CNFG. */
  adminUrl: string
  /** What clients sign with: TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY for wx-server-sdk. */
  credentials: EmulatorCredentials
  db: EmulatorAdmin
  close(): Promise<void>
}

export const DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000
export const DEFAULT_LOCK_WAIT_MS = 10_000

function checkedLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > 10_000) throw new Error(`the emulator's latency must be 0 to 10000 ms (got ${ms})`)
  return ms
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const quotaLimits = resolveQuota(options.quota)
  const indexes = loadIndexConfig(options.indexesFile ?? DEFAULT_INDEXES_FILE)
  const storage = new Storage({ file: options.dataFile ?? ':memory:' })
  const transactionTimeoutMs = options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS
  let database: Database
  try {
    database = new Database({
      storage,
      indexes,
      collections: options.collections ?? 'declared',
      transactionTimeoutMs,
      lockWaitMs: options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    })
  } catch (err) {
    storage.close()
    throw err
  }
  const handlers = options.handlers ?? {}
  const credentials = options.credentials ?? newCredentials()
  let latencyMs = checkedLatency(options.latencyMs ?? 0)
  const requests = new RequestCounter()
  const quota = quotaLimits ? new QuotaGate(quotaLimits) : undefined
  const wechat = options.wechatSimulator
  const openApi =
    handlers.openApi ??
    (wechat === undefined ? undefined : openApiBridge(typeof wechat === 'string' ? simulatorOverHttp(wechat) : wechat, { timeoutMs: options.openApiTimeoutMs }))
  const server = createServer({
    actions: { ...databaseActions(database), ...functionActions(handlers) },
    credentials,
    openApi,
    log: options.log,
    latencyMs: () => latencyMs,
    observe: (action, error) => requests.record(action, error),
    admit: quota ? (action, request) => quota.admit(action, request) : undefined,
    health: quota ? () => ({ quota: quota.status() }) : undefined,
  })
  // The SDK opens a connection per call inside functions (no keep-alive there); keep idle ones short-lived.
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const adminUrl = `http://127.0.0.1:${port}/admin`
  rememberCredentials(adminUrl, credentials)

  let closing: Promise<void> | undefined
  const close = () => {
    forgetCredentials(adminUrl, credentials)
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }).then(() => database.close())
    return closing
  }

  const db: EmulatorAdmin = {
    reset: () => {
      database.transactions.abortAll()
      storage.clear()
    },
    collections: () => storage.collectionNames(),
    createCollection: (name) => database.createCollection(name),
    count: (collection) => (storage.hasCollection(collection) ? storage.count(collection) : 0),
    documents: (collection) => database.documents(collection),
    explain: (collection, query) => database.explain(collection, query),
    activity: () => ({ transactions: database.transactions.size, locks: database.locks.size }),
    file: storage.file,
    requestStats: () => requests.snapshot(),
    resetRequestStats: () => requests.reset(),
    setLatency: (ms) => {
      latencyMs = checkedLatency(ms)
    },
    quota: () => quota?.status() ?? null,
  }

  return { port, adminUrl, credentials, db, close }
}

export type { FunctionHandlers } from './actions'
export type { OpenApiHandler } from './server'
export { type CloudCallInput, type CloudCallTarget, openApiBridge, simulatorOverHttp } from './openApi'
export type { CollectionMode } from './database'
export { databaseCalls, type RequestStats } from './requestStats'
export type { EmulatorCredentials } from './credentials'
export { QUOTA_PRESETS, type QuotaLimits, type QuotaOption, type QuotaPreset, type QuotaStatus } from './quota'
