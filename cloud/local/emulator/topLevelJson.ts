/**
 * The top-level fields of a JSON object body, read from its raw text without parsing it: each
 * field's name (decoded) and its value as the SDK signed it (a string decoded, anything else as its
 * raw text). One pass with a counter, no recursion, no JSON.parse: a hostile body costs one linear
 * scan here, whatever it holds. Nested values are delimited, not validated; the one JSON.parse of a
 * signed body (server.ts) judges them.
 */

import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, OPEN_BRACE, OPEN_BRACKET, QUOTE } from '../runtime/jsonNesting'

const COMMA = 0x2c
const COLON = 0x3a

export interface TopLevelField {
  /** The name, decoded (`"\u0061ction"` is `action`). */
  name: string
  /** A string value decoded; any other value (object, array, number, literal) as its raw text. */
  value: string
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i += 1
  return i
}

/** Index just past the string token whose opening quote is at `start`, or -1 when it never closes. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i)
    if (c === BACKSLASH) i += 1
    else if (c === QUOTE) return i + 1
  }
  return -1
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }

/** The text of the string token `text[start, end)` (quotes included), or undefined when an escape is invalid. */
function decodeString(text: string, start: number, end: number): string | undefined {
  const inner = text.slice(start + 1, end - 1)
  if (!inner.includes('\\')) return inner
  const parts: string[] = []
  let from = 0
  for (let i = inner.indexOf('\\'); i >= 0; i = inner.indexOf('\\', from)) {
    parts.push(inner.slice(from, i))
    const escape = inner[i + 1]
    if (escape === 'u') {
      const hex = inner.slice(i + 2, i + 6)
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined
      parts.push(String.fromCharCode(parseInt(hex, 16)))
      from = i + 6
    } else {
      const simple = SIMPLE_ESCAPES[escape]
      if (simple === undefined) return undefined
      parts.push(simple)
      from = i + 2
    }
  }
  parts.push(inner.slice(from))
  return parts.join('')
}

/** Index just past the object or array opening at `start` (brackets counted outside strings), or -1. */
function containerEnd(text: string, start: number): number {
  let depth = 0
  for (let i = start; i < text.length; i += 1) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) {
      const end = stringEnd(text, i)
      if (end < 0) return -1
      i = end - 1
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1
      if (depth === 0) return i + 1
    }
  }
  return -1
}

/** Index just past a number or literal starting at `start`. */
function scalarEnd(text: string, start: number): number {
  let i = start
  for (; i < text.length; i += 1) {
    const c = text.charCodeAt(i)
    if (isSpace(c) || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET) break
  }
  return i
}

/**
 * The fields of `text` in order (repeats included), or undefined when it is not one JSON object
 * whose top level this scanner can delimit (an array, a string, a truncated or malformed body).
 */
export function topLevelFields(text: string): TopLevelField[] | undefined {
  let i = skipSpace(text, 0)
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined
  i = skipSpace(text, i + 1)
  const fields: TopLevelField[] = []
  if (text.charCodeAt(i) === CLOSE_BRACE) return skipSpace(text, i + 1) === text.length ? fields : undefined
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined
    const nameEnd = stringEnd(text, i)
    if (nameEnd < 0) return undefined
    const name = decodeString(text, i, nameEnd)
    if (name === undefined) return undefined
    i = skipSpace(text, nameEnd)
    if (text.charCodeAt(i) !== COLON) return undefined
    i = skipSpace(text, i + 1)
    const first = text.charCodeAt(i)
    let end: number
    let value: string | undefined
    if (first === QUOTE) {
      end = stringEnd(text, i)
      value = end < 0 ? undefined : decodeString(text, i, end)
    } else if (first === OPEN_BRACE || first === OPEN_BRACKET) {
      end = containerEnd(text, i)
      value = end < 0 ? undefined : text.slice(i, end)
    } else {
      end = scalarEnd(text, i)
      value = end === i ? undefined : text.slice(i, end)
    }
    if (value === undefined) return undefined
    fields.push({ name, value })
    i = skipSpace(text, end)
    const separator = text.charCodeAt(i)
    if (separator === COMMA) {
      i = skipSpace(text, i + 1)
    } else if (separator === CLOSE_BRACE) {
      return skipSpace(text, i + 1) === text.length ? fields : undefined
    } else {
      return undefined
    }
  }
}
