/**
 * Quotas and windows. Defaults are WeChat's documented values; a test may lower a quota to reach
 * it quickly, but the defaults are what production will enforce.
 */
export interface SimulatorLimits {
  /** GET /cgi-bin/token calls a day per AppID (then 45009). */
  classicTokenDaily: number
  /** POST /cgi-bin/stable_token calls a minute per AppID (then 45011). */
  stableTokenPerMinute: number
  /** POST /cgi-bin/stable_token calls a day per AppID (then 45009). */
  stableTokenDaily: number
  /** force_refresh calls a day per AppID (then 45009). */
  forceRefreshDaily: number
  /** A force_refresh sooner than this after the last one does not refresh. */
  forceRefreshIntervalMs: number
  /** getticket calls a day per AppID and type (then 45009). WeChat's figure is undocumented ("small"). */
  ticketDaily: number
  /** How old a cardExt timestamp may be when the wallet sees it. */
  cardExtMaxAgeSeconds: number
  /** How far ahead of the simulator's clock a cardExt timestamp may be (clock skew allowance). */
  cardExtMaxFutureSeconds: number
}

export const DEFAULT_LIMITS: SimulatorLimits = {
  classicTokenDaily: 2000,
  stableTokenPerMinute: 10_000,
  stableTokenDaily: 500_000,
  forceRefreshDaily: 20,
  forceRefreshIntervalMs: 30_000,
  ticketDaily: 2000,
  cardExtMaxAgeSeconds: 300,
  cardExtMaxFutureSeconds: 0,
}

/** Access tokens and api_tickets live 7200 s. */
export const TOKEN_LIFETIME_MS = 7200 * 1000
/** Old and new access_token are both valid for 5 minutes around a refresh. */
export const OVERLAP_MS = 5 * 60 * 1000

/** Counts calls per key within a window (a quota day, a minute); old windows are dropped. */
export class WindowCounter {
  private window = Number.NaN
  private counts = new Map<string, number>()

  /** Counts one call and answers how many this key has made in the current window, this one included. */
  hit(key: string, window: number): number {
    if (window !== this.window) {
      this.window = window
      this.counts = new Map()
    }
    const count = (this.counts.get(key) ?? 0) + 1
    this.counts.set(key, count)
    return count
  }

  reset(): void {
    this.counts = new Map()
  }
}
