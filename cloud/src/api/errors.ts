/**
 * Stable error codes of the backend contract. The app maps each one to a Chinese message
 * (src/i18n/zh-CN.ts); logs carry the English `message` of the error.
 */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_ACTION',
  'UNKNOWN_FUNCTION',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'RESERVATION_NOT_OPEN',
  'RESERVATION_CLOSED',
  'SOLD_OUT',
  'LIMIT_REACHED',
  'DUPLICATE_ID_NUMBER',
  'ALREADY_CANCELLED',
  'SESSION_STARTED',
  'ALREADY_ENTERED',
  'ERASE_NOT_ALLOWED',
  'CARD_UNAVAILABLE',
  'WECHAT_BUSY',
  'BUSY',
  'WECHAT_CONFIG',
  'NETWORK_ERROR',
  'TIMEOUT',
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

/** Why one field was refused; the app shows a Chinese message per code. */
export const FIELD_ERRORS = [
  'REQUIRED',
  'INVALID_NAME',
  'INVALID_PHONE',
  'INVALID_ID_NUMBER',
  'INVALID_ID_TYPE',
  'ID_REQUIRED',
  'CONSENT_REQUIRED',
  'INVALID_ID',
  'UNEXPECTED_FIELD',
  'INVALID_VALUE',
  'NONCE_REUSED',
] as const
export type FieldError = (typeof FIELD_ERRORS)[number]

/** Field-level problems by dotted path, e.g. `{ 'attendee.phone': 'INVALID_PHONE' }`. */
export type FieldErrors = Record<string, FieldError>

/** The error part of every result envelope: a stable code and an English message for logs. */
export interface ApiError {
  code: ErrorCode
  message: string
  /** Field-level problems for INVALID_INPUT. */
  fields?: FieldErrors
  /** True when the same request may succeed if retried later (WeChat busy, network). */
  retryable?: boolean
  /** With BUSY: how long to wait before retrying the same request (the same request id). */
  retryAfterMs?: number
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
