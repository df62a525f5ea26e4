import { COLLECTIONS, type JobRecord } from '../domain/records'
import type { Transaction } from '../domain/transaction'

/** The WeChat side effects the outbox knows how to carry out. */
export type JobType = 'card.confirm' | 'card.unavailable' | 'card.consume' | 'card.updateuser' | 'subscribe.send'

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
