/** Shapes the app sees. Dates travel as ISO-8601 strings with offset. */

export interface SessionView {
  id: string
  eventId: string
  /** Human label, e.g. "上午场". */
  name: string
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
  sessions: SessionView[]
}
