/**
 * The gateway at the edges of its input: events nested absurdly deep, bodies streamed in chunks
 * past the size limit, and identity headers that wx-server-sdk would read as numbers.
 */
import net from 'node:net'
import path from 'node:path'
import { defineFunctionAt } from '../../../cloud/local/runtime/functions'
import { startGateway, type Gateway } from '../../../cloud/local/runtime/gateway'
import { Runtime } from '../../../cloud/local/runtime/runtime'

const BODY_LIMIT = 16 * 1024

let runtime: Runtime
let gateway: Gateway

beforeAll(async () => {
  runtime = new Runtime({
    functions: [defineFunctionAt('slow', path.join(__dirname, 'fixtures', 'slow.ts'), { timeout: 10 })],
    adminUrl: 'http://127.0.0.1:9/admin',
    maxInstances: 2,
  })
  gateway = await startGateway(runtime, { maxBodyBytes: BODY_LIMIT, log: () => undefined })
})

afterAll(async () => {
  await gateway.close()
  await runtime.close()
})

interface GatewayAnswer {
  ok: boolean
  error?: { code: string; message: string }
  openidAfter?: string | number | null
  event?: unknown
}

async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: GatewayAnswer }> {
  const res = await fetch(`${gateway.url}/api/slow`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  return { status: res.status, body: (await res.json()) as GatewayAnswer }
}

/** `{"action": ..., "payload": [[...[1]...]]}`: an event whose payload nests `levels` arrays. */
function nestedEvent(levels: number): string {
  return `{"action":"events.list","payload":${'['.repeat(levels)}1${']'.repeat(levels)}}`
}

describe('deeply nested events', () => {
  it('refuses an event nested 5000 levels deep with 400 INVALID_INPUT, and keeps serving', async () => {
    const answer = await post(nestedEvent(5000))
    expect(answer.status).toBe(400)
    expect(answer.body.ok).toBe(false)
    expect(answer.body.error?.code).toBe('INVALID_INPUT')
    expect(answer.body.error?.message).toMatch(/nested deeper than 32 levels/)

    const after = await post(JSON.stringify({ sleepMs: 1 }))
    expect(after.status).toBe(200)
  })

  it('passes an event nested exactly to the limit (32 levels, counting the event object) and refuses one level more', async () => {
    const atLimit = await post(`{"sleepMs":1,"payload":${'['.repeat(31)}${']'.repeat(31)}}`)
    expect(atLimit.status).toBe(200)
    expect(JSON.stringify(atLimit.body.event)).toContain('[[[[')

    const overLimit = await post(`{"sleepMs":1,"payload":${'['.repeat(32)}${']'.repeat(32)}}`)
    expect(overLimit.status).toBe(400)
    expect(overLimit.body.error?.code).toBe('INVALID_INPUT')
  })

  it('does not count brackets inside strings', async () => {
    const answer = await post(JSON.stringify({ sleepMs: 1, note: '['.repeat(500) + '{'.repeat(500) }))
    expect(answer.status).toBe(200)
  })
})

interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
  /** The server ended the connection (FIN or reset) after answering. */
  closedByServer: boolean
}

/**
 * A raw HTTP/1.1 client that streams the body as chunks (no content-length) until the server
 * answers or `chunks` have gone out, reading the socket all along, as a well-behaved client does.
 */
function streamChunked(port: number, chunkSize: number, chunks: number): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    const chunk = `${chunkSize.toString(16)}\r\n${'x'.repeat(chunkSize)}\r\n`
    const finish = (closedByServer: boolean) => {
      clearInterval(timer)
      const text = received.toString('utf8')
      const headEnd = text.indexOf('\r\n\r\n')
      if (headEnd < 0) return reject(new Error(`no HTTP response before the connection ended (got ${JSON.stringify(text)})`))
      const [statusLine, ...headerLines] = text.slice(0, headEnd).split('\r\n')
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]))
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(headEnd + 4), closedByServer })
    }
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data])
    })
    socket.on('error', () => finish(true))
    socket.on('end', () => finish(true))
    socket.on('connect', () => {
      socket.write(`POST /api/slow HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`)
      timer = setInterval(() => {
        if (received.length > 0 || sent >= chunks) {
          clearInterval(timer)
          if (sent >= chunks && received.length === 0) socket.write('0\r\n\r\n')
          return
        }
        socket.write(chunk)
        sent += 1
      }, 2)
    })
    setTimeout(() => {
      socket.destroy()
      finish(false)
    }, 10_000).unref()
  })
}

describe('chunked bodies over the limit', () => {
  it('answers 413 PAYLOAD_TOO_LARGE with the JSON envelope, then closes the connection', async () => {
    const answer = await streamChunked(gateway.port, 512, 200)
    expect(answer.status).toBe(413)
    expect(answer.headers['content-type']).toMatch(/^application\/json/)
    expect(answer.headers.connection).toBe('close')
    const body = JSON.parse(answer.body) as GatewayAnswer
    expect(body).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(`${BODY_LIMIT}-byte limit`) } })
    expect(answer.closedByServer).toBe(true)
  })

  it('still serves a chunked body under the limit', async () => {
    const res = await fetch(`${gateway.url}/api/slow`, {
      method: 'POST',
      body: new Blob([JSON.stringify({ sleepMs: 1, pad: 'y'.repeat(1000) })]).stream(),
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ event: { sleepMs: 1 } })
  })
})

describe('the development identity header', () => {
  it.each(['0012345', '12345', '0'])('refuses the all-digit openid %s with 400 INVALID_INPUT naming the header', async (openid) => {
    const answer = await post(JSON.stringify({ sleepMs: 1 }), { 'x-wx-openid': openid })
    expect(answer.status).toBe(400)
    expect(answer.body.error?.code).toBe('INVALID_INPUT')
    expect(answer.body.error?.message).toContain('x-wx-openid')
    expect(answer.body.error?.message).toMatch(/digits/)
  })

  it('keeps openids that mix digits with letters apart, as the function sees them', async () => {
    const first = await post(JSON.stringify({ sleepMs: 1 }), { 'x-wx-openid': 'o0012345' })
    const second = await post(JSON.stringify({ sleepMs: 1 }), { 'x-wx-openid': 'o12345' })
    expect([first.body.openidAfter, second.body.openidAfter]).toEqual(['o0012345', 'o12345'])
  })
})
