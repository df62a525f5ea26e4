import type { PlatformCapabilities, RandomHex } from './types'
import { weakRandomHex } from './hex'

export type { PlatformCapabilities }

/** Neutral default (Alipay, ByteDance and any other target): no card pack, no cloud call. */
export const capabilities: PlatformCapabilities = {
  cardPack: false,
  scanCode: true,
  subscribeMessage: false,
}

export function initPlatform(): void {}

/** Alipay and ByteDance offer mini-programs no CSPRNG (no Web Crypto, no getRandomValues). */
export const randomHex: RandomHex = async (bytes) => weakRandomHex(bytes)
