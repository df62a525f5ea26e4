import { findAll, findMany } from '../shared/db'
import type { CallContext } from '../shared/handler'
import { COLLECTIONS, type EventRecord, type ReservationTermsRecord, type SeatBlockRecord, type SessionRecord, type SessionWithSeats } from './records'

type Ctx = Pick<CallContext, 'db'>

export const blockId = (sessionId: string, block: number): string => `${sessionId}#${block}`
export const termsId = (sessionId: string): string => `${sessionId}#terms`
/** The block a seat label belongs to: the label is `<block id>:<n>`. */
export const blockOfSeat = (seat: string): string => seat.slice(0, seat.lastIndexOf(':'))

/**
 * How many blocks a new session gets: `most`, or fewer for a small session (every block holds at
 * least one seat). Reservations pick a block at random, so with more blocks than reservations in
 * flight they rarely wait on each other's transaction (bench/flash-crowd.ts).
 */
export function blockCount(capacity: number, most: number): number {
  return Math.max(1, Math.min(most, capacity))
}

/** `capacity` over `blocks` as evenly as it goes, the first blocks taking the remainder. */
export function splitCapacity(capacity: number, blocks: number): number[] {
  return Array.from({ length: blocks }, (_, k) => Math.floor(capacity / blocks) + (k < capacity % blocks ? 1 : 0))
}

/** `blocks` new blocks holding `capacity` between them, numbered from `first` (a session growing adds after its last). */
export function newBlocks(sessionId: string, capacity: number, blocks: number, first = 0): SeatBlockRecord[] {
  return splitCapacity(capacity, blocks).map((seats, k) => ({ _id: blockId(sessionId, first + k), sessionId, kind: 'seats', block: first + k, capacity: seats, remaining: seats, taken: 0 }))
}

export function termsOf(event: EventRecord, session: Pick<SessionRecord, '_id' | 'eventId' | 'name' | 'place' | 'startsAt' | 'endsAt'>): ReservationTermsRecord {
  const { _id, title, venue, reservationOpensAt, reservationClosesAt, limits, idNumber, published } = event
  const { name, place, startsAt, endsAt } = session
  return {
    _id: termsId(session._id),
    sessionId: session._id,
    kind: 'terms',
    event: { _id, title, venue, reservationOpensAt, reservationClosesAt, limits, idNumber, published },
    session: { _id: session._id, eventId: session.eventId, name, place, startsAt, endsAt },
  }
}

export interface SeatState {
  terms: ReservationTermsRecord | null
  blocks: SeatBlockRecord[]
}

/** Everything a reservation needs to decide, in one query: the session's terms and every seat block. */
export async function readSeatState(ctx: Ctx, sessionId: string): Promise<SeatState> {
  const docs = await findMany<SeatBlockRecord | ReservationTermsRecord>(ctx.db, COLLECTIONS.seatBlocks, { sessionId }, { limit: 1000 })
  const terms = docs.find((doc): doc is ReservationTermsRecord => doc.kind === 'terms') ?? null
  const blocks = docs.filter((doc): doc is SeatBlockRecord => doc.kind === 'seats').sort((a, b) => a.block - b.block)
  return { terms, blocks }
}

/** Sessions with their free seats: the sum of each one's seat blocks, in one paged query. */
export async function withSeats(ctx: Ctx, sessions: SessionRecord[]): Promise<SessionWithSeats[]> {
  if (sessions.length === 0) return []
  const _ = ctx.db.command
  const blocks = await findAll<SeatBlockRecord>(ctx.db, COLLECTIONS.seatBlocks, { sessionId: _.in(sessions.map((s) => s._id)), kind: 'seats' }, ['_id', 'asc'])
  const remaining = new Map<string, number>()
  for (const block of blocks) remaining.set(block.sessionId, (remaining.get(block.sessionId) ?? 0) + block.remaining)
  return sessions.map((session) => ({ ...session, remaining: remaining.get(session._id) ?? 0 }))
}
