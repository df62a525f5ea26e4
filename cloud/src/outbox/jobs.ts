import { COLLECTIONS, type JobRecord } from '../domain/records'
import type { Transaction } from '../domain/transaction'

/** The WeChat side effects the outbox knows how to carry out. */
export type JobType = 'card.confirm' | 'card.unavailable' | 'card.consume' | 'card.updateuser' | 'subscribe.send'

/**
 * What a job whose outcome is unknown (a timed-out call, a worker that died during it) gets:
 * - `at-least-once`: run again. WeChat's answer to a repeat is harmless: decrypting twice reads
 *   twice; a second consume or unavailable is refused as already done (40099/40127), which the
 *   handler counts as success; updateuser writes the same fields again.
 * - `at-most-once`: never run again, recorded as `uncertain`. A subscribe message has no
 *   idempotency key upstream: a repeat is a second message on the person's phone (and spends
 *   another of their one-time subscriptions), so one possibly lost message is the lesser harm.
 */
export const DELIVERY: Record<JobType, 'at-least-once' | 'at-most-once'> = {
  'card.confirm': 'at-least-once',
  'card.unavailable': 'at-least-once',
  'card.consume': 'at-least-once',
  'card.updateuser': 'at-least-once',
  'subscribe.send': 'at-most-once',
}

export const isAtMostOnce = (type: string): boolean => (DELIVERY as Record<string, string>)[type] === 'at-most-once'

/**
 * A job for the outbox, written in the same transaction as the state change that calls for it, so
 * the change and the promise to tell WeChat commit together. `key` makes it idempotent: enqueuing
 * the same side effect twice is a duplicate-key error that the caller's transaction retry absorbs.
 */
export function jobRecord(type: JobType, key: string, payload: Record<string, unknown>, now: Date): JobRecord {
  return { _id: `${type}:${key}`, type, payload, state: 'pending', attempts: 0, runAt: now, createdAt: now }
}

/**
 * The card's one consume (WeChat consumes a code once): the same job whichever of the first entry
 * and the card's confirmed add comes second, so the ticket gets exactly one.
 */
export function cardConsumeJob(ticketId: string, cardId: string, code: string, now: Date): JobRecord {
  return jobRecord('card.consume', ticketId, { cardId, code }, now)
}

export async function enqueueInTransaction(tx: Transaction, job: JobRecord): Promise<void> {
  await tx.collection(COLLECTIONS.jobs).add({ data: { ...job } })
}
