import { WxError } from './errors'
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  requireInteger,
  requireObject,
  requireString,
  type JsonObject,
} from './fields'

/**
 * What /card/create and /card/update accept, per section 7 of the card protocol: the field rules
 * as pure functions, so the store only ever holds a card WeChat would have taken.
 */

export const CARD_TYPES = ['SCENIC_TICKET', 'MEETING_TICKET'] as const
export type CardType = (typeof CARD_TYPES)[number]

const CODE_TYPES = new Set(['CODE_TYPE_TEXT', 'CODE_TYPE_BARCODE', 'CODE_TYPE_QRCODE', 'CODE_TYPE_ONLY_QRCODE', 'CODE_TYPE_ONLY_BARCODE', 'CODE_TYPE_NONE'])
/** WeChat's card palette: Color010 … Color100 in steps of ten, plus the in-between shades it added. */
const COLORS = /^Color(0[1-9]0|100|081|082|101|102)$/
/** Length limits in 汉字; ASCII counts half (WeChat's "12个汉字" is 24 English characters). */
const LENGTH_LIMITS: Record<string, number> = { brand_name: 12, title: 9, notice: 16, description: 1024 }
const MAX_QUANTITY = 100_000_000
/** Entries back into a mini-program name it by original id + "@app". */
const APP_BRAND_USER_NAME = /^gh_[0-9a-f]{12}@app$/
const ENTRY_PREFIXES = ['center', 'custom', 'promotion'] as const
/** Fields /card/update must not carry: fixed at creation, or changed through another API. */
const FROZEN_ON_UPDATE: Record<string, string> = {
  brand_name: 'brand_name cannot be changed after creation',
  sku: 'stock changes go through /card/modifystock',
  use_custom_code: 'use_custom_code cannot be changed after creation',
  bind_openid: 'bind_openid cannot be changed after creation',
}
/** Changing these sends the card back to review (update answers send_check: true). */
const REVIEWED_ON_UPDATE = ['title', 'logo_url']

export interface DateInfo {
  type: 'DATE_TYPE_FIX_TIME_RANGE' | 'DATE_TYPE_FIX_TERM'
  begin_timestamp?: number
  end_timestamp?: number
  fixed_term?: number
  fixed_begin_term?: number
}

export interface NewCardSpec {
  cardType: CardType
  /** base_info as sent, sku excluded (the store keeps the stock). */
  baseInfo: JsonObject
  /** The type's own fields (meeting_detail, ticket_class ...), base_info excluded. */
  typeFields: JsonObject
  quantity: number
  useCustomCode: boolean
  bindOpenid: boolean
  getLimit: number
  dateInfo: DateInfo
}

/** `SCENIC_TICKET` → `scenic_ticket`: the key holding the card's fields. */
export function typeKey(cardType: CardType): string {
  return cardType.toLowerCase()
}

/** Display width in half-汉字 units: a code point above ASCII counts 2, ASCII counts 1. */
export function textUnits(text: string): number {
  let units = 0
  for (const ch of text) units += (ch.codePointAt(0) ?? 0) > 0x7f ? 2 : 1
  return units
}

/** Validates a /card/create body; `uploaded` tells whether a URL came from /cgi-bin/media/uploadimg. */
export function validateNewCard(body: JsonObject, uploaded: (url: string) => boolean): NewCardSpec {
  const card = requireObject(body, 'card', '')
  const rawType = requireString(card, 'card_type', 'card.')
  if (!(CARD_TYPES as readonly string[]).includes(rawType)) {
    throw WxError.hint(40071, `card_type ${rawType}: the simulator creates ${CARD_TYPES.join(' and ')} (WeChat stopped creating coupon cards in 2021)`)
  }
  const cardType = rawType as CardType
  const key = typeKey(cardType)
  const typed = requireObject(card, key, 'card.')
  const path = `card.${key}.base_info.`
  const base = requireObject(typed, 'base_info', `card.${key}.`)
  for (const field of ['logo_url', 'brand_name', 'code_type', 'title', 'color', 'notice', 'description']) requireString(base, field, path)
  const sku = requireObject(base, 'sku', path)
  const quantity = requireInteger(sku, 'quantity', `${path}sku.`)
  if (quantity < 0 || quantity > MAX_QUANTITY) throw WxError.hint(40122, `${path}sku.quantity must be 0 … ${MAX_QUANTITY}`)
  const dateInfo = readDateInfo(requireObject(base, 'date_info', path), `${path}date_info.`)
  checkBaseInfo(base, path, uploaded)
  const getLimit = optionalInteger(base, 'get_limit', path) ?? 50
  if (getLimit < 1) throw WxError.hint(40097, `${path}get_limit must be at least 1`)
  if (cardType === 'MEETING_TICKET') requireString(typed, 'meeting_detail', `card.${key}.`)
  checkTypeFields(typed, `card.${key}.`)
  const { base_info: _omitBase, ...typeFields } = typed
  const { sku: _omitSku, ...baseInfo } = base
  return {
    cardType,
    baseInfo,
    typeFields,
    quantity,
    useCustomCode: optionalBoolean(base, 'use_custom_code', path) ?? false,
    bindOpenid: optionalBoolean(base, 'bind_openid', path) ?? false,
    getLimit,
    dateInfo,
  }
}

export interface CardUpdate {
  baseInfo: JsonObject
  typeFields: JsonObject
  getLimit?: number
  dateInfo?: DateInfo
  /** Whether the change sends the card back to review. */
  sendCheck: boolean
}

/** Validates a /card/update body against the card it changes. */
export function validateUpdate(cardType: CardType, current: JsonObject, body: JsonObject, uploaded: (url: string) => boolean): CardUpdate {
  const key = typeKey(cardType)
  const otherKey = CARD_TYPES.map(typeKey).find((k) => k !== key && body[k] !== undefined)
  if (otherKey) throw WxError.hint(40071, `this card is ${cardType}: send its fields under "${key}", not "${otherKey}"`)
  const typed = requireObject(body, key, '')
  const path = `${key}.base_info.`
  const base = typed.base_info === undefined ? {} : requireObject(typed, 'base_info', `${key}.`)
  for (const [field, reason] of Object.entries(FROZEN_ON_UPDATE)) {
    if (base[field] !== undefined) throw WxError.hint(40097, `${path}${field}: ${reason}`)
  }
  for (const field of Object.keys(LENGTH_LIMITS)) {
    if (base[field] !== undefined && requireString(base, field, path) === '') throw WxError.hint(41011, `${path}${field}`)
  }
  checkBaseInfo(base, path, uploaded)
  const dateInfo = base.date_info === undefined ? undefined : readDateInfo(requireObject(base, 'date_info', path), `${path}date_info.`)
  const getLimit = optionalInteger(base, 'get_limit', path)
  if (getLimit !== undefined && getLimit < 1) throw WxError.hint(40097, `${path}get_limit must be at least 1`)
  checkTypeFields(typed, `${key}.`)
  const { base_info: _omitBase, ...typeFields } = typed
  const sendCheck = REVIEWED_ON_UPDATE.some((field) => base[field] !== undefined && base[field] !== current[field])
  return { baseInfo: base, typeFields, getLimit, dateInfo, sendCheck }
}

/** Checks the base_info fields present: lengths, enumerations, flags, entries into the mini-program. */
function checkBaseInfo(base: JsonObject, path: string, uploaded: (url: string) => boolean): void {
  for (const [field, limit] of Object.entries(LENGTH_LIMITS)) {
    const value = optionalString(base, field, path)
    if (value !== undefined && textUnits(value) > limit * 2) {
      throw WxError.hint(45021, `${path}${field} is ${textUnits(value) / 2} 汉字 long, the limit is ${limit} (ASCII counts half)`)
    }
  }
  const codeType = optionalString(base, 'code_type', path)
  if (codeType !== undefined && !CODE_TYPES.has(codeType)) throw WxError.hint(40072, `${path}code_type ${codeType}; gates scan CODE_TYPE_QRCODE`)
  const color = optionalString(base, 'color', path)
  if (color !== undefined && !COLORS.test(color)) throw WxError.hint(40097, `${path}color must be one of Color010 … Color100, got ${color}`)
  const logo = optionalString(base, 'logo_url', path)
  if (logo !== undefined && !uploaded(logo)) throw WxError.hint(40097, `${path}logo_url must be a URL answered by /cgi-bin/media/uploadimg`)
  for (const flag of ['use_custom_code', 'bind_openid', 'can_share', 'can_give_friend']) optionalBoolean(base, flag, path)
  for (const prefix of ENTRY_PREFIXES) {
    const userName = optionalString(base, `${prefix}_app_brand_user_name`, path)
    if (userName === undefined) continue
    if (!APP_BRAND_USER_NAME.test(userName)) {
      throw WxError.hint(40097, `${path}${prefix}_app_brand_user_name must be the mini-program's original id + "@app" (gh_0123456789ab@app), got ${userName}`)
    }
    requireString(base, `${prefix}_app_brand_pass`, path)
  }
}

function checkTypeFields(typed: JsonObject, path: string): void {
  for (const field of ['meeting_detail', 'map_url', 'ticket_class', 'guide_url']) optionalString(typed, field, path)
}

function readDateInfo(date: JsonObject, path: string): DateInfo {
  const type = requireString(date, 'type', path)
  if (type === 'DATE_TYPE_FIX_TIME_RANGE') {
    const begin = requireInteger(date, 'begin_timestamp', path)
    const end = requireInteger(date, 'end_timestamp', path)
    if (begin <= 0 || end < begin) throw WxError.hint(40100, `${path}end_timestamp must not be before begin_timestamp (Unix seconds)`)
    return { type, begin_timestamp: begin, end_timestamp: end }
  }
  if (type === 'DATE_TYPE_FIX_TERM') {
    const fixedTerm = requireInteger(date, 'fixed_term', path)
    const fixedBegin = optionalInteger(date, 'fixed_begin_term', path) ?? 0
    if (fixedTerm <= 0 || fixedBegin < 0) throw WxError.hint(40079, `${path}fixed_term must be positive days, fixed_begin_term non-negative`)
    return { type, fixed_term: fixedTerm, fixed_begin_term: fixedBegin }
  }
  throw WxError.hint(40079, `${path}type must be DATE_TYPE_FIX_TIME_RANGE or DATE_TYPE_FIX_TERM, got ${type}`)
}

