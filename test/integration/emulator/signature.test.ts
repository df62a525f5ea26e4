/**
 * Only a caller holding this emulator's credentials may use it: every request must carry the
 * TC3-HMAC-SHA256 signature wx-server-sdk makes, checked as CloudBase checks it. Anything else is
 * answered `{code: 'SIGN_PARAM_INVALID', message}` (HTTP 200, as CloudBase answers errors) and
 * changes nothing.
 */
import { randomBytes } from 'node:crypto'
import { type Emulator, startEmulator } from '../../../cloud/local/emulator'
import { newCredentials } from '../../../cloud/local/emulator/credentials'
import { postSigned, signedHeaders } from '../../support/signedRequest'
import { call, CommOpenApiResp, type DocResult, failure, loadSdk, pointSdkAt, TEST_INDEXES } from './sdk'

let emulator: Emulator
const openApiCalls: string[] = []


beforeAll(async () => {
  emulator = await startEmulator({
    indexesFile: TEST_INDEXES,
    handlers: {
      openApi: async (body) => {
        openApiCalls.push(body.toString('latin1'))
        const respData = Buffer.from(JSON.stringify({ errcode: 0, errmsg: 'ok', msgid: 42 }))
        return Buffer.from(CommOpenApiResp.encode(CommOpenApiResp.create({ respData, contentType: 'application/json', errorCode: 0, httpCode: 200 })).finish())
      },
    },
  })
})

afterAll(async () => {
  await emulator.close()
})

beforeEach(() => {
  emulator.db.reset()
  openApiCalls.length = 0
})

const adminPath = () => `${emulator.adminUrl}?env=local-env&seqId=1`
const insert = (id: string) => ({ action: 'database.insertDocument', collectionName: 'items', data: [JSON.stringify({ _id: id, category: 'c1' })] })

async function postRaw(body: string, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(adminPath(), { method: 'POST', body, headers })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

function expectRefused(answer: { status: number; json: Record<string, unknown> }, message: RegExp): void {
  expect(answer.status).toBe(200)
  expect(answer.json).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringMatching(message) })
}

describe('requests the emulator refuses, changing nothing', () => {
  it('an unsigned request', async () => {
    const answer = await postRaw(JSON.stringify(insert('unsigned')), { 'content-type': 'application/json' })
    expectRefused(answer, /request is not signed: no Authorization header/)
    expect(emulator.db.count('items')).toBe(0)
  })

  it('a request signed with the right secret id but a wrong key', async () => {
    const wrongKey = { secretId: emulator.credentials.secretId, secretKey: newCredentials().secretKey }
    expectRefused(await postSigned(adminPath(), insert('wrong-key'), wrongKey), /signature does not match the request/)
    expect(emulator.db.count('items')).toBe(0)
  })

  it('a request signed with credentials of another emulator run (unknown secret id)', async () => {
    expectRefused(await postSigned(adminPath(), insert('stranger'), newCredentials()), /unknown secret id "AKID[0-9a-f]{32}"/)
    expect(emulator.db.count('items')).toBe(0)
  })

  it('a body changed after signing', async () => {
    const signed = insert('signed')
    const headers = signedHeaders(adminPath(), signed, emulator.credentials)
    expectRefused(await postRaw(JSON.stringify(insert('tampered')), headers), /signature does not match the request/)
    expect(emulator.db.count('items')).toBe(0)
  })

  it('a body changed after signing by adding a field that differs only in letter case (the signer folds case)', async () => {
    await postSigned(adminPath(), insert('target'), emulator.credentials)
    const decoy = { action: 'database.removeDocument', collectionName: 'items', queryType: 'DOC', query: '{"_id":"decoy"}', multi: false }
    const headers = signedHeaders(adminPath(), decoy, emulator.credentials)
    // Hashed as one lower-cased name, "Query" (last) would stand in for "query", which the emulator reads.
    const forged = `{"action":"database.removeDocument","collectionName":"items","queryType":"DOC","query":"{\\"_id\\":\\"target\\"}","multi":false,"Query":"{\\"_id\\":\\"decoy\\"}"}`
    expectRefused(await postRaw(forged, headers), /differ only in letter case/)
    expect(emulator.db.documents('items').map((doc) => doc._id)).toEqual(['target'])
  })

  it('a query string changed after signing', async () => {
    const headers = signedHeaders(adminPath(), insert('moved'), emulator.credentials)
    const response = await fetch(`${emulator.adminUrl}?env=other-env&seqId=1`, { method: 'POST', body: JSON.stringify(insert('moved')), headers })
    expectRefused({ status: response.status, json: (await response.json()) as Record<string, unknown> }, /signature does not match/)
    expect(emulator.db.count('items')).toBe(0)
  })

  it.each([
    ['made an hour ago', -3600, /signature expired: made 3600 s ago, valid for 600 s/],
    ['dated an hour ahead', 3600, /signature timestamp is 3600 s ahead of this clock/],
  ])('a signature %s', async (_label, offset, message) => {
    const timestamp = Math.floor(Date.now() / 1000) + offset
    expectRefused(await postSigned(adminPath(), insert('stale'), emulator.credentials, { timestamp }), message)
    expect(emulator.db.count('items')).toBe(0)
  })

  it('a wx.openApi (multipart) request whose payload changed after signing never reaches the WeChat side', async () => {
    const boundary = `----test${randomBytes(8).toString('hex')}`
    const multipart = (requestData: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="action"\r\n\r\nwx.openApi\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="apiName"\r\n\r\nsubscribeMessage.send\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="requestData"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        requestData,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ])
    const contentType = `multipart/form-data; boundary=${boundary}`
    const signedData = Buffer.from('{"touser":"oSigned"}')
    const params = { action: 'wx.openApi', apiName: 'subscribeMessage.send', requestData: signedData }
    const headers = signedHeaders(adminPath(), params, emulator.credentials, { contentType })

    const honest = await fetch(adminPath(), { method: 'POST', body: multipart(signedData), headers })
    expect(honest.headers.get('content-type')).toBe('application/octet-stream')
    expect(openApiCalls).toHaveLength(1)

    const tampered = await fetch(adminPath(), { method: 'POST', body: multipart(Buffer.from('{"touser":"oForged"}')), headers })
    // Exactly this content type, or the SDK would decode the error as protobuf.
    expect(tampered.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await tampered.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID', message: expect.stringContaining('signature does not match') })
    expect(openApiCalls).toHaveLength(1)
  })

  it('/health stays open', async () => {
    const response = await fetch(emulator.adminUrl.replace('/admin', '/health'))
    expect(await response.json()).toEqual({ ok: true })
  })
})

describe('wx-server-sdk', () => {
  it('with this emulator\'s credentials, reads and writes the database and calls wx.openApi (multipart)', async () => {
    pointSdkAt(emulator)
    const cloud = await loadSdk()
    const items = cloud.database().collection('items')
    await call(items.add({ data: { _id: 'sdk', category: 'c2' } }))
    expect((await call<DocResult>(items.doc('sdk').get())).data).toEqual({ _id: 'sdk', category: 'c2' })
    const sent = await call(cloud.openapi.subscribeMessage.send({ touser: 'oUser', templateId: 'TPL', data: { thing1: { value: '签名' } } }))
    expect(sent).toMatchObject({ errCode: 0, msgid: 42 })
    expect(openApiCalls).toHaveLength(1)
  })

  it('with another key, fails with the emulator\'s reason and writes nothing', async () => {
    pointSdkAt({ adminUrl: emulator.adminUrl, credentials: { secretId: emulator.credentials.secretId, secretKey: 'not-the-key' } })
    const cloud = await loadSdk()
    const error = await failure(cloud.database().collection('items').add({ data: { _id: 'intruder' } }))
    expect(error.errCode).toBe(-501001)
    expect(error.errMsg).toContain('signature does not match the request')
    const openApi = await failure(cloud.openapi.subscribeMessage.send({ touser: 'oUser', templateId: 'TPL', data: {} }))
    expect(openApi.errMsg).toContain('signature does not match the request')
    expect(emulator.db.count('items')).toBe(0)
    expect(openApiCalls).toHaveLength(0)
  })
})
