import type { PlatformCapabilities, RandomHex } from './types'
import { toHex } from './hex'

export type { PlatformCapabilities }

/** Browsers have neither the card pack nor a native scanner; the in-app QR ticket always works. */
export const capabilities: PlatformCapabilities = {
  cardPack: false,
  scanCode: false,
  subscribeMessage: false,
}

export function initPlatform(): void {}

/** Browsers have Web Crypto. */
export const randomHex: RandomHex = async (bytes) => toHex(crypto.getRandomValues(new Uint8Array(bytes)))
