import { randomBytes } from 'node:crypto'

/**
 * WeChat's own errmsg texts (global and card return-code tables) for every errcode the simulator
 * answers. Clients match on errcode, but people read errmsg in logs, so it reads like WeChat's.
 */
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  0: 'ok',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40005: 'invalid file type',
  40009: 'invalid image size',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40037: 'invalid template_id',
  40056: 'invalid serial code',
  40066: 'invalid url',
  40071: 'invalid card type',
  40072: 'invalid code type',
  40073: 'invalid card id',
  40075: 'invalid encrypt code',
  40078: 'invalid card status',
  40079: 'invalid time',
  40080: 'invalid card ext',
  40097: 'invalid args',
  40099: 'invalid code, this code has consumed.',
  40100: 'invalid time range',
  40116: 'invalid code',
  40122: 'invalid quantity',
  40125: 'invalid appsecret',
  40127: 'invalid user-card status! Hint: the card was given to user, but may be deleted or set unavailable',
  40164: 'invalid ip, not in whitelist',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  41011: 'missing required fields',
  41012: 'missing card_id',
  42001: 'access_token expired',
  43001: 'require GET method',
  43002: 'require POST method',
  43101: 'user refuse to accept the msg',
  44002: 'empty post data',
  45002: 'content size out of limit',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  45021: 'fields length limit exceeded',
  45031: 'stock is empty',
  45033: 'user get card num limit',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
}

/** WeChat's standard text for an errcode ("error <n>" for codes it has none for here). */
export function standardErrmsg(errcode: number): string {
  return ERRMSG[errcode] ?? `error ${errcode}`
}

/** A refusal answered as `{errcode, errmsg}`; thrown by handlers, turned into the reply by the server. */
export class WxError extends Error {
  constructor(
    readonly errcode: number,
    message: string = standardErrmsg(errcode),
  ) {
    super(message)
    this.name = 'WxError'
  }

  /** WeChat's text plus a hint naming the field or value at fault, in WeChat's "hint: [...]" style. */
  static hint(errcode: number, hint: string): WxError {
    return new WxError(errcode, `${standardErrmsg(errcode)} hint: [${hint}]`)
  }
}

const ridPrefix = randomBytes(4).toString('hex')
let ridCounter = 0

/**
 * A request id in WeChat's shape (`rid: 6523a1b2-1a2b3c4d-00000001`): WeChat ends every error
 * message with one, and support asks for it, so log lines should carry it.
 */
export function newRid(nowMs: number): string {
  ridCounter = (ridCounter + 1) >>> 0
  return `${Math.floor(nowMs / 1000).toString(16)}-${ridPrefix}-${ridCounter.toString(16).padStart(8, '0')}`
}

/** The JSON body of an error reply. */
export function errorBody(err: WxError, nowMs: number): { errcode: number; errmsg: string } {
  return { errcode: err.errcode, errmsg: `${err.message} rid: ${newRid(nowMs)}` }
}
