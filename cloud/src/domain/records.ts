/** What the collections hold. Dates are stored as BSON dates; ids are strings we choose. */
import type { EntryPolicyView } from '../api/models'

export const COLLECTIONS = {
  events: 'events',
  sessions: 'sessions',
  tickets: 'tickets',
  /** Per session (same id), the copy of the terms a reservation is checked against and shows. */
  reservationTerms: 'reservation_terms',
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
  updatedAt: Date
  /** When retention erased the personal data of this session's tickets. */
  personalDataErasedAt?: Date
}

/** A session with its free seats: how many free-seat documents it has, counted with one query. */
export type SessionWithSeats = SessionRecord & { remaining: number }

/** What reserve checks and shows, copied from the event and session by every import. */
export interface ReservationTermsRecord {
  /** The session's id. */
  _id: string
  sessionId: string
  /**
   * Grows whenever the copy changes. Every free seat carries the version it was last told of, and
   * a reservation takes a seat only when the terms it decided on are at least that new: terms an
   * instance kept from earlier can never sell a seat after the organizer changed them.
   */
  version: number
  event: Pick<EventRecord, '_id' | 'title' | 'venue' | 'reservationOpensAt' | 'reservationClosesAt' | 'limits' | 'idNumber' | 'published'>
  session: Pick<SessionRecord, '_id' | 'eventId' | 'name' | 'place' | 'startsAt' | 'endsAt'>
}

/**
 * One free seat of a session, stored in `tickets`: a reservation turns it into the ticket with
 * one conditional update (status `free` → `active`), so a seat and its ticket are one document
 * and capacity = free seats + active tickets holds at every instant without a transaction. Its
 * code is drawn when the seat is made; its unique fields hold values naming only itself.
 */
export interface FreeSeatRecord {
  _id: string
  status: 'free'
  eventId: string
  sessionId: string
  /** Which of the session's seat blocks it is in: each instance keeps to one, so instances serving at once rarely want the same seat. */
  block: number
  code: string
  request: string
  rateSlot: string
  holds: TicketHolds
  termsVersion: number
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
  /** The block and terms version of the free seat it was made from (absent on the unguarded control path's tickets). */
  block?: number
  termsVersion?: number
  holds: TicketHolds
  /** Who asked and their request id, hashed (`requestKeyFor`); unique, so a retried request finds its ticket. */
  request: string
  /** Which of the person's reservations in that minute this was (`rateSlot`); unique, so it counts against the per-minute limit. */
  rateSlot: string
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
  /** A hash of the code scanned: a reused nonce is answered again only for the same code. */
  codeHash: string
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

/**
 * `uncertain`: an at-most-once job whose attempt may or may not have reached the person (a timed-out
 * send, a worker that died mid-call). It is never run again; an operator sees it in `ops jobs`.
 */
export type JobState = 'pending' | 'done' | 'dead' | 'uncertain'

export interface JobRecord {
  /** The idempotency key: one job per side effect, whoever enqueues it. */
  _id: string
  type: string
  payload: Record<string, unknown>
  state: JobState
  attempts: number
  /** Attempts begun (set with the lease): more than `attempts` means one never reported its outcome. */
  attemptsStarted?: number
  runAt: Date
  createdAt: Date
  lastError?: string
}
