/**
 * Typed reads over wx-server-sdk's database, whose typings answer `string | void | result` for
 * callback compatibility. The database is opened with throwOnNotFound off, so a missing document
 * reads as null instead of an errCode -1 exception.
 */
import type { CallContext } from './handler'

type Db = CallContext['db']

export async function getDoc<T>(db: Db, collection: string, id: string): Promise<T | null> {
  const result = (await db.collection(collection).doc(id).get()) as unknown as { data: T | T[] | null }
  const data = result.data
  if (Array.isArray(data)) return (data[0] as T | undefined) ?? null
  return data ?? null
}

export async function findMany<T>(
  db: Db,
  collection: string,
  where: Record<string, unknown>,
  options: { orderBy?: [string, 'asc' | 'desc']; limit?: number; fields?: Record<string, true> } = {},
): Promise<T[]> {
  let query = db.collection(collection).where(where)
  if (options.orderBy) query = query.orderBy(options.orderBy[0], options.orderBy[1])
  if (options.fields) query = query.field(options.fields)
  const result = (await query.limit(options.limit ?? 100).get()) as unknown as { data: T[] }
  return result.data
}

/** `where(...).update(...)`: returns how many documents changed (0 when the condition failed). */
export async function updateWhere(db: Db, collection: string, where: Record<string, unknown>, data: Record<string, unknown>): Promise<number> {
  const result = (await db.collection(collection).where(where).update({ data })) as unknown as { stats: { updated: number } }
  return result.stats.updated
}

export async function removeWhere(db: Db, collection: string, where: Record<string, unknown>): Promise<number> {
  const result = (await db.collection(collection).where(where).remove()) as unknown as { stats: { removed: number } }
  return result.stats.removed
}

export async function countWhere(db: Db, collection: string, where: Record<string, unknown>): Promise<number> {
  const result = (await db.collection(collection).where(where).count()) as unknown as { total: number }
  return result.total
}

/**
 * Every matching document in the order of `field` (a time every document has), a page of 1000 at
 * a time by key range: each page starts where the last one ended (`field >= last`), so the cost
 * grows with the documents read, never with how many came before (as `skip` does). Documents
 * sharing the boundary value are told apart by id. A query through an index on `field` never
 * reaches documents without it.
 */
export async function findAllInOrder<T extends { _id: string }>(db: Db, collection: string, where: Record<string, unknown>, field: string): Promise<T[]> {
  // `field` holds a Date in every document this reads (createdAt, at).
  const _ = db.command
  const out: T[] = []
  // A time range from the start, not `exists`: a range is what an index on the time answers.
  let from: unknown = new Date(0)
  let atBoundary = new Set<string>()
  for (;;) {
    const range = { ...where, [field]: _.gte(from) }
    const page = (await db.collection(collection).where(range).orderBy(field, 'asc').orderBy('_id', 'asc').limit(1000).get()) as unknown as { data: T[] }
    const fresh = page.data.filter((doc) => !atBoundary.has(doc._id))
    out.push(...fresh)
    if (page.data.length < 1000) return out
    if (fresh.length === 0) throw new Error(`${collection}: more than 1000 documents share one ${field}; cannot page past them`)
    const last = (page.data[page.data.length - 1] as Record<string, unknown>)[field]
    const lastKey = JSON.stringify(last)
    if (lastKey !== JSON.stringify(from)) atBoundary = new Set()
    for (const doc of page.data) if (JSON.stringify((doc as Record<string, unknown>)[field]) === lastKey) atBoundary.add(doc._id)
    from = last
  }
}

/** Every matching document, a page at a time (CloudBase caps one read at 1000). */
export async function findAll<T>(db: Db, collection: string, where: Record<string, unknown>, orderBy: [string, 'asc' | 'desc']): Promise<T[]> {
  const out: T[] = []
  for (let skip = 0; ; skip += 1000) {
    const page = (await db.collection(collection).where(where).orderBy(orderBy[0], orderBy[1]).skip(skip).limit(1000).get()) as unknown as { data: T[] }
    out.push(...page.data)
    if (page.data.length < 1000) return out
  }
}
