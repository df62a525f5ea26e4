/**
 * The emulator as a benchmark instrument: EMULATOR_LATENCY_MS adds a round trip's network time
 * to every request, and the emulator counts what it was asked (per action, and errors by kind),
 * so benchmarks count database calls where they happen.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { databaseCalls } from '../../../cloud/local/emulator'
import { call, failure, type Harness, startWithSdk } from './sdk'

// One emulator for the file: each test starts without latency and with its counts at zero.
let h: Harness
beforeAll(async () => void (h = await startWithSdk()))
afterAll(() => h.emulator.close())
beforeEach(() => {
  h.emulator.db.setLatency(0)
  h.emulator.db.resetRequestStats()
})

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await run()
  return performance.now() - started
}

it('adds the configured latency to every request, and nothing without it', async () => {
  const read = () => call(h.db.collection('items').where({ i: 1 }).get())
  await read()
  const fast = Math.min(...(await Promise.all([0, 1, 2].map(() => timed(read)))))
  h.emulator.db.setLatency(40)
  const slow = await timed(read)
  const sequential = await timed(async () => {
    await read()
    await read()
    await read()
  })
  expect(fast).toBeLessThan(20)
  expect(slow).toBeGreaterThanOrEqual(39)
  // Three in a row pay three round trips; the same three at once pay one.
  expect(sequential).toBeGreaterThanOrEqual(117)
  expect(await timed(() => Promise.all([read(), read(), read()]))).toBeLessThan(sequential - 40)
})

it('counts requests per action and error answers by kind', async () => {
  const ledger = h.db.collection('ledger')
  await call(ledger.add({ data: { _id: 'a', n: 1 } }))
  await call(ledger.doc('a').get())
  const duplicate = await failure(ledger.add({ data: { _id: 'a', n: 2 } }))
  expect(duplicate.errMsg).toContain('E11000')
  const stats = h.emulator.db.requestStats()
  expect(stats.byAction).toEqual({ 'database.insertDocument': 2, 'database.getDocument': 1 })
  expect(stats.errors).toEqual({ DUPLICATE_KEY: 1 })
  expect(databaseCalls(stats)).toBe(3)
  h.emulator.db.resetRequestStats()
  expect(databaseCalls(h.emulator.db.requestStats())).toBe(0)
})

it('refuses a latency outside 0 to 10000 ms, and so does the process with EMULATOR_LATENCY_MS', async () => {
  expect(() => h.emulator.db.setLatency(-1)).toThrow(/0 to 10000 ms/)
  const root = path.resolve(__dirname, '..', '..', '..')
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cloud/local/emulator/main.ts')], {
    cwd: root,
    env: { ...process.env, EMULATOR_LATENCY_MS: 'fast', EMULATOR_PORT: '0', EMULATOR_DATA: ':memory:' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  expect(code).toBe(2)
  expect(stderr).toContain('EMULATOR_LATENCY_MS must be a number of milliseconds from 0 to 10000 (got "fast")')
})
