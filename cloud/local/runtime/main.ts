/**
 * The local function runtime as a process: every project function in its instance pool, timer
 * triggers on schedule, and the HTTP gateway. Started by `npm run serve` / `npm run dev`.
 * Functions sign their database calls with the emulator's credentials, found as findCredentials
 * says (the stack passes them as TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY).
 * GATEWAY_ALLOWED_ORIGINS (comma-separated) names the browser origins the gateway answers: the H5
 * dev server's, which `npm run dev` / `npm run serve` pass; unset, no browser page may call it.
 * RUNTIME_INSTANCE_IDLE_MS: an instance idle longer than this is stopped and the next call starts
 * cold, as CloudBase recycles idle instances (default 300000, 5 minutes; 0 keeps instances).
 */
import { findCredentials, MissingCredentialsError } from '../emulator/findCredentials'
import { discoverFunctions, type FunctionSource } from './functions'
import { browserOrigin, startGateway } from './gateway'
import { DEFAULT_INSTANCE_IDLE_MS, DEFAULT_MAX_INSTANCES, Runtime } from './runtime'

/** Which of the runtime's variables reach functions, as console-set variables do on CloudBase. */
const FUNCTION_VARIABLE = /^(OA_|WECHAT_|TICKETCARD_)/

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a whole number (got "${raw}")`)
    process.exit(2)
  }
  return value
}

/** Longest accepted idle time: a day (anything longer is as good as never; 0 says never). */
const MAX_IDLE_MS = 86_400_000

function idleMsFrom(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || value > MAX_IDLE_MS) {
    console.error(`${name} must be a whole number of milliseconds from 0 (keep idle instances) to ${MAX_IDLE_MS} (got "${raw}")`)
    process.exit(2)
  }
  return value
}

async function main(): Promise<void> {
  const adminUrl = process.env.EMULATOR_ADMIN_URL
  if (!adminUrl) {
    console.error('EMULATOR_ADMIN_URL must point at the local emulator, e.g. http://127.0.0.1:9301/admin')
    process.exit(2)
  }
  let allowedOrigins: string[] = []
  try {
    allowedOrigins = (process.env.GATEWAY_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '')
      .map(browserOrigin)
  } catch (err) {
    console.error(`GATEWAY_ALLOWED_ORIGINS: ${(err as Error).message}`)
    process.exit(2)
  }
  const source = (process.env.FUNCTION_SOURCE ?? 'source') as FunctionSource
  if (source !== 'source' && source !== 'bundle') {
    console.error(`FUNCTION_SOURCE must be "source" or "bundle" (got "${source}")`)
    process.exit(2)
  }
  const idleMs = idleMsFrom('RUNTIME_INSTANCE_IDLE_MS', DEFAULT_INSTANCE_IDLE_MS)
  let credentials
  try {
    credentials = findCredentials(adminUrl)
  } catch (err) {
    if (!(err instanceof MissingCredentialsError)) throw err
    console.error(err.message)
    process.exit(2)
  }
  const functionEnv = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => FUNCTION_VARIABLE.test(entry[0]) && entry[1] !== undefined),
  )
  const runtime = new Runtime({
    functions: discoverFunctions(source),
    adminUrl,
    credentials,
    envId: process.env.TCB_ENV_ID,
    maxInstances: positiveInteger('MAX_INSTANCES', DEFAULT_MAX_INSTANCES),
    idleMs,
    functionEnv,
    timers: process.env.TIMERS !== 'off',
  })
  const gateway = await startGateway(runtime, { port: positiveInteger('GATEWAY_PORT', 8787), allowedOrigins })
  console.log(`gateway listening on ${gateway.url}`)

  const shutdown = async () => {
    await gateway.close()
    await runtime.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown())
  process.on('SIGTERM', () => void shutdown())
}

void main()
