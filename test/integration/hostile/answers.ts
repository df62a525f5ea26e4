/**
 * What every answer to a hostile case must be: below 500, an envelope, never INTERNAL, nothing of
 * the inside (stack frames, file paths, database errors, collection names, the emulator), short;
 * and what the case expects: a valid request answered ok, an invalid one refused with a stable
 * code a client can act on.
 */
import { ERROR_CODES, type ErrorCode } from '../../../cloud/src/api/errors'
import { isRefusalAnswer, type HostileCase } from './spec'

/** Codes that never answer a bad request: a crash, WeChat's weather, the client's own, a broken test. */
const NOT_A_REFUSAL: readonly ErrorCode[] = ['INTERNAL', 'WECHAT_BUSY', 'WECHAT_CONFIG', 'NETWORK_ERROR', 'TIMEOUT', 'UNKNOWN_ACTION', 'UNKNOWN_FUNCTION']
export const REFUSAL_CODES: readonly ErrorCode[] = ERROR_CODES.filter((code) => !NOT_A_REFUSAL.includes(code))

/** Anywhere in an answer (keys and values): what only the server's inside knows. */
const INSIDE: Array<[string, RegExp]> = [
  ['a stack frame', /(^|\n)\s*at \S|\bat (async )?[\w$.<>]+ \(|\bat (file:\/\/)?\/[\w./-]+:\d+/],
  ['a file path', /\/work\/|\/home\/|\/tmp\/|\/usr\/|node_modules|[\w-]+\.[cm]?[jt]sx?(:\d+|\b)/],
  ['a database error', /E11000|dup key|TransactionConflict|DATABASE_|-50\d{4}/],
  ['an SDK error field', /errCode|errMsg|errcode|errmsg/],
  ['the emulator', /emulator|sqlite|mingo|wx-server-sdk|@cloudbase/i],
]
/** In an error's message (what a client shows or logs): the names of the database's collections. */
const COLLECTION_NAMES = /\b(reservation_terms|rate_limits|id_refusals|reminder_runs|collection|_openid|idHash)\b/

function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) for (const item of value) stringsOf(item, out)
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key)
      stringsOf(item, out)
    }
  }
  return out
}

interface Envelope {
  ok: boolean
  data?: unknown
  error?: { code?: unknown; message?: unknown; fields?: unknown }
}

/**
 * Everything wrong with one answer, in words (empty: the answer is right). `sent`: the strings the
 * case itself sent, which an answer may legitimately carry back (a gate name in an export).
 */
export function problemsOf(c: HostileCase, status: number, body: unknown): string[] {
  const problems: string[] = []
  if (status >= 500) problems.push(`HTTP ${status}`)
  const answer = body as Envelope
  if (!answer || typeof answer !== 'object' || typeof answer.ok !== 'boolean') return [...problems, `not an envelope: ${JSON.stringify(body)?.slice(0, 200)}`]
  const code = answer.ok ? undefined : String(answer.error?.code)
  if (code === 'INTERNAL') problems.push('INTERNAL')

  for (const text of stringsOf(body)) {
    for (const [what, pattern] of INSIDE) if (pattern.test(text) && !c.body.includes(JSON.stringify(text).slice(1, -1))) problems.push(`${what} in the answer: ${JSON.stringify(text.slice(0, 160))}`)
  }
  if (!answer.ok) {
    const message = String(answer.error?.message ?? '')
    if (COLLECTION_NAMES.test(message)) problems.push(`a collection name in the message: ${JSON.stringify(message.slice(0, 160))}`)
    if (message.length > 300) problems.push(`a message of ${message.length} characters`)
    const size = JSON.stringify(answer.error).length
    if (size > 2000) problems.push(`an error of ${size} characters (echoing the input)`)
  }

  const refusal = !answer.ok || isRefusalAnswer(c.action, answer.data)
  if (c.expect.kind === 'valid') {
    if (refusal) problems.push(`refused a valid request: ${JSON.stringify(answer.ok ? answer.data : answer.error).slice(0, 200)}`)
  } else if (!refusal) {
    problems.push(`accepted: ${JSON.stringify(answer.data).slice(0, 160)}`)
  } else if (!answer.ok) {
    if (!(REFUSAL_CODES as readonly string[]).includes(code ?? '')) problems.push(`refused with ${code}, not a stable refusal`)
    else if (c.expect.code && code !== c.expect.code) problems.push(`refused with ${code}, expected ${c.expect.code}`)
  }
  return problems
}
