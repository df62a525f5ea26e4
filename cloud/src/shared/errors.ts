import type { ErrorCode } from '../api/errors'
import type { FieldErrors } from '../api/validation'

/** A refusal the caller can act on: becomes `{ok:false, error:{code, message}}`, never a crash. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
    readonly retryable?: boolean,
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
