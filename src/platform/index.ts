import type { CardPackHost, PlatformCapabilities } from './types'

export type { AddCardOutcome, CardPackHost, PlatformCapabilities } from './types'

/** Neutral default (Alipay, ByteDance and any other target): no card pack, no cloud call. */
export const cardPack: CardPackHost | null = null

export const capabilities: PlatformCapabilities = {
  cardPack: false,
  scanCode: true,
  subscribeMessage: false,
}

export function initPlatform(): void {}
