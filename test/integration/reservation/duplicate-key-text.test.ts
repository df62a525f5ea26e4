/**
 * The reservation path recognises which guard refused a ticket by reading what holds it, never by
 * the index name in the duplicate-key error (issue 21: whether CloudBase names the index on an
 * update is unverified). With the emulator answering a bare "E11000 duplicate key error", every
 * guard still answers as it should; the earlier code answered INTERNAL to each of these.
 */
import { adminDb, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { mainlandIdNumber } from '../../support/idNumbers'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(120_000)

let stack: LocalStack
let db: Db

beforeAll(async () => {
  process.env.EMULATOR_DUPLICATE_KEY_TEXT = 'bare'
  stack = await startLocalStack({ maxInstances: 2, functionEnv: { TICKETCARD_RESERVE_PER_MINUTE: '4' } })
  db = adminDb(stack.adminUrl)
  await seedEvent(db, openEvent('bare', ['bare-s1', 'bare-s2', 'bare-s3', 'bare-s4', 'bare-s5'].map((id) => ({ id, capacity: 20 })), { limits: { perSession: 1, perEvent: 5 } }))
})

afterAll(async () => {
  delete process.env.EMULATOR_DUPLICATE_KEY_TEXT
  await stack.close()
})

async function reserve(caller: string, sessionId: string, requestId: string, id?: number): Promise<string> {
  const attendee = id === undefined ? { name: '张三', phone: '13800000000' } : { name: '张三', phone: '13800000000', idType: 'mainland', idNumber: mainlandIdNumber(id) }
  const answer = await stack.call<{ id: string }>('attendee', 'reservation.reserve', { sessionId, requestId, attendee, consent: CONSENT }, caller)
  return answer.ok ? `TICKET ${answer.data.id}` : answer.error.code
}

it('the emulator answers a clash with no index name', async () => {
  await db.collection('events').add({ data: { _id: 'bare-probe' } })
  await expect(db.collection('events').add({ data: { _id: 'bare-probe' } })).rejects.toMatchObject({ errMsg: expect.stringMatching(/E11000 duplicate key error\b(?!.*index:)/) })
})

it('a retried request gets its ticket; limits, ID numbers and the minute refuse as they should', async () => {
  const first = await reserve('bare_alice', 'bare-s1', 'bare-request-1')
  expect(first).toMatch(/^TICKET /)
  expect(await reserve('bare_alice', 'bare-s1', 'bare-request-1')).toBe(first)
  expect(await reserve('bare_alice', 'bare-s1', 'bare-request-2')).toBe('LIMIT_REACHED')

  expect(await reserve('bare_bob', 'bare-s2', 'bare-request-3', 7)).toMatch(/^TICKET /)
  expect(await reserve('bare_carol', 'bare-s2', 'bare-request-4', 7)).toBe('DUPLICATE_ID_NUMBER')

  // Four tickets a minute: the fifth is refused by the rate slot.
  for (const [i, session] of ['bare-s2', 'bare-s3', 'bare-s4'].entries()) expect(await reserve('bare_dave', session, `bare-request-d${i}`)).toMatch(/^TICKET /)
  expect(await reserve('bare_dave', 'bare-s5', 'bare-request-d3')).toMatch(/^TICKET /)
  expect(await reserve('bare_dave', 'bare-s1', 'bare-request-d4')).toBe('RATE_LIMITED')
})
