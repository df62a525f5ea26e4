/**
 * Starts the local stand-ins for Tencent's services as child processes, in dependency order:
 * the CloudBase database emulator, the WeChat simulator, then the function runtime with its
 * gateway; `npm run dev` adds the H5 dev server. Each service prints one
 * `<service> listening on http://127.0.0.1:<port>` line; Ctrl-C (or SIGTERM) stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import { type EmulatorCredentials, newCredentials } from '../cloud/local/emulator/credentials'
import { createCard } from '../cloud/src/card/admin'
import { loadCardDefinition, validFor } from '../cloud/src/card/definition'
import { connectSimulatorControl } from '../cloud/local/wechat/controlClient'
import type { CardSnapshot } from '../cloud/local/wechat/control'
import { stateFileBeside } from '../cloud/local/wechat/stateFile'
import { configuredDataFile } from '../cloud/local/emulator/dataFile'
import { ConfigError, privacyConfig, reservationConfig, wechatConfig } from '../cloud/src/shared/config'
import { cardTypeConfig } from '../cloud/src/domain/cardConfig'
import { reminderConfig } from '../cloud/src/domain/subscribeTemplates'
import { DEV_SUBSCRIBE_TEMPLATES_SETTING } from './devReminders'

const root = path.resolve(__dirname, '..')

export interface StackPorts {
  emulator: number
  wechat: number
  gateway: number
  h5: number
}

function port(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    console.error(`${name} must be a TCP port number between 1 and 65535 (got "${raw}")`)
    process.exit(2)
  }
  return value
}

export function stackPorts(): StackPorts {
  return {
    emulator: port('EMULATOR_PORT', 9301),
    wechat: port('WECHAT_SIM_PORT', 9302),
    gateway: port('GATEWAY_PORT', 8787),
    h5: port('H5_PORT', 10086),
  }
}

const children: ChildProcess[] = []
let stopping = false

async function stopAll(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true
    const exits = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once('exit', r)))
    for (const child of children) child.kill('SIGTERM')
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000))])
  }
  process.exit(exitCode)
}

/** Spawns a service and resolves once it prints its listening line (echoed to our stdout). */
export function startService(
  name: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp = new RegExp(`^${name} listening on `),
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  return new Promise((resolve, reject) => {
    let isReady = false
    // Some tools (webpack-dev-server) announce readiness on stderr: watch both streams.
    const watch = (stream: NodeJS.ReadableStream, echo: (line: string) => void) =>
      readline.createInterface({ input: stream }).on('line', (line) => {
        echo(line)
        if (!isReady && ready.test(line)) {
          isReady = true
          resolve(child)
        }
      })
    watch(child.stdout!, (line) => console.log(line))
    watch(child.stderr!, (line) => console.error(line))
    child.on('exit', (code, signal) => {
      if (!isReady) reject(new Error(`${name} exited before it was ready (${signal ?? `exit ${code}`})`))
      else if (!stopping) {
        console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the rest`)
        void stopAll(1)
      }
    })
  })
}

const tsx = (script: string) => ['--import', 'tsx', path.join(root, script)]

/**
 * Development defaults for what functions read from their environment (production sets these per
 * function in the console or cloudbaserc.json). The Official Account is the simulator's dev account.
 */
export const DEVELOPMENT_DEFAULTS: Record<string, string> = {
  OA_APPID: 'wx0000000000dev0a1',
  OA_APPSECRET: 'devofficialaccountsecret00000001',
  WECHAT_TOKEN_MODE: 'stable',
  TICKETCARD_ID_HMAC_KEY: 'development-only-id-hmac-key-not-a-secret',
  // The H5 dev app can take this identity (工作台 tab, development builds only) to act as organizer.
  TICKETCARD_ORGANIZERS: 'dev_organizer',
  // The simulator's default templates: booking confirmed, and the reminder before a session.
  TICKETCARD_SUBSCRIBE_TEMPLATES: DEV_SUBSCRIBE_TEMPLATES_SETTING,
  TICKETCARD_MINIPROGRAM_STATE: 'developer',
}

/** Optional settings a developer may set in the shell; passed on to the functions when set. */
const OPTIONAL_SETTINGS = [
  'TICKETCARD_RETENTION_DAYS',
  'TICKETCARD_UNKNOWN_CODES_PER_MINUTE',
  'TICKETCARD_RESERVE_PER_MINUTE',
  'TICKETCARD_LOOKUP_PER_MINUTE',
  'TICKETCARD_LOOKUP_PER_IP_PER_MINUTE',
  'TICKETCARD_ID_REFUSALS_PER_DAY',
  'TICKETCARD_OUTBOX_BASE_DELAY_MS',
  'TICKETCARD_OUTBOX_MAX_ATTEMPTS',
  'TICKETCARD_REMINDER_OFFSETS_MINUTES',
  'TICKETCARD_CARD_TYPE',
]

/** Fills in development defaults and checks every value, naming the variable that is wrong. */
function functionEnvironment(wechatUrl: string): Record<string, string> {
  for (const [name, value] of Object.entries(DEVELOPMENT_DEFAULTS)) if (!process.env[name]) process.env[name] = value
  if (!process.env.WECHAT_API_BASE) process.env.WECHAT_API_BASE = wechatUrl
  try {
    wechatConfig()
    reservationConfig()
    privacyConfig()
    reminderConfig()
    cardTypeConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
  const names = [...Object.keys(DEVELOPMENT_DEFAULTS), 'WECHAT_API_BASE', ...OPTIONAL_SETTINGS.filter((name) => process.env[name])]
  return Object.fromEntries(names.map((name) => [name, process.env[name] as string]))
}

const EXAMPLE_CARD = path.join(root, 'cards', 'ticket-card.example.json')

/**
 * The example card a previous run created in the simulator (its state file keeps cards), while it
 * stays valid for a month more: the cards people added then keep their entry back into the app.
 */
function keptDemoCard(cards: CardSnapshot[], definition: ReturnType<typeof loadCardDefinition>, appid: string): CardSnapshot | null {
  const key = definition.cardType.toLowerCase()
  const wanted = (definition.card[key] as { base_info: Record<string, unknown> }).base_info
  const month = 30 * 86_400_000
  const fits = (card: CardSnapshot) => {
    const base = ((card.wire[key] ?? {}) as { base_info?: Record<string, unknown> }).base_info ?? {}
    const end = Number((base.date_info as { end_timestamp?: unknown } | undefined)?.end_timestamp ?? 0) * 1000
    return card.appid === appid && card.status === 'CARD_STATUS_VERIFY_OK' && card.cardType === definition.cardType && base.title === wanted.title && base.brand_name === wanted.brand_name && end > Date.now() + month
  }
  return cards.filter(fits).sort((a, b) => b.createdAt - a.createdAt)[0] ?? null
}

/**
 * The card the functions sign for: `TICKETCARD_CARD_ID` when given; otherwise, against the local
 * simulator, the example ticket card created through the real API (logo uploaded) and approved,
 * so a new developer sees the whole card-pack flow with no setup (or the one a previous run
 * created, which the simulator kept). Against real WeChat, none.
 */
async function demoCard(wechatUrl: string): Promise<string | null> {
  if (process.env.TICKETCARD_CARD_ID) return process.env.TICKETCARD_CARD_ID
  if (process.env.WECHAT_API_BASE !== wechatUrl) return null
  const day = 86_400_000
  const definition = validFor(loadCardDefinition(EXAMPLE_CARD), new Date(Date.now() - day), new Date(Date.now() + 365 * day))
  const kept = keptDemoCard(await connectSimulatorControl(wechatUrl).cards(), definition, wechatConfig().appid)
  if (kept) {
    console.log(`card ${kept.cardId} ready: the example ticket card, kept by the simulator from an earlier run`)
    return kept.cardId
  }
  const card = await createCard(wechatConfig(), definition)
  await connectSimulatorControl(wechatUrl).approveCard({ cardId: card.cardId })
  console.log(`card ${card.cardId} ready: the example ticket card, approved in the simulator`)
  return card.cardId
}

/**
 * The backend alone: what `npm run serve` runs and what `npm run dev` builds on. Answers the
 * credentials of this run's emulator (fresh each run; also in its key file for other shells).
 */
export async function startBackend(ports: StackPorts): Promise<EmulatorCredentials> {
  process.on('SIGINT', () => void stopAll(0))
  process.on('SIGTERM', () => void stopAll(0))
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`
  const functionEnv = functionEnvironment(`http://127.0.0.1:${ports.wechat}`)
  const credentials = newCredentials()
  try {
    await startService('emulator', tsx('cloud/local/emulator/main.ts'), {
      EMULATOR_PORT: String(ports.emulator),
      EMULATOR_DATA: process.env.EMULATOR_DATA ?? path.join(root, '.data', 'cloudbase.sqlite'),
      RUNTIME_GATEWAY_URL: gatewayUrl,
      // Cloud calls (cloud.openapi.*) go to the simulator even when WECHAT_API_BASE points elsewhere:
      // a cloud call has no real-WeChat path from a local machine.
      WECHAT_SIM_URL: `http://127.0.0.1:${ports.wechat}`,
      EMULATOR_SECRET_ID: credentials.secretId,
      EMULATOR_SECRET_KEY: credentials.secretKey,
    })
    await startService('wechat', tsx('cloud/local/wechat/main.ts'), {
      WECHAT_SIM_PORT: String(ports.wechat),
      // Beside the emulator's data file: what the functions cached (tokens, the card ticket) and
      // the cards people added stay valid across a restart, as they do with WeChat.
      WECHAT_SIM_DATA: process.env.WECHAT_SIM_DATA || stateFileBeside(configuredDataFile()),
      WECHAT_SIM_APPID: functionEnv.OA_APPID,
      WECHAT_SIM_SECRET: functionEnv.OA_APPSECRET,
    })
    const cardId = await demoCard(functionEnv.WECHAT_API_BASE)
    await startService('gateway', tsx('cloud/local/runtime/main.ts'), {
      ...functionEnv,
      ...(cardId ? { TICKETCARD_CARD_ID: cardId } : {}),
      GATEWAY_PORT: String(ports.gateway),
      // The only browser pages the gateway answers: the H5 dev server's (its proxy forwards their Origin).
      GATEWAY_ALLOWED_ORIGINS: `http://127.0.0.1:${ports.h5},http://localhost:${ports.h5}`,
      EMULATOR_ADMIN_URL: `http://127.0.0.1:${ports.emulator}/admin`,
      TENCENTCLOUD_SECRETID: credentials.secretId,
      TENCENTCLOUD_SECRETKEY: credentials.secretKey,
    })
  } catch (err) {
    console.error((err as Error).message)
    await stopAll(1)
  }
  return credentials
}
