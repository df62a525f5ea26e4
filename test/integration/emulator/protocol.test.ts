/**
 * The emulator's HTTP protocol beyond the database: bad requests, function calls, openapi calls,
 * and the index plan a query gets. Through the real SDK where the SDK can send it.
 */
import { type Emulator, startEmulator } from '../../../cloud/local/emulator'
import { postSigned } from '../../support/signedRequest'
import { call, CommOpenApiResp, failure, loadSdk, pointSdkAt, TEST_INDEXES } from './sdk'

let emulator: Emulator
const invocations: { name: string; data: unknown }[] = []
const openApiBodies: { body: string; contentType: string }[] = []


beforeAll(async () => {
  emulator = await startEmulator({
    indexesFile: TEST_INDEXES,
    handlers: {
      invokeFunction: async ({ name, data }) => {
        invocations.push({ name, data })
        if (name === 'broken') throw new Error('callee blew up')
        return { echoed: data, from: name }
      },
      openApi: async (body, contentType) => {
        openApiBodies.push({ body: body.toString('latin1'), contentType })
        const respData = Buffer.from(JSON.stringify({ errcode: 0, errmsg: 'ok', msgid: 7001 }))
        return Buffer.from(CommOpenApiResp.encode(CommOpenApiResp.create({ respData, contentType: 'application/json', errorCode: 0, httpCode: 200 })).finish())
      },
    },
  })
})

afterAll(async () => {
  await emulator.close()
})

beforeEach(() => pointSdkAt(emulator))

/** A signed POST as the SDK makes it; a string body is sent and signed as raw text. */
function post(body: Record<string, unknown> | string): Promise<{ status: number; json: Record<string, unknown> }> {
  return postSigned(`${emulator.adminUrl}?env=local-env&seqId=1`, body, emulator.credentials)
}

describe('protocol', () => {
  it('an unknown action answers {code, message} naming the actions served', async () => {
    const { status, json } = await post({ action: 'database.teleport', collectionName: 'items' })
    expect(status).toBe(200) // the SDK only reads code/message from a 200 reply
    expect(json).toMatchObject({ code: 'INVALID_ACTION', message: expect.stringContaining('unknown action "database.teleport"') })
    expect(json.message).toContain('database.insertDocument')
    expect(typeof json.requestId).toBe('string')
  })

  it('malformed JSON answers INVALID_PARAM (SDK errCode -501007)', async () => {
    const { json } = await post('{"action": "database.getDocument",')
    expect(json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('request body is not valid JSON') })
  })

  it('a malformed EJSON field is named in the error', async () => {
    const { json } = await post({ action: 'database.getDocument', collectionName: 'items', queryType: 'WHERE', query: '{"a":' })
    expect(json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('query is not valid EJSON') })
  })

  it('other paths and methods are refused clearly', async () => {
    expect((await fetch(emulator.adminUrl)).status).toBe(405)
    const response = await fetch(emulator.adminUrl.replace('/admin', '/elsewhere'), { method: 'POST', body: '{}' })
    expect(response.status).toBe(404)
  })

  it('database replies carry the shapes the SDK reads', async () => {
    const insert = await post({ action: 'database.insertDocument', collectionName: 'items', data: ['{"_id":"raw","n":{"$numberInt":"1"}}'] })
    expect(insert.json).toMatchObject({ data: { insertedIds: ['raw'] } })
    const get = await post({ action: 'database.getDocument', collectionName: 'items', queryType: 'DOC', query: '{"_id":"raw"}' })
    expect(get.json).toMatchObject({ data: { list: ['{"_id":"raw","n":1}'] } })
    const modify = await post({ action: 'database.modifyDocument', collectionName: 'items', queryType: 'WHERE', query: '{}', data: '{"$inc":{"n":{"$numberInt":"1"}}}', multi: true, merge: true })
    expect(modify.json).toMatchObject({ data: { updated: 1 } })
    const count = await post({ action: 'database.calculateDocument', collectionName: 'items', queryType: 'WHERE', query: '{}' })
    expect(count.json).toMatchObject({ data: { total: 1 } })
    const removed = await post({ action: 'database.removeDocument', collectionName: 'items', queryType: 'DOC', query: '{"_id":"raw"}', multi: false })
    expect(removed.json).toMatchObject({ data: { deleted: 1 } })
    const started = await post({ action: 'database.startTransaction' })
    expect(started.json).toMatchObject({ transactionId: expect.stringMatching(/^[0-9a-f]{32}$/) })
  })
})

describe('functions and openapi', () => {
  it('cloud.callFunction is delegated to handlers.invokeFunction and the SDK resolves {result}', async () => {
    const cloud = await loadSdk()
    const result = await call(cloud.callFunction({ name: 'reserve', data: { sessionId: 's1', n: 2 } }))
    expect(result).toMatchObject({ result: { echoed: { sessionId: 's1', n: 2 }, from: 'reserve' }, errMsg: 'callFunction:ok' })
    expect(invocations.at(-1)).toEqual({ name: 'reserve', data: { sessionId: 's1', n: 2 } })
  })

  it('a failing callee rejects callFunction with the callee\'s message (wx-server-sdk 4.0.2 reports errCode -1 here)', async () => {
    // node-sdk throws on a reply `code` before wx-server-sdk's TCB_ERR_CODE mapping runs, so the
    // error keeps the server's code (FUNCTIONS_EXECUTE_FAIL) as `code` but carries errCode -1.
    const cloud = await loadSdk()
    const error = await failure(cloud.callFunction({ name: 'broken', data: {} }))
    expect(error).toEqual({ errCode: -1, errMsg: 'callFunction:fail [FunctionExecuteFail] function "broken" failed: callee blew up' })
    await expect(cloud.callFunction({ name: 'broken', data: {} })).rejects.toMatchObject({ code: 'FUNCTIONS_EXECUTE_FAIL' })
  })

  it('without a function runtime, callFunction fails and says why', async () => {
    const bare = await startEmulator({ indexesFile: TEST_INDEXES })
    try {
      pointSdkAt(bare)
      const cloud = await loadSdk()
      const error = await failure(cloud.callFunction({ name: 'reserve', data: {} }))
      expect(error.errCode).toBe(-1)
      expect(error.errMsg).toContain('started without a function runtime')
    } finally {
      await bare.close()
    }
  })

  it('cloud.openapi calls arrive raw (multipart wx.openApi) at handlers.openApi and its bytes are the SDK\'s answer', async () => {
    const cloud = await loadSdk()
    const result = await call(cloud.openapi.subscribeMessage.send({ touser: 'oUser', templateId: 'TPL', page: 'pages/index/index', data: { thing1: { value: 'x' } } }))
    expect(result).toEqual({ msgid: 7001, errMsg: 'openapi.subscribeMessage.send:ok', errCode: 0 })
    const { body, contentType } = openApiBodies.at(-1)!
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(body).toContain('wx.openApi')
    expect(body).toContain('subscribeMessage.send')
    expect(body).toContain('template_id')
  })

  it('without a WeChat handler, openapi calls fail clearly', async () => {
    const bare = await startEmulator({ indexesFile: TEST_INDEXES })
    try {
      pointSdkAt(bare)
      const cloud = await loadSdk()
      const error = await failure(cloud.openapi.subscribeMessage.send({ touser: 'oUser', templateId: 'TPL', data: {} }))
      expect(error.errCode).toBe(-501001)
      expect(error.errMsg).toContain('wx.openApi is not served')
    } finally {
      await bare.close()
    }
  })
})

describe('indexes', () => {
  it('equality on an indexed field and get by _id are index seeks, not scans', () => {
    expect(emulator.db.explain('items', { category: 'c1' }).plan.join(' ')).toMatch(/SEARCH c:items USING INDEX ix:items:category/)
    expect(emulator.db.explain('items', { category: 'c1', rank: { $gte: 2 } }).plan.join(' ')).toMatch(/USING INDEX ix:items:category/)
    expect(emulator.db.explain('items', { _id: 'x' }).plan.join(' ')).toMatch(/SEARCH c:items USING INDEX sqlite_autoindex/)
    expect(emulator.db.explain('items', { other: 'x' }).plan.join(' ')).toMatch(/SCAN c:items/)
  })

  it('once a document holds an array on an indexed path, the index stops being used for that query shape (multikey)', async () => {
    const cloud = await loadSdk()
    const items = cloud.database().collection('items')
    await call(items.add({ data: { _id: 'multi', category: ['c1', 'c2'] } }))
    expect(emulator.db.explain('items', { category: 'c1' }).plan.join(' ')).toMatch(/SCAN/)
    // …and the document is still found, as MongoDB finds array members.
    const found = await call<{ data: { _id: string }[] }>(items.where({ category: 'c2' }).get())
    expect(found.data.map((doc) => doc._id)).toEqual(['multi'])
  })

  it('range queries on an indexed date field use the index and find exactly the dates in range', async () => {
    const cloud = await loadSdk()
    const db = cloud.database()
    const _ = db.command
    const at = (day: number) => new Date(Date.UTC(2025, 0, day, 9))
    await call(db.collection('sessions').add({ data: [1, 2, 3, 4, 5].map((day) => ({ _id: `s${day}`, startsAt: at(day) })) }))
    await call(db.collection('sessions').add({ data: [{ _id: 'text', startsAt: '2025-01-03' }, { _id: 'none' }] }))
    // `_.gte(a).and(_.lt(b))` goes on the wire as {$and: [{startsAt: {$gte}}, {startsAt: {$lt}}]}.
    const query = { $and: [{ startsAt: { $gte: at(2) } }, { startsAt: { $lt: at(5) } }] }
    expect(emulator.db.explain('sessions', query).where).toContain(`'$."startsAt"'`)
    expect(emulator.db.explain('sessions', query).plan.join(' ')).toMatch(/SEARCH c:sessions USING INDEX ix:sessions:startsAt/)
    const found = await call<{ data: { _id: string }[] }>(db.collection('sessions').where({ startsAt: _.gte(at(2)).and(_.lt(at(5))) }).get())
    expect(found.data.map((doc) => doc._id).sort()).toEqual(['s2', 's3', 's4'])
    const exact = await call<{ data: { _id: string }[] }>(db.collection('sessions').where({ startsAt: at(3) }).get())
    expect(exact.data.map((doc) => doc._id)).toEqual(['s3'])
  })
})
