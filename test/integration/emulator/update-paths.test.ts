/**
 * An update path through an existing array with a non-numeric segment: MongoDB refuses it
 * ("Cannot create field 'b' in element {a: [ 1, 2 ]}", a write error CloudBase relays as
 * errCode -502001) instead of silently changing nothing. Through the real SDK, which flattens
 * `update({data: {a: {b: 1}}})` into the dot path `a.b` ($set) as well.
 */
import { call, type DocResult, failure, type Harness, sharedHarness } from './sdk'

interface Tx {
  collection(name: string): ReturnType<Harness['db']['collection']>
  commit(): Promise<unknown>
  rollback(reason?: unknown): Promise<unknown>
}

const h = sharedHarness()

const ledger = () => h.db.collection('ledger')
const read = async (id: string) => (await call<DocResult>(ledger().doc(id).get())).data
const WRITE_ERROR = (text: string) => `document.update:fail -502001 database request fail. [FailedOperation] multiple write errors: [{write errors: [{${text}}]}, {<nil>}]`

describe("MongoDB's Cannot create field", () => {
  it('doc().update() of a dot path through an array with a non-numeric segment fails with -502001 and changes nothing', async () => {
    await call(ledger().add({ data: { _id: 'arr', a: [1, 2], n: 0 } }))
    const error = await failure(ledger().doc('arr').update({ data: { 'a.b': 1, n: 1 } }))
    expect(error).toEqual({ errCode: -502001, errMsg: WRITE_ERROR("Cannot create field 'b' in element {a: [ 1, 2 ]}") })
    expect(await read('arr')).toEqual({ _id: 'arr', a: [1, 2], n: 0 })
  })

  it('a nested object in update() (the SDK sends it as dot paths) meets the same refusal', async () => {
    await call(ledger().add({ data: { _id: 'nested', x: { a: [{ b: 1 }] } } }))
    const error = await failure(ledger().doc('nested').update({ data: { x: { a: { c: 2 } } } }))
    expect(error.errMsg).toContain("Cannot create field 'c' in element {a: [ { b: 1 } ]}")
    expect(await read('nested')).toEqual({ _id: 'nested', x: { a: [{ b: 1 }] } })
  })

  it('operators that create fields ($inc, $push...) are refused the same way; numeric segments still index the array', async () => {
    const _ = h.db.command
    await call(ledger().add({ data: { _id: 'ops', a: [1, 2] } }))
    expect((await failure(ledger().doc('ops').update({ data: { 'a.count': _.inc(1) } }))).errMsg).toContain("Cannot create field 'count' in element {a: [ 1, 2 ]}")
    expect((await failure(ledger().doc('ops').update({ data: { 'a.list': _.push(3) } }))).errMsg).toContain("Cannot create field 'list' in element {a: [ 1, 2 ]}")
    await call(ledger().doc('ops').update({ data: { 'a.1': 5 } }))
    expect(await read('ops')).toEqual({ _id: 'ops', a: [1, 5] })
    // A numeric segment reaching a scalar inside the array: MongoDB's wording names the element.
    expect((await failure(ledger().doc('ops').update({ data: { 'a.0.b': 1 } }))).errMsg).toContain("Cannot create field 'b' in element {0: 1}")
  })

  it('a where().update() over several documents is refused as a whole (all-or-nothing, as the emulator does for multi-updates)', async () => {
    await call(ledger().add({ data: [{ _id: 'plain', group: 'g', a: { b: 0 } }, { _id: 'list', group: 'g', a: [0] }] }))
    const error = await failure(ledger().where({ group: 'g' }).update({ data: { 'a.b': 7 } }))
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toContain("Cannot create field 'b' in element {a: [ 0 ]}")
    expect(await read('plain')).toEqual({ _id: 'plain', group: 'g', a: { b: 0 } })
  })

  it('inside a transaction the write call is refused and the transaction can go on', async () => {
    await call(ledger().add({ data: [{ _id: 'txa', a: [1] }, { _id: 'txb', v: 0 }] }))
    const tx = (await h.db.startTransaction()) as Tx
    const error = await failure(tx.collection('ledger').doc('txa').update({ data: { 'a.b': 1 } }))
    expect(error.errCode).toBe(-502001)
    expect(error.errMsg).toContain("Cannot create field 'b' in element {a: [ 1 ]}")
    await call(tx.collection('ledger').doc('txb').update({ data: { v: 1 } }))
    await tx.commit()
    expect(await read('txa')).toEqual({ _id: 'txa', a: [1] })
    expect(await read('txb')).toEqual({ _id: 'txb', v: 1 })
  })

  it('the fast $set path still sets fields through plain objects and creates missing parents', async () => {
    await call(ledger().add({ data: { _id: 'fast', a: { b: 1 } } }))
    await call(ledger().doc('fast').update({ data: { 'a.c': 2, 'x.y.z': 3 } }))
    expect(await read('fast')).toEqual({ _id: 'fast', a: { b: 1, c: 2 }, x: { y: { z: 3 } } })
  })
})
