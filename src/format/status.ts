import type { EventView, SessionView, TicketView } from '../../cloud/src/api/models'

/**
 * What a status badge says about a ticket, a session or an event, decided from the data and the
 * moment alone (pure, so every page and test agrees).
 */
export type TicketBadge = 'active' | 'entered' | 'ended' | 'cancelled'
export type SessionBadge = 'available' | 'soldOut' | 'started'
export type EventBadge = 'open' | 'upcoming' | 'soldOut' | 'closed'

const at = (iso: string): number => new Date(iso).getTime()

export function ticketBadge(ticket: TicketView, now: number): TicketBadge {
  if (ticket.status === 'cancelled') return 'cancelled'
  if (at(ticket.session.endsAt) <= now) return 'ended'
  return ticket.entries.used > 0 ? 'entered' : 'active'
}

export function sessionBadge(session: SessionView, now: number): SessionBadge {
  if (at(session.startsAt) <= now) return 'started'
  return session.remaining <= 0 ? 'soldOut' : 'available'
}

export function eventBadge(event: EventView, now: number): EventBadge {
  if (now < at(event.reservationOpensAt)) return 'upcoming'
  const bookable = event.sessions.filter((session) => at(session.startsAt) > now)
  if (now >= at(event.reservationClosesAt) || bookable.length === 0) return 'closed'
  return bookable.every((session) => session.remaining <= 0) ? 'soldOut' : 'open'
}

/** When an event's first session starts, for the list ("12月5日 19:00 起"). */
export function eventSpan(event: EventView): { startsAt: string } | null {
  if (event.sessions.length === 0) return null
  return { startsAt: event.sessions.map((session) => session.startsAt).sort()[0] }
}
