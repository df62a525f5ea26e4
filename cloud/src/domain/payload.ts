import type * as v from 'valibot'
import { validate } from '../api/validation'
import { DomainError } from '../shared/errors'

/** Validates an action's payload against the shared rules; a refusal names each bad field. */
export function parsePayload<T extends v.GenericSchema>(schema: T, payload: unknown): v.InferOutput<T> {
  const result = validate(schema, payload ?? {})
  if (!result.ok) throw new DomainError('INVALID_INPUT', 'payload is invalid', result.fields)
  return result.value
}
