/**
 * The emulator as a process: `tsx cloud/local/emulator/main.ts`.
 *
 *   EMULATOR_PORT         port on 127.0.0.1 (default 9301)
 *   EMULATOR_DATA         SQLite file (default .data/cloudbase.sqlite at the repository root)
 *   EMULATOR_INDEXES      index configuration (default cloud/indexes.json)
 *   EMULATOR_COLLECTIONS  "declared" (default, as CloudBase) or "auto" (created on first write)
 *   RUNTIME_GATEWAY_URL   when set, `cloud.callFunction` is served by POST <url>/api/<name>
 *   WECHAT_SIM_URL        when set, `cloud.openapi.*` goes to the WeChat simulator at this base URL
 *   EMULATOR_LATENCY_MS   milliseconds added to every request (default 0), to see what CloudBase's round trips cost
 *   EMULATOR_QUOTA        a plan's database quota (quota.ts): "basic"; unset or "off", no quota
 *   EMULATOR_DB_QPS, EMULATOR_DB_CONNECTIONS, EMULATOR_DB_READS_PER_DAY, EMULATOR_DB_WRITES_PER_DAY
 *                         one figure of the quota (each over the preset's; alone, only that limit)
 *   EMULATOR_SECRET_ID, EMULATOR_SECRET_KEY
 *                         the credentials requests must be signed with (default: fresh random ones)
 *
 * Writes the credentials to `<data file>.credentials.json` (mode 0600) for admin commands run from
 * another shell, then prints `emulator listening on http://127.0.0.1:<port>`; SIGINT/SIGTERM close
 * it cleanly and remove the file.
 */
import path from 'node:path'
import { type EmulatorCredentials, newCredentials } from './credentials'
import { credentialsFileOf, removeCredentialsFile, writeCredentialsFile } from './credentialsFile'
import { configuredDataFile } from './dataFile'
import { forwardToGateway } from './gateway-forward'
import { type CollectionMode, startEmulator } from './index'
import { isQuotaPreset, MAX_QUOTA_FIGURE, QUOTA_FIGURES, QUOTA_PRESETS, type QuotaLimits, type QuotaOption, type QuotaPreset } from './quota'

const root = path.resolve(__dirname, '..', '..', '..')

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a TCP port number (got "${raw}")`)
    process.exit(2)
  }
  return value
}

function latencyFrom(name: string): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return 0
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0 || value > 10_000) {
    console.error(`${name} must be a number of milliseconds from 0 to 10000 (got "${raw}")`)
    process.exit(2)
  }
  return value
}

/** The variable setting each quota figure (quota.ts), in QUOTA_FIGURES order. */
const QUOTA_VARIABLES: Record<(typeof QUOTA_FIGURES)[number], string> = {
  qps: 'EMULATOR_DB_QPS',
  connections: 'EMULATOR_DB_CONNECTIONS',
  readsPerDay: 'EMULATOR_DB_READS_PER_DAY',
  writesPerDay: 'EMULATOR_DB_WRITES_PER_DAY',
}

/** EMULATOR_QUOTA and EMULATOR_DB_*: undefined when none is set; a bad value stops the process, naming the variable. */
function quotaFromEnvironment(): QuotaOption | undefined {
  const rawPreset = process.env.EMULATOR_QUOTA ?? ''
  if (rawPreset !== '' && rawPreset !== 'off' && !isQuotaPreset(rawPreset)) {
    console.error(`EMULATOR_QUOTA must be one of: ${Object.keys(QUOTA_PRESETS).join(', ')} (got "${rawPreset}"); unset or "off" for no quota`)
    process.exit(2)
  }
  const quota: QuotaLimits & { preset?: QuotaPreset } = isQuotaPreset(rawPreset) ? { preset: rawPreset } : {}
  for (const figure of QUOTA_FIGURES) {
    const name = QUOTA_VARIABLES[figure]
    const raw = process.env[name]
    if (raw === undefined || raw === '') continue
    const value = Number(raw)
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1 || value > MAX_QUOTA_FIGURE) {
      console.error(`${name} must be a whole number from 1 to ${MAX_QUOTA_FIGURE} (got "${raw}")`)
      process.exit(2)
    }
    quota[figure] = value
  }
  return Object.keys(quota).length > 0 ? quota : undefined
}

function credentialsFromEnvironment(): EmulatorCredentials {
  const { EMULATOR_SECRET_ID: secretId, EMULATOR_SECRET_KEY: secretKey } = process.env
  if (!secretId && !secretKey) return newCredentials()
  if (!secretId || !secretKey) {
    console.error('EMULATOR_SECRET_ID and EMULATOR_SECRET_KEY go together: set both or neither')
    process.exit(2)
  }
  return { secretId, secretKey }
}

async function main(): Promise<void> {
  const collections = (process.env.EMULATOR_COLLECTIONS || 'declared') as CollectionMode
  if (collections !== 'declared' && collections !== 'auto') {
    console.error(`EMULATOR_COLLECTIONS must be "declared" or "auto" (got "${String(collections)}")`)
    process.exit(2)
  }
  const gateway = process.env.RUNTIME_GATEWAY_URL
  const wechatSimulator = process.env.WECHAT_SIM_URL || undefined
  if (wechatSimulator !== undefined && !URL.canParse(wechatSimulator)) {
    console.error(`WECHAT_SIM_URL must be the simulator's base URL, such as http://127.0.0.1:9302 (got "${wechatSimulator}")`)
    process.exit(2)
  }
  const dataFile = configuredDataFile()
  const emulator = await startEmulator({
    port: portFrom('EMULATOR_PORT', 9301),
    dataFile,
    indexesFile: process.env.EMULATOR_INDEXES ? path.resolve(root, process.env.EMULATOR_INDEXES) : undefined,
    collections,
    handlers: gateway ? { invokeFunction: forwardToGateway(gateway) } : {},
    wechatSimulator,
    credentials: credentialsFromEnvironment(),
    latencyMs: latencyFrom('EMULATOR_LATENCY_MS'),
    quota: quotaFromEnvironment(),
  })
  const keyFile = credentialsFileOf(dataFile)
  writeCredentialsFile(keyFile, { adminUrl: emulator.adminUrl, ...emulator.credentials })
  const quota = emulator.db.quota()
  if (quota) console.log(`emulator quota: ${JSON.stringify(quota.limits)} (database requests over it are refused as CloudBase refuses them)`)
  console.log(`emulator listening on http://127.0.0.1:${emulator.port}`)

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    removeCredentialsFile(keyFile, emulator.credentials)
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`emulator: close failed: ${String(err)}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(`emulator: ${(err as Error)?.message ?? String(err)}`)
  process.exit(1)
})
