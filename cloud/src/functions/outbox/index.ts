import { ok, type ApiResult } from '../../api/envelope'
import { wechatJobHandlers } from '../../outbox/handlers'
import { DEFAULT_OUTBOX_OPTIONS, runDueJobs, type RunReport } from '../../outbox/worker'
import { sdk } from '../../shared/cloud'
import { wechatConfig } from '../../shared/config'
import { openDatabase } from '../../shared/handler'

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

/** Timer: carries out queued WeChat side effects (card unavailable/consume, reminders) with retries. */
export async function main(): Promise<ApiResult<RunReport>> {
  const db = openDatabase(sdk())
  const deps = { db, config: wechatConfig() }
  const report = await runDueJobs({ db, now: () => new Date() }, wechatJobHandlers(deps), {
    ...DEFAULT_OUTBOX_OPTIONS,
    baseDelayMs: envNumber('TICKETCARD_OUTBOX_BASE_DELAY_MS', DEFAULT_OUTBOX_OPTIONS.baseDelayMs),
    maxAttempts: envNumber('TICKETCARD_OUTBOX_MAX_ATTEMPTS', DEFAULT_OUTBOX_OPTIONS.maxAttempts),
  })
  return ok(report)
}
