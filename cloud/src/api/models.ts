/** Shapes the app sees. Dates travel as ISO-8601 strings with offset. */

export interface SessionView {
  id: string
  eventId: string
  /** Human label, e.g. "上午场". */
  name: string
  place: string
  startsAt: string
  endsAt: string
  capacity: number
  remaining: number
}

export interface EventView {
  id: string
  title: string
  venue: string
  description: string
  reservationOpensAt: string
  reservationClosesAt: string
  limits: { perSession: number; perEvent: number }
  /** Whether the form asks for an ID number. */
  idNumber: 'off' | 'optional' | 'required'
  sessions: SessionView[]
}

export type TicketStatusView = 'active' | 'cancelled'

export interface TicketView {
  id: string
  /** Card code and QR content. */
  code: string
  status: TicketStatusView
  eventId: string
  eventTitle: string
  venue: string
  session: Pick<SessionView, 'id' | 'name' | 'place' | 'startsAt' | 'endsAt'>
  attendee: {
    name: string
    /** Full number for the owner only; everyone else sees it masked. */
    phone: string
    hasIdNumber: boolean
  }
  createdAt: string
  cancelledAt: string | null
  /** Whether the ticket can still be cancelled (active, session not started). */
  cancellable: boolean
  /**
   * The ticket and the WeChat card pack: `unavailable` when the deployment has no card, `available`
   * when it can be added, `added` once WeChat confirmed the add.
   */
  cardPack: CardPackState
}

export type CardPackState = 'unavailable' | 'available' | 'added'
