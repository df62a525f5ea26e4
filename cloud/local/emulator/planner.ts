/**
 * Turns the indexable part of a MongoDB query into a SQL prefilter.
 *
 * The prefilter only narrows the candidates; mingo still checks every candidate against the whole
 * query. So a translation must never drop a document the query matches (a superset is fine): that
 * is why only `_id` and fields of declared, non-multikey indexes are translated (an array value
 * matches `{field: v}` when it contains v, which a SQL equality on the whole value would miss),
 * why ranges are bracketed to one type the way MongoDB brackets them, and why everything else
 * (`$or`, `$ne`, regexes, subdocuments...) is simply left to mingo.
 */
import { dateText, type Doc, hasIsoForm } from './ejson'
import { keyExpression } from './indexes'
import type { ManagedIndex } from './storage'

export interface SqlFilter {
  /** SQL condition on the collection table, or undefined for a full scan. */
  where?: string
  params: unknown[]
}

/** What a missing or null field is indexed as (see keyExpression). */
const NULL_KEY = Buffer.alloc(0)

/** Stored texts of ISO dates all start with this; anything after the quote is a digit. */
const DATE_TEXT_LOW = '{"$date":"'
const DATE_TEXT_HIGH = '{"$date":"~'

type Bracket = { low?: string; lowValue?: unknown; high?: string; highValue?: unknown }

/** The value SQLite sees for an indexed field holding `value`, or undefined if not translatable. */
function sqlKey(value: unknown): unknown {
  if (value === null) return NULL_KEY
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'boolean') return value ? 1 : 0 // json_extract gives 1/0; the superset includes numbers 1/0
  if (value instanceof Date) return hasIsoForm(value) ? dateText(value) : undefined
  return undefined
}

/** Type brackets for range operators: `$gt: 5` must not reach strings, which SQLite sorts after numbers. */
function bracketFor(value: unknown): Bracket | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return { high: '<', highValue: '' } // numbers sort before all text
  if (typeof value === 'string') return { low: '>=', lowValue: '', high: '<', highValue: NULL_KEY } // text sorts before blobs
  if (value instanceof Date && hasIsoForm(value)) return { low: '>=', lowValue: DATE_TEXT_LOW, high: '<', highValue: DATE_TEXT_HIGH }
  return undefined
}

const RANGE_SQL: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }

function isPlainObject(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp)
}

class FilterBuilder {
  readonly conditions: string[] = []
  readonly params: unknown[] = []

  add(sql: string, ...params: unknown[]): void {
    this.conditions.push(sql)
    this.params.push(...params)
  }

  /** `_id` is the table's unique key: equality and `$in` become index seeks. */
  id(condition: unknown): void {
    const isId = (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
    if (isId(condition)) return this.add('_id = ?', condition)
    if (!isPlainObject(condition)) return
    if ('$eq' in condition && isId(condition.$eq)) this.add('_id = ?', condition.$eq)
    const list = condition.$in
    if (Array.isArray(list) && list.every(isId)) {
      // `_id` is never null or an array, so an $in over plain ids is exact.
      this.add(list.length ? `_id IN (${list.map(() => '?').join(', ')})` : '0', ...list)
    }
  }

  field(field: string, condition: unknown): void {
    const key = keyExpression(field)
    const direct = sqlKey(condition)
    if (direct !== undefined) return this.add(`${key} = ?`, direct)
    if (!isPlainObject(condition) || !Object.keys(condition).every((op) => op.startsWith('$'))) return
    for (const [op, operand] of Object.entries(condition)) {
      if (op === '$eq') {
        const value = sqlKey(operand)
        if (value !== undefined) this.add(`${key} = ?`, value)
      } else if (op === '$in' && Array.isArray(operand)) {
        const values = operand.map(sqlKey)
        if (values.length && values.every((value) => value !== undefined)) this.add(`${key} IN (${values.map(() => '?').join(', ')})`, ...values)
      } else if (op in RANGE_SQL) {
        const value = sqlKey(operand)
        const bracket = bracketFor(operand)
        if (value === undefined || value === NULL_KEY || !bracket) continue
        this.add(`${key} ${RANGE_SQL[op]} ?`, value)
        if (op === '$gt' || op === '$gte') {
          if (bracket.high) this.add(`${key} ${bracket.high} ?`, bracket.highValue)
        } else if (bracket.low) this.add(`${key} ${bracket.low} ?`, bracket.lowValue)
      }
    }
  }
}

/** The SQL prefilter for a query on a collection with these indexes. */
export function planQuery(query: Doc, indexes: ManagedIndex[]): SqlFilter {
  const indexed = new Set(indexes.filter((index) => !index.multikey).flatMap((index) => Object.keys(index.spec.keys)))
  const builder = new FilterBuilder()
  const visit = (clause: Doc) => {
    for (const [field, condition] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(condition)) {
        for (const sub of condition) if (isPlainObject(sub)) visit(sub)
      } else if (field === '_id') builder.id(condition)
      else if (indexed.has(field)) builder.field(field, condition)
    }
  }
  visit(query)
  if (builder.conditions.length === 0) return { params: [] }
  return { where: builder.conditions.join(' AND '), params: builder.params }
}
