import { createHmac } from 'node:crypto'

/**
 * ID numbers are never stored: only a keyed HMAC, enough to refuse a second reservation with the
 * same document for one event, useless to anyone who steals the database without the key.
 * The key lives only in the function's environment (TICKETCARD_ID_HMAC_KEY).
 */
export function hashIdNumber(key: string, idType: string, idNumber: string): string {
  return createHmac('sha256', key).update(`${idType}:${idNumber}`).digest('hex')
}
