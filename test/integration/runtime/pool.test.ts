import path from 'node:path'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { InvocationError } from '../../../cloud/local/runtime/pool'
import { Runtime, type TimerRun } from '../../../cloud/local/runtime/runtime'

const fixture = (name: string) => path.join(__dirname, 'fixtures', `${name}.ts`)

interface SlowResult {
  pid: number
  invocationsOnThisInstance: number
  openidBefore: string | null
  openidAfter: string | null
  source: string | null
  env: string | null
}

// No database call happens in these functions; the SDK only needs an admin URL to initialise.
const adminUrl = 'http://127.0.0.1:9/admin'
let runtime: Runtime

afterEach(async () => {
  await runtime?.close()
})

describe('function runtime: CloudBase instance model', () => {
  it('runs 20 concurrent slow invocations on at most the configured 4 instances, each with its own openid and module state', async () => {
    runtime = new Runtime({ functions: [defineFunctionAt('slow', fixture('slow'), { timeout: 20 })], adminUrl, maxInstances: 4 })

    const results = (await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runtime.invoke('slow', { sleepMs: 250, n: i }, { openid: `user_${i}`, source: 'wx_client' }),
      ),
    )) as SlowResult[]

    results.forEach((result, i) => {
      expect(result.openidBefore).toBe(`user_${i}`)
      expect(result.openidAfter).toBe(`user_${i}`)
      expect(result.source).toBe('wx_client')
    })
    const pids = new Set(results.map((r) => r.pid))
    expect(pids.size).toBe(4)
    expect(runtime.stats('slow')?.instancesStarted).toBe(4)
    // Module state lives per instance: each instance counted exactly the calls it served.
    for (const pid of pids) {
      const counts = results.filter((r) => r.pid === pid).map((r) => r.invocationsOnThisInstance).sort((a, b) => a - b)
      expect(counts).toEqual(Array.from({ length: counts.length }, (_, k) => k + 1))
    }
  })

  it('keeps serving from one warm instance while calls arrive one at a time', async () => {
    runtime = new Runtime({ functions: [defineFunctionAt('slow', fixture('slow'), { timeout: 20 })], adminUrl, maxInstances: 4 })

    const first = (await runtime.invoke('slow', { sleepMs: 1 }, { openid: 'a', source: 'wx_client' })) as SlowResult
    const second = (await runtime.invoke('slow', { sleepMs: 1 }, { openid: 'b', source: 'wx_client' })) as SlowResult
    const third = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_http' })) as SlowResult

    expect(new Set([first.pid, second.pid, third.pid]).size).toBe(1)
    expect(third.invocationsOnThisInstance).toBe(3)
    expect(third.openidAfter).toBeNull()
    expect(third.env).toBe('local-dev')
    expect(runtime.stats('slow')?.instancesStarted).toBe(1)
  })

  it('reports a thrown error, kills an instance that overruns its timeout and replaces one that crashed', async () => {
    runtime = new Runtime({ functions: [defineFunctionAt('failing', fixture('failing'), { timeout: 1 })], adminUrl, maxInstances: 1 })

    expect(await runtime.invoke('failing', { mode: 'count' }, { source: 'wx_client' })).toEqual({ calls: 1 })
    await expect(runtime.invoke('failing', { mode: 'throw' }, { source: 'wx_client' })).rejects.toMatchObject({
      reason: 'error',
      message: 'deliberate failure',
    })
    expect(await runtime.invoke('failing', { mode: 'count' }, { source: 'wx_client' })).toEqual({ calls: 3 })

    const hang = runtime.invoke('failing', { mode: 'hang' }, { source: 'wx_client' })
    await expect(hang).rejects.toBeInstanceOf(InvocationError)
    await expect(hang).rejects.toMatchObject({ reason: 'timeout' })
    // A new instance: module state starts again.
    expect(await runtime.invoke('failing', { mode: 'count' }, { source: 'wx_client' })).toEqual({ calls: 1 })

    await expect(runtime.invoke('failing', { mode: 'exit' }, { source: 'wx_client' })).rejects.toMatchObject({ reason: 'crash' })
    expect(await runtime.invoke('failing', { mode: 'count' }, { source: 'wx_client' })).toEqual({ calls: 1 })
  })

  it('fires a timer trigger with the event and source CloudBase gives timers', async () => {
    runtime = new Runtime({
      functions: [
        defineFunctionAt('slow', fixture('slow'), { triggers: [{ name: 'everyMinute', type: 'timer', config: '0 * * * * * *' }] }),
      ],
      adminUrl,
    })
    const result = (await runtime.fireTimer('slow')) as SlowResult & { event: { Type: string; TriggerName: string } }
    expect(result.event.Type).toBe('Timer')
    expect(result.event.TriggerName).toBe('everyMinute')
    expect(result.source).toBe('wx_trigger')
    expect(result.openidAfter).toBeNull()
  })

  it('fires timer triggers on their schedule when timers are on', async () => {
    const runs: TimerRun[] = []
    runtime = new Runtime({
      functions: [defineFunctionAt('failing', fixture('failing'), { triggers: [{ name: 'everySecond', type: 'timer', config: '* * * * * * *' }] })],
      adminUrl,
      timers: true,
      onTimerRun: (run) => runs.push(run),
    })
    await new Promise((resolve) => setTimeout(resolve, 3500))
    expect(runs.length).toBeGreaterThanOrEqual(2)
    expect(runs[0]).toMatchObject({ functionName: 'failing', trigger: 'everySecond', ok: true })
    // One warm instance served every firing: the module-level counter kept counting.
    expect(runs.map((run) => (run.result as { calls: number }).calls)).toEqual(runs.map((_, i) => i + 1))
  })
})
