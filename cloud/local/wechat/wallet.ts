import { parseCardExt, verifyCardExt, type CardExt, type NonceRegistry } from './cardExt'
import type { CardRecord, CardStore } from './cards'
import type { CodeCipher } from './codeCipher'
import type { CodeStore } from './codes'
import { WxError } from './errors'
import type { EventLog } from './events'
import { isObject, optionalString, type JsonObject } from './fields'
import type { SimulatorLimits } from './limits'
import type { ApiTickets } from './tickets'

export interface WalletDeps {
  cards: CardStore
  codes: CodeStore
  tickets: ApiTickets
  cipher: CodeCipher
  events: EventLog
  nonces: NonceRegistry
  limits: () => SimulatorLimits
}

/** What a whole wallet call answers when it fails, like `wx.addCard`'s fail callback. */
export class WalletFailure extends WxError {
  constructor(
    readonly api: 'addCard' | 'openCard' | 'deleteCard',
    cause: WxError,
    readonly index: number | null,
  ) {
    super(cause.errcode, index === null ? cause.message : `cardList[${index}]: ${cause.message}`)
  }
}

const OPENID = /^[A-Za-z0-9_-]{1,128}$/
const MAX_CARDS_PER_CALL = 10

/**
 * What the WeChat client does on wx.addCard / wx.openCard, for the H5 build in development and
 * for tests: the only place cardExt signatures are checked, as on a phone.
 */
export class Wallet {
  constructor(private readonly deps: WalletDeps) {}

  /**
   * Checks every item's cardExt first (a bad one fails the whole call, as the phone shows no add
   * page), then adds each card, refusing an item (isSuccess false) for review state, a duplicate
   * code, get_limit or stock.
   */
  addCard(body: JsonObject, now: number): JsonObject {
    const { openid, username } = readUser(body, 'addCard')
    const list = readCardList(body, 'addCard')
    const verified: Array<{ card: CardRecord; ext: CardExt; raw: string }> = []
    const seen = new Set<string>()
    list.forEach((item, index) => {
      try {
        if (typeof item.cardId !== 'string' || item.cardId === '') throw WxError.hint(41012, 'cardId')
        const card = this.deps.cards.find(item.cardId, now)
        if (!card) throw WxError.hint(40073, `card_id ${item.cardId}`)
        const ext = parseCardExt(item.cardExt)
        verifyCardExt(ext, { card, openid, tickets: this.deps.tickets, nonces: this.deps.nonces, limits: this.deps.limits(), now })
        if (seen.has(`${card.cardId}|${ext.nonce_str}`)) throw WxError.hint(40080, `nonce_str ${ext.nonce_str} appears twice in this call`)
        seen.add(`${card.cardId}|${ext.nonce_str}`)
        verified.push({ card, ext, raw: item.cardExt as string })
      } catch (err) {
        throw err instanceof WxError ? new WalletFailure('addCard', err, index) : err
      }
    })
    for (const { card, ext } of verified) this.deps.nonces.add(card.cardId, ext.nonce_str)
    const cardList = verified.map(({ card, ext, raw }) => {
      try {
        const code = this.take(card, ext, openid, username, now)
        return { cardId: card.cardId, cardExt: raw, code: this.deps.cipher.encrypt(card.appid, card.cardId, code), isSuccess: true }
      } catch (err) {
        if (!(err instanceof WxError)) throw err
        return { cardId: card.cardId, cardExt: raw, code: '', isSuccess: false, errcode: err.errcode, errmsg: err.message }
      }
    })
    return { errcode: 0, errmsg: 'ok', errMsg: 'addCard:ok', cardList }
  }

  /** wx.openCard: needs the decrypted code of a card the user holds. */
  openCard(body: JsonObject, now: number): JsonObject {
    const openid = optionalString(body, 'openid')
    const list = readCardList(body, 'openCard')
    const cardList = list.map((item, index) => {
      try {
        const { card, record } = this.holding(item, openid, now)
        const status = this.deps.codes.statusOf(record, card, now)
        return { cardId: card.cardId, code: record.code, openid: record.openid, user_card_status: status, can_consume: status === 'NORMAL', outer_str: record.outerStr, seat: record.seat }
      } catch (err) {
        throw err instanceof WxError ? new WalletFailure('openCard', err, index) : err
      }
    })
    return { errcode: 0, errmsg: 'ok', errMsg: 'openCard:ok', cardList }
  }

  /** The user deletes the card from the card pack (WeChat then pushes user_del_card). */
  deleteCard(body: JsonObject, now: number): JsonObject {
    const { openid } = readUser(body, 'deleteCard')
    try {
      const { card, record } = this.holding(body, openid, now)
      if (record.status === 'DELETE') throw WxError.hint(40127, 'the card is already deleted')
      record.status = 'DELETE'
      this.deps.events.record(card.appid, openid, now, 'user_del_card', card.cardId, { UserCardCode: record.code })
    } catch (err) {
      throw err instanceof WxError ? new WalletFailure('deleteCard', err, null) : err
    }
    return { errcode: 0, errmsg: 'ok', errMsg: 'deleteCard:ok' }
  }

  /** Gives one card to the user; answers the (plain) code. */
  private take(card: CardRecord, ext: CardExt, openid: string, username: string | undefined, now: number): string {
    const { cards, codes, events } = this.deps
    cards.checkReceivable(card, openid, username)
    const code = ext.code ?? codes.newCode(card.cardId)
    if (codes.has(card.cardId, code)) throw WxError.hint(40056, `code ${code} is already in a user's card pack for card ${card.cardId} (one card per code)`)
    if (codes.takenBy(card.cardId, openid) >= card.getLimit) throw WxError.hint(45033, `this user already received ${card.getLimit} of card ${card.cardId} (get_limit)`)
    cards.takeStock(card)
    codes.add({
      appid: card.appid,
      cardId: card.cardId,
      code,
      openid,
      outerStr: ext.outer_str ?? null,
      status: 'NORMAL',
      addedAt: now,
      consumedAt: null,
      unavailableAt: null,
      unavailableReason: null,
      seat: null,
    })
    events.record(card.appid, openid, now, 'user_get_card', card.cardId, { UserCardCode: code, OuterStr: ext.outer_str ?? '', IsGiveByFriend: 0 })
    return code
  }

  private holding(item: JsonObject, openid: string | undefined, now: number) {
    if (typeof item.cardId !== 'string' || item.cardId === '') throw WxError.hint(41012, 'cardId')
    if (typeof item.code !== 'string' || item.code === '') throw WxError.hint(41011, 'code')
    const card = this.deps.cards.find(item.cardId, now)
    if (!card) throw WxError.hint(40073, `card_id ${item.cardId}`)
    const record = this.deps.codes.get(card.cardId, item.code)
    if (!record) {
      const encrypted = /[+/=]/.test(item.code) || item.code.length > 20
      throw WxError.hint(40056, encrypted ? 'this looks like the encrypted code from wx.addCard: decrypt it with /card/code/decrypt first' : `code ${item.code} is not in a card pack for card ${card.cardId}`)
    }
    if (openid !== undefined && record.openid !== openid) throw WxError.hint(40003, `code ${item.code} is in another user's card pack`)
    return { card, record }
  }
}

function readUser(body: JsonObject, api: WalletFailure['api']): { openid: string; username: string | undefined } {
  try {
    if (typeof body.openid !== 'string' || !OPENID.test(body.openid)) throw WxError.hint(40003, 'openid must be the user\'s Official Account openid (or a dev identity): 1 … 128 letters, digits, "_" or "-"')
    return { openid: body.openid, username: optionalString(body, 'username') }
  } catch (err) {
    throw err instanceof WxError ? new WalletFailure(api, err, null) : err
  }
}

function readCardList(body: JsonObject, api: WalletFailure['api']): JsonObject[] {
  const list = body.cardList
  const fail = (hint: string) => new WalletFailure(api, WxError.hint(41011, hint), null)
  if (!Array.isArray(list) || list.length === 0) throw fail('cardList must be a non-empty array')
  if (list.length > MAX_CARDS_PER_CALL) throw fail(`cardList holds at most ${MAX_CARDS_PER_CALL} cards`)
  if (!list.every(isObject)) throw fail('each cardList item must be an object {cardId, cardExt}')
  return list
}
