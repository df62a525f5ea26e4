/**
 * What the emulator does before any work on a request body: the signature's headers are checked
 * before the body is read (an unsigned or wrongly-keyed request is refused without reading it), a
 * declared or streamed size over the cap is refused, the signature is checked over the raw body
 * text (no JSON.parse), and the nesting depth is capped before the one JSON.parse of a signed body.
 */
import net from 'node:net'
import { type Emulator, startEmulator } from '../../../cloud/local/emulator'
import { newCredentials } from '../../../cloud/local/emulator/credentials'
import { newFreeSeats } from '../../../cloud/src/domain/seats'
import { postSigned, signedHeaders } from '../../support/signedRequest'
import { call, loadSdk, pointSdkAt, TEST_INDEXES } from './sdk'

// The streamed body test sends megabytes through a loaded machine.
jest.setTimeout(30_000)

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({ indexesFile: TEST_INDEXES, log: () => undefined })
})

afterAll(async () => {
  await emulator.close()
})

beforeEach(() => emulator.db.reset())

const MB = 1024 * 1024
const adminPath = () => `${emulator.adminUrl}?env=local-env&seqId=1`
const count = { action: 'database.calculateDocument', collectionName: 'items', queryType: 'WHERE', query: '{}' }

interface RawAnswer {
  status: number
  json: Record<string, unknown>
  /** Milliseconds from the first byte sent to the whole answer. */
  ms: number
}

/**
 * Sends the request line, `headers` and only `bodyPart` of a body that may be declared far longer
 * (or, with `chunkBytes`, streams chunks of that size until the answer comes), reading the socket
 * all along: an answer proves the emulator decided without reading the rest.
 */
function rawRequest(headers: Record<string, string>, bodyPart: string, options: { chunkBytes?: number; waitMs?: number } = {}): Promise<RawAnswer & { sent: number }> {
  const url = new URL(adminPath())
  const waitMs = options.waitMs ?? 3000
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = net.connect(Number(url.port), url.hostname)
    let received = Buffer.alloc(0)
    let sent = 0
    let streaming: NodeJS.Timeout | undefined
    const stop = () => {
      clearTimeout(timer)
      clearInterval(streaming)
      socket.destroy()
    }
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`no answer within ${waitMs} ms: the emulator is waiting for the rest of the body`))
    }, waitMs)
    socket.on('error', () => undefined)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const text = received.toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      if (split < 0) return
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(text.slice(0, split))?.[1])
      const body = text.slice(split + 4)
      if (Buffer.byteLength(body) < length) return
      stop()
      resolve({ status: Number(text.slice(9, 12)), json: JSON.parse(body) as Record<string, unknown>, ms: Date.now() - started, sent })
    })
    const head = [`POST ${url.pathname}${url.search} HTTP/1.1`, ...Object.entries({ host: url.host, ...headers }).map(([name, value]) => `${name}: ${value}`)]
    socket.write(`${head.join('\r\n')}\r\n\r\n${bodyPart}`)
    const { chunkBytes } = options
    if (chunkBytes) {
      const chunk = `${chunkBytes.toString(16)}\r\n${'['.repeat(chunkBytes)}\r\n`
      streaming = setInterval(() => {
        if (sent < 40 * MB && socket.writableLength < 4 * chunkBytes) {
          socket.write(chunk)
          sent += chunkBytes
        }
      }, 1)
    }
  })
}

const partialRequest = (headers: Record<string, string>, bodyPart: string) => rawRequest(headers, bodyPart)

/** A body of about `bytes`, nested thousands of levels deep, as the attacker sent. */
const hostileBody = (bytes: number) => `{"action":"database.insertDocument","collectionName":"items","data":${'['.repeat(bytes / 2)}`

describe('before the body is read', () => {
  it('an unsigned request declaring a 30 MB nested body is refused after its first kilobyte, unread', async () => {
    const answer = await partialRequest({ 'content-type': 'application/json', 'content-length': String(30 * MB) }, hostileBody(1024))
    expect(answer.json).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/request is not signed: no Authorization header/) })
    expect(emulator.db.count('items')).toBe(0)
  })

  it('a request signed by another emulator\'s credentials (unknown secret id) is refused unread too', async () => {
    const headers = signedHeaders(adminPath(), count, newCredentials())
    const answer = await partialRequest({ ...headers, 'content-length': String(30 * MB) }, hostileBody(1024))
    expect(answer.json).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/unknown secret id/) })
  })

  it('an expired signature is refused unread', async () => {
    const headers = signedHeaders(adminPath(), count, emulator.credentials, { timestamp: Math.floor(Date.now() / 1000) - 3600 })
    const answer = await partialRequest({ ...headers, 'content-length': String(30 * MB) }, hostileBody(1024))
    expect(answer.json).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/signature expired/) })
  })

  it('a correctly signed request declaring a body over the cap is refused at once with 413', async () => {
    const headers = signedHeaders(adminPath(), count, emulator.credentials)
    const answer = await partialRequest({ ...headers, 'content-length': String(30 * MB) }, hostileBody(1024))
    expect(answer.status).toBe(413)
    expect(answer.json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/request body of 31457280 bytes exceeds the \d+-byte limit/) })
  })

  it('a correctly signed body streamed past the cap (chunked, no Content-Length) is cut off with 413', async () => {
    const headers = signedHeaders(adminPath(), count, emulator.credentials)
    const answer = await rawRequest({ ...headers, 'transfer-encoding': 'chunked' }, '', { chunkBytes: 64 * 1024, waitMs: 15_000 })
    expect(answer.status).toBe(413)
    expect(answer.json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringMatching(/request body exceeds the \d+-byte limit/) })
    expect(answer.sent).toBeLessThan(10 * MB)
  })
})

describe('the signature is checked over the raw body, before any JSON.parse', () => {
  let parse: jest.SpyInstance
  beforeEach(() => {
    parse = jest.spyOn(JSON, 'parse')
  })
  afterEach(() => parse.mockRestore())
  /** Lengths of the texts of more than 100 kB that JSON.parse was given. */
  const bigParses = () => parse.mock.calls.map(([text]) => String(text).length).filter((length) => length > 100_000)

  it('a wrongly keyed 1.5 MB body, valid JSON for its first MB and garbage after, is refused as not matching its signature, never parsed', async () => {
    const wrongKey = { secretId: emulator.credentials.secretId, secretKey: newCredentials().secretKey }
    const body = `{"action":"database.insertDocument","collectionName":"items","pad":"${'x'.repeat(MB)}","data":${'[{"a":'.repeat(50_000)}`
    const headers = signedHeaders(adminPath(), count, wrongKey)
    const response = await fetch(adminPath(), { method: 'POST', headers, body })
    expect(await response.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/signature does not match the request/) })
    expect(bigParses()).toEqual([])
    expect(emulator.db.count('items')).toBe(0)
  })

  it('a wrongly keyed valid body nested 100,000 levels deep is refused as not matching, never parsed', async () => {
    const wrongKey = { secretId: emulator.credentials.secretId, secretKey: newCredentials().secretKey }
    const body = `{"action":"database.calculateDocument","collectionName":"items","payload":${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    const response = await fetch(adminPath(), { method: 'POST', headers: signedHeaders(adminPath(), count, wrongKey), body })
    expect(await response.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/signature does not match the request/) })
    expect(bigParses()).toEqual([])
  })

  it('a body with escapes in its top-level keys and strings and spacing inside its values verifies as the SDK signed it', async () => {
    const params = { action: 'database.insertDocument', collectionName: 'items', data: [JSON.stringify({ _id: 'esc', category: 'é' })] }
    // The same fields as the SDK would serialise them, written with escapes and spacing the signer never sees.
    const text = ` { "\\u0061ction" : "database.insertDocument" ,\n"collectionName":"it\\u0065ms", "data" : ${JSON.stringify(params.data)} } `
    const response = await fetch(adminPath(), { method: 'POST', headers: signedHeaders(adminPath(), params, emulator.credentials), body: text })
    expect(await response.json()).toMatchObject({ data: { insertedIds: ['esc'] } })
  })

  it('a non-string top-level value is signed as its raw text: the same value written differently does not verify', async () => {
    const params = { ...count, limit: 5 }
    const response = await fetch(adminPath(), { method: 'POST', headers: signedHeaders(adminPath(), params, emulator.credentials), body: JSON.stringify(params).replace('"limit":5', '"limit":5.0') })
    expect(await response.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/signature does not match the request/) })
  })

  it('a body repeating a top-level field is refused: the signature would cover one, the parse keep the other', async () => {
    const headers = signedHeaders(adminPath(), count, emulator.credentials)
    const response = await fetch(adminPath(), { method: 'POST', headers, body: `${JSON.stringify(count).slice(0, -1)},"collectionName":"accounts"}` })
    expect(await response.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(/"collectionName" appears twice/) })
  })
})

describe('nesting and size of signed bodies', () => {
  const nested = (levels: number) => ({ ...count, payload: JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`) as unknown })

  it('a signed body nested 32 levels (counting the body) is served; 33 is refused as too deep', async () => {
    expect((await postSigned(adminPath(), nested(31), emulator.credentials)).json).toMatchObject({ data: { total: 0 } })
    expect((await postSigned(adminPath(), nested(32), emulator.credentials)).json).toMatchObject({
      code: 'INVALID_PARAM',
      message: expect.stringMatching(/request body nests deeper than 32 levels/),
    })
  })

  it('the largest request the product sends, 500 free seats in one insert, fits well under the cap', async () => {
    pointSdkAt(emulator)
    const cloud = await loadSdk()
    const seats = newFreeSeats({ _id: `s${'0'.repeat(31)}`, eventId: `e${'0'.repeat(31)}` }, 500, 1, 16)
    await call(cloud.database().collection('tickets').add({ data: seats }))
    expect(emulator.db.count('tickets')).toBe(500)
  })
})
