import { DomainError, isDuplicateKey } from '../shared/errors'
import { getDoc, updateWhere } from '../shared/db'
import type { CallContext } from '../shared/handler'
import { COLLECTIONS } from './records'

/**
 * A per-person fixed-window counter shared by every function instance (it lives in the database):
 * one document per scope, person and minute. Refuses with RATE_LIMITED past `perMinute`.
 */
export async function consumeRateLimit(ctx: CallContext, scope: string, openid: string, perMinute: number): Promise<void> {
  const windowStart = Math.floor(ctx.now().getTime() / 60_000)
  const id = `${scope}:${openid}:${windowStart}`
  const _ = ctx.db.command
  const counted = await updateWhere(ctx.db, COLLECTIONS.rateLimits, { _id: id }, { count: _.inc(1) })
  if (counted === 0) {
    try {
      await ctx.db.collection(COLLECTIONS.rateLimits).add({ data: { _id: id, count: 1, expiresAt: new Date((windowStart + 2) * 60_000) } })
      return
    } catch (err) {
      if (!isDuplicateKey(err)) throw err
      await updateWhere(ctx.db, COLLECTIONS.rateLimits, { _id: id }, { count: _.inc(1) })
    }
  }
  const counter = await getDoc<{ count: number }>(ctx.db, COLLECTIONS.rateLimits, id)
  if (counter && counter.count > perMinute) {
    throw new DomainError('RATE_LIMITED', `${scope}: more than ${perMinute} calls this minute by ${openid}`, undefined, true)
  }
}
