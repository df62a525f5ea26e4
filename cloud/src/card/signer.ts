/**
 * The cardExt of `wx.addCard`, signed exactly as WeChat checks it (card protocol, section 4):
 * the values of api_ticket, timestamp, card_id, nonce_str and code, sorted in plain code-unit
 * order, joined with nothing, SHA-1, lowercase hex. Server side only: it needs the api_ticket.
 */
import { createHash, randomBytes } from 'node:crypto'

/** SHA-1 over the values sorted by code unit (JavaScript's default sort); empty values add nothing. */
export function cardExtSignature(values: readonly string[]): string {
  const sorted = values.filter((value) => value !== '').sort()
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex')
}

export interface CardExtInput {
  /** The `wx_card` api_ticket (never the jsapi ticket). */
  apiTicket: string
  cardId: string
  /** The ticket code: the card is a custom-code card, one card per code. */
  code: string
  /** Our ticket id, echoed back by WeChat (`user_get_card`, `/card/code/get`); not signed. */
  outerStr: string
  now: Date
  /** Fresh per cardExt; drawn from the CSPRNG when not given (tests pass their own). */
  nonce?: string
}

export interface SignedCardExt {
  /** The JSON string `wx.addCard` takes as `cardList[i].cardExt`. */
  cardExt: string
  timestamp: string
  nonce: string
  signature: string
}

/** A nonce of 32 hex digits: letters and digits only, at most 32, as WeChat requires. */
export function freshNonce(): string {
  return randomBytes(16).toString('hex')
}

/** Builds and signs a cardExt: exactly the signed fields are sent, plus the unsigned outer_str. */
export function signCardExt(input: CardExtInput): SignedCardExt {
  const timestamp = String(Math.floor(input.now.getTime() / 1000))
  const nonce = input.nonce ?? freshNonce()
  const signature = cardExtSignature([input.apiTicket, timestamp, input.cardId, nonce, input.code])
  const cardExt = JSON.stringify({ code: input.code, timestamp, nonce_str: nonce, signature, outer_str: input.outerStr })
  return { cardExt, timestamp, nonce, signature }
}
