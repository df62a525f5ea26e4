/**
 * An identity must reach a function as the string it is. wx-server-sdk's getWXContext turns every
 * WX_* value matching /^[-]?\d+$/ into a number (parseInt), so "-0042", "-042" and "-42" would be
 * one person (-42) and "-0" nobody (-0 is falsy). The gateway refuses every identity header the SDK
 * would convert, and anything else that does not look like an openid; the runtime refuses such an
 * identity from an in-process caller too (one shared rule).
 */
import path from 'node:path'
import type * as WxServerSdk from 'wx-server-sdk'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { startGateway, type Gateway } from '../../../cloud/local/runtime/gateway'
import { Runtime } from '../../../cloud/local/runtime/runtime'

let runtime: Runtime
let gateway: Gateway

beforeAll(async () => {
  runtime = new Runtime({
    functions: [defineFunctionAt('slow', path.join(__dirname, 'fixtures', 'slow.ts'), { timeout: 10 })],
    adminUrl: 'http://127.0.0.1:9/admin',
    maxInstances: 1,
  })
  gateway = await startGateway(runtime, { log: () => undefined })
})

afterAll(async () => {
  await gateway.close()
  await runtime.close()
})

interface Answer {
  status: number
  body: { ok?: boolean; error?: { code: string; message: string }; openidAfter?: string | number | null }
}

async function callAs(openid: string): Promise<Answer> {
  const res = await fetch(`${gateway.url}/api/slow`, { method: 'POST', body: '{"sleepMs":1}', headers: { 'content-type': 'application/json', 'x-wx-openid': openid } })
  return { status: res.status, body: (await res.json()) as Answer['body'] }
}

/** What the real wx-server-sdk's getWXContext makes of `value` as WX_OPENID. */
function sdkReads(value: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cloud = require('wx-server-sdk') as typeof WxServerSdk
  const saved = { keys: process.env.WX_CONTEXT_KEYS, openid: process.env.WX_OPENID }
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID'
  process.env.WX_OPENID = value
  try {
    return cloud.getWXContext().OPENID
  } finally {
    for (const [name, was] of [['WX_CONTEXT_KEYS', saved.keys], ['WX_OPENID', saved.openid]] as const) {
      if (was === undefined) delete process.env[name]
      else process.env[name] = was
    }
  }
}

/** Header values the SDK reads as numbers: each must be refused. */
const NUMERIC = ['-0042', '-042', '-42', '-0', '0', '42', '0012345', '12345678901234567890']
/** Header values that look like openids and stay strings in the SDK (1e5 and 0x1f included: the SDK leaves them alone). */
const OPENIDS = ['oABC-12_x', 'dev_organizer', 'o-0042x', 'o0012345', '1e5', '0x1f', '42-', '-', '--42', '_42', 'a'.repeat(64)]

describe('the identity header, against what wx-server-sdk does with it', () => {
  it.each(NUMERIC)('the SDK would read %s as a number', (value) => {
    expect(typeof sdkReads(value)).toBe('number')
  })

  it.each(OPENIDS)('the SDK keeps %s a string', (value) => {
    expect(sdkReads(value)).toBe(value)
  })

  it.each(NUMERIC)('the gateway refuses %s with 400 INVALID_INPUT, running nothing', async (value) => {
    const invoke = jest.spyOn(runtime, 'invoke')
    try {
      const answer = await callAs(value)
      expect(answer.status).toBe(400)
      expect(answer.body.error).toEqual({ code: 'INVALID_INPUT', message: expect.stringMatching(/^x-wx-openid .*would read .* as a number/) })
      expect(invoke).not.toHaveBeenCalled()
    } finally {
      invoke.mockRestore()
    }
  })

  it.each(['', 'bad id!', 'o+1', 'o.1', 'a'.repeat(65), '张三'])('the gateway refuses %p, which is not an openid', async (value) => {
    // fetch cannot send a non-ASCII header; a byte-clean stand-in keeps the case meaningful.
    const answer = await callAs(/^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value))
    expect(answer.status).toBe(400)
    expect(answer.body.error?.code).toBe('INVALID_INPUT')
    expect(answer.body.error?.message).toContain('x-wx-openid')
  })

  it.each(OPENIDS)('the gateway passes %s, and the function sees exactly that string', async (value) => {
    const answer = await callAs(value)
    expect(answer.status).toBe(200)
    expect(answer.body.openidAfter).toBe(value)
  })

  it('-0042, -042 and -42 can never reach a function as one person', async () => {
    const answers = await Promise.all(['-0042', '-042', '-42'].map(callAs))
    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400])
  })
})

describe('identities given to the runtime in process (tests, timers, tools)', () => {
  it.each(['-0042', '-0', '0', '12345'])('runtime.invoke refuses the openid %s before any instance sees it', async (openid) => {
    await expect(runtime.invoke('slow', { sleepMs: 1 }, { openid, source: 'wx_client' })).rejects.toThrow(/openid .*would read .* as a number/)
  })

  it('runtime.invoke refuses a unionid the SDK would read as a number as well', async () => {
    await expect(runtime.invoke('slow', { sleepMs: 1 }, { openid: 'oUser', unionid: '-1', source: 'wx_client' })).rejects.toThrow(/unionid/)
  })

  it('runtime.invoke passes a real-looking openid through unchanged', async () => {
    await expect(runtime.invoke('slow', { sleepMs: 1 }, { openid: 'o-0042x', source: 'wx_client' })).resolves.toMatchObject({ openidAfter: 'o-0042x' })
  })
})
