/**
 * The index configuration (`cloud/indexes.json`): the project's copy of what is set in the
 * CloudBase console. Each key is a collection that exists; its list holds that collection's
 * indexes. Unique indexes are enforced by SQLite itself, so no race can let a duplicate in.
 */
import fs from 'node:fs'
import path from 'node:path'
import { invalidParam } from './errors'

export interface IndexSpec {
  name: string
  /** Field paths (dot notation) in key order, each ascending (1) or descending (-1). */
  keys: Record<string, 1 | -1>
  /** Non-sparse, as CloudBase creates them: a missing field counts as null. */
  unique?: boolean
}

export type IndexConfig = Record<string, IndexSpec[]>

export const DEFAULT_INDEXES_FILE = path.resolve(__dirname, '..', '..', 'indexes.json')

/** CloudBase collection names; also keeps them safe to splice into SQL identifiers. */
const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,64}$/
const INDEX_NAME = /^[A-Za-z0-9_-]{1,64}$/
/** Field path segments we can turn into a SQLite JSON path without quoting trouble. */
const PATH_SEGMENT = /^[A-Za-z0-9_-]+$/

export function isValidCollectionName(name: string): boolean {
  return COLLECTION_NAME.test(name)
}

/** Reads and validates the index configuration; a bad file stops the emulator with a clear message. */
export function loadIndexConfig(file: string): IndexConfig {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read the index configuration ${file}: ${(err as Error).message}`)
  }
  return validateIndexConfig(raw, file)
}

export function validateIndexConfig(raw: unknown, source: string): IndexConfig {
  const fail = (message: string): never => {
    throw new Error(`${source}: ${message}`)
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('must be an object mapping collection names to index lists')
  const config: IndexConfig = {}
  for (const [collection, list] of Object.entries(raw as Record<string, unknown>)) {
    if (!COLLECTION_NAME.test(collection)) fail(`"${collection}" is not a valid collection name (letters, digits, "_" and "-", up to 64)`)
    if (!Array.isArray(list)) fail(`"${collection}" must map to a list of indexes ([] for none)`)
    const names = new Set<string>()
    config[collection] = (list as unknown[]).map((item, i) => {
      const where = `${collection}[${i}]`
      if (item === null || typeof item !== 'object') fail(`${where} must be { name, keys, unique? }`)
      const { name, keys, unique } = item as Record<string, unknown>
      if (typeof name !== 'string' || !INDEX_NAME.test(name) || name === '_id_') fail(`${where}.name must be a simple name other than "_id_"`)
      if (names.has(name as string)) fail(`${where}.name "${String(name)}" is used twice`)
      names.add(name as string)
      if (keys === null || typeof keys !== 'object' || Object.keys(keys as object).length === 0) fail(`${where}.keys must list at least one field`)
      for (const [field, direction] of Object.entries(keys as Record<string, unknown>)) {
        if (!field.split('.').every((segment) => PATH_SEGMENT.test(segment))) fail(`${where}.keys: "${field}" is not a supported field path`)
        if (field === '_id' || field.startsWith('_id.')) fail(`${where}.keys: "_id" is already indexed`)
        if (direction !== 1 && direction !== -1) fail(`${where}.keys.${field} must be 1 or -1`)
      }
      if (unique !== undefined && typeof unique !== 'boolean') fail(`${where}.unique must be true or false`)
      return { name: name as string, keys: keys as Record<string, 1 | -1>, unique: unique === true }
    })
  }
  return config
}

/** A field path as a SQLite JSON path: `a.b` → `$."a"."b"`. Paths are validated, so quoting is safe. */
export function jsonPath(field: string): string {
  return '$' + field.split('.').map((segment) => `."${segment}"`).join('')
}

/**
 * The indexed value of a field. Missing and null both become the empty blob, which no JSON value
 * produces: CloudBase's non-sparse indexes treat a missing field as null, and a SQLite UNIQUE
 * index would otherwise let any number of NULLs through. Queries must use this exact expression
 * for SQLite to pick the index.
 */
export function keyExpression(field: string): string {
  return `coalesce(json_extract(body, '${jsonPath(field)}'), X'')`
}

/** The JSON type of a field, so `true` and `1` (both 1 to SQLite) stay distinct under a unique index. */
export function typeExpression(field: string): string {
  return `coalesce(json_type(body, '${jsonPath(field)}'), 'null')`
}

/** The expressions an index holds: all keys first (usable as a seek prefix), then their types if unique. */
export function indexExpressions(spec: IndexSpec): string[] {
  const fields = Object.keys(spec.keys)
  return [...fields.map(keyExpression), ...(spec.unique ? fields.map(typeExpression) : [])]
}

/** SQL column list for CREATE INDEX, with each key's direction. */
export function indexColumns(spec: IndexSpec): string {
  const fields = Object.keys(spec.keys)
  return indexExpressions(spec)
    .map((expression, i) => (i < fields.length && spec.keys[fields[i]] === -1 ? `${expression} DESC` : expression))
    .join(', ')
}

/** Whether reaching `field` in `doc` passes through, or ends on, an array (a "multikey" value). */
export function pathHasArray(doc: unknown, field: string): boolean {
  let current: unknown = doc
  for (const segment of field.split('.')) {
    if (Array.isArray(current)) return true
    if (current === null || typeof current !== 'object' || current instanceof Date) return false
    current = (current as Record<string, unknown>)[segment]
  }
  return Array.isArray(current)
}

/** The value of a dot path (undefined when absent), without array traversal. */
export function valueAt(doc: unknown, field: string): unknown {
  let current: unknown = doc
  for (const segment of field.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current) || current instanceof Date) return undefined
    current = (current as Record<string, unknown>)[segment]
  }
  return current
}

/** MongoDB's rendering of a key in duplicate-key errors: `{ code: "ABC" }`. */
export function formatDupKey(fields: string[], doc: unknown): string {
  const parts = fields.map((field) => `${field}: ${formatKeyValue(valueAt(doc, field))}`)
  return `{ ${parts.join(', ')} }`
}

function formatKeyValue(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof Date) return `new Date(${value.getTime()})`
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** Unique indexes hold one key per document here; an array would be one key per element in MongoDB. */
export function assertNoArrayInUniqueKey(spec: IndexSpec, doc: unknown): void {
  if (!spec.unique) return
  for (const field of Object.keys(spec.keys)) {
    if (pathHasArray(doc, field)) {
      throw invalidParam(`field "${field}" is covered by the unique index ${spec.name} and may not hold an array in the local emulator`)
    }
  }
}
