/**
 * What the emulator was asked, counted: how many requests per action and how many of them were
 * answered with each error. Benchmarks read it to count database calls per reservation and
 * transaction conflicts per ticket where they happen, not where a client thinks they happen.
 */
import type { CloudBaseError } from './errors'

export interface RequestStats {
  /** Requests per action (`database.getDocument`, `database.startTransaction`, `wx.openApi`...). */
  byAction: Record<string, number>
  /** Error answers per kind: the reply code, or `DUPLICATE_KEY` for an E11000 write error. */
  errors: Record<string, number>
}

/** The kind of an error answer: duplicate keys are told apart from other failed writes. */
export function errorKind(error: CloudBaseError): string {
  return error.message.includes('E11000') ? 'DUPLICATE_KEY' : error.code
}

export class RequestCounter {
  private stats: RequestStats = { byAction: {}, errors: {} }

  record(action: string, error: CloudBaseError | null): void {
    this.stats.byAction[action] = (this.stats.byAction[action] ?? 0) + 1
    if (error) {
      const kind = errorKind(error)
      this.stats.errors[kind] = (this.stats.errors[kind] ?? 0) + 1
    }
  }

  /** A copy of the counts so far. */
  snapshot(): RequestStats {
    return { byAction: { ...this.stats.byAction }, errors: { ...this.stats.errors } }
  }

  reset(): void {
    this.stats = { byAction: {}, errors: {} }
  }
}

/** Database requests in a snapshot (every `database.*` action; cloud calls and function calls are not). */
export function databaseCalls(stats: RequestStats): number {
  return Object.entries(stats.byAction)
    .filter(([action]) => action.startsWith('database.'))
    .reduce((sum, [, n]) => sum + n, 0)
}
