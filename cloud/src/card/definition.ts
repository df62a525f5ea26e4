/**
 * The organizer's card definition: WeChat's own `/card/create` body, with the logo as a local file
 * (`logo`, next to the definition) instead of `logo_url`, which only `media/uploadimg` can give.
 * Everything WeChat would refuse, and everything a ticket card must be (custom codes, not bound to
 * an openid, not giftable, an entry back into the mini-program), is checked here first, so a bad
 * definition fails with the field named before any call to WeChat.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

export const TICKET_CARD_TYPES = ['SCENIC_TICKET', 'MEETING_TICKET'] as const
export type TicketCardType = (typeof TICKET_CARD_TYPES)[number]

/** Length limits in 汉字; an ASCII character counts half (WeChat's rule). */
const LENGTH_LIMITS: Record<string, number> = { brand_name: 12, title: 9, notice: 16, description: 1024 }
const REQUIRED_TEXT = ['brand_name', 'code_type', 'title', 'color', 'notice', 'description'] as const
/** Gates scan QR codes. */
const QR_CODE_TYPES = new Set(['CODE_TYPE_QRCODE', 'CODE_TYPE_ONLY_QRCODE'])
const COLORS = /^Color(0[1-9]0|100)$/
const ENTRY_PREFIXES = ['center', 'custom', 'promotion'] as const
const APP_BRAND_USER_NAME = /^gh_[0-9a-f]{12}@app$/
const PAGE_PATH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*(\?[^\s]*)?$/
const MAX_LOGO_BYTES = 1024 * 1024

export interface CardDefinition {
  cardType: TicketCardType
  /** The logo file's bytes and name (PNG or JPG, at most 1 MB). */
  logo: { bytes: Buffer; fileName: string }
  /** The `/card/create` body without `logo_url`; `withLogo` fills it in. */
  card: Record<string, unknown>
}

/** Every problem found, each naming its field: `card.scenic_ticket.base_info.title: ...`. */
export class CardDefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'CardDefinitionError'
  }
}

/** Display width in half-汉字 units: a code point above ASCII counts 2, ASCII counts 1. */
export function textUnits(text: string): number {
  let units = 0
  for (const ch of text) units += (ch.codePointAt(0) ?? 0) > 0x7f ? 2 : 1
  return units
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

function imageKind(bytes: Buffer): 'png' | 'jpg' | null {
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg'
  return null
}

/** Reads and checks a definition file; `now` decides whether the validity period is still ahead. */
export function loadCardDefinition(file: string, now = new Date()): CardDefinition {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new CardDefinitionError([`${file}: ${(err as Error).message}`])
  }
  return checkCardDefinition(raw, path.dirname(file), now)
}

export function checkCardDefinition(raw: unknown, baseDir: string, now = new Date()): CardDefinition {
  const problems: string[] = []
  const problem = (field: string, text: string) => problems.push(`${field}: ${text}`)
  if (!isObject(raw)) throw new CardDefinitionError(['the definition must be a JSON object with "logo" and "card"'])

  let logo: CardDefinition['logo'] | null = null
  if (typeof raw.logo !== 'string' || raw.logo === '') {
    problem('logo', 'missing: the path of a PNG or JPG logo (at most 1 MB), relative to the definition; it is uploaded with media/uploadimg')
  } else {
    const logoPath = path.resolve(baseDir, raw.logo)
    if (!existsSync(logoPath) || !statSync(logoPath).isFile()) problem('logo', `no file at ${logoPath}`)
    else {
      const bytes = readFileSync(logoPath)
      if (bytes.length > MAX_LOGO_BYTES) problem('logo', `${bytes.length} bytes; WeChat takes at most 1 MB`)
      else if (!imageKind(bytes)) problem('logo', 'must be a PNG or JPG image')
      else logo = { bytes, fileName: path.basename(logoPath) }
    }
  }

  const card = raw.card
  if (!isObject(card)) throw new CardDefinitionError([...problems, 'card: missing: the /card/create body ({card_type, scenic_ticket | meeting_ticket})'])
  const cardType = card.card_type
  if (!(TICKET_CARD_TYPES as readonly unknown[]).includes(cardType)) {
    problem('card.card_type', `must be SCENIC_TICKET or MEETING_TICKET (got ${JSON.stringify(cardType)})`)
    throw new CardDefinitionError(problems)
  }
  const key = String(cardType).toLowerCase()
  const typed = card[key]
  if (!isObject(typed) || !isObject(typed.base_info)) {
    problem(`card.${key}.base_info`, 'missing')
    throw new CardDefinitionError(problems)
  }
  const base = typed.base_info
  const at = (field: string) => `card.${key}.base_info.${field}`

  if (base.logo_url !== undefined) problem(at('logo_url'), 'leave it out: the command uploads "logo" and fills it in')
  for (const field of REQUIRED_TEXT) {
    if (typeof base[field] !== 'string' || (base[field] as string).trim() === '') problem(at(field), 'missing')
  }
  for (const [field, limit] of Object.entries(LENGTH_LIMITS)) {
    const value = base[field]
    if (typeof value === 'string' && textUnits(value) > limit * 2) {
      problem(at(field), `${textUnits(value) / 2} 汉字 long; WeChat allows ${limit} (an ASCII character counts half)`)
    }
  }
  if (typeof base.code_type === 'string' && !QR_CODE_TYPES.has(base.code_type)) problem(at('code_type'), `must be CODE_TYPE_QRCODE: gates scan the card's QR (got ${base.code_type})`)
  if (typeof base.color === 'string' && !COLORS.test(base.color)) problem(at('color'), `must be one of Color010, Color020 … Color100 (got ${base.color})`)

  const sku = base.sku
  const quantity = isObject(sku) ? sku.quantity : undefined
  if (!Number.isInteger(quantity) || (quantity as number) < 1 || (quantity as number) > 100_000_000) problem(at('sku.quantity'), 'must be a whole number from 1 to 100000000')

  const date = base.date_info
  if (!isObject(date)) problem(at('date_info'), 'missing')
  else if (date.type !== 'DATE_TYPE_FIX_TIME_RANGE') problem(at('date_info.type'), 'must be DATE_TYPE_FIX_TIME_RANGE: a ticket is valid for the event period')
  else {
    const begin = date.begin_timestamp
    const end = date.end_timestamp
    if (!Number.isInteger(begin) || !Number.isInteger(end)) problem(at('date_info'), 'begin_timestamp and end_timestamp must be Unix seconds')
    else if ((end as number) <= (begin as number)) problem(at('date_info.end_timestamp'), 'must be after begin_timestamp')
    else if ((end as number) * 1000 <= now.getTime()) problem(at('date_info.end_timestamp'), `${new Date((end as number) * 1000).toISOString()} has passed`)
  }

  if (base.use_custom_code !== true) problem(at('use_custom_code'), 'must be true: the card carries the ticket code we issue')
  if (base.bind_openid !== false) problem(at('bind_openid'), 'must be false: card openids belong to the Official Account; the ticket is bound to its owner on our side')
  if (base.can_give_friend !== false) problem(at('can_give_friend'), 'must be false: a ticket is personal')
  if (base.can_share !== undefined && base.can_share !== false) problem(at('can_share'), 'must be false')
  if (base.get_limit !== undefined && (!Number.isInteger(base.get_limit) || (base.get_limit as number) < 1)) problem(at('get_limit'), 'must be a whole number ≥ 1 (the per-person ticket limit)')

  let entries = 0
  for (const prefix of ENTRY_PREFIXES) {
    if (base[`${prefix}_url`] !== undefined) {
      problem(at(`${prefix}_url`), `web-link entries are rejected: lead back into the mini-program with ${prefix}_app_brand_user_name and ${prefix}_app_brand_pass`)
    }
    const userName = base[`${prefix}_app_brand_user_name`]
    const page = base[`${prefix}_app_brand_pass`]
    if (userName === undefined && page === undefined) continue
    if (typeof userName !== 'string' || !APP_BRAND_USER_NAME.test(userName)) {
      problem(at(`${prefix}_app_brand_user_name`), `must be the mini-program's original id + "@app", e.g. gh_0123456789ab@app (got ${JSON.stringify(userName)})`)
    }
    if (typeof page !== 'string' || !PAGE_PATH.test(page)) problem(at(`${prefix}_app_brand_pass`), `must be a page path such as pages/ticket/index (got ${JSON.stringify(page)})`)
    entries += 1
  }
  if (entries === 0) problem(at('center_app_brand_user_name'), 'missing: the card needs an entry back into the mini-program (center_app_brand_user_name + center_app_brand_pass)')

  if (cardType === 'MEETING_TICKET' && (typeof typed.meeting_detail !== 'string' || typed.meeting_detail.trim() === '')) problem(`card.${key}.meeting_detail`, 'missing')

  if (problems.length > 0 || !logo) throw new CardDefinitionError(problems)
  return { cardType: cardType as TicketCardType, logo, card }
}

/** The `/card/create` body with the uploaded logo's URL. */
export function withLogo(definition: CardDefinition, logoUrl: string): { card: Record<string, unknown> } {
  const key = definition.cardType.toLowerCase()
  const typed = definition.card[key] as Json
  return { card: { ...definition.card, [key]: { ...typed, base_info: { ...(typed.base_info as Json), logo_url: logoUrl } } } }
}

/** The same definition valid from `from` to `to` (the local stack's demo card never goes stale). */
export function validFor(definition: CardDefinition, from: Date, to: Date): CardDefinition {
  const key = definition.cardType.toLowerCase()
  const typed = definition.card[key] as Json
  const base = typed.base_info as Json
  const date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: Math.floor(from.getTime() / 1000), end_timestamp: Math.floor(to.getTime() / 1000) }
  return { ...definition, card: { ...definition.card, [key]: { ...typed, base_info: { ...base, date_info } } } }
}
