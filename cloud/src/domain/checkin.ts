import { createHash } from 'node:crypto'
import * as v from 'valibot'
import { maskName } from '../api/identity'
import { isVisibleLabel } from '../api/validation'
import type { ScanAnswer, ScanDenialReason, ScanResult } from '../api/models'
import { checkinConfig } from '../shared/config'
import { findMany, getDoc } from '../shared/db'
import { DomainError, isDuplicateKey } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { cardConsumeJob, enqueueInTransaction } from '../outbox/jobs'
import { parsePayload } from './payload'
import { consumeRateLimit, perMinute } from './rateLimit'
import { COLLECTIONS, type CheckinRecord, type EntryPolicy, type EventRecord, type FreeSeatRecord, type SessionRecord, type TicketRecord } from './records'
import { ticketsOnly } from './seats'
import { requireOpenid } from './reserve'
import { requireStaff, worksAt, type StaffScope } from './roles'
import { isWellFormedTicketCode } from './ticketCode'
import { withTransaction, type Transaction } from './transaction'

const MINUTE_MS = 60_000
const CST_OFFSET_MS = 8 * 60 * MINUTE_MS

const scanSchema = v.strictObject({
  code: v.pipe(v.string('INVALID_VALUE'), v.maxLength(32, 'INVALID_VALUE')),
  nonce: v.pipe(v.string('INVALID_VALUE'), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'INVALID_ID')),
  // Logged and exported as the entrance's name: readable, with nothing hidden in it.
  gate: v.pipe(v.string('INVALID_VALUE'), v.trim(), v.minLength(1, 'REQUIRED'), v.maxLength(20, 'INVALID_VALUE'), v.check(isVisibleLabel, 'INVALID_VALUE')),
})

export interface EntryDecision {
  result: ScanResult
  reason?: ScanDenialReason
}

/** China's calendar day of a moment, as YYYYMMDD: "per day" is the day at the venue. */
export function entryDay(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '')
}

/** The entry rules applied to one ticket at one moment; pure, so every rule is tested directly. */
export function decideEntry(ticket: TicketRecord, session: SessionRecord, policy: EntryPolicy, now: Date): EntryDecision {
  if (ticket.status === 'cancelled') return { result: 'DENIED', reason: 'CANCELLED' }
  const opens = new Date(session.startsAt).getTime() - policy.opensMinutesBefore * MINUTE_MS
  const closes = new Date(session.endsAt).getTime() + policy.closesMinutesAfter * MINUTE_MS
  if (now.getTime() < opens || now.getTime() > closes) return { result: 'DENIED', reason: 'WRONG_SESSION_TIME' }
  const entries = ticket.entries
  if (!entries || entries.count === 0) return { result: 'ADMITTED' }
  if (policy.mode === 'single') return { result: 'ALREADY_ADMITTED' }
  if (policy.maxEntries !== null && entries.count >= policy.maxEntries) return { result: 'DENIED', reason: 'LIMIT_REACHED' }
  if (policy.perDay !== null && (entries.byDay[entryDay(now)] ?? 0) >= policy.perDay) return { result: 'DENIED', reason: 'LIMIT_REACHED' }
  if (policy.minMinutesBetween !== null && now.getTime() - new Date(entries.lastAt).getTime() < policy.minMinutesBetween * MINUTE_MS) {
    return { result: 'DENIED', reason: 'TOO_SOON' }
  }
  return { result: 'ADMITTED' }
}

/** The ticket's entries with one more at `now`. */
function withEntry(ticket: TicketRecord, now: Date): NonNullable<TicketRecord['entries']> {
  const entries = ticket.entries
  const day = entryDay(now)
  return {
    count: (entries?.count ?? 0) + 1,
    firstAt: entries?.firstAt ?? now,
    lastAt: now,
    byDay: { ...(entries?.byDay ?? {}), [day]: (entries?.byDay[day] ?? 0) + 1 },
  }
}

/** One log entry per staff member and nonce: a scan sent twice (a lost answer) finds the first. */
function checkinId(staff: string, nonce: string): string {
  return `c${createHash('sha256').update(`${staff}\n${nonce}`).digest('hex').slice(0, 31)}`
}

/** What a log entry keeps of the code scanned: enough to tell a replay from a reuse, not the text. */
function codeHashOf(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 32)
}

/**
 * A nonce names one scan of one code. Sent again with another code it is a client fault (or a
 * probe): answering the first answer would hand out that ticket's result and name, so it is
 * refused, and nothing is recorded.
 */
function replayOf(record: CheckinRecord, scan: ScanContext): CheckinRecord {
  if (record.codeHash !== scan.codeHash) {
    throw new DomainError('INVALID_INPUT', `nonce ${scan.nonce} was used for another code`, { nonce: 'NONCE_REUSED' })
  }
  return record
}

function answerOf(record: CheckinRecord, session: SessionRecord | null): ScanAnswer {
  return {
    result: record.result,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.firstEntryAt ? { firstEntryAt: new Date(record.firstEntryAt).toISOString() } : {}),
    entriesUsed: record.entriesUsed,
    attendee: { maskedName: record.maskedName },
    ...(session ? { session: { id: session._id, name: session.name, startsAt: new Date(session.startsAt).toISOString(), endsAt: new Date(session.endsAt).toISOString() } } : {}),
  }
}

interface ScanContext {
  scope: StaffScope
  nonce: string
  codeHash: string
  gate: string
  id: string
}

function logRecord(scan: ScanContext, now: Date, ticket: TicketRecord | null, decision: EntryDecision, entries: TicketRecord['entries']): CheckinRecord {
  return {
    _id: scan.id,
    nonce: scan.nonce,
    codeHash: scan.codeHash,
    staff: scan.scope.openid,
    gate: scan.gate,
    at: now,
    ...(ticket ? { ticketId: ticket._id, eventId: ticket.eventId, sessionId: ticket.sessionId } : {}),
    result: decision.result,
    ...(decision.reason ? { reason: decision.reason } : {}),
    entriesUsed: entries?.count ?? 0,
    ...(entries ? { firstEntryAt: entries.firstAt } : {}),
    maskedName: ticket ? maskName(ticket.attendee.name) : '',
  }
}

/** Decides on the ticket as `read` shows it, records the entry and the log line through `write`. */
async function admitOrDeny(
  read: TicketRecord,
  session: SessionRecord,
  event: EventRecord,
  scan: ScanContext,
  now: Date,
  write: { ticket: (entries: NonNullable<TicketRecord['entries']>) => Promise<unknown>; log: (record: CheckinRecord) => Promise<unknown>; consumeCard: (ticket: TicketRecord) => Promise<unknown> },
): Promise<CheckinRecord> {
  const decision = decideEntry(read, session, event.entry, now)
  let entries = read.entries
  if (decision.result === 'ADMITTED') {
    entries = withEntry(read, now)
    await write.ticket(entries)
    // WeChat consumes a card once: at the first entry, when the event asks for it. A card whose add
    // is still being confirmed is consumed when the add is (recordCardAdded sees the entry).
    if (entries.count === 1 && event.entry.consumeCard && read.card) await write.consumeCard(read)
  }
  const record = logRecord(scan, now, read, decision, entries)
  await write.log(record)
  return record
}

function consumeJob(ticket: TicketRecord, now: Date) {
  if (!ticket.card) throw new Error(`ticket ${ticket._id} has no card to consume`)
  return cardConsumeJob(ticket._id, ticket.card.cardId, ticket.code, now)
}

/**
 * The decision, the entry and the log line in one transaction on the ticket: two gates scanning
 * one ticket at once conflict, and the retry re-reads the entry the other made.
 */
async function scanGuarded(ctx: CallContext, ticket: TicketRecord, session: SessionRecord, event: EventRecord, scan: ScanContext): Promise<CheckinRecord> {
  return withTransaction(ctx.db, async (tx: Transaction) => {
    const now = ctx.now()
    const current = (await tx.collection(COLLECTIONS.tickets).doc(ticket._id).get()).data as TicketRecord | null
    if (!current) throw new Error(`ticket ${ticket._id} vanished during a scan`)
    return admitOrDeny(current, session, event, scan, now, {
      ticket: (entries) => tx.collection(COLLECTIONS.tickets).doc(ticket._id).update({ data: { entries } }),
      log: (record) => tx.collection(COLLECTIONS.checkins).add({ data: { ...record } }),
      consumeCard: (read) => enqueueInTransaction(tx, consumeJob(read, now)),
    })
  })
}

/** Read, decide, write, as separate calls: only for the race test's control (TICKETCARD_CHECKIN_GUARD=off). */
async function scanUnguarded(ctx: CallContext, ticket: TicketRecord, session: SessionRecord, event: EventRecord, scan: ScanContext): Promise<CheckinRecord> {
  const now = ctx.now()
  return admitOrDeny(ticket, session, event, scan, now, {
    ticket: async (entries) => ctx.db.collection(COLLECTIONS.tickets).doc(ticket._id).update({ data: { entries } }),
    log: async (record) => ctx.db.collection(COLLECTIONS.checkins).add({ data: { ...record } }),
    consumeCard: async (read) => ctx.db.collection(COLLECTIONS.jobs).add({ data: { ...consumeJob(read, now) } }),
  })
}

/** An unknown, mistyped or other event's code: counted against the scanner, logged, denied. */
async function denyUnknown(ctx: CallContext, scan: ScanContext): Promise<CheckinRecord> {
  await consumeRateLimit(ctx, perMinute('unknown-code', scan.scope.openid), checkinConfig().unknownCodesPerMinute)
  const record = logRecord(scan, ctx.now(), null, { result: 'DENIED', reason: 'UNKNOWN_CODE' }, undefined)
  await ctx.db.collection(COLLECTIONS.checkins).add({ data: { ...record } })
  return record
}

/**
 * checkin.scan: staff (or organizers) of the ticket's event admit it under the event's entry
 * rules. Every scan is logged with its answer; a repeated nonce answers the first answer again,
 * for the same code only.
 * A code for an event the scanner does not work at is UNKNOWN_CODE: nothing about other events.
 */
export async function scanTicket(ctx: CallContext, payload: unknown): Promise<ScanAnswer> {
  const { code, nonce, gate } = parsePayload(scanSchema, payload)
  const id = checkinId(requireOpenid(ctx), nonce)
  // Independent reads, at once: who scans, whether this scan was answered before, the ticket (the
  // check digit catches a mistyped code before any lookup).
  const [scope, earlier, [ticket]] = await Promise.all([
    requireStaff(ctx),
    getDoc<CheckinRecord>(ctx.db, COLLECTIONS.checkins, id),
    isWellFormedTicketCode(code) ? findMany<TicketRecord | FreeSeatRecord>(ctx.db, COLLECTIONS.tickets, { code }, { limit: 1 }).then(ticketsOnly) : Promise.resolve([]),
  ])
  const scan: ScanContext = { scope, nonce, codeHash: codeHashOf(code), gate, id }
  const sessionOf = (record: CheckinRecord) => (record.sessionId ? getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, record.sessionId) : Promise.resolve(null))
  if (earlier) return answerOf(replayOf(earlier, scan), await sessionOf(earlier))

  try {
    if (!ticket || !worksAt(scope, ticket.eventId)) return answerOf(await denyUnknown(ctx, scan), null)
    const [session, event] = await Promise.all([
      getDoc<SessionRecord>(ctx.db, COLLECTIONS.sessions, ticket.sessionId),
      getDoc<EventRecord>(ctx.db, COLLECTIONS.events, ticket.eventId),
    ])
    if (!session || !event) throw new Error(`ticket ${ticket._id} points at a missing session or event`)
    const record = checkinConfig().guard === 'on' ? await scanGuarded(ctx, ticket, session, event, scan) : await scanUnguarded(ctx, ticket, session, event, scan)
    return answerOf(record, session)
  } catch (err) {
    // The same scan (same staff, same nonce) was logged meanwhile: its answer is the answer.
    if (!isDuplicateKey(err)) throw err
    const first = await getDoc<CheckinRecord>(ctx.db, COLLECTIONS.checkins, scan.id)
    if (!first) throw err
    return answerOf(replayOf(first, scan), await sessionOf(first))
  }
}
