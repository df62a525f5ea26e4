import type { CardPackHost, PlatformCapabilities, WechatPrivacyHost } from './types'

export type { AddCardOutcome, CardPackHost, PlatformCapabilities, PrivacyAnswer, WechatPrivacyHost } from './types'

/** Neutral default (Alipay, ByteDance and any other target): no card pack, no cloud call. */
export const cardPack: CardPackHost | null = null

export const capabilities: PlatformCapabilities = {
  cardPack: false,
  scanCode: true,
  subscribeMessage: false,
}

/**
 * WeChat's privacy authorization is WeChat's (ByteDance has a look-alike the app does not use):
 * here the app's own consent on the form, which the backend records, is the whole story.
 */
export const wechatPrivacy: WechatPrivacyHost | null = null

export function initPlatform(): void {}
