import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import { startEmulator } from '../../../cloud/local/emulator'
import type { SessionRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, allTickets, openEvent, remainingSeats, seedEvent } from '../../support/adminDb'
import { TEST_ID_HMAC_KEY } from '../../support/localStack'
import { CONSENT } from '../../support/consent'

jest.setTimeout(180_000)

const root = path.resolve(__dirname, '..', '..', '..')

/** The runtime in its own process, so it can be killed -9 while the database lives on. */
function startRuntimeProcess(adminUrl: string, credentials: { secretId: string; secretKey: string }): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'cloud/local/runtime/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      EMULATOR_ADMIN_URL: adminUrl,
      // The key of this run: the emulator refuses requests it did not sign.
      TENCENTCLOUD_SECRETID: credentials.secretId,
      TENCENTCLOUD_SECRETKEY: credentials.secretKey,
      GATEWAY_PORT: '0',
      MAX_INSTANCES: '4',
      TIMERS: 'off',
      TICKETCARD_ID_HMAC_KEY: TEST_ID_HMAC_KEY,
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^gateway listening on (http:\/\/\S+)/.exec(line)
      if (match) resolve({ child, url: match[1] })
    })
    child.once('exit', (code) => reject(new Error(`runtime exited early (${code})`)))
  })
}

it('a runtime killed -9 repeatedly during a reservation burst leaves capacity = remaining + active tickets, and no orphan', async () => {
  const emulator = await startEmulator({ port: 0, dataFile: ':memory:' })
  const db = adminDb(emulator.adminUrl)
  try {
    await seedEvent(db, openEvent('crash', [{ id: 'crash-a', capacity: 60 }, { id: 'crash-b', capacity: 60 }], { limits: { perSession: 1, perEvent: 2 } }))
    let next = 0
    let acknowledged = 0
    let cutOff = 0
    for (let round = 0; round < 5; round += 1) {
      const { child, url } = await startRuntimeProcess(emulator.adminUrl, emulator.credentials)
      // Killed once this round has seen a few answers: certainly mid-burst, later each round.
      const killAfter = 5 + round * 8
      let answeredThisRound = 0
      const burst = Array.from({ length: 100 }, () => {
        const i = next++
        return fetch(`${url}/api/attendee`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-wx-openid': `crash_${i % 70}` },
          body: JSON.stringify({
            action: 'reservation.reserve',
            payload: { sessionId: i % 2 ? 'crash-a' : 'crash-b', requestId: `crash-req-${i}`, attendee: { name: '测试', phone: `137${String(i).padStart(8, '0')}` }, consent: CONSENT },
          }),
        })
          .then((res) => res.json() as Promise<{ ok: boolean }>)
          .then((answer) => {
            if (answer.ok) acknowledged += 1
            answeredThisRound += 1
            if (answeredThisRound === killAfter) child.kill('SIGKILL')
          })
          .catch(() => {
            cutOff += 1
          })
      })
      await Promise.all(burst)
      child.kill('SIGKILL')
    }

    const sessions = await allDocs<SessionRecord>(db, 'sessions')
    const tickets = await allTickets(db)
    const remaining = await remainingSeats(db)
    process.stdout.write(`crash test: ${acknowledged} reservations acknowledged, ${cutOff} cut off by kill -9, ${tickets.length} tickets stored\n`)
    expect(cutOff).toBeGreaterThan(0)
    expect(tickets.length).toBeGreaterThan(0)
    expect(tickets.length).toBeGreaterThanOrEqual(acknowledged)
    for (const session of sessions.filter((s) => s.eventId === 'crash')) {
      const active = tickets.filter((t) => t.sessionId === session._id && t.status === 'active').length
      expect({ session: session._id, total: (remaining.get(session._id) ?? NaN) + active }).toEqual({ session: session._id, total: session.capacity })
    }
    // Codes live only on tickets, unique; every ticket's owner holds the slots it was issued under
    // (the holds commit with the ticket, so a crash cannot leave one without the other).
    expect(new Set(tickets.map((t) => t.code)).size).toBe(tickets.length)
    for (const ticket of tickets) {
      expect(ticket.holds.personEvent).toMatch(new RegExp(`^event:crash:${ticket._openid}:[12]$`))
      expect(ticket.holds.personSession).toBe(`session:${ticket.sessionId}:${ticket._openid}:1`)
    }
    // No person holds more than the limits, whatever was cut off: one per session, two per event.
    const perPerson = new Map<string, number>()
    for (const ticket of tickets) perPerson.set(ticket._openid, (perPerson.get(ticket._openid) ?? 0) + 1)
    expect(Math.max(...perPerson.values())).toBeLessThanOrEqual(2)
  } finally {
    await emulator.close()
  }
})
