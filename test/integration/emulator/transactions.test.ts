/**
 * CloudBase transaction rules through the real wx-server-sdk. Reference behaviour: Tencent's own
 * node-sdk transaction tests (snapshot reads, "冲突检测", "读偏", use after commit) and the checked
 * facts in docs/cloudbase-facts.md.
 */
import { startEmulator } from '../../../cloud/local/emulator'
import { call, type DocResult, failure, type Harness, pointSdkAt, type SdkError, sharedHarness, TEST_INDEXES } from './sdk'

const CONFLICT_TEXT =
  '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.'
const NOT_EXIST_TEXT =
  '[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server, transaction must be commit or abort in 30 seconds. Please check your request, but if the problem persists, contact us.'

/** The transaction object the SDK hands out (its .d.ts types it as any). */
interface Tx {
  collection(name: string): ReturnType<Harness['db']['collection']>
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}

const h = sharedHarness({ transactionTimeoutMs: 5_000 })

const ledger = () => h.db.collection('ledger')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const start = async () => (await h.db.startTransaction()) as Tx
const read = async (id: string) => (await call<DocResult>(ledger().doc(id).get())).data

describe('transactions', () => {
  it('reads inside a transaction see the snapshot taken at its start', async () => {
    await call(ledger().add({ data: { _id: 's', v: 1 } }))
    const tx = await start()
    await call(ledger().doc('s').update({ data: { v: 2 } }))
    await call(ledger().add({ data: { _id: 'late', v: 1 } }))
    expect((await call<DocResult>(tx.collection('ledger').doc('s').get())).data).toEqual({ _id: 's', v: 1 })
    await expect(failure(tx.collection('ledger').doc('late').get())).resolves.toMatchObject({ errCode: -1 })
    expect(await read('s')).toEqual({ _id: 's', v: 2 })
    await tx.rollback()
  })

  it('a transaction reads its own writes; others keep reading the committed state until commit', async () => {
    await call(ledger().add({ data: { _id: 'own', v: 1 } }))
    const tx = await start()
    await call(tx.collection('ledger').doc('own').update({ data: { v: h.db.command.inc(5) } }))
    await call(tx.collection('ledger').add({ data: { _id: 'added', v: 0 } }))
    await call(tx.collection('ledger').doc('gone').set({ data: { v: 9 } }))
    await call(tx.collection('ledger').doc('gone').remove())
    expect((await call<DocResult>(tx.collection('ledger').doc('own').get())).data).toEqual({ _id: 'own', v: 6 })
    expect((await call<DocResult>(tx.collection('ledger').doc('added').get())).data).toEqual({ _id: 'added', v: 0 })
    await expect(failure(tx.collection('ledger').doc('gone').get())).resolves.toMatchObject({ errCode: -1 })
    expect(await read('own')).toEqual({ _id: 'own', v: 1 })
    await expect(failure(ledger().doc('added').get())).resolves.toMatchObject({ errCode: -1 })
    await tx.commit()
    expect(await read('own')).toEqual({ _id: 'own', v: 6 })
    expect(await read('added')).toEqual({ _id: 'added', v: 0 })
  })

  it('a write on a document another transaction holds fails at once with -501001 TransactionConflict', async () => {
    await call(ledger().add({ data: { _id: 'c', v: 0 } }))
    const first = await start()
    const second = await start()
    await call(first.collection('ledger').doc('c').update({ data: { v: 1 } }))
    const startedAt = Date.now()
    const error = await failure(second.collection('ledger').doc('c').update({ data: { v: 2 } }))
    expect(Date.now() - startedAt).toBeLessThan(1000)
    expect(error).toEqual({ errCode: -501001, errMsg: `document.update:fail -501001 resource system error. ${CONFLICT_TEXT}` })
    await first.commit()
    await second.rollback()
    expect(await read('c')).toEqual({ _id: 'c', v: 1 })
  })

  it('a write on a document changed after the snapshot fails with TransactionConflict (first writer wins)', async () => {
    await call(ledger().add({ data: { _id: 'skew', v: 0 } }))
    const tx = await start()
    await call(tx.collection('ledger').doc('skew').get())
    await call(ledger().doc('skew').update({ data: { v: 100 } }))
    const error = await failure(tx.collection('ledger').doc('skew').update({ data: { v: 1 } }))
    expect(error.errCode).toBe(-501001)
    expect(error.errMsg).toContain(CONFLICT_TEXT)
    await tx.rollback()
    expect(await read('skew')).toEqual({ _id: 'skew', v: 100 })
  })

  it('commit applies every write of the transaction at once', async () => {
    await call(ledger().add({ data: [{ _id: 'from', balance: 10 }, { _id: 'to', balance: 0 }] }))
    const _ = h.db.command
    const result = await h.db.runTransaction(async (tx: Tx) => {
      await call(tx.collection('ledger').doc('from').update({ data: { balance: _.inc(-4) } }))
      await call(tx.collection('ledger').doc('to').update({ data: { balance: _.inc(4) } }))
      await call(tx.collection('ledger').add({ data: { _id: 'entry', amount: 4 } }))
      // Outside the transaction nothing has happened yet.
      expect(await read('from')).toEqual({ _id: 'from', balance: 10 })
      await expect(failure(ledger().doc('entry').get())).resolves.toMatchObject({ errCode: -1 })
      return 'moved'
    })
    expect(result).toBe('moved')
    expect(await read('from')).toEqual({ _id: 'from', balance: 6 })
    expect(await read('to')).toEqual({ _id: 'to', balance: 4 })
    expect(await read('entry')).toEqual({ _id: 'entry', amount: 4 })
    expect(h.emulator.db.activity()).toEqual({ transactions: 0, locks: 0 })
  })

  it('rollback discards the writes and runTransaction rejects with exactly the rollback value', async () => {
    await call(ledger().add({ data: { _id: 'r', v: 1 } }))
    const reason = { code: 'SOLD_OUT' }
    const outcome = h.db.runTransaction(async (tx: Tx) => {
      await call(tx.collection('ledger').doc('r').update({ data: { v: 2 } }))
      await call(tx.collection('ledger').add({ data: { _id: 'r2' } }))
      await tx.rollback(reason)
    })
    await expect(outcome).rejects.toBe(reason)
    expect(await read('r')).toEqual({ _id: 'r', v: 1 })
    await expect(failure(ledger().doc('r2').get())).resolves.toMatchObject({ errCode: -1 })
    expect(h.emulator.db.activity()).toEqual({ transactions: 0, locks: 0 })
  })

  it('a finished transaction id answers TransactionNotExist (DATABASE_TRANSACTION_FAIL)', async () => {
    const tx = await start()
    await tx.commit()
    // commit() is not wrapped by wx-server-sdk: the error keeps the server's code and message.
    await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: NOT_EXIST_TEXT })
    const error = await failure(tx.collection('ledger').doc('x').set({ data: { v: 1 } }))
    expect(error.errCode).toBe(-501001)
    expect(error.errMsg).toContain('[ResourceUnavailable.TransactionNotExist]')
  })

  it('a transaction not finished within the timeout (30 s on CloudBase, shortened here) is aborted and its locks released', async () => {
    const quick = await startEmulator({ indexesFile: TEST_INDEXES, transactionTimeoutMs: 300 })
    try {
      pointSdkAt(quick)
      const db = h.cloud.database()
      await call(db.collection('ledger').add({ data: { _id: 'e', v: 1 } }))
      const tx = (await db.startTransaction()) as Tx
      await call(tx.collection('ledger').doc('e').update({ data: { v: 2 } }))
      expect(quick.db.activity()).toEqual({ transactions: 1, locks: 1 })
      await sleep(500)
      expect(quick.db.activity()).toEqual({ transactions: 0, locks: 0 })
      await expect(tx.commit()).rejects.toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: NOT_EXIST_TEXT })
      expect((await call<DocResult>(db.collection('ledger').doc('e').get())).data).toEqual({ _id: 'e', v: 1 })
      // The lock went with it: a plain write goes through at once.
      await expect(call(db.collection('ledger').doc('e').update({ data: { v: 3 } }))).resolves.toMatchObject({ stats: { updated: 1 } })
    } finally {
      await quick.close()
    }
  })

  it('where().update() inside a transaction is sent without the transaction id: it applies at once and survives a rollback', async () => {
    await call(ledger().add({ data: [{ _id: 'in', v: 1 }, { _id: 'out', v: 1 }] }))
    const outcome = h.db.runTransaction(async (tx: Tx) => {
      await call(tx.collection('ledger').doc('in').update({ data: { v: 2 } }))
      await call(tx.collection('ledger').where({ _id: 'out' }).update({ data: { v: 2 } }))
      expect(await read('out')).toEqual({ _id: 'out', v: 2 })
      await tx.rollback('undo')
    })
    await expect(outcome).rejects.toBe('undo')
    expect(await read('in')).toEqual({ _id: 'in', v: 1 })
    expect(await read('out')).toEqual({ _id: 'out', v: 2 })
  })

  it('a write outside any transaction waits for the transaction holding the document, then applies on top', async () => {
    const _ = h.db.command
    await call(ledger().add({ data: { _id: 'w', v: 0 } }))
    const tx = await start()
    await call(tx.collection('ledger').doc('w').update({ data: { v: _.inc(10) } }))
    let done = false
    const outside = call(ledger().doc('w').update({ data: { v: _.inc(1) } })).then((result) => {
      done = true
      return result
    })
    await sleep(150)
    expect(done).toBe(false)
    await tx.commit()
    await expect(outside).resolves.toEqual({ stats: { updated: 1 }, errMsg: 'document.update:ok' })
    expect(await read('w')).toEqual({ _id: 'w', v: 11 })
  })

  it('a write outside any transaction gives up after the lock wait bound with -501002 (stricter: never lands after the SDK timed out)', async () => {
    // How long CloudBase lets such a write wait is unverified; the emulator bounds it (10 s by
    // default, under the SDK's 15 s request timeout) and answers a server timeout.
    const bounded = await startEmulator({ indexesFile: TEST_INDEXES, lockWaitMs: 200 })
    try {
      pointSdkAt(bounded)
      const db = h.cloud.database()
      await call(db.collection('ledger').add({ data: { _id: 'held', v: 0 } }))
      const tx = (await db.startTransaction()) as Tx
      await call(tx.collection('ledger').doc('held').update({ data: { v: 1 } }))
      const startedAt = Date.now()
      const error = await failure(db.collection('ledger').doc('held').update({ data: { v: 2 } }))
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190)
      expect(error.errCode).toBe(-501002)
      expect(error.errMsg).toContain('locked by a transaction')
      await tx.commit()
      expect((await call<DocResult>(db.collection('ledger').doc('held').get())).data).toEqual({ _id: 'held', v: 1 })
    } finally {
      await bounded.close()
    }
  })

  it('a unique key committed by someone else after the write call fails the commit with E11000 and applies nothing', async () => {
    await call(ledger().add({ data: { _id: 'side', v: 0 } }))
    const tx = await start()
    await call(tx.collection('ledger').doc('side').update({ data: { v: 1 } }))
    await call(tx.collection('tickets').add({ data: { code: 'RACE' } }))
    await call(h.db.collection('tickets').add({ data: { code: 'RACE' } }))
    // commit() is not wrapped by wx-server-sdk: the rejection carries the server's code and text.
    await expect(tx.commit()).rejects.toMatchObject({
      code: 'DATABASE_REQUEST_FAILED',
      message: expect.stringContaining('E11000 duplicate key error collection: local-env.tickets index: code_unique dup key: { code: "RACE" }'),
    })
    expect(await read('side')).toEqual({ _id: 'side', v: 0 })
    expect(h.emulator.db.count('tickets')).toBe(1)
    expect(h.emulator.db.activity()).toEqual({ transactions: 0, locks: 0 })
  })

  it('transactions racing for one document: exactly one commits, the others fail with TransactionConflict', async () => {
    const _ = h.db.command
    await call(ledger().add({ data: { _id: 'seat', taken: 0 } }))
    const contenders = ['a', 'b', 'c', 'd', 'e', 'f']
    const outcomes = await Promise.allSettled(
      contenders.map((who) =>
        h.db.runTransaction(async (tx: Tx) => {
          const seat = await call<DocResult<{ taken: number }>>(tx.collection('ledger').doc('seat').get())
          await sleep(20 + Math.random() * 30)
          await call(tx.collection('ledger').doc('seat').update({ data: { taken: _.inc(1), holder: who, sawTaken: seat.data.taken } }))
          await sleep(20 + Math.random() * 30)
          return who
        }),
      ),
    )
    const committed = outcomes.filter((o): o is PromiseFulfilledResult<string> => o.status === 'fulfilled')
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
    expect(committed).toHaveLength(1)
    for (const { reason } of failed) {
      // A conflict on the write call is not retried by runTransaction (the wrapper drops `code`).
      expect((reason as SdkError).errCode).toBe(-501001)
      expect((reason as SdkError).errMsg).toContain('TransactionConflict')
    }
    expect(await read('seat')).toEqual({ _id: 'seat', taken: 1, holder: committed[0].value, sawTaken: 0 })
    expect(h.emulator.db.activity()).toEqual({ transactions: 0, locks: 0 })
  })

  it('a unique index violation inside a transaction fails at the write call with E11000 (-502001)', async () => {
    await call(h.db.collection('tickets').add({ data: { code: 'T-1' } }))
    const tx = await start()
    const error = await failure(tx.collection('tickets').add({ data: { code: 'T-1' } }))
    expect(error.errMsg).toBe(
      'collection.add:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{E11000 duplicate key error collection: local-env.tickets index: code_unique dup key: { code: "T-1" }}]}, {<nil>}]',
    )
    await call(tx.collection('tickets').add({ data: { _id: 'mine', code: 'T-2' } }))
    const again = await failure(tx.collection('tickets').add({ data: { code: 'T-2' } }))
    expect(again.errMsg).toContain('dup key: { code: "T-2" }')
    await tx.commit()
    expect(h.emulator.db.count('tickets')).toBe(2)
  })

  it('where().get() with a transaction id is refused: only single-document operations are transactional', async () => {
    // CloudBase documents "单记录操作" only; whether it refuses or runs a transactional where().get()
    // is unverified, so the emulator takes the stricter choice and refuses it.
    const tx = await start()
    const error = await failure(tx.collection('ledger').where({ v: 1 }).get())
    expect(error.errCode).toBe(-501007)
    expect(error.errMsg).toContain('only single-document operations')
    await tx.rollback()
  })

  it('serverDate inside a transaction is refused', async () => {
    // Reported unsupported by CloudBase; the exact error text is unverified (stricter choice: refuse).
    const tx = await start()
    const error = await failure(tx.collection('ledger').add({ data: { at: h.db.serverDate() } }))
    expect(error.errCode).toBe(-501007)
    expect(error.errMsg).toContain('serverDate is not supported in a transaction')
    await tx.rollback()
  })
})
