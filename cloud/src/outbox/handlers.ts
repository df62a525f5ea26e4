import { cardTypeConfig } from '../domain/cardConfig'
import { decryptCode, recordCardAdded } from '../domain/cardPack'
import type { JobRecord } from '../domain/records'
import { callWithAccessToken } from '../wechat/client'
import { WechatError } from '../wechat/errors'
import { withAccessToken, type TokenDeps } from '../wechat/tokens'
import { subscribeMessageFor } from '../domain/reminders'
import type { CallContext } from '../shared/handler'
import { UncertainOutcome, type JobHandler } from './worker'

/** errcodes that mean the side effect already holds (or can never apply): the job is complete. */
const ALREADY_SO: Record<string, number[]> = {
  // Never added to a card pack (40056), or already consumed/deleted: nothing left to switch off.
  'card.unavailable': [40056, 40099, 40127],
  // Consumed already: the gate's intent holds.
  'card.consume': [40099],
  // The person's one-time subscription is used up, or they switched the messages off in WeChat:
  // WeChat will not deliver this message whatever we do.
  'subscribe.send': [43101],
}

/**
 * CloudBase's own refusals that come before the call leaves for WeChat: over the environment's
 * request or concurrency quota, over a daily quota, no openapi permission. Any other CloudBase
 * failure (-604102 the open API timed out, -501002 timeout, -501001 system) or a call with no code
 * at all (the connection broke) may have reached WeChat: its outcome is unknown. An errcode WeChat
 * answered itself (above -500000, -1 "system busy" included) means it did not act.
 */
const NOT_SENT = new Set([-501003, -501004, -501015, -501016, -604101])

/**
 * A cloud call's failure as a WechatError (an UncertainOutcome around it when it may have been delivered), so the worker retries what can pass later (WeChat busy,
 * CloudBase's own -5xxxxx errors, a permission still propagating: -604101) and gives up on a
 * refusal (a template or field WeChat rejects: 40037, 47003), which stays visible as a dead job.
 */
export function cloudCallError(api: string, err: unknown): unknown {
  const errCode = Number((err as { errCode?: unknown })?.errCode)
  if (!Number.isFinite(errCode)) return new UncertainOutcome(err)
  const errMsg = String((err as { errMsg?: unknown }).errMsg ?? (err as Error).message ?? '')
  const transient = errCode === -1 || errCode <= -500_000
  const error = new WechatError(api, errCode, errMsg, 'cloud call', transient ? 'busy' : undefined)
  return NOT_SENT.has(errCode) || errCode > -500_000 ? error : new UncertainOutcome(error)
}

function str(job: JobRecord, key: string): string {
  const value = job.payload[key]
  if (typeof value !== 'string') throw new Error(`job ${job._id}: payload.${key} missing`)
  return value
}

export interface OutboxDeps extends TokenDeps {
  /** For cloud calls (`cloud.openapi.*`), which need no access token. */
  cloud: CallContext['cloud']
  now: () => number
}

/** How the outbox carries out each WeChat side effect, with the shared token cache. */
export function wechatJobHandlers(deps: OutboxDeps): Record<string, JobHandler> {
  const call = (path: string, body: unknown) => withAccessToken(deps, (token) => callWithAccessToken(deps.config, token, path, body))
  const tolerant = (type: string, run: JobHandler): JobHandler => async (job) => {
    try {
      await run(job)
    } catch (err) {
      if (err instanceof WechatError && ALREADY_SO[type]?.includes(err.errcode)) return
      throw err
    }
  }
  return {
    // card.added could not reach WeChat to decrypt: finish it now.
    'card.confirm': async (job) => {
      const code = await decryptCode(deps, str(job, 'encryptCode'))
      await recordCardAdded(deps.db, str(job, 'ticketId'), str(job, 'cardId'), code, new Date())
    },
    'card.unavailable': tolerant('card.unavailable', (job) =>
      call('/card/code/unavailable', { card_id: str(job, 'cardId'), code: str(job, 'code'), reason: job.payload.reason ?? '预约已取消' }).then(() => undefined),
    ),
    'card.consume': tolerant('card.consume', (job) => call('/card/code/consume', { card_id: str(job, 'cardId'), code: str(job, 'code') }).then(() => undefined)),
    // Only a meeting-ticket card can change after issue; a scenic-ticket deployment has nothing to update.
    'card.updateuser': async (job) => {
      if (cardTypeConfig() !== 'MEETING_TICKET') return
      await call('/card/meetingticket/updateuser', { card_id: str(job, 'cardId'), code: str(job, 'code'), ...(job.payload.fields as object) })
    },
    // A cloud call (the function's config.json declares it): what to say is decided now, from the
    // ticket as it is; a cancelled ticket, a withdrawn consent or a moved session sends nothing.
    'subscribe.send': tolerant('subscribe.send', async (job) => {
      const decision = await subscribeMessageFor({ db: deps.db, now: () => new Date(deps.now()) }, job.payload)
      if (!decision.send) return
      try {
        await deps.cloud.openapi.subscribeMessage.send(decision.message)
      } catch (err) {
        throw cloudCallError('openapi.subscribeMessage.send', err)
      }
    }),
  }
}
