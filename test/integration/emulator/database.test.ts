/**
 * CloudBase database rules, each checked through the real wx-server-sdk against the emulator.
 * Test names state the rule; expectations are the exact shapes the SDK resolves or rejects with.
 */
import path from 'node:path'
import { startEmulator } from '../../../cloud/local/emulator'
import { call, type DocResult, failure, type GetResult, pointSdkAt, sharedHarness, TEST_INDEXES } from './sdk'

const h = sharedHarness()

const items = () => h.db.collection('items')

async function seed(count: number, make: (i: number) => Record<string, unknown> = (i) => ({ i })): Promise<void> {
  // add() with an array inserts them in one request.
  const docs = Array.from({ length: count }, (_, i) => make(i))
  for (let start = 0; start < docs.length; start += 500) {
    await call(items().add({ data: docs.slice(start, start + 500) }))
  }
}

describe('add', () => {
  it('add answers {_id, errMsg: "collection.add:ok"} with a generated 32-hex _id', async () => {
    const result = await call<{ _id: string; errMsg: string }>(items().add({ data: { name: 'a' } }))
    expect(result).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{32}$/), errMsg: 'collection.add:ok' })
    const got = await call<DocResult>(items().doc(result._id).get())
    expect(got).toEqual({ data: { _id: result._id, name: 'a' }, errMsg: 'document.get:ok' })
  })

  it('add keeps a custom _id, string or number', async () => {
    expect(await call(items().add({ data: { _id: 'custom-1', n: 1 } }))).toEqual({ _id: 'custom-1', errMsg: 'collection.add:ok' })
    expect(await call(items().add({ data: { _id: 42, n: 2 } }))).toEqual({ _id: 42, errMsg: 'collection.add:ok' })
    expect((await call<DocResult>(items().doc(42).get())).data).toEqual({ _id: 42, n: 2 })
    // 42 and "42" are different ids, as in MongoDB.
    await expect(failure(items().doc('42').get())).resolves.toMatchObject({ errCode: -1 })
  })

  it('a duplicate _id answers E11000 with errCode -502001', async () => {
    await call(items().add({ data: { _id: 'dup', n: 1 } }))
    const error = await failure(items().add({ data: { _id: 'dup', n: 2 } }))
    expect(error).toEqual({
      errCode: -502001,
      errMsg:
        'collection.add:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{E11000 duplicate key error collection: local-env.items index: _id_ dup key: { _id: "dup" }}]}, {<nil>}]',
    })
    expect((await call<DocResult>(items().doc('dup').get())).data).toEqual({ _id: 'dup', n: 1 })
  })

  it('add of several documents is all-or-nothing (stricter than an ordered MongoDB insertMany)', async () => {
    await call(items().add({ data: { _id: 'b' } }))
    const error = await failure(items().add({ data: [{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }] }))
    expect(error.errMsg).toContain('E11000 duplicate key error collection: local-env.items index: _id_ dup key: { _id: "b" }')
    expect(h.emulator.db.documents('items').map((doc) => doc._id)).toEqual(['b'])
  })

  it('field names starting with "$" are refused in stored documents', async () => {
    const error = await failure(items().add({ data: { $bad: 1 } }))
    expect(error.errCode).toBe(-501007)
  })
})

describe('unique indexes (cloud/indexes.json)', () => {
  it('the project declares tickets.code unique: a second ticket with the same code answers E11000 -502001', async () => {
    const project = await startEmulator({ indexesFile: path.resolve(__dirname, '../../../cloud/indexes.json') })
    try {
      pointSdkAt(project)
      const tickets = h.cloud.database().collection('tickets')
      await call(tickets.add({ data: { code: '1234567890123456', session: 's1' } }))
      const error = await failure(tickets.add({ data: { code: '1234567890123456', session: 's2' } }))
      expect(error.errCode).toBe(-502001)
      expect(error.errMsg).toContain('E11000 duplicate key error collection: local-env.tickets index: code_unique dup key: { code: "1234567890123456" }')
      expect(project.db.count('tickets')).toBe(1)
    } finally {
      await project.close()
    }
  })

  it('a unique index also refuses an update that would duplicate a key', async () => {
    const accounts = h.db.collection('accounts')
    await call(accounts.add({ data: { _id: 'a', email: 'a@x' } }))
    await call(accounts.add({ data: { _id: 'b', email: 'b@x' } }))
    const error = await failure(accounts.doc('b').update({ data: { email: 'a@x' } }))
    expect(error.errMsg).toBe(
      'document.update:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{E11000 duplicate key error collection: local-env.accounts index: email_unique dup key: { email: "a@x" }}]}, {<nil>}]',
    )
  })

  it('a non-sparse unique index treats a missing field as null: only one document may lack it', async () => {
    const accounts = h.db.collection('accounts')
    await call(accounts.add({ data: { name: 'no email' } }))
    const error = await failure(accounts.add({ data: { name: 'no email either' } }))
    expect(error.errMsg).toContain('index: email_unique dup key: { email: null }')
    const second = await failure(accounts.add({ data: { email: null } }))
    expect(second.errMsg).toContain('dup key: { email: null }')
  })

  it('unique keys compare by type: true and 1 are different keys', async () => {
    const accounts = h.db.collection('accounts')
    await call(accounts.add({ data: { email: 1 } }))
    await expect(call(accounts.add({ data: { email: true } }))).resolves.toMatchObject({ errMsg: 'collection.add:ok' })
  })
  it('an array on a unique-indexed field is refused (stricter: MongoDB would index each element)', async () => {
    const error = await failure(h.db.collection('accounts').add({ data: { email: ['a@x', 'b@x'] } }))
    expect(error.errCode).toBe(-501007)
    expect(error.errMsg).toContain('covered by the unique index email_unique')
  })
})

describe('get', () => {
  it('doc(id).get() on a missing document throws errCode -1 (the SDK default throwOnNotFound)', async () => {
    const error = await failure(items().doc('missing').get())
    expect(error).toEqual({ errCode: -1, errMsg: 'document.get:fail document with _id missing does not exist' })
  })

  it('doc(id).get() on a missing document answers {data: null} with throwOnNotFound: false', async () => {
    const lenient = h.cloud.database({ throwOnNotFound: false } as Parameters<typeof h.cloud.database>[0])
    await expect(call(lenient.collection('items').doc('missing').get())).resolves.toEqual({ data: null, errMsg: 'document.get:ok' })
  })

  it('stored types come back as the SDK wrote them: dates as Date, numbers, nested objects, arrays, null', async () => {
    const when = new Date('2025-03-01T08:00:00.123Z')
    const data = { _id: 't', when, int: 7, float: 1.5, big: 2 ** 40, neg: -3, nested: { a: [1, 'x', { b: null }] }, flag: false, none: null }
    await call(items().add({ data }))
    const got = await call<DocResult>(items().doc('t').get())
    expect(got.data).toEqual(data)
    expect(got.data.when).toBeInstanceOf(Date)
  })

  it('where().get() answers at most 100 documents by default', async () => {
    await seed(150)
    const result = await call<GetResult>(items().get())
    expect(result.errMsg).toBe('collection.get:ok')
    expect(result.data).toHaveLength(100)
  })

  it('an explicit limit is capped at 1000', async () => {
    await seed(1200)
    expect((await call<GetResult>(items().limit(1000).get())).data).toHaveLength(1000)
    expect((await call<GetResult>(items().limit(5000).get())).data).toHaveLength(1000)
  })

  it('orderBy, skip, limit and field shape the answer; _id is included unless excluded', async () => {
    await seed(10, (i) => ({ _id: `d${i}`, rank: i % 4, i, secret: 's' }))
    const result = await call<GetResult>(items().where({ rank: h.db.command.gte(1) }).orderBy('rank', 'desc').orderBy('i', 'asc').skip(1).limit(3).field({ rank: true, i: true }).get())
    expect(result.data).toEqual([
      { _id: 'd7', rank: 3, i: 7 },
      { _id: 'd2', rank: 2, i: 2 },
      { _id: 'd6', rank: 2, i: 6 },
    ])
    const without = await call<GetResult>(items().doc('d1').field({ secret: false, _id: false }).get())
    expect(without.data).toEqual({ rank: 1, i: 1 })
  })

  it('query operators follow MongoDB: in, nin, neq, exists, or, regexp, array contains, dot paths', async () => {
    const _ = h.db.command
    await call(
      items().add({
        data: [
          { _id: 'a', tags: ['x', 'y'], n: 1, sub: { k: 'v' }, name: 'Alpha' },
          { _id: 'b', tags: ['y'], n: 2, name: 'beta' },
          { _id: 'c', n: 3, sub: { k: 'w' } },
        ],
      }),
    )
    const ids = async (query: Record<string, unknown> | object) => (await call<GetResult>(items().where(query as Record<string, unknown>).get())).data.map((doc) => doc._id)
    expect(await ids({ n: _.in([1, 3]) })).toEqual(['a', 'c'])
    expect(await ids({ n: _.nin([1, 3]) })).toEqual(['b'])
    expect(await ids({ n: _.neq(2) })).toEqual(['a', 'c'])
    expect(await ids({ sub: _.exists(false) })).toEqual(['b'])
    expect(await ids(_.or([{ n: 1 }, { 'sub.k': 'w' }]))).toEqual(['a', 'c'])
    expect(await ids({ name: h.db.RegExp({ regexp: '^al', options: 'i' }) })).toEqual(['a'])
    expect(await ids({ tags: 'x' })).toEqual(['a'])
    expect(await ids({ 'sub.k': 'v' })).toEqual(['a'])
  })
})

describe('count and aggregate', () => {
  it('count() answers {total} for the query', async () => {
    await seed(30, (i) => ({ even: i % 2 === 0 }))
    await expect(call(items().count())).resolves.toEqual({ total: 30, errMsg: 'collection.count:ok' })
    await expect(call(items().where({ even: true }).count())).resolves.toEqual({ total: 15, errMsg: 'collection.count:ok' })
  })

  it('aggregate without a $limit stage answers 20 documents', async () => {
    await seed(50)
    const result = await call<{ list: unknown[]; errMsg: string }>(items().aggregate().match({}).end())
    expect(result.errMsg).toBe('collection.aggregate:ok')
    expect(result.list).toHaveLength(20)
    expect((await call<{ list: unknown[] }>(items().aggregate().limit(45).end())).list).toHaveLength(45)
  })

  it('aggregate runs $match, $group, $sort, $skip, $limit, $project and $count', async () => {
    const $ = h.db.command.aggregate
    await seed(12, (i) => ({ category: `c${i % 3}`, qty: i }))
    const grouped = await call<{ list: unknown[] }>(
      items()
        .aggregate()
        .match({ qty: h.db.command.gte(3) })
        .group({ _id: '$category', total: $.sum('$qty'), n: $.sum(1) })
        .sort({ total: -1 })
        .skip(1)
        .limit(5)
        .project({ _id: 0, category: '$_id', total: 1 })
        .end(),
    )
    // c0: 3+6+9=18, c1: 4+7+10=21, c2: 5+8+11=24 → sorted 24, 21, 18, skip 1
    expect(grouped.list).toEqual([
      { category: 'c1', total: 21 },
      { category: 'c0', total: 18 },
    ])
    const counted = await call<{ list: unknown[] }>(items().aggregate().match({ category: 'c1' }).count('n').end())
    expect(counted.list).toEqual([{ n: 4 }])
  })
})

describe('update and remove', () => {
  it('update operators: _.inc, _.set replaces a subdocument, _.remove, _.push, and plain objects merge by dot path', async () => {
    const _ = h.db.command
    await call(items().add({ data: { _id: 'u', n: 1, profile: { a: 1, b: 2 }, obj: { x: 1, y: 2 }, gone: true, list: [1] } }))
    const result = await call(items().doc('u').update({ data: { n: _.inc(2), profile: { b: 3, c: 4 }, obj: _.set({ z: 9 }), gone: _.remove(), list: _.push([2, 3]), 'deep.path': 'made' } }))
    expect(result).toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' })
    expect((await call<DocResult>(items().doc('u').get())).data).toEqual({
      _id: 'u',
      n: 3,
      profile: { a: 1, b: 3, c: 4 },
      obj: { z: 9 },
      list: [1, 2, 3],
      deep: { path: 'made' },
    })
  })

  it('array and number operators: _.pull, _.addToSet, _.min, _.max, _.mul, _.unshift', async () => {
    const _ = h.db.command
    await call(items().add({ data: { _id: 'o', a: [1, 2, 3, 2], s: ['x'], lo: 5, hi: 5, m: 3, q: [2] } }))
    await call(items().doc('o').update({ data: { a: _.pull(2), s: _.addToSet('x'), lo: _.min(1), hi: _.max(9), m: _.mul(4), q: _.unshift([1]) } }))
    expect((await call<DocResult>(items().doc('o').get())).data).toEqual({ _id: 'o', a: [1, 3], s: ['x'], lo: 1, hi: 9, m: 12, q: [1, 2] })
  })

  it('doc(id).set() replaces the whole document, and creates a missing one ({stats: {updated, created}})', async () => {
    await call(items().add({ data: { _id: 's', old: true, keep: 1 } }))
    await expect(call(items().doc('s').set({ data: { fresh: true } }))).resolves.toEqual({ _id: 's', errMsg: 'document.set:ok', stats: { updated: 1, created: 0 } })
    expect((await call<DocResult>(items().doc('s').get())).data).toEqual({ _id: 's', fresh: true })
    await expect(call(items().doc('new').set({ data: { fresh: 1 } }))).resolves.toEqual({ _id: 'new', errMsg: 'document.set:ok', stats: { updated: 0, created: 1 } })
  })

  it('where(q).update() and where(q).remove() apply to every match by default', async () => {
    await seed(7, (i) => ({ group: i < 5 ? 'a' : 'b' }))
    await expect(call(items().where({ group: 'a' }).update({ data: { seen: true } }))).resolves.toEqual({ stats: { updated: 5 }, errMsg: 'collection.update:ok' })
    await expect(call(items().where({ seen: true }).count())).resolves.toMatchObject({ total: 5 })
    await expect(call(items().where({ group: 'a' }).remove())).resolves.toEqual({ stats: { removed: 5 }, errMsg: 'collection.remove:ok' })
    expect(h.emulator.db.count('items')).toBe(2)
  })

  it('stats.updated counts only documents that changed (MongoDB nModified)', async () => {
    await call(items().add({ data: [{ v: 1 }, { v: 2 }] }))
    await expect(call(items().where({}).update({ data: { v: 1 } }))).resolves.toMatchObject({ stats: { updated: 1 } })
  })

  it('doc(id).update() and remove() of a missing document answer 0', async () => {
    await expect(call(items().doc('none').update({ data: { a: 1 } }))).resolves.toEqual({ stats: { updated: 0 }, errMsg: 'document.update:ok' })
    await expect(call(items().doc('none').remove())).resolves.toEqual({ stats: { removed: 0 }, errMsg: 'document.remove:ok' })
  })

  it('the conditional decrement never oversells under concurrent callers', async () => {
    const _ = h.db.command
    await call(items().add({ data: { _id: 'stock', remaining: 5 } }))
    const attempts = await Promise.all(
      Array.from({ length: 20 }, () => call<{ stats: { updated: number } }>(items().where({ _id: 'stock', remaining: _.gt(0) }).update({ data: { remaining: _.inc(-1) } }))),
    )
    expect(attempts.filter((r) => r.stats.updated === 1)).toHaveLength(5)
    expect((await call<DocResult>(items().doc('stock').get())).data.remaining).toBe(0)
  })

  it('creating a field inside a non-object answers MongoDB\'s "Cannot create field" (-502001)', async () => {
    await call(items().add({ data: { _id: 'n', analysis: null } }))
    const error = await failure(items().doc('n').update({ data: { 'analysis.date': 1 } }))
    expect(error.errMsg).toBe(
      "document.update:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{Cannot create field 'date' in element {analysis: null}}]}, {<nil>}]",
    )
  })

  it('_.inc on a non-numeric field fails (-502001)', async () => {
    await call(items().add({ data: { _id: 'x', n: 'text' } }))
    const error = await failure(items().doc('x').update({ data: { n: h.db.command.inc(1) } }))
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toContain('Cannot apply $inc to a value of non-numeric type')
  })
})

describe('serverDate', () => {
  it('serverDate becomes the server clock plus its offset, wherever it appears', async () => {
    // The SDK's .d.ts omits serverDate's {offset} option.
    const serverDate = h.db.serverDate as unknown as (options?: { offset: number }) => unknown
    const before = Date.now()
    const { _id } = await call<{ _id: string }>(items().add({ data: { at: serverDate(), later: serverDate({ offset: 60_000 }), nested: { at: serverDate() } } }))
    await call(items().doc(_id).update({ data: { touched: serverDate({ offset: -1000 }) } }))
    const after = Date.now()
    const doc = (await call<DocResult<{ at: Date; later: Date; nested: { at: Date }; touched: Date }>>(items().doc(_id).get())).data
    expect(doc.at).toBeInstanceOf(Date)
    expect(doc.at.getTime()).toBeGreaterThanOrEqual(before)
    expect(doc.at.getTime()).toBeLessThanOrEqual(after)
    expect(doc.later.getTime() - doc.at.getTime()).toBe(60_000)
    expect(doc.nested.at.getTime()).toBe(doc.at.getTime())
    expect(doc.touched.getTime()).toBeLessThanOrEqual(after - 1000)
    const found = await call<GetResult>(items().where({ at: h.db.command.lte(h.db.serverDate()) }).count())
    expect(found).toMatchObject({ total: 1 })
  })
})

describe('collections', () => {
  it('a collection that was not created answers -502005 "Db or Table not exist"', async () => {
    const error = await failure(h.db.collection('never_created').add({ data: { a: 1 } }))
    expect(error.errCode).toBe(-502005)
    expect(error.errMsg).toMatch(/^collection\.add:fail -502005 database collection not exists\. \[ResourceNotFound\] Db or Table not exist: never_created/)
    const read = await failure(h.db.collection('never_created').get())
    expect(read.errCode).toBe(-502005)
  })

  it('createCollection creates it; creating it again fails with ResourceExist (the SDK reports errCode -1 here)', async () => {
    const name = `made_${Date.now()}`
    await expect(call(h.db.createCollection(name))).resolves.toMatchObject({ errMsg: 'createCollection:ok' })
    await expect(call(h.db.collection(name).add({ data: { a: 1 } }))).resolves.toMatchObject({ errMsg: 'collection.add:ok' })
    // wx-server-sdk's createCollection skips its code mapping, so the SDK error carries -1.
    const error = await failure(h.db.createCollection(name))
    expect(error.errCode).toBe(-1)
    expect(error.errMsg).toMatch(/^createCollection:fail \[ResourceUnavailable\.ResourceExist\] Table exist/)
  })

  it('with collections: "auto" (a local convenience, not CloudBase) a first write creates the collection', async () => {
    const auto = await startEmulator({ indexesFile: TEST_INDEXES, collections: 'auto' })
    try {
      pointSdkAt(auto)
      const db = h.cloud.database()
      await expect(call(db.collection('fresh').get())).resolves.toEqual({ data: [], errMsg: 'collection.get:ok' })
      await expect(call(db.collection('fresh').add({ data: { _id: 'f' } }))).resolves.toEqual({ _id: 'f', errMsg: 'collection.add:ok' })
      expect(auto.db.collections()).toContain('fresh')
    } finally {
      await auto.close()
    }
  })
})
