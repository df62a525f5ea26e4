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

/** Every matching document, a page at a time (CloudBase caps one read at 1000). */
export async function findAll<T>(db: Db, collection: string, where: Record<string, unknown>, orderBy: [string, 'asc' | 'desc']): Promise<T[]> {
  const out: T[] = []
  for (let skip = 0; ; skip += 1000) {
    const page = (await db.collection(collection).where(where).orderBy(orderBy[0], orderBy[1]).skip(skip).limit(1000).get()) as unknown as { data: T[] }
    out.push(...page.data)
    if (page.data.length < 1000) return out
  }
}
