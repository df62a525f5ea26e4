/**
 * Update semantics: operator updates (`merge: true`, what `update()` sends), whole-document
 * replacement (`merge: false`, what `set()` sends) and upsert seeds. mingo applies the operators;
 * this module adds the checks MongoDB makes before writing (immutable `_id`, conflicting paths,
 * fields that cannot be created, operators on values of the wrong type) with MongoDB's wording,
 * which CloudBase relays as errCode -502001.
 */
import { update as mingoUpdate } from 'mingo'
import { cloneDoc, type Doc, serializeDoc } from './ejson'
import { invalidParam, writeError } from './errors'

type Modifier = Parameters<typeof mingoUpdate>[1]

const OPERATORS = new Set(['$set', '$unset', '$inc', '$mul', '$min', '$max', '$push', '$pull', '$pullAll', '$addToSet', '$pop', '$rename', '$currentDate', '$setOnInsert'])
/** Operators that create the field (and its parents) when missing. */
const CREATING = new Set(['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate', '$setOnInsert'])
const NUMERIC = new Set(['$inc', '$mul'])
const ARRAY = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop'])
/** Paths that would reach JavaScript prototypes inside the emulator. */
const UNSAFE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype'])

function isObject(value: unknown): value is Doc {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp)
}

/** MongoDB's short rendering of a value in error texts. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (value instanceof Date) return `new Date(${value.getTime()})`
  if (Array.isArray(value)) return `[ ${value.map(show).join(', ')} ]`
  if (isObject(value)) return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ')} }`
  return String(value)
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (value instanceof Date) return 'date'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double'
  if (typeof value === 'object') return 'object'
  return typeof value
}

/**
 * Follows a dot path without creating anything; reports the first element that cannot hold a field.
 *
 * An array holds only numeric fields (its indexes): a non-numeric segment reaching an existing array
 * (`{a: [1, 2]}`, path `a.b`) is MongoDB's "Cannot create field 'b' in element {a: [ 1, 2 ]}" for
 * every operator that creates fields, a write error CloudBase relays (errCode -502001; issue 21:
 * the emulator used to ignore such a path silently). Source: MongoDB's update semantics for dot
 * paths through arrays (docs/cloudbase-facts.md: update commands are MongoDB documents on the wire).
 * Positional segments (`$`, `$[]`, `$[<id>]`) are left to mingo.
 */
function walk(doc: Doc, path: string): { value: unknown; blockedAt?: { parent: string; value: unknown; field: string } } {
  const segments = path.split('.')
  let current: unknown = doc
  for (let i = 0; i < segments.length; i++) {
    if (current === undefined) return { value: undefined }
    if (Array.isArray(current)) {
      if (/^\d+$/.test(segments[i])) {
        current = current[Number(segments[i])]
        continue
      }
      if (segments[i].startsWith('$')) return { value: undefined }
      return { value: undefined, blockedAt: { parent: segments[i - 1] ?? '', value: current, field: segments[i] } }
    }
    if (!isObject(current)) {
      return { value: undefined, blockedAt: { parent: segments[i - 1] ?? '', value: current, field: segments[i] } }
    }
    current = current[segments[i]]
  }
  return { value: current }
}

function assertNoConflicts(paths: string[]): void {
  const sorted = [...paths].sort()
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]]
    if (a === b || b.startsWith(`${a}.`)) throw writeError(`Updating the path '${b}' would create a conflict at '${a}'`)
  }
}

function validate(doc: Doc, update: Doc): void {
  const paths: string[] = []
  for (const [op, fields] of Object.entries(update)) {
    if (!OPERATORS.has(op)) throw writeError(`Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`)
    if (!isObject(fields)) throw writeError(`Modifiers operate on fields but we found type ${typeName(fields)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${show(fields)}}`)
    for (const [path, operand] of Object.entries(fields)) {
      if (path.split('.').some((segment) => UNSAFE_SEGMENTS.has(segment))) throw writeError(`field path '${path}' is not allowed`)
      paths.push(path)
      if (op === '$rename' && typeof operand === 'string') paths.push(operand)
      const { value, blockedAt } = walk(doc, path)
      if (blockedAt && CREATING.has(op)) {
        throw writeError(`Cannot create field '${blockedAt.field}' in element {${blockedAt.parent}: ${show(blockedAt.value)}}`)
      }
      if (NUMERIC.has(op)) {
        const verb = op === '$inc' ? 'increment' : 'multiply'
        if (typeof operand !== 'number') throw writeError(`Cannot ${verb} with non-numeric argument: {${path}: ${show(operand)}}`)
        if (value !== undefined && typeof value !== 'number') {
          throw writeError(`Cannot apply ${op} to a value of non-numeric type. {_id: ${show(doc._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${typeName(value)}`)
        }
      }
      if (ARRAY.has(op) && value !== undefined && !Array.isArray(value)) {
        throw writeError(`The field '${path}' must be an array but is of type ${typeName(value)} in document {_id: ${show(doc._id)}}`)
      }
    }
  }
  // `_id` itself may be $set to its current value (MongoDB accepts that); a change is refused after applying.
  assertNoConflicts(paths)
}

/**
 * The most common update, `$set` of fields through plain objects, done directly: the same result
 * as mingo's general updater at a fraction of its cost. Anything else (arrays on the way, other
 * operators) returns false with the document untouched, for mingo. `validate` has run already.
 */
function setFieldsDirectly(doc: Doc, modifier: Doc): boolean {
  const operators = Object.keys(modifier)
  if (operators.length !== 1 || operators[0] !== '$set' || !isObject(modifier.$set)) return false
  const fields = Object.entries(modifier.$set)
  for (const [path] of fields) {
    let current: unknown = doc
    for (const segment of path.split('.').slice(0, -1)) {
      current = (current as Doc)[segment]
      if (current === undefined) break
      if (!isObject(current)) return false
    }
  }
  for (const [path, value] of fields) {
    const segments = path.split('.')
    let current = doc
    for (const segment of segments.slice(0, -1)) {
      if (current[segment] === undefined) current[segment] = {}
      current = current[segment] as Doc
    }
    current[segments[segments.length - 1]] = value
  }
  return true
}

/** Applies an operator update to a copy of `base`; `inserting` enables `$setOnInsert`. */
export function applyOperators(base: Doc, update: Doc, inserting: boolean): Doc {
  validate(base, update)
  const doc = cloneDoc(base)
  const { $setOnInsert, ...rest } = update
  const modifier = { ...rest } as Doc
  if (inserting && isObject($setOnInsert)) modifier.$set = { ...(isObject(modifier.$set) ? modifier.$set : {}), ...$setOnInsert }
  if (Object.keys(modifier).length > 0 && !setFieldsDirectly(doc, modifier)) {
    try {
      mingoUpdate(doc, modifier as Modifier, undefined, undefined, { cloneMode: 'deep' })
    } catch (err) {
      throw writeError((err as Error).message)
    }
  }
  assertSameId(base, doc)
  return doc
}

/** `set()`: the new content replaces the document, keeping its `_id`. */
export function replaceDocument(base: Doc, replacement: Doc): Doc {
  assertStorable(replacement)
  if ('_id' in replacement && serializeDoc({ _id: replacement._id }) !== serializeDoc({ _id: base._id })) {
    throw writeError(`After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${show(replacement._id)}`)
  }
  return { ...cloneDoc(replacement), _id: base._id }
}

function assertSameId(before: Doc, after: Doc): void {
  if (serializeDoc({ _id: before._id }) !== serializeDoc({ _id: after._id })) {
    throw writeError("Performing an update on the path '_id' would modify the immutable field '_id'")
  }
}

/** Top-level `$` names would read as operators; MongoDB refuses them in stored documents. */
export function assertStorable(doc: Doc): void {
  for (const key of Object.keys(doc)) {
    if (key.startsWith('$')) throw invalidParam(`field names may not start with "$" (found "${key}"); update operators need update(), not add() or set()`)
  }
}

/** The document an upsert starts from: the query's equality conditions (MongoDB's rule). */
export function upsertSeed(query: Doc): Doc {
  const seed: Doc = {}
  for (const [field, condition] of Object.entries(query)) {
    if (field.startsWith('$') || field.includes('.')) continue
    if (isObject(condition)) {
      const keys = Object.keys(condition)
      if (keys.length === 1 && keys[0] === '$eq') seed[field] = condition.$eq
      else if (!keys.some((key) => key.startsWith('$'))) seed[field] = condition
    } else if (!(condition instanceof RegExp)) seed[field] = condition
  }
  return seed
}

export function isOperatorUpdate(update: Doc): boolean {
  const keys = Object.keys(update)
  return keys.length > 0 && keys.every((key) => key.startsWith('$'))
}

/** Whether two document states differ (MongoDB counts only real changes as updated). */
export function changed(before: Doc, after: Doc): boolean {
  return serializeDoc(before) !== serializeDoc(after)
}
