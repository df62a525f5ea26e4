import type { ApiResult } from '../../cloud/src/api/envelope'
import { isErrorCode } from '../../cloud/src/api/errors'

/** The request every backend function receives. */
export interface FunctionRequest {
  action: string
  payload: unknown
}

/** Interprets an answer: the function's envelope (the gateway answers its own errors the same way). */
export function toResult<T>(fn: string, status: number, body: unknown): ApiResult<T> {
  if (isEnvelope(body)) return body as ApiResult<T>
  return {
    ok: false,
    error: {
      code: status >= 500 || status === 0 ? 'NETWORK_ERROR' : 'INTERNAL',
      message: `unexpected answer from ${fn}: HTTP ${status}`,
      retryable: status >= 500 || status === 0,
    },
  }
}

function isEnvelope(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false
  const candidate = body as { ok?: unknown; data?: unknown; error?: { code?: unknown } }
  if (candidate.ok === true) return 'data' in candidate
  return candidate.ok === false && isErrorCode(candidate.error?.code)
}
