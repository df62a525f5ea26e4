/**
 * Reservations under the environment's database quota (issue 21): a rush larger than the quota
 * allows is answered TICKET, SOLD_OUT or BUSY (retryable, with a wait), never INTERNAL; a person
 * told BUSY who retries the same request gets one answer in the end, and no ticket is lost or
 * doubled. Before, every quota refusal reached the caller as INTERNAL.
 */
import type { TicketView } from '../../../cloud/src/api/models'
import { adminDb, allTickets, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(180_000)

const PEOPLE = 120
const SEATS = 40
let stack: LocalStack
let db: Db

beforeAll(async () => {
  // 25 database requests a second: a fraction of what the rush asks for at once.
  stack = await startLocalStack({ maxInstances: 8, quota: { qps: 25 } })
  db = adminDb(stack.adminUrl)
  await seedEvent(db, openEvent('quota', [{ id: 'quota-s', capacity: SEATS }], { limits: { perSession: 1, perEvent: 1 } }))
})

afterAll(async () => {
  await stack.close()
})

interface Answer {
  code: string
  ticketId?: string
  retryable?: boolean
  retryAfterMs?: number
}

async function reserve(i: number): Promise<Answer> {
  const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'quota-s', requestId: `quota-request-${i}`, attendee: { name: '张三', phone: '13800000000' }, consent: CONSENT }, `quota_person_${i}`)
  if (answer.ok) return { code: 'TICKET', ticketId: answer.data.id }
  const error = answer.error as typeof answer.error & { retryAfterMs?: number }
  return { code: error.code, retryable: error.retryable, retryAfterMs: error.retryAfterMs }
}

it('a rush over the quota hears TICKET, SOLD_OUT or BUSY; retrying BUSY with the same request ends with one ticket per seat', async () => {
  const first = await Promise.all(Array.from({ length: PEOPLE }, (_, i) => reserve(i)))
  const codes = new Set(first.map((a) => a.code))
  expect([...codes].filter((code) => !['TICKET', 'SOLD_OUT', 'BUSY'].includes(code))).toEqual([])
  const busy = first.filter((a) => a.code === 'BUSY')
  process.stdout.write(`under quota: first answers ${JSON.stringify(Object.fromEntries([...codes].map((c) => [c, first.filter((a) => a.code === c).length])))}\n`)
  expect(busy.length).toBeGreaterThan(0)
  for (const answer of busy) expect(answer).toMatchObject({ retryable: true, retryAfterMs: expect.any(Number) })

  // Everyone told BUSY comes back with the same request, after the wait they were given.
  const final = [...first]
  for (let round = 0; round < 20 && final.some((a) => a.code === 'BUSY'); round += 1) {
    const waiting = final.flatMap((a, i) => (a.code === 'BUSY' ? [i] : []))
    await new Promise((resolve) => setTimeout(resolve, Math.max(...waiting.map((i) => final[i].retryAfterMs ?? 0))))
    const again = await Promise.all(waiting.map((i) => reserve(i)))
    waiting.forEach((i, k) => (final[i] = again[k]))
  }
  expect(final.filter((a) => a.code !== 'TICKET' && a.code !== 'SOLD_OUT')).toEqual([])
  const ticketIds = final.filter((a) => a.code === 'TICKET').map((a) => a.ticketId)
  expect(ticketIds).toHaveLength(SEATS)
  expect(new Set(ticketIds).size).toBe(SEATS)
  // Every ticket the database holds was answered to its person: none lost, none doubled.
  const stored = (await allTickets(db)).filter((t) => t.sessionId === 'quota-s' && t.status === 'active')
  expect(stored.map((t) => t._id).sort()).toEqual([...ticketIds].sort())
})
