import { CONSENT } from '../../support/consent'
import type { TicketView } from '../../../cloud/src/api/models'
import { adminDb, openEvent, seedEvent, sessionState } from '../../support/adminDb'
import { startLocalStack } from '../../support/localStack'

jest.setTimeout(120_000)

/**
 * The control half of the race test: with the capacity guard switched off (what the copied
 * templates do: read the count, then decrement), real concurrency oversells. The guarded half
 * (reserve.test.ts) then shows the same load cannot.
 */
it('with the guard disabled, 200 concurrent reserves for 50 seats oversell', async () => {
  // More instances than the guarded test: the race window is a few round trips wide, and more
  // requests in flight make it certain (not just likely) that several straddle the last seat.
  const stack = await startLocalStack({ maxInstances: 16, functionEnv: { TICKETCARD_CAPACITY_GUARD: 'off' } })
  try {
    const db = adminDb(stack.adminUrl)
    await seedEvent(db, openEvent('race-off', [{ id: 'race-off-s', capacity: 50 }]))

    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'race-off-s', requestId: `race-off-${i}-x`, attendee: { name: '测试', phone: `139${String(i).padStart(8, '0')}` }, consent: CONSENT }, `race_off_${i}`),
      ),
    )

    const won = results.filter((r) => r.ok).length
    const state = await sessionState(db, 'race-off-s')
    process.stdout.write(`race control (guard off): ${won} tickets issued for 50 seats, remaining ${state.remaining}\n`)
    expect(won).toBeGreaterThan(50)
    expect(state.active.length).toBe(won)
    // Free seats are documents, so their count cannot go below zero: the oversell shows as more
    // tickets than the seats they were supposed to come from.
    expect(state.remaining + state.active.length).toBeGreaterThan(state.capacity)
  } finally {
    await stack.close()
  }
})

it('refuses to run with the guard off outside test mode', async () => {
  const stack = await startLocalStack({ functionEnv: { TICKETCARD_CAPACITY_GUARD: 'off', TICKETCARD_TEST_MODE: '0' } })
  try {
    const db = adminDb(stack.adminUrl)
    await seedEvent(db, openEvent('race-prod', [{ id: 'race-prod-s', capacity: 5 }]))
    const answer = await stack.call('attendee', 'reservation.reserve', { sessionId: 'race-prod-s', requestId: 'req-prod-1', attendee: { name: '测试', phone: '13900000001' }, consent: CONSENT }, 'prod_user')
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect((await sessionState(db, 'race-prod-s')).remaining).toBe(5)
  } finally {
    await stack.close()
  }
})
