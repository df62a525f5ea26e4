/**
 * The simulator's notion of time. Every expiry, quota window and cardExt freshness check reads
 * this clock, so a test can move it (advance two hours, cross midnight) instead of waiting.
 */
export class Clock {
  private offsetMs = 0

  constructor(private readonly base: () => number = Date.now) {}

  /** Milliseconds since the epoch, as the simulator sees it. */
  now(): number {
    return this.base() + this.offsetMs
  }

  /** Moves time forward (or back, with a negative value); answers the new time. */
  advance(ms: number): number {
    this.offsetMs += ms
    return this.now()
  }

  /** Back to the base clock. */
  reset(): void {
    this.offsetMs = 0
  }

  /** Jumps to an absolute time; the clock keeps running from there. */
  set(ms: number): number {
    this.offsetMs = ms - this.base()
    return this.now()
  }
}

/** China has no daylight saving: WeChat's daily quotas reset at midnight UTC+8. */
const CHINA_OFFSET_MS = 8 * 3600 * 1000

/** The quota day (China time) a moment falls in. */
export function chinaDay(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / 86_400_000)
}

/** The quota minute a moment falls in. */
export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000)
}
