import { CONSENT } from '../../support/consent'
import { PRIVACY_NOTICE_VERSION } from '../../../cloud/src/api/privacy'
import { adminDb, allDocs, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(120_000)

const COLLECTIONS = ['events', 'sessions', 'reservation_terms', 'tickets', 'rate_limits', 'jobs']
const valid = { sessionId: 'bad-s', requestId: 'req-valid-0001', attendee: { name: '张三', phone: '13812345678' }, consent: CONSENT }
const withAttendee = (patch: Record<string, unknown>) => ({ ...valid, attendee: { ...valid.attendee, ...patch } })
const without = (key: string) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))
const attendeeWithout = (key: string) => ({ ...valid, attendee: Object.fromEntries(Object.entries(valid.attendee).filter(([k]) => k !== key)) })

/** [label, raw request body, expected error code]; every one must be refused and change nothing. */
const cases: Array<[string, string, string]> = []
const reserveCase = (label: string, payload: unknown, code = 'INVALID_INPUT') =>
  cases.push([label, JSON.stringify({ action: 'reservation.reserve', payload }), code])

// The payload as a whole.
for (const payload of [null, [], 'reserve', 42, true, {}]) reserveCase(`payload ${JSON.stringify(payload)}`, payload)
for (const key of ['sessionId', 'requestId', 'attendee']) reserveCase(`missing ${key}`, without(key))
for (const key of ['name', 'phone']) reserveCase(`missing attendee.${key}`, attendeeWithout(key))
// sessionId
for (const sessionId of [null, 1, true, [], {}, '', 'x'.repeat(65), 'has space', '../etc', '会场', 'a\u0000b', 'a/b', '$where'])
  reserveCase(`sessionId ${JSON.stringify(sessionId)}`, { ...valid, sessionId })
// requestId
for (const requestId of [null, 12345678, '', 'short', 'x'.repeat(65), 'has space inside', '💥💥💥💥💥💥💥💥', 'req\nnewline', { $gt: '' }])
  reserveCase(`requestId ${JSON.stringify(requestId)}`, { ...valid, requestId })
// attendee
for (const value of [null, 'str', [], 42, true]) reserveCase(`attendee ${JSON.stringify(value)}`, { ...valid, attendee: value })
// name
for (const name of [null, 5, ['a'], '', '   ', 'a'.repeat(31), '<script>alert(1)</script>', '12345', '\u200b张三', '张三😀', '张三\u0000', 'Robert"); DROP', '—张三', { $ne: null }])
  reserveCase(`name ${JSON.stringify(name)}`, withAttendee({ name }))
// Names nobody can read at the door: only combining marks, zero-width or filler characters.
for (const name of ['\u0301', '\u0301\u0308\u0301', '\u200b\u200c\u200d', '\u2060', '\u00ad', '\u3164', '\u3164\u3164\u3164', '\u115f\u1160', '\uffa0', '\u3164\u0301'])
  reserveCase(`invisible name ${JSON.stringify(name)}`, withAttendee({ name }))
// Consent to the privacy notice: missing, malformed, or to another version of the notice.
for (const consent of [undefined, null, true, 'yes', {}, { noticeVersion: '2020-01-01' }, { noticeVersion: PRIVACY_NOTICE_VERSION, extra: 1 }, [PRIVACY_NOTICE_VERSION]])
  reserveCase(`consent ${JSON.stringify(consent)}`, { ...valid, consent })
// phone
for (const phone of [null, 13812345678, '', '1381234567', '138123456789', '23812345678', '12812345678', '1381234567a', '+8613812345678', '１３８１２３４５６７８', '138 1234 5678', '138-1234-5678', ' ', { $regex: '.*' }, ['13812345678']])
  reserveCase(`phone ${JSON.stringify(phone)}`, withAttendee({ phone }))
// ID numbers and types
for (const idNumber of ['110105194912310021', '11010519491331002X', '11010519490230002X', '123', 'x'.repeat(40), 5, null, '身份证号码', '11010519491231002X\u200b'])
  reserveCase(`idNumber ${JSON.stringify(idNumber)}`, withAttendee({ idNumber }))
for (const idNumber of ['ABCDEFG', '12', 'E1234567890', 'E12-34567'])
  reserveCase(`passport ${JSON.stringify(idNumber)}`, withAttendee({ idType: 'passport', idNumber }))
for (const idType of ['driver', 5, null, 'MAINLAND']) reserveCase(`idType ${JSON.stringify(idType)}`, withAttendee({ idType, idNumber: '11010519491231002X' }))
// Extra and hostile keys.
reserveCase('extra top-level field', { ...valid, price: 0 })
reserveCase('extra attendee field', withAttendee({ vip: true }))
reserveCase('client-sent openid', { ...valid, openid: 'someone_else' })
reserveCase('client-sent _openid in attendee', withAttendee({ _openid: 'someone_else' }))
cases.push(['__proto__ at the top', `{"action":"reservation.reserve","payload":{"__proto__":{"admin":true},"sessionId":"bad-s","requestId":"req-valid-0001","attendee":{"name":"张三","phone":"13812345678"},"consent":{"noticeVersion":"${PRIVACY_NOTICE_VERSION}"}}}`, 'INVALID_INPUT'])
cases.push(['__proto__ in attendee', `{"action":"reservation.reserve","payload":{"sessionId":"bad-s","requestId":"req-valid-0001","attendee":{"name":"张三","phone":"13812345678","__proto__":{"x":1}},"consent":{"noticeVersion":"${PRIVACY_NOTICE_VERSION}"}}}`, 'INVALID_INPUT'])
cases.push(['constructor key', `{"action":"reservation.reserve","payload":{"constructor":{"prototype":{}},"sessionId":"bad-s","requestId":"req-valid-0001","attendee":{"name":"张三","phone":"13812345678"},"consent":{"noticeVersion":"${PRIVACY_NOTICE_VERSION}"}}}`, 'INVALID_INPUT'])
// Other actions with bad payloads.
for (const payload of [null, {}, { ticketId: '' }, { ticketId: 5 }, { ticketId: 'x'.repeat(65) }, { ticketId: 'ok', extra: 1 }, { ticketId: { $ne: '' } }])
  for (const action of ['tickets.get', 'tickets.cancel']) cases.push([`${action} ${JSON.stringify(payload)}`, JSON.stringify({ action, payload }), 'INVALID_INPUT'])
for (const payload of [{ extra: 1 }, [], 'x']) cases.push([`tickets.mine ${JSON.stringify(payload)}`, JSON.stringify({ action: 'tickets.mine', payload }), 'INVALID_INPUT'])
for (const payload of [{}, { code: 5 }, { code: 'x'.repeat(33) }, { code: { $gt: '' } }]) cases.push([`tickets.byCode ${JSON.stringify(payload)}`, JSON.stringify({ action: 'tickets.byCode', payload }), 'INVALID_INPUT'])
// The envelope itself.
for (const body of ['{}', '{"payload":{}}', '{"action":5}', '{"action":"reservation.delete","payload":{}}', '{"action":"__proto__"}', '{"action":"constructor"}', '{"action":"toString"}'])
  cases.push([`event ${body}`, body, 'UNKNOWN_ACTION'])
for (const body of ['not json', '{"action":', '[]', '"reserve"', '12'])
  cases.push([`raw body ${body}`, body, 'INVALID_INPUT'])
cases.push(['a 300 KB body', JSON.stringify({ action: 'reservation.reserve', payload: { ...valid, attendee: { ...valid.attendee, name: '张'.repeat(100_000) } } }), 'PAYLOAD_TOO_LARGE'])
cases.push(['a long unicode name', JSON.stringify({ action: 'reservation.reserve', payload: withAttendee({ name: '张'.repeat(5000) }) }), 'INVALID_INPUT'])

let stack: LocalStack
let db: Db

async function snapshot(): Promise<string> {
  const parts = await Promise.all(COLLECTIONS.map(async (name) => [name, await allDocs(db, name)]))
  return JSON.stringify(parts)
}

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2 })
  db = adminDb(stack.adminUrl)
  await seedEvent(db, openEvent('bad', [{ id: 'bad-s', capacity: 10 }]))
})

afterAll(async () => {
  await stack.close()
})

it('has at least 100 malformed payloads to try', () => {
  expect(cases.length).toBeGreaterThanOrEqual(100)
})

it('refuses every malformed payload with a stable code and changes nothing in the database', async () => {
  const before = await snapshot()
  const wrong: string[] = []
  for (const [label, body, code] of cases) {
    const { status, body: answer } = await stack.callRaw('attendee', body, 'bad_input_user')
    if (answer.ok || answer.error.code !== code || status >= 500) wrong.push(`${label}: HTTP ${status} ${JSON.stringify(answer).slice(0, 200)}`)
  }
  expect(wrong).toEqual([])
  expect(await snapshot()).toBe(before)
  // The same valid request still works afterwards: nothing was poisoned.
  expect(await stack.call('attendee', 'reservation.reserve', valid, 'bad_input_user')).toMatchObject({ ok: true })
  expect(({} as Record<string, unknown>).admin).toBeUndefined()
})

it('names an unknown action back only in part, however long it is', async () => {
  const action = `x${'A'.repeat(100_000)}`
  const { status, body } = await stack.callRaw('attendee', JSON.stringify({ action, payload: {} }), 'bad_input_user')
  expect(status).toBe(200)
  expect(body).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } })
  const message = body.ok ? '' : body.error.message
  expect(message.length).toBeLessThan(200)
  expect(message).toContain('"xAAAA')
  expect(message).toContain('100003 characters')
})

it('accepts real names in many scripts, including ones written with combining marks', async () => {
  await seedEvent(db, openEvent('names', [{ id: 'names-s', capacity: 20 }]))
  const names = ['Jose\u0301', 'Zoë', "O'Brien", '阿卜杜拉·买买提', 'Nguyễn Văn A', '김민준', 'Анна-Мария', 'María José']
  const answers = await Promise.all(
    names.map((name, i) => stack.call('attendee', 'reservation.reserve', { ...valid, sessionId: 'names-s', requestId: `req-name-${i}-x`, attendee: { ...valid.attendee, name } }, `name_user_${i}`)),
  )
  expect(answers.map((answer) => answer.ok)).toEqual(names.map(() => true))
})
