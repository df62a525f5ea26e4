import type { ErrorCode } from '../api/errors'
import type { FieldErrors } from '../api/validation'

/** A refusal the caller can act on: becomes `{ok:false, error:{code, message}}`, never a crash. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly retryable?: boolean,
    /** For a retryable refusal: how long the caller should wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

/** wx-server-sdk errors carry a numeric errCode and an errMsg with the server's text. */
export interface SdkError {
  errCode: number
  errMsg: string
}

export function isSdkError(err: unknown): err is SdkError {
  return typeof err === 'object' && err !== null && typeof (err as SdkError).errCode === 'number'
}

/** CloudBase answers a unique-index or `_id` collision with E11000 (errCode -502001 covers more). */
export function isDuplicateKey(err: unknown): boolean {
  return isSdkError(err) && String(err.errMsg).includes('E11000')
}

/** A write that hit a document locked by another transaction (errCode -501001, TransactionConflict). */
export function isTransactionConflict(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false
  const { errMsg, message, code } = err as { errMsg?: unknown; message?: unknown; code?: unknown }
  return (
    code === 'DATABASE_TRANSACTION_CONFLICT' ||
    String(errMsg ?? '').includes('TransactionConflict') ||
    String(message ?? '').includes('TransactionConflict')
  )
}

/** How long a caller refused by the database's per-second quota is asked to wait: a second's window and some. */
export const QUOTA_RETRY_AFTER_MS = 1500

/**
 * The environment's quota refused a database request: over its requests per second (-501003,
 * CloudBase's EXCEED_REQUEST_LIMIT / EXCEED_RATELIMIT) or its requests in flight (-501004,
 * EXCEED_CONCURRENT_REQUEST_LIMIT). Nothing was done; the same request may pass a moment later.
 */
export function isQuotaRefusal(err: unknown): boolean {
  if (!isSdkError(err)) return false
  return err.errCode === -501003 || err.errCode === -501004 || /EXCEED_(?:RATELIMIT|REQUEST_LIMIT|CONCURRENT_REQUEST_LIMIT)/.test(String(err.errMsg))
}

/**
 * The environment's daily database reads (-501015) or writes (-501016) are spent: that kind of
 * request is refused until midnight, China time. wx-server-sdk 4.0.2 has no code for these (they
 * arrive as -501001), so the number is looked for in the message; what CloudBase sends is unverified.
 */
export function dailyQuotaStop(err: unknown): 'reads' | 'writes' | null {
  if (!isSdkError(err)) return null
  const text = `${err.errCode} ${String(err.errMsg)}`
  if (/-501015\b/.test(text)) return 'reads'
  if (/-501016\b/.test(text)) return 'writes'
  return null
}
