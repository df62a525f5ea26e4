import Taro from '@tarojs/taro'
import type { RandomHex } from './types'
import { toHex, weakRandomHex } from './hex'

interface RandomValuesResult {
  randomValues: ArrayBuffer
}

/**
 * WeChat's logic layer has no Web Crypto; `wx.getRandomValues` (base library 2.15.0) is its CSPRNG.
 * Older clients fall back to Math.random, which is enough for the retry keys this serves.
 */
export const randomHex: RandomHex = (bytes) =>
  new Promise((resolve) => {
    const host = Taro as unknown as { getRandomValues?: (options: { length: number; success: (res: RandomValuesResult) => void; fail: (err: unknown) => void }) => void }
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
