import type { CardRecord } from './cards'
import { MAX_CODE_LENGTH } from './codes'
import { WxError } from './errors'
import { isObject } from './fields'
import type { SimulatorLimits } from './limits'
import { cardExtSignature, signCardExt } from './signature'
import type { ApiTickets } from './tickets'

/** A cardExt as the wallet reads it (section 4 of the card protocol). */
export interface CardExt {
  timestamp: string
  nonce_str: string
  signature: string
  code?: string
  openid?: string
  outer_str?: string
}

const NONCE = /^[A-Za-z0-9]{1,32}$/
const SIGNATURE = /^[0-9a-f]{40}$/

function refuse(hint: string): WxError {
  return WxError.hint(40080, hint)
}

/** Reads a cardExt: a JSON string (not an object) with the signed fields in their exact form. */
export function parseCardExt(raw: unknown): CardExt {
  if (typeof raw !== 'string') throw refuse('cardExt must be a JSON string (JSON.stringify the object), not an object')
  let ext: unknown
  try {
    ext = JSON.parse(raw)
  } catch {
    throw refuse('cardExt is not valid JSON')
  }
  if (!isObject(ext)) throw refuse('cardExt must encode a JSON object')
  const timestamp = typeof ext.timestamp === 'number' && Number.isSafeInteger(ext.timestamp) ? String(ext.timestamp) : ext.timestamp
  if (typeof timestamp !== 'string' || !/^\d{1,13}$/.test(timestamp)) throw refuse('timestamp must be Unix seconds as a decimal string')
  if (typeof ext.nonce_str !== 'string' || !NONCE.test(ext.nonce_str)) throw refuse('nonce_str must be 1 … 32 letters or digits, fresh for every cardExt')
  if (typeof ext.signature !== 'string' || !SIGNATURE.test(ext.signature)) throw refuse('signature must be 40 lowercase hex characters (SHA-1)')
  for (const field of ['code', 'openid', 'outer_str'] as const) {
    if (ext[field] !== undefined && ext[field] !== null && typeof ext[field] !== 'string') throw refuse(`${field} must be a string`)
  }
  const optional = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined)
  return {
    timestamp,
    nonce_str: ext.nonce_str,
    signature: ext.signature,
    code: optional(ext.code),
    openid: optional(ext.openid),
    outer_str: optional(ext.outer_str),
  }
}

/** The nonces already used, per card: a cardExt is good for one add. */
export class NonceRegistry {
  private readonly used = new Map<string, Set<string>>()

  has(cardId: string, nonce: string): boolean {
    return this.used.get(cardId)?.has(nonce) ?? false
  }

  add(cardId: string, nonce: string): void {
    let set = this.used.get(cardId)
    if (!set) {
      set = new Set()
      this.used.set(cardId, set)
    }
    set.add(nonce)
  }

  /** The used nonces per card: a cardExt used before a restart stays used after it. */
  dump(): Record<string, string[]> {
    return Object.fromEntries([...this.used].map(([cardId, set]) => [cardId, [...set]]))
  }

  restore(used: Record<string, string[]>): void {
    this.reset()
    for (const [cardId, nonces] of Object.entries(used)) this.used.set(cardId, new Set(nonces))
  }

  reset(): void {
    this.used.clear()
  }
}

export interface VerifyContext {
  card: CardRecord
  /** The user adding the card. */
  openid: string
  tickets: ApiTickets
  nonces: NonceRegistry
  limits: SimulatorLimits
  now: number
}

/**
 * Checks a cardExt as the WeChat client does before it shows the add page: the fields the card
 * type demands, the signature against the card account's current wx_card api_ticket, a fresh
 * timestamp and an unused nonce. Throws 40080 naming what is wrong.
 */
export function verifyCardExt(ext: CardExt, ctx: VerifyContext): void {
  const { card } = ctx
  if (card.useCustomCode) {
    if (ext.code === undefined) throw refuse(`card ${card.cardId} uses custom codes: cardExt must carry the code`)
    if (ext.code.length > MAX_CODE_LENGTH) throw refuse(`code is ${ext.code.length} characters; codes are at most ${MAX_CODE_LENGTH}`)
  } else if (ext.code !== undefined) {
    throw refuse(`card ${card.cardId} does not use custom codes: cardExt must not carry a code`)
  }
  if (card.bindOpenid) {
    if (ext.openid !== ctx.openid) throw refuse(`card ${card.cardId} is bound to openids: cardExt.openid must be the receiving user's openid`)
  } else if (ext.openid !== undefined) {
    throw refuse(`card ${card.cardId} has bind_openid false: cardExt must not carry an openid`)
  }
  checkSignature(ext, ctx)
  const nowSeconds = Math.floor(ctx.now / 1000)
  const timestamp = Number(ext.timestamp)
  if (timestamp > nowSeconds * 100) throw refuse(`timestamp ${ext.timestamp} looks like milliseconds; use Unix seconds`)
  if (timestamp > nowSeconds + ctx.limits.cardExtMaxFutureSeconds) throw refuse(`timestamp ${ext.timestamp} is in the future (now ${nowSeconds})`)
  if (timestamp < nowSeconds - ctx.limits.cardExtMaxAgeSeconds) {
    throw refuse(`timestamp ${ext.timestamp} is ${nowSeconds - timestamp} s old; sign a fresh cardExt for each add (limit ${ctx.limits.cardExtMaxAgeSeconds} s)`)
  }
  if (ctx.nonces.has(card.cardId, ext.nonce_str)) throw refuse(`nonce_str ${ext.nonce_str} was already used for card ${card.cardId}; a cardExt is good for one add`)
}

function checkSignature(ext: CardExt, ctx: VerifyContext): void {
  const { card } = ctx
  const fields = { timestamp: ext.timestamp, card_id: card.cardId, nonce_str: ext.nonce_str, code: ext.code, openid: ext.openid }
  const current = ctx.tickets.current(card.appid, 'wx_card', ctx.now)
  if (current && signCardExt({ api_ticket: current.ticket, ...fields }) === ext.signature) return
  // Name the usual mistakes, so the fix is obvious from the error alone.
  for (const old of ctx.tickets.recent(card.appid, 'wx_card')) {
    if (old !== current && signCardExt({ api_ticket: old.ticket, ...fields }) === ext.signature) {
      throw refuse(`signature was made with an earlier wx_card api_ticket (generation ${old.generation}); the current one is ${current ? `generation ${current.generation}` : 'not fetched yet'}`)
    }
  }
  const jsapi = ctx.tickets.current(card.appid, 'jsapi', ctx.now)
  if (jsapi && signCardExt({ api_ticket: jsapi.ticket, ...fields }) === ext.signature) {
    throw refuse('signature was made with the jsapi ticket; cardExt needs the ticket of getticket?type=wx_card')
  }
  if (current) {
    const values = [current.ticket, ...Object.values(fields)].filter((v): v is string => typeof v === 'string' && v !== '')
    const localeSorted = [...values].sort((a, b) => a.localeCompare(b)).join('')
    if (cardExtSignature([localeSorted]) === ext.signature) throw refuse('values were sorted with localeCompare; sort them in plain code-unit order (the default sort())')
  }
  if (!current) throw refuse(`no wx_card api_ticket is valid for ${card.appid}: fetch one with getticket?type=wx_card and sign with it`)
  const signed = ['api_ticket', 'timestamp', 'card_id', 'nonce_str', ...(ext.code ? ['code'] : []), ...(ext.openid ? ['openid'] : [])]
  throw refuse(`signature mismatch: sign the values of ${signed.join(', ')} exactly as sent (card_id beside cardExt, not inside), sorted in code-unit order, concatenated, SHA-1 lowercase hex`)
}
