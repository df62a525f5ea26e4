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
  /** Who may pass the gate, how often and when. */
  entry: EntryPolicyView
  sessions: SessionView[]
}

/**
 * The event's entry rules. `single`: one entry per ticket. `multiple`: re-entry allowed, within the
 * optional limits (null = no limit). Either way only inside the session's window, from
 * `opensMinutesBefore` the start to `closesMinutesAfter` the end; cancelled tickets never enter.
 */
export interface EntryPolicyView {
  mode: 'single' | 'multiple'
  maxEntries: number | null
  perDay: number | null
  minMinutesBetween: number | null
  opensMinutesBefore: number
  closesMinutesAfter: number
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
  /** Entries through the gate so far (the policy is the event's `entry`). */
  entries: { used: number; firstAt: string | null; lastAt: string | null }
  createdAt: string
  cancelledAt: string | null
  /** Whether the ticket can still be cancelled (active, session not started). */
  cancellable: boolean
  /**
   * The ticket and the WeChat card pack: `unavailable` when the deployment has no card, `available`
   * when it can be added, `added` once WeChat confirmed the add.
   */
  cardPack: CardPackState
  /** The owner's reminders by WeChat subscribe message (issue 13). */
  reminders: TicketRemindersView
}

/**
 * What the owner agreed to hear about this ticket. `unasked`: the app has not asked yet (or the
 * host has no subscribe messages); `on`: the reminder template was accepted; `off`: it was
 * declined (the ticket page offers to ask again). `accepted` lists the template ids accepted.
 */
export interface TicketRemindersView {
  state: 'unasked' | 'on' | 'off'
  accepted: string[]
  /** When the owner last answered, null before. */
  decidedAt: string | null
}

/** A subscribe-message template the functions are configured to send (`reminders.templates`). */
export interface ReminderTemplateView {
  id: string
  /** `confirmation`: booking confirmed, sent once after consent; `reminder`: before the session. */
  kind: 'confirmation' | 'reminder'
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

export type ScanResult = 'ADMITTED' | 'ALREADY_ADMITTED' | 'DENIED'
export type ScanDenialReason = 'UNKNOWN_CODE' | 'CANCELLED' | 'WRONG_SESSION_TIME' | 'TOO_SOON' | 'LIMIT_REACHED'

/** What a gate scan answers (checkin.scan). */
export interface ScanAnswer {
  result: ScanResult
  reason?: ScanDenialReason
  /** When the ticket first entered (ALREADY_ADMITTED, and any answer for a ticket that has entered). */
  firstEntryAt?: string
  /** Entries recorded for the ticket, this one included when admitted. */
  entriesUsed: number
  /** Masked (张*); empty for an unknown code. */
  attendee: { maskedName: string }
  /** The ticket's session, for the staff's eyes; absent for an unknown code. */
  session?: { id: string; name: string; startsAt: string; endsAt: string }
}

/** One session's live figures for the organizer. */
export interface SessionStats {
  sessionId: string
  name: string
  startsAt: string
  endsAt: string
  capacity: number
  /** Active tickets. */
  reserved: number
  cancelled: number
  /** Tickets that entered at least once. */
  checkedIn: number
  remaining: number
}

export interface EventStats {
  eventId: string
  title: string
  sessions: SessionStats[]
  totals: { capacity: number; reserved: number; cancelled: number; checkedIn: number; remaining: number }
  /** When the figures were read. */
  at: string
}

export interface StaffMember {
  openid: string
  addedBy: string
  addedAt: string
}

/** A CSV file as the export answers it (UTF-8 with a byte-order mark, so spreadsheet apps read the Chinese). */
export interface ExportFile {
  filename: string
  csv: string
  rows: number
}

/** The caller's roles: which events they organize or staff (roles.mine). */
export interface MyRoles {
  openid: string
  events: Array<{ id: string; title: string; role: 'organizer' | 'staff' }>
}
