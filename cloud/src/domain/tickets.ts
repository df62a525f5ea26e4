import * as v from 'valibot'
import type { EventView, TicketView } from '../api/models'
import { emptyPayloadSchema, ticketRefSchema } from '../api/validation'
import { findMany, getDoc, updateWhere } from '../shared/db'
import { DomainError } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { releasedHolds } from './holds'
import { isFreeSeat, newFreeSeats, withSeats } from './seats'
import { limitCodeLookups } from './rateLimit'
import { jobRecord, enqueueInTransaction } from '../outbox/jobs'
import { parsePayload } from './payload'
import { COLLECTIONS, type EventRecord, type FreeSeatRecord, type ReservationTermsRecord, type SessionRecord, type TicketRecord } from './records'
import { requireOpenid, viewOf } from './reserve'
import { isWellFormedTicketCode } from './ticketCode'
import { withTransaction } from './transaction'
import { eventView, isErasable, ticketView } from './views'

/** The same answer whether the ticket does not exist or is someone else's: nothing leaks. */
export function notFound(ticketId: string): DomainError {
  return new DomainError('NOT_FOUND', `no ticket ${ticketId} for this caller`)
}

/** The caller's ticket, or NOT_FOUND (also when it is someone else's). */
export async function ownTicket(ctx: CallContext, ticketId: string, openid: string): Promise<TicketRecord> {
  const ticket = await getDoc<TicketRecord>(ctx.db, COLLECTIONS.tickets, ticketId)
  if (!ticket || ticket._openid !== openid) throw notFound(ticketId)
  return ticket
}

/** The caller's ticket with this code, as a view; a mistyped code is refused before any lookup. */
export async function ownTicketWithCode(ctx: CallContext, code: string, openid: string, via: string): Promise<TicketView> {
  if (!isWellFormedTicketCode(code)) throw notFound(via)
  const [ticket] = await findMany<TicketRecord | FreeSeatRecord>(ctx.db, COLLECTIONS.tickets, { code }, { limit: 1 })
  if (!ticket || isFreeSeat(ticket) || ticket._openid !== openid) throw notFound(via)
  return viewOf(ctx, ticket, openid)
}

/** events.list: published events with their sessions and live remaining seats. */
export async function listEvents(ctx: CallContext, payload: unknown): Promise<{ events: EventView[] }> {
  parsePayload(emptyPayloadSchema, payload)
  const events = await findMany<EventRecord>(ctx.db, COLLECTIONS.events, { published: true }, { orderBy: ['reservationOpensAt', 'asc'] })
  if (events.length === 0) return { events: [] }
  const _ = ctx.db.command
  const sessions = await findMany<SessionRecord>(ctx.db, COLLECTIONS.sessions, { eventId: _.in(events.map((e) => e._id)) }, { limit: 1000 })
  const seated = await withSeats(ctx, sessions)
  return { events: events.map((event) => eventView(event, seated.filter((s) => s.eventId === event._id))) }
}

/** tickets.mine: the caller's tickets, newest first. */
export async function myTickets(ctx: CallContext, payload: unknown): Promise<{ tickets: TicketView[] }> {
  parsePayload(emptyPayloadSchema, payload)
  const openid = requireOpenid(ctx)
  const tickets = await findMany<TicketRecord>(ctx.db, COLLECTIONS.tickets, { _openid: openid }, { orderBy: ['createdAt', 'desc'], limit: 100 })
  if (tickets.length === 0) return { tickets: [] }
  const _ = ctx.db.command
  const sessions = await findMany<SessionRecord>(ctx.db, COLLECTIONS.sessions, { _id: _.in([...new Set(tickets.map((t) => t.sessionId))]) }, { limit: 1000 })
  const events = await findMany<EventRecord>(ctx.db, COLLECTIONS.events, { _id: _.in([...new Set(tickets.map((t) => t.eventId))]) }, { limit: 1000 })
  const now = ctx.now()
  return {
    tickets: tickets.flatMap((ticket) => {
      const session = sessions.find((s) => s._id === ticket.sessionId)
      const event = events.find((e) => e._id === ticket.eventId)
      return session && event ? [ticketView(ticket, session, event, openid, now)] : []
    }),
  }
}

/** tickets.get: one ticket, owner only. */
export async function getTicket(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const { ticketId } = parsePayload(ticketRefSchema, payload)
  const openid = requireOpenid(ctx)
  return viewOf(ctx, await ownTicket(ctx, ticketId, openid), openid)
}

const codeLookupSchema = v.strictObject({ code: v.pipe(v.string('INVALID_VALUE'), v.maxLength(32, 'INVALID_VALUE')) })

/** tickets.byCode: the owner coming back from the card pack holds only the code. Rate limited. */
export async function getTicketByCode(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const { code } = parsePayload(codeLookupSchema, payload)
  const openid = requireOpenid(ctx)
  await limitCodeLookups(ctx, openid)
  return ownTicketWithCode(ctx, code, openid, '(by code)')
}

/**
 * tickets.cancel: owner only, before the session starts. In one transaction the ticket turns
 * cancelled and gives back its per-person holds, a new free seat takes its place, and (when the
 * card was added) the card's invalidation is queued in the outbox.
 */
export async function cancelTicket(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const { ticketId } = parsePayload(ticketRefSchema, payload)
  const openid = requireOpenid(ctx)
  const _ = ctx.db.command
  await withTransaction(ctx.db, async (tx) => {
    const now = ctx.now()
    const ticket = (await tx.collection(COLLECTIONS.tickets).doc(ticketId).get()).data as TicketRecord | null
    if (!ticket || ticket._openid !== openid) throw notFound(ticketId)
    if (ticket.status === 'cancelled') throw new DomainError('ALREADY_CANCELLED', `ticket ${ticketId} is already cancelled`)
    const session = (await tx.collection(COLLECTIONS.sessions).doc(ticket.sessionId).get()).data as SessionRecord | null
    if (!session) throw new Error(`ticket ${ticketId} points at missing session ${ticket.sessionId}`)
    if (now >= new Date(session.startsAt)) throw new DomainError('SESSION_STARTED', `session ${session._id} has started`)
    // Someone inside the venue does not hand their seat back: the room would hold one too many.
    if (ticket.entries?.count) throw new DomainError('ALREADY_ENTERED', `ticket ${ticketId} has entered`)
    await tx.collection(COLLECTIONS.tickets).doc(ticketId).update({ data: { status: 'cancelled', cancelledAt: now, holds: _.set(releasedHolds(ticketId)) } })
    const terms = (await tx.collection(COLLECTIONS.reservationTerms).doc(session._id).get()).data as ReservationTermsRecord | null
    if (!terms) throw new Error(`session ${session._id} has no reservation terms`)
    // Written so that an import changing the terms meanwhile conflicts with this transaction: the
    // seat given back is told of the terms as they are once both are done.
    await tx.collection(COLLECTIONS.reservationTerms).doc(session._id).update({ data: { seatsGivenBack: _.inc(1) } })
    await tx.collection(COLLECTIONS.tickets).add({ data: { ...newFreeSeats(session, 1, terms.version, 1)[0], block: ticket.block ?? 0 } })
    if (ticket.card) {
      await enqueueInTransaction(tx, jobRecord('card.unavailable', ticket._id, { cardId: ticket.card.cardId, code: ticket.code, reason: '预约已取消' }, now))
    }
  })
  const ticket = await getDoc<TicketRecord>(ctx.db, COLLECTIONS.tickets, ticketId)
  if (!ticket) throw notFound(ticketId)
  return viewOf(ctx, ticket, openid)
}

/** What is left of the attendee once their personal data is erased: the ticket and its counts stay. */
export const ERASED_ATTENDEE: TicketRecord['attendee'] = { name: '', phone: '' }

/**
 * tickets.erase: the owner erases name, phone and ID-number hash from a ticket that no longer
 * needs them (cancelled, or its session is over). Erasing twice answers the erased ticket.
 */
export async function eraseTicketData(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const { ticketId } = parsePayload(ticketRefSchema, payload)
  const openid = requireOpenid(ctx)
  const ticket = await ownTicket(ctx, ticketId, openid)
  const session = await getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, ticket.sessionId)
  if (!session) throw new Error(`ticket ${ticketId} points at missing session ${ticket.sessionId}`)
  const now = ctx.now()
  if (!ticket.erasedAt) {
    if (!isErasable(ticket, session, now)) {
      throw new DomainError('ERASE_NOT_ALLOWED', `ticket ${ticketId} is active and its session has not ended`)
    }
    const _ = ctx.db.command
    // Only while still not erased: a concurrent erase (or retention) keeps the first time.
    await updateWhere(ctx.db, COLLECTIONS.tickets, { _id: ticketId, erasedAt: _.exists(false) }, { attendee: _.set(ERASED_ATTENDEE), erasedAt: now })
  }
  return viewOf(ctx, await ownTicket(ctx, ticketId, openid), openid)
}
