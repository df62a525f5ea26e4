import type { ApiError } from './errors'

/** What every backend action answers: a discriminated result, never a thrown error. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError }

export function ok<T>(data: T): ApiResult<T> {
  return { ok: true, data }
}

export function fail(error: ApiError): ApiResult<never> {
  return { ok: false, error }
}
