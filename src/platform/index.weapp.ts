import Taro from '@tarojs/taro'
import type { PlatformCapabilities } from './types'

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
