import { createHash } from 'node:crypto'
import type { TicketView } from '../api/models'
import { reservePayloadSchema, validate, type ReservePayload } from '../api/validation'
import { reservationConfig, seatBlocksPerSession, type ReservationConfig } from '../shared/config'
import { findMany, getDoc, removeWhere, updateWhere } from '../shared/db'
import { DomainError, isDuplicateKey, isQuotaRefusal, QUOTA_RETRY_AFTER_MS } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { chooseSlots, FIRST_SLOTS, holdersQuery, holdsFor, limitReached, type HoldScope, type HoldSlots } from './holds'
import { hashIdNumber } from './idHash'
import { checkIdRefusalAllowance, refuseIdNumber } from './idNumbers'
import { consumeRateLimit, perMinute, rateLimited, rateSlot, rateSlotsOfMinute } from './rateLimit'
import { COLLECTIONS, type EventRecord, type FreeSeatRecord, type ReservationTermsRecord, type SessionRecord, type TicketRecord } from './records'
import { newTicketId, readFreeSeats, readTerms } from './seats'
import { generateTicketCode } from './ticketCode'
import { ticketView } from './views'

export function requireOpenid(ctx: CallContext): string {
  if (!ctx.openid) throw new DomainError('UNAUTHENTICATED', 'no OPENID in the cloud context')
  return ctx.openid
}

/**
 * Who asked and their request id, hashed: unique on tickets, so a retried request (a lost answer,
 * a double tap, a crash half-way) finds its ticket instead of making a second one.
 */
export function requestKeyFor(openid: string, requestId: string): string {
  return `t${createHash('sha256').update(`${openid}\n${requestId}`).digest('hex').slice(0, 31)}`
}

type TermsEvent = ReservationTermsRecord['event']
type TermsSession = ReservationTermsRecord['session']

function checkWindow(event: TermsEvent, session: TermsSession, now: Date): void {
  if (now < new Date(event.reservationOpensAt)) throw new DomainError('RESERVATION_NOT_OPEN', `reservations for ${event._id} open at ${new Date(event.reservationOpensAt).toISOString()}`)
  if (now > new Date(event.reservationClosesAt)) throw new DomainError('RESERVATION_CLOSED', `reservations for ${event._id} closed`)
  if (now >= new Date(session.startsAt)) throw new DomainError('RESERVATION_CLOSED', `session ${session._id} has started`)
}

function attendeeRecord(event: TermsEvent, input: ReservePayload, config: ReservationConfig): TicketRecord['attendee'] {
  const { name, phone, idNumber } = input.attendee
  const idType = input.attendee.idType ?? 'mainland'
  if (event.idNumber === 'required' && !idNumber) {
    throw new DomainError('INVALID_INPUT', 'this event requires an ID number', { 'attendee.idNumber': 'ID_REQUIRED' })
  }
  // An event that does not ask for ID numbers does not keep one, even when sent.
  if (event.idNumber === 'off' || !idNumber) return { name, phone }
  return { name, phone, idType, idHash: hashIdNumber(config.idHmacKey, idType, idNumber) }
}

/*
 * An instance that has just seen a session sold out (within 2 s) reads its free seats with the
 * request's own ticket: in a rush, most callers after the last seat get SOLD_OUT from one round
 * trip, the answer coming from what the database says. A first try (`firstTry`: the client never
 * sent this request before, so it has no ticket to find) is answered SOLD_OUT from that sight
 * alone, with no read at all: under the environment's database quota, the crowd that finds a
 * session sold out must cost it nothing. That answer may be up to 2 s old (a seat freed by a
 * cancellation in those 2 s is found by the next caller who looks).
 */
const SOLD_OUT_HINT_MS = 2000
const soldOutSeenAt = new Map<string, number>()
const seemsSoldOut = (sessionId: string) => Date.now() - (soldOutSeenAt.get(sessionId) ?? -Infinity) < SOLD_OUT_HINT_MS

/** Tries per reservation when its seat was taken by another at the same instant; each waits a little longer. */
const ATTEMPTS = 40
const backoff = (tries: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 3 * 2 ** Math.min(tries, 6)))

/**
 * How long a reservation keeps trying when the database's quota refuses its calls, and how long
 * it waits between tries (jittered, so callers refused together do not come back together). Well
 * inside the function's 10 s timeout and the app's 10 s patience.
 */
const QUOTA_BUDGET_MS = 3000
const QUOTA_WAIT_MS = { min: 150, max: 700 }

/** Free seats an instance reads at once and keeps for its next reservations of the session. */
const POOL = 16

/** A reason to start over from a fresh read: another reservation got the seat first, or the terms changed. */
class StaleRead extends Error {}

/*
 * What an instance keeps per session between calls: the terms it last read, its "home" seat block
 * and a few free seats read from it. Instances serve one call at a time, so after a lost race or
 * two each has a block of its own and they stop wanting the same seats. Nothing here decides an
 * answer on its own: a seat is taken by a conditional update that fails when the seat is gone or
 * the terms changed since, and a refusal by kept terms is checked again on fresh ones.
 */
interface SessionView {
  /** Null until read (or after kept terms refused: they are read again before refusing). */
  terms: ReservationTermsRecord | null
  home: number | null
  seats: FreeSeatRecord[]
}
const kept = new Map<string, SessionView>()

interface Attempt {
  ctx: CallContext
  input: ReservePayload
  config: ReservationConfig
  openid: string
  request: string
  slots: HoldSlots
  /** Which of the person's reservations this minute the ticket would be (1 unless a retry found it taken). */
  rateK: number
  allowanceChecked: boolean
  /** Whether this call has looked for the request's ticket already (a refusal must not hide it). */
  lookedForTicket: boolean
  /** Whether this call has read the terms itself (kept ones may refuse only after that). */
  readTerms: boolean
}

/** The answer to a request that already has its ticket (a retry, a double tap), or null. */
async function existingAnswer(a: Attempt, terms: ReservationTermsRecord | null): Promise<TicketView | null> {
  a.lookedForTicket = true
  const [ticket] = await findMany<TicketRecord>(a.ctx.db, COLLECTIONS.tickets, { request: a.request }, { limit: 1 })
  if (!ticket) return null
  if (terms && terms.session._id === ticket.sessionId) return ticketView(ticket, terms.session, terms.event, a.openid, a.ctx.now())
  return viewOf(a.ctx, ticket, a.openid)
}

/**
 * The refusals decided by the terms alone, before anything is written: unknown or unpublished
 * session, the reservation window, the attendee's data against the event's rules.
 */
function checkTerms(a: Attempt, terms: ReservationTermsRecord | null): { terms: ReservationTermsRecord; attendee: TicketRecord['attendee'] } {
  if (!terms || !terms.event.published) throw new DomainError('NOT_FOUND', `no session ${a.input.sessionId}`)
  checkWindow(terms.event, terms.session, a.ctx.now())
  return { terms, attendee: attendeeRecord(terms.event, a.input, a.config) }
}

/** The ticket this attempt would make of `seat`, and whom its holds count against. */
function draftTicket(a: Attempt, terms: ReservationTermsRecord, attendee: TicketRecord['attendee'], seat: Pick<FreeSeatRecord, '_id' | 'code' | 'termsVersion'>): { ticket: TicketRecord; scope: HoldScope } {
  const scope: HoldScope = { eventId: terms.event._id, sessionId: terms.session._id, openid: a.openid, idHash: attendee.idHash, limits: terms.event.limits }
  const now = a.ctx.now()
  const ticket: TicketRecord = {
    _id: seat._id,
    code: seat.code,
    eventId: terms.event._id,
    sessionId: terms.session._id,
    _openid: a.openid,
    attendee,
    status: 'active',
    termsVersion: seat.termsVersion,
    holds: holdsFor(scope, a.slots, seat._id),
    request: a.request,
    rateSlot: rateSlot(a.openid, now, a.rateK),
    requestId: a.input.requestId,
    consent: { noticeVersion: a.input.consent.noticeVersion, agreedAt: now },
    createdAt: now,
    card: null,
  }
  return { ticket, scope }
}

/**
 * Fills the view: the terms when not kept, and a few free seats of the home block (of any block
 * when it has none left, the block of one of them becoming home). After a sold-out answer a
 * moment ago, the request's own ticket is looked for in the same round trip.
 */
async function refill(a: Attempt, view: SessionView): Promise<TicketView | null> {
  const { ctx, input } = a
  const hinted = seemsSoldOut(input.sessionId)
  const readTermsNow = view.terms === null
  const [terms, slice, answer] = await Promise.all([
    readTermsNow ? readTerms(ctx, input.sessionId) : Promise.resolve(view.terms),
    readFreeSeats(ctx, input.sessionId, POOL, hinted ? undefined : (view.home ?? Math.floor(Math.random() * seatBlocksPerSession()))),
    hinted ? existingAnswer(a, null) : Promise.resolve(null),
  ])
  const seats = slice.length > 0 || hinted ? slice : await readFreeSeats(ctx, input.sessionId, POOL)
  view.seats = seats
  view.home = seats.length > 0 ? seats[Math.floor(Math.random() * seats.length)].block : null
  if (seats.some((seat) => seat.termsVersion > (terms?.version ?? Infinity))) {
    // The seats were told of terms newer than the ones kept.
    view.terms = await readTerms(ctx, input.sessionId)
    a.readTerms = true
  } else {
    view.terms = terms
    a.readTerms ||= readTermsNow
  }
  return answer
}

/** The seat fields a reservation writes: the free seat becomes this ticket. */
function takenSeat(ticket: TicketRecord, _: CallContext['db']['command']): Record<string, unknown> {
  return {
    status: 'active',
    _openid: ticket._openid,
    attendee: _.set(ticket.attendee),
    holds: _.set(ticket.holds),
    request: ticket.request,
    rateSlot: ticket.rateSlot,
    requestId: ticket.requestId,
    consent: _.set(ticket.consent),
    createdAt: ticket.createdAt,
    card: null,
  }
}

/**
 * One try: one conditional update turns a free seat into the ticket, so capacity = free seats +
 * active tickets at every instant. The condition (still free, terms not newer than the ones
 * decided on) and the ticket's unique fields are the guards: its request (this request), its
 * holds (per-person limits).
 */
async function tryOnce(a: Attempt): Promise<TicketView> {
  const { ctx, input } = a
  const _ = ctx.db.command
  const view = kept.get(input.sessionId) ?? { terms: null, home: null, seats: [] }
  kept.set(input.sessionId, view)
  if (view.seats.length === 0 || view.terms === null) {
    const answer = await refill(a, view)
    if (answer) return answer
  }
  let decided: ReturnType<typeof checkTerms>
  try {
    decided = checkTerms(a, view.terms)
  } catch (err) {
    // Terms kept from an earlier call refuse only once a fresh read agrees.
    if (a.readTerms) throw err
    view.terms = null
    throw new StaleRead()
  }
  const { terms, attendee } = decided
  if (view.seats.length === 0) {
    soldOutSeenAt.set(input.sessionId, Date.now())
    throw new DomainError('SOLD_OUT', `session ${input.sessionId} has no seats left`)
  }
  soldOutSeenAt.delete(input.sessionId)
  const seat = view.seats.splice(Math.floor(Math.random() * view.seats.length), 1)[0]

  // For an ID number, today's refusals first: a caller out of them learns nothing more.
  if (attendee.idHash && !a.allowanceChecked) {
    await checkIdRefusalAllowance(ctx, terms.event._id, a.openid, a.config)
    a.allowanceChecked = true
  }

  const { ticket, scope } = draftTicket(a, terms, attendee, seat)
  let updated: number
  try {
    updated = await updateWhere(ctx.db, COLLECTIONS.tickets, { _id: seat._id, status: 'free', termsVersion: _.lte(terms.version) }, takenSeat(ticket, _))
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    // Refused by a unique field: the seat stayed free, for this instance's next reservation.
    view.seats.push(seat)
    return resolveClash(a, scope, terms, attendee)
  }
  if (updated === 0) {
    // Taken by another instance (this block is someone else's too: move), removed by an import,
    // or told of newer terms (the next seats read show it): read seats again.
    view.seats = []
    view.home = null
    throw new StaleRead()
  }
  return ticketView(ticket, terms.session, terms.event, a.openid, ticket.createdAt)
}

/** This minute's rate slots already held by the person's other tickets. */
async function takenRateSlots(a: Attempt): Promise<Set<string>> {
  const slots = rateSlotsOfMinute(a.openid, a.ctx.now(), a.config.reservePerMinute)
  const holders = await findMany<TicketRecord>(a.ctx.db, COLLECTIONS.tickets, { rateSlot: a.ctx.db.command.in(slots) }, { limit: slots.length })
  return new Set(holders.filter((ticket) => ticket.request !== a.request).map((ticket) => ticket.rateSlot))
}

/**
 * A refusal by the caller's own limits makes no ticket, so it is counted in the minute's window,
 * against what the person's tickets of this minute (`taken`) left of the limit. (Tickets do not
 * read the window: refusals made first do not hold later tickets back, so the worst order reaches
 * twice the limit in a minute.)
 */
async function countRefusal(a: Attempt, taken: Set<string>): Promise<void> {
  await consumeRateLimit(a.ctx, perMinute('reserve', a.openid), a.config.reservePerMinute - taken.size, 'new')
}

/**
 * The seat's update was refused by one of the ticket's unique fields. Which one is found by reading
 * what holds them now, never from the error's text (whether CloudBase names the index in a
 * duplicate-key error on an update is unverified): this request's own ticket (a retry: answer it),
 * the person's or the ID number's holds, the person's rate slots of this minute. Then the refusal,
 * in this order: the caller's own limits (`LIMIT_REACHED`, counted in the minute's window), the ID
 * number's (`DUPLICATE_ID_NUMBER`, capped and logged for the organizer, and never counted in the
 * minute first: a full window would otherwise answer RATE_LIMITED exactly when the ID number holds
 * a ticket), then the minute (`RATE_LIMITED`). Otherwise the free slots to try next.
 */
async function resolveClash(a: Attempt, scope: HoldScope, terms: ReservationTermsRecord, attendee: TicketRecord['attendee']): Promise<TicketView> {
  const answer = await existingAnswer(a, terms)
  if (answer) return answer
  const [holders, taken] = await Promise.all([
    findMany<TicketRecord>(a.ctx.db, COLLECTIONS.tickets, holdersQuery(a.ctx.db.command, scope), { limit: 100 }),
    takenRateSlots(a),
  ])
  const choice = chooseSlots(scope, holders.filter((ticket) => ticket.request !== a.request).map((ticket) => ticket.holds))
  if (choice.full === 'personEvent' || choice.full === 'personSession') {
    await countRefusal(a, taken)
    throw limitReached(choice.full, scope)
  }
  if (choice.full && attendee.idHash) throw await refuseIdNumber(a.ctx, terms.event, terms.session, a.openid, a.input, attendee.idHash, a.config)
  a.slots = choice.slots ?? FIRST_SLOTS
  const now = a.ctx.now()
  if (taken.has(rateSlot(a.openid, now, a.rateK))) {
    const free = Array.from({ length: a.config.reservePerMinute }, (_, i) => i + 1).find((k) => !taken.has(rateSlot(a.openid, now, k)))
    if (free === undefined) throw rateLimited('reserve', a.config.reservePerMinute)
    a.rateK = free
  }
  throw new StaleRead()
}

/**
 * What the copied templates do: trust the free seat read before the per-person checks, write
 * the ticket, then take the seat. Only for the race test's control (TICKETCARD_CAPACITY_GUARD=off).
 */
async function reserveUnguarded(a: Attempt): Promise<TicketView> {
  const [read, [seat]] = await Promise.all([readTerms(a.ctx, a.input.sessionId), readFreeSeats(a.ctx, a.input.sessionId, 1)])
  const { terms, attendee } = checkTerms(a, read)
  if (!seat) throw new DomainError('SOLD_OUT', `session ${a.input.sessionId} has no seats left`)
  const { ticket } = draftTicket(a, terms, attendee, { _id: newTicketId(), code: generateTicketCode(), termsVersion: terms.version })
  await a.ctx.db.collection(COLLECTIONS.tickets).add({ data: { ...ticket } })
  await removeWhere(a.ctx.db, COLLECTIONS.tickets, { _id: seat._id, status: 'free' })
  return ticketView(ticket, terms.session, terms.event, a.openid, ticket.createdAt)
}

/** reservation.reserve: one ticket for the caller on a session, never over capacity. */
export async function reserve(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const openid = requireOpenid(ctx)
  const parsed = validate(reservePayloadSchema, payload)
  if (!parsed.ok) throw new DomainError('INVALID_INPUT', 'reservation payload is invalid', parsed.fields)
  const input = parsed.value
  const config = reservationConfig()
  const a: Attempt = {
    ctx,
    input,
    config,
    openid,
    request: requestKeyFor(openid, input.requestId),
    slots: { ...FIRST_SLOTS },
    rateK: 1,
    readTerms: false,
    allowanceChecked: false,
    lookedForTicket: false,
  }
  if (config.capacityGuard === 'off') return reserveUnguarded(a)
  if (input.firstTry === true && seemsSoldOut(input.sessionId)) throw new DomainError('SOLD_OUT', `session ${input.sessionId} was sold out a moment ago`)
  const started = Date.now()
  for (let n = 1; ; n += 1) {
    try {
      return await tryOnce(a)
    } catch (err) {
      if (isQuotaRefusal(err)) {
        // The environment's quota refused a call: nothing was written. Wait a jittered moment and
        // try again while the budget lasts; then the caller hears BUSY and retries the same request.
        const wait = QUOTA_WAIT_MS.min + Math.random() * (QUOTA_WAIT_MS.max - QUOTA_WAIT_MS.min)
        if (Date.now() - started + wait > QUOTA_BUDGET_MS) throw new DomainError('BUSY', `reservation ${a.request}: the database stayed at its quota for ${Date.now() - started} ms`, undefined, true, QUOTA_RETRY_AFTER_MS)
        await new Promise((resolve) => setTimeout(resolve, wait))
        n -= 1
        continue
      }
      if (err instanceof DomainError) {
        // A request that already has its ticket (its answer was lost) gets the ticket, whatever
        // would refuse a new one now: the window closing, the rate limit, a limit it fills itself.
        const answer = a.lookedForTicket ? null : await existingAnswer(a, null)
        if (answer) return answer
        throw err
      }
      if (!(err instanceof StaleRead) || n >= ATTEMPTS) throw err instanceof StaleRead ? new Error(`reservation ${a.request} lost ${ATTEMPTS} races in a row`) : err
      await backoff(n)
    }
  }
}

export async function viewOf(ctx: CallContext, ticket: TicketRecord, viewer: string | null): Promise<TicketView> {
  const session = await getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, ticket.sessionId)
  const event = await getDoc<EventRecord>(ctx.db, COLLECTIONS.events, ticket.eventId)
  if (!session || !event) throw new Error(`ticket ${ticket._id} points at a missing session or event`)
  return ticketView(ticket, session, event, viewer, ctx.now())
}
