import type { RandomHex } from './types'
import { weakRandomHex } from './hex'

/** Alipay and ByteDance offer mini-programs no CSPRNG (no Web Crypto, no getRandomValues). */
export const randomHex: RandomHex = async (bytes) => weakRandomHex(bytes)
