/**
 * Counters, fault injection and the control API over HTTP: what lets tests assert "exactly one
 * token fetch" and survive "30% of calls fail".
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { connectSimulatorControl } from '../../../cloud/local/wechat'
import { DEV, startSim, type TestSim } from './support'

let t: TestSim
beforeEach(async () => {
  t = await startSim()
})
afterEach(() => t.close())

const stable = () => t.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: DEV.appid, secret: DEV.secret })

describe('counters', () => {
  it('count every call per endpoint with its outcome, and reset', async () => {
    const token = await t.token()
    await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)
    await t.get('/cgi-bin/ticket/getticket?access_token=bogus&type=wx_card')
    expect(t.sim.control.counters()).toEqual({
      '/cgi-bin/stable_token': { calls: 1, ok: 1, errors: {} },
      '/cgi-bin/ticket/getticket': { calls: 2, ok: 1, errors: { 40001: 1 } },
    })
    t.sim.control.resetCounters({ endpoint: '/cgi-bin/stable_token' })
    expect(Object.keys(t.sim.control.counters())).toEqual(['/cgi-bin/ticket/getticket'])
    t.sim.control.resetCounters()
    expect(t.sim.control.counters()).toEqual({})
  })
})

describe('fault injection', () => {
  it('a script answers the next errcodes in order (0 lets a call through), then calls succeed again', async () => {
    t.sim.control.scriptFaults({ endpoint: '/cgi-bin/stable_token', errcodes: [-1, 0, 45011] })
    const answers = [await stable(), await stable(), await stable(), await stable()]
    expect(answers.map((a) => a.errcode ?? 0)).toEqual([-1, 0, 45011, 0])
    expect(answers[0].errmsg).toMatch(/^system error rid: /)
    expect(t.sim.control.counters()['/cgi-bin/stable_token']).toEqual({ calls: 4, ok: 2, errors: { '-1': 1, 45011: 1 } })
  })

  it('a rate for "*" fails that share of server calls (seeded), leaves the wallet alone, and is counted', async () => {
    const token = await t.token()
    t.sim.control.setFault({ endpoint: '*', errcode: -1, rate: 0.3, seed: 42 })
    const answers = await Promise.all(Array.from({ length: 1000 }, () => t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)))
    const failed = answers.filter((a) => a.errcode === -1).length
    expect(failed).toBeGreaterThan(250)
    expect(failed).toBeLessThan(350)
    expect(answers.every((a) => a.errcode === -1 || a.errcode === 0)).toBe(true)
    expect(t.sim.control.counters()['/cgi-bin/ticket/getticket']).toEqual({ calls: 1000, ok: 1000 - failed, errors: { '-1': failed } })
    const wallet = await t.post('/wallet/openCard', { cardList: [{ cardId: 'pNoSuchCard', code: '1' }] })
    expect(wallet.errcode).toBe(40073)
  })

  it('a rate for one endpoint fails only that endpoint; rate 0 removes it', async () => {
    t.sim.control.setFault({ endpoint: '/cgi-bin/ticket/getticket', errcode: 45009, rate: 1 })
    const token = await t.token()
    expect((await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)).errcode).toBe(45009)
    t.sim.control.setFault({ endpoint: '/cgi-bin/ticket/getticket', errcode: 45009, rate: 0 })
    expect((await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)).errcode).toBe(0)
  })

  it('an injected 40164 names the caller IP like the real one', async () => {
    t.sim.control.scriptFaults({ errcodes: [40164] })
    expect((await stable()).errmsg).toMatch(/^invalid ip 127\.0\.0\.1 ipv6 ::ffff:127\.0\.0\.1, not in whitelist rid: /)
  })

  it('latency delays answers; clearFaults removes every rule', async () => {
    t.sim.control.setLatency({ endpoint: '/cgi-bin/stable_token', ms: 150 })
    const started = Date.now()
    expect(typeof (await stable()).access_token).toBe('string')
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    t.sim.control.scriptFaults({ errcodes: [-1] })
    t.sim.control.clearFaults()
    expect(t.sim.control.faults()).toEqual({ rates: {}, scripts: {}, latencyMs: {} })
    expect(typeof (await stable()).access_token).toBe('string')
  })
})

describe('control over HTTP (/__sim/*)', () => {
  it('serves every control method to another process, with clear 4xx for bad input', async () => {
    const remote = connectSimulatorControl(t.sim.baseUrl)
    await remote.scriptFaults({ endpoint: '/cgi-bin/stable_token', errcodes: [-1] })
    expect((await stable()).errcode).toBe(-1)
    expect((await remote.counters())['/cgi-bin/stable_token']).toEqual({ calls: 1, ok: 0, errors: { '-1': 1 } })
    const before = await remote.now()
    expect(await remote.advanceClock({ ms: 60_000 })).toBe(before + 60_000)
    await remote.setCallerIp({ ip: '8.8.8.8' })
    expect(await remote.network()).toEqual({ allowedIps: 'any', callerIp: '8.8.8.8' })

    const listing = (await (await fetch(t.url('/__sim'))).json()) as { ok: boolean; methods: string[] }
    expect(listing.methods).toEqual(expect.arrayContaining(['counters', 'setFault', 'approveCard', 'advanceClock', 'subscribeMessages']))
    const unknown = await fetch(t.url('/__sim/nope'), { method: 'POST' })
    expect(unknown.status).toBe(404)
    const bad = await fetch(t.url('/__sim/setFault'), { method: 'POST', body: JSON.stringify({ errcode: -1, rate: 7 }) })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/rate must be between 0 and 1/)
    await expect(remote.approveCard({ cardId: 'pNoSuchCard' })).rejects.toThrow(/no card pNoSuchCard/)
  })

  it('reset forgets tokens, faults, counters and the clock offset', async () => {
    const token = await t.token()
    t.sim.control.setFault({ errcode: -1, rate: 1 })
    t.sim.control.reset()
    expect(t.sim.control.counters()).toEqual({})
    expect((await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)).errcode).toBe(40001)
  })
})

describe('unknown paths', () => {
  it('answer 404 with 40066 listing what the simulator serves', async () => {
    const res = await fetch(t.url('/cgi-bin/nope'))
    expect(res.status).toBe(404)
    expect(((await res.json()) as { errcode: number }).errcode).toBe(40066)
  })
})

describe('load', () => {
  /** A do-nothing HTTP server answering a token: the floor any Node server on this machine can reach. */
  async function baselineServer(): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        const text = '{"access_token":"x","expires_in":7200}'
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length })
        res.end(text)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections() }) }
  }

  async function burst(url: string, n: number): Promise<{ ms: number; tokens: Set<unknown> }> {
    const body = JSON.stringify({ grant_type: 'client_credential', appid: DEV.appid, secret: DEV.secret })
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({ length: n }, async () => (await fetch(`${url}/cgi-bin/stable_token`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).json() as Promise<{ access_token?: string }>),
    )
    return { ms: performance.now() - started, tokens: new Set(answers.map((a) => a.access_token)) }
  }

  it('answers 2,000 concurrent token requests about as fast as a do-nothing server, all with the same token', async () => {
    const baseline = await baselineServer()
    try {
      const floor = await burst(baseline.url, 2000)
      const sim = await burst(t.sim.baseUrl, 2000)
      expect(sim.tokens.size).toBe(1)
      expect(t.sim.control.counters()['/cgi-bin/stable_token']).toEqual({ calls: 2000, ok: 2000, errors: {} })
      // On a shared machine the client dominates both runs; the simulator must not add much to it.
      expect(sim.ms).toBeLessThan(floor.ms * 2.5 + 500)
    } finally {
      await baseline.close()
    }
  }, 30_000)
})
