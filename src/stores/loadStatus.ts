import type { ApiError } from '../../cloud/src/api/errors'

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error'

/**
 * How current what a page shows is: the state of the last load, its error, and when data last
 * arrived (an ISO moment, null before the first answer). With data and an error, the page shows
 * the data and says it may be out of date.
 */
export interface Freshness {
  status: LoadStatus
  error: ApiError | null
  updatedAt: string | null
}

export const NOT_LOADED: Freshness = { status: 'idle', error: null, updatedAt: null }
