import { randomInt } from 'node:crypto'
import { cardEndMs, type CardRecord, type CardStore } from './cards'
import { WxError } from './errors'

/** user_card_status as /card/code/get reports it. */
export type UserCardStatus = 'NORMAL' | 'CONSUMED' | 'EXPIRE' | 'GIFTING' | 'GIFT_TIMEOUT' | 'DELETE' | 'UNAVAILABLE'
export const USER_CARD_STATUSES: readonly UserCardStatus[] = ['NORMAL', 'CONSUMED', 'EXPIRE', 'GIFTING', 'GIFT_TIMEOUT', 'DELETE', 'UNAVAILABLE']

export interface MeetingSeat {
  begin_time?: number
  end_time?: number
  zone?: string
  entrance?: string
  seat_number?: string
}

export interface CodeRecord {
  appid: string
  cardId: string
  code: string
  openid: string
  outerStr: string | null
  /** Stored status; EXPIRE is derived from the card's dates when read. */
  status: Exclude<UserCardStatus, 'EXPIRE'>
  addedAt: number
  consumedAt: number | null
  unavailableAt: number | null
  unavailableReason: string | null
  seat: MeetingSeat | null
}

/** Codes are at most 20 characters (the card limit). */
export const MAX_CODE_LENGTH = 20

/** The codes users hold: one record per (card, code), and how many each user took of each card. */
export class CodeStore {
  private readonly byKey = new Map<string, CodeRecord>()
  private readonly byCode = new Map<string, CodeRecord[]>()
  private readonly taken = new Map<string, number>()

  constructor(private readonly cards: CardStore) {}

  has(cardId: string, code: string): boolean {
    return this.byKey.has(key(cardId, code))
  }

  /** How many of this card the user has received (get_limit counts them all, deleted or not). */
  takenBy(cardId: string, openid: string): number {
    return this.taken.get(key(cardId, openid)) ?? 0
  }

  add(record: CodeRecord): void {
    this.byKey.set(key(record.cardId, record.code), record)
    this.byCode.set(record.code, [...(this.byCode.get(record.code) ?? []), record])
    this.taken.set(key(record.cardId, record.openid), this.takenBy(record.cardId, record.openid) + 1)
  }

  /** A code no user holds yet, for cards whose codes WeChat assigns (use_custom_code false). */
  newCode(cardId: string): string {
    for (;;) {
      const code = String(randomInt(1e11, 1e12))
      if (!this.has(cardId, code)) return code
    }
  }

  /**
   * The code a /card/code/* call names. card_id is required for custom-code cards (their codes
   * are only unique per card) and whenever the code alone is ambiguous: 41012 then; 40056 for a
   * code never added.
   */
  find(appid: string, cardId: unknown, code: unknown, now: number): { card: CardRecord; record: CodeRecord } {
    if (typeof code !== 'string' || code === '') throw WxError.hint(41011, 'code')
    if (code.length > MAX_CODE_LENGTH) throw WxError.hint(40056, `code is ${code.length} characters; codes are at most ${MAX_CODE_LENGTH}`)
    if (cardId !== undefined && cardId !== null && cardId !== '') {
      const card = this.cards.get(appid, cardId, now)
      const record = this.byKey.get(key(card.cardId, code))
      if (!record) throw WxError.hint(40056, `code ${code} was never added to card ${card.cardId}`)
      return { card, record }
    }
    const candidates = (this.byCode.get(code) ?? []).filter((r) => r.appid === appid)
    if (candidates.length === 0) throw WxError.hint(40056, `code ${code} was never added`)
    const first = candidates[0]
    const card = this.cards.get(appid, first.cardId, now)
    if (candidates.length > 1 || card.useCustomCode) throw WxError.hint(41012, 'card_id is required for use_custom_code cards')
    return { card, record: first }
  }

  /** The status a user sees now: NORMAL turns EXPIRE once the card's end date passed. */
  statusOf(record: CodeRecord, card: CardRecord, now: number): UserCardStatus {
    const end = cardEndMs(card)
    if (record.status === 'NORMAL' && end !== null && now > end) return 'EXPIRE'
    return record.status
  }

  /**
   * Refuses anything but a NORMAL code the way the card APIs do: 40099 once consumed, 40127 for a
   * code deleted, given away, expired or made unavailable.
   */
  requireNormal(record: CodeRecord, card: CardRecord, now: number): void {
    const status = this.statusOf(record, card, now)
    if (status === 'NORMAL') return
    if (status === 'CONSUMED') throw new WxError(40099)
    throw WxError.hint(40127, `code ${record.code} is ${status}`)
  }

  list(filter: { cardId?: string; openid?: string }): CodeRecord[] {
    return [...this.byKey.values()].filter((r) => (filter.cardId === undefined || r.cardId === filter.cardId) && (filter.openid === undefined || r.openid === filter.openid))
  }

  get(cardId: string, code: string): CodeRecord | null {
    return this.byKey.get(key(cardId, code)) ?? null
  }

  /** Every code ever added (the per-user counts of get_limit follow from them). */
  dump(): CodeRecord[] {
    return [...this.byKey.values()].map((record) => structuredClone(record))
  }

  restore(records: CodeRecord[]): void {
    this.reset()
    for (const record of records) this.add(structuredClone(record))
  }

  reset(): void {
    this.byKey.clear()
    this.byCode.clear()
    this.taken.clear()
  }
}

function key(a: string, b: string): string {
  return `${a}\u0000${b}`
}
