/**
 * The quota model (issue 21), off by default: a CloudBase environment's plan limits database
 * requests per second, requests in flight, and reads and writes per natural day (China time).
 * Sources: docs/cloudbase-facts.md "Quotas and limits"; WeChat's quota page for the basic plan
 * (developers.weixin.qq.com/miniprogram/dev/wxcloud/basis/concepts/quota.html: database 30 QPS,
 * 20 concurrent connections, 50,000 reads and 30,000 writes a day); WeChat's error codes
 * (.../wxcloud/reference/errcode.html: -501003 请求次数超出环境配额, -501004 请求并发数超出环境配额,
 * -501015 读请求次数配额耗尽, -501016 写请求次数配额耗尽).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { type QuotaOption, startEmulator } from '../../../cloud/local/emulator'
import { QUOTA_PRESETS, QuotaGate } from '../../../cloud/local/emulator/quota'
import { call, failure, type Harness, loadSdk, pointSdkAt, type SdkError, TEST_INDEXES } from './sdk'

const root = path.resolve(__dirname, '..', '..', '..')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** An emulator with a quota, the real SDK pointed at it. */
async function withQuota(quota: QuotaOption | undefined, latencyMs = 0) {
  const emulator = await startEmulator({ indexesFile: TEST_INDEXES, quota, latencyMs })
  pointSdkAt(emulator)
  const cloud = await loadSdk()
  return { emulator, db: cloud.database() as Harness['db'] }
}

/** Settles every call, answering the errCode of each failure (0 for a success). */
async function outcomes(calls: Promise<unknown>[]): Promise<number[]> {
  const settled = await Promise.allSettled(calls)
  return settled.map((entry) => (entry.status === 'fulfilled' ? 0 : ((entry.reason as SdkError).errCode ?? NaN)))
}

describe('quota model', () => {
  it('is off by default: a burst of 100 requests at once is served', async () => {
    const { emulator, db } = await withQuota(undefined)
    try {
      const codes = await outcomes(Array.from({ length: 100 }, () => db.collection('items').where({ category: 'a' }).count() as Promise<unknown>))
      expect(codes.filter((code) => code !== 0)).toEqual([])
    } finally {
      await emulator.close()
    }
  })

  it('over the requests per second, the SDK rejects with errCode -501003 (EXCEED_REQUEST_LIMIT), counted by kind; the next second serves again', async () => {
    const { emulator, db } = await withQuota({ qps: 5 })
    try {
      const codes = await outcomes(Array.from({ length: 8 }, () => db.collection('items').where({ category: 'a' }).count() as Promise<unknown>))
      expect(codes.filter((code) => code === 0)).toHaveLength(5)
      expect(codes.filter((code) => code === -501003)).toHaveLength(3)
      const error = await failure(db.collection('items').where({ category: 'a' }).count())
      expect(error.errCode).toBe(-501003)
      expect(error.errMsg).toContain('collection.count:fail -501003 exceed request limit.')
      expect(error.errMsg).toContain('请求次数超出环境配额')
      expect(emulator.db.requestStats().errors).toEqual({ EXCEED_REQUEST_LIMIT: 4 })
      await sleep(1100)
      await expect(call(db.collection('items').where({ category: 'a' }).count())).resolves.toMatchObject({ total: 0 })
    } finally {
      await emulator.close()
    }
  })

  it('over the requests in flight (arrival to reply, latency included), the SDK rejects with errCode -501004 (EXCEED_CONCURRENT_REQUEST_LIMIT)', async () => {
    const { emulator, db } = await withQuota({ connections: 2 }, 200)
    try {
      const codes = await outcomes(Array.from({ length: 5 }, (_, i) => db.collection('ledger').add({ data: { _id: `c${i}` } }) as Promise<unknown>))
      expect(codes.filter((code) => code === 0)).toHaveLength(2)
      expect(codes.filter((code) => code === -501004)).toHaveLength(3)
      expect(emulator.db.requestStats().errors).toEqual({ EXCEED_CONCURRENT_REQUEST_LIMIT: 3 })
      expect(emulator.db.count('ledger')).toBe(2)
      // /health is not a database request: never counted, never refused.
      const slow = db.collection('ledger').doc('c0').get() as Promise<unknown>
      const slow2 = db.collection('ledger').doc('c1').get() as Promise<unknown>
      await sleep(50)
      const health = await fetch(emulator.adminUrl.replace('/admin', '/health'))
      expect(await health.json()).toMatchObject({ ok: true, quota: { limits: { connections: 2 }, inFlight: 2 } })
      await Promise.all([slow, slow2])
      // Once the replies left, the slots are free again.
      await expect(call(db.collection('ledger').doc('c0').get())).resolves.toMatchObject({ data: { _id: 'c0' } })
    } finally {
      await emulator.close()
    }
  })

  it('over the reads or writes of the day, the database refuses that kind for the rest of the day (-501015 / -501016 in the message)', async () => {
    const { emulator, db } = await withQuota({ readsPerDay: 3, writesPerDay: 4 })
    try {
      const ledger = db.collection('ledger')
      // A batch insert counts one write per document (how CloudBase meters it is unverified: the stricter reading).
      await call(ledger.add({ data: [{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }] }))
      await call(ledger.doc('a').update({ data: { v: 1 } }))
      const write = await failure(ledger.doc('b').update({ data: { v: 1 } }))
      // wx-server-sdk 4.0.2 has no reply code for -501015/-501016 in its table (TCB_ERR_CODE), so
      // whatever code CloudBase sends reaches functions as -501001; the number is in the message.
      expect(write.errCode).toBe(-501001)
      expect(write.errMsg).toContain('-501016 写请求次数配额耗尽')
      await call(ledger.doc('a').get())
      await call(ledger.where({}).count())
      await call(ledger.aggregate().match({}).end())
      const read = await failure(ledger.doc('a').get())
      expect(read.errCode).toBe(-501001)
      expect(read.errMsg).toContain('-501015 读请求次数配额耗尽')
      expect(emulator.db.requestStats().errors).toEqual({ DATABASE_WRITE_QUOTA_EXHAUSTED: 1, DATABASE_READ_QUOTA_EXHAUSTED: 1 })
      expect(emulator.db.quota()).toMatchObject({ readsToday: 3, writesToday: 4 })
    } finally {
      await emulator.close()
    }
  })

  it('the basic preset is the basic plan of WeChat\'s quota page, and one figure can be set over it', async () => {
    expect(QUOTA_PRESETS.basic).toEqual({ qps: 30, connections: 20, readsPerDay: 50_000, writesPerDay: 30_000 })
    const emulator = await startEmulator({ indexesFile: TEST_INDEXES, quota: { preset: 'basic', qps: 3 } })
    try {
      expect(emulator.db.quota()?.limits).toEqual({ qps: 3, connections: 20, readsPerDay: 50_000, writesPerDay: 30_000 })
    } finally {
      await emulator.close()
    }
    await expect(startEmulator({ indexesFile: TEST_INDEXES, quota: { qps: 0 } })).rejects.toThrow(/qps must be a whole number from 1/)
  })
})

describe('quota gate (clock injected)', () => {
  it('a daily count lasts until midnight China time (UTC+8), then starts again', () => {
    // 2024-05-01 23:59:59 in China is 15:59:59 UTC.
    let now = Date.UTC(2024, 4, 1, 15, 59, 59)
    const gate = new QuotaGate({ readsPerDay: 1 }, () => now)
    const read = () => gate.admit('database.getDocument', {})
    const first = read()
    expect(first.error).toBeUndefined()
    first.release()
    expect(read().error?.code).toBe('DATABASE_READ_QUOTA_EXHAUSTED')
    now += 999
    expect(read().error?.code).toBe('DATABASE_READ_QUOTA_EXHAUSTED')
    now += 1 // 00:00:00 in China
    expect(read().error).toBeUndefined()
  })

  it('requests per second are a sliding one-second window; refusals take no place in it; non-database actions are not counted', () => {
    let now = 1_000_000
    const gate = new QuotaGate({ qps: 2 }, () => now)
    const admit = () => gate.admit('database.calculateDocument', {})
    expect(admit().error).toBeUndefined()
    now += 600
    expect(admit().error).toBeUndefined()
    expect(admit().error?.code).toBe('EXCEED_REQUEST_LIMIT')
    expect(gate.admit('functions.invokeFunction', {}).error).toBeUndefined()
    expect(gate.admit('wx.openApi', {}).error).toBeUndefined()
    now += 400 // the first left the window
    expect(admit().error).toBeUndefined()
    expect(admit().error?.code).toBe('EXCEED_REQUEST_LIMIT')
  })

  it('a request holds its connection until released', () => {
    const gate = new QuotaGate({ connections: 1 })
    const held = gate.admit('database.getDocument', {})
    expect(gate.admit('database.getDocument', {}).error?.code).toBe('EXCEED_CONCURRENT_REQUEST_LIMIT')
    held.release()
    held.release() // once only
    expect(gate.status().inFlight).toBe(0)
    expect(gate.admit('database.getDocument', {}).error).toBeUndefined()
  })
})

describe('main.ts: EMULATOR_QUOTA and EMULATOR_DB_*', () => {
  function run(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cloud/local/emulator/main.ts')], {
      cwd: root,
      env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_DATA: ':memory:', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1]
      if (port && !child.killed) {
        void fetch(`http://127.0.0.1:${port}/health`)
          .then((response) => response.text())
          .then((text) => {
            stdout += `\nhealth ${text}`
            child.kill('SIGTERM')
          })
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })))
  }

  it('a bad preset or figure stops the emulator at start, naming the variable', async () => {
    const preset = await run({ EMULATOR_QUOTA: 'gold' })
    expect(preset.code).toBe(2)
    expect(preset.stderr).toContain('EMULATOR_QUOTA must be one of: basic (got "gold")')
    const figure = await run({ EMULATOR_QUOTA: 'basic', EMULATOR_DB_CONNECTIONS: '-3' })
    expect(figure.code).toBe(2)
    expect(figure.stderr).toContain('EMULATOR_DB_CONNECTIONS must be a whole number from 1 to 1000000000 (got "-3")')
  }, 30_000)

  it('the preset with one figure set over it is what /health reports', async () => {
    const started = await run({ EMULATOR_QUOTA: 'basic', EMULATOR_DB_READS_PER_DAY: '100' })
    expect(started.stdout).toContain('health {"ok":true,"quota":{"limits":{"qps":30,"connections":20,"readsPerDay":100,"writesPerDay":30000}')
  }, 30_000)
})
