import Taro from '@tarojs/taro'
import { randomHex } from '../platform/random'

const STORAGE_KEY = 'ticketcard.dev-openid'

/**
 * The development identity the local gateway accepts in `x-wx-openid` (weapp never sends it: there
 * WeChat supplies OPENID). One random id per browser profile, so each tester is its own attendee.
 */
export async function developmentOpenid(): Promise<string> {
  const stored = Taro.getStorageSync<string>(STORAGE_KEY)
  if (typeof stored === 'string' && stored.length > 0) return stored
  const id = `dev_${await randomHex(12)}`
  // Two first calls at once may both get here: keep whichever was stored first.
  const raced = Taro.getStorageSync<string>(STORAGE_KEY)
  if (typeof raced === 'string' && raced.length > 0) return raced
  Taro.setStorageSync(STORAGE_KEY, id)
  return id
}

/**
 * The organizer id `npm run dev` configures (`TICKETCARD_ORGANIZERS=dev_organizer`). Empty outside
 * development builds, so production bundles carry no trace of it.
 */
export const DEV_ORGANIZER_OPENID = DEV_BACKEND ? 'dev_organizer' : ''

/**
 * Development only: the browser becomes someone else (the organizer of `npm run dev`, or, with
 * null, a fresh attendee). Every later call carries the new id.
 */
export async function switchDevelopmentOpenid(openid: string | null): Promise<string> {
  if (!DEV_BACKEND) throw new Error('the development identity exists only in development builds')
  const next = openid ?? `dev_${await randomHex(12)}`
  Taro.setStorageSync(STORAGE_KEY, next)
  return next
}
