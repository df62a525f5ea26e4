import { configuredCardId } from './cardConfig'
import { maskPhone } from '../api/identity'
import type { EntryPolicyView, EventView, SessionView, TicketView } from '../api/models'
import { privacyConfig } from '../shared/config'
import type { EntryPolicy, EventRecord, SessionRecord, SessionWithSeats, TicketRecord } from './records'

const iso = (value: Date | string): string => new Date(value).toISOString()

export function sessionView(session: SessionWithSeats): SessionView {
  return {
    id: session._id,
    eventId: session.eventId,
    name: session.name,
    place: session.place,
    startsAt: iso(session.startsAt),
    endsAt: iso(session.endsAt),
    capacity: session.capacity,
    remaining: Math.max(0, session.remaining),
  }
}

/** The entry rules as the app shows them (never the card-consumption switch: that is ours). */
export function entryPolicyView(entry: EntryPolicy): EntryPolicyView {
  const { mode, maxEntries, perDay, minMinutesBetween, opensMinutesBefore, closesMinutesAfter } = entry
  return { mode, maxEntries, perDay, minMinutesBetween, opensMinutesBefore, closesMinutesAfter }
}

export function eventView(event: EventRecord, sessions: SessionWithSeats[]): EventView {
  return {
    id: event._id,
    title: event.title,
    venue: event.venue,
    description: event.description,
    reservationOpensAt: iso(event.reservationOpensAt),
    reservationClosesAt: iso(event.reservationClosesAt),
    limits: event.limits,
    idNumber: event.idNumber,
    dataRetentionDays: privacyConfig().retentionDays,
    entry: entryPolicyView(event.entry),
    sessions: sessions.map(sessionView).sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
  }
}

/** Personal data may go once it serves nothing: the ticket was cancelled or its session is over. */
export function isErasable(ticket: TicketRecord, session: Pick<SessionRecord, 'endsAt'>, now: Date): boolean {
  return !ticket.erasedAt && (ticket.status === 'cancelled' || now.getTime() >= new Date(session.endsAt).getTime())
}

/** A ticket as its viewer may see it: the phone in full only for the owner. */
/** The parts of a session and its event a ticket shows (a reservation has them from its terms). */
export type TicketSession = Pick<SessionRecord, '_id' | 'name' | 'place' | 'startsAt' | 'endsAt'>
export type TicketEvent = Pick<EventRecord, '_id' | 'title' | 'venue'>

export function ticketView(ticket: TicketRecord, session: TicketSession, event: TicketEvent, viewerOpenid: string | null, now: Date): TicketView {
  const isOwner = viewerOpenid !== null && viewerOpenid === ticket._openid
  return {
    id: ticket._id,
    code: ticket.code,
    status: ticket.status,
    eventId: event._id,
    eventTitle: event.title,
    venue: event.venue,
    session: { id: session._id, name: session.name, place: session.place, startsAt: iso(session.startsAt), endsAt: iso(session.endsAt) },
    attendee: {
      name: ticket.attendee.name,
      phone: isOwner ? ticket.attendee.phone : maskPhone(ticket.attendee.phone),
      hasIdNumber: Boolean(ticket.attendee.idHash),
    },
    erasedAt: ticket.erasedAt ? iso(ticket.erasedAt) : null,
    erasable: isOwner && isErasable(ticket, session, now),
    entries: {
      used: ticket.entries?.count ?? 0,
      firstAt: ticket.entries ? iso(ticket.entries.firstAt) : null,
      lastAt: ticket.entries ? iso(ticket.entries.lastAt) : null,
    },
    createdAt: iso(ticket.createdAt),
    cancelledAt: ticket.cancelledAt ? iso(ticket.cancelledAt) : null,
    cancellable: ticket.status === 'active' && !ticket.entries?.count && now.getTime() < new Date(session.startsAt).getTime(),
    cardPack: ticket.card ? 'added' : configuredCardId() && ticket.status === 'active' ? 'available' : 'unavailable',
    reminders: ticket.reminders
      ? { state: ticket.reminders.on ? 'on' : 'off', accepted: ticket.reminders.accepted, decidedAt: iso(ticket.reminders.decidedAt) }
      : { state: 'unasked', accepted: [], decidedAt: null },
  }
}
