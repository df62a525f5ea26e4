import path from 'node:path'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { startGateway, type Gateway } from '../../../cloud/local/runtime/gateway'
import { Runtime } from '../../../cloud/local/runtime/runtime'

const fixture = (name: string) => path.join(__dirname, 'fixtures', `${name}.ts`)

let runtime: Runtime
let gateway: Gateway
const logged: string[] = []

beforeAll(async () => {
  runtime = new Runtime({
    functions: [
      defineFunctionAt('slow', fixture('slow'), { timeout: 10 }),
      defineFunctionAt('failing', fixture('failing'), { timeout: 1 }),
    ],
    adminUrl: 'http://127.0.0.1:9/admin',
    maxInstances: 2,
  })
  gateway = await startGateway(runtime, { maxBodyBytes: 4096, log: (line) => logged.push(line) })
})

afterAll(async () => {
  await gateway.close()
  await runtime.close()
})

function post(fn: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}/api/${fn}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
}

describe('HTTP gateway', () => {
  it('invokes the function with the event and the development identity, answering its result as JSON', async () => {
    const res = await post('slow', JSON.stringify({ sleepMs: 1, hello: '世界' }), { 'x-wx-openid': 'oDevUser_1' })
    expect(res.status).toBe(200)
    const body = await res.json()
    expect(body).toMatchObject({ openidAfter: 'oDevUser_1', source: 'wx_client', event: { sleepMs: 1, hello: '世界' } })
  })

  it('calls without the identity header reach the function with no OPENID, as CloudBase HTTP access does', async () => {
    const body = await (await post('slow', JSON.stringify({ sleepMs: 1 }))).json()
    expect(body).toMatchObject({ openidAfter: null, source: 'wx_http' })
  })

  it.each([
    ['an unknown function', () => post('nope', '{}'), 404, 'UNKNOWN_FUNCTION'],
    ['a path outside /api', () => fetch(`${gateway.url}/other`, { method: 'POST', body: '{}' }), 404, 'UNKNOWN_FUNCTION'],
    ['malformed JSON', () => post('slow', '{"sleepMs": '), 400, 'INVALID_INPUT'],
    ['a JSON array instead of an event object', () => post('slow', '[1,2]'), 400, 'INVALID_INPUT'],
    ['a body over the limit', () => post('slow', JSON.stringify({ pad: 'x'.repeat(5000) })), 413, 'PAYLOAD_TOO_LARGE'],
    ['a GET', () => fetch(`${gateway.url}/api/slow`), 405, 'INVALID_INPUT'],
    ['a malformed identity header', () => post('slow', '{}', { 'x-wx-openid': 'bad id!' }), 400, 'INVALID_INPUT'],
  ])('answers %s with a clear 4xx and a stable code', async (_label, send, status, code) => {
    const res = await send()
    expect(res.status).toBe(status)
    const body = (await res.json()) as { ok: boolean; error: { code: string; message: string } }
    expect(body.ok).toBe(false)
    expect(body.error.code).toBe(code)
    expect(body.error.message.length).toBeGreaterThan(10)
  })

  it('reports a function that throws or times out as a 5xx INTERNAL error, then keeps serving', async () => {
    const thrown = await post('failing', JSON.stringify({ mode: 'throw' }))
    expect(thrown.status).toBe(502)
    expect(await thrown.json()).toMatchObject({ ok: false, error: { code: 'INTERNAL', retryable: false } })

    const hung = await post('failing', JSON.stringify({ mode: 'hang' }))
    expect(hung.status).toBe(504)
    expect(await hung.json()).toMatchObject({ ok: false, error: { code: 'INTERNAL', retryable: true } })

    const after = await post('failing', JSON.stringify({ mode: 'count' }))
    expect(after.status).toBe(200)
    expect(logged).toEqual([
      'gateway: failing error: deliberate failure',
      'gateway: failing timeout: failing timed out after 1000 ms',
    ])
  })
})
