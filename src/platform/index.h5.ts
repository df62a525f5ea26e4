import type { PlatformCapabilities } from './types'

export type { PlatformCapabilities }

/** Browsers have neither the card pack nor a native scanner; the in-app QR ticket always works. */
export const capabilities: PlatformCapabilities = {
  cardPack: false,
  scanCode: false,
  subscribeMessage: false,
}

export function initPlatform(): void {}
