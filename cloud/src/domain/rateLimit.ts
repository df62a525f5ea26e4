import { createHash } from 'node:crypto'
import { counterGuard, reservationConfig } from '../shared/config'
import { DomainError, isDuplicateKey } from '../shared/errors'
import { getDoc, removeWhere, updateWhere } from '../shared/db'
import type { CallContext } from '../shared/handler'
import { COLLECTIONS } from './records'

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS
/** Days are China's (UTC+8): "per day" means what the attendee and the organizer call a day. */
const CST_OFFSET_MS = 8 * 60 * MINUTE_MS

type Ctx = Pick<CallContext, 'db' | 'now'>

/** A fixed window: one document per scope, subject and window, removed by retention once expired. */
export interface RateWindow {
  scope: string
  /** Who is counted: an openid, a client IP, an openid within an event... */
  subject: string
  windowMs: number
  /** Shifts the windows' edges (days start at midnight in China). */
  offsetMs?: number
}

export const perMinute = (scope: string, subject: string): RateWindow => ({ scope, subject, windowMs: MINUTE_MS })
export const perChinaDay = (scope: string, subject: string): RateWindow => ({ scope, subject, windowMs: DAY_MS, offsetMs: CST_OFFSET_MS })

function windowDoc(window: RateWindow, now: Date): { id: string; expiresAt: Date } {
  const offset = window.offsetMs ?? 0
  const index = Math.floor((now.getTime() + offset) / window.windowMs)
  // Subjects (IPs, openids) are hashed: the counters say how often, never who.
  const subject = createHash('sha256').update(window.subject).digest('hex').slice(0, 32)
  return { id: `${window.scope}:${subject}:${index}`, expiresAt: new Date((index + 1) * window.windowMs - offset) }
}

/**
 * Which write a window is tried with first: `update` where the window usually exists already
 * (a staff member scanning all day), `insert` where it usually does not (a person reserving,
 * most often once a minute at most). Either way one call on the common path.
 */
export type LikelyWindow = 'existing' | 'new'

/**
 * Takes one unit from the window if it has one left: true when taken, false when the window is
 * full. The condition is part of the update, so concurrent callers can never take more than
 * `limit` between them, nor be refused while a unit is left.
 */
export async function takeFromWindow(ctx: Ctx, window: RateWindow, limit: number, likely: LikelyWindow = 'existing'): Promise<boolean> {
  if (counterGuard() === 'off') return takeUnguarded(ctx, window)
  const { id, expiresAt } = windowDoc(window, ctx.now())
  const _ = ctx.db.command
  const takeOne = async () => (await updateWhere(ctx.db, COLLECTIONS.rateLimits, { _id: id, count: _.lt(limit) }, { count: _.inc(1) })) === 1
  if (likely === 'existing' && (await takeOne())) return true
  try {
    await ctx.db.collection(COLLECTIONS.rateLimits).add({ data: { _id: id, count: 1, expiresAt } })
    return true
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
    // The window exists: either it is full, or another caller created it a moment ago.
    return takeOne()
  }
}

/**
 * What a counter without the condition does: whoever checked the count earlier (a read at the
 * start of the request) just adds one now. Only for the race test's control.
 */
async function takeUnguarded(ctx: Ctx, window: RateWindow): Promise<boolean> {
  const { id, expiresAt } = windowDoc(window, ctx.now())
  const _ = ctx.db.command
  if ((await updateWhere(ctx.db, COLLECTIONS.rateLimits, { _id: id }, { count: _.inc(1) })) === 0) {
    try {
      await ctx.db.collection(COLLECTIONS.rateLimits).add({ data: { _id: id, count: 1, expiresAt } })
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
    }
  }
  return true
}

/** The window's count so far, without adding to it. */
export async function readWindow(ctx: Ctx, window: RateWindow): Promise<number> {
  const counter = await getDoc<{ count: number }>(ctx.db, COLLECTIONS.rateLimits, windowDoc(window, ctx.now()).id)
  return counter?.count ?? 0
}

/** Forgets the window's count (an organizer lifted what it was counting). */
export async function clearWindow(ctx: Ctx, window: RateWindow, at: Date): Promise<void> {
  await removeWhere(ctx.db, COLLECTIONS.rateLimits, { _id: windowDoc(window, at).id })
}

/**
 * The `k`-th reservation a person makes in a minute, as a value the ticket holds under a unique
 * index (`rate_slot_unique`): the write that makes the ticket also counts it, with no counter
 * document of its own. Refusals, which make no ticket, are counted in the minute's window
 * instead (`reserveRefusalAllowance`).
 */
export function rateSlot(openid: string, now: Date, k: number): string {
  return `${windowDoc(perMinute('reserve', openid), now).id}:${k}`
}

/** Every rate slot of the person's minute, up to `limit`. */
export function rateSlotsOfMinute(openid: string, now: Date, limit: number): string[] {
  return Array.from({ length: limit }, (_, i) => rateSlot(openid, now, i + 1))
}

export const rateLimited = (scope: string, limit: number): DomainError =>
  new DomainError('RATE_LIMITED', `${scope}: more than ${limit} calls in this window by one caller`, undefined, true)

/** Counts one call and refuses with RATE_LIMITED past `limit` in the window. */
export async function consumeRateLimit(ctx: Ctx, window: RateWindow, limit: number, likely: LikelyWindow = 'existing'): Promise<void> {
  if (limit <= 0 || !(await takeFromWindow(ctx, window, limit, likely))) throw rateLimited(window.scope, limit)
}

/**
 * Looking a ticket up by its code (from the card pack, or typed) is limited per person and per
 * client IP: one person rotating accounts from one device still meets the IP's limit. The IP's
 * limit is higher, as many people can share one address behind a carrier's NAT.
 */
export async function limitCodeLookups(ctx: Pick<CallContext, 'db' | 'now' | 'clientIp'>, openid: string): Promise<void> {
  const limits = reservationConfig()
  await Promise.all([
    consumeRateLimit(ctx, perMinute('lookup', openid), limits.lookupPerMinute),
    ctx.clientIp ? consumeRateLimit(ctx, perMinute('lookup-ip', ctx.clientIp), limits.lookupPerIpPerMinute) : Promise.resolve(),
  ])
}
