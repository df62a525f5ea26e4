/**
 * The WeChat simulator as a process: `tsx cloud/local/wechat/main.ts`.
 *
 *   WECHAT_SIM_PORT             port on 127.0.0.1 (default 9302; 0 picks a free one)
 *   WECHAT_SIM_APPID            the Official Account's AppID    } default: the dev account
 *   WECHAT_SIM_SECRET           and AppSecret                   } wxdevofficialacct01
 *   WECHAT_SIM_ALLOWED_IPS      IP whitelist, comma-separated, or "any" (default)
 *   WECHAT_SIM_REVIEW_DELAY_MS  when set, new cards pass review by themselves after this long
 *   WECHAT_SIM_DATA             when set, the state file (relative to the repository root): tokens,
 *                               tickets, cards, codes... survive a restart (`npm run serve` puts it
 *                               beside the emulator's data file); unset, everything is in memory
 *
 * Prints `wechat listening on http://127.0.0.1:<port>` once ready; SIGINT/SIGTERM close it cleanly.
 */
import path from 'node:path'
import { DEFAULT_ACCOUNT, startWechatSimulator } from './index'

const root = path.resolve(__dirname, '..', '..', '..')

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 65535) fail(`${name} must be a TCP port number (got "${raw}")`)
  return value
}

function account(): { appid: string; secret: string } {
  const appid = process.env.WECHAT_SIM_APPID
  const secret = process.env.WECHAT_SIM_SECRET
  if (!appid && !secret) return DEFAULT_ACCOUNT
  if (!appid || !secret) fail('set both WECHAT_SIM_APPID and WECHAT_SIM_SECRET, or neither (the dev account)')
  return { appid, secret }
}

function allowedIps(): string[] | 'any' {
  const raw = process.env.WECHAT_SIM_ALLOWED_IPS
  if (raw === undefined || raw.trim() === '' || raw.trim() === 'any') return 'any'
  return raw.split(',').map((ip) => ip.trim()).filter(Boolean)
}

function reviewDelay(): number | null {
  const raw = process.env.WECHAT_SIM_REVIEW_DELAY_MS
  if (raw === undefined || raw === '') return null
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) fail(`WECHAT_SIM_REVIEW_DELAY_MS must be a number of milliseconds (got "${raw}")`)
  return value
}

function stateFile(): string | undefined {
  const raw = process.env.WECHAT_SIM_DATA
  return raw === undefined || raw.trim() === '' ? undefined : path.resolve(root, raw)
}

async function main(): Promise<void> {
  const simulator = await startWechatSimulator({
    port: portFrom('WECHAT_SIM_PORT', 9302),
    accounts: [account()],
    allowedIps: allowedIps(),
    reviewDelayMs: reviewDelay(),
    stateFile: stateFile(),
  })
  console.log(`wechat listening on ${simulator.baseUrl}`)

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    simulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`wechat: close failed: ${String(err)}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(`wechat: ${(err as Error)?.message ?? String(err)}`)
  process.exit(1)
})
