/**
 * A refusal names the bad fields by path, but never echoes a caller's megabytes back: a hostile
 * key is cut to its start, and at most 20 fields are named. (Found by the hostile-input suite:
 * a 10,000-character unknown key came back whole in `fields`.)
 */
import { attendeeSchema, reservePayloadSchema, ticketRefSchema, validate } from '../../cloud/src/api/validation'

it('cuts a long unknown key in the answer to its first 64 characters', () => {
  const key = 'k'.repeat(10_000)
  const result = validate(ticketRefSchema, { ticketId: 'tabc', [key]: 1 })
  expect(result.ok).toBe(false)
  const fields = result.ok ? {} : result.fields
  expect(Object.keys(fields)).toEqual([`${'k'.repeat(64)}… (10000 characters)`])
  expect(JSON.stringify(fields).length).toBeLessThan(200)
})

it('cuts long keys inside nested objects too, and keeps short paths as they are', () => {
  const result = validate(reservePayloadSchema, { sessionId: 's', requestId: 'short', attendee: { name: '张三', phone: '1', ['x'.repeat(500)]: 1 } })
  const fields = result.ok ? {} : result.fields
  expect(fields).toMatchObject({ requestId: 'INVALID_ID' })
  expect(Object.keys(fields).every((path) => path.length < 120)).toBe(true)
})

it('names at most 20 fields', () => {
  const input = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, i]))
  const result = validate(attendeeSchema, input)
  expect(result.ok).toBe(false)
  expect(Object.keys(result.ok ? {} : result.fields).length).toBeLessThanOrEqual(20)
})

it('keeps "__proto__" an own key of the answer, never a prototype', () => {
  const input = JSON.parse('{"ticketId":"tabc","__proto__":{"admin":true}}') as unknown
  const result = validate(ticketRefSchema, input)
  const fields = result.ok ? {} : result.fields
  expect(Object.keys(fields)).toEqual(['__proto__'])
  expect(({} as Record<string, unknown>).admin).toBeUndefined()
})
