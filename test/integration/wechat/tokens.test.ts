/**
 * Access tokens and the card api_ticket, as WeChat hands them out (section 2 and 3 of the card
 * protocol): each test names the rule it checks.
 */
import { DEV, startSim, type Answer, type TestSim } from './support'

const MIN = 60_000
const HOUR = 60 * MIN
const CLASSIC_40001 = /^invalid credential, access_token is invalid or not latest rid: \S+$/

let t: TestSim
beforeEach(async () => {
  t = await startSim()
})
afterEach(() => t.close())

const classic = (appid = DEV.appid, secret = DEV.secret) => t.get(`/cgi-bin/token?grant_type=client_credential&appid=${appid}&secret=${secret}`)
const stable = (force = false, appid = DEV.appid, secret = DEV.secret) =>
  t.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid, secret, force_refresh: force })
/** Any token-taking call: is the token accepted right now? */
const probe = (token: string) => t.get(`/cgi-bin/ticket/getticket?access_token=${encodeURIComponent(token)}&type=jsapi`)
const tokenOf = (answer: Answer) => answer.access_token as string

describe('classic /cgi-bin/token', () => {
  it('each fetch issues a new token; the previous one works for 5 more minutes, then answers 40001', async () => {
    const first = await classic()
    expect(first).toEqual({ access_token: expect.any(String), expires_in: 7200 })
    t.clock.advance(10 * MIN)
    const second = await classic()
    expect(tokenOf(second)).not.toBe(tokenOf(first))
    t.clock.advance(5 * MIN - 1)
    expect((await probe(tokenOf(first))).errcode).toBe(0)
    t.clock.advance(1)
    const refused = await probe(tokenOf(first))
    expect(refused.errcode).toBe(40001)
    expect(refused.errmsg).toMatch(CLASSIC_40001)
    expect((await probe(tokenOf(second))).errcode).toBe(0)
  })

  it('a token past its 7200 s answers 42001 (expired), not 40001', async () => {
    const token = tokenOf(await classic())
    t.clock.advance(2 * HOUR)
    const answer = await probe(token)
    expect(answer.errcode).toBe(42001)
    expect(answer.errmsg).toMatch(/^access_token expired rid: /)
  })

  it('allows 2000 fetches a day, then 45009 until midnight China time', async () => {
    // 10:00 in China: 14 hours to the quota reset.
    const answers: Answer[] = []
    for (let batch = 0; batch < 40; batch += 1) answers.push(...(await Promise.all(Array.from({ length: 50 }, () => classic()))))
    expect(answers.every((a) => typeof a.access_token === 'string')).toBe(true)
    const over = await classic()
    expect(over.errcode).toBe(45009)
    expect(over.errmsg).toMatch(/^reach max api daily quota limit rid: /)
    t.clock.advance(13 * HOUR)
    expect((await classic()).errcode).toBe(45009)
    t.clock.advance(HOUR)
    expect(typeof (await classic()).access_token).toBe('string')
  })
})

describe('stable /cgi-bin/stable_token', () => {
  it('answers the same token during its validity, with expires_in counting down', async () => {
    const first = await stable()
    t.clock.advance(30 * MIN)
    const again = await stable()
    expect(tokenOf(again)).toBe(tokenOf(first))
    expect(first.expires_in).toBe(7200)
    expect(again.expires_in).toBe(7200 - 30 * 60)
  })

  it('rotates in the last 5 minutes: old and new both valid until the old one ends; expires_in is never under 300', async () => {
    const first = tokenOf(await stable())
    const seen: number[] = []
    for (let minute = 1; minute <= 114; minute += 1) {
      t.clock.advance(MIN)
      const answer = await stable()
      seen.push(answer.expires_in as number)
      expect(tokenOf(answer)).toBe(first)
    }
    // 1 ms before the last 5 minutes: still the same token, stating 300 s.
    t.clock.advance(MIN - 1)
    const last = await stable()
    expect(tokenOf(last)).toBe(first)
    expect(last.expires_in).toBe(300)
    t.clock.advance(1)
    const rotated = await stable()
    expect(tokenOf(rotated)).not.toBe(first)
    expect(rotated.expires_in).toBe(7200)
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(300)
    expect((await probe(first)).errcode).toBe(0)
    expect((await probe(tokenOf(rotated))).errcode).toBe(0)
    expect(tokenOf(await stable())).toBe(tokenOf(rotated))
    t.clock.advance(5 * MIN)
    expect((await probe(first)).errcode).toBe(42001)
    expect((await probe(tokenOf(rotated))).errcode).toBe(0)
  })

  it('force_refresh retires the old token at once; forced again within 30 s it does not refresh', async () => {
    const first = tokenOf(await stable())
    const forced = tokenOf(await stable(true))
    expect(forced).not.toBe(first)
    expect((await probe(first)).errcode).toBe(40001)
    t.clock.advance(29_000)
    expect(tokenOf(await stable(true))).toBe(forced)
    t.clock.advance(1_000)
    const next = tokenOf(await stable(true))
    expect(next).not.toBe(forced)
    expect((await probe(forced)).errcode).toBe(40001)
  })

  it('force_refresh is limited to 20 a day (45009 after), counted apart from normal calls', async () => {
    for (let i = 0; i < 20; i += 1) {
      t.clock.advance(31_000)
      expect(typeof (await stable(true)).access_token).toBe('string')
    }
    t.clock.advance(31_000)
    expect((await stable(true)).errcode).toBe(45009)
    expect(typeof (await stable(false)).access_token).toBe('string')
    t.clock.advance(24 * HOUR)
    expect(typeof (await stable(true)).access_token).toBe('string')
  })

  it('enforces the per-minute quota with 45011', async () => {
    t.sim.control.setLimits({ stableTokenPerMinute: 5 })
    for (let i = 0; i < 5; i += 1) expect(typeof (await stable()).access_token).toBe('string')
    const over = await stable()
    expect(over.errcode).toBe(45011)
    t.clock.advance(MIN)
    expect(typeof (await stable()).access_token).toBe('string')
  })

  it('is isolated from the classic endpoint: neither family retires the other', async () => {
    const stableToken = tokenOf(await stable())
    const classicToken = tokenOf(await classic())
    for (let i = 0; i < 3; i += 1) await classic()
    t.clock.advance(10 * MIN)
    expect((await probe(stableToken)).errcode).toBe(0)
    const fresh = tokenOf(await classic())
    await stable(true)
    expect((await probe(fresh)).errcode).toBe(0)
    expect((await probe(classicToken)).errcode).toBe(40001)
  })
})

describe('credential and token errors', () => {
  it.each([
    ['a wrong appid', 40013, () => stable(false, 'wxnotanaccount00000', DEV.secret)],
    ['a wrong secret', 40125, () => stable(false, DEV.appid, 'wrong-secret')],
    ['a wrong secret (classic)', 40125, () => classic(DEV.appid, 'wrong-secret')],
    ['a missing appid', 41002, () => t.get(`/cgi-bin/token?grant_type=client_credential&secret=${DEV.secret}`)],
    ['a missing secret', 41004, () => t.get(`/cgi-bin/token?grant_type=client_credential&appid=${DEV.appid}`)],
    ['a wrong grant_type', 40002, () => t.get(`/cgi-bin/token?grant_type=password&appid=${DEV.appid}&secret=${DEV.secret}`)],
    ['malformed JSON', 47001, () => t.post('/cgi-bin/stable_token', '{"appid": ')],
    ['an empty body', 44002, () => t.post('/cgi-bin/stable_token', '')],
    ['POST to the GET-only token endpoint', 43001, () => t.post(`/cgi-bin/token?grant_type=client_credential&appid=${DEV.appid}&secret=${DEV.secret}`, {})],
    ['GET to stable_token', 43002, () => t.get('/cgi-bin/stable_token')],
  ])('%s answers %d', async (_label, errcode, call) => {
    const answer = await call()
    expect(answer.errcode).toBe(errcode)
    expect(answer.errmsg).toMatch(/ rid: [0-9a-f]+-[0-9a-f]+-[0-9a-f]+$/)
  })

  it('a token-taking call with no token answers 41001, an unknown one 40001, a mangled one 40014', async () => {
    expect((await t.get('/cgi-bin/ticket/getticket?type=wx_card')).errcode).toBe(41001)
    const unknown = await probe(`81_${'A'.repeat(128)}`)
    expect(unknown.errcode).toBe(40001)
    expect(unknown.errmsg).toMatch(CLASSIC_40001)
    const token = await t.token()
    expect((await probe(`"${token}"`)).errcode).toBe(40014)
    expect((await probe(`${token} `)).errcode).toBe(40014)
  })

  it('a caller outside the IP whitelist gets 40164 naming its IP, on token fetches and on API calls', async () => {
    const token = await t.token()
    t.sim.control.setIpWhitelist({ allowedIps: ['10.1.2.3'] })
    const refused = await stable()
    expect(refused.errcode).toBe(40164)
    expect(refused.errmsg).toMatch(/^invalid ip 127\.0\.0\.1 ipv6 ::ffff:127\.0\.0\.1, not in whitelist rid: \S+$/)
    expect((await classic()).errcode).toBe(40164)
    expect((await probe(token)).errcode).toBe(40164)

    // Pretend the caller is elsewhere, as a cloud function without a fixed outbound IP would be.
    t.sim.control.setIpWhitelist({ allowedIps: ['127.0.0.1'] })
    t.sim.control.setCallerIp({ ip: '1.2.3.4' })
    const elsewhere = await probe(token)
    expect(elsewhere.errmsg).toMatch(/^invalid ip 1\.2\.3\.4 ipv6 ::ffff:1\.2\.3\.4, not in whitelist/)
    // The project's error mapping reads the IP out of errmsg this way.
    expect(/invalid ip ([0-9a-fA-F.:]+)/.exec(elsewhere.errmsg as string)?.[1]).toBe('1.2.3.4')

    t.sim.control.setCallerIp({ ip: null })
    expect((await probe(token)).errcode).toBe(0)
  })
})

describe('card api_ticket /cgi-bin/ticket/getticket', () => {
  it('answers the same wx_card ticket during its validity, distinct from the jsapi ticket, and a new one after', async () => {
    const token = await t.token()
    const first = await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)
    expect(first).toEqual({ errcode: 0, errmsg: 'ok', ticket: expect.any(String), expires_in: 7200 })
    t.clock.advance(HOUR)
    const again = await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)
    expect(again.ticket).toBe(first.ticket)
    const jsapi = await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)
    expect(jsapi.ticket).not.toBe(first.ticket)
    t.clock.advance(HOUR)
    const renewed = await t.get(`/cgi-bin/ticket/getticket?access_token=${await t.token()}&type=wx_card`)
    expect(renewed.ticket).not.toBe(first.ticket)
    expect(t.sim.control.currentTicket({ type: 'wx_card' })).toMatchObject({ ticket: renewed.ticket, generation: 2 })
  })

  it('control can end the ticket early, and an unknown type is refused', async () => {
    const token = await t.token()
    const first = await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)
    expect(t.sim.control.expireTicket({})).toEqual({ expired: true })
    expect(t.sim.control.currentTicket({})).toBeNull()
    expect((await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)).ticket).not.toBe(first.ticket)
    expect((await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_coupon`)).errcode).toBe(40097)
  })
})

describe('control over tokens', () => {
  it('rotating as another party would: the old stable token works for 5 more minutes; immediate rotation retires it at once', async () => {
    const first = await t.token()
    const rotated = t.sim.control.rotateAccessToken({ kind: 'stable' })
    expect(rotated.access_token).not.toBe(first)
    expect((await probe(first)).errcode).toBe(0)
    expect(await t.token()).toBe(rotated.access_token)
    t.clock.advance(5 * MIN)
    expect((await probe(first)).errcode).toBe(40001)
    const immediate = t.sim.control.rotateAccessToken({ kind: 'stable', immediate: true })
    expect((await probe(rotated.access_token)).errcode).toBe(40001)
    expect((await probe(immediate.access_token)).errcode).toBe(0)
  })

  it('invalidating retires every valid token of the account; the next normal fetch brings a new one', async () => {
    const first = await t.token()
    expect(t.sim.control.invalidateAccessToken({})).toEqual({ invalidated: 1 })
    expect((await probe(first)).errcode).toBe(40001)
    const next = await t.token()
    expect(next).not.toBe(first)
    expect(t.sim.control.accessTokens({}).map((r) => r.state)).toEqual(['invalidated', 'valid'])
  })
})
