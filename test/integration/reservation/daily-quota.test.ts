/**
 * When the environment's daily database writes are spent (issue 21): a reservation is answered
 * BUSY, not retryable, with the wait until midnight China time (never INTERNAL), a timer's run
 * stops quietly, and `npm run ops -- quota` reports what stopped. Before, the refusal reached the person as INTERNAL
 * and no command said why.
 */
import { adminDb, openEvent, seedEvent } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { startLocalStack, type LocalStack } from '../../support/localStack'
import { runScript } from '../../support/runScript'

jest.setTimeout(120_000)

// Seeding the event takes 9 writes (one per seat among them): two tickets fit, the third does not.
const WRITES_PER_DAY = 11
let stack: LocalStack

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2, quota: { writesPerDay: WRITES_PER_DAY } })
  await seedEvent(adminDb(stack.adminUrl), openEvent('daily', [{ id: 'daily-s', capacity: 5 }], { limits: { perSession: 1, perEvent: 1 } }))
})

afterAll(async () => {
  await stack.close()
})

it('a reservation after the day\'s writes are spent hears BUSY until midnight, and ops says writes stopped', async () => {
  const answers: Array<{ code: string; retryable?: boolean; retryAfterMs?: number }> = []
  for (let i = 0; i < 5 && answers.every((a) => a.code === 'TICKET'); i += 1) {
    const answer = await stack.call('attendee', 'reservation.reserve', { sessionId: 'daily-s', requestId: `daily-request-${i}`, attendee: { name: '张三', phone: '13800000000' }, consent: CONSENT }, `daily_person_${i}`)
    answers.push(answer.ok ? { code: 'TICKET' } : { code: answer.error.code, retryable: answer.error.retryable, retryAfterMs: (answer.error as { retryAfterMs?: number }).retryAfterMs })
  }
  const last = answers[answers.length - 1]
  expect(answers.slice(0, -1).every((a) => a.code === 'TICKET')).toBe(true)
  expect(last).toMatchObject({ code: 'BUSY', retryable: false })
  expect(last.retryAfterMs).toBeGreaterThan(0)
  expect(last.retryAfterMs).toBeLessThanOrEqual(24 * 3600_000)
  expect(stack.emulator.db.quota()?.writesToday).toBe(WRITES_PER_DAY)

  // A timer meeting the stop ends its run quietly (BUSY, the next run continues), never INTERNAL.
  expect(await stack.runtime.fireTimer('retention')).toMatchObject({ ok: false, error: { code: 'BUSY' } })

  const ops = await runScript('ops', ['quota'], stack.adminEnv)
  expect(ops.status).toBe(0)
  expect(ops.stdout).toContain('database reads:  pass')
  expect(ops.stdout).toMatch(/database writes: STOPPED for the rest of the day/)
})
