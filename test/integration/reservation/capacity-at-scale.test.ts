/**
 * Capacity changes at any size (issue 21): 1,000 → 20,000 → 100,000 seats and back to 1,000, each
 * with database round trips of 20 ms and reservations racing the change. At every sample the
 * session holds no more active tickets than its capacity; at the end capacity = free + active.
 * The earlier design (the change in one transaction, seats added in batches inside it) is refused
 * by CloudBase's rules (the emulator now refuses a batch inside a transaction).
 */
import { importEvent, parseEventFile, type EventFile } from '../../../cloud/src/domain/eventImport'
import { adminDb, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(600_000)

const LATENCY_MS = 20
const SESSION = 'scale-s'
const RUSH_TICKETS = 300
let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 4, latencyMs: LATENCY_MS })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack.close()
})

const count = async (where: Record<string, unknown>) => ((await db.collection('tickets').where(where).count()) as unknown as { total: number }).total
const capacityOf = async () => ((await db.collection('sessions').doc(SESSION).get()) as unknown as { data: { capacity: number } }).data.capacity

let people = 0
/** Reservations by new people, a few at a time, until `done` says stop: the rush during a change. */
async function rush(done: () => boolean): Promise<string[]> {
  const answers: string[] = []
  const caller = async () => {
    // At most RUSH_TICKETS a change, so the tickets of all three stay under the final 1,000 seats.
    while (!done() && answers.length < RUSH_TICKETS) {
      people += 1
      const answer = await stack.call('attendee', 'reservation.reserve', { sessionId: SESSION, requestId: `scale-request-${people}`, attendee: { name: '张三', phone: '13800000000' }, consent: CONSENT }, `scale_person_${people}`)
      answers.push(answer.ok ? 'TICKET' : answer.error.code)
    }
  }
  await Promise.all(Array.from({ length: 4 }, caller))
  return answers
}

/** Active tickets, then capacity, sampled until `done`: active read first can only be lower than at the capacity's read. */
async function watch(done: () => boolean): Promise<Array<{ active: number; capacity: number }>> {
  const samples: Array<{ active: number; capacity: number }> = []
  while (!done()) {
    const active = await count({ sessionId: SESSION, status: 'active' })
    samples.push({ active, capacity: await capacityOf() })
  }
  return samples
}

async function changeTo(file: (capacity: number) => EventFile, capacity: number): Promise<{ answers: string[]; samples: Array<{ active: number; capacity: number }> }> {
  let finished = false
  const change = importEvent({ db, now: () => new Date() }, file(capacity)).finally(() => {
    finished = true
  })
  const [answers, samples] = await Promise.all([rush(() => finished), watch(() => finished), change])
  return { answers, samples }
}

it('grows 1,000 → 20,000 → 100,000 and shrinks to 1,000 with reservations racing each change', async () => {
  // One file, its times fixed: only the capacity changes between imports.
  const base = openEvent('scale', [{ id: SESSION, capacity: 1000 }], { limits: { perSession: 1, perEvent: 1 } })
  const file = (capacity: number) => parseEventFile({ ...base, sessions: [{ ...base.sessions[0], capacity }] })
  await seedEvent(db, file(1000))
  for (const capacity of [20_000, 100_000, 1000]) {
    const { answers, samples } = await changeTo(file, capacity)
    const [free, active] = [await count({ sessionId: SESSION, status: 'free' }), await count({ sessionId: SESSION, status: 'active' })]
    process.stdout.write(`capacity → ${capacity}: ${answers.filter((a) => a === 'TICKET').length} tickets during the change, ${samples.length} samples; free ${free} + active ${active}\n`)
    expect(answers.filter((a) => a !== 'TICKET')).toEqual([])
    expect(samples.filter((s) => s.active > s.capacity)).toEqual([])
    expect(await capacityOf()).toBe(capacity)
    expect(free + active).toBe(capacity)
  }
})
