import { randomBytes } from 'node:crypto'
import type { DocId } from './storage'

/** A generated `_id`: 32 hexadecimal characters, the shape CloudBase gives added documents. */
export function generateId(): string {
  return randomBytes(16).toString('hex')
}

/** CloudBase `_id`s are strings or numbers (`doc(id)` accepts nothing else). */
export function isDocId(value: unknown): value is DocId {
  return (typeof value === 'string' && value.length > 0) || (typeof value === 'number' && Number.isFinite(value))
}

export function sameId(a: DocId, b: DocId): boolean {
  return typeof a === typeof b && a === b
}
