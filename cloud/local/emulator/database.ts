/**
 * The database's semantics, independent of the wire: collections, inserts, finds, updates,
 * removes, counts, aggregation and transactions, over SQLite storage with per-document locks.
 *
 * Everything here is synchronous except the wait of a non-transactional write for a document a
 * transaction holds, so each request reads and writes atomically with respect to all others.
 */
import { Aggregator } from 'mingo'
import { type Doc, parseStored, serializeDoc } from './ejson'
import {
  CloudBaseError,
  collectionAlreadyExist,
  collectionNotExist,
  duplicateKey,
  invalidParam,
  ReplyCode,
  requestFailed,
} from './errors'
import { find, type FindSpec, idOnly, matcher, MINGO_OPTIONS, project, scan } from './finder'
import { generateId, isDocId, sameId } from './ids'
import { assertNoArrayInUniqueKey, formatDupKey, type IndexConfig, isValidCollectionName } from './indexes'
import { lockKey, LockTable } from './locks'
import { planQuery } from './planner'
import { type DocId, Storage, UniqueViolation, type WriteOp } from './storage'
import { type StagedKey, type Transaction, TransactionManager } from './transactions'
import { applyOperators, assertStorable, changed, isOperatorUpdate, replaceDocument, upsertSeed } from './update'

/** How collections come to exist: as declared (CloudBase: created in the console), or on first write. */
export type CollectionMode = 'declared' | 'auto'

export interface DatabaseOptions {
  storage: Storage
  indexes: IndexConfig
  collections: CollectionMode
  transactionTimeoutMs: number
  /** How long a write outside a transaction waits for a document a transaction holds. */
  lockWaitMs: number
}

/** Who is asking: the environment id appears in CloudBase's error texts. */
export interface RequestContext {
  env: string
}

export interface UpdateSpec {
  query: Doc
  /** DOC: the query is `{_id}` and at most one document is touched. */
  byId: boolean
  data: Doc
  multi: boolean
  merge: boolean
  upsert: boolean
}

export interface UpdateResult {
  updated: number
  upsertId?: DocId
}

/** A planned committed write: computed synchronously, applied only if no transaction holds its documents. */
interface WritePlan<T> {
  ops: WriteOp[]
  /** Lock keys of every document the write reads to decide or changes. */
  touched: string[]
  result: T
}

/** Stages that would write, or need services the emulator does not have. */
const REFUSED_STAGES = new Set(['$out', '$merge', '$geoNear', '$collStats', '$indexStats', '$currentOp', '$listSessions'])

/** CloudBase answers 20 documents from an aggregation without a $limit stage. */
export const AGGREGATE_DEFAULT_LIMIT = 20

export class Database {
  readonly storage: Storage
  readonly locks = new LockTable()
  readonly transactions: TransactionManager
  private readonly mode: CollectionMode
  private readonly lockWaitMs: number

  constructor(options: DatabaseOptions) {
    this.storage = options.storage
    this.mode = options.collections
    this.lockWaitMs = options.lockWaitMs
    for (const name of Object.keys(options.indexes)) this.storage.createCollection(name)
    this.storage.applyIndexConfig(options.indexes)
    this.transactions = new TransactionManager(this.storage, this.locks, options.transactionTimeoutMs)
  }

  // ---- collections ----

  createCollection(name: string): void {
    if (!isValidCollectionName(name)) throw invalidParam(`"${name}" is not a valid collection name`)
    if (!this.storage.createCollection(name)) throw collectionAlreadyExist(name)
  }

  /** Reads of a missing collection: an error when collections must be declared, else nothing to read. */
  private readable(collection: string): boolean {
    if (this.storage.hasCollection(collection)) return true
    if (this.mode === 'auto' && isValidCollectionName(collection)) return false
    throw this.missing(collection)
  }

  private writable(collection: string): void {
    if (this.storage.hasCollection(collection)) return
    if (this.mode === 'auto' && isValidCollectionName(collection)) {
      this.storage.createCollection(collection)
      return
    }
    throw this.missing(collection)
  }

  private missing(collection: string): CloudBaseError {
    if (!isValidCollectionName(collection)) return invalidParam(`"${collection}" is not a valid collection name`)
    return collectionNotExist(collection, 'Declare it in cloud/indexes.json (the collections created in the console) or call db.createCollection().')
  }

  // ---- reads ----

  find(collection: string, spec: FindSpec): string[] {
    if (!this.readable(collection)) return []
    const id = idOnly(spec.query)
    if (id !== undefined && !spec.projection) {
      // doc(id).get(): one primary-key seek, the stored text answered as it is.
      const stored = spec.offset === 0 && spec.limit > 0 ? this.storage.getById(collection, id) : undefined
      return stored ? [stored.body] : []
    }
    const found = find(this.storage, collection, spec)
    if (!spec.projection) return found.map((entry) => entry.body)
    return project(
      found.map((entry) => entry.doc),
      spec.projection,
    ).map(serializeDoc)
  }

  count(collection: string, query: Doc): number {
    if (!this.readable(collection)) return 0
    if (Object.keys(query).length === 0) return this.storage.count(collection)
    // A query the indexes answer exactly is counted by SQLite alone: no document is parsed.
    const plan = planQuery(query, this.storage.indexesOf(collection))
    if (plan.exact && plan.where) return this.storage.countWhere(collection, plan.where, plan.params)
    return scan(this.storage, collection, query).length
  }

  aggregate(collection: string, stages: Doc[]): string[] {
    if (!this.readable(collection)) return []
    for (const stage of stages) {
      const name = Object.keys(stage)[0]
      if (REFUSED_STAGES.has(name)) throw new CloudBaseError(ReplyCode.INVALID_OPERATOR, `[InvalidParameter] aggregation stage ${name} is not supported`)
    }
    const first = stages[0]?.$match
    const source = first && typeof first === 'object' ? scan(this.storage, collection, first as Doc) : scan(this.storage, collection, {})
    const pipeline = stages.some((stage) => '$limit' in stage) ? stages : [...stages, { $limit: AGGREGATE_DEFAULT_LIMIT }]
    try {
      const aggregator = new Aggregator(pipeline, {
        ...MINGO_OPTIONS,
        collectionResolver: (name: string) => (this.storage.hasCollection(name) ? scan(this.storage, name, {}).map((entry) => entry.doc) : []),
      })
      return aggregator.run(source.map((entry) => entry.doc)).map((doc) => serializeDoc(doc as Doc))
    } catch (err) {
      if (err instanceof CloudBaseError) throw err
      throw requestFailed((err as Error).message)
    }
  }

  /** `doc(id).get()` inside a transaction: the snapshot plus the transaction's own writes. */
  getInTransaction(transactionId: string, collection: string, id: DocId, projection?: Doc): string[] {
    const tx = this.transactions.get(transactionId)
    if (!this.readable(collection)) return []
    const doc = this.transactions.read(tx, collection, id)
    if (!doc) return []
    return [serializeDoc(projection ? project([doc], projection)[0] : doc)]
  }

  // ---- committed writes (outside transactions) ----

  async insert(ctx: RequestContext, collection: string, docs: Doc[]): Promise<DocId[]> {
    this.writable(collection)
    const prepared = docs.map((doc) => this.prepareInsert(doc))
    return this.commitWhenFree(ctx, () => ({
      ops: prepared.map((doc) => ({ kind: 'insert' as const, collection, id: doc._id as DocId, doc })),
      touched: prepared.map((doc) => lockKey(collection, doc._id as DocId)),
      result: prepared.map((doc) => doc._id as DocId),
    }))
  }

  async update(ctx: RequestContext, collection: string, spec: UpdateSpec): Promise<UpdateResult> {
    this.checkUpdate(spec)
    if (spec.upsert) this.writable(collection)
    else if (!this.readable(collection)) return { updated: 0 }
    return this.commitWhenFree<UpdateResult>(ctx, () => {
      const targets = scan(this.storage, collection, spec.query, spec.multi && !spec.byId ? Infinity : 1)
      const ops: WriteOp[] = []
      for (const { doc } of targets) {
        const next = spec.merge ? applyOperators(doc, spec.data, false) : replaceDocument(doc, spec.data)
        if (changed(doc, next)) ops.push({ kind: 'update', collection, id: doc._id as DocId, doc: next })
      }
      const touched = targets.map(({ doc }) => lockKey(collection, doc._id as DocId))
      if (targets.length > 0 || !spec.upsert) return { ops, touched, result: { updated: ops.length } }
      const inserted = this.upsertDocument(spec)
      const id = inserted._id as DocId
      return { ops: [{ kind: 'insert', collection, id, doc: inserted }], touched: [lockKey(collection, id)], result: { updated: 0, upsertId: id } }
    })
  }

  async remove(ctx: RequestContext, collection: string, query: Doc, multi: boolean): Promise<number> {
    if (!this.readable(collection)) return 0
    return this.commitWhenFree(ctx, () => {
      const targets = scan(this.storage, collection, query, multi ? Infinity : 1)
      const ids = targets.map(({ doc }) => doc._id as DocId)
      return {
        ops: ids.map((id) => ({ kind: 'delete' as const, collection, id })),
        touched: ids.map((id) => lockKey(collection, id)),
        result: ids.length,
      }
    })
  }

  /**
   * Applies a planned write once no transaction holds a document it touches: such a write waits for
   * the transaction to end (at most lockWaitMs; transactions themselves end within their timeout),
   * then plans again on the new state.
   */
  private async commitWhenFree<T>(ctx: RequestContext, plan: () => WritePlan<T>): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs
    for (;;) {
      const planned = plan()
      const held = planned.touched.find((key) => this.locks.ownerOf(key) !== undefined)
      if (held === undefined) {
        this.apply(ctx, planned.ops)
        return planned.result
      }
      const remaining = deadline - Date.now()
      if (remaining <= 0 || !(await this.locks.waitForRelease(held, remaining))) {
        throw new CloudBaseError(ReplyCode.SERVER_TIMEOUT, `[OperationTimeout] the document is locked by a transaction that did not finish within ${this.lockWaitMs} ms`)
      }
    }
  }

  private apply(ctx: RequestContext, ops: WriteOp[]): void {
    try {
      this.storage.applyWrites(ops)
    } catch (err) {
      throw this.asDuplicateKey(ctx, err)
    }
  }

  private asDuplicateKey(ctx: RequestContext, err: unknown): unknown {
    if (!(err instanceof UniqueViolation)) return err
    return duplicateKey(ctx.env, err.collection, err.indexName, formatDupKey(err.fields, err.doc))
  }

  private prepareInsert(doc: Doc): Doc {
    assertStorable(doc)
    if (doc._id === undefined) return { _id: generateId(), ...doc }
    if (!isDocId(doc._id)) throw invalidParam('_id must be a non-empty string or a number')
    return { _id: doc._id, ...doc }
  }

  private checkUpdate(spec: UpdateSpec): void {
    if (spec.merge && !isOperatorUpdate(spec.data)) throw invalidParam('an update with merge: true must consist of update operators ($set, $inc, ...)')
    if (!spec.merge) {
      if (Object.keys(spec.data).some((key) => key.startsWith('$'))) throw invalidParam('set() replaces the document and takes no update operators')
    }
  }

  /** The document an upsert inserts: the query's equalities (or its `_id`) plus the update. */
  private upsertDocument(spec: UpdateSpec): Doc {
    const seed = upsertSeed(spec.query)
    if (seed._id !== undefined && !isDocId(seed._id)) throw invalidParam('_id must be a non-empty string or a number')
    const id = (seed._id as DocId | undefined) ?? generateId()
    if (spec.merge) return applyOperators({ ...seed, _id: id }, spec.data, true)
    return this.prepareInsert({ ...spec.data, _id: id })
  }

  // ---- transactions ----

  startTransaction(): string {
    return this.transactions.start().id
  }

  commitTransaction(ctx: RequestContext, transactionId: string): void {
    const tx = this.transactions.get(transactionId)
    try {
      this.transactions.commit(tx)
    } catch (err) {
      throw this.asDuplicateKey(ctx, err)
    }
  }

  abortTransaction(transactionId: string): void {
    this.transactions.abort(this.transactions.get(transactionId))
  }

  insertInTransaction(ctx: RequestContext, transactionId: string, collection: string, docs: Doc[]): DocId[] {
    const tx = this.transactions.get(transactionId)
    this.writable(collection)
    return docs.map((raw) => {
      const doc = this.prepareInsert(raw)
      const id = doc._id as DocId
      if (this.transactions.read(tx, collection, id)) throw duplicateKey(ctx.env, collection, '_id_', formatDupKey(['_id'], doc))
      this.transactions.lockForWrite(tx, collection, id)
      const keys = this.assertUniqueInTransaction(ctx, tx, collection, doc)
      this.transactions.stage(tx, collection, id, doc, keys)
      return id
    })
  }

  /** `doc(id).set()` / `doc(id).update()` inside a transaction. */
  updateInTransaction(ctx: RequestContext, transactionId: string, collection: string, id: DocId, spec: UpdateSpec): UpdateResult {
    const tx = this.transactions.get(transactionId)
    this.checkUpdate(spec)
    if (spec.upsert) this.writable(collection)
    else if (!this.readable(collection)) return { updated: 0 }
    const base = this.transactions.read(tx, collection, id)
    if (base && !matcher(spec.query)(base)) return { updated: 0 }
    if (!base && !spec.upsert) return { updated: 0 }
    this.transactions.lockForWrite(tx, collection, id)
    const next = base
      ? spec.merge
        ? applyOperators(base, spec.data, false)
        : replaceDocument(base, spec.data)
      : this.upsertDocument({ ...spec, query: { _id: id } })
    const keys = this.assertUniqueInTransaction(ctx, tx, collection, next)
    this.transactions.stage(tx, collection, id, next, keys)
    if (!base) return { updated: 0, upsertId: id }
    return { updated: changed(base, next) ? 1 : 0 }
  }

  removeInTransaction(transactionId: string, collection: string, id: DocId): number {
    const tx = this.transactions.get(transactionId)
    if (!this.readable(collection)) return 0
    if (!this.transactions.read(tx, collection, id)) return 0
    this.transactions.lockForWrite(tx, collection, id)
    this.transactions.stage(tx, collection, id, null, [])
    return 1
  }

  /**
   * Unique indexes at the write call, as MongoDB checks them: against committed documents the
   * transaction has not itself changed (an index seek), and against the transaction's own writes
   * (a lookup in the keys it staged: constant time, however many it staged). Answers the keys the
   * document holds, for the transaction to keep. Commit checks once more (SQLite's unique index),
   * catching what others committed meanwhile.
   */
  private assertUniqueInTransaction(ctx: RequestContext, tx: Transaction, collection: string, doc: Doc): StagedKey[] {
    const id = doc._id as DocId
    const keys: StagedKey[] = []
    for (const { spec } of this.storage.indexesOf(collection)) {
      if (!spec.unique) continue
      assertNoArrayInUniqueKey(spec, doc)
      const key = this.storage.indexKey(spec, doc)
      const clash = () => duplicateKey(ctx.env, collection, spec.name, formatDupKey(Object.keys(spec.keys), doc))
      for (const holder of this.storage.holdersOfKey(collection, spec, key)) {
        // A committed holder the transaction wrote is judged by what it staged (below).
        if (!sameId(holder, id) && !tx.writes.has(lockKey(collection, holder))) throw clash()
      }
      const text = uniqueKeyText(key)
      const staged = tx.stagedHolder(collection, spec.name, text)
      if (staged !== undefined && !sameId(staged, id)) throw clash()
      keys.push({ index: spec.name, key: text })
    }
    return keys
  }

  // ---- admin ----

  /** The SQL prefilter and SQLite's plan for a query: proof of index use. */
  explain(collection: string, query: Doc): { where?: string; plan: string[] } {
    const { where, params } = planQuery(query, this.storage.indexesOf(collection))
    return { where, plan: this.storage.explain(collection, where, params) }
  }

  /** Every document of a collection, parsed (tests and tools). */
  documents(collection: string): Doc[] {
    if (!this.storage.hasCollection(collection)) return []
    const docs: Doc[] = []
    for (const body of this.storage.iterateBodies(collection, undefined, [])) docs.push(parseStored(body))
    return docs
  }

  close(): void {
    this.transactions.abortAll()
    this.storage.close()
  }
}

/**
 * A unique key (the values SQLite computes for the index: strings, numbers, the empty blob for a
 * missing or null field, and the JSON types) as text: two keys are equal exactly when SQLite's
 * unique index would find them equal (integer 1 and real 1.0 are both the number 1 here, as they
 * are one key to SQLite; the string "1" stays apart).
 */
function uniqueKeyText(key: unknown[]): string {
  return JSON.stringify(key.map((value) => (Buffer.isBuffer(value) ? { blob: value.toString('hex') } : value)))
}
