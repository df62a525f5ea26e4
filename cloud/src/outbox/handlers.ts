import { decryptCode, recordCardAdded } from '../domain/cardPack'
import type { JobRecord } from '../domain/records'
import { callWithAccessToken } from '../wechat/client'
import { WechatError } from '../wechat/errors'
import { withAccessToken, type TokenDeps } from '../wechat/tokens'
import type { JobHandler } from './worker'

/** errcodes that mean the side effect already holds (or can never apply): the job is complete. */
const ALREADY_SO: Record<string, number[]> = {
  // Never added to a card pack (40056), or already consumed/deleted: nothing left to switch off.
  'card.unavailable': [40056, 40099, 40127],
  // Consumed already: the gate's intent holds.
  'card.consume': [40099],
}

function str(job: JobRecord, key: string): string {
  const value = job.payload[key]
  if (typeof value !== 'string') throw new Error(`job ${job._id}: payload.${key} missing`)
  return value
}

/** How the outbox carries out each WeChat side effect, with the shared token cache. */
export function wechatJobHandlers(deps: TokenDeps): Record<string, JobHandler> {
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
    'card.updateuser': (job) => call('/card/meetingticket/updateuser', { card_id: str(job, 'cardId'), code: str(job, 'code'), ...(job.payload.fields as object) }).then(() => undefined),
    'subscribe.send': (job) =>
      call('/cgi-bin/message/subscribe/send', {
        touser: str(job, 'touser'),
        template_id: str(job, 'templateId'),
        page: job.payload.page,
        data: job.payload.data,
      }).then(() => undefined),
  }
}
