/**
 * The daily cap on ID-number refusals under concurrency: without the counter's condition, callers
 * probing at once get more answers than the cap (the race is real); with it, exactly the cap.
 */
import type { TicketView } from '../../../cloud/src/api/models'
import { adminDb, openEvent, seedEvent } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { mainlandIdNumber } from '../../support/idNumbers'
import { startLocalStack } from '../../support/localStack'

jest.setTimeout(120_000)

const PROBES = 16

async function probeAtOnce(guard: 'on' | 'off'): Promise<string[]> {
  const stack = await startLocalStack({ maxInstances: 8, functionEnv: { TICKETCARD_COUNTER_GUARD: guard } })
  try {
    const db = adminDb(stack.adminUrl)
    // One session per probe, and a per-event limit that lets the prober's own rules pass for
    // all of them: a caller's own limits serialise their probes otherwise (LIMIT_REACHED wins).
    const sessions = Array.from({ length: PROBES }, (_, n) => ({ id: `probe-${guard}-s${n}`, capacity: 10 }))
    await seedEvent(db, openEvent(`probe-${guard}`, sessions, { limits: { perSession: 1, perEvent: PROBES } }))
    const reserve = (caller: string, n: number, requestId: string) =>
      stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: sessions[n].id, requestId, attendee: { name: '张三', phone: '13800000000', idType: 'mainland', idNumber: mainlandIdNumber(n) }, consent: CONSENT }, caller)
    // ID number n holds its one ticket of session n.
    for (let n = 0; n < PROBES; n += 1) expect((await reserve(`holder_${n}`, n, `req-holder-${guard}-${n}`)).ok).toBe(true)
    // Every instance started and warm, so the probes really run side by side.
    await Promise.all(Array.from({ length: 32 }, () => stack.call('attendee', 'events.list', {}, 'warmer')))
    const answers = await Promise.all(Array.from({ length: PROBES }, (_, n) => reserve('prober', n, `req-probe-${guard}-${n}`)))
    return answers.map((answer) => (answer.ok ? 'OK' : answer.error.code))
  } finally {
    await stack.close()
  }
}

it(`with the counter guard off, ${PROBES} probes at once hear DUPLICATE_ID_NUMBER more than 3 times`, async () => {
  const codes = await probeAtOnce('off')
  const duplicates = codes.filter((c) => c === 'DUPLICATE_ID_NUMBER').length
  process.stdout.write(`ID refusal race (guard off): ${duplicates} DUPLICATE_ID_NUMBER answers for a cap of 3\n`)
  expect(duplicates).toBeGreaterThan(3)
})

it(`with the guard on, the same ${PROBES} probes hear it exactly 3 times, then RATE_LIMITED`, async () => {
  const codes = await probeAtOnce('on')
  expect(codes.filter((c) => c === 'DUPLICATE_ID_NUMBER')).toHaveLength(3)
  expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(PROBES - 3)
})
