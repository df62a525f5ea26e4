/** What the collections hold. Dates are stored as BSON dates; ids are strings we choose. */
import type { EntryPolicyView } from '../api/models'

export const COLLECTIONS = {
  events: 'events',
  sessions: 'sessions',
  tickets: 'tickets',
  /**
   * What a reservation reads and writes besides its ticket: per session, the seats split over a
   * few block documents (`<session>#<k>`) and one copy of the terms it is checked against (`<session>#terms`).
   */
  seatBlocks: 'seat_blocks',
  rateLimits: 'rate_limits',
  /** Reservations refused because their ID number is held elsewhere: for the organizer, masked. */
  idRefusals: 'id_refusals',
  /** Who organizes or staffs which event, beyond the organizers configured for every event. */
  roles: 'roles',
  /** Append-only log of every gate scan, admitted or not. */
  checkins: 'checkins',
  /** Who exported which event's lists, and whether with full phone numbers. */
  exports: 'exports',
  /** The outbox of WeChat side effects. */
  jobs: 'jobs',
  /** One per session, reminder offset and start time whose reminders have all been queued. */
  reminderRuns: 'reminder_runs',
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
  /** Who may pass the gate, how often and when. */
  entry: EntryPolicy
  published: boolean
  updatedAt: Date
}

/** The event's entry rules: what the app is shown, and whether the first entry consumes the WeChat card. */
export interface EntryPolicy extends EntryPolicyView {
  /** Consume the WeChat card (when in the card pack) at the first entry, through the outbox. */
  consumeCard: boolean
}

export interface SessionRecord {
  _id: string
  eventId: string
  name: string
  place: string
  startsAt: Date
  endsAt: Date
  capacity: number
  /** How many seat blocks the capacity is spread over (fixed when the session is created). */
  seatBlocks: number
  updatedAt: Date
  /** When retention erased the personal data of this session's tickets. */
  personalDataErasedAt?: Date
}

/** A session with its free seats: the sum of its seat blocks' `remaining`, read with them. */
export type SessionWithSeats = SessionRecord & { remaining: number }

/**
 * One block of a session's seats. Its own document, so reservations on a busy session lock
 * different documents instead of queueing on one. `taken` only grows: each reservation takes the
 * label `<block id>:<taken + 1>` with its ticket (unique on tickets), so two reservations that
 * read the same block state cannot both commit on it.
 */
export interface SeatBlockRecord {
  _id: string
  sessionId: string
  kind: 'seats'
  block: number
  capacity: number
  remaining: number
  taken: number
}

/** What reserve checks and shows, copied from the event and session by every import. */
export interface ReservationTermsRecord {
  _id: string
  sessionId: string
  kind: 'terms'
  event: Pick<EventRecord, '_id' | 'title' | 'venue' | 'reservationOpensAt' | 'reservationClosesAt' | 'limits' | 'idNumber' | 'published'>
  session: Pick<SessionRecord, '_id' | 'eventId' | 'name' | 'place' | 'startsAt' | 'endsAt'>
}

/**
 * The per-person limits a ticket holds, each a value under a unique index on tickets: the
 * caller's `k`-th ticket of the event and of the session, and the same for the ID number. A
 * ticket without an ID number, and a cancelled one, hold values naming only themselves.
 */
export interface TicketHolds {
  personEvent: string
  personSession: string
  idEvent: string
  idSession: string
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
  /** The seat label `<seat block id>:<n>` taken with the ticket; unique. */
  seat: string
  holds: TicketHolds
  requestId: string
  /** The privacy notice the person agreed to, and when (absent on tickets from before consent existed). */
  consent?: { noticeVersion: string; agreedAt: Date }
  createdAt: Date
  cancelledAt?: Date
  /** When name, phone and ID-number hash were erased; counts stay. */
  erasedAt?: Date
  /** Entries through the gate; `byDay` counts per China day (YYYYMMDD). Absent until the first. */
  entries?: { count: number; firstAt: Date; lastAt: Date; byDay: Record<string, number> }
  /** When an organizer released this ticket's hold on its ID number (the hash is gone since). */
  idHoldReleasedAt?: Date
  /** Set once the card is in the owner's WeChat card pack. */
  card?: { cardId: string; addedAt: Date } | null
  /**
   * The owner's answer to the subscribe-message request (`reminders.consent`): the template ids
   * accepted, and whether the reminder template is among them (`on`, indexed for the scheduler).
   */
  reminders?: { accepted: string[]; on: boolean; decidedAt: Date }
}

export interface IdRefusalRecord {
  /** One per event, caller, ID number and day. */
  _id: string
  eventId: string
  sessionId: string
  /** The caller refused (never shown to the organizer). */
  openid: string
  idHash: string
  idType: string
  maskedIdNumber: string
  maskedName: string
  firstAt: Date
  at: Date
  attempts: number
  releasedAt: Date | null
  /** Removed by retention after this. */
  expiresAt: Date
}

export type Role = 'organizer' | 'staff'

export interface RoleRecord {
  /** `${eventId}:${openid}` */
  _id: string
  eventId: string
  openid: string
  role: Role
  addedBy: string
  addedAt: Date
}

export interface CheckinRecord {
  /** From the scanning staff member and their nonce: a repeated nonce finds this answer. */
  _id: string
  nonce: string
  staff: string
  gate: string
  at: Date
  /** Absent for an unknown code. */
  ticketId?: string
  eventId?: string
  sessionId?: string
  result: 'ADMITTED' | 'ALREADY_ADMITTED' | 'DENIED'
  reason?: 'UNKNOWN_CODE' | 'CANCELLED' | 'WRONG_SESSION_TIME' | 'TOO_SOON' | 'LIMIT_REACHED'
  entriesUsed: number
  firstEntryAt?: Date
  /** Masked at write time; emptied by retention with the ticket's personal data. */
  maskedName: string
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
