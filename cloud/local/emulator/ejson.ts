/**
 * Extended JSON in and out.
 *
 * The SDK sends canonical EJSON (`{"$numberInt":"1"}`, `{"$date":{"$numberLong":"0"}}`) and reads
 * replies with bson's `EJSON.parse`, which accepts relaxed EJSON too. Documents are stored in one
 * relaxed form so a stored body can be answered as it is (no re-encoding on the read path) and so
 * SQLite can index it: numbers are plain JSON numbers, dates are always `{"$date":"<ISO>"}` with
 * milliseconds for years 0000–9999, whose text order is time order (range queries on an indexed
 * date field rely on that).
 */
import { EJSON } from 'bson'
import { invalidParam } from './errors'

export type Doc = Record<string, unknown>

/** What `$tcb_server_date` becomes: a per-request clock, so one request sees one instant. */
export interface ReviveOptions {
  /** When set, `{"$tcb_server_date":{"offset":N}}` becomes `new Date(now + N)`. */
  now?: number
}

const BSON_CODECS = new Set(['$oid', '$binary', '$uuid', '$symbol', '$minKey', '$maxKey', '$timestamp', '$code', '$dbPointer'])

/** Turns one EJSON wrapper object into its JavaScript value, or returns it unchanged. */
function reviveObject(value: Record<string, unknown>, options: ReviveOptions): unknown {
  const keys = Object.keys(value)
  if (keys.length === 0 || keys[0][0] !== '$') return value
  const key = keys[0]
  if (keys.length === 1) {
    const inner = value[key]
    switch (key) {
      case '$numberInt':
      case '$numberDouble':
      case '$numberLong':
      case '$numberDecimal':
        // Same as the SDK's relaxed EJSON.parse: all numbers become JavaScript numbers.
        return typeof inner === 'string' ? Number(inner) : value
      case '$date':
        if (typeof inner === 'number') return new Date(inner)
        if (typeof inner === 'string') return new Date(Date.parse(inner))
        return value
      case '$regularExpression': {
        const spec = inner as { pattern?: unknown; options?: unknown } | null
        if (spec && typeof spec.pattern === 'string') return toRegExp(spec.pattern, typeof spec.options === 'string' ? spec.options : '')
        return value
      }
      case '$undefined':
        return null
      case '$tcb_server_date': {
        if (options.now === undefined) return value
        const offset = (inner as { offset?: unknown } | null)?.offset
        return new Date(options.now + (typeof offset === 'number' ? offset : 0))
      }
    }
  }
  if (BSON_CODECS.has(key)) return EJSON.deserialize(value, { relaxed: false })
  return value
}

/** MongoDB regex options → JavaScript flags (`x` has no JavaScript equivalent and is dropped). */
function toRegExp(pattern: string, options: string): RegExp {
  const flags = [...new Set(options.split(''))].filter((flag) => 'imsu'.includes(flag)).join('')
  try {
    return new RegExp(pattern, flags)
  } catch (err) {
    throw invalidParam(`invalid regular expression /${pattern}/: ${(err as Error).message}`)
  }
}

function reviver(options: ReviveOptions): (key: string, value: unknown) => unknown {
  return (_key, value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? reviveObject(value as Record<string, unknown>, options) : value)
}

const storedReviver = reviver({})

/** Parses EJSON text from the SDK; server dates resolve against `now`. */
export function parseWire(text: string, now: number, what: string): unknown {
  try {
    return JSON.parse(text, reviver({ now }))
  } catch (err) {
    if (err instanceof SyntaxError) throw invalidParam(`${what} is not valid EJSON: ${err.message}`)
    throw err
  }
}

/** Parses a stored document body. Bodies without any `"$` (the common case) skip the reviver. */
export function parseStored(text: string): Doc {
  return (text.includes('"$') ? JSON.parse(text, storedReviver) : JSON.parse(text)) as Doc
}

/** ISO text is kept only where its text order is time order (years 0000–9999). */
const MIN_ISO_MS = -62167219200000 // 0000-01-01T00:00:00.000Z (Date.UTC maps years 0–99 to 19xx)
const MAX_ISO_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/** The stored text of a date, also what an indexed date compares against. */
export function dateText(date: Date): string {
  return JSON.stringify(encodeDate(date))
}

/** Whether a date's stored form is the ISO one, whose text order is time order. */
export function hasIsoForm(date: Date): boolean {
  const ms = date.getTime()
  return ms >= MIN_ISO_MS && ms <= MAX_ISO_MS
}

function encodeDate(date: Date): unknown {
  const ms = date.getTime()
  if (Number.isNaN(ms)) throw invalidParam('invalid Date value')
  // toISOString is fixed-width (YYYY-MM-DDTHH:mm:ss.sssZ) exactly for years 0000–9999.
  if (hasIsoForm(date)) return { $date: date.toISOString() }
  return { $date: { $numberLong: String(ms) } }
}

function encodeNumber(n: number): unknown {
  if (Number.isFinite(n)) return n
  return { $numberDouble: Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity' }
}

function isBsonValue(value: object): boolean {
  return typeof (value as { _bsontype?: unknown })._bsontype === 'string'
}

/** JSON.stringify replacer: `this[key]` is the raw value before Date#toJSON ran. */
function storageReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  if (typeof raw === 'number') return encodeNumber(raw)
  if (raw instanceof Date) return encodeDate(raw)
  if (raw instanceof RegExp) {
    return { $regularExpression: { pattern: raw.source, options: raw.flags.split('').filter((f) => 'imsu'.includes(f)).sort().join('') } }
  }
  if (raw !== null && typeof raw === 'object' && isBsonValue(raw)) return EJSON.serialize(raw, { relaxed: false })
  return value
}

/** Serializes a value to the stored/replied relaxed EJSON text. */
export function serialize(value: unknown): string {
  return JSON.stringify(value, storageReplacer)
}

/** Serializes a document with `_id` first, as MongoDB stores and returns it. */
export function serializeDoc(doc: Doc): string {
  if ('_id' in doc && Object.keys(doc)[0] !== '_id') return serialize(withIdFirst(doc))
  return serialize(doc)
}

export function withIdFirst(doc: Doc): Doc {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc
  const { _id, ...rest } = doc
  return { _id, ...rest }
}

/** Deep copy through the stored form: what a reader gets is never shared with a writer. */
export function cloneDoc(doc: Doc): Doc {
  return parseStored(serializeDoc(doc))
}
