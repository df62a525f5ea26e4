import { createHash } from 'node:crypto'
import type { TicketView } from '../api/models'
import { reservePayloadSchema, validate, type ReservePayload } from '../api/validation'
import { reservationConfig, type ReservationConfig } from '../shared/config'
import { getDoc } from '../shared/db'
import { DomainError, isDuplicateKey } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { claimAll, releaseClaims } from './claims'
import { hashIdNumber } from './idHash'
import { checkIdRefusalAllowance, idNumberRules, openidRules, refuseIdNumber } from './idNumbers'
import { consumeRateLimit, perMinute } from './rateLimit'
import { COLLECTIONS, type EventRecord, type SessionRecord, type TicketRecord } from './records'
import { generateTicketCode } from './ticketCode'
import { withTransaction } from './transaction'
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

function checkWindow(event: EventRecord, session: SessionRecord, now: Date): void {
  if (now < new Date(event.reservationOpensAt)) throw new DomainError('RESERVATION_NOT_OPEN', `reservations for ${event._id} open at ${new Date(event.reservationOpensAt).toISOString()}`)
  if (now > new Date(event.reservationClosesAt)) throw new DomainError('RESERVATION_CLOSED', `reservations for ${event._id} closed`)
  if (now >= new Date(session.startsAt)) throw new DomainError('RESERVATION_CLOSED', `session ${session._id} has started`)
}

function attendeeRecord(event: EventRecord, input: ReservePayload, config: ReservationConfig): TicketRecord['attendee'] {
  const { name, phone, idNumber } = input.attendee
  const idType = input.attendee.idType ?? 'mainland'
  if (event.idNumber === 'required' && !idNumber) {
    throw new DomainError('INVALID_INPUT', 'this event requires an ID number', { 'attendee.idNumber': 'ID_REQUIRED' })
  }
  // An event that does not ask for ID numbers does not keep one, even when sent.
  if (event.idNumber === 'off' || !idNumber) return { name, phone }
  return { name, phone, idType, idHash: hashIdNumber(config.idHmacKey, idType, idNumber) }
}

/**
 * Takes one seat and writes the ticket in one transaction: the decrement and the ticket commit
 * together or not at all, so capacity = remaining + active tickets at every instant.
 */
async function takeSeatGuarded(ctx: CallContext, ticket: TicketRecord): Promise<void> {
  const _ = ctx.db.command
  await withTransaction(ctx.db, async (tx) => {
    const { data } = await tx.collection(COLLECTIONS.sessions).doc(ticket.sessionId).get()
    const session = data as SessionRecord | null
    if (!session || session.remaining <= 0) throw new DomainError('SOLD_OUT', `session ${ticket.sessionId} has no seats left`)
    await tx.collection(COLLECTIONS.sessions).doc(ticket.sessionId).update({ data: { remaining: _.inc(-1), updatedAt: ctx.now() } })
    await tx.collection(COLLECTIONS.tickets).add({ data: { ...ticket } })
  })
}

/**
 * What the copied templates do: trust the count read before the per-person checks, write the
 * ticket, then decrement. Only for the race test's control (TICKETCARD_CAPACITY_GUARD=off).
 */
async function takeSeatUnguarded(ctx: CallContext, ticket: TicketRecord): Promise<void> {
  await ctx.db.collection(COLLECTIONS.tickets).add({ data: { ...ticket } })
  await ctx.db.collection(COLLECTIONS.sessions).doc(ticket.sessionId).update({ data: { remaining: ctx.db.command.inc(-1) } })
}

/** Inserts the ticket; a code collision (one in ~10^17) draws a new code, an existing id means done. */
async function issueTicket(ctx: CallContext, ticket: TicketRecord, config: ReservationConfig): Promise<TicketRecord> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      if (config.capacityGuard === 'on') await takeSeatGuarded(ctx, ticket)
      else await takeSeatUnguarded(ctx, ticket)
      return ticket
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      const existing = await getDoc<TicketRecord>(ctx.db, COLLECTIONS.tickets, ticket._id)
      if (existing) return existing
      ticket = { ...ticket, code: generateTicketCode() }
    }
  }
  throw new Error(`could not draw a unique ticket code for ${ticket._id}`)
}

/** reservation.reserve: one ticket for the caller on a session, never over capacity. */
export async function reserve(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const openid = requireOpenid(ctx)
  const parsed = validate(reservePayloadSchema, payload)
  if (!parsed.ok) throw new DomainError('INVALID_INPUT', 'reservation payload is invalid', parsed.fields)
  const input = parsed.value
  const config = reservationConfig()
  const ticketId = ticketIdFor(openid, input.requestId)

  // Independent reads, at once: a retried request's ticket, and the session asked for.
  const [done, session] = await Promise.all([
    getDoc<TicketRecord>(ctx.db, COLLECTIONS.tickets, ticketId),
    getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, input.sessionId),
  ])
  if (done) return viewOf(ctx, done, openid)

  const event = session && (await getDoc<EventRecord>(ctx.db, COLLECTIONS.events, session.eventId))
  if (!session || !event || !event.published) throw new DomainError('NOT_FOUND', `no session ${input.sessionId}`)
  const now = ctx.now()
  checkWindow(event, session, now)
  // The same request may have committed since the check above (a concurrent duplicate, or a
  // commit whose answer was lost): then that ticket is the answer to every copy of the request.
  const committedMeanwhile = async (): Promise<TicketView | null> => {
    const committed = await getDoc<TicketRecord>(ctx.db, COLLECTIONS.tickets, ticketId)
    return committed && ticketView(committed, session, event, openid, now)
  }
  // A cheap early refusal; the seat itself is taken (or not) by the transaction below.
  if (session.remaining <= 0) {
    const answer = await committedMeanwhile()
    if (answer) return answer
    throw new DomainError('SOLD_OUT', `session ${session._id} has no seats left`)
  }
  const attendee = attendeeRecord(event, input, config)
  await Promise.all([
    consumeRateLimit(ctx, perMinute('reserve', openid), config.reservePerMinute),
    attendee.idHash ? checkIdRefusalAllowance(ctx, event._id, openid, config) : Promise.resolve(),
  ])

  // The caller's own rules come first: a caller at their own limit hears LIMIT_REACHED, whatever
  // the ID number they sent, so the answer never says whether someone else's ID holds a ticket.
  const rules = [...openidRules(event, session, openid), ...(attendee.idHash ? idNumberRules(event, session, attendee.idHash) : [])]
  try {
    await claimAll(ctx, rules, { ticketId, openid, eventId: event._id })
  } catch (err) {
    if (err instanceof DomainError && err.code === 'DUPLICATE_ID_NUMBER' && attendee.idHash) {
      throw await refuseIdNumber(ctx, event, session, openid, input, attendee.idHash, config)
    }
    throw err
  }
  const draft: TicketRecord = {
    _id: ticketId,
    code: generateTicketCode(),
    eventId: event._id,
    sessionId: session._id,
    _openid: openid,
    attendee,
    status: 'active',
    requestId: input.requestId,
    consent: { noticeVersion: input.consent.noticeVersion, agreedAt: now },
    createdAt: now,
    card: null,
  }
  let ticket: TicketRecord
  try {
    ticket = await issueTicket(ctx, draft, config)
  } catch (err) {
    // A committed copy of this request keeps its slots.
    const answer = await committedMeanwhile()
    if (answer) return answer
    await releaseClaims(ctx, ticketId)
    throw err
  }
  return ticketView(ticket, session, event, openid, now)
}

export async function viewOf(ctx: CallContext, ticket: TicketRecord, viewer: string | null): Promise<TicketView> {
  const session = await getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, ticket.sessionId)
  const event = await getDoc<EventRecord>(ctx.db, COLLECTIONS.events, ticket.eventId)
  if (!session || !event) throw new Error(`ticket ${ticket._id} points at a missing session or event`)
  return ticketView(ticket, session, event, viewer, ctx.now())
}
