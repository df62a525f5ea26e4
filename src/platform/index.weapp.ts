import Taro from '@tarojs/taro'
import type { AddCardOutcome, CardPackHost, PlatformCapabilities } from './types'

export type { AddCardOutcome, CardPackHost, PlatformCapabilities } from './types'

function errMsgOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'errMsg' in err ? String((err as { errMsg: unknown }).errMsg) : String(err)
}

/** The real card pack: `wx.addCard` / `wx.openCard` (a verified mini-program bound to the card's Official Account). */
const wechatCardPack: CardPackHost = {
  add: (card) =>
    new Promise<AddCardOutcome>((resolve) => {
      Taro.addCard({
        cardList: [card],
        success: (res) => {
          const item = res.cardList?.[0]
          resolve(item?.isSuccess ? { outcome: 'added', encryptCode: item.code } : { outcome: 'failed', reason: 'addCard: the card was not added' })
        },
        // "addCard:fail cancel" is the person closing the sheet, not a failure.
        fail: (err) => resolve(/:fail cancel/.test(errMsgOf(err)) ? { outcome: 'cancelled' } : { outcome: 'failed', reason: errMsgOf(err) }),
      })
    }),
  open: (card) =>
    new Promise((resolve) => {
      Taro.openCard({
        cardList: [card],
        success: () => resolve({ ok: true }),
        fail: (err) => resolve({ ok: false, reason: errMsgOf(err) }),
      })
    }),
}

export const cardPack: CardPackHost | null = Taro.canIUse('addCard') ? wechatCardPack : null

export const capabilities: PlatformCapabilities = {
  cardPack: cardPack !== null,
  scanCode: true,
  subscribeMessage: Taro.canIUse('requestSubscribeMessage'),
}

/** Cloud call needs `wx.cloud.init` once, before the first callFunction. */
export function initPlatform(): void {
  Taro.cloud.init({ traceUser: true })
}
