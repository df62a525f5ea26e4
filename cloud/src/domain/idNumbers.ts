import { createHash } from 'node:crypto'
import { maskIdNumber, maskName } from '../api/identity'
import type { ReservePayload } from '../api/validation'
import { privacyConfig, type ReservationConfig } from '../shared/config'
import { findMany, getDoc, updateWhere } from '../shared/db'
import { DomainError, isDuplicateKey } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { releasedHolds } from './holds'
import { clearWindow, perChinaDay, readWindow, takeFromWindow, type RateWindow } from './rateLimit'
import { COLLECTIONS, type EventRecord, type IdRefusalRecord, type SessionRecord, type TicketRecord } from './records'

type RefusedAt = { event: Pick<EventRecord, '_id'>; session: Pick<SessionRecord, '_id' | 'endsAt'> }

/*
 * An ID number is a person, like an openid: the per-person limits apply to both, with the same
 * numbers. What must never happen is that the answer to one caller tells them whether someone
 * else's ID number holds a ticket. So an ID refusal is answered only to a caller within their own
 * limits (their own rules come first), at most a few times per event and day, and each one is
 * kept, masked, for the organizer, who can release the hold after seeing the document.
 */

const DAY_MS = 24 * 60 * 60_000

const refusalsWindow = (eventId: string, openid: string): RateWindow => perChinaDay('id-refusals', `${eventId}\n${openid}`)

function refusalsExhausted(eventId: string, cap: number): DomainError {
  return new DomainError('RATE_LIMITED', `more than ${cap} reservations refused for ID numbers at ${eventId} today`, undefined, false)
}

/** Before anything about an ID number is looked at: a caller out of ID refusals for today stops here. */
export async function checkIdRefusalAllowance(ctx: CallContext, eventId: string, openid: string, config: ReservationConfig): Promise<void> {
  if ((await readWindow(ctx, refusalsWindow(eventId, openid))) >= config.idRefusalsPerDay) throw refusalsExhausted(eventId, config.idRefusalsPerDay)
}

function refusalId(eventId: string, openid: string, idHash: string, day: number): string {
  return `${eventId}:${createHash('sha256').update(`${openid}\n${idHash}\n${day}`).digest('hex').slice(0, 24)}`
}

/** Keeps one masked record per caller, ID number and day, with how many times it was refused. */
async function recordRefusal(ctx: CallContext, event: RefusedAt['event'], session: RefusedAt['session'], openid: string, input: ReservePayload, idHash: string): Promise<void> {
  const now = ctx.now()
  const day = Math.floor((now.getTime() + 8 * 3600_000) / DAY_MS)
  const id = refusalId(event._id, openid, idHash, day)
  const _ = ctx.db.command
  const seen = { sessionId: session._id, at: now, maskedName: maskName(input.attendee.name) }
  if ((await updateWhere(ctx.db, COLLECTIONS.idRefusals, { _id: id }, { ...seen, attempts: _.inc(1) })) > 0) return
  const record: IdRefusalRecord = {
    _id: id,
    eventId: event._id,
    openid,
    idHash,
    idType: input.attendee.idType ?? 'mainland',
    maskedIdNumber: maskIdNumber(input.attendee.idNumber ?? ''),
    firstAt: now,
    attempts: 1,
    releasedAt: null,
    // Kept while the organizer may need it at the door, then as long as tickets keep personal data.
    expiresAt: new Date(Math.max(now.getTime(), new Date(session.endsAt).getTime()) + privacyConfig().retentionDays * DAY_MS),
    ...seen,
  }
  try {
    await ctx.db.collection(COLLECTIONS.idRefusals).add({ data: record })
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    await updateWhere(ctx.db, COLLECTIONS.idRefusals, { _id: id }, { ...seen, attempts: _.inc(1) })
  }
}

/**
 * What a caller within their own limits hears when the ID number they gave holds its tickets
 * elsewhere: DUPLICATE_ID_NUMBER the first few times today, RATE_LIMITED after. Each answer takes
 * a unit of the day's allowance atomically, so callers probing at once cannot get more between them.
 */
export async function refuseIdNumber(ctx: CallContext, event: RefusedAt['event'], session: RefusedAt['session'], openid: string, input: ReservePayload, idHash: string, config: ReservationConfig): Promise<DomainError> {
  const [allowed] = await Promise.all([takeFromWindow(ctx, refusalsWindow(event._id, openid), config.idRefusalsPerDay), recordRefusal(ctx, event, session, openid, input, idHash)])
  if (!allowed) return refusalsExhausted(event._id, config.idRefusalsPerDay)
  return new DomainError('DUPLICATE_ID_NUMBER', `this ID number already holds the tickets it may for ${event._id}`)
}

/** The organizer's list of refusals for an event, newest first. */
export async function listIdRefusals(ctx: CallContext, eventId: string): Promise<IdRefusalRecord[]> {
  return findMany<IdRefusalRecord>(ctx.db, COLLECTIONS.idRefusals, { eventId }, { orderBy: ['at', 'desc'], limit: 200 })
}

/**
 * The organizer has seen the document: the ID number's hold on every active ticket of the event
 * goes (those tickets stay valid, without the ID number), its refusals are marked released, and
 * the refused caller's count for that day starts again, so the document's owner can reserve.
 */
export async function releaseIdHold(ctx: CallContext, event: EventRecord, refusal: IdRefusalRecord): Promise<number> {
  const _ = ctx.db.command
  const now = ctx.now()
  const holders = await findMany<TicketRecord>(ctx.db, COLLECTIONS.tickets, { eventId: event._id, status: 'active', 'attendee.idHash': refusal.idHash }, { limit: 100 })
  for (const ticket of holders) {
    // The ticket gives up its ID-number holds (values naming only itself) and forgets the hash.
    const released = releasedHolds(ticket._id)
    await updateWhere(ctx.db, COLLECTIONS.tickets, { _id: ticket._id }, { 'holds.idEvent': released.idEvent, 'holds.idSession': released.idSession, 'attendee.idHash': _.remove(), idHoldReleasedAt: now })
  }
  await updateWhere(ctx.db, COLLECTIONS.idRefusals, { eventId: event._id, idHash: refusal.idHash, releasedAt: null }, { releasedAt: now })
  await clearWindow(ctx, refusalsWindow(event._id, refusal.openid), new Date(refusal.at))
  return holders.length
}

/** The refusal, if it belongs to this event. */
export async function refusalOf(ctx: CallContext, eventId: string, id: string): Promise<IdRefusalRecord | null> {
  const refusal = await getDoc<IdRefusalRecord>(ctx.db, COLLECTIONS.idRefusals, id)
  return refusal && refusal.eventId === eventId ? refusal : null
}
