/**
 * Reminders by WeChat subscribe message. The person's answer to WeChat's sheet is recorded on the
 * ticket (`reminders.consent`); what to send and when is derived from the session, so a cancelled
 * ticket, a declined consent and a moved session need no bookkeeping of their own:
 *
 * - the `reminders` timer (every minute) finds sessions whose latest passed reminder time has not
 *   been queued yet, and queues one `subscribe.send` job per active ticket that accepted the
 *   reminder template. The job key holds the ticket, the offset and the session's start, so each
 *   reminder goes at most once per ticket, and a session moved to a new time gets its reminders at
 *   the new time only;
 * - the outbox sends each job with `cloud.openapi.subscribeMessage.send` and re-checks at send
 *   time that the ticket is active, the consent stands and the session has not moved or started.
 */
import * as v from 'valibot'
import type { ReminderTemplateView, TicketView } from '../api/models'
import { emptyPayloadSchema, reminderConsentSchema } from '../api/validation'
import { enqueue, enqueueMany } from '../outbox/worker'
import { jobRecord } from '../outbox/jobs'
import { getDoc } from '../shared/db'
import { DomainError, isDuplicateKey } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { parsePayload } from './payload'
import { COLLECTIONS, type EventRecord, type SessionRecord, type TicketRecord } from './records'
import { requireOpenid, viewOf } from './reserve'
import { messageData, reminderConfig, templateOfKind, type ReminderConfig } from './subscribeTemplates'
import { ownTicket } from './tickets'

type Ctx = Pick<CallContext, 'db' | 'now'>

/** reminders.templates: which templates the app should ask the person to accept. */
export async function reminderTemplates(_ctx: CallContext, payload: unknown): Promise<{ templates: ReminderTemplateView[] }> {
  parsePayload(emptyPayloadSchema, payload)
  return { templates: reminderConfig().templates.map(({ id, kind }) => ({ id, kind })) }
}

/**
 * The reminder due for a session now: the offset of the latest reminder time already passed
 * (earlier ones that were missed are skipped: one reminder, the closest), none once it started.
 */
export function dueOffset(startsAt: Date, now: Date, offsetsMinutes: number[]): number | null {
  const start = startsAt.getTime()
  if (now.getTime() >= start) return null
  const passed = offsetsMinutes.filter((minutes) => start - minutes * 60_000 <= now.getTime())
  return passed.length === 0 ? null : Math.min(...passed)
}

export function reminderJobKey(ticketId: string, offsetMinutes: number, startsAt: Date): string {
  return `${ticketId}:${offsetMinutes}:${startsAt.getTime()}`
}

function reminderJob(ticket: TicketRecord, session: SessionRecord, templateId: string, offsetMinutes: number, now: Date) {
  return jobRecord(
    'subscribe.send',
    `reminder:${reminderJobKey(ticket._id, offsetMinutes, session.startsAt)}`,
    { kind: 'reminder', ticketId: ticket._id, templateId, offsetMinutes, startsAt: session.startsAt.getTime() },
    now,
  )
}

/**
 * reminders.consent: the owner's answer to the subscribe sheet, for one active ticket. Accepting
 * the confirmation template queues the booking confirmation; accepting the reminder template when
 * a reminder time has already passed queues that reminder now (the next outbox run sends it).
 */
export async function recordReminderConsent(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const openid = requireOpenid(ctx)
  const { ticketId, accepted } = parsePayload(reminderConsentSchema, payload)
  const config = reminderConfig()
  const known = new Set(config.templates.map((t) => t.id))
  const unknown = accepted.find((id) => !known.has(id))
  if (unknown !== undefined) {
    throw new DomainError('INVALID_INPUT', `template ${unknown.slice(0, 64)} is not one the functions send`, { accepted: 'INVALID_VALUE' })
  }
  const ticket = await ownTicket(ctx, ticketId, openid)
  if (ticket.status !== 'active') throw new DomainError('ALREADY_CANCELLED', `ticket ${ticketId} is cancelled; it gets no messages`)
  const now = ctx.now()
  const unique = [...new Set(accepted)]
  const reminder = templateOfKind(config, 'reminder')
  const on = reminder !== undefined && unique.includes(reminder.id)
  const reminders = { accepted: unique, on, decidedAt: now }
  await ctx.db.collection(COLLECTIONS.tickets).doc(ticketId).update({ data: { reminders } })
  const updated: TicketRecord = { ...ticket, reminders }

  const confirmation = templateOfKind(config, 'confirmation')
  if (confirmation && unique.includes(confirmation.id)) {
    await enqueue(ctx.db, jobRecord('subscribe.send', `confirmation:${ticketId}`, { kind: 'confirmation', ticketId, templateId: confirmation.id }, now))
  }
  if (on && reminder) {
    const session = await getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, ticket.sessionId)
    const offset = session ? dueOffset(session.startsAt, now, config.offsetsMinutes) : null
    if (session && offset !== null) await enqueue(ctx.db, reminderJob(updated, session, reminder.id, offset, now))
  }
  return viewOf(ctx, updated, openid)
}

export interface ReminderRunReport {
  /** Sessions whose due reminders were queued in this run. */
  sessions: string[]
  queued: number
}

/** Every active ticket of a session, a page at a time, in `_id` order (no skip: stable while tickets are added). */
async function activeTicketsOf(ctx: Ctx, sessionId: string): Promise<TicketRecord[]> {
  const _ = ctx.db.command
  const out: TicketRecord[] = []
  let after = ''
  for (;;) {
    const page = (await ctx.db
      .collection(COLLECTIONS.tickets)
      .where({ sessionId, status: 'active', _id: _.gt(after) })
      .orderBy('_id', 'asc')
      .limit(1000)
      .get()) as unknown as { data: TicketRecord[] }
    out.push(...page.data)
    if (page.data.length < 1000) return out
    after = page.data[page.data.length - 1]._id
  }
}

/**
 * One run of the `reminders` timer: for every session inside the reminder window whose due
 * reminder has not been queued, a job per consenting active ticket, then a mark so the next run
 * skips the session. A run that stops half-way leaves no mark: the next one queues again, and the
 * job keys absorb the repeats.
 */
export async function queueDueReminders(ctx: Ctx, config: ReminderConfig = reminderConfig()): Promise<ReminderRunReport> {
  const report: ReminderRunReport = { sessions: [], queued: 0 }
  const template = templateOfKind(config, 'reminder')
  if (!template || config.offsetsMinutes.length === 0) return report
  const now = ctx.now()
  const _ = ctx.db.command
  const horizon = new Date(now.getTime() + config.offsetsMinutes[0] * 60_000)
  const sessions = (await ctx.db
    .collection(COLLECTIONS.sessions)
    .where(_.and([{ startsAt: _.gt(now) }, { startsAt: _.lte(horizon) }]))
    .limit(1000)
    .get()) as unknown as { data: SessionRecord[] }
  for (const session of sessions.data) {
    const offset = dueOffset(session.startsAt, now, config.offsetsMinutes)
    if (offset === null) continue
    const runId = `${session._id}:${offset}:${session.startsAt.getTime()}`
    if (await getDoc(ctx.db, COLLECTIONS.reminderRuns, runId)) continue
    const jobs = (await activeTicketsOf(ctx, session._id)).filter((ticket) => ticket.reminders?.on).map((ticket) => reminderJob(ticket, session, template.id, offset, now))
    await enqueueMany(ctx.db, jobs)
    report.queued += jobs.length
    try {
      await ctx.db.collection(COLLECTIONS.reminderRuns).add({ data: { _id: runId, sessionId: session._id, offsetMinutes: offset, startsAt: session.startsAt, queuedAt: now } })
    } catch (err) {
      // Another run finished the same session first: its mark stands.
      if (!isDuplicateKey(err)) throw err
    }
    report.sessions.push(session._id)
  }
  return report
}

/** The payload of a `subscribe.send` job. */
const sendJobSchema = v.object({
  kind: v.picklist(['confirmation', 'reminder']),
  ticketId: v.string(),
  templateId: v.string(),
  offsetMinutes: v.optional(v.number()),
  startsAt: v.optional(v.number()),
})

/** What the outbox sends for a job, or why it sends nothing (the job is then done). */
export type SubscribeSend =
  | { send: true; message: { touser: string; templateId: string; page: string; data: Record<string, { value: string }>; miniprogramState: string } }
  | { send: false; reason: string }

/**
 * Decides a `subscribe.send` job at the moment of sending, from the current ticket, session and
 * configuration: never to a cancelled ticket, never without the consent, never for a session that
 * has moved (its new reminders have their own jobs) or started.
 */
export async function subscribeMessageFor(ctx: Ctx, payload: Record<string, unknown>, config: ReminderConfig = reminderConfig()): Promise<SubscribeSend> {
  const job = v.parse(sendJobSchema, payload)
  const ticket = await getDoc<TicketRecord>(ctx.db, COLLECTIONS.tickets, job.ticketId)
  if (!ticket || ticket.status !== 'active') return { send: false, reason: 'the ticket is cancelled or gone' }
  if (!ticket.reminders?.accepted.includes(job.templateId)) return { send: false, reason: 'the owner did not accept this template' }
  const template = config.templates.find((t) => t.id === job.templateId)
  if (!template) return { send: false, reason: `template ${job.templateId} is no longer configured` }
  const [session, event] = await Promise.all([
    getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, ticket.sessionId),
    getDoc<EventRecord>(ctx.db, COLLECTIONS.events, ticket.eventId),
  ])
  if (!session || !event) return { send: false, reason: 'the session or event is gone' }
  if (job.kind === 'reminder') {
    if (session.startsAt.getTime() !== job.startsAt) return { send: false, reason: 'the session moved; the reminder for its new time is queued separately' }
    if (ctx.now().getTime() >= session.startsAt.getTime()) return { send: false, reason: 'the session has started' }
  }
  const place = session.place && session.place !== event.venue ? `${event.venue} ${session.place}` : event.venue
  return {
    send: true,
    message: {
      touser: ticket._openid,
      templateId: template.id,
      page: `pages/ticket/index?ticketId=${ticket._id}`,
      data: messageData(template, { eventTitle: event.title, sessionName: session.name, startsAt: session.startsAt, place, code: ticket.code }),
      miniprogramState: config.miniprogramState,
    },
  }
}
