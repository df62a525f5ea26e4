/**
 * Function configuration from environment variables (set per function in the CloudBase console
 * or cloudbaserc.json; locally by `npm run serve`). Secrets live only here, never in the app.
 * A missing or malformed value fails with a message naming the variable.
 */

import { DEFAULT_RETENTION_DAYS } from '../api/privacy'

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`configuration: ${variable} ${problem}`)
    this.name = 'ConfigError'
  }
}

function required(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new ConfigError(name, 'is not set')
  return value
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`)
  return value
}

export interface ReservationConfig {
  /** Key of the HMAC that stands in for ID numbers (32+ characters). */
  idHmacKey: string
  /** Reserve attempts allowed per person per minute. */
  reservePerMinute: number
  /** Ticket lookups by code allowed per person per minute. */
  lookupPerMinute: number
  /** Ticket lookups by code allowed per client IP per minute (many people may share one IP). */
  lookupPerIpPerMinute: number
  /** Reservations refused for an ID number held elsewhere, per caller, event and day, before RATE_LIMITED. */
  idRefusalsPerDay: number
  /**
   * 'on' in every real deployment. 'off' exists only so the race test can show the oversell the
   * guard prevents; it is refused unless TICKETCARD_TEST_MODE=1 is also set.
   */
  capacityGuard: 'on' | 'off'
}

export function reservationConfig(): ReservationConfig {
  const idHmacKey = required('TICKETCARD_ID_HMAC_KEY')
  if (idHmacKey.length < 32) throw new ConfigError('TICKETCARD_ID_HMAC_KEY', 'must be at least 32 characters')
  const guard = process.env.TICKETCARD_CAPACITY_GUARD ?? 'on'
  if (guard !== 'on' && guard !== 'off') throw new ConfigError('TICKETCARD_CAPACITY_GUARD', `must be "on" or "off" (got "${guard}")`)
  if (guard === 'off' && process.env.TICKETCARD_TEST_MODE !== '1') {
    throw new ConfigError('TICKETCARD_CAPACITY_GUARD', 'may be "off" only in tests (TICKETCARD_TEST_MODE=1)')
  }
  return {
    idHmacKey,
    // A person's tickets of a minute are looked up by their rate slots, one id per unit of the
    // limit: 1000 ids is one small request; 100,000 would be a request too large to send.
    reservePerMinute: integer('TICKETCARD_RESERVE_PER_MINUTE', 20, 1, 1000),
    lookupPerMinute: integer('TICKETCARD_LOOKUP_PER_MINUTE', 30, 1, 100000),
    lookupPerIpPerMinute: integer('TICKETCARD_LOOKUP_PER_IP_PER_MINUTE', 120, 1, 100000),
    idRefusalsPerDay: integer('TICKETCARD_ID_REFUSALS_PER_DAY', 3, 1, 100),
    capacityGuard: guard,
  }
}

/**
 * Whether window counters take their unit with a conditional update ('on', always in deployments)
 * or read-then-add ('off': only so the race test can show what the condition prevents; refused
 * unless TICKETCARD_TEST_MODE=1).
 */
/**
 * The most seat blocks a session's free seats are spread over (TICKETCARD_SEAT_BLOCKS, default 16):
 * each function instance keeps to one block, so instances serving at once rarely want the same seat.
 */
export function seatBlocksPerSession(): number {
  return integer('TICKETCARD_SEAT_BLOCKS', 16, 1, 64)
}

export function counterGuard(): 'on' | 'off' {
  const guard = process.env.TICKETCARD_COUNTER_GUARD ?? 'on'
  if (guard !== 'on' && guard !== 'off') throw new ConfigError('TICKETCARD_COUNTER_GUARD', `must be "on" or "off" (got "${guard}")`)
  if (guard === 'off' && process.env.TICKETCARD_TEST_MODE !== '1') throw new ConfigError('TICKETCARD_COUNTER_GUARD', 'may be "off" only in tests (TICKETCARD_TEST_MODE=1)')
  return guard
}

export interface CheckinConfig {
  /** Unknown or mistyped codes one staff member may scan per minute before RATE_LIMITED. */
  unknownCodesPerMinute: number
  /**
   * 'on' in every deployment: an entry is recorded in a transaction on the ticket, so two gates
   * scanning one ticket at once admit it once. 'off' (tests only, TICKETCARD_TEST_MODE=1) reads,
   * decides and writes separately, so the race test can show the double admission it prevents.
   */
  guard: 'on' | 'off'
}

export function checkinConfig(): CheckinConfig {
  const guard = process.env.TICKETCARD_CHECKIN_GUARD ?? 'on'
  if (guard !== 'on' && guard !== 'off') throw new ConfigError('TICKETCARD_CHECKIN_GUARD', `must be "on" or "off" (got "${guard}")`)
  if (guard === 'off' && process.env.TICKETCARD_TEST_MODE !== '1') throw new ConfigError('TICKETCARD_CHECKIN_GUARD', 'may be "off" only in tests (TICKETCARD_TEST_MODE=1)')
  return { unknownCodesPerMinute: integer('TICKETCARD_UNKNOWN_CODES_PER_MINUTE', 30, 1, 100000), guard }
}

export interface PrivacyConfig {
  /** Days after a session ends before its tickets' personal data is erased. */
  retentionDays: number
}

export function privacyConfig(): PrivacyConfig {
  return { retentionDays: integer('TICKETCARD_RETENTION_DAYS', DEFAULT_RETENTION_DAYS, 1, 3650) }
}

export type TokenMode = 'stable' | 'classic'

export interface WechatConfig {
  /** The Official Account that owns the cards (cards belong to an OA, not to the mini-program). */
  appid: string
  secret: string
  /** https://api.weixin.qq.com in production; the simulator locally. */
  apiBase: string
  /** stable_token (default, recommended by WeChat) or the classic /cgi-bin/token. */
  tokenMode: TokenMode
}

/** The Official Account credentials and where WeChat is. Secrets stay in the function environment. */
export function wechatConfig(): WechatConfig {
  const appid = required('OA_APPID')
  if (!/^wx[0-9A-Za-z]{16}$/.test(appid)) throw new ConfigError('OA_APPID', `must look like wx followed by 16 letters or digits (got "${appid}")`)
  const secret = required('OA_APPSECRET')
  if (!/^[0-9A-Za-z]{16,64}$/.test(secret)) throw new ConfigError('OA_APPSECRET', 'must be the 32-character AppSecret from the Official Account console')
  const apiBase = (process.env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com').replace(/\/+$/, '')
  if (!/^https?:\/\/[^\s/]+$/.test(apiBase)) throw new ConfigError('WECHAT_API_BASE', `must be a base URL such as https://api.weixin.qq.com (got "${apiBase}")`)
  const tokenMode = (process.env.WECHAT_TOKEN_MODE ?? 'stable') as TokenMode
  if (tokenMode !== 'stable' && tokenMode !== 'classic') throw new ConfigError('WECHAT_TOKEN_MODE', `must be "stable" or "classic" (got "${tokenMode}")`)
  return { appid, secret, apiBase, tokenMode }
}
