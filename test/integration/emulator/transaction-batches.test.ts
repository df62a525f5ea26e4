/**
 * Two transaction rules of CloudBase (issue 21):
 *
 * - Only single-record operations run in a transaction. WeChat's transaction pages: "只允许进行单记录
 *   操作，不允许进行批量操作" (docs/cloudbase-facts.md, Transactions). An `add` of several documents or
 *   a where-update/remove carrying a transaction id is refused; a `where().update()` on a
 *   transaction object is sent by the SDK without the id and still applies at once (the escape
 *   the facts describe).
 * - Unique keys staged by a transaction are checked in constant time per write: growing a session
 *   by 500 seats at a time in one transaction used to cost more with every seat already staged.
 */
import { Storage } from '../../../cloud/local/emulator/storage'
import { postSigned } from '../../support/signedRequest'
import { call, type DocResult, failure, type Harness, sharedHarness } from './sdk'

/** The transaction object the SDK hands out (its .d.ts types it as any). */
interface Tx {
  collection(name: string): ReturnType<Harness['db']['collection']>
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}

const h = sharedHarness()

afterEach(() => {
  jest.restoreAllMocks()
})

const start = async () => (await h.db.startTransaction()) as Tx
const post = (body: Record<string, unknown>) => postSigned(`${h.emulator.adminUrl}?env=local-env&seqId=1`, body, h.emulator.credentials)
const seat = (n: number, session = 's1') => ({ _id: `${session}-${n}`, session, seat: n, code: `${session}-C${n}`, state: 'free' })

describe('batch operations inside a transaction', () => {
  it('add() of several documents with a transaction id is refused with -501007 and stages nothing', async () => {
    const tx = await start()
    const error = await failure(tx.collection('seats').add({ data: [seat(1), seat(2), seat(3)] }))
    expect(error.errCode).toBe(-501007)
    expect(error.errMsg).toContain('batch operation refused in a transaction: add() of 3 documents')
    expect(error.errMsg).toContain('only single-document operations')
    // One document (the SDK sends it as a one-element list) is a single-record operation.
    await call(tx.collection('seats').add({ data: seat(4) }))
    await tx.commit()
    expect(h.emulator.db.documents('seats').map((doc) => doc._id)).toEqual(['s1-4'])
    expect(h.emulator.db.activity()).toEqual({ transactions: 0, locks: 0 })
  })

  it('the same batch add() outside a transaction still goes through', async () => {
    await call(h.db.collection('seats').add({ data: [seat(1), seat(2), seat(3)] }))
    expect(h.emulator.db.count('seats')).toBe(3)
  })

  it('a where-update or where-remove arriving with a transaction id is refused (the SDK itself never sends one)', async () => {
    await call(h.db.collection('seats').add({ data: [seat(1), seat(2)] }))
    const started = await post({ action: 'database.startTransaction' })
    const txId = started.json.transactionId as string
    expect(typeof txId).toBe('string')
    const update = await post({
      action: 'database.modifyDocument',
      collectionName: 'seats',
      queryType: 'WHERE',
      query: JSON.stringify({ session: 's1' }),
      data: JSON.stringify({ $set: { state: 'held' } }),
      multi: true,
      merge: true,
      transactionId: txId,
    })
    expect(update.json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('batch operation refused in a transaction: a where().update()') })
    const remove = await post({
      action: 'database.removeDocument',
      collectionName: 'seats',
      queryType: 'WHERE',
      query: JSON.stringify({ session: 's1' }),
      multi: true,
      transactionId: txId,
    })
    expect(remove.json).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('batch operation refused in a transaction: a where().remove()') })
    await post({ action: 'database.abortTransaction', transactionId: txId })
    expect(h.emulator.db.documents('seats').map((doc) => doc.state)).toEqual(['free', 'free'])
  })

  it('where().update() on a transaction object escapes it (sent without the id): applied at once, kept after a rollback', async () => {
    await call(h.db.collection('seats').add({ data: [seat(1), seat(2)] }))
    const outcome = h.db.runTransaction(async (tx: Tx) => {
      await call(tx.collection('seats').where({ session: 's1' }).update({ data: { state: 'held' } }))
      await tx.rollback('undo')
    })
    await expect(outcome).rejects.toBe('undo')
    expect(h.emulator.db.documents('seats').map((doc) => doc.state)).toEqual(['held', 'held'])
  })
})

describe('unique keys staged by a transaction', () => {
  it('adding 3 × 500 documents one by one in one transaction costs the same work per document in every batch', async () => {
    // The work of a unique check is computing index keys (SQLite evaluates the index expressions
    // over the document): count it. Before, each write compared its key with every document the
    // transaction had staged, so batch n cost about n times batch 1.
    const keyComputations = jest.spyOn(Storage.prototype, 'indexKey')
    const tx = await start()
    const perBatch: number[] = []
    for (let batch = 0; batch < 3; batch++) {
      const before = keyComputations.mock.calls.length
      for (let i = 0; i < 500; i++) await call(tx.collection('seats').add({ data: seat(batch * 500 + i) }))
      perBatch.push(keyComputations.mock.calls.length - before)
      // Two unique indexes: at most two key computations each per write, whatever is staged already.
      expect(perBatch[batch]).toBeLessThanOrEqual(500 * 2 * 2)
      expect(perBatch[batch]).toBeLessThanOrEqual(perBatch[0] * 1.05)
    }
    // Still checked: a key staged 1,499 writes ago is refused, on either index.
    const sameCode = await failure(tx.collection('seats').add({ data: { ...seat(9000), code: 's1-C0' } }))
    expect(sameCode.errMsg).toContain('index: code_unique dup key: { code: "s1-C0" }')
    const sameSeat = await failure(tx.collection('seats').add({ data: { ...seat(1499), _id: 'other' } }))
    expect(sameSeat.errMsg).toContain('index: seat_unique dup key: { session: "s1", seat: 1499 }')
    await tx.commit()
    expect(h.emulator.db.count('seats')).toBe(1500)
  }, 60_000)

  it('a key the transaction frees (its document updated to another key, or removed) may be taken again in it', async () => {
    await call(h.db.collection('seats').add({ data: seat(1) }))
    const tx = await start()
    await call(tx.collection('seats').add({ data: seat(2) }))
    // Staged document moved to another code: its old code is free inside the transaction.
    await call(tx.collection('seats').doc('s1-2').update({ data: { code: 'moved' } }))
    await call(tx.collection('seats').add({ data: { ...seat(3), code: 's1-C2' } }))
    // Committed document removed in the transaction: its keys are free inside it.
    await call(tx.collection('seats').doc('s1-1').remove())
    await call(tx.collection('seats').add({ data: { ...seat(1), _id: 'again' } }))
    // A committed document changed by the transaction keeps its new key.
    const taken = await failure(tx.collection('seats').add({ data: { ...seat(7), code: 'moved' } }))
    expect(taken.errMsg).toContain('index: code_unique dup key: { code: "moved" }')
    await tx.commit()
    expect((await call<DocResult>(h.db.collection('seats').doc('again').get())).data).toMatchObject({ seat: 1, code: 's1-C1' })
    expect(h.emulator.db.documents('seats').map((doc) => doc.code).sort()).toEqual(['moved', 's1-C1', 's1-C2'])
  })
})
