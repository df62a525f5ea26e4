import type { ActionName, ActionResultData } from '../api/actions'
import { fail, ok, type ApiResult } from '../api/envelope'
import { isErrorCode } from '../api/errors'
import { sdk } from './cloud'
import { WechatError } from '../wechat/errors'
import { ConfigError } from './config'
import { dailyQuotaStop, DomainError, isQuotaRefusal, QUOTA_RETRY_AFTER_MS } from './errors'
import { recordDailyStop } from './quotaStops'

/** What every action gets: the verified caller and the database, nothing from the client's say-so. */
export interface CallContext {
  /** The caller's OPENID from the cloud context; never an id sent in the payload. */
  openid: string | null
  /** The client's IP as CloudBase reports it (CLIENTIP); null when the call has none. */
  clientIp: string | null
  source: string
  db: ReturnType<ReturnType<typeof sdk>['database']>
  cloud: ReturnType<typeof sdk>
  now: () => Date
}

export type ActionHandler<A extends ActionName> = (ctx: CallContext, payload: unknown) => Promise<ActionResultData<A>>

export type ActionMap<A extends ActionName> = { [K in A]: ActionHandler<K> }

/** throwOnNotFound is honoured by wx-server-sdk 4 but missing from its typings. */
export function openDatabase(cloud: ReturnType<typeof sdk>): CallContext['db'] {
  return cloud.database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0])
}

/** Until the next midnight in China (UTC+8), when a spent daily quota starts again. */
function msUntilChinaMidnight(now: Date): number {
  const day = 86_400_000
  const offset = 8 * 3_600_000
  return day - ((now.getTime() + offset) % day)
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message
  try {
    return JSON.stringify(err)
  } catch {
    return String(err)
  }
}

/** An unknown action is named back, but only its start: the answer never echoes a caller's megabytes. */
function describeAction(action: unknown): string {
  const text = JSON.stringify(action) ?? String(action)
  return text.length > 64 ? `${text.slice(0, 64)}… (${text.length} characters)` : text
}

/**
 * A cloud function as a typed action map: parses `{action, payload}`, reads the caller from
 * getWXContext(), dispatches, and turns every outcome into the result envelope. Unknown actions
 * and refusals get stable codes; unexpected failures are logged in English and answered INTERNAL.
 */
export function defineFunction<A extends ActionName>(functionName: string, actions: ActionMap<A>) {
  return async function main(event: unknown): Promise<ApiResult<unknown>> {
    const request = (event ?? {}) as { action?: unknown; payload?: unknown }
    const action = request.action
    if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(actions, action)) {
      return fail({ code: 'UNKNOWN_ACTION', message: `${functionName} has no action ${describeAction(action)}` })
    }
    const cloud = sdk()
    const wx = cloud.getWXContext()
    const ctx: CallContext = {
      openid: wx.OPENID ? String(wx.OPENID) : null,
      clientIp: wx.CLIENTIP ? String(wx.CLIENTIP) : null,
      source: String(wx.SOURCE ?? ''),
      db: openDatabase(cloud),
      cloud,
      now: () => new Date(),
    }
    try {
      return ok(await actions[action as A](ctx, request.payload))
    } catch (err) {
      if (err instanceof DomainError && isErrorCode(err.code)) {
        return fail({ code: err.code, message: err.message, fields: err.fields, retryable: err.retryable, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) })
      }
      // The environment's database quota: nothing was done, and the same request may pass later.
      if (isQuotaRefusal(err)) {
        console.warn(`${functionName}/${action}: database quota refused a request: ${describe(err)}`)
        return fail({ code: 'BUSY', message: `${functionName}/${action}: the database is at its request quota; try again`, retryable: true, retryAfterMs: QUOTA_RETRY_AFTER_MS })
      }
      const stopped = dailyQuotaStop(err)
      if (stopped) {
        console.error(`${functionName}/${action}: the environment's database ${stopped} for today are spent: ${describe(err)}`)
        await recordDailyStop(ctx.db, err, `${functionName}/${action}`, ctx.now())
        return fail({ code: 'BUSY', message: `${functionName}/${action}: the service is stopped for today by its quota`, retryable: false, retryAfterMs: msUntilChinaMidnight(ctx.now()) })
      }
      // The detail (WeChat's endpoint and errcode, internal URLs, the operator's hint naming the
      // AppID, the IP or the variable) goes to the log; the client hears the code and what it can do.
      if (err instanceof WechatError) {
        console.error(`${functionName}/${action}: ${err.message}`)
        // A misconfiguration is the operator's to fix; anything else from WeChat may pass if retried.
        if (err.kind === 'config') return fail({ code: 'WECHAT_CONFIG', message: `${functionName}/${action}: WeChat refused this deployment's configuration (see the function log)`, retryable: false })
        const refused = err.kind === 'refused'
        return fail({ code: 'WECHAT_BUSY', message: `${functionName}/${action}: ${refused ? 'WeChat refused the request' : 'WeChat is unavailable for now; try again'}`, retryable: !refused })
      }
      if (err instanceof ConfigError) {
        console.error(`${functionName}/${action}: ${err.message}`)
        return fail({ code: 'INTERNAL', message: `${functionName}/${action}: the function is misconfigured (see the function log)`, retryable: false })
      }
      console.error(`${functionName}/${action} failed: ${describe(err)}`)
      return fail({ code: 'INTERNAL', message: `${functionName}/${action} failed unexpectedly`, retryable: true })
    }
  }
}
