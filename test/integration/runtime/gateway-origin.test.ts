/**
 * The development gateway answers browsers of its own H5 origin only: a page on another site must
 * not be able to call it with the development identity header (and read, say, dev_organizer's
 * full-phone export), nor reach it through a DNS name rebound to 127.0.0.1. Callers without an
 * Origin (mini-program hosts, node clients, curl) are not browsers and keep working.
 */
import http from 'node:http'
import path from 'node:path'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { startGateway, type Gateway } from '../../../cloud/local/runtime/gateway'
import { Runtime } from '../../../cloud/local/runtime/runtime'

const H5 = 'http://127.0.0.1:10086'
const H5_LOCALHOST = 'http://localhost:10086'

let runtime: Runtime
let gateway: Gateway
let invoke: jest.SpyInstance

beforeAll(async () => {
  runtime = new Runtime({
    functions: [defineFunctionAt('slow', path.join(__dirname, 'fixtures', 'slow.ts'), { timeout: 10 })],
    adminUrl: 'http://127.0.0.1:9/admin',
    maxInstances: 1,
  })
  gateway = await startGateway(runtime, { allowedOrigins: [H5, H5_LOCALHOST], log: () => undefined })
})

afterAll(async () => {
  await gateway.close()
  await runtime.close()
})

beforeEach(() => {
  invoke = jest.spyOn(runtime, 'invoke')
})

afterEach(() => invoke.mockRestore())

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: { ok?: boolean; error?: { code: string; message: string }; openidAfter?: string | null }
}

/** A request with exactly these headers (fetch would not let a test set Host or Origin freely). */
function request(method: string, headers: Record<string, string>, body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${gateway.url}/api/slow`, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Answer['body']) : {} }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const call = (headers: Record<string, string>) => request('POST', { 'x-wx-openid': 'dev_organizer', ...headers }, JSON.stringify({ sleepMs: 1 }))
const preflight = (origin: string) =>
  request('OPTIONS', { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-wx-openid' })

describe('browsers of another origin', () => {
  it('a call from http://evil.example with the identity header is refused 403 FORBIDDEN and runs no function', async () => {
    const answer = await call({ origin: 'http://evil.example' })
    expect(answer.status).toBe(403)
    expect(answer.body).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringMatching(/origin "http:\/\/evil\.example" is not allowed/) } })
    expect(answer.headers['access-control-allow-origin']).toBeUndefined()
    expect(invoke).not.toHaveBeenCalled()
  })

  it('a preflight from a foreign origin gets no access-control-allow-origin', async () => {
    const answer = await preflight('http://evil.example')
    expect(answer.headers['access-control-allow-origin']).toBeUndefined()
    expect(answer.headers['access-control-allow-headers']).toBeUndefined()
    expect(answer.status).toBe(403)
  })

  it.each([
    ['another port of 127.0.0.1', 'http://127.0.0.1:10087'],
    ['https instead of http', 'https://127.0.0.1:10086'],
    ['a sandboxed page or file://', 'null'],
    ['a lookalike host', 'http://127.0.0.1.evil.example:10086'],
  ])('%s (%s) is refused too', async (_label, origin) => {
    expect((await call({ origin })).status).toBe(403)
    expect(invoke).not.toHaveBeenCalled()
  })
})

describe('DNS rebinding', () => {
  it.each(['evil.example', 'evil.example:8787', '10.0.0.5:8787', 'localhost.evil.example'])('a request whose Host is %s is refused 403 FORBIDDEN, even with no Origin', async (host) => {
    const answer = await call({ host })
    expect(answer.status).toBe(403)
    expect(answer.body.error).toEqual({ code: 'FORBIDDEN', message: expect.stringMatching(/host .* is not a loopback name or address/) })
    expect(invoke).not.toHaveBeenCalled()
  })

  it.each(['127.0.0.1', 'localhost', '[::1]', 'LOCALHOST'])('Host %s (with the port) is served', async (name) => {
    const port = new URL(gateway.url).port
    const answer = await call({ host: `${name}:${port}` })
    expect(answer.status).toBe(200)
  })
})

describe('the gateway\'s own H5 origin, and callers that are not browsers', () => {
  it.each([H5, H5_LOCALHOST])('a preflight from %s is allowed for POST with the identity header, naming that origin (never *)', async (origin) => {
    const answer = await preflight(origin)
    expect(answer.status).toBe(204)
    expect(answer.headers['access-control-allow-origin']).toBe(origin)
    expect(answer.headers['access-control-allow-headers']).toContain('x-wx-openid')
    expect(answer.headers.vary).toMatch(/origin/i)
  })

  it('a call from the H5 origin is answered, with that origin allowed to read it', async () => {
    const answer = await call({ origin: H5 })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ openidAfter: 'dev_organizer' })
    expect(answer.headers['access-control-allow-origin']).toBe(H5)
  })

  it('a call with no Origin (a mini-program host, node, curl) is answered, with no CORS header', async () => {
    const answer = await call({})
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ openidAfter: 'dev_organizer' })
    expect(answer.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('a gateway started without allowedOrigins answers no browser at all', async () => {
    const bare = await startGateway(runtime, { log: () => undefined })
    try {
      const res = await fetch(`${bare.url}/api/slow`, { method: 'POST', body: '{"sleepMs":1}', headers: { origin: H5 } })
      expect(res.status).toBe(403)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await bare.close()
    }
  })
})
