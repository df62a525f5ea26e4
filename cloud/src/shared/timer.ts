import { fail, ok, type ApiResult } from '../api/envelope'
import { sdk } from './cloud'
import { dailyQuotaStop, isQuotaRefusal } from './errors'
import { openDatabase, type CallContext } from './handler'
import { recordDailyStop } from './quotaStops'

/** CloudBase's SOURCE for a run started by the function's own timer trigger. */
export const TIMER_SOURCE = 'wx_trigger'

/** What CloudBase hands a timer run: `Time` is when the trigger fired. */
interface TimerEvent {
  Type?: unknown
  TriggerName?: unknown
  Time?: unknown
}

export type TimerContext = Pick<CallContext, 'db' | 'cloud' | 'now'>

/**
 * The moment this run stands for: the trigger's own `Time`, so a run that starts late still works
 * on the minute it was due (and a test can fire the timer "at" any moment). Only a timer run gets
 * here, so the value comes from CloudBase, not from a caller.
 */
function triggerTime(event: TimerEvent): Date {
  const at = typeof event.Time === 'string' ? new Date(event.Time) : null
  return at && !Number.isNaN(at.getTime()) ? at : new Date()
}

/**
 * A timer-triggered function. On CloudBase any mini-program user can call any function by name,
 * so a run whose SOURCE is not the timer trigger is refused before anything runs, with an answer
 * that says nothing about the work (no report, no token state, no error text). A timer's answer
 * goes only to CloudBase's logs; failures are logged in English and answered without detail.
 */
export function defineTimerFunction<T>(functionName: string, run: (ctx: TimerContext) => Promise<T>) {
  return async function main(event: unknown): Promise<ApiResult<T>> {
    const cloud = sdk()
    const source = String(cloud.getWXContext().SOURCE ?? '')
    const timer = (event ?? {}) as TimerEvent
    if (source !== TIMER_SOURCE || timer.Type !== 'Timer') {
      console.warn(`${functionName}: refused a call from source "${source.slice(0, 40)}"; it runs only on its timer`)
      return fail({ code: 'FORBIDDEN', message: `${functionName} runs only on its timer trigger` })
    }
    const at = triggerTime(timer)
    const startedAt = Date.now()
    const ctx: TimerContext = { db: openDatabase(cloud), cloud, now: () => new Date(at.getTime() + (Date.now() - startedAt)) }
    try {
      return ok(await run(ctx))
    } catch (err) {
      // The environment's database quota: the run stops here and leaves the rest to the next one
      // (every timer's work is resumable), so timers never compete with attendees for the quota.
      if (isQuotaRefusal(err) || dailyQuotaStop(err)) {
        console.warn(`${functionName}: timer run stopped by the database quota; the next run continues: ${err instanceof Error ? err.message : String(err)}`)
        await recordDailyStop(ctx.db, err, functionName, ctx.now())
        return fail({ code: 'BUSY', message: `${functionName} run stopped by the database quota`, retryable: true })
      }
      console.error(`${functionName}: timer run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
      return fail({ code: 'INTERNAL', message: `${functionName} run failed; see the function log`, retryable: true })
    }
  }
}
