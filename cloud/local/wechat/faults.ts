/** Endpoint key meaning "every WeChat API endpoint" (the wallet, which stands for the phone, excluded). */
export const ALL_ENDPOINTS = '*'

export interface FaultSnapshot {
  rates: Record<string, { errcode: number; rate: number }>
  scripts: Record<string, number[]>
  latencyMs: Record<string, number>
}

/**
 * Fault injection: per endpoint (or for all), a rate at which calls fail with an errcode, a
 * script of the next errcodes to answer (0 lets a call through), and added latency. Rates use a
 * seeded generator so a failing test can be replayed.
 */
export class Faults {
  private readonly rates = new Map<string, { errcode: number; rate: number }>()
  private readonly scripts = new Map<string, number[]>()
  private readonly latency = new Map<string, number>()
  private random: () => number

  constructor(seed = 0x5eed) {
    this.random = mulberry32(seed)
  }

  setRate(endpoint: string, errcode: number, rate: number, seed?: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`rate must be between 0 and 1, got ${rate}`)
    checkErrcode(errcode)
    if (rate === 0) this.rates.delete(endpoint)
    else this.rates.set(endpoint, { errcode, rate })
    if (seed !== undefined) this.random = mulberry32(seed)
  }

  /** Appends errcodes to the endpoint's script; each call takes the first one. */
  script(endpoint: string, errcodes: number[]): void {
    for (const errcode of errcodes) if (errcode !== 0) checkErrcode(errcode)
    this.scripts.set(endpoint, [...(this.scripts.get(endpoint) ?? []), ...errcodes])
  }

  setLatency(endpoint: string, ms: number): void {
    if (!(ms >= 0 && ms <= 60_000)) throw new Error(`latency must be 0 … 60000 ms, got ${ms}`)
    if (ms === 0) this.latency.delete(endpoint)
    else this.latency.set(endpoint, ms)
  }

  clear(endpoint?: string): void {
    for (const map of [this.rates, this.scripts, this.latency]) {
      if (endpoint === undefined) map.clear()
      else map.delete(endpoint)
    }
  }

  /** The errcode this call must fail with, or null. Scripts come before rates, the endpoint before "*". */
  draw(endpoint: string, includeAll: boolean): number | null {
    for (const key of includeAll ? [endpoint, ALL_ENDPOINTS] : [endpoint]) {
      const script = this.scripts.get(key)
      if (script && script.length > 0) {
        const errcode = script.shift() as number
        if (script.length === 0) this.scripts.delete(key)
        return errcode === 0 ? null : errcode
      }
    }
    for (const key of includeAll ? [endpoint, ALL_ENDPOINTS] : [endpoint]) {
      const rule = this.rates.get(key)
      if (rule) return this.random() < rule.rate ? rule.errcode : null
    }
    return null
  }

  latencyFor(endpoint: string, includeAll: boolean): number {
    return this.latency.get(endpoint) ?? (includeAll ? (this.latency.get(ALL_ENDPOINTS) ?? 0) : 0)
  }

  snapshot(): FaultSnapshot {
    return {
      rates: Object.fromEntries(this.rates),
      scripts: Object.fromEntries([...this.scripts].map(([k, v]) => [k, [...v]])),
      latencyMs: Object.fromEntries(this.latency),
    }
  }
}

function checkErrcode(errcode: number): void {
  if (!Number.isInteger(errcode) || errcode === 0) throw new Error(`an injected errcode must be a non-zero integer, got ${errcode}`)
}

/** A small, fast, seedable PRNG: the same seed replays the same sequence of faults. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
