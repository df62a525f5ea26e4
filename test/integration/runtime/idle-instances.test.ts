/**
 * Instances that come and go (issue 21): CloudBase recycles a function instance that stayed idle
 * for a while and starts the next one cold. The local runtime stops instances idle longer than
 * `idleMs`, so module state resets and cold starts happen locally too; a busy instance is never
 * stopped in the middle of a call.
 */
import path from 'node:path'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { Runtime } from '../../../cloud/local/runtime/runtime'

const fixture = (name: string) => path.join(__dirname, 'fixtures', `${name}.ts`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface SlowResult {
  pid: number
  invocationsOnThisInstance: number
}

// No database call happens in these functions; the SDK only needs an admin URL to initialise.
const adminUrl = 'http://127.0.0.1:9/admin'
let runtime: Runtime | undefined

afterEach(async () => {
  await runtime?.close()
  runtime = undefined
})

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return false
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (condition()) return true
    await sleep(25)
  }
  return condition()
}

describe('function runtime: idle instances', () => {
  it('stops an instance idle longer than idleMs (its process gone); the next call starts a new one cold', async () => {
    runtime = new Runtime({ functions: [defineFunctionAt('slow', fixture('slow'), { timeout: 20 })], adminUrl, idleMs: 300 })
    const first = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_client' })) as SlowResult
    const warm = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_client' })) as SlowResult
    expect(warm.pid).toBe(first.pid)
    expect(warm.invocationsOnThisInstance).toBe(2)

    expect(await until(() => processGone(first.pid), 5_000)).toBe(true)
    expect(runtime.stats('slow')).toMatchObject({ instancesAlive: 0, instancesStarted: 1, instancesStoppedIdle: 1 })

    const cold = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_client' })) as SlowResult
    expect(cold.pid).not.toBe(first.pid)
    // Module state reset: the new instance counts from 1.
    expect(cold.invocationsOnThisInstance).toBe(1)
    expect(runtime.stats('slow')).toMatchObject({ instancesAlive: 1, instancesStarted: 2 })
  }, 30_000)

  it('never stops a busy instance: a call longer than idleMs finishes on its instance, which is then idle again', async () => {
    runtime = new Runtime({ functions: [defineFunctionAt('slow', fixture('slow'), { timeout: 20 })], adminUrl, idleMs: 200 })
    const first = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_client' })) as SlowResult
    // Called again before the idle time passed, and busy for 3x the idle time.
    const long = (await runtime.invoke('slow', { sleepMs: 600 }, { source: 'wx_client' })) as SlowResult
    expect(long.pid).toBe(first.pid)
    expect(long.invocationsOnThisInstance).toBe(2)
    expect(processGone(first.pid)).toBe(false)
    // The idle clock starts again when the call ends.
    const next = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_client' })) as SlowResult
    expect(next.pid).toBe(first.pid)
    expect(await until(() => processGone(first.pid), 5_000)).toBe(true)
  }, 30_000)

  it('with 4 instances busy at once, each is stopped only after its own idle time', async () => {
    runtime = new Runtime({ functions: [defineFunctionAt('slow', fixture('slow'), { timeout: 20 })], adminUrl, maxInstances: 4, idleMs: 400 })
    const results = (await Promise.all(Array.from({ length: 4 }, () => runtime!.invoke('slow', { sleepMs: 300 }, { source: 'wx_client' })))) as SlowResult[]
    const pids = [...new Set(results.map((result) => result.pid))]
    expect(pids).toHaveLength(4)
    expect(runtime.stats('slow')?.instancesAlive).toBe(4)
    expect(await until(() => pids.every(processGone), 5_000)).toBe(true)
    expect(runtime.stats('slow')).toMatchObject({ instancesAlive: 0, busy: 0, instancesStoppedIdle: 4 })
  }, 30_000)

  it('idleMs 0 keeps instances for the life of the runtime', async () => {
    runtime = new Runtime({ functions: [defineFunctionAt('slow', fixture('slow'), { timeout: 20 })], adminUrl, idleMs: 0 })
    const first = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_client' })) as SlowResult
    await sleep(300)
    const second = (await runtime.invoke('slow', { sleepMs: 1 }, { source: 'wx_client' })) as SlowResult
    expect(second.pid).toBe(first.pid)
    expect(second.invocationsOnThisInstance).toBe(2)
  }, 30_000)
})

describe('runtime main.ts: RUNTIME_INSTANCE_IDLE_MS', () => {
  it('a bad value stops the runtime at start, naming the variable', async () => {
    const { spawn } = await import('node:child_process')
    const root = path.resolve(__dirname, '..', '..', '..')
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cloud/local/runtime/main.ts')], {
      cwd: root,
      env: { ...process.env, EMULATOR_ADMIN_URL: adminUrl, RUNTIME_INSTANCE_IDLE_MS: '5min', GATEWAY_PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(2)
    expect(stderr).toContain('RUNTIME_INSTANCE_IDLE_MS must be a whole number of milliseconds from 0 (keep idle instances) to 86400000 (got "5min")')
  }, 30_000)
})
