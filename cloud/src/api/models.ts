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
  /** Days after a session ends before its tickets' personal data is erased (the privacy notice says so). */
  dataRetentionDays: number
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
    /** Empty once erased. */
    name: string
    /** Full number for the owner only; everyone else sees it masked. Empty once erased. */
    phone: string
    hasIdNumber: boolean
  }
  /** When the name, phone and ID-number hash were erased (by the owner, or by retention). */
  erasedAt: string | null
  /** Whether the owner may erase them now: the ticket is cancelled or its session has ended. */
  erasable: boolean
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

/** A reservation refused because its ID number is held by another ticket, as the organizer sees it. */
export interface IdRefusalView {
  id: string
  at: string
  sessionId: string
  sessionName: string
  idType: 'mainland' | 'passport'
  /** Only the last four characters, e.g. "**************123X": enough to match the document at the door. */
  maskedIdNumber: string
  /** The name on the refused request, masked, e.g. "张*". */
  maskedName: string
  /** How many times this caller was refused with this ID number today. */
  attempts: number
  /** Set once the organizer released the ID number's hold. */
  releasedAt: string | null
}
