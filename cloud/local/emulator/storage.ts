/**
 * Document storage in SQLite (better-sqlite3, WAL).
 *
 * One table per collection, `"c:<name>"(seq INTEGER PRIMARY KEY, _id UNIQUE, body, version)`:
 * `seq` is the stable insertion order (MongoDB's natural order), `_id` is the collection's primary
 * key (CloudBase's `_id_` index; a lookup by `_id` is one index seek), `body` the relaxed EJSON text
 * answered as is, `version` a global commit counter that lets a transaction see whether a document
 * changed after its snapshot. Declared indexes are SQLite expression indexes on the JSON body.
 *
 * Durability: WAL with synchronous=NORMAL. A commit has been written to the WAL file before it is
 * acknowledged, so killing the process (kill -9) loses nothing acknowledged; only an OS crash or
 * power cut could lose the last commits, which a development emulator can accept. A temporary
 * database (':memory:') runs with synchronous=OFF: it is gone with the process anyway.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Doc } from './ejson'
import { serializeDoc } from './ejson'
import { assertNoArrayInUniqueKey, indexColumns, type IndexConfig, indexExpressions, type IndexSpec, pathHasArray } from './indexes'
import { makePrivateDirectory, preparePrivateDatabaseFile } from './privateFiles'

type Connection = Database.Database
type Statement = Database.Statement<unknown[]>

export type DocId = string | number

export interface StoredDoc {
  body: string
  version: number
}

/** One change of a committed write; the whole list commits as one SQLite transaction. */
export type WriteOp =
  | { kind: 'insert'; collection: string; id: DocId; doc: Doc }
  | { kind: 'update'; collection: string; id: DocId; doc: Doc }
  | { kind: 'delete'; collection: string; id: DocId }

/** A unique index refused a write; the database layer words it as CloudBase's E11000. */
export class UniqueViolation extends Error {
  constructor(
    readonly collection: string,
    /** `_id_` or the declared index name. */
    readonly indexName: string,
    readonly fields: string[],
    readonly doc: Doc,
  ) {
    super(`duplicate key in ${collection} index ${indexName}`)
  }
}

export interface ManagedIndex {
  spec: IndexSpec
  /** Some document holds an array on the path: equality on the SQL key would miss it, so the planner skips it. */
  multikey: boolean
}

const tableName = (collection: string) => `"c:${collection}"`
const indexName = (collection: string, name: string) => `"ix:${collection}:${name}"`

/** Caches prepared statements per connection: preparing costs more than running a point lookup. */
class StatementCache {
  private readonly statements = new Map<string, Statement>()
  constructor(readonly db: Connection) {}

  get(sql: string): Statement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  clear(): void {
    this.statements.clear()
  }
}

function selectById(collection: string): string {
  return `SELECT body, version FROM ${tableName(collection)} WHERE _id = ?`
}

/** A read-only view fixed at the moment it was opened (a WAL read transaction on its own connection). */
export class Snapshot {
  constructor(
    private readonly cache: StatementCache,
    private readonly release: (cache: StatementCache) => void,
  ) {}

  getById(collection: string, id: DocId): StoredDoc | undefined {
    let statement: Statement
    try {
      statement = this.cache.get(selectById(collection))
    } catch {
      return undefined // the collection was created after the snapshot: empty as of then
    }
    return statement.get(id) as StoredDoc | undefined
  }

  close(): void {
    this.release(this.cache)
  }
}

export interface StorageOptions {
  /** SQLite file; ':memory:' means a private temporary file removed on close (snapshots need a file). */
  file: string
}

export class Storage {
  readonly file: string
  private readonly db: Connection
  private readonly cache: StatementCache
  private readonly temporaryDir: string | undefined
  private readonly collections = new Set<string>()
  private readonly indexes = new Map<string, ManagedIndex[]>()
  private readonly idleSnapshots: StatementCache[] = []
  private version = 0
  private closed = false

  constructor(options: StorageOptions) {
    if (options.file === ':memory:') {
      this.temporaryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emulator-'))
      this.file = path.join(this.temporaryDir, 'db.sqlite')
    } else {
      makePrivateDirectory(path.dirname(path.resolve(options.file)))
      this.file = options.file
    }
    // Owner-only from creation, journals included (privateFiles.ts): the data is personal.
    preparePrivateDatabaseFile(this.file)
    this.db = new Database(this.file)
    this.db.pragma('journal_mode = WAL')
    // A temporary database dies with the emulator, so it skips the syncs that only survive a crash
    // of the machine: a checkpoint then costs no fsync.
    this.db.pragma(this.temporaryDir ? 'synchronous = OFF' : 'synchronous = NORMAL')
    this.cache = new StatementCache(this.db)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS _indexes (
        collection TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, multikey INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (collection, name)
      );
    `)
    for (const { name } of this.db.prepare('SELECT name FROM _collections').all() as { name: string }[]) {
      this.collections.add(name)
      const max = this.db.prepare(`SELECT max(version) AS v FROM ${tableName(name)}`).get() as { v: number | null }
      this.version = Math.max(this.version, max.v ?? 0)
    }
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name)
  }

  collectionNames(): string[] {
    return [...this.collections].sort()
  }

  /** Creates the collection's table; returns false when it already existed. */
  createCollection(name: string): boolean {
    if (this.collections.has(name)) return false
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE IF NOT EXISTS ${tableName(name)} (
        seq INTEGER PRIMARY KEY, _id NOT NULL UNIQUE, body TEXT NOT NULL, version INTEGER NOT NULL
      )`)
      this.db.prepare('INSERT OR IGNORE INTO _collections (name, created_at) VALUES (?, ?)').run(name, Date.now())
    })()
    this.collections.add(name)
    this.indexes.set(name, [])
    return true
  }

  /**
   * Makes SQLite's indexes match the configuration: creates new ones, rebuilds changed ones, drops
   * ones no longer declared. A unique index over existing duplicates fails, as in the console.
   */
  applyIndexConfig(config: IndexConfig): void {
    const existing = this.db.prepare('SELECT collection, name, spec, multikey FROM _indexes').all() as {
      collection: string
      name: string
      spec: string
      multikey: number
    }[]
    for (const row of existing) {
      const wanted = config[row.collection]?.find((spec) => spec.name === row.name)
      if (!wanted || JSON.stringify(wanted) !== row.spec || !this.collections.has(row.collection)) {
        this.db.exec(`DROP INDEX IF EXISTS ${indexName(row.collection, row.name)}`)
        this.db.prepare('DELETE FROM _indexes WHERE collection = ? AND name = ?').run(row.collection, row.name)
      }
    }
    const kept = new Map(existing.map((row) => [`${row.collection}\u0000${row.name}`, row]))
    this.indexes.clear()
    for (const collection of this.collections) {
      const managed: ManagedIndex[] = []
      for (const spec of config[collection] ?? []) {
        const row = kept.get(`${collection}\u0000${spec.name}`)
        if (row && row.spec === JSON.stringify(spec)) {
          managed.push({ spec, multikey: row.multikey === 1 })
          continue
        }
        managed.push({ spec, multikey: this.createIndex(collection, spec) })
      }
      this.indexes.set(collection, managed)
    }
    this.cache.clear()
  }

  private createIndex(collection: string, spec: IndexSpec): boolean {
    const unique = spec.unique ? 'UNIQUE ' : ''
    try {
      this.db.exec(`CREATE ${unique}INDEX ${indexName(collection, spec.name)} ON ${tableName(collection)} (${indexColumns(spec)})`)
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new Error(`cannot create unique index ${spec.name} on ${collection}: existing documents share a key`)
      }
      throw err
    }
    const multikey = Object.keys(spec.keys).some((field) => this.anyArrayOnPath(collection, field))
    this.db.prepare('INSERT INTO _indexes (collection, name, spec, multikey) VALUES (?, ?, ?, ?)').run(collection, spec.name, JSON.stringify(spec), multikey ? 1 : 0)
    return multikey
  }

  /** Whether any stored document has an array at the path or at one of its prefixes. */
  private anyArrayOnPath(collection: string, field: string): boolean {
    const segments = field.split('.')
    for (let i = 1; i <= segments.length; i++) {
      const prefix = '$' + segments.slice(0, i).map((segment) => `."${segment}"`).join('')
      const hit = this.db.prepare(`SELECT 1 FROM ${tableName(collection)} WHERE json_type(body, '${prefix}') = 'array' LIMIT 1`).get()
      if (hit) return true
    }
    return false
  }

  indexesOf(collection: string): ManagedIndex[] {
    return this.indexes.get(collection) ?? []
  }

  getById(collection: string, id: DocId): StoredDoc | undefined {
    return this.cache.get(selectById(collection)).get(id) as StoredDoc | undefined
  }

  /** The key a unique index would hold for a document, computed by SQLite with the index's own expressions. */
  indexKey(spec: IndexSpec, doc: Doc): unknown[] {
    const sql = `SELECT ${indexExpressions(spec).join(', ')} FROM (SELECT ? AS body)`
    return this.cache.get(sql).raw().get(serializeDoc(doc)) as unknown[]
  }

  /** Ids of committed documents holding this key in the index (an index seek). */
  holdersOfKey(collection: string, spec: IndexSpec, key: unknown[]): DocId[] {
    const where = indexExpressions(spec).map((expression) => `${expression} = ?`).join(' AND ')
    return this.cache.get(`SELECT _id FROM ${tableName(collection)} WHERE ${where}`).pluck().all(...key) as DocId[]
  }

  /** Bodies of the documents passing a SQL prefilter (or all), in index or natural order. */
  iterateBodies(collection: string, where: string | undefined, params: unknown[]): IterableIterator<string> {
    const sql = `SELECT body FROM ${tableName(collection)}${where ? ` WHERE ${where}` : ''}`
    return this.cache.get(sql).pluck().iterate(...params) as IterableIterator<string>
  }

  /** Documents in the collection (a count without a filter needs no parsing). */
  count(collection: string): number {
    return (this.cache.get(`SELECT count(*) FROM ${tableName(collection)}`).pluck().get() as number) ?? 0
  }

  /** Documents passing an exact SQL filter (planner: `exact`), counted by SQLite from the index: none is read or parsed. */
  countWhere(collection: string, where: string, params: unknown[]): number {
    return (this.cache.get(`SELECT count(*) FROM ${tableName(collection)} WHERE ${where}`).pluck().get(...params) as number) ?? 0
  }

  explain(collection: string, where: string | undefined, params: unknown[]): string[] {
    const sql = `EXPLAIN QUERY PLAN SELECT body FROM ${tableName(collection)}${where ? ` WHERE ${where}` : ''}`
    return (this.db.prepare(sql).all(...params) as { detail: string }[]).map((row) => row.detail)
  }

  /**
   * Applies the writes as one SQLite transaction under a fresh version. Throws UniqueViolation
   * (nothing applied) when a unique index refuses one of them.
   */
  applyWrites(ops: WriteOp[]): number {
    if (ops.length === 0) return this.version
    const version = this.version + 1
    if (ops.length === 1) {
      // A single write needs no explicit transaction; a multikey flag written just before it is
      // harmless even if the write then fails (the planner is merely more cautious).
      this.applyOne(ops[0], version)
    } else {
      this.cache.get('BEGIN IMMEDIATE').run()
      try {
        for (const op of ops) this.applyOne(op, version)
        this.cache.get('COMMIT').run()
      } catch (err) {
        if (this.db.inTransaction) this.cache.get('ROLLBACK').run()
        throw err
      }
    }
    this.version = version
    return version
  }

  private applyOne(op: WriteOp, version: number): void {
    const table = tableName(op.collection)
    if (op.kind === 'delete') {
      this.cache.get(`DELETE FROM ${table} WHERE _id = ?`).run(op.id)
      return
    }
    const managed = this.indexesOf(op.collection)
    for (const index of managed) {
      assertNoArrayInUniqueKey(index.spec, op.doc)
      if (!index.multikey && Object.keys(index.spec.keys).some((field) => pathHasArray(op.doc, field))) {
        // Flagged in memory at once (a rollback leaves the planner merely more cautious).
        index.multikey = true
        this.cache.get('UPDATE _indexes SET multikey = 1 WHERE collection = ? AND name = ?').run(op.collection, index.spec.name)
      }
    }
    const body = serializeDoc(op.doc)
    try {
      if (op.kind === 'insert') this.cache.get(`INSERT INTO ${table} (_id, body, version) VALUES (?, ?, ?)`).run(op.id, body, version)
      else this.cache.get(`UPDATE ${table} SET body = ?, version = ? WHERE _id = ?`).run(body, version, op.id)
    } catch (err) {
      throw this.uniqueViolation(err, op.collection, op.doc) ?? err
    }
  }

  /** Maps SQLite's "UNIQUE constraint failed: ..." to the CloudBase index it came from. */
  private uniqueViolation(err: unknown, collection: string, doc: Doc): UniqueViolation | undefined {
    const { code, message } = err as { code?: string; message?: string }
    if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined
    if (message?.includes(`c:${collection}._id`)) return new UniqueViolation(collection, '_id_', ['_id'], doc)
    // When several unique indexes clash, MongoDB names the first in index order (creation order,
    // here the order of the index file); SQLite may name any of them, so look the first one up.
    const first = this.indexesOf(collection).find(
      ({ spec }) => spec.unique && [...this.holdersOfKey(collection, spec, this.indexKey(spec, doc))].some((holder) => !(typeof holder === typeof doc._id && holder === doc._id)),
    )?.spec
    const match = /index '([^']+)'/.exec(message ?? '')
    const name = match?.[1].split(':').slice(2).join(':')
    const spec = first ?? this.indexesOf(collection).find((index) => index.spec.name === name)?.spec
    return spec ? new UniqueViolation(collection, spec.name, Object.keys(spec.keys), doc) : undefined
  }

  /** Opens a snapshot of the committed state as of now. */
  openSnapshot(): Snapshot {
    const cache = this.idleSnapshots.pop() ?? this.newSnapshotConnection()
    cache.db.exec('BEGIN')
    // A deferred BEGIN takes its snapshot at the first read; take it now.
    cache.get('SELECT count(*) FROM sqlite_schema').get()
    return new Snapshot(cache, (released) => {
      if (released.db.inTransaction) released.db.exec('ROLLBACK')
      if (this.closed || this.idleSnapshots.length >= 8) released.db.close()
      else this.idleSnapshots.push(released)
    })
  }

  private newSnapshotConnection(): StatementCache {
    const db = new Database(this.file)
    db.pragma('busy_timeout = 5000')
    return new StatementCache(db)
  }

  /** Deletes every document (keeping collections and indexes): a clean slate for tests. */
  clear(): void {
    this.db.transaction(() => {
      for (const collection of this.collections) this.db.exec(`DELETE FROM ${tableName(collection)}`)
      this.db.exec('UPDATE _indexes SET multikey = 0')
    })()
    for (const managed of this.indexes.values()) for (const index of managed) index.multikey = false
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const cache of this.idleSnapshots.splice(0)) cache.db.close()
    this.db.close()
    if (this.temporaryDir) fs.rmSync(this.temporaryDir, { recursive: true, force: true })
  }
}
