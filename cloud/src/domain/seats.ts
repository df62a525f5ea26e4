import { randomBytes } from 'node:crypto'
import { countWhere, findMany, getDoc, updateWhere } from '../shared/db'
import { isDuplicateKey } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { releasedHolds } from './holds'
import { COLLECTIONS, type EventRecord, type FreeSeatRecord, type ReservationTermsRecord, type SessionRecord, type SessionWithSeats, type TicketRecord } from './records'
import { generateTicketCode } from './ticketCode'

type Ctx = Pick<CallContext, 'db'>

/** A new ticket id: random, so ids say nothing. */
export const newTicketId = (): string => `t${randomBytes(16).toString('hex').slice(0, 31)}`

/** Whether a document of `tickets` is a free seat rather than a ticket someone holds. */
export const isFreeSeat = (doc: TicketRecord | FreeSeatRecord): doc is FreeSeatRecord => doc.status === 'free'

/** Only the tickets among documents read from `tickets` (free seats live there too). */
export const ticketsOnly = (docs: Array<TicketRecord | FreeSeatRecord>): TicketRecord[] => docs.filter((doc): doc is TicketRecord => !isFreeSeat(doc))

export function termsOf(event: EventRecord, session: Pick<SessionRecord, '_id' | 'eventId' | 'name' | 'place' | 'startsAt' | 'endsAt'>, version: number): ReservationTermsRecord {
  const { _id, title, venue, reservationOpensAt, reservationClosesAt, limits, idNumber, published } = event
  const { name, place, startsAt, endsAt } = session
  return {
    _id: session._id,
    sessionId: session._id,
    version,
    event: { _id, title, venue, reservationOpensAt, reservationClosesAt, limits, idNumber, published },
    session: { _id: session._id, eventId: session.eventId, name, place, startsAt, endsAt },
  }
}

export const readTerms = (ctx: Ctx, sessionId: string): Promise<ReservationTermsRecord | null> => getDoc<ReservationTermsRecord>(ctx.db, COLLECTIONS.reservationTerms, sessionId)

/** How many blocks a session of `capacity` seats uses: `most`, or fewer for a small one (each block gets a seat). */
export function blockCount(capacity: number, most: number): number {
  return Math.max(1, Math.min(most, capacity))
}

/**
 * `count` free seats for a session, each with its own id and code, told of terms `termsVersion`,
 * dealt round the `blocks` blocks from a random one (so adding a few seats does not always fill
 * the same block).
 */
export function newFreeSeats(session: Pick<SessionRecord, '_id' | 'eventId'>, count: number, termsVersion: number, blocks: number): FreeSeatRecord[] {
  const first = Math.floor(Math.random() * blocks)
  return Array.from({ length: count }, (_, i) => {
    const _id = newTicketId()
    return { _id, status: 'free', eventId: session.eventId, sessionId: session._id, block: (first + i) % blocks, code: generateTicketCode(), request: `free:${_id}`, rateSlot: `free:${_id}`, holds: releasedHolds(_id), termsVersion }
  })
}

/** Seats per insert request: a capacity of thousands is written in a few calls (never inside a transaction, where CloudBase allows no batch). */
export const INSERT_BATCH = 500

/**
 * Stores free seats, a batch per call, telling `onBatch` how many are stored so far. A batch
 * refused for a code already taken (about one in 10^11 per seat) is drawn again: codes are never
 * reused.
 */
export async function addFreeSeats(ctx: Ctx, seats: FreeSeatRecord[], onBatch: (stored: number) => void = () => undefined): Promise<void> {
  for (let i = 0; i < seats.length; i += INSERT_BATCH) {
    let batch = seats.slice(i, i + INSERT_BATCH)
    for (let tries = 1; ; tries += 1) {
      try {
        await ctx.db.collection(COLLECTIONS.tickets).add({ data: batch })
        break
      } catch (err) {
        if (!isDuplicateKey(err) || tries >= 5) throw err
        batch = batch.map((seat) => ({ ...seat, code: generateTicketCode() }))
      }
    }
    onBatch(i + batch.length)
  }
}

/**
 * Updates every seat `select` finds with `data`, a batch of ids per call (one update of a hundred
 * thousand documents would outlive a request's time limit), each write conditional on `still`
 * (what `select` asks of a seat, the session aside: the ids name the seats, and the database then
 * looks them up by id rather than through every seat of the session). `select` must stop finding
 * a seat once `data` is written: the loop ends when it finds none.
 */
export async function updateSeatsInBatches(ctx: Ctx, select: Record<string, unknown>, still: Record<string, unknown>, data: Record<string, unknown>): Promise<void> {
  const _ = ctx.db.command
  for (;;) {
    const batch = await findMany<{ _id: string }>(ctx.db, COLLECTIONS.tickets, select, { limit: INSERT_BATCH, fields: { _id: true } })
    if (batch.length === 0) return
    await updateWhere(ctx.db, COLLECTIONS.tickets, { _id: _.in(batch.map((seat) => seat._id)), ...still }, data)
  }
}

/** Up to `limit` free seats of a session: of one block, or of any. */
export function readFreeSeats(ctx: Ctx, sessionId: string, limit: number, block?: number): Promise<FreeSeatRecord[]> {
  return findMany<FreeSeatRecord>(ctx.db, COLLECTIONS.tickets, block === undefined ? { sessionId, status: 'free' } : { sessionId, status: 'free', block }, { limit })
}

/** A session of at least this many seats has its free seats counted at most every LARGE_SESSION_STALENESS_MS per instance. */
const LARGE_SESSION = 1000
/** How old a large session's count of free seats may be: what events.list and organizer.stats show of it. */
export const LARGE_SESSION_STALENESS_MS = 3000

const counted = new Map<string, { free: number; at: number }>()

/** Free seats of these sessions, one aggregation for all (one database request, whatever their number). */
async function countTogether(ctx: Ctx, sessionIds: string[]): Promise<Map<string, number>> {
  if (sessionIds.length === 0) return new Map()
  const _ = ctx.db.command
  const result = (await ctx.db
    .collection(COLLECTIONS.tickets)
    .aggregate()
    .match({ sessionId: _.in(sessionIds), status: 'free' })
    .group({ _id: '$sessionId', free: _.aggregate.sum(1) })
    .limit(1000)
    .end()) as unknown as { list: Array<{ _id: string; free: number }> }
  return new Map(result.list.map((row) => [row._id, row.free]))
}

/** A large session's free seats, counted from the index (no document read) at most every 3 s by an instance. */
async function countAlone(ctx: Ctx, sessionId: string, now: number): Promise<number> {
  const kept = counted.get(sessionId)
  if (kept && now - kept.at < LARGE_SESSION_STALENESS_MS) return kept.free
  const free = await countWhere(ctx.db, COLLECTIONS.tickets, { sessionId, status: 'free' })
  counted.set(sessionId, { free, at: now })
  return free
}

/**
 * Sessions with their free seats. A session of a thousand seats or more is counted on its own
 * from the index, at most every 3 s by an instance: what a page shows of it is at most 3 s old, and
 * listing it in a loop during a rush costs the database the same at 1,000 seats and at 100,000.
 * Smaller sessions are counted exactly on every call, all in one aggregation, so a page of many
 * small sessions stays one request.
 */
export async function withSeats(ctx: Ctx, sessions: SessionRecord[]): Promise<SessionWithSeats[]> {
  const now = Date.now()
  const isLarge = (session: SessionRecord) => session.capacity >= LARGE_SESSION
  const [together, alone] = await Promise.all([
    countTogether(ctx, sessions.filter((session) => !isLarge(session)).map((session) => session._id)),
    Promise.all(sessions.map((session) => (isLarge(session) ? countAlone(ctx, session._id, now) : Promise.resolve(0)))),
  ])
  // A small session with no free seat has no row in the aggregation.
  return sessions.map((session, i) => ({ ...session, remaining: isLarge(session) ? alone[i] : (together.get(session._id) ?? 0) }))
}
