/**
 * Reads that must not grow with a session's seats (issue 21): the export reads tickets by a key
 * range on their creation time (never the free seats, never `skip`), and pages past any number of
 * documents sharing one time; the remaining seats of a large session are counted from the index.
 */
import { findAllInOrder } from '../../../cloud/src/shared/db'
import { adminDb, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(180_000)

const ORGANIZER = 'large_reads_organizer'
let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 4, functionEnv: { TICKETCARD_ORGANIZERS: ORGANIZER } })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack.close()
})

it('pages by time past pages whose last documents share one time, each document once, in order', async () => {
  const base = Date.UTC(2026, 11, 1)
  // 2,345 scans of one event, seven to a millisecond: every page boundary falls inside a shared time.
  const docs = Array.from({ length: 2345 }, (_, i) => ({ _id: `p${String(i).padStart(5, '0')}`, eventId: 'paging', at: new Date(base + Math.floor(i / 7)) }))
  for (let i = 0; i < docs.length; i += 500) await db.collection('checkins').add({ data: docs.slice(i, i + 500) })
  const read = await findAllInOrder<{ _id: string; at: Date }>(db, 'checkins', { eventId: 'paging' }, 'at')
  expect(read.map((doc) => doc._id)).toEqual(docs.map((doc) => doc._id))
})

it('exports the tickets of a 20,000-seat session, not its seats, and counts what is left', async () => {
  await seedEvent(db, openEvent('large-reads', [{ id: 'large-reads-s', capacity: 20_000 }], { limits: { perSession: 1, perEvent: 1 } }))
  const TICKETS = 1200
  const answers = []
  for (let first = 0; first < TICKETS; first += 50) {
    answers.push(
      ...(await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stack.call('attendee', 'reservation.reserve', { sessionId: 'large-reads-s', requestId: `large-reads-${first + i}`, attendee: { name: '张三', phone: '13800000000' }, consent: CONSENT }, `large_reads_${first + i}`),
        ),
      )),
    )
  }
  expect(answers.filter((a) => !a.ok)).toEqual([])

  const exported = await stack.call<{ reservations: { rows: number; csv: string } }>('organizer', 'organizer.export', { eventId: 'large-reads' }, ORGANIZER)
  if (!exported.ok) throw new Error(JSON.stringify(exported.error))
  expect(exported.data.reservations.rows).toBe(TICKETS)

  const listed = await stack.call<{ events: Array<{ id: string; sessions: Array<{ remaining: number }> }> }>('attendee', 'events.list', {}, 'large_reads_viewer')
  if (!listed.ok) throw new Error(JSON.stringify(listed.error))
  expect(listed.data.events.find((e) => e.id === 'large-reads')?.sessions[0].remaining).toBe(20_000 - TICKETS)
})
