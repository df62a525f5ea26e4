import { wechatJobHandlers } from '../../outbox/handlers'
import { DEFAULT_OUTBOX_OPTIONS, runDueJobs } from '../../outbox/worker'
import { wechatConfig } from '../../shared/config'
import { defineTimerFunction } from '../../shared/timer'

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name])
  return Number.isFinite(value) && value > 0 ? value : fallback
}

/** Timer: carries out queued WeChat side effects (card unavailable/consume, reminders) with retries. */
export const main = defineTimerFunction('outbox', async ({ db, cloud, now }) => {
  const deps = { db, cloud, config: wechatConfig(), now: () => now().getTime() }
  return runDueJobs({ db, now }, wechatJobHandlers(deps), {
    ...DEFAULT_OUTBOX_OPTIONS,
    baseDelayMs: envNumber('TICKETCARD_OUTBOX_BASE_DELAY_MS', DEFAULT_OUTBOX_OPTIONS.baseDelayMs),
    maxAttempts: envNumber('TICKETCARD_OUTBOX_MAX_ATTEMPTS', DEFAULT_OUTBOX_OPTIONS.maxAttempts),
  })
})
