import { createHash } from 'node:crypto'
import * as v from 'valibot'
import { jobRecord } from '../outbox/jobs'
import { enqueue } from '../outbox/worker'
import { seatBlocksPerSession } from '../shared/config'
import { findAll, findMany, getDoc, removeWhere, updateWhere } from '../shared/db'
import type { CallContext } from '../shared/handler'
import { COLLECTIONS, type EventRecord, type FreeSeatRecord, type ReservationTermsRecord, type SessionRecord, type TicketRecord } from './records'
import { addFreeSeats, addFreeSeatsInTransaction, blockCount, newFreeSeats, readTerms, termsOf } from './seats'
import { withTransaction, type Transaction } from './transaction'

const id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,48}$/, 'letters, digits, "_" or "-", at most 48'))
const text = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max, `at most ${max} characters`))
const instant = v.pipe(v.string(), v.isoTimestamp('an ISO-8601 time with offset, e.g. 2026-12-01T19:00:00+08:00'))
const count = (min: number, max: number) => v.pipe(v.number(), v.integer('a whole number'), v.minValue(min, `at least ${min}`), v.maxValue(max, `at most ${max}`))

const sessionSchema = v.strictObject({
  id,
  name: text(20),
  place: v.optional(text(60)),
  startsAt: instant,
  endsAt: instant,
  capacity: count(0, 1_000_000),
})

/**
 * Entry rules. Nothing said: one entry per ticket, from an hour before the start to the end.
 * `multiple` may cap entries in all, per day, and space them; the limits are optional.
 */
const entrySchema = v.pipe(
  v.strictObject({
    mode: v.optional(v.picklist(['single', 'multiple'], 'single or multiple'), 'single'),
    maxEntries: v.optional(count(1, 1000)),
    perDay: v.optional(count(1, 100)),
    minMinutesBetween: v.optional(count(1, 24 * 60)),
    opensMinutesBefore: v.optional(count(0, 24 * 60), 60),
    closesMinutesAfter: v.optional(count(0, 24 * 60), 0),
    consumeCard: v.optional(v.boolean(), false),
  }),
  v.check((entry) => entry.mode === 'multiple' || (entry.maxEntries === undefined && entry.perDay === undefined && entry.minMinutesBetween === undefined), 'maxEntries, perDay and minMinutesBetween apply only to mode "multiple"'),
)

/** The organizer's event file, as `npm run event:import` reads it. */
export const eventFileSchema = v.pipe(
  v.strictObject({
    id,
    title: text(40),
    venue: text(60),
    description: v.pipe(v.string(), v.maxLength(2000, 'at most 2000 characters')),
    reservation: v.strictObject({ opensAt: instant, closesAt: instant }),
    limits: v.strictObject({ perSession: count(1, 10), perEvent: count(1, 50) }),
    idNumber: v.picklist(['off', 'optional', 'required']),
    entry: v.optional(entrySchema, {}),
    published: v.optional(v.boolean(), true),
    sessions: v.pipe(v.array(sessionSchema), v.minLength(1, 'at least one session'), v.maxLength(200, 'at most 200 sessions')),
  }),
  v.check((file) => new Date(file.reservation.opensAt) < new Date(file.reservation.closesAt), 'reservation.opensAt must be before reservation.closesAt'),
  v.check((file) => file.sessions.every((s) => new Date(s.startsAt) < new Date(s.endsAt)), 'every session must start before it ends'),
  v.check((file) => new Set(file.sessions.map((s) => s.id)).size === file.sessions.length, 'session ids must be unique'),
)

export type EventFile = v.InferOutput<typeof eventFileSchema>

export class EventFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`event file is invalid:\n  ${problems.join('\n  ')}`)
    this.name = 'EventFileError'
  }
}

/** Parses an event file, naming each bad field by its path. */
export function parseEventFile(input: unknown): EventFile {
  const result = v.safeParse(eventFileSchema, input)
  if (result.success) return result.output
  throw new EventFileError(
    result.issues.map((issue) => {
      const path = issue.path?.map((p) => String(p.key)).join('.') || '(file)'
      return `${path}: ${issue.message}`
    }),
  )
}

export interface ImportReport {
  eventId: string
  created: string[]
  updated: string[]
  /** Sessions in the database that the file no longer lists: kept, since tickets may hang on them. */
  untouched: string[]
  /** Cards in people's card packs queued for the new time or place (`/card/meetingticket/updateuser`). */
  cardUpdates: number
}

type SessionWhenWhere = Pick<SessionRecord, 'startsAt' | 'endsAt' | 'place'>

function movedOrRelocated(before: SessionWhenWhere, after: SessionWhenWhere): boolean {
  return before.startsAt.getTime() !== after.startsAt.getTime() || before.endsAt.getTime() !== after.endsAt.getTime() || before.place !== after.place
}

/**
 * A session's time or place changed: every card of it in someone's card pack should say so. One
 * `card.updateuser` job per active ticket with a card, keyed by the new time and place (one update
 * per change, however often the file is imported). The outbox decides by the deployment's card
 * type: only a MEETING_TICKET card can be updated; a SCENIC_TICKET deployment completes the job
 * without calling WeChat. Reminders need nothing here: they follow the session's time.
 */
async function queueCardUpdates(ctx: Pick<CallContext, 'db' | 'now'>, sessionId: string, after: SessionWhenWhere, now: Date): Promise<number> {
  const tickets = await findAll<TicketRecord>(ctx.db, COLLECTIONS.tickets, { sessionId, status: 'active' }, ['_id', 'asc'])
  let queued = 0
  const change = createHash('sha256').update(`${after.startsAt.getTime()}|${after.endsAt.getTime()}|${after.place}`).digest('hex').slice(0, 16)
  for (const ticket of tickets) {
    if (!ticket.card) continue
    const fields = { begin_time: Math.floor(after.startsAt.getTime() / 1000), end_time: Math.floor(after.endsAt.getTime() / 1000), zone: after.place }
    await enqueue(ctx.db, jobRecord('card.updateuser', `${ticket._id}:${change}`, { cardId: ticket.card.cardId, code: ticket.code, fields }, now))
    queued += 1
  }
  return queued
}

type Db = Pick<CallContext, 'db' | 'now'>

/** The version of the terms a session's first seats are told of. */
const FIRST_TERMS_VERSION = 1

async function createSession(ctx: Db, sessionId: string, fields: Omit<SessionRecord, '_id'>): Promise<void> {
  // Seats first and the session after: a run cut short leaves nothing reservable (no terms yet),
  // and the next import finds no session, drops the seats it left and writes them again.
  await removeWhere(ctx.db, COLLECTIONS.tickets, { sessionId, status: 'free' })
  await addFreeSeats(ctx, newFreeSeats({ _id: sessionId, eventId: fields.eventId }, fields.capacity, FIRST_TERMS_VERSION, blockCount(fields.capacity, seatBlocksPerSession())))
  await ctx.db.collection(COLLECTIONS.sessions).add({ data: { _id: sessionId, ...fields } })
}

/** Up to `wanted` free seats of a session, paging past the 1000 one read returns. */
async function someFreeSeats(ctx: Db, sessionId: string, wanted: number): Promise<FreeSeatRecord[]> {
  const _ = ctx.db.command
  const out: FreeSeatRecord[] = []
  while (out.length < wanted) {
    const where = out.length === 0 ? { sessionId, status: 'free' } : { sessionId, status: 'free', _id: _.gt(out[out.length - 1]._id) }
    const page = await findMany<FreeSeatRecord>(ctx.db, COLLECTIONS.tickets, where, { orderBy: ['_id', 'asc'], limit: Math.min(1000, wanted - out.length) })
    out.push(...page)
    if (page.length === 0) break
  }
  return out
}

/**
 * A capacity change, in one transaction with the session: more seats are added as free seats;
 * fewer are taken from the free ones (a reservation taking one of them at the same moment makes
 * the transaction start over); below the tickets already issued is refused.
 */
async function changeCapacity(ctx: Db, sessionId: string, capacity: number): Promise<void> {
  await withTransaction(ctx.db, async (tx: Transaction) => {
    const session = (await tx.collection(COLLECTIONS.sessions).doc(sessionId).get()).data as SessionRecord | null
    if (!session) throw new Error(`session ${sessionId} vanished during the import`)
    const terms = (await tx.collection(COLLECTIONS.reservationTerms).doc(sessionId).get()).data as ReservationTermsRecord | null
    const delta = capacity - session.capacity
    if (delta > 0) await addFreeSeatsInTransaction(tx, newFreeSeats({ _id: sessionId, eventId: session.eventId }, delta, terms?.version ?? FIRST_TERMS_VERSION, blockCount(capacity, seatBlocksPerSession())))
    if (delta < 0) {
      const free = await someFreeSeats(ctx, sessionId, -delta)
      if (free.length < -delta) throw new EventFileError([`sessions.${sessionId}.capacity: ${capacity} is below the ${session.capacity - free.length} tickets already issued`])
      for (const seat of free) await tx.collection(COLLECTIONS.tickets).doc(seat._id).remove()
    }
    await tx.collection(COLLECTIONS.sessions).doc(sessionId).update({ data: { capacity, updatedAt: ctx.now() } })
  })
}

/** Terms compared by content: key order and Date objects against their stored form do not count. */
function sameTerms(a: ReservationTermsRecord, b: ReservationTermsRecord): boolean {
  const canonical = (terms: unknown) =>
    JSON.stringify(terms, (_key, value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([x], [y]) => (x < y ? -1 : 1))) : value))
  return canonical({ event: a.event, session: a.session }) === canonical({ event: b.event, session: b.session })
}

/**
 * Writes the session's copy of the terms when it changed, under the next version, then tells
 * the free seats: from then on a reservation decided on the earlier terms cannot take one.
 */
async function writeTerms(ctx: Db, event: EventRecord, session: Omit<SessionRecord, 'updatedAt' | 'capacity'>): Promise<void> {
  const stored = await readTerms(ctx, session._id)
  const next = termsOf(event, session, stored ? stored.version + 1 : FIRST_TERMS_VERSION)
  if (stored && sameTerms(stored, next)) return
  const { _id: termsKey, ...terms } = next
  await ctx.db.collection(COLLECTIONS.reservationTerms).doc(termsKey).set({ data: terms })
  if (stored) await updateWhere(ctx.db, COLLECTIONS.tickets, { sessionId: session._id, status: 'free', termsVersion: ctx.db.command.lt(next.version) }, { termsVersion: next.version })
}

/**
 * Creates or updates an event and its sessions, and each session's copy of the reservation terms.
 * A capacity change adds or removes free seats inside a transaction, so reservations racing the
 * import are never lost or oversold; a capacity below the tickets already issued is refused.
 */
export async function importEvent(ctx: Db, file: EventFile): Promise<ImportReport> {
  const now = ctx.now()
  const event: EventRecord = {
    _id: file.id,
    title: file.title,
    venue: file.venue,
    description: file.description,
    reservationOpensAt: new Date(file.reservation.opensAt),
    reservationClosesAt: new Date(file.reservation.closesAt),
    limits: file.limits,
    idNumber: file.idNumber,
    entry: {
      mode: file.entry.mode,
      maxEntries: file.entry.maxEntries ?? null,
      perDay: file.entry.perDay ?? null,
      minMinutesBetween: file.entry.minMinutesBetween ?? null,
      opensMinutesBefore: file.entry.opensMinutesBefore,
      closesMinutesAfter: file.entry.closesMinutesAfter,
      consumeCard: file.entry.consumeCard,
    },
    published: file.published,
    updatedAt: now,
  }
  const { _id, ...eventFields } = event
  await ctx.db.collection(COLLECTIONS.events).doc(_id).set({ data: eventFields })

  const report: ImportReport = { eventId: file.id, created: [], updated: [], untouched: [], cardUpdates: 0 }
  for (const session of file.sessions) {
    const fields = {
      eventId: file.id,
      name: session.name,
      place: session.place ?? file.venue,
      startsAt: new Date(session.startsAt),
      endsAt: new Date(session.endsAt),
      capacity: session.capacity,
      updatedAt: now,
    }
    const existing = await getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, session.id)
    if (existing && existing.eventId !== file.id) throw new EventFileError([`sessions.${session.id}: belongs to event ${existing.eventId}`])
    if (!existing) {
      await createSession(ctx, session.id, fields)
      report.created.push(session.id)
    } else {
      if (existing.capacity !== session.capacity) await changeCapacity(ctx, session.id, session.capacity)
      const { capacity: _capacity, ...described } = fields
      await updateWhere(ctx.db, COLLECTIONS.sessions, { _id: session.id }, described)
      report.updated.push(session.id)
      if (movedOrRelocated(existing, fields)) report.cardUpdates += await queueCardUpdates(ctx, session.id, fields, now)
    }
    // Last: with its terms in place the session can be reserved, by the terms as they are now.
    await writeTerms(ctx, event, { _id: session.id, ...fields })
  }
  const stored = await findMany<SessionRecord>(ctx.db, COLLECTIONS.sessions, { eventId: file.id }, { limit: 1000 })
  report.untouched = stored.map((s) => s._id).filter((sid) => !file.sessions.some((s) => s.id === sid))
  return report
}
