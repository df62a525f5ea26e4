import { findAll, findMany, removeWhere, updateWhere } from '../shared/db'
import type { TimerContext } from '../shared/timer'
import { releasedHolds } from './holds'
import { COLLECTIONS, type SessionRecord, type TicketRecord } from './records'
import { ERASED_ATTENDEE } from './tickets'

const DAY_MS = 24 * 60 * 60_000
/** Sessions handled per run: a run must end well inside the function's timeout. */
const SESSIONS_PER_RUN = 200

export interface RetentionReport {
  /** Rate-limit windows and ID refusals past their expiry. */
  expiredRemoved: number
  /** Sessions whose tickets lost their personal data in this run. */
  sessionsErased: number
  ticketsErased: number
  /** Tickets whose per-person holds were given back: their whole event is past the retention period. */
  holdsReleased: number
}

/**
 * Erases what has outlived its purpose. Personal data on tickets (name, phone, ID-number hash)
 * serves the door and the organizer's checks; `retentionDays` after a session ends it goes, and
 * the ticket (status, session, times) stays, so every count the organizer sees is unchanged.
 */
export async function runRetention(ctx: TimerContext, retentionDays: number): Promise<RetentionReport> {
  const _ = ctx.db.command
  const now = ctx.now()
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS)

  const expired = await Promise.all([
    removeWhere(ctx.db, COLLECTIONS.rateLimits, { expiresAt: _.lt(now) }),
    removeWhere(ctx.db, COLLECTIONS.idRefusals, { expiresAt: _.lt(now) }),
  ])

  const sessions = await findMany<SessionRecord>(ctx.db, COLLECTIONS.sessions, { endsAt: _.lt(cutoff), personalDataErasedAt: _.exists(false) }, { orderBy: ['endsAt', 'asc'], limit: SESSIONS_PER_RUN })
  let ticketsErased = 0
  for (const session of sessions) {
    // Tickets only: the session's free seats (still counted as its remaining seats) hold no one's data.
    ticketsErased += await updateWhere(ctx.db, COLLECTIONS.tickets, { sessionId: session._id, status: _.in(['active', 'cancelled']), erasedAt: _.exists(false) }, { attendee: _.set(ERASED_ATTENDEE), erasedAt: now })
    // The gate's log keeps its counts and times; the masked names go with the tickets' names.
    await updateWhere(ctx.db, COLLECTIONS.checkins, { sessionId: session._id, maskedName: _.neq('') }, { maskedName: '' })
    // Marked only after its tickets: a run cut short picks the session up again next time.
    await updateWhere(ctx.db, COLLECTIONS.sessions, { _id: session._id }, { personalDataErasedAt: now })
  }

  // A ticket's holds (who it counts against, including the ID number's hash) keep the per-person
  // limits for the event's later sessions; once every session of the event is past retention,
  // nothing needs them, and each ticket's holds become values naming only itself.
  let holdsReleased = 0
  for (const eventId of new Set(sessions.map((s) => s.eventId))) {
    const pending = await findMany<SessionRecord>(ctx.db, COLLECTIONS.sessions, { eventId, endsAt: _.gte(cutoff) }, { limit: 1 })
    if (pending.length > 0) continue
    const tickets = await findAll<TicketRecord>(ctx.db, COLLECTIONS.tickets, { eventId, status: 'active' }, ['_id', 'asc'])
    for (const ticket of tickets.filter((t) => !t.holds.personEvent.startsWith('released:'))) {
      holdsReleased += await updateWhere(ctx.db, COLLECTIONS.tickets, { _id: ticket._id }, { holds: _.set(releasedHolds(ticket._id)), rateSlot: `released:${ticket._id}` })
    }
  }

  return { expiredRemoved: expired[0] + expired[1], sessionsErased: sessions.length, ticketsErased, holdsReleased }
}
