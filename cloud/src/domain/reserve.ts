import { createHash } from 'node:crypto'
import type { TicketView } from '../api/models'
import { reservePayloadSchema, validate, type ReservePayload } from '../api/validation'
import { reservationConfig, type ReservationConfig } from '../shared/config'
import { findMany, getDoc } from '../shared/db'
import { DomainError, duplicateIndexOf, isTransactionConflict } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { chooseSlots, FIRST_SLOTS, holdKindOfIndex, holdersQuery, holdsFor, limitReached, type HoldScope, type HoldSlots } from './holds'
import { hashIdNumber } from './idHash'
import { checkIdRefusalAllowance, refuseIdNumber } from './idNumbers'
import { consumeRateLimit, perMinute } from './rateLimit'
import { COLLECTIONS, type EventRecord, type ReservationTermsRecord, type SeatBlockRecord, type SessionRecord, type TicketRecord } from './records'
import { readSeatState, type SeatState } from './seatBlocks'
import { generateTicketCode } from './ticketCode'
import { startTransaction, type OpenTransaction } from './transaction'
import { ticketView } from './views'

export function requireOpenid(ctx: CallContext): string {
  if (!ctx.openid) throw new DomainError('UNAUTHENTICATED', 'no OPENID in the cloud context')
  return ctx.openid
}

/**
 * The ticket id is derived from who asked and their request id, so a retried request (a lost
 * answer, a double tap, a crash half-way) lands on the same ticket instead of a second one.
 */
export function ticketIdFor(openid: string, requestId: string): string {
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
 * An instance that has just seen a session sold out skips opening a transaction for it for a
 * moment: in a rush, most callers after the last seat get SOLD_OUT from one round trip of two
 * reads. Only the path is chosen by this; the answer always comes from what the database says.
 */
const SOLD_OUT_HINT_MS = 2000
const soldOutSeenAt = new Map<string, number>()
const seemsSoldOut = (sessionId: string) => Date.now() - (soldOutSeenAt.get(sessionId) ?? -Infinity) < SOLD_OUT_HINT_MS

/** Tries per reservation when its block was taken by another at the same instant; each waits a little longer. */
const ATTEMPTS = 40
const backoff = (tries: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 3 * 2 ** Math.min(tries, 6)))

/** A reason to start over from a fresh read: another reservation got the block or the label first. */
class StaleRead extends Error {}

interface Attempt {
  ctx: CallContext
  input: ReservePayload
  config: ReservationConfig
  openid: string
  ticketId: string
  /** Blocks that lost a race in this call, tried last next time. */
  busy: Set<string>
  slots: HoldSlots
  code: string
  rateTaken: boolean
  allowanceChecked: boolean
  /** Whether this call has looked for the request's ticket already (a refusal must not hide it). */
  lookedForTicket: boolean
}

/*
 * Each instance keeps to one block of a session (its "home") while it has seats and no other
 * instance wins races on it; on a lost race it moves to another at random. Instances serve one
 * call at a time, so after a few moves concurrent reservations land on different blocks and
 * stop colliding at all.
 */
const homeBlock = new Map<string, string>()

function pickBlock(sessionId: string, blocks: SeatBlockRecord[], busy: Set<string>): SeatBlockRecord | null {
  const open = blocks.filter((block) => block.remaining > 0)
  const home = open.find((block) => block._id === homeBlock.get(sessionId) && !busy.has(block._id))
  if (home) return home
  const calm = open.filter((block) => !busy.has(block._id))
  const pool = calm.length > 0 ? calm : open
  const chosen = pool.length === 0 ? null : pool[Math.floor(Math.random() * pool.length)]
  if (chosen) homeBlock.set(sessionId, chosen._id)
  return chosen
}

/** The answer to a request that already has its ticket (a retry, a double tap), or null. */
async function existingAnswer(a: Attempt, terms: ReservationTermsRecord | null): Promise<TicketView | null> {
  a.lookedForTicket = true
  const ticket = await getDoc<TicketRecord>(a.ctx.db, COLLECTIONS.tickets, a.ticketId)
  if (!ticket) return null
  if (terms && terms.session._id === ticket.sessionId) return ticketView(ticket, terms.session, terms.event, a.openid, a.ctx.now())
  return viewOf(a.ctx, ticket, a.openid)
}

const rollback = (tx: OpenTransaction | null) => void tx?.rollback().catch(() => undefined)

/**
 * The refusals decided by the terms alone, before anything is written: unknown or unpublished
 * session, the reservation window, the attendee's data against the event's rules.
 */
function checkTerms(a: Attempt, terms: ReservationTermsRecord | null): { terms: ReservationTermsRecord; attendee: TicketRecord['attendee'] } {
  if (!terms || !terms.event.published) throw new DomainError('NOT_FOUND', `no session ${a.input.sessionId}`)
  checkWindow(terms.event, terms.session, a.ctx.now())
  return { terms, attendee: attendeeRecord(terms.event, a.input, a.config) }
}

/** The ticket this attempt would write on `seat`, and whom its holds count against. */
function draftTicket(a: Attempt, terms: ReservationTermsRecord, attendee: TicketRecord['attendee'], seat: string): { ticket: TicketRecord; scope: HoldScope } {
  const scope: HoldScope = { eventId: terms.event._id, sessionId: terms.session._id, openid: a.openid, idHash: attendee.idHash, limits: terms.event.limits }
  const now = a.ctx.now()
  const ticket: TicketRecord = {
    _id: a.ticketId,
    code: a.code,
    eventId: terms.event._id,
    sessionId: terms.session._id,
    _openid: a.openid,
    attendee,
    status: 'active',
    seat,
    holds: holdsFor(scope, a.slots, a.ticketId),
    requestId: a.input.requestId,
    consent: { noticeVersion: a.input.consent.noticeVersion, agreedAt: now },
    createdAt: now,
    card: null,
  }
  return { ticket, scope }
}

/**
 * One try: the seat block's decrement and the ticket commit together or not at all, so
 * capacity = remaining + active tickets at every instant. The ticket's unique fields are the
 * guards: its id (this request), its seat label (this block state), its holds (per-person limits).
 */
async function tryOnce(a: Attempt, hinted: boolean): Promise<TicketView> {
  const { ctx } = a
  const _ = ctx.db.command
  // Whatever ends this try before the commit rolls the transaction back (it holds no write then,
  // or writes that must not land).
  let tx: OpenTransaction | null = null
  try {
    let state: SeatState
    if (hinted) {
      const [read, answer] = await Promise.all([readSeatState(ctx, a.input.sessionId), existingAnswer(a, null)])
      if (answer) return answer
      state = read
    } else {
      const [read, started] = await Promise.allSettled([readSeatState(ctx, a.input.sessionId), startTransaction(ctx.db)])
      if (started.status === 'fulfilled') tx = started.value
      if (read.status === 'rejected') throw read.reason
      if (started.status === 'rejected') throw started.reason
      state = read.value
    }
    const { terms, attendee } = checkTerms(a, state.terms)
    const block = pickBlock(a.input.sessionId, state.blocks, a.busy)
    if (!block) {
      soldOutSeenAt.set(a.input.sessionId, Date.now())
      throw new DomainError('SOLD_OUT', `session ${a.input.sessionId} has no seats left`)
    }
    soldOutSeenAt.delete(a.input.sessionId)
    tx ??= await startTransaction(ctx.db)

    const { ticket, scope } = draftTicket(a, terms, attendee, `${block._id}:${block.taken + 1}`)
    try {
      // The caller's own limits first: the per-minute count, and for an ID number, today's refusals.
      await Promise.all([
        tx.collection(COLLECTIONS.seatBlocks).doc(block._id).update({ data: { remaining: _.inc(-1), taken: _.inc(1) } }),
        a.rateTaken ? Promise.resolve() : consumeRateLimit(ctx, perMinute('reserve', a.openid), a.config.reservePerMinute, 'new').then(() => void (a.rateTaken = true)),
        attendee.idHash && !a.allowanceChecked ? checkIdRefusalAllowance(ctx, terms.event._id, a.openid, a.config).then(() => void (a.allowanceChecked = true)) : Promise.resolve(),
      ])
      await tx.collection(COLLECTIONS.tickets).add({ data: { ...ticket } })
      await tx.commit()
      tx = null
    } catch (err) {
      // Let go of the block at once: what follows may take another round trip.
      rollback(tx)
      tx = null
      if (isTransactionConflict(err)) {
        a.busy.add(block._id)
        throw new StaleRead()
      }
      const index = duplicateIndexOf(err)
      if (index === '_id_') {
        const answer = await existingAnswer(a, terms)
        if (answer) return answer
        throw new StaleRead()
      }
      if (index === 'seat_unique') {
        a.busy.add(block._id)
        throw new StaleRead()
      }
      if (index === 'code_unique') {
        a.code = generateTicketCode()
        throw new StaleRead()
      }
      if (index !== null && holdKindOfIndex(index)) {
        await rechooseSlots(a, scope, terms, attendee)
        throw new StaleRead()
      }
      throw err
    }
    return ticketView(ticket, terms.session, terms.event, a.openid, ticket.createdAt)
  } finally {
    rollback(tx)
  }
}

/**
 * A hold was taken: this person (or this ID number) already has a ticket in that slot. Finds the
 * free slots, or the refusal, from the tickets that hold them now.
 */
async function rechooseSlots(a: Attempt, scope: HoldScope, terms: ReservationTermsRecord, attendee: TicketRecord['attendee']): Promise<void> {
  const holders = await findMany<TicketRecord>(a.ctx.db, COLLECTIONS.tickets, holdersQuery(a.ctx.db.command, scope, a.ticketId), { limit: 100 })
  const others = holders.filter((ticket) => ticket._id !== a.ticketId).map((ticket) => ticket.holds)
  const choice = chooseSlots(scope, others, a.ticketId)
  if (choice.full === 'personEvent' || choice.full === 'personSession') throw limitReached(choice.full, scope)
  if (choice.full && attendee.idHash) {
    throw await refuseIdNumber(a.ctx, terms.event, terms.session, a.openid, a.input, attendee.idHash, a.config)
  }
  a.slots = choice.slots ?? FIRST_SLOTS
}

/**
 * What the copied templates do: trust the count read before the per-person checks, write the
 * ticket, then decrement. Only for the race test's control (TICKETCARD_CAPACITY_GUARD=off).
 */
async function reserveUnguarded(a: Attempt): Promise<TicketView> {
  const state = await readSeatState(a.ctx, a.input.sessionId)
  const { terms, attendee } = checkTerms(a, state.terms)
  const block = state.blocks.find((b) => b.remaining > 0)
  if (!block) throw new DomainError('SOLD_OUT', `session ${a.input.sessionId} has no seats left`)
  const { ticket } = draftTicket(a, terms, attendee, `unguarded:${a.ticketId}`)
  await a.ctx.db.collection(COLLECTIONS.tickets).add({ data: { ...ticket } })
  await a.ctx.db.collection(COLLECTIONS.seatBlocks).doc(block._id).update({ data: { remaining: a.ctx.db.command.inc(-1) } })
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
    ticketId: ticketIdFor(openid, input.requestId),
    busy: new Set(),
    slots: { ...FIRST_SLOTS },
    code: generateTicketCode(),
    rateTaken: false,
    allowanceChecked: false,
    lookedForTicket: false,
  }
  if (config.capacityGuard === 'off') return reserveUnguarded(a)
  for (let n = 1; ; n += 1) {
    try {
      return await tryOnce(a, n === 1 && seemsSoldOut(input.sessionId))
    } catch (err) {
      if (err instanceof DomainError) {
        // A request that already has its ticket (its answer was lost) gets the ticket, whatever
        // would refuse a new one now: the window closing, the rate limit, a limit it fills itself.
        const answer = a.lookedForTicket ? null : await existingAnswer(a, null)
        if (answer) return answer
        throw err
      }
      if (!(err instanceof StaleRead) || n >= ATTEMPTS) throw err instanceof StaleRead ? new Error(`reservation ${a.ticketId} lost ${ATTEMPTS} races in a row`) : err
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
