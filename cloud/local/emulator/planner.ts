/**
 * Turns the indexable part of a MongoDB query into a SQL prefilter.
 *
 * The prefilter only narrows the candidates; mingo still checks every candidate against the whole
 * query. So a translation must never drop a document the query matches (a superset is fine): that
 * is why only `_id` and fields of declared, non-multikey indexes are translated (an array value
 * matches `{field: v}` when it contains v, which a SQL equality on the whole value would miss),
 * why ranges are bracketed to one type the way MongoDB brackets them, and why everything else
 * (`$or`, `$ne`, regexes, subdocuments...) is simply left to mingo.
 *
 * A plan is also marked `exact` when its SQL matches precisely the documents the query matches:
 * every clause translated, and none of the supersets below. A count() then needs SQLite alone,
 * answered from the index without reading or parsing a document (issue 21: counting the free
 * seats of a session parsed every seat). The supersets: JSON true/false index as 1/0, so equality
 * or ranges that 0 or 1 satisfy also reach booleans; an object indexes as its JSON text, so a
 * string starting with "{" or "[" (a date's `{"$date":...}` text among them) may meet one; string
 * and date ranges reach such texts too.
 */
import { dateText, type Doc, hasIsoForm } from './ejson'
import { keyExpression } from './indexes'
import type { ManagedIndex } from './storage'

export interface SqlFilter {
  /** SQL condition on the collection table, or undefined for a full scan. */
  where?: string
  params: unknown[]
  /** The condition matches exactly the documents the query matches (no mingo needed after it). */
  exact: boolean
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

/** Whether `field = value` in SQL holds for exactly the documents `{field: value}` matches (see the header). */
function exactEquality(value: unknown): boolean {
  if (value === null) return true // missing and null both index as NULL_KEY, as MongoDB matches both
  if (typeof value === 'string') return !value.startsWith('{') && !value.startsWith('[')
  if (typeof value === 'number') return Number.isFinite(value) && value !== 0 && value !== 1
  return false
}

/** Whether a number range is exact: neither 0 nor 1 (what false and true index as) may satisfy it. */
function exactRange(op: string, value: unknown): boolean {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false
  const holds = (x: number) => (op === '$gt' ? x > value : op === '$gte' ? x >= value : op === '$lt' ? x < value : x <= value)
  return !holds(0) && !holds(1)
}

function isPlainObject(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp)
}

class FilterBuilder {
  readonly conditions: string[] = []
  readonly params: unknown[] = []
  /** Cleared by any clause left to mingo or translated to a superset. */
  exact = true

  add(sql: string, ...params: unknown[]): void {
    this.conditions.push(sql)
    this.params.push(...params)
  }

  /** `_id` is the table's unique key: equality and `$in` become index seeks. */
  id(condition: unknown): void {
    const isId = (value: unknown) => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
    if (isId(condition)) return this.add('_id = ?', condition)
    if (!isPlainObject(condition)) return void (this.exact = false)
    for (const op of Object.keys(condition)) if (op !== '$eq' && op !== '$in') this.exact = false
    if ('$eq' in condition) {
      if (isId(condition.$eq)) this.add('_id = ?', condition.$eq)
      else this.exact = false
    }
    const list = condition.$in
    if (Array.isArray(list) && list.every(isId)) {
      // `_id` is never null or an array, so an $in over plain ids is exact.
      this.add(list.length ? `_id IN (${list.map(() => '?').join(', ')})` : '0', ...list)
    } else if ('$in' in condition) this.exact = false
  }

  field(field: string, condition: unknown): void {
    const key = keyExpression(field)
    const direct = sqlKey(condition)
    if (direct !== undefined) {
      if (!exactEquality(condition)) this.exact = false
      return this.add(`${key} = ?`, direct)
    }
    if (!isPlainObject(condition) || !Object.keys(condition).every((op) => op.startsWith('$'))) return void (this.exact = false)
    for (const [op, operand] of Object.entries(condition)) {
      if (op === '$eq') {
        const value = sqlKey(operand)
        if (value !== undefined) this.add(`${key} = ?`, value)
        if (value === undefined || !exactEquality(operand)) this.exact = false
      } else if (op === '$in' && Array.isArray(operand)) {
        const values = operand.map(sqlKey)
        if (values.length && values.every((value) => value !== undefined)) this.add(`${key} IN (${values.map(() => '?').join(', ')})`, ...values)
        else this.exact = false
        if (!operand.every(exactEquality)) this.exact = false
      } else if (op in RANGE_SQL) {
        const value = sqlKey(operand)
        const bracket = bracketFor(operand)
        if (value === undefined || value === NULL_KEY || !bracket) {
          this.exact = false
          continue
        }
        if (!exactRange(op, operand)) this.exact = false
        this.add(`${key} ${RANGE_SQL[op]} ?`, value)
        if (op === '$gt' || op === '$gte') {
          if (bracket.high) this.add(`${key} ${bracket.high} ?`, bracket.highValue)
        } else if (bracket.low) this.add(`${key} ${bracket.low} ?`, bracket.lowValue)
      } else this.exact = false
    }
  }
}

/** The SQL prefilter for a query on a collection with these indexes. */
export function planQuery(query: Doc, indexes: ManagedIndex[]): SqlFilter {
  const indexed = new Set(indexes.filter((index) => !index.multikey).flatMap((index) => Object.keys(index.spec.keys)))
  const builder = new FilterBuilder()
  const visit = (clause: Doc) => {
    for (const [field, condition] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(condition) && condition.length > 0) {
        for (const sub of condition) {
          if (isPlainObject(sub)) visit(sub)
          else builder.exact = false
        }
      } else if (field === '_id') builder.id(condition)
      else if (indexed.has(field)) builder.field(field, condition)
      else builder.exact = false
    }
  }
  visit(query)
  if (builder.conditions.length === 0) return { params: [], exact: false }
  return { where: builder.conditions.join(' AND '), params: builder.params, exact: builder.exact }
}
