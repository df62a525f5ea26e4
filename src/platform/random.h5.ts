import type { RandomHex } from './types'
import { toHex } from './hex'

/** Browsers have Web Crypto. */
export const randomHex: RandomHex = async (bytes) => toHex(crypto.getRandomValues(new Uint8Array(bytes)))
