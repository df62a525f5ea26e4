import Taro from '@tarojs/taro'
import type { AddCardOutcome, CardPackHost, PlatformCapabilities, PrivacyAnswer, WechatPrivacyHost } from './types'

export type { AddCardOutcome, CardPackHost, PlatformCapabilities, PrivacyAnswer, WechatPrivacyHost } from './types'

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

/**
 * The privacy APIs as WeChat documents them (base library 2.32.3): callbacks only, none of them
 * answers a Promise, so they are called with success/fail here.
 */
interface WxPrivacyApi {
  getPrivacySetting(options: { success: (res: { needAuthorization: boolean; privacyContractName?: string }) => void; fail: (err: unknown) => void }): void
  requirePrivacyAuthorize(options: { success: () => void; fail: (err: unknown) => void }): void
  onNeedPrivacyAuthorization(listener: (resolve: (outcome: PrivacyAnswer) => void, eventInfo?: { referrer?: string }) => void): void
  openPrivacyContract(options: { success: () => void; fail: (err: unknown) => void }): void
}

function wechatPrivacyHost(wx: WxPrivacyApi): WechatPrivacyHost {
  return {
    setting: () =>
      new Promise((resolve) => {
        wx.getPrivacySetting({
          success: (res) => resolve({ needAuthorization: res.needAuthorization === true, contractName: res.privacyContractName ?? '' }),
          // WeChat still gates its own privacy APIs; nothing here for the app to hold back.
          fail: () => resolve({ needAuthorization: false, contractName: '' }),
        })
      }),
    require: () =>
      new Promise((resolve) => {
        wx.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) })
      }),
    onNeed: (listener) => wx.onNeedPrivacyAuthorization((resolve) => listener(resolve)),
    openContract: () =>
      new Promise((resolve) => {
        wx.openPrivacyContract({ success: () => resolve(true), fail: () => resolve(false) })
      }),
  }
}

/** Clients older than base library 2.32.3 have no privacy APIs and do not gate anything. */
export const wechatPrivacy: WechatPrivacyHost | null = Taro.canIUse('getPrivacySetting')
  ? wechatPrivacyHost(Taro as unknown as WxPrivacyApi)
  : null

export const capabilities: PlatformCapabilities = {
  cardPack: cardPack !== null,
  scanCode: true,
  subscribeMessage: Taro.canIUse('requestSubscribeMessage'),
}

/** Cloud call needs `wx.cloud.init` once, before the first callFunction. */
export function initPlatform(): void {
  Taro.cloud.init({ traceUser: true })
}
