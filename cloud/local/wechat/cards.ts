import { randomBytes } from 'node:crypto'
import { WxError } from './errors'
import type { JsonObject } from './fields'
import { typeKey, type CardType, type CardUpdate, type DateInfo, type NewCardSpec } from './cardRules'

export type CardStatus = 'CARD_STATUS_NOT_VERIFY' | 'CARD_STATUS_VERIFY_FAIL' | 'CARD_STATUS_VERIFY_OK' | 'CARD_STATUS_DELETE' | 'CARD_STATUS_DISPATCH'

export interface CardRecord {
  cardId: string
  appid: string
  cardType: CardType
  status: CardStatus
  baseInfo: JsonObject
  typeFields: JsonObject
  /** Stock left. */
  quantity: number
  /** Stock ever made available (creation plus increases, minus reductions). */
  totalQuantity: number
  useCustomCode: boolean
  bindOpenid: boolean
  getLimit: number
  dateInfo: DateInfo
  createdAt: number
  updatedAt: number
  /** When set, the card passes review by itself at this time (a stand-in reviewer for development). */
  autoApproveAt: number | null
  refuseReason: string | null
}

export interface PersistedCards {
  cards: CardRecord[]
  whitelist: Array<{ appid: string; openid: string[]; username: string[] }>
}

/** Review events, as WeChat pushes them to the Official Account's server. */
export type ReviewListener = (card: CardRecord, passed: boolean, now: number) => void

/**
 * The Official Account's cards, their review state and stock, and the test whitelist (the only
 * users who may receive a card before it passes review).
 */
export class CardStore {
  private readonly cards = new Map<string, CardRecord>()
  private readonly whitelist = new Map<string, { openids: Set<string>; usernames: Set<string> }>()

  constructor(
    private readonly onReview: ReviewListener,
    private readonly reviewDelayMs: number | null,
  ) {}

  create(appid: string, spec: NewCardSpec, now: number): CardRecord {
    const record: CardRecord = {
      cardId: newCardId(),
      appid,
      cardType: spec.cardType,
      status: 'CARD_STATUS_NOT_VERIFY',
      baseInfo: spec.baseInfo,
      typeFields: spec.typeFields,
      quantity: spec.quantity,
      totalQuantity: spec.quantity,
      useCustomCode: spec.useCustomCode,
      bindOpenid: spec.bindOpenid,
      getLimit: spec.getLimit,
      dateInfo: spec.dateInfo,
      createdAt: now,
      updatedAt: now,
      autoApproveAt: this.reviewDelayMs === null ? null : now + this.reviewDelayMs,
      refuseReason: null,
    }
    this.cards.set(record.cardId, record)
    return record
  }

  /** A card of this AppID (40073 otherwise: WeChat does not reveal other accounts' cards). */
  get(appid: string, cardId: unknown, now: number): CardRecord {
    if (typeof cardId !== 'string' || cardId === '') throw new WxError(41012)
    const card = this.cards.get(cardId)
    if (!card || card.appid !== appid) throw WxError.hint(40073, `card_id ${cardId}`)
    return this.settle(card, now)
  }

  /** A card by id alone: the phone finds the card from its id. */
  find(cardId: string, now: number): CardRecord | null {
    const card = this.cards.get(cardId)
    return card ? this.settle(card, now) : null
  }

  list(now: number): CardRecord[] {
    return [...this.cards.values()].map((card) => this.settle(card, now))
  }

  update(card: CardRecord, change: CardUpdate, now: number): void {
    Object.assign(card.baseInfo, change.baseInfo)
    Object.assign(card.typeFields, change.typeFields)
    if (change.getLimit !== undefined) card.getLimit = change.getLimit
    if (change.dateInfo !== undefined) card.dateInfo = change.dateInfo
    if (change.sendCheck && card.status !== 'CARD_STATUS_DELETE') {
      card.status = 'CARD_STATUS_NOT_VERIFY'
      card.autoApproveAt = this.reviewDelayMs === null ? null : now + this.reviewDelayMs
    }
    card.updatedAt = now
  }

  modifyStock(card: CardRecord, increase: number, reduce: number, now: number): void {
    if (increase < 0 || reduce < 0) throw WxError.hint(40122, 'increase_stock_value and reduce_stock_value must not be negative')
    if (card.quantity + increase - reduce < 0) throw WxError.hint(40122, `stock is ${card.quantity}: cannot reduce it by ${reduce - increase}`)
    card.quantity += increase - reduce
    card.totalQuantity += increase - reduce
    card.updatedAt = now
  }

  /** Takes one unit of stock; 45031 when none is left. */
  takeStock(card: CardRecord): void {
    if (card.quantity <= 0) throw new WxError(45031)
    card.quantity -= 1
  }

  review(card: CardRecord, passed: boolean, now: number, reason?: string): void {
    if (card.status === 'CARD_STATUS_DELETE') throw new Error(`card ${card.cardId} is deleted`)
    card.status = passed ? 'CARD_STATUS_VERIFY_OK' : 'CARD_STATUS_VERIFY_FAIL'
    card.refuseReason = passed ? null : (reason ?? 'rejected by the simulator control')
    card.autoApproveAt = null
    card.updatedAt = now
    this.onReview(card, passed, now)
  }

  /** /card/testwhitelist/set: replaces the account's test whitelist. */
  setWhitelist(appid: string, openids: string[], usernames: string[]): void {
    this.whitelist.set(appid, { openids: new Set(openids), usernames: new Set(usernames) })
  }

  whitelistOf(appid: string): { openid: string[]; username: string[] } {
    const list = this.whitelist.get(appid)
    return { openid: [...(list?.openids ?? [])], username: [...(list?.usernames ?? [])] }
  }

  /**
   * Whether a user may receive the card now: anyone once it passed review; before that (or after
   * a refusal) only test-whitelist users; nobody once deleted. Throws 40078 with the reason.
   */
  checkReceivable(card: CardRecord, openid: string, username: string | undefined): void {
    if (card.status === 'CARD_STATUS_VERIFY_OK' || card.status === 'CARD_STATUS_DISPATCH') return
    if (card.status === 'CARD_STATUS_DELETE') throw WxError.hint(40078, `card ${card.cardId} is deleted`)
    const list = this.whitelist.get(card.appid)
    if (list && (list.openids.has(openid) || (username !== undefined && list.usernames.has(username)))) return
    throw WxError.hint(40078, `card ${card.cardId} is ${card.status}: until it passes review only test-whitelist users (/card/testwhitelist/set) can receive it`)
  }

  /** The card as /card/get answers it. */
  toWire(card: CardRecord): JsonObject {
    return {
      card_type: card.cardType,
      [typeKey(card.cardType)]: {
        base_info: {
          id: card.cardId,
          ...card.baseInfo,
          sku: { quantity: card.quantity, total_quantity: card.totalQuantity },
          date_info: card.dateInfo,
          use_custom_code: card.useCustomCode,
          bind_openid: card.bindOpenid,
          get_limit: card.getLimit,
          status: card.status,
          create_time: Math.floor(card.createdAt / 1000),
          update_time: Math.floor(card.updatedAt / 1000),
        },
        ...card.typeFields,
      },
    }
  }

  /** The cards and the test whitelists, for the state file. */
  dump(): PersistedCards {
    return {
      cards: [...this.cards.values()].map((card) => structuredClone(card)),
      whitelist: [...this.whitelist].map(([appid, list]) => ({ appid, openid: [...list.openids], username: [...list.usernames] })),
    }
  }

  restore(data: PersistedCards): void {
    this.reset()
    for (const card of data.cards) this.cards.set(card.cardId, structuredClone(card))
    for (const list of data.whitelist) this.setWhitelist(list.appid, list.openid, list.username)
  }

  reset(): void {
    this.cards.clear()
    this.whitelist.clear()
  }

  /** Applies a due automatic approval (lazily: the simulator's clock may jump). */
  private settle(card: CardRecord, now: number): CardRecord {
    if (card.status === 'CARD_STATUS_NOT_VERIFY' && card.autoApproveAt !== null && card.autoApproveAt <= now) this.review(card, true, card.autoApproveAt)
    return card
  }
}

/** Card ids look like WeChat's: "p" + 27 URL-safe characters (pjZ8Yt1XGILfi-FUsewpnnolGgZk). */
function newCardId(): string {
  return `p${randomBytes(21).toString('base64url').slice(0, 27)}`
}

/** The card's validity window in ms, for expiring codes (null: relative terms never expire here). */
export function cardEndMs(card: CardRecord): number | null {
  return card.dateInfo.type === 'DATE_TYPE_FIX_TIME_RANGE' && card.dateInfo.end_timestamp !== undefined ? card.dateInfo.end_timestamp * 1000 : null
}
