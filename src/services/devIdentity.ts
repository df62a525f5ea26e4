import Taro from '@tarojs/taro'

const STORAGE_KEY = 'ticketcard.dev-openid'

/**
 * The development identity the local gateway accepts in `x-wx-openid` (weapp never sends it: there
 * WeChat supplies OPENID). One random id per browser profile, so each tester is its own attendee.
 */
export function developmentOpenid(): string {
  const stored = Taro.getStorageSync<string>(STORAGE_KEY)
  if (typeof stored === 'string' && stored.length > 0) return stored
  const bytes = new Uint8Array(12)
  globalThis.crypto.getRandomValues(bytes)
  const id = `dev_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
  Taro.setStorageSync(STORAGE_KEY, id)
  return id
}
