import { createHash, randomUUID } from 'node:crypto'
import type { WechatConfig } from '../shared/config'
import { getDoc } from '../shared/db'
import { isDuplicateKey } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { fetchCardTicket, fetchClassicToken, fetchStableToken } from './client'
import { WechatError } from './errors'

/**
 * The Official Account access_token and the card api_ticket, cached in one database document each
 * and shared by every instance of every function. One instance at a time refreshes, under a lease
 * taken by a conditional update; the others keep using the still-valid value, or wait briefly
 * when there is none. WeChat is asked once per token lifetime, however many instances run.
 */

export const TOKEN_COLLECTION = 'wechat_tokens'
export type TokenKind = 'access_token' | 'wx_card'

export interface TokenRecord {
  _id: string
  kind: TokenKind
  value: string | null
  /** Epoch ms. */
  expiresAt: number
  fetchedAt: number
  /** Increments with every new value: logged beside each cardExt it signs. */
  generation: number
  leaseUntil: number
  leaseHolder: string | null
  /** No refresh-ahead before this (a refresh that brought the same value back). */
  quietUntil: number
  /** After a configuration error, no upstream call before this: callers get the error at once. */
  blockedUntil: number
  fetches: number
  lastError: { errcode: number; message: string; at: number } | null
}

export interface TokenDeps {
  db: CallContext['db']
  config: WechatConfig
  now?: () => number
}

export interface CachedToken {
  value: string
  generation: number
  expiresAt: number
}

const INSTANCE = randomUUID()
const LEASE_MS = 20_000
const WAIT_MS = 12_000
/** Never hand out a value with less life than this: a call made with it must still land. */
const MIN_LIFE_MS = 30_000
const FETCH_ATTEMPTS = 4
/** A wrong secret or a missing IP whitelist entry is not fixed by asking again every request. */
const CONFIG_ERROR_HOLD_MS = 60_000

/**
 * How long before expiry to refresh. stable_token rotates 5 minutes before expiry (a fetch any
 * earlier returns the same token), so 4 minutes; the classic token and the ticket, 10 minutes.
 */
function refreshAheadMs(kind: TokenKind, deps: TokenDeps): number {
  return kind === 'access_token' && deps.config.tokenMode === 'stable' ? 240_000 : 600_000
}

const docId = (deps: TokenDeps, kind: TokenKind) => `${deps.config.appid}:${kind}`

/**
 * This instance's copy of values that are nowhere near a refresh, kept briefly so that most calls
 * never read the database. A value that fails with a token error is dropped at once (invalidate),
 * so a copy outliving a rotation costs one retried call, the same as the shared cache would.
 */
const instanceCopies = new Map<string, { token: CachedToken; until: number }>()
const INSTANCE_COPY_MS = 30_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function readOrCreate(deps: TokenDeps, kind: TokenKind): Promise<TokenRecord> {
  const id = docId(deps, kind)
  const existing = await getDoc<TokenRecord>(deps.db, TOKEN_COLLECTION, id)
  if (existing) return existing
  const blank: TokenRecord = {
    _id: id, kind, value: null, expiresAt: 0, fetchedAt: 0, generation: 0, leaseUntil: 0, leaseHolder: null, quietUntil: 0, blockedUntil: 0, fetches: 0, lastError: null,
  }
  try {
    await deps.db.collection(TOKEN_COLLECTION).add({ data: { ...blank } })
  } catch (err) {
    if (!isDuplicateKey(err)) throw err
  }
  return (await getDoc<TokenRecord>(deps.db, TOKEN_COLLECTION, id)) ?? blank
}

/** The conditional update that makes one instance the refresher: it matches only a free lease. */
async function takeLease(deps: TokenDeps, kind: TokenKind, now: number): Promise<boolean> {
  const _ = deps.db.command
  const result = (await deps.db
    .collection(TOKEN_COLLECTION)
    .where({ _id: docId(deps, kind), leaseUntil: _.lt(now) })
    .update({ data: { leaseUntil: now + LEASE_MS, leaseHolder: INSTANCE } })) as unknown as { stats: { updated: number } }
  return result.stats.updated === 1
}

async function fetchUpstream(deps: TokenDeps, kind: TokenKind): Promise<{ value: string; expiresIn: number }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      if (kind === 'wx_card') {
        // The ticket needs a token; a stale token here is handled like anywhere else.
        const answer = await withAccessToken(deps, (token) => fetchCardTicket(deps.config, token))
        return { value: answer.ticket, expiresIn: answer.expires_in }
      }
      const answer = deps.config.tokenMode === 'classic' ? await fetchClassicToken(deps.config) : await fetchStableToken(deps.config)
      return { value: answer.access_token, expiresIn: answer.expires_in }
    } catch (err) {
      const retry = err instanceof WechatError && (err.kind === 'busy' || err.kind === 'network') && attempt < FETCH_ATTEMPTS
      if (!retry) throw err
      await sleep(150 * 2 ** attempt * (0.5 + Math.random()))
    }
  }
}

async function refresh(deps: TokenDeps, kind: TokenKind, current: TokenRecord): Promise<TokenRecord> {
  const now = deps.now ?? Date.now
  const _ = deps.db.command
  const ref = deps.db.collection(TOKEN_COLLECTION).doc(docId(deps, kind))
  try {
    const fresh = await fetchUpstream(deps, kind)
    const at = now()
    const same = fresh.value === current.value
    const update: Partial<TokenRecord> = {
      value: fresh.value,
      // The same value again keeps its original expiry: WeChat may restate a full lifetime for it.
      expiresAt: same ? Math.min(current.expiresAt, at + fresh.expiresIn * 1000) : at + fresh.expiresIn * 1000,
      fetchedAt: at,
      generation: same ? current.generation : current.generation + 1,
      quietUntil: same ? at + 60_000 : 0,
      leaseUntil: 0,
      leaseHolder: null,
      blockedUntil: 0,
      lastError: null,
    }
    await ref.update({ data: { ...update, fetches: _.inc(1) } })
    return { ...current, ...update } as TokenRecord
  } catch (err) {
    const errcode = err instanceof WechatError ? err.errcode : -2
    const blocked = err instanceof WechatError && (err.kind === 'config' || err.kind === 'quota')
    await ref.update({
      data: {
        leaseUntil: 0,
        leaseHolder: null,
        blockedUntil: blocked ? now() + CONFIG_ERROR_HOLD_MS : 0,
        // WeChat's own errmsg, so the error rebuilt from the cache names the same IP or cause.
        // _.set replaces the field whole: a nested object would otherwise be merged key by key,
        // which fails on a null field (MongoDB's "Cannot create field").
        lastError: _.set({ errcode, message: err instanceof WechatError ? err.errmsg : (err as Error).message, at: now() }),
      },
    })
    throw err
  }
}

async function obtain(deps: TokenDeps, kind: TokenKind): Promise<CachedToken> {
  const now = deps.now ?? Date.now
  const key = docId(deps, kind)
  const copy = instanceCopies.get(key)
  if (copy && now() < copy.until && copy.token.expiresAt - now() > refreshAheadMs(kind, deps)) return copy.token
  const token = await obtainShared(deps, kind)
  if (token.expiresAt - now() > refreshAheadMs(kind, deps)) instanceCopies.set(key, { token, until: now() + INSTANCE_COPY_MS })
  return token
}

async function obtainShared(deps: TokenDeps, kind: TokenKind): Promise<CachedToken> {
  const now = deps.now ?? Date.now
  const startedAt = now()
  const deadline = startedAt + WAIT_MS
  for (;;) {
    const record = await readOrCreate(deps, kind)
    const t = now()
    const life = record.value ? record.expiresAt - t : 0
    const fresh = life > refreshAheadMs(kind, deps) || (life > MIN_LIFE_MS && t < record.quietUntil)
    if (record.value && fresh) return { value: record.value, generation: record.generation, expiresAt: record.expiresAt }
    const usable = record.value !== null && life > MIN_LIFE_MS
    if (!usable && record.lastError && t < (record.blockedUntil ?? 0)) {
      throw new WechatError(`token cache (${kind})`, record.lastError.errcode, record.lastError.message, deps.config.appid)
    }
    if (record.leaseUntil < t && (await takeLease(deps, kind, t))) {
      try {
        const updated = await refresh(deps, kind, record)
        return { value: updated.value as string, generation: updated.generation, expiresAt: updated.expiresAt }
      } catch (err) {
        // A failed refresh ahead of expiry costs nobody anything: the current value still works.
        if (usable) return { value: record.value as string, generation: record.generation, expiresAt: record.expiresAt }
        throw err
      }
    }
    if (usable) return { value: record.value as string, generation: record.generation, expiresAt: record.expiresAt }
    if (record.lastError && record.lastError.at >= startedAt && record.leaseUntil < t) {
      // The refresher just failed and nothing usable is cached: report its error, don't pile on.
      throw new WechatError(`token cache (${kind})`, record.lastError.errcode, record.lastError.message, deps.config.appid)
    }
    if (now() > deadline) throw new WechatError(`token cache (${kind})`, -1, 'timed out waiting for another instance to refresh', deps.config.appid, 'busy')
    await sleep(40 + Math.random() * 60)
  }
}

export function getAccessToken(deps: TokenDeps): Promise<CachedToken> {
  return obtain(deps, 'access_token')
}

/** The card api_ticket with its generation (log it beside each signature: a wrong ticket fails only on the phone). */
export function getCardTicket(deps: TokenDeps): Promise<CachedToken> {
  return obtain(deps, 'wx_card')
}

/**
 * Compare-and-clear: forget the cached value only if it is still the one that failed, so a token
 * another instance has already replaced is never thrown away.
 */
export async function invalidate(deps: TokenDeps, kind: TokenKind, badValue: string): Promise<boolean> {
  if (instanceCopies.get(docId(deps, kind))?.token.value === badValue) instanceCopies.delete(docId(deps, kind))
  const result = (await deps.db
    .collection(TOKEN_COLLECTION)
    .where({ _id: docId(deps, kind), value: badValue })
    .update({ data: { value: null, expiresAt: 0, quietUntil: 0 } })) as unknown as { stats: { updated: number } }
  return result.stats.updated === 1
}

/** Runs a call with the access_token; on a token error, clears exactly that token and retries once. */
export async function withAccessToken<T>(deps: TokenDeps, call: (token: string) => Promise<T>): Promise<T> {
  const first = await getAccessToken(deps)
  try {
    return await call(first.value)
  } catch (err) {
    if (!(err instanceof WechatError) || err.kind !== 'token') throw err
    await invalidate(deps, 'access_token', first.value)
    const second = await getAccessToken(deps)
    return call(second.value)
  }
}

/** What an operator may see: age, expiry, last error; never the value itself. */
export interface TokenStatus {
  kind: TokenKind
  present: boolean
  fingerprint: string | null
  generation: number
  ageSeconds: number | null
  expiresInSeconds: number | null
  fetches: number
  refreshing: boolean
  lastError: TokenRecord['lastError']
}

export async function tokenStatus(deps: TokenDeps): Promise<TokenStatus[]> {
  const now = (deps.now ?? Date.now)()
  const kinds: TokenKind[] = ['access_token', 'wx_card']
  return Promise.all(
    kinds.map(async (kind) => {
      const record = await getDoc<TokenRecord>(deps.db, TOKEN_COLLECTION, docId(deps, kind))
      return {
        kind,
        present: Boolean(record?.value),
        fingerprint: record?.value ? createHash('sha256').update(record.value).digest('hex').slice(0, 8) : null,
        generation: record?.generation ?? 0,
        ageSeconds: record?.fetchedAt ? Math.round((now - record.fetchedAt) / 1000) : null,
        expiresInSeconds: record?.value ? Math.round((record.expiresAt - now) / 1000) : null,
        fetches: record?.fetches ?? 0,
        refreshing: (record?.leaseUntil ?? 0) > now,
        lastError: record?.lastError ?? null,
      }
    }),
  )
}
