/**
 * Hostile inputs for every action of the contract, generated from one table: each action's valid
 * payload (built on seeded data) and the shape of its fields. From that, every field is taken
 * away, given the wrong type, operator objects, huge, empty, invisible, control and path-like
 * strings, other people's ids; the whole payload is replaced; unknown and prototype keys are
 * added; and the valid payload is sent by every kind of caller. Each case says what it expects:
 * `valid` (explicitly: the answer is ok) or `invalid` (a stable refusal, never ok).
 *
 * A new action in `ACTION_FUNCTION` fails to type-check here until it has a row, and fails
 * coverage.test.ts until its row generates cases: the next rule is attacked by default.
 */
import { ACTION_FUNCTION, type ActionName } from '../../../cloud/src/api/actions'
import type { ErrorCode } from '../../../cloud/src/api/errors'
import { PRIVACY_NOTICE_VERSION } from '../../../cloud/src/api/privacy'
import { mainlandIdNumber } from '../../support/idNumbers'

/** Who calls: nobody (no identity header), a ticket holder, another ticket holder, door staff, an organizer of one event, an organizer of every event. */
export type Caller = 'anonymous' | 'attendee' | 'other' | 'staff' | 'eventOrganizer' | 'organizer'
export const CALLERS: readonly Caller[] = ['anonymous', 'attendee', 'other', 'staff', 'eventOrganizer', 'organizer']

/** What the suite's stack holds (test/integration/hostile/stack.ts seeds it). */
export interface Fixture {
  openids: Record<Exclude<Caller, 'anonymous'>, string>
  events: { main: string; door: string; idCheck: string }
  sessions: { main: string; reserve: string; door: string }
  tickets: {
    /** The attendee's active ticket: get, card.ext, reminders.consent. */
    main: string
    /** The attendee's ticket that tickets.cancel cancels. */
    cancel: string
    /** The attendee's cancelled ticket that tickets.erase erases. */
    erase: string
    /** The attendee's ticket whose card is in the card pack (card.open, tickets.fromCard). */
    card: string
    /** The attendee's ticket added to the wallet but not yet confirmed (card.added). */
    cardToAdd: string
    /** The attendee's ticket of the door event (checkin.scan). */
    door: string
    /** Someone else's ticket. */
    other: string
    /** A free seat: a document of the tickets collection that is nobody's ticket. */
    freeSeat: string
  }
  /** Ticket codes; `freeSeat`: the code a free seat carries before anyone reserves it. */
  codes: { main: string; door: string; other: string; freeSeat: string }
  cardId: string
  encryptCodes: { card: string; cardToAdd: string; other: string }
  /** cardExts the functions signed: for the main ticket, and for the carded one (`card.ext`'s `refusedCardExt`). */
  cardExts: { main: string; card: string }
  refusalId: string
  templates: string[]
}

export type Expectation = { kind: 'valid' } | { kind: 'invalid'; code?: ErrorCode }
const VALID: Expectation = { kind: 'valid' }
const INVALID: Expectation = { kind: 'invalid' }
const refused = (code: ErrorCode): Expectation => ({ kind: 'invalid', code })

export interface HostileCase {
  action: ActionName
  fn: string
  label: string
  /** The identity header, or none. */
  openid: string | undefined
  /** The raw request body (a string, so that prototype keys and absent payloads travel as written). */
  body: string
  expect: Expectation
  /** Valid cases of one action run in this order, one after another (some change what the next one sees). */
  order: number
}

/** Whether a value is acceptable for a field, given the field's valid value in the baseline. */
type Oracle = (value: unknown, baseline: unknown) => boolean

interface FieldSpec {
  valid: Oracle
  /** Absent is fine (the baseline may leave it out: then `sample` is what the mutations start from). */
  optional?: boolean
  sample?: (fx: Fixture, salt: number) => unknown
  /** An object's own fields. */
  fields?: Record<string, FieldSpec>
  /** A list's items, and how many it may hold. */
  item?: FieldSpec
  maxItems?: number
  /** Well-formed values that are still wrong for this caller: other people's ids, ids of the wrong kind. */
  others?: (fx: Fixture) => Array<[string, unknown]>
  /** Each valid value has an effect that is limited per day: only the sample is sent as valid, its valid variants not at all. */
  singleUse?: boolean
}

interface ActionSpec {
  /** Who the baseline is valid for; `fresh`: a new attendee per case (no per-person limit interferes). */
  caller: Exclude<Caller, 'anonymous'> | 'fresh'
  payload: (fx: Fixture, salt: number) => Record<string, unknown>
  fields: Record<string, FieldSpec>
  /** How every caller fares with the valid payload; callers not named are refused with any stable code. */
  callers: Partial<Record<Caller, Expectation>>
  /** `{}` is the payload: a null or absent payload means the same. */
  emptyPayload?: boolean
  /** The baseline may succeed only once (it changes the thing it names): no other valid case runs. */
  once?: boolean
}

const isString = (value: unknown): value is string => typeof value === 'string'
/** Only the seeded value itself: an id names one thing, and anything else is someone's or nothing. */
const exactly: Oracle = (value, baseline) => value === baseline
/** `requestId`, `nonce`: 8–64 of A-Za-z0-9_-; any such value is a fresh one. */
const token: Oracle = (value) => isString(value) && /^[A-Za-z0-9_-]{8,64}$/.test(value)
/** The name rule's easy cases: 1–30 汉字 or Latin letters (words apart by one space), spaces around trimmed. */
const personName: Oracle = (value) => {
  if (!isString(value)) return false
  const text = value.trim()
  return text.length >= 1 && text.length <= 30 && /^[\p{Script=Han}A-Za-z]+(?: [\p{Script=Han}A-Za-z]+)*$/u.test(text)
}
const trimmedEqual: Oracle = (value, baseline) => isString(value) && value.trim() === baseline
const oneOf =
  (...allowed: unknown[]): Oracle =>
  (value) =>
    allowed.includes(value)
/** An ID number: the sample itself in any spacing or case, or nothing but spaces (not given). */
const idNumber: Oracle = (value, baseline) => isString(value) && ['', baseline].includes(value.replace(/\s+/g, '').toUpperCase())
/** Free text that names a gate: 1–20 characters once trimmed, all of them visible. */
const gateName: Oracle = (value) => {
  if (!isString(value)) return false
  const text = value.trim()
  return text.length >= 1 && text.length <= 20 && !/[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800\u{16FE4}]/u.test(text)
}
/**
 * Someone's openid to add as staff: what the identity header accepts (1–64 of A-Za-z0-9_-),
 * trimmed, and nothing wx-server-sdk would read as a number (`-0`, `-42`: one person, or nobody).
 */
const openidOf: Oracle = (value) => isString(value) && /^[A-Za-z0-9_-]{1,64}$/.test(value.trim()) && !/^-?\d+$/.test(value.trim())
const boolean: Oracle = (value) => typeof value === 'boolean'
/** WeChat's encrypted code: the same base64 text, its `=` padding optional (a decoder does without). */
const sameBase64: Oracle = (value, baseline) => isString(value) && isString(baseline) && value.length >= 8 && value.replace(/=+$/, '') === baseline.replace(/=+$/, '')
/** JSON text that says the same as the baseline's (whitespace around it is still JSON). */
const sameJson: Oracle = (value, baseline) => {
  if (!isString(value) || !isString(baseline)) return false
  try {
    return JSON.stringify(JSON.parse(value)) === JSON.stringify(JSON.parse(baseline))
  } catch {
    return false
  }
}

const ticketRef = (pick: (fx: Fixture) => string): FieldSpec => ({
  valid: exactly,
  others: (fx) => [
    ["someone else's ticket", fx.tickets.other],
    ['a free seat (a tickets document that is nobody’s)', fx.tickets.freeSeat],
    ['a session id', fx.sessions.main],
    ['an event id', fx.events.main],
    ["another of the caller's tickets, by its code", fx.codes.main],
    ['a role document id', `${fx.events.door}:${fx.openids.staff}`],
  ].filter(([, id]) => id !== pick(fx)) as Array<[string, unknown]>,
})
const eventRef: FieldSpec = {
  valid: exactly,
  others: (fx) => [
    ['a session id', fx.sessions.main],
    ['a ticket id', fx.tickets.main],
    ['a role document id', `${fx.events.door}:${fx.openids.staff}`],
  ],
}

const organizerOnly: Partial<Record<Caller, Expectation>> = {
  anonymous: refused('UNAUTHENTICATED'),
  attendee: refused('FORBIDDEN'),
  other: refused('FORBIDDEN'),
  staff: refused('FORBIDDEN'),
  eventOrganizer: refused('FORBIDDEN'),
  organizer: VALID,
}
const ownerOnly: Partial<Record<Caller, Expectation>> = {
  anonymous: refused('UNAUTHENTICATED'),
  attendee: VALID,
  other: refused('NOT_FOUND'),
  staff: refused('NOT_FOUND'),
  eventOrganizer: refused('NOT_FOUND'),
  organizer: refused('NOT_FOUND'),
}
const everyone: Partial<Record<Caller, Expectation>> = Object.fromEntries(CALLERS.map((caller) => [caller, VALID]))
const everyoneSignedIn: Partial<Record<Caller, Expectation>> = { ...everyone, anonymous: refused('UNAUTHENTICATED') }

/** The table: every action of the contract, its valid payload and the shape of its fields. */
export const ACTIONS: { [A in ActionName]: ActionSpec } = {
  'events.list': { caller: 'attendee', payload: () => ({}), fields: {}, emptyPayload: true, callers: everyone },
  'reservation.reserve': {
    caller: 'fresh',
    payload: (fx, salt) => ({ sessionId: fx.sessions.reserve, requestId: `req-hostile-${salt}`, attendee: { name: '王小明', phone: '13812345678' }, consent: { noticeVersion: PRIVACY_NOTICE_VERSION } }),
    fields: {
      sessionId: { valid: exactly, others: (fx) => [['an event id', fx.events.main], ['a ticket id', fx.tickets.main]] },
      requestId: { valid: token },
      attendee: {
        valid: () => true,
        fields: {
          name: { valid: personName },
          phone: { valid: trimmedEqual },
          idType: { valid: oneOf('mainland', 'passport'), optional: true, sample: () => 'mainland' },
          idNumber: { valid: idNumber, optional: true, sample: () => mainlandIdNumber(7) },
        },
      },
      consent: { valid: () => true, fields: { noticeVersion: { valid: exactly } } },
    },
    callers: everyoneSignedIn,
  },
  'tickets.mine': { caller: 'attendee', payload: () => ({}), fields: {}, emptyPayload: true, callers: everyoneSignedIn },
  'tickets.get': { caller: 'attendee', payload: (fx) => ({ ticketId: fx.tickets.main }), fields: { ticketId: ticketRef((fx) => fx.tickets.main) }, callers: ownerOnly },
  'tickets.byCode': {
    caller: 'attendee',
    payload: (fx) => ({ code: fx.codes.main }),
    fields: { code: { valid: exactly, others: (fx) => [["someone else's code", fx.codes.other], ["a free seat's code", fx.codes.freeSeat], ['a ticket id', fx.tickets.main]] } },
    callers: ownerOnly,
  },
  'tickets.cancel': { caller: 'attendee', payload: (fx) => ({ ticketId: fx.tickets.cancel }), fields: { ticketId: ticketRef((fx) => fx.tickets.cancel) }, callers: ownerOnly, once: true },
  'tickets.fromCard': {
    caller: 'attendee',
    payload: (fx) => ({ cardId: fx.cardId, encryptCode: fx.encryptCodes.card }),
    fields: {
      cardId: { valid: exactly },
      encryptCode: { valid: sameBase64, others: (fx) => [["someone else's card code", fx.encryptCodes.other], ['the plain code', fx.codes.main]] },
    },
    callers: ownerOnly,
  },
  'card.ext': {
    caller: 'attendee',
    payload: (fx) => ({ ticketId: fx.tickets.main }),
    fields: {
      ticketId: ticketRef((fx) => fx.tickets.main),
      // The ticket's own cardExt WeChat refused (40080): believed only as far as it can be checked.
      // Each one that checks out drops the cached card ticket, 3 times a day per person: only the sample is sent as valid.
      refusedCardExt: { valid: sameJson, optional: true, singleUse: true, sample: (fx) => fx.cardExts.main, others: (fx) => [["another ticket's cardExt", fx.cardExts.card]] },
    },
    callers: ownerOnly,
  },
  'card.added': {
    caller: 'attendee',
    payload: (fx) => ({ ticketId: fx.tickets.cardToAdd, encryptCode: fx.encryptCodes.cardToAdd }),
    fields: {
      ticketId: ticketRef((fx) => fx.tickets.cardToAdd),
      encryptCode: { valid: sameBase64, others: (fx) => [["someone else's card code", fx.encryptCodes.other], ["the caller's other card code", fx.encryptCodes.card]] },
    },
    callers: ownerOnly,
  },
  'card.open': { caller: 'attendee', payload: (fx) => ({ ticketId: fx.tickets.card }), fields: { ticketId: ticketRef((fx) => fx.tickets.card) }, callers: ownerOnly },
  'tickets.erase': { caller: 'attendee', payload: (fx) => ({ ticketId: fx.tickets.erase }), fields: { ticketId: ticketRef((fx) => fx.tickets.erase) }, callers: ownerOnly },
  'organizer.idRefusals': { caller: 'organizer', payload: (fx) => ({ eventId: fx.events.idCheck }), fields: { eventId: eventRef }, callers: organizerOnly },
  'organizer.releaseIdHold': {
    caller: 'organizer',
    payload: (fx) => ({ eventId: fx.events.idCheck, refusalId: fx.refusalId }),
    fields: { eventId: eventRef, refusalId: { valid: exactly, others: (fx) => [['a ticket id', fx.tickets.main], ['an event id', fx.events.idCheck]] } },
    callers: organizerOnly,
    once: true,
  },
  'organizer.stats': { caller: 'organizer', payload: (fx) => ({ eventId: fx.events.main }), fields: { eventId: eventRef }, callers: organizerOnly },
  'organizer.export': {
    caller: 'organizer',
    payload: (fx) => ({ eventId: fx.events.main }),
    fields: { eventId: eventRef, fullPhone: { valid: boolean, optional: true, sample: () => true } },
    callers: organizerOnly,
  },
  'staff.add': {
    caller: 'organizer',
    payload: (fx) => ({ eventId: fx.events.main, openid: 'o_hostile_new_staff' }),
    fields: { eventId: eventRef, openid: { valid: openidOf } },
    callers: organizerOnly,
  },
  'staff.remove': {
    caller: 'organizer',
    payload: (fx) => ({ eventId: fx.events.main, openid: 'o_hostile_new_staff' }),
    fields: { eventId: eventRef, openid: { valid: openidOf } },
    callers: organizerOnly,
  },
  'staff.list': { caller: 'organizer', payload: (fx) => ({ eventId: fx.events.main }), fields: { eventId: eventRef }, callers: organizerOnly },
  'roles.mine': { caller: 'attendee', payload: () => ({}), fields: {}, emptyPayload: true, callers: everyoneSignedIn },
  'checkin.scan': {
    caller: 'staff',
    payload: (fx, salt) => ({ code: fx.codes.door, nonce: `nonce-hostile-${salt}`, gate: '东门' }),
    fields: {
      // A code that is not a ticket of the caller's events is answered DENIED (UNKNOWN_CODE), not refused.
      code: {
        valid: exactly,
        others: (fx) => [
          ['a ticket of an event the staff member does not work at', fx.codes.main],
          ["a free seat's code", fx.codes.freeSeat],
          ['a ticket id', fx.tickets.door],
        ],
      },
      nonce: { valid: token },
      gate: { valid: gateName },
    },
    callers: { anonymous: refused('UNAUTHENTICATED'), attendee: refused('FORBIDDEN'), other: refused('FORBIDDEN'), staff: VALID, eventOrganizer: VALID, organizer: VALID },
  },
  'reminders.templates': { caller: 'attendee', payload: () => ({}), fields: {}, emptyPayload: true, callers: everyone },
  'reminders.consent': {
    caller: 'attendee',
    payload: (fx) => ({ ticketId: fx.tickets.main, accepted: fx.templates.slice(0, 2) }),
    fields: {
      ticketId: ticketRef((fx) => fx.tickets.main),
      accepted: { valid: () => true, item: { valid: (value) => isString(value) && KNOWN_TEMPLATES.has(value) }, maxItems: 3 },
    },
    callers: ownerOnly,
  },
}

/** The configured template ids, once the fixture is known (the item oracle of `accepted` reads it). */
const KNOWN_TEMPLATES = new Set<string>()

/**
 * Answers that are refusals although `ok`: a scan of a code that is not a ticket the caller may
 * admit is answered DENIED, not refused. Valid scans are ADMITTED or ALREADY_ADMITTED.
 */
export function isRefusalAnswer(action: ActionName, data: unknown): boolean {
  return action === 'checkin.scan' && (data as { result?: unknown } | null)?.result === 'DENIED'
}

// ---------------------------------------------------------------- generated values

function nested(depth: number, leaf: unknown, asArray = false): unknown {
  let value = leaf
  for (let i = 0; i < depth; i += 1) value = asArray ? [value] : { a: value }
  return value
}

/** Any field, whatever its type: wrong types, operator objects, nesting. */
function typeMutations(baseline: unknown): Array<[string, unknown]> {
  return [
    ['the number 0', 0],
    ['the number 1', 1],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['a huge number', 1e308],
    ['an unsafe integer', 2 ** 53 + 1],
    ['true', true],
    ['false', false],
    ['the text "true"', 'true'],
    ['null', null],
    ['an empty array', []],
    ['the value in an array', [baseline]],
    ['an empty object', {}],
    ['the value in an object', { value: baseline }],
    ['{$ne: null}', { $ne: null }],
    ['{$gt: ""}', { $gt: '' }],
    ['{$regex: ".*"}', { $regex: '.*' }],
    ['{$in: [value]}', { $in: [baseline] }],
    ['{$exists: true}', { $exists: true }],
    ['{$where}', { $where: 'return true' }],
    ['objects nested 20 deep', nested(20, baseline)],
    ['arrays nested 20 deep', nested(20, baseline, true)],
    ['objects nested 40 deep', nested(40, baseline)],
  ]
}

/** Any string field: empty, huge, invisible, control, number-like, path-, regex- and operator-shaped. */
function stringMutations(value: string, fx: Fixture): Array<[string, unknown]> {
  return [
    ['an empty string', ''],
    ['a space', ' '],
    ['spaces around', ` ${value} `],
    ['10,000 letters', 'a'.repeat(10_000)],
    ['10,000 汉字', '张'.repeat(10_000)],
    ['NUL', '\u0000'],
    ['NUL after', `${value}\u0000`],
    ['NUL before', `\u0000${value}`],
    ['a line break inside', `${value.slice(0, 1)}\n${value.slice(1)}`],
    ['CR LF', 'a\r\nb'],
    ['a tab before', `\t${value}`],
    ['ESC sequence', `\u001b[31m${value}`],
    ['zero-width space before', `\u200b${value}`],
    ['zero-width space after', `${value}\u200b`],
    ['only zero-width characters', '\u200b\u200c\u200d'],
    ['right-to-left override', `\u202e${value}`],
    ['BOM before', `\ufeff${value}`],
    ['HANGUL FILLER', '\u3164'],
    ['KHITAN SMALL SCRIPT FILLER after', `${value}\u{16FE4}`],
    ['BRAILLE PATTERN BLANK', '\u2800'],
    ['a lone surrogate', '\ud800'],
    ['an emoji', '😀'],
    ['combining marks stacked', `a${'\u0301'.repeat(29)}`],
    ['ten tatweels', '\u0640'.repeat(10)],
    ['a formula behind invisible characters', '\u0000\u200b=1+1'],
    ['"NaN"', 'NaN'],
    ['"Infinity"', 'Infinity'],
    ['"-Infinity"', '-Infinity'],
    ['"undefined"', 'undefined'],
    ['"null"', 'null'],
    ['"-0"', '-0'],
    ['"-0042"', '-0042'],
    ['"1e309"', '1e309'],
    ['"12345678"', '12345678'],
    ['.*', '.*'],
    ['^.*$', '^.*$'],
    ['../', '../'],
    ['../../etc/passwd', '../../etc/passwd'],
    ['a/b', 'a/b'],
    ['a backslash', 'a\\b'],
    ['%2e%2e%2f', '%2e%2e%2f'],
    ['$ne', '$ne'],
    ['$where', '$where'],
    ['an operator as text', '{"$ne":null}'],
    ['SQL', "' OR '1'='1"],
    ['HTML', '<script>alert(1)</script>'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['a role document id', `${fx.events.door}:${fx.openids.staff}`],
    ['upper case', value.toUpperCase()],
    ['lower case', value.toLowerCase()],
    ['one more character', `${value}x`],
    ['one character less', value.slice(0, -1)],
  ]
}

/** A list field: sizes, duplicates, and each item mutated in place. */
function listMutations(spec: FieldSpec, value: unknown[], fx: Fixture): Array<[string, unknown, boolean]> {
  const item = spec.item as FieldSpec
  const sample = value[0]
  const lists: Array<[string, unknown[]]> = [
    ['no items', []],
    ['one item', [sample]],
    ['an item twice', [sample, sample]],
    ['one more item than allowed', Array.from({ length: (spec.maxItems ?? 3) + 1 }, () => sample)],
    ['1,000 items', Array.from({ length: 1000 }, () => sample)],
    ['a list in the list', [value]],
  ]
  const out: Array<[string, unknown, boolean]> = lists.map(([label, list]) => [label, list, list.length <= (spec.maxItems ?? Infinity) && list.every((x) => item.valid(x, sample))])
  const itemValues = [...typeMutations(sample), ...(isString(sample) ? stringMutations(sample, fx) : [])]
  for (const [label, x] of itemValues) out.push([`an item: ${label}`, [x], item.valid(x, sample)])
  return out
}

// ---------------------------------------------------------------- cases

function clone<T>(value: T): T {
  // Through JSON: a "__proto__" key stays an own property, as it arrives from the wire.
  return JSON.parse(JSON.stringify(value)) as T
}

/** Sets (or, with `undefined`, removes) the value at a path; `__proto__` becomes an own key. */
function setPath(root: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = clone(root)
  let target = copy
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>
  const last = path[path.length - 1]
  if (value === undefined) delete target[last]
  else Object.defineProperty(target, last, { value: clone(value), enumerable: true, writable: true, configurable: true })
  return copy
}

function getPath(root: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], root)
}

/** Keys nobody declared, and the keys that reach an object's prototype. */
function extraKeys(fx: Fixture): Array<[string, string, unknown]> {
  return [
    ['an unknown field', 'extra', 1],
    ['a client-sent _openid', '_openid', fx.openids.other],
    ['a client-sent openid', 'openid', fx.openids.organizer],
    ['a client-sent _id', '_id', 'x'],
    ['a client-sent role', 'role', 'organizer'],
    ['an empty key', '', 1],
    ['a key of 10,000 characters', 'k'.repeat(10_000), 1],
    ['a key with a NUL', 'a\u0000b', 1],
    ['a $-operator key', '$set', { status: 'active' }],
    ['a dotted key', 'attendee.name', 'x'],
    ['__proto__', '__proto__', { admin: true, polluted: true }],
    ['constructor', 'constructor', { prototype: { admin: true } }],
    ['prototype', 'prototype', { admin: true }],
  ]
}

interface Draft {
  label: string
  caller: Caller | 'fresh'
  /** A function of the case's salt, so tokens (`requestId`, `nonce`) are fresh per case. */
  payload: (salt: number) => unknown
  /** The payload key is left out of the body entirely. */
  noPayload?: boolean
  expect: Expectation
}

/** Every mutation of one field (and, for objects, of its own fields), as drafts. */
function fieldDrafts(spec: FieldSpec, path: string[], base: (salt: number) => Record<string, unknown>, fx: Fixture, caller: Caller | 'fresh'): Draft[] {
  const name = path.join('.')
  const drafts: Draft[] = []
  const withValue = (label: string, value: unknown, expect: Expectation) =>
    drafts.push({ label: `${name}: ${label}`, caller, payload: (salt) => setPath(base(salt), path, value), expect })
  const present = (salt: number) => {
    const payload = base(salt)
    return getPath(payload, path) === undefined && spec.sample ? setPath(payload, path, spec.sample(fx, salt)) : payload
  }
  const value = getPath(present(0), path)

  drafts.push({ label: `${name}: missing`, caller, payload: (salt) => setPath(base(salt), path, undefined), expect: spec.optional ? VALID : INVALID })
  if (spec.optional && spec.sample) drafts.push({ label: `${name}: given`, caller, payload: present, expect: spec.valid(value, value) ? VALID : INVALID })
  if (spec.fields) {
    for (const [label, key, extra] of extraKeys(fx)) {
      if (Object.hasOwn(spec.fields, key)) continue
      drafts.push({ label: `${name}: ${label}`, caller, payload: (salt) => setPath(present(salt), [...path, key], extra), expect: INVALID })
    }
    for (const [label, replacement] of [...typeMutations(value), ['a string', 'x']] as Array<[string, unknown]>) withValue(label, replacement, INVALID)
    for (const [key, child] of Object.entries(spec.fields)) drafts.push(...fieldDrafts(child, [...path, key], present, fx, caller))
    return drafts
  }
  if (spec.item && Array.isArray(value)) {
    for (const [label, list, ok] of listMutations(spec, value, fx)) withValue(label, list, ok ? VALID : INVALID)
    for (const [label, replacement] of typeMutations(value).filter(([, x]) => !Array.isArray(x))) withValue(label, replacement, INVALID)
    return drafts
  }
  const mutations = [...typeMutations(value), ...(isString(value) ? stringMutations(value, fx) : [])]
  for (const [label, replacement] of mutations) {
    if (replacement === value) continue
    const valid = spec.valid(replacement, value)
    if (valid && spec.singleUse) continue
    withValue(label, replacement, valid ? VALID : INVALID)
  }
  // Well-formed, but someone else's or of the wrong kind: always refused.
  for (const [label, other] of spec.others?.(fx) ?? []) withValue(label, other, INVALID)
  return drafts
}

/** Every case of one action: the baseline, each caller, the payload as a whole, and every field. */
function actionDrafts(spec: ActionSpec, fx: Fixture): Draft[] {
  const base = (salt: number) => spec.payload(fx, salt)
  const drafts: Draft[] = [{ label: 'the valid payload', caller: spec.caller, payload: base, expect: VALID }]

  for (const caller of CALLERS) {
    if (caller === spec.caller) continue
    const expect = spec.callers[caller] ?? INVALID
    // A baseline that works once has had its one success already.
    if (spec.once && expect.kind === 'valid') continue
    drafts.push({ label: `the valid payload as ${caller}`, caller, payload: base, expect })
  }

  const empty = spec.emptyPayload ? VALID : INVALID
  drafts.push({ label: 'no payload at all', caller: spec.caller, payload: () => undefined, noPayload: true, expect: empty })
  drafts.push({ label: 'payload null', caller: spec.caller, payload: () => null, expect: empty })
  const wholes: Array<[string, (salt: number) => unknown]> = [
    ['payload a string', () => 'x'],
    ['payload the payload as JSON text', (salt) => JSON.stringify(base(salt))],
    ['payload a number', () => 42],
    ['payload NaN as text', () => 'NaN'],
    ['payload true', () => true],
    ['payload an empty array', () => []],
    ['payload in an array', (salt) => [base(salt)]],
    ['payload wrapped in payload', (salt) => ({ payload: base(salt) })],
    ['payload nested 20 deep', (salt) => nested(20, base(salt))],
    ['payload nested 40 deep', (salt) => nested(40, base(salt))],
    ['payload with 500 unknown fields', (salt) => ({ ...base(salt), ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, i])) })],
  ]
  for (const [label, payload] of wholes) drafts.push({ label, caller: spec.caller, payload, expect: INVALID })
  // The whole payload replaced, as every kind of caller: no identity reveals more than another.
  for (const caller of CALLERS) {
    if (caller !== spec.caller) drafts.push({ label: `payload a string as ${caller}`, caller, payload: () => 'x', expect: INVALID })
  }

  for (const [label, key, extra] of extraKeys(fx)) {
    // A key the payload declares is no stranger: its own mutations cover it.
    if (Object.hasOwn(spec.fields, key)) continue
    drafts.push({ label: `payload: ${label}`, caller: spec.caller, payload: (salt) => setPath(base(salt), [key], extra), expect: INVALID })
  }
  for (const [key, field] of Object.entries(spec.fields)) drafts.push(...fieldDrafts(field, [key], base, fx, spec.caller))

  if (spec.once) {
    // The one success is the baseline's; a variant that would also be valid is left out.
    return drafts.filter((draft, i) => i === 0 || draft.expect.kind === 'invalid')
  }
  return drafts
}

/** Every hostile case of every action, bodies written out, callers resolved. */
export function hostileCases(fx: Fixture): HostileCase[] {
  KNOWN_TEMPLATES.clear()
  for (const id of fx.templates) KNOWN_TEMPLATES.add(id)
  const cases: HostileCase[] = []
  let salt = 0
  for (const action of Object.keys(ACTION_FUNCTION) as ActionName[]) {
    const spec = ACTIONS[action]
    if (!spec) continue
    actionDrafts(spec, fx).forEach((draft, order) => {
      salt += 1
      const payload = draft.payload(salt)
      const openid = draft.caller === 'anonymous' ? undefined : draft.caller === 'fresh' ? `o_hostile_fresh_${salt}` : fx.openids[draft.caller]
      const body = draft.noPayload ? JSON.stringify({ action }) : JSON.stringify({ action, payload })
      cases.push({ action, fn: ACTION_FUNCTION[action], label: draft.label, openid, body, expect: draft.expect, order })
    })
  }
  return cases
}

/** Stand-in data of the right shapes, for counting cases without a stack. */
export function exampleFixture(): Fixture {
  return {
    openids: { attendee: 'o_a', other: 'o_b', staff: 'o_s', eventOrganizer: 'o_e', organizer: 'o_o' },
    events: { main: 'ev', door: 'door', idCheck: 'idc' },
    sessions: { main: 'ev-s', reserve: 'ev-r', door: 'door-s' },
    tickets: { main: 't1', cancel: 't2', erase: 't3', card: 't4', cardToAdd: 't5', door: 't6', other: 't7', freeSeat: 't8' },
    codes: { main: '1234567890123456', door: '2234567890123456', other: '3234567890123456', freeSeat: '4234567890123456' },
    cardId: 'pCardIdExample0001',
    encryptCodes: { card: 'ZW5jcnlwdGVkMQ==', cardToAdd: 'ZW5jcnlwdGVkMg==', other: 'ZW5jcnlwdGVkMw==' },
    cardExts: { main: '{"code":"1234567890123456"}', card: '{"code":"4234567890123456"}' },
    refusalId: 'r1',
    templates: ['tpl-confirm', 'tpl-remind'],
  }
}
