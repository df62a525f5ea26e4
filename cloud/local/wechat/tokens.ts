import { randomBytes } from 'node:crypto'
import { chinaDay, minuteOf } from './clock'
import { WxError } from './errors'
import { OVERLAP_MS, TOKEN_LIFETIME_MS, WindowCounter, type SimulatorLimits } from './limits'

/** The two independent token families: GET /cgi-bin/token and POST /cgi-bin/stable_token. */
export type TokenKind = 'classic' | 'stable'

export interface TokenRecord {
  value: string
  appid: string
  kind: TokenKind
  issuedAt: number
  /** Natural end of life: issuedAt + 7200 s. Past it the token answers 42001. */
  expiresAt: number
  /** When a newer token (or a control call) retired it; past it the token answers 40001. */
  invalidAt: number
}

export interface TokenAnswer {
  access_token: string
  expires_in: number
}

export type TokenState = 'valid' | 'invalidated' | 'expired'

export type TokenSnapshot = Omit<TokenRecord, 'invalidAt'> & { invalidAt: number | null; state: TokenState }

/** The tokens as the state file keeps them (JSON has no Infinity: a token not retired has invalidAt null). */
export interface PersistedTokens {
  tokens: Array<Omit<TokenRecord, 'invalidAt'> & { invalidAt: number | null }>
  lastForceAt: Record<string, number>
}

/** Real tokens are URL-safe; anything else was mangled on the way (quoted, decoded, truncated). */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{1,512}$/

let generation = 80

function newTokenValue(): string {
  generation = generation >= 99 ? 80 : generation + 1
  // The shape of a real token: a two-digit prefix, an underscore, ~130 URL-safe characters.
  return `${generation}_${randomBytes(96).toString('base64url')}`
}

export function tokenState(record: TokenRecord, now: number): TokenState {
  if (record.invalidAt <= now && record.invalidAt < record.expiresAt) return 'invalidated'
  if (record.expiresAt <= now) return 'expired'
  return 'valid'
}

/**
 * Access tokens of both families, per AppID, with WeChat's rules:
 * - classic: every fetch issues a new token and retires the previous one 5 minutes later;
 * - stable: the same token during its life, rotated in its last 5 minutes (old and new both valid
 *   until the old one's natural end), force_refresh retiring the old one at once;
 * - the families never affect each other.
 */
export class AccessTokens {
  private readonly byValue = new Map<string, TokenRecord>()
  private readonly currentStable = new Map<string, TokenRecord>()
  private readonly lastForceAt = new Map<string, number>()
  private readonly classicDaily = new WindowCounter()
  private readonly stableDaily = new WindowCounter()
  private readonly stableMinute = new WindowCounter()
  private readonly forceDaily = new WindowCounter()

  constructor(private readonly limits: () => SimulatorLimits) {}

  /** GET /cgi-bin/token after the credentials passed. */
  fetchClassic(appid: string, now: number): TokenAnswer {
    if (this.classicDaily.hit(appid, chinaDay(now)) > this.limits().classicTokenDaily) throw new WxError(45009)
    const record = this.issue(appid, 'classic', now, now + OVERLAP_MS)
    return { access_token: record.value, expires_in: TOKEN_LIFETIME_MS / 1000 }
  }

  /** POST /cgi-bin/stable_token after the credentials passed. */
  fetchStable(appid: string, forceRefresh: boolean, now: number): TokenAnswer {
    const limits = this.limits()
    if (this.stableMinute.hit(appid, minuteOf(now)) > limits.stableTokenPerMinute) throw new WxError(45011)
    if (this.stableDaily.hit(appid, chinaDay(now)) > limits.stableTokenDaily) throw new WxError(45009)
    const current = this.currentStable.get(appid)
    const currentValid = current !== undefined && tokenState(current, now) === 'valid'
    if (forceRefresh) {
      if (this.forceDaily.hit(appid, chinaDay(now)) > limits.forceRefreshDaily) throw WxError.hint(45009, `force_refresh is limited to ${limits.forceRefreshDaily} a day`)
      const last = this.lastForceAt.get(appid)
      // WeChat's documented rule: forced refreshes closer than 30 s apart "do not refresh".
      if (!(currentValid && last !== undefined && now - last < limits.forceRefreshIntervalMs)) {
        this.lastForceAt.set(appid, now)
        return this.answer(this.issue(appid, 'stable', now, now), now)
      }
    }
    if (current && currentValid) {
      if (current.expiresAt - now > OVERLAP_MS) return this.answer(current, now)
      // In its last 5 minutes: rotate; the old token stays valid until its own natural end.
      return this.answer(this.issue(appid, 'stable', now, current.expiresAt), now)
    }
    return this.answer(this.issue(appid, 'stable', now, now), now)
  }

  /**
   * The token a token-taking call carries: missing 41001, malformed 40014, unknown or retired
   * 40001, past its life 42001. Answers the record (whose appid the call acts for).
   */
  authenticate(value: string | null, now: number): TokenRecord {
    if (value === null || value === '') throw new WxError(41001)
    if (!TOKEN_FORMAT.test(value)) throw WxError.hint(40014, 'access_token has characters a token never has; was it quoted, URL-decoded or truncated?')
    const record = this.byValue.get(value)
    if (!record) throw new WxError(40001)
    const state = tokenState(record, now)
    if (state === 'invalidated') throw new WxError(40001)
    if (state === 'expired') throw new WxError(42001)
    return record
  }

  /**
   * As if another party refreshed: a new token of that family; the old one retires at once
   * (`immediate`) or after the 5-minute overlap. Uses no quota.
   */
  rotate(appid: string, kind: TokenKind, immediate: boolean, now: number): TokenAnswer {
    const record = this.issue(appid, kind, now, immediate ? now : now + OVERLAP_MS)
    return { access_token: record.value, expires_in: TOKEN_LIFETIME_MS / 1000 }
  }

  /** Retires one token, or every valid token of an AppID, at once. Answers how many it retired. */
  invalidate(now: number, filter: { appid?: string; token?: string }): number {
    let count = 0
    for (const record of this.byValue.values()) {
      if (filter.token !== undefined && record.value !== filter.token) continue
      if (filter.appid !== undefined && record.appid !== filter.appid) continue
      if (tokenState(record, now) !== 'valid') continue
      record.invalidAt = now
      count += 1
    }
    return count
  }

  /** Every token issued, oldest first, with its state now (invalidAt null: not retired). */
  snapshot(now: number, appid?: string): TokenSnapshot[] {
    return [...this.byValue.values()]
      .filter((r) => appid === undefined || r.appid === appid)
      .map((r) => ({ ...r, invalidAt: Number.isFinite(r.invalidAt) ? r.invalidAt : null, state: tokenState(r, now) }))
  }

  /** What a restart must not forget: every token (old ones still answer 40001/42001 as before) and the current stable one. */
  dump(): PersistedTokens {
    return {
      tokens: [...this.byValue.values()].map((r) => ({ ...r, invalidAt: Number.isFinite(r.invalidAt) ? r.invalidAt : null })),
      lastForceAt: Object.fromEntries(this.lastForceAt),
    }
  }

  restore(data: PersistedTokens): void {
    this.reset()
    for (const saved of data.tokens) {
      const record: TokenRecord = { ...saved, invalidAt: saved.invalidAt ?? Number.POSITIVE_INFINITY }
      this.byValue.set(record.value, record)
      const current = this.currentStable.get(record.appid)
      if (record.kind === 'stable' && (!current || current.issuedAt <= record.issuedAt)) this.currentStable.set(record.appid, record)
    }
    for (const [appid, at] of Object.entries(data.lastForceAt)) this.lastForceAt.set(appid, at)
  }

  reset(): void {
    this.byValue.clear()
    this.currentStable.clear()
    this.lastForceAt.clear()
    for (const counter of [this.classicDaily, this.stableDaily, this.stableMinute, this.forceDaily]) counter.reset()
  }

  /** Issues a token of a family, retiring that family's previous valid token(s) at `retireAt`. */
  private issue(appid: string, kind: TokenKind, now: number, retireAt: number): TokenRecord {
    for (const old of this.byValue.values()) {
      if (old.appid === appid && old.kind === kind && tokenState(old, now) === 'valid') old.invalidAt = Math.min(old.invalidAt, retireAt)
    }
    const record: TokenRecord = { value: newTokenValue(), appid, kind, issuedAt: now, expiresAt: now + TOKEN_LIFETIME_MS, invalidAt: Number.POSITIVE_INFINITY }
    this.byValue.set(record.value, record)
    if (kind === 'stable') this.currentStable.set(appid, record)
    return record
  }

  private answer(record: TokenRecord, now: number): TokenAnswer {
    // Rounded down, so the stated life never outlasts the token.
    return { access_token: record.value, expires_in: Math.floor((record.expiresAt - now) / 1000) }
  }
}
