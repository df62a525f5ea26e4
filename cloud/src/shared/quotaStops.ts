/**
 * When the environment's daily database reads or writes are spent, every function stops serving
 * until midnight (China time). An operator must hear of it: the first function that meets the stop
 * records it in `health/quota` (when the stop is of reads, a write still passes; when writes are
 * spent the record cannot be written, and `npm run ops -- quota` finds the stop by probing).
 */
import { dailyQuotaStop } from './errors'
import type { CallContext } from './handler'

export const QUOTA_HEALTH_COLLECTION = 'health'
export const QUOTA_HEALTH_ID = 'quota'

export interface QuotaStopRecord {
  stopped: 'reads' | 'writes'
  at: Date
  /** The function and action that met it. */
  where: string
  message: string
}

/** Records a daily-quota stop if `err` is one; never throws (the record is best effort). */
export async function recordDailyStop(db: CallContext['db'], err: unknown, where: string, at: Date): Promise<void> {
  const stopped = dailyQuotaStop(err)
  if (!stopped) return
  const record: QuotaStopRecord = { stopped, at, where, message: String((err as { errMsg?: unknown }).errMsg ?? '').slice(0, 300) }
  try {
    await db.collection(QUOTA_HEALTH_COLLECTION).doc(QUOTA_HEALTH_ID).set({ data: record })
  } catch {
    // Writes are spent too, or the database is away: ops finds the stop by probing.
  }
}
