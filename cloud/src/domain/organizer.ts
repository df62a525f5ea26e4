import * as v from 'valibot'
import type { EventStats, ExportFile, IdRefusalView, MyRoles, SessionStats, StaffMember } from '../api/models'
import { emptyPayloadSchema, isCallerId } from '../api/validation'
import { countWhere, findMany, getDoc } from '../shared/db'
import { DomainError } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { exportEvent } from './exportLists'
import { listIdRefusals, refusalOf, releaseIdHold } from './idNumbers'
import { parsePayload } from './payload'
import { withSeats } from './seats'
import { COLLECTIONS, type EventRecord, type RoleRecord, type SessionRecord } from './records'
import { requireOpenid } from './reserve'
import { addStaff, removeStaff, requireOrganizer, staffOf, staffScopeOf } from './roles'

const identifier = v.pipe(v.string('INVALID_VALUE'), v.regex(/^[A-Za-z0-9_:-]{1,128}$/, 'INVALID_ID'))
const eventRefSchema = v.strictObject({ eventId: identifier })
const releaseSchema = v.strictObject({ eventId: identifier, refusalId: identifier })
// Not one wx-server-sdk would read as a number ("-0042" and "-42" would be one person, "-0" nobody).
const openid = v.pipe(v.string('INVALID_VALUE'), v.trim(), v.check(isCallerId, 'INVALID_ID'))
const staffSchema = v.strictObject({ eventId: identifier, openid })
const exportSchema = v.strictObject({ eventId: identifier, fullPhone: v.optional(v.boolean('INVALID_VALUE'), false) })

async function organizedEvent(ctx: CallContext, eventId: string): Promise<EventRecord> {
  await requireOrganizer(ctx, eventId)
  const event = await getDoc<EventRecord>(ctx.db, COLLECTIONS.events, eventId)
  if (!event) throw new DomainError('NOT_FOUND', `no event ${eventId}`)
  return event
}

/** organizer.stats: per session, live: reserved (active), cancelled, checked in, remaining. */
export async function eventStats(ctx: CallContext, payload: unknown): Promise<EventStats> {
  const { eventId } = parsePayload(eventRefSchema, payload)
  const event = await organizedEvent(ctx, eventId)
  const _ = ctx.db.command
  const sessions = await withSeats(ctx, await findMany<SessionRecord>(ctx.db, COLLECTIONS.sessions, { eventId }, { orderBy: ['startsAt', 'asc'], limit: 1000 }))
  const rows: SessionStats[] = await Promise.all(
    sessions.map(async (session) => {
      const [reserved, cancelled, checkedIn] = await Promise.all([
        countWhere(ctx.db, COLLECTIONS.tickets, { sessionId: session._id, status: 'active' }),
        countWhere(ctx.db, COLLECTIONS.tickets, { sessionId: session._id, status: 'cancelled' }),
        countWhere(ctx.db, COLLECTIONS.tickets, { sessionId: session._id, 'entries.count': _.gte(1) }),
      ])
      return {
        sessionId: session._id,
        name: session.name,
        startsAt: new Date(session.startsAt).toISOString(),
        endsAt: new Date(session.endsAt).toISOString(),
        capacity: session.capacity,
        reserved,
        cancelled,
        checkedIn,
        remaining: Math.max(0, session.remaining),
      }
    }),
  )
  const sum = (key: 'capacity' | 'reserved' | 'cancelled' | 'checkedIn' | 'remaining') => rows.reduce((total, row) => total + row[key], 0)
  return {
    eventId,
    title: event.title,
    sessions: rows,
    totals: { capacity: sum('capacity'), reserved: sum('reserved'), cancelled: sum('cancelled'), checkedIn: sum('checkedIn'), remaining: sum('remaining') },
    at: ctx.now().toISOString(),
  }
}

/** organizer.export: reservations and check-ins as CSV; phones masked unless asked (and logged). */
export async function exportLists(ctx: CallContext, payload: unknown): Promise<{ reservations: ExportFile; checkins: ExportFile }> {
  const { eventId, fullPhone } = parsePayload(exportSchema, payload)
  const event = await organizedEvent(ctx, eventId)
  return exportEvent(ctx, event, { fullPhone, by: requireOpenid(ctx), via: 'app' })
}

const staffView = (record: RoleRecord): StaffMember => ({ openid: record.openid, addedBy: record.addedBy, addedAt: new Date(record.addedAt).toISOString() })

async function staffList(ctx: CallContext, eventId: string): Promise<{ staff: StaffMember[] }> {
  return { staff: (await staffOf(ctx, eventId)).map(staffView) }
}

/** staff.add: an organizer makes someone staff of the event (by the id the app shows them). */
export async function addStaffMember(ctx: CallContext, payload: unknown): Promise<{ staff: StaffMember[] }> {
  const input = parsePayload(staffSchema, payload)
  await organizedEvent(ctx, input.eventId)
  await addStaff(ctx, input.eventId, input.openid, requireOpenid(ctx))
  return staffList(ctx, input.eventId)
}

/** staff.remove: an organizer takes someone off the event's staff. */
export async function removeStaffMember(ctx: CallContext, payload: unknown): Promise<{ staff: StaffMember[] }> {
  const input = parsePayload(staffSchema, payload)
  await organizedEvent(ctx, input.eventId)
  await removeStaff(ctx, input.eventId, input.openid)
  return staffList(ctx, input.eventId)
}

/** staff.list: the event's staff, earliest first. */
export async function listStaffMembers(ctx: CallContext, payload: unknown): Promise<{ staff: StaffMember[] }> {
  const { eventId } = parsePayload(eventRefSchema, payload)
  await organizedEvent(ctx, eventId)
  return staffList(ctx, eventId)
}

/**
 * roles.mine: the caller's own id and the events they organize or staff. Anyone may ask: it says
 * nothing about anyone else, and it is how an attendee learns the id to give an organizer.
 */
export async function myRoles(ctx: CallContext, payload: unknown): Promise<MyRoles> {
  parsePayload(emptyPayloadSchema, payload)
  const scope = await staffScopeOf(ctx, requireOpenid(ctx))
  const _ = ctx.db.command
  const events = scope.allEvents
    ? await findMany<EventRecord>(ctx.db, COLLECTIONS.events, {}, { orderBy: ['reservationOpensAt', 'desc'], limit: 200 })
    : scope.roles.size > 0
      ? await findMany<EventRecord>(ctx.db, COLLECTIONS.events, { _id: _.in([...scope.roles.keys()]) }, { limit: 200 })
      : []
  return {
    openid: scope.openid,
    events: events.map((event) => ({ id: event._id, title: event.title, role: scope.allEvents ? 'organizer' : (scope.roles.get(event._id) ?? 'staff') })),
  }
}

/** organizer.idRefusals: reservations refused for an ID number held elsewhere, masked, newest first. */
export async function idRefusals(ctx: CallContext, payload: unknown): Promise<{ refusals: IdRefusalView[] }> {
  const { eventId } = parsePayload(eventRefSchema, payload)
  await organizedEvent(ctx, eventId)
  const [refusals, sessions] = await Promise.all([
    listIdRefusals(ctx, eventId),
    findMany<SessionRecord>(ctx.db, COLLECTIONS.sessions, { eventId }, { limit: 1000 }),
  ])
  return {
    refusals: refusals.map((refusal) => ({
      id: refusal._id,
      at: new Date(refusal.at).toISOString(),
      sessionId: refusal.sessionId,
      sessionName: sessions.find((s) => s._id === refusal.sessionId)?.name ?? '',
      idType: refusal.idType === 'passport' ? 'passport' : 'mainland',
      maskedIdNumber: refusal.maskedIdNumber,
      maskedName: refusal.maskedName,
      attempts: refusal.attempts,
      releasedAt: refusal.releasedAt ? new Date(refusal.releasedAt).toISOString() : null,
    })),
  }
}

/** organizer.releaseIdHold: after checking the document at the door, free the ID number the refusal met. */
export async function releaseIdNumberHold(ctx: CallContext, payload: unknown): Promise<{ releasedTickets: number }> {
  const { eventId, refusalId } = parsePayload(releaseSchema, payload)
  const event = await organizedEvent(ctx, eventId)
  const refusal = await refusalOf(ctx, eventId, refusalId)
  if (!refusal) throw new DomainError('NOT_FOUND', `no ID refusal ${refusalId} at ${eventId}`)
  return { releasedTickets: await releaseIdHold(ctx, event, refusal) }
}
