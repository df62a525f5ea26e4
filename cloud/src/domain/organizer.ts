import * as v from 'valibot'
import type { IdRefusalView } from '../api/models'
import { findMany, getDoc } from '../shared/db'
import { DomainError } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { listIdRefusals, refusalOf, releaseIdHold } from './idNumbers'
import { parsePayload } from './payload'
import { COLLECTIONS, type EventRecord, type SessionRecord } from './records'
import { requireOrganizer } from './roles'

const identifier = v.pipe(v.string('INVALID_VALUE'), v.regex(/^[A-Za-z0-9_:-]{1,128}$/, 'INVALID_ID'))
const eventRefSchema = v.strictObject({ eventId: identifier })
const releaseSchema = v.strictObject({ eventId: identifier, refusalId: identifier })

async function organizedEvent(ctx: CallContext, eventId: string): Promise<EventRecord> {
  await requireOrganizer(ctx, eventId)
  const event = await getDoc<EventRecord>(ctx.db, COLLECTIONS.events, eventId)
  if (!event) throw new DomainError('NOT_FOUND', `no event ${eventId}`)
  return event
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
