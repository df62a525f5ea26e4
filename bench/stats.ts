/** Small helpers the benchmarks share: percentiles and a fixed-concurrency load loop. */

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1)
  return sortedMs[Math.max(0, index)]
}

export interface LoadResult {
  requests: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  failures: number
}

/** Runs `total` calls with `concurrency` in flight at once; latencies in ms. */
export async function load(total: number, concurrency: number, call: (i: number) => Promise<boolean>): Promise<LoadResult> {
  const latencies: number[] = []
  let failures = 0
  let next = 0
  const started = performance.now()
  const worker = async () => {
    while (next < total) {
      const i = next++
      const t0 = performance.now()
      const ok = await call(i).catch(() => false)
      latencies.push(performance.now() - t0)
      if (!ok) failures += 1
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { requests: total, seconds, perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failures }
}

export function formatLoad(label: string, r: LoadResult): string {
  return `${label.padEnd(34)} ${r.perSecond.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   failures ${r.failures}`
}
