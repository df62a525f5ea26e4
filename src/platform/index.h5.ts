import Taro from '@tarojs/taro'
import { developmentOpenid } from '../services/devIdentity'
import type { AddCardOutcome, CardPackHost, PlatformCapabilities, WechatPrivacyHost } from './types'

export type { AddCardOutcome, CardPackHost, PlatformCapabilities, PrivacyAnswer, WechatPrivacyHost } from './types'

interface WalletAnswer {
  errcode?: number
  errmsg?: string
  cardList?: { code: string; isSuccess: boolean; errmsg?: string }[]
}

async function walletCall(path: string, cardList: unknown[]): Promise<WalletAnswer> {
  const response = await Taro.request<WalletAnswer>({
    url: `/wallet/${path}`,
    method: 'POST',
    data: { openid: await developmentOpenid(), cardList },
    header: { 'content-type': 'application/json' },
  })
  return response.data
}

/**
 * A browser has no card pack. In development the local WeChat simulator's wallet (proxied at
 * `/wallet`) stands in for the phone, so the browser drives the real signing path; production
 * browsers show no card button.
 */
const simulatorWallet: CardPackHost = {
  async add(card): Promise<AddCardOutcome> {
    try {
      const answer = await walletCall('addCard', [card])
      const item = answer.cardList?.[0]
      if (answer.errcode || !item) return { outcome: 'failed', reason: answer.errmsg ?? 'addCard failed' }
      return item.isSuccess ? { outcome: 'added', encryptCode: item.code } : { outcome: 'failed', reason: item.errmsg ?? 'not added' }
    } catch (err) {
      return { outcome: 'failed', reason: String(err) }
    }
  },
  async open(card) {
    try {
      const answer = await walletCall('openCard', [card])
      return answer.errcode ? { ok: false, reason: answer.errmsg ?? 'openCard failed' } : { ok: true }
    } catch (err) {
      return { ok: false, reason: String(err) }
    }
  },
}

export const cardPack: CardPackHost | null = DEV_BACKEND ? simulatorWallet : null

/** Browsers have neither the card pack nor a native scanner; the in-app QR ticket always works. */
export const capabilities: PlatformCapabilities = {
  cardPack: cardPack !== null,
  scanCode: false,
  subscribeMessage: false,
}

/** A browser has no WeChat privacy authorization: the app's own consent on the form is the whole story. */
export const wechatPrivacy: WechatPrivacyHost | null = null

export function initPlatform(): void {}
