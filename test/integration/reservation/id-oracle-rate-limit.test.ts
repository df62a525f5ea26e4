/**
 * Issue 30, finding 1: a person whose per-minute reservation window is used up by refusals must
 * not learn whether someone else's ID number holds a ticket. Before the fix, a held ID number was
 * answered RATE_LIMITED (the rate-limit count came before the ID rule, so nothing reached the
 * organizer's list and the daily cap never applied) while a free one made a ticket.
 */
import type { IdRefusalRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { mainlandIdNumber } from '../../support/idNumbers'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(120_000)

const PER_MINUTE = 3
let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2, functionEnv: { TICKETCARD_RESERVE_PER_MINUTE: String(PER_MINUTE) } })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack.close()
})

let requestCounter = 0
async function reserve(caller: string, sessionId: string, id?: number): Promise<{ code: string; ticketId?: string; retryable?: boolean }> {
  requestCounter += 1
  const attendee = id === undefined ? { name: '张三', phone: '13800000000' } : { name: '张三', phone: '13800000000', idType: 'mainland', idNumber: mainlandIdNumber(id) }
  const answer = await stack.call<{ id: string }>('attendee', 'reservation.reserve', { sessionId, requestId: `req-oracle-${requestCounter}`, attendee, consent: CONSENT }, caller)
  return answer.ok ? { code: 'OK', ticketId: answer.data.id } : { code: answer.error.code, retryable: answer.error.retryable }
}

it('a caller whose reservation window is full hears DUPLICATE_ID_NUMBER (capped, logged) for a held ID, never RATE_LIMITED', async () => {
  const sessions = ['orl-s1', 'orl-s2']
  await seedEvent(db, openEvent('orl', sessions.map((id) => ({ id, capacity: 50 })), { limits: { perSession: 1, perEvent: 5 } }))
  // The victim's ID number 7 holds session 2.
  expect((await reserve('orl_victim', sessions[1], 7)).code).toBe('OK')

  // Mallory: one ticket for session 1, then refusals until her minute's window is full.
  expect((await reserve('orl_mallory', sessions[0])).code).toBe('OK')
  const filling: string[] = []
  for (let k = 0; k < PER_MINUTE; k += 1) filling.push((await reserve('orl_mallory', sessions[0])).code)
  expect(filling).toEqual(['LIMIT_REACHED', 'LIMIT_REACHED', 'RATE_LIMITED'])

  // Probes of session 2: the held ID 7 against the free ID 8, alternating.
  const held: string[] = []
  const free: string[] = []
  for (let probe = 0; probe < 5; probe += 1) {
    held.push((await reserve('orl_mallory', sessions[1], 7)).code)
    const other = await reserve('orl_mallory', sessions[1], 8)
    free.push(other.code)
    if (other.ticketId) expect(await stack.call('attendee', 'tickets.cancel', { ticketId: other.ticketId }, 'orl_mallory')).toMatchObject({ ok: true })
  }
  // Three ID refusals a day, then the same RATE_LIMITED for any ID number, held or free.
  expect(held).toEqual(['DUPLICATE_ID_NUMBER', 'DUPLICATE_ID_NUMBER', 'DUPLICATE_ID_NUMBER', 'RATE_LIMITED', 'RATE_LIMITED'])
  expect(free.slice(3)).toEqual(['RATE_LIMITED', 'RATE_LIMITED'])
  // Every refusal reached the organizer's list.
  const refusals = (await allDocs<IdRefusalRecord>(db, 'id_refusals')).filter((r) => r.eventId === 'orl')
  expect(refusals).toHaveLength(1)
  expect(refusals[0].attempts).toBeGreaterThanOrEqual(3)
})

it('a caller out of per-minute ticket slots hears the ID refusal for a held ID, whichever unique field the database names first', async () => {
  const sessions = ['ors-s1', 'ors-s2', 'ors-s3', 'ors-s4', 'ors-s5']
  await seedEvent(db, openEvent('ors', sessions.map((id) => ({ id, capacity: 50 })), { limits: { perSession: 1, perEvent: 5 } }))
  expect((await reserve('ors_victim', sessions[4], 7)).code).toBe('OK')
  // The minute's ticket slots are all used by the caller's own tickets.
  for (let k = 0; k < PER_MINUTE; k += 1) expect((await reserve('ors_mallory', sessions[k])).code).toBe('OK')
  expect((await reserve('ors_mallory', sessions[4], 8)).code).toBe('RATE_LIMITED')
  expect((await reserve('ors_mallory', sessions[4], 7)).code).toBe('DUPLICATE_ID_NUMBER')
  const refusals = (await allDocs<IdRefusalRecord>(db, 'id_refusals')).filter((r) => r.eventId === 'ors')
  expect(refusals.map((r) => r.attempts)).toEqual([1])
})
