/**
 * A count() over an index is answered by SQLite from the index, without parsing every document
 * (issue 21: counting free seats parsed each of 100,000 seats on every call). The answers stay
 * exactly those of MongoDB's query semantics, which the emulator otherwise gets from mingo.
 */
import { Query } from 'mingo'
import * as ejson from '../../../cloud/local/emulator/ejson'
import { call, sharedHarness } from './sdk'

const h = sharedHarness({ reset: false })

beforeEach(() => {
  jest.restoreAllMocks()
})

const total = async (collection: string, query: Record<string, unknown>) => (await call<{ total: number }>(h.db.collection(collection).where(query).count())).total

describe('count() over an index', () => {
  beforeAll(async () => {
    h.emulator.db.reset()
    const seats = h.db.collection('seats')
    // 100,000 seats: 60,000 free and 20,000 held in s1, 20,000 free in s2.
    for (let batch = 0; batch < 100; batch++) {
      const docs = Array.from({ length: 1000 }, (_, i) => {
        const n = batch * 1000 + i
        const session = n < 80_000 ? 's1' : 's2'
        const state = n < 60_000 || n >= 80_000 ? 'free' : 'held'
        return { _id: `seat-${n}`, session, seat: n, code: `C${n}`, state }
      })
      await call(seats.add({ data: docs }))
    }
    expect(h.emulator.db.count('seats')).toBe(100_000)
  }, 120_000)

  it('an indexed equality count over 100,000 documents parses none of them', async () => {
    const parses = jest.spyOn(ejson, 'parseStored')
    expect(await total('seats', { session: 's1', state: 'free' })).toBe(60_000)
    expect(await total('seats', { session: 's2' })).toBe(20_000)
    expect(await total('seats', { session: { $in: ['s1', 's2'] }, state: 'held' })).toBe(20_000)
    expect(await total('seats', { seat: { $gte: 99_990 }, session: 's2' })).toBe(10)
    expect(await total('seats', { session: 's3' })).toBe(0)
    expect(parses).not.toHaveBeenCalled()
    // A condition the index cannot answer exactly ($ne) makes it a parse-and-test count, same answer.
    expect(await total('seats', { session: 's1', state: { $ne: 'held' } })).toBe(60_000)
    expect(parses.mock.calls.length).toBeGreaterThanOrEqual(60_000)
  }, 60_000)
})

describe('count() answers exactly what MongoDB matches, for values SQLite would confuse', () => {
  const when = new Date('2024-05-01T08:00:00.000Z')
  const docs = [
    { _id: 'str', category: 'x', rank: 1 },
    { _id: 'true', category: true, rank: 2 },
    { _id: 'one', category: 1, rank: 1 },
    { _id: 'zero', category: 0, rank: 0 },
    { _id: 'false', category: false, rank: 0 },
    { _id: 'obj', category: { k: 'x' }, rank: 3 },
    { _id: 'objText', category: '{"k":"x"}', rank: 3 },
    { _id: 'null', category: null, rank: 4 },
    { _id: 'missing', rank: 4 },
    { _id: 'date', category: when, rank: 5 },
    { _id: 'dateText', category: `{"$date":"${when.toISOString()}"}`, rank: 5 },
    { _id: 'two', category: 2, rank: -1 },
    { _id: 'big', category: 1e6, rank: 2.5 },
  ]

  beforeAll(async () => {
    h.emulator.db.reset()
    await call(h.db.collection('items').add({ data: docs }))
  })

  const queries: Record<string, unknown>[] = [
    { category: 'x' },
    { category: '{"k":"x"}' },
    { category: true },
    { category: false },
    { category: 1 },
    { category: 0 },
    { category: 2 },
    { category: null },
    { category: when },
    { category: { k: 'x' } },
    { category: { $in: ['x', 2, null] } },
    { category: { $in: [1, 'x'] } },
    { category: { $gt: 1 } },
    { category: { $gte: 1 } },
    { category: { $lt: 1 } },
    { category: { $gt: 0.5, $lt: 1.5 } },
    { category: { $gte: 'a' } },
    { category: { $lt: when } },
    { rank: 1 },
    { rank: { $gt: 2 } },
    { rank: { $lte: -1 } },
    { category: 'x', rank: 1 },
    { category: { $eq: 2 } },
    { $and: [{ category: { $in: ['x', 2] } }, { rank: { $gte: 1 } }] },
    { _id: 'str' },
    { _id: { $in: ['str', 'one', 'nope'] } },
    { _id: 'str', category: 'x' },
  ]

  it.each(queries.map((query) => [JSON.stringify(query), query]))('%s', async (_, query) => {
    const expected = new Query(query as Record<string, unknown>).find(h.emulator.db.documents('items')).all().length
    expect(await total('items', query as Record<string, unknown>)).toBe(expected)
  })
})
