export interface EndpointCounter {
  /** Every request that reached the endpoint, refused ones included. */
  calls: number
  /** Answered with errcode 0 (or WeChat's errcode-less success). */
  ok: number
  /** Refusals by errcode. */
  errors: Record<string, number>
}

/** Per-endpoint call counts, so a test can assert "exactly one token fetch". */
export class Counters {
  private readonly counters = new Map<string, EndpointCounter>()

  call(endpoint: string): void {
    this.entry(endpoint).calls += 1
  }

  outcome(endpoint: string, errcode: number): void {
    const entry = this.entry(endpoint)
    if (errcode === 0) entry.ok += 1
    else entry.errors[errcode] = (entry.errors[errcode] ?? 0) + 1
  }

  snapshot(): Record<string, EndpointCounter> {
    return Object.fromEntries([...this.counters].map(([k, v]) => [k, { calls: v.calls, ok: v.ok, errors: { ...v.errors } }]))
  }

  reset(endpoint?: string): void {
    if (endpoint === undefined) this.counters.clear()
    else this.counters.delete(endpoint)
  }

  private entry(endpoint: string): EndpointCounter {
    let entry = this.counters.get(endpoint)
    if (!entry) {
      entry = { calls: 0, ok: 0, errors: {} }
      this.counters.set(endpoint, entry)
    }
    return entry
  }
}
