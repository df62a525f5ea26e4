import Taro from '@tarojs/taro'
import type { PlatformCapabilities, RandomHex } from './types'
import { toHex, weakRandomHex } from './hex'

export type { PlatformCapabilities }

export const capabilities: PlatformCapabilities = {
  cardPack: Taro.canIUse('addCard'),
  scanCode: true,
  subscribeMessage: Taro.canIUse('requestSubscribeMessage'),
}

/** Cloud call needs `wx.cloud.init` once, before the first callFunction. */
export function initPlatform(): void {
  Taro.cloud.init({ traceUser: true })
}

interface RandomValuesResult {
  randomValues: ArrayBuffer
}

/**
 * WeChat's logic layer has no Web Crypto; `wx.getRandomValues` (base library 2.15.0) is its CSPRNG.
 * Older clients fall back to Math.random, which is enough for the retry keys this serves.
 */
export const randomHex: RandomHex = (bytes) =>
  new Promise((resolve) => {
    const host = Taro as unknown as { getRandomValues: (options: { length: number; success: (res: RandomValuesResult) => void; fail: (err: unknown) => void }) => void }
    if (typeof host.getRandomValues !== 'function') {
      resolve(weakRandomHex(bytes))
      return
    }
    host.getRandomValues({
      length: bytes,
      success: (res) => resolve(toHex(new Uint8Array(res.randomValues))),
      fail: () => resolve(weakRandomHex(bytes)),
    })
  })
