/**
 * The rush at opening, at a scale CI can afford (bench/flash-crowd.ts runs the full one): many
 * distinct people at the same instant on one session, 8 instances, the emulator adding 5 ms to
 * every database request as CloudBase's network would. Every seat is sold exactly once and every
 * caller hears a ticket or SOLD_OUT: no INTERNAL, no timeout, nothing left for the client to retry.
 */
import { adminDb, openEvent, seedEvent, sessionState } from '../../support/adminDb'
import { runFlashCrowd } from '../../support/flashCrowd'
import { startLocalStack } from '../../support/localStack'

jest.setTimeout(180_000)

it('400 people at once for 100 seats: exactly 100 tickets, everyone else SOLD_OUT, capacity = remaining + active', async () => {
  const stack = await startLocalStack({ maxInstances: 8, latencyMs: 5 })
  try {
    const db = adminDb(stack.adminUrl)
    await seedEvent(db, openEvent('rush', [{ id: 'rush-s', capacity: 100 }]))
    const crowd = await runFlashCrowd(stack, 'rush-s', 400)
    process.stdout.write(`flash crowd (CI scale): ${JSON.stringify(crowd.codes)}, sold out after ${crowd.soldOutMs.toFixed(0)} ms, all answered after ${crowd.totalMs.toFixed(0)} ms\n`)
    expect(crowd.codes).toEqual({ TICKET: 100, SOLD_OUT: 300 })
    expect(new Set(crowd.tickets.map((t) => t.code)).size).toBe(100)
    const state = await sessionState(db, 'rush-s')
    expect(state.remaining).toBe(0)
    expect(state.active.map((t) => t._id).sort()).toEqual(crowd.tickets.map((t) => t.id).sort())
  } finally {
    await stack.close()
  }
})
