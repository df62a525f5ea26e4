import type { PlatformCapabilities } from './types'

export type { PlatformCapabilities }

/** Neutral default (Alipay, ByteDance and any other target): no card pack, no cloud call. */
export const capabilities: PlatformCapabilities = {
  cardPack: false,
  scanCode: true,
  subscribeMessage: false,
}

export function initPlatform(): void {}
