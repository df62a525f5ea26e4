/** What the collections hold. Dates are stored as BSON dates; ids are strings we choose. */

export const COLLECTIONS = {
  events: 'events',
  sessions: 'sessions',
  tickets: 'tickets',
  /** Per-person uniqueness: one document per claimed slot, its `_id` encodes who and what. */
  claims: 'claims',
  rateLimits: 'rate_limits',
  /** The outbox of WeChat side effects. */
  jobs: 'jobs',
} as const

export type IdNumberPolicy = 'off' | 'optional' | 'required'

export interface EventRecord {
  _id: string
  title: string
  venue: string
  description: string
  reservationOpensAt: Date
  reservationClosesAt: Date
  limits: { perSession: number; perEvent: number }
  idNumber: IdNumberPolicy
  /** How many times one ticket may pass the gate (check-in); 1 = single entry. */
  entry: { maxEntries: number }
  published: boolean
  updatedAt: Date
}

export interface SessionRecord {
  _id: string
  eventId: string
  name: string
  place: string
  startsAt: Date
  endsAt: Date
  capacity: number
  remaining: number
  updatedAt: Date
}

export type TicketStatus = 'active' | 'cancelled'

export interface TicketRecord {
  _id: string
  /** 18 digits; card code and QR content; unique by the `code_unique` index. */
  code: string
  eventId: string
  sessionId: string
  /** Owner, as CloudBase security rules expect it. */
  _openid: string
  attendee: { name: string; phone: string; idType?: string; idHash?: string }
  status: TicketStatus
  requestId: string
  createdAt: Date
  cancelledAt?: Date
  /** Set once the card is in the owner's WeChat card pack. */
  card?: { cardId: string; addedAt: Date } | null
}

export interface ClaimRecord {
  _id: string
  ticketId: string
  openid: string
  createdAt: Date
}

export type JobState = 'pending' | 'done' | 'dead'

export interface JobRecord {
  /** The idempotency key: one job per side effect, whoever enqueues it. */
  _id: string
  type: string
  payload: Record<string, unknown>
  state: JobState
  attempts: number
  runAt: Date
  createdAt: Date
  lastError?: string
}
