import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { startEmulator, type Emulator } from '../../../cloud/local/emulator'
import { defineFunctionAt, discoverFunctions } from '../../../cloud/local/runtime/functions'
import { startGateway, type Gateway } from '../../../cloud/local/runtime/gateway'
import { Runtime } from '../../../cloud/local/runtime/runtime'
import { buildCloudFunctions } from '../../../scripts/build-cloud'

jest.setTimeout(60_000)

let emulator: Emulator
let runtime: Runtime | undefined
let gateway: Gateway | undefined

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 })
})

afterEach(async () => {
  await gateway?.close()
  await runtime?.close()
  gateway = undefined
  runtime = undefined
})

afterAll(async () => {
  await emulator.close()
})

async function post(fn: string, body: unknown, openid?: string): Promise<unknown> {
  const res = await fetch(`${gateway!.url}/api/${fn}`, { method: 'POST', body: JSON.stringify(body), headers: openid ? { 'x-wx-openid': openid } : {} })
  return res.json()
}

it('a function using the real wx-server-sdk adds, queries, updates in a transaction and hits a unique index, with the SDK’s exact answers', async () => {
  runtime = new Runtime({ functions: [defineFunctionAt('tour', path.join(__dirname, 'fixtures', 'databaseTour.ts'), { timeout: 10 })], adminUrl: emulator.adminUrl, credentials: emulator.credentials })
  gateway = await startGateway(runtime)

  interface TourResult {
    added: { _id: string; errMsg: string }
    queried: { data: unknown[]; errMsg: string }
    committed: unknown
    after: unknown
    duplicate: { errCode: number; errMsg: string }
  }
  const result = (await post('tour', { code: '100000000000000009' }, 'oTourUser')) as TourResult

  expect(result.added).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{32}$/), errMsg: 'collection.add:ok' })
  expect(result.queried.errMsg).toBe('collection.get:ok')
  expect(result.queried.data).toEqual([{ _id: result.added._id, code: '100000000000000009', status: 'active', entries: 0, _openid: 'oTourUser' }])
  expect(result.committed).toEqual({ entriesBefore: 0, updated: { errMsg: 'document.update:ok', stats: { updated: 1 } } })
  expect(result.after).toEqual({ _id: result.added._id, code: '100000000000000009', status: 'used', entries: 1, _openid: 'oTourUser' })
  expect(result.duplicate.errCode).toBe(-502001)
  expect(result.duplicate.errMsg).toMatch(/^collection\.add:fail -502001 database request fail\. .*E11000 duplicate key error collection: local-dev\.tickets index: code_unique dup key: \{ code: "100000000000000009" \}/)
})

it('the deploy units npm run build:cloud writes run unchanged: ping answers the caller after a database round trip', async () => {
  // Inside the project, so the bundles resolve wx-server-sdk from its node_modules as they would
  // from their own in the cloud.
  const scratch = path.resolve(__dirname, '..', '..', '..', '.data')
  mkdirSync(scratch, { recursive: true })
  const out = mkdtempSync(path.join(scratch, 'functions-'))
  try {
    const built = buildCloudFunctions(out)
    expect(built.map((b) => b.name).sort()).toEqual(discoverFunctions('source').map((f) => f.name).sort())
    const manifest = JSON.parse(readFileSync(path.join(out, 'ping', 'package.json'), 'utf8'))
    expect(manifest.dependencies).toEqual({ 'wx-server-sdk': '4.0.2' })
    expect(readFileSync(path.join(out, 'ping', 'index.js'), 'utf8')).toContain('require("wx-server-sdk")')

    runtime = new Runtime({ functions: discoverFunctions('bundle', out), adminUrl: emulator.adminUrl, credentials: emulator.credentials })
    gateway = await startGateway(runtime)
    const answer = (await post('ping', {}, 'oPingUser')) as { ok: boolean; data: { openid: string; databaseTime: string } }
    expect(answer.ok).toBe(true)
    expect(answer.data.openid).toBe('oPingUser')
    expect(Math.abs(Date.parse(answer.data.databaseTime) - Date.now())).toBeLessThan(10_000)
    expect(await post('ping', {})).toMatchObject({ ok: true, data: { openid: null } })
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
