/**
 * Finding documents: SQL narrows the candidates (planner), mingo decides (query semantics),
 * mingo sorts and projects. Without a sort, reading stops as soon as enough documents matched.
 */
import { Query } from 'mingo'
import type { Options } from 'mingo/types'
import { type Doc, parseStored, withIdFirst } from './ejson'
import { requestFailed } from './errors'
import { isDocId } from './ids'
import { planQuery } from './planner'
import type { DocId, Storage } from './storage'

/** `$where`/`$function` would run request-supplied JavaScript; CloudBase has neither. */
export const MINGO_OPTIONS: Partial<Options> = { idKey: '_id', scriptEnabled: false }

export type SortSpec = Record<string, 1 | -1>

export interface FindSpec {
  query: Doc
  order?: SortSpec
  offset: number
  limit: number
  projection?: Doc
}

export interface Found {
  doc: Doc
  /** The stored text, answered as is when there is no projection. */
  body: string
}

/** A compiled query test; an empty query matches everything without compiling. */
export function matcher(query: Doc): (doc: Doc) => boolean {
  if (Object.keys(query).length === 0) return () => true
  let compiled: Query
  try {
    compiled = new Query(query, MINGO_OPTIONS)
  } catch (err) {
    throw requestFailed((err as Error).message)
  }
  return (doc) => compiled.test(doc)
}

/** The `_id` of a query that is exactly `{_id: <id>}` (what every doc() call sends), else undefined. */
export function idOnly(query: Doc): DocId | undefined {
  for (const key in query) if (key !== '_id') return undefined
  return isDocId(query._id) ? query._id : undefined
}

/** Matching documents of a collection in index or natural order, at most `max`. */
export function scan(storage: Storage, collection: string, query: Doc, max = Infinity): Found[] {
  const id = idOnly(query)
  if (id !== undefined) {
    // A primary-key seek answers `{_id}` exactly (an _id is never an array), so mingo is not needed.
    const stored = max > 0 ? storage.getById(collection, id) : undefined
    return stored ? [{ doc: parseStored(stored.body), body: stored.body }] : []
  }
  const test = matcher(query)
  const { where, params } = planQuery(query, storage.indexesOf(collection))
  const found: Found[] = []
  if (max <= 0) return found
  // `break` closes the SQLite cursor, so the connection is free for writes right after.
  for (const body of storage.iterateBodies(collection, where, params)) {
    const doc = parseStored(body)
    if (!test(doc)) continue
    found.push({ doc, body })
    if (found.length >= max) break
  }
  return found
}

export function sortFound(found: Found[], order: SortSpec): Found[] {
  const bodies = new Map(found.map((entry) => [entry.doc, entry.body]))
  let sorted: Doc[]
  try {
    sorted = new Query({}, MINGO_OPTIONS).find<Doc>(found.map((entry) => entry.doc)).sort(order).all()
  } catch (err) {
    throw requestFailed((err as Error).message)
  }
  return sorted.map((doc) => ({ doc, body: bodies.get(doc) ?? '' }))
}

export function project(docs: Doc[], projection: Doc): Doc[] {
  try {
    return new Query({}, MINGO_OPTIONS).find<Doc>(docs, projection).all().map(withIdFirst)
  } catch (err) {
    throw requestFailed((err as Error).message)
  }
}

/** A `where().get()`: filter, sort, skip, limit. */
export function find(storage: Storage, collection: string, spec: FindSpec): Found[] {
  const sorting = spec.order !== undefined && Object.keys(spec.order).length > 0
  let found = scan(storage, collection, spec.query, sorting ? Infinity : spec.offset + spec.limit)
  if (sorting) found = sortFound(found, spec.order as SortSpec)
  return found.slice(spec.offset, spec.offset + spec.limit)
}
