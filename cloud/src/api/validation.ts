/**
 * Input rules shared by the app (inline messages before submit) and the cloud functions (the
 * rule that counts). valibot keeps this small in the mini-program bundle.
 */
import * as v from 'valibot'
import { FIELD_ERRORS, type FieldError, type FieldErrors } from './errors'
import { isMainlandId, isMainlandMobile, isPassportNumber, normalizeIdNumber } from './identity'
import { PRIVACY_NOTICE_VERSION } from './privacy'

export { FIELD_ERRORS, type FieldError, type FieldErrors } from './errors'

export const ID_TYPES = ['mainland', 'passport'] as const
export type IdType = (typeof ID_TYPES)[number]

/**
 * Letters of any script, each with at most a few combining marks (Vietnamese, Thai, Devanagari,
 * Arabic vowels and Tibetan stacks need up to three; a letter under dozens is unreadable), the
 * middle dot of transliterated names, space, hyphen, dot, apostrophe; starting with a letter.
 */
const NAME_PATTERN = /^\p{L}\p{M}{0,3}(?:\p{L}\p{M}{0,3}|[·.' -])*$/u
const NAME_MAX_LENGTH = 30
/**
 * What Unicode renders as nothing or as a blank: default-ignorable code points (zero-width
 * characters, joiners, variation selectors, the Hangul fillers that count as letters), format
 * characters, and fillers that older Unicode data (or none) marks ignorable: the Hangul fillers,
 * KHITAN SMALL SCRIPT FILLER (a combining mark), BRAILLE PATTERN BLANK, Khmer inherent vowels.
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFFA0\u{16FE4}]/u
/** Modifier letters (tatweel, ー, 々, ʻ) lengthen or repeat the letters around them; alone they say nothing. */
const MODIFIER_LETTER = /\p{Lm}/gu
const LETTER = /\p{L}/gu

/**
 * A name has to be readable at the door: allowed characters, nothing invisible, and no more
 * modifier letters than real ones (ten tatweels, or `A` and ten tatweels, are not a name).
 */
export function isReadableName(value: string): boolean {
  // Code points, as before; a string of more than twice as many code units cannot be short enough.
  if (value.length > 2 * NAME_MAX_LENGTH || [...value].length > NAME_MAX_LENGTH || INVISIBLE.test(value) || !NAME_PATTERN.test(value)) return false
  const modifiers = value.match(MODIFIER_LETTER)?.length ?? 0
  const letters = (value.match(LETTER)?.length ?? 0) - modifiers
  return letters >= 1 && modifiers <= letters
}
/** What an openid or unionid may be: 1 to 64 letters, digits, "_" or "-" (real ones are 28 such characters). */
export const CALLER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
/**
 * The values wx-server-sdk's getWXContext turns into numbers: its `isNumber` (index.js, used on
 * every WX_CONTEXT_KEYS value) is `/^[-]?\d+$/`, then `parseInt`. So "-0042", "-042" and "-42" all
 * become -42 (one person), "-0" becomes -0 (falsy: nobody), "0012345" becomes 12345. "1e5" and
 * "0x1f" do not match and stay strings.
 */
export const SDK_READS_AS_NUMBER = /^-?[0-9]+$/

/** Whether `value` can name a person the way the cloud context names them: an openid the SDK keeps a string. */
export const isCallerId = (value: string): boolean => CALLER_ID_PATTERN.test(value) && !SDK_READS_AS_NUMBER.test(value)

/**
 * A short label typed by staff (a gate's name): something a person reads in a list or an export,
 * so no control or format characters, nothing invisible, not blank.
 */
export function isVisibleLabel(value: string): boolean {
  return !/[\p{C}]/u.test(value) && !INVISIBLE.test(value) && /[^\p{Z}]/u.test(value)
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

const name = v.pipe(
  v.string('INVALID_VALUE'),
  v.normalize('NFC'),
  v.trim(),
  v.minLength(1, 'REQUIRED'),
  v.check(isReadableName, 'INVALID_NAME'),
)
const phone = v.pipe(v.string('INVALID_VALUE'), v.trim(), v.minLength(1, 'REQUIRED'), v.check(isMainlandMobile, 'INVALID_PHONE'))
const idNumber = v.pipe(v.string('INVALID_ID_NUMBER'), v.maxLength(32, 'INVALID_ID_NUMBER'), v.transform(normalizeIdNumber))
const identifier = v.pipe(v.string('INVALID_VALUE'), v.regex(ID_PATTERN, 'INVALID_ID'))

export const attendeeSchema = v.pipe(
  v.strictObject(
    {
      name,
      phone,
      idType: v.optional(v.picklist(ID_TYPES, 'INVALID_ID_TYPE')),
      idNumber: v.optional(idNumber),
    },
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return
    const { idType, idNumber: number } = dataset.value
    if (number === undefined || number === '') return
    const valid = (idType ?? 'mainland') === 'mainland' ? isMainlandId(number) : isPassportNumber(number)
    if (!valid) addIssue({ message: 'INVALID_ID_NUMBER', path: [{ type: 'object', origin: 'value', input: dataset.value, key: 'idNumber', value: number }] })
  }),
)

export type AttendeeInput = v.InferOutput<typeof attendeeSchema>

/** What the person agreed to before reserving: the privacy notice, by version. */
export interface Consent {
  noticeVersion: string
}

function isAgreementToCurrentNotice(value: unknown): value is Consent {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && keys[0] === 'noticeVersion' && (value as Consent).noticeVersion === PRIVACY_NOTICE_VERSION
}

// Missing, malformed or agreed to an older notice: all the same answer, agree to this one.
const consent = v.pipe(
  v.optional(v.unknown(), null),
  v.check(isAgreementToCurrentNotice, 'CONSENT_REQUIRED'),
  v.transform((value) => value as Consent),
)

export const reservePayloadSchema = v.strictObject(
  {
    sessionId: identifier,
    requestId: v.pipe(v.string('INVALID_VALUE'), v.regex(REQUEST_ID_PATTERN, 'INVALID_ID')),
    attendee: attendeeSchema,
    consent,
    /**
     * The client has never sent this requestId before (not a retry): such a request cannot have a
     * ticket yet, so when the session was just seen sold out it may be answered without a read.
     * A client that says so falsely only risks its own answer.
     */
    firstTry: v.optional(v.boolean('INVALID_VALUE')),
  },
)

export type ReservePayload = v.InferOutput<typeof reservePayloadSchema>

export const ticketRefSchema = v.strictObject({ ticketId: identifier })

/** `reminders.consent`: the template ids the person accepted in WeChat's sheet (none when declined). */
export const reminderConsentSchema = v.strictObject({
  ticketId: identifier,
  accepted: v.pipe(v.array(identifier, 'INVALID_VALUE'), v.maxLength(3, 'INVALID_VALUE')),
})
export const emptyPayloadSchema = v.strictObject({})

export type Validation<T> = { ok: true; value: T } | { ok: false; fields: FieldErrors }

function isFieldError(message: string): message is FieldError {
  return (FIELD_ERRORS as readonly string[]).includes(message)
}

/** strictObject reports both unknown keys (expected "never") and missing keys (received undefined). */
function fieldErrorOf(issue: v.BaseIssue<unknown>): FieldError {
  if (issue.type === 'strict_object' && issue.path) {
    if (issue.expected === 'never') return 'UNEXPECTED_FIELD'
    if (issue.received === 'undefined') return 'REQUIRED'
  }
  return isFieldError(issue.message) ? issue.message : 'INVALID_VALUE'
}

/** The answer names a field by its key, but never echoes a caller's megabytes: a long key is cut. */
const MAX_KEY_LENGTH = 64
const MAX_FIELD_ERRORS = 20

function keyOf(key: unknown): string {
  const text = String(key)
  return text.length > MAX_KEY_LENGTH ? `${text.slice(0, MAX_KEY_LENGTH)}… (${text.length} characters)` : text
}

/** Validates against a schema, reporting the first problem of each field by dotted path (at most 20). */
export function validate<TSchema extends v.GenericSchema>(schema: TSchema, input: unknown): Validation<v.InferOutput<TSchema>> {
  // Every payload is an object; valibot's object schemas would let an array through.
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, fields: { $: 'INVALID_VALUE' } }
  const result = v.safeParse(schema, input)
  if (result.success) return { ok: true, value: result.output }
  // A Map, then fromEntries: a hostile key such as "__proto__" becomes an own property, never a prototype.
  const fields = new Map<string, FieldError>()
  for (const issue of result.issues) {
    const path = issue.path?.map((item) => keyOf(item.key)).join('.') || '$'
    if (!fields.has(path) && fields.size < MAX_FIELD_ERRORS) fields.set(path, fieldErrorOf(issue))
  }
  return { ok: false, fields: Object.fromEntries(fields) }
}
