import type { WechatConfig } from '../shared/config'
import { WechatError } from './errors'

interface WechatAnswer {
  errcode?: number
  errmsg?: string
}

export interface RequestOptions {
  query?: Record<string, string>
  body?: unknown
}

/**
 * One call to a WeChat HTTP API over real HTTP (the simulator locally, api.weixin.qq.com in
 * production). A non-zero errcode becomes a WechatError sorted by what can be done about it.
 */
export async function wechatRequest<T>(config: WechatConfig, method: 'GET' | 'POST', path: string, options: RequestOptions = {}): Promise<T> {
  const url = new URL(config.apiBase + path)
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value)
  let answer: WechatAnswer
  try {
    const res = await fetch(url, {
      method,
      headers: options.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(10_000),
    })
    answer = (await res.json()) as WechatAnswer
  } catch (err) {
    throw new WechatError(path, -2, `cannot reach ${url.origin}: ${(err as Error).message}`, config.appid, 'network')
  }
  if (answer.errcode !== undefined && answer.errcode !== 0) {
    throw new WechatError(path, answer.errcode, answer.errmsg ?? '', config.appid)
  }
  return answer as T
}

export interface TokenAnswer {
  access_token: string
  expires_in: number
}

/** POST /cgi-bin/stable_token in normal mode: the same token during its validity. */
export function fetchStableToken(config: WechatConfig): Promise<TokenAnswer> {
  return wechatRequest<TokenAnswer>(config, 'POST', '/cgi-bin/stable_token', {
    body: { grant_type: 'client_credential', appid: config.appid, secret: config.secret, force_refresh: false },
  })
}

/** GET /cgi-bin/token: each call invalidates the previous token after five minutes. */
export function fetchClassicToken(config: WechatConfig): Promise<TokenAnswer> {
  return wechatRequest<TokenAnswer>(config, 'GET', '/cgi-bin/token', {
    query: { grant_type: 'client_credential', appid: config.appid, secret: config.secret },
  })
}

export interface TicketAnswer {
  ticket: string
  expires_in: number
}

/** The card api_ticket (type wx_card, not jsapi) that signs cardExt. */
export function fetchCardTicket(config: WechatConfig, accessToken: string): Promise<TicketAnswer> {
  return wechatRequest<TicketAnswer>(config, 'GET', '/cgi-bin/ticket/getticket', { query: { access_token: accessToken, type: 'wx_card' } })
}

/** Any token-taking API: POST <path>?access_token=... with a JSON body. */
export function callWithAccessToken<T>(config: WechatConfig, accessToken: string, path: string, body: unknown): Promise<T> {
  return wechatRequest<T>(config, 'POST', path, { query: { access_token: accessToken }, body })
}
