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
 * Letters of any script, combining marks, the middle dot of transliterated names, space, hyphen,
 * apostrophe; starting with a letter. Nothing Unicode renders as nothing (zero-width characters,
 * the Hangul fillers that count as letters): a name on a ticket has to be readable at the door.
 */
const NAME_PATTERN = /^(?!.*\p{Default_Ignorable_Code_Point})\p{L}[\p{L}\p{M}·.' -]{0,29}$/u
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

const name = v.pipe(
  v.string('INVALID_VALUE'),
  v.normalize('NFC'),
  v.trim(),
  v.minLength(1, 'REQUIRED'),
  v.regex(NAME_PATTERN, 'INVALID_NAME'),
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

/** Validates against a schema, reporting the first problem of each field by dotted path. */
export function validate<TSchema extends v.GenericSchema>(schema: TSchema, input: unknown): Validation<v.InferOutput<TSchema>> {
  // Every payload is an object; valibot's object schemas would let an array through.
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, fields: { $: 'INVALID_VALUE' } }
  const result = v.safeParse(schema, input)
  if (result.success) return { ok: true, value: result.output }
  // A Map, then fromEntries: a hostile key such as "__proto__" becomes an own property, never a prototype.
  const fields = new Map<string, FieldError>()
  for (const issue of result.issues) {
    const path = issue.path?.map((item) => String(item.key)).join('.') || '$'
    if (!fields.has(path)) fields.set(path, fieldErrorOf(issue))
  }
  return { ok: false, fields: Object.fromEntries(fields) }
}
