import { errMsgOf } from './errMsg'

/** WeChat's errcode for a cardExt it does not accept (a bad signature, a stale api_ticket). */
export const CARD_EXT_REFUSED = 40080

/**
 * Whether `wx.addCard` failed on the cardExt itself. WeChat documents no fail message for it: the
 * errCode when the host gives one, else the errMsg naming 40080, WeChat's "invalid card ext" or the
 * phone's "签名错误" (the simulator's wallet answers `addCard:fail cardList[0]: invalid card ext ...`).
 */
export function isCardExtRefusal(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && (err as { errCode?: unknown }).errCode === CARD_EXT_REFUSED) return true
  return /\b40080\b|invalid card ext|签名错误/i.test(errMsgOf(err))
}
