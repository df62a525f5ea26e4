import { createHash } from 'node:crypto'
import * as v from 'valibot'
import { jobRecord } from '../outbox/jobs'
import { enqueue } from '../outbox/worker'
import { seatBlocksPerSession } from '../shared/config'
import { countWhere, findAll, findMany, getDoc, removeWhere, updateWhere } from '../shared/db'
import type { CallContext } from '../shared/handler'
import { COLLECTIONS, type EventRecord, type ReservationTermsRecord, type SessionRecord, type TicketRecord } from './records'
import { addFreeSeats, blockCount, INSERT_BATCH, newFreeSeats, readTerms, termsOf, updateSeatsInBatches } from './seats'

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

/** How far a long capacity change has come, for a progress line: seats added or removed of those to. */
export type ImportProgress = (progress: { sessionId: string; action: 'adding' | 'removing'; done: number; of: number }) => void

async function createSession(ctx: Db, sessionId: string, fields: Omit<SessionRecord, '_id'>, progress: ImportProgress): Promise<void> {
  // Seats first and the session after: a run cut short leaves nothing reservable (no terms yet),
  // and the next import finds no session, drops the seats it left and writes them again.
  await removeWhere(ctx.db, COLLECTIONS.tickets, { sessionId, status: 'free' })
  const seats = newFreeSeats({ _id: sessionId, eventId: fields.eventId }, fields.capacity, FIRST_TERMS_VERSION, blockCount(fields.capacity, seatBlocksPerSession()))
  await addFreeSeats(ctx, seats, (done) => progress({ sessionId, action: 'adding', done, of: seats.length }))
  await ctx.db.collection(COLLECTIONS.sessions).add({ data: { _id: sessionId, ...fields } })
}

/**
 * How many seats a session has now: free seats and active tickets, in one count. Reservations
 * (free → active) and cancellations (active → cancelled plus a new free seat, in one transaction)
 * leave it unchanged, so it is a fact about the session even while people reserve. A count over
 * an index whose key a concurrent write moves may see that document twice or not at all (MongoDB
 * gives a count no snapshot; unverified on CloudBase), so two counts must agree.
 */
async function seatTotal(ctx: Db, sessionId: string): Promise<number> {
  const where = { sessionId, status: ctx.db.command.in(['free', 'active']) }
  let last = await countWhere(ctx.db, COLLECTIONS.tickets, where)
  for (let tries = 1; ; tries += 1) {
    const again = await countWhere(ctx.db, COLLECTIONS.tickets, where)
    if (again === last || tries >= 5) return again
    last = again
  }
}

/**
 * Removes up to `wanted` free seats of a session, a batch per call, each removal conditional on the
 * seat still being free: a seat a reservation takes meanwhile is not removed. Answers how many were
 * removed.
 */
async function removeFreeSeats(ctx: Db, sessionId: string, wanted: number, onBatch: (removed: number) => void): Promise<number> {
  const _ = ctx.db.command
  let removed = 0
  while (removed < wanted) {
    const batch = await findMany<{ _id: string }>(ctx.db, COLLECTIONS.tickets, { sessionId, status: 'free' }, { limit: Math.min(INSERT_BATCH, wanted - removed), fields: { _id: true } })
    if (batch.length === 0) break
    removed += await removeWhere(ctx.db, COLLECTIONS.tickets, { _id: _.in(batch.map((seat) => seat._id)), status: 'free' })
    onBatch(removed)
  }
  return removed
}

/**
 * A capacity change of any size, with no transaction (CloudBase allows no batch write in one, and
 * a transaction must end within 30 s). Tickets are made only from free seats, so active tickets
 * never pass the capacity if the capacity rises before seats are added and falls after they are
 * removed:
 *
 * - more seats: the capacity is raised, then the missing free seats are added in batches;
 * - fewer seats: free seats are removed by conditional writes (a seat reserved meanwhile stays),
 *   then the capacity is set from what the seats are; below the tickets already issued is refused
 *   before anything changes.
 *
 * What is missing or surplus is counted afresh (reservations and cancellations keep free + active
 * constant), so a run cut short is finished by running the import again.
 */
async function changeCapacity(ctx: Db, session: SessionRecord, capacity: number, progress: ImportProgress): Promise<void> {
  const sessionId = session._id
  const active = await countWhere(ctx.db, COLLECTIONS.tickets, { sessionId, status: 'active' })
  if (capacity < active) throw new EventFileError([`sessions.${sessionId}.capacity: ${capacity} is below the ${active} tickets already issued`])
  const difference = capacity - (await seatTotal(ctx, sessionId))
  if (difference > 0) {
    if (session.capacity !== capacity) await updateWhere(ctx.db, COLLECTIONS.sessions, { _id: sessionId }, { capacity, updatedAt: ctx.now() })
    const terms = await readTerms(ctx, sessionId)
    const seats = newFreeSeats(session, difference, terms?.version ?? FIRST_TERMS_VERSION, blockCount(capacity, seatBlocksPerSession()))
    await addFreeSeats(ctx, seats, (done) => progress({ sessionId, action: 'adding', done, of: difference }))
    return
  }
  if (difference < 0) {
    const removed = await removeFreeSeats(ctx, sessionId, -difference, (done) => progress({ sessionId, action: 'removing', done, of: -difference }))
    // Reservations took the free seats meanwhile: the capacity stops at what the seats are.
    if (removed < -difference) console.warn(`session ${sessionId}: only ${removed} of ${-difference} seats could be removed; reservations took the others`)
  }
  const total = await seatTotal(ctx, sessionId)
  if (session.capacity !== total) await updateWhere(ctx.db, COLLECTIONS.sessions, { _id: sessionId }, { capacity: total, updatedAt: ctx.now() })
}

/**
 * Tells every free seat of the session of terms `version`. Block by block, so each pass reads
 * only the seats still to tell through the `session` index (sessionId, status, block,
 * termsVersion); then once over the session, for blocks beyond today's configured number.
 */
async function tellFreeSeats(ctx: Db, sessionId: string, version: number): Promise<void> {
  const older = { status: 'free', termsVersion: ctx.db.command.lt(version) }
  for (let block = 0; block < seatBlocksPerSession(); block += 1) {
    await updateSeatsInBatches(ctx, { sessionId, ...older, block }, older, { termsVersion: version })
  }
  await updateSeatsInBatches(ctx, { sessionId, ...older }, older, { termsVersion: version })
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
  if (stored) await tellFreeSeats(ctx, session._id, next.version)
}

/**
 * Creates or updates an event and its sessions, and each session's copy of the reservation terms.
 * A capacity change adds or removes seats so that reservations racing the import are never lost
 * or oversold; a capacity below the tickets already issued is refused. Running it again after an
 * interruption finishes the job.
 */
export async function importEvent(ctx: Db, file: EventFile, progress: ImportProgress = () => undefined): Promise<ImportReport> {
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
      await createSession(ctx, session.id, fields, progress)
      report.created.push(session.id)
    } else {
      // Run every time, not only when the capacity differs: an earlier run cut short may have left
      // seats to add or remove.
      await changeCapacity(ctx, existing, session.capacity, progress)
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
