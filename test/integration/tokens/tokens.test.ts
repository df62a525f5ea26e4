import path from 'node:path'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { runScript } from '../../support/runScript'
import { startWechatStack, TEST_OA, type WechatStack } from '../../support/wechatStack'

jest.setTimeout(180_000)

const wechatCall = defineFunctionAt('wechatCall', path.join(__dirname, 'fixtures', 'wechatCall.ts'), { timeout: 20 })
let stack: WechatStack | undefined

afterEach(async () => {
  await stack?.close()
  stack = undefined
})

function calls(s: WechatStack, endpoint: string): number {
  return s.wechat.control.counters()[endpoint]?.calls ?? 0
}

function errorsOf(s: WechatStack, errcode: number): number {
  return Object.values(s.wechat.control.counters()).reduce((sum, c) => sum + (c.errors[String(errcode)] ?? 0), 0)
}

describe('one shared token cache for every instance', () => {
  it('8 instances serving 10,000 concurrent requests fetch the stable token once and the card ticket once', async () => {
    stack = await startWechatStack({ functions: [wechatCall], maxInstances: 8 })
    const answers = await stack.burst('wechatCall', 10_000)

    expect(answers.filter((a) => !a.ok)).toEqual([])
    expect(stack.runtime.stats('wechatCall')?.instancesStarted).toBe(8)
    expect(calls(stack, '/cgi-bin/stable_token')).toBe(1)
    expect(calls(stack, '/cgi-bin/ticket/getticket')).toBe(1)
    expect(calls(stack, '/cgi-bin/token')).toBe(0)
    expect(calls(stack, '/card/testwhitelist/set')).toBe(10_000)
  })

  it('in classic mode too: one fetch, and no caller ever sees 40001', async () => {
    stack = await startWechatStack({ functions: [wechatCall], maxInstances: 8, env: { WECHAT_TOKEN_MODE: 'classic' } })
    const answers = await stack.burst('wechatCall', 10_000)

    expect(answers.filter((a) => !a.ok)).toEqual([])
    expect(calls(stack, '/cgi-bin/token')).toBe(1)
    expect(calls(stack, '/cgi-bin/stable_token')).toBe(0)
    expect(calls(stack, '/cgi-bin/ticket/getticket')).toBe(1)
    expect(errorsOf(stack, 40001)).toBe(0)
  })
})

describe('recovery', () => {
  it('recovers from a token invalidated behind its back with at most 2 fetches and no failed request', async () => {
    stack = await startWechatStack({ functions: [wechatCall], maxInstances: 8 })
    expect((await stack.burst('wechatCall', 200)).every((a) => a.ok)).toBe(true)
    const before = calls(stack, '/cgi-bin/stable_token')

    stack.wechat.control.invalidateAccessToken({})
    const answers = await stack.burst('wechatCall', 2_000)

    expect(answers.filter((a) => !a.ok)).toEqual([])
    const refetches = calls(stack, '/cgi-bin/stable_token') - before
    expect(refetches).toBeGreaterThanOrEqual(1)
    expect(refetches).toBeLessThanOrEqual(2)
    expect(errorsOf(stack, 40001)).toBeGreaterThan(0) // the invalidation really hit callers' first tries

    // The operator's view: state and history, never the token itself.
    const ops = await runScript('ops', ['tokens'], { ...stack.adminEnv, OA_APPID: TEST_OA.appid, OA_APPSECRET: TEST_OA.secret })
    expect(ops.stderr).toBe('')
    expect(ops.status).toBe(0)
    expect(ops.stdout).toMatch(/^access_token +fingerprint [0-9a-f]{8}, generation \d+, age \d+s, expires in \d+s; \d+ fetches/m)
    expect(ops.stdout).toMatch(/^wx_card +fingerprint [0-9a-f]{8}, generation 1/m)
    const current = stack.wechat.control.accessTokens({}) as unknown
    for (const token of JSON.stringify(current).match(/[A-Za-z0-9_-]{40,}/g) ?? []) expect(ops.stdout).not.toContain(token)
    expect(ops.stdout).not.toContain(TEST_OA.secret)
  })

  it('with 30% of WeChat calls failing -1 or 45011, every request succeeds or says clearly to retry, and fetches stay bounded', async () => {
    stack = await startWechatStack({ functions: [wechatCall], maxInstances: 8 })
    stack.wechat.control.setFault({ endpoint: '*', errcode: -1, rate: 0.15, seed: 7 })
    stack.wechat.control.setFault({ endpoint: '/cgi-bin/stable_token', errcode: 45011, rate: 0.3, seed: 11 })
    stack.wechat.control.setFault({ endpoint: '/cgi-bin/ticket/getticket', errcode: 45011, rate: 0.3, seed: 13 })
    const answers = await stack.burst('wechatCall', 3_000)

    const failed = answers.filter((a) => !a.ok)
    for (const answer of failed) expect(answer.error).toMatchObject({ code: 'WECHAT_BUSY', retryable: true })
    expect(answers.filter((a) => a.ok).length).toBeGreaterThan(answers.length * 0.7)
    // Each refresh makes at most 4 attempts, and a refresh happens only when nothing usable is cached.
    const tokenFetches = calls(stack, '/cgi-bin/stable_token')
    const ticketFetches = calls(stack, '/cgi-bin/ticket/getticket')
    process.stdout.write(`30% faults: ${answers.length - failed.length}/${answers.length} succeeded, ${failed.length} WECHAT_BUSY; token fetches ${tokenFetches}, ticket fetches ${ticketFetches}\n`)
    expect(tokenFetches).toBeLessThanOrEqual(8)
    expect(ticketFetches).toBeLessThanOrEqual(8)
  })
})

describe('configuration errors', () => {
  it('a caller IP outside the whitelist gives one clear error naming the IP, and no retries', async () => {
    stack = await startWechatStack({ functions: [wechatCall], maxInstances: 8 })
    stack.wechat.control.setIpWhitelist({ allowedIps: ['198.51.100.1'] })
    stack.wechat.control.setCallerIp({ ip: '203.0.113.7' })
    const answers = await stack.burst('wechatCall', 100)

    for (const answer of answers) {
      expect(answer.error?.code).toBe('WECHAT_CONFIG')
      expect(answer.error?.message).toContain('203.0.113.7')
      expect(answer.error?.message).toContain('whitelist')
    }
    expect(calls(stack, '/cgi-bin/stable_token')).toBe(1)
  })

  it('a wrong secret gives one clear error naming OA_APPSECRET, and no retries', async () => {
    stack = await startWechatStack({ functions: [wechatCall], maxInstances: 8, env: { OA_APPSECRET: 'wrongsecretwrongsecretwrongsecre' } })
    const answers = await stack.burst('wechatCall', 100)

    for (const answer of answers) {
      expect(answer.error?.code).toBe('WECHAT_CONFIG')
      expect(answer.error?.message).toContain('OA_APPSECRET')
      expect(answer.error?.message).not.toContain('wrongsecret')
    }
    expect(calls(stack, '/cgi-bin/stable_token')).toBe(1)
  })
})
