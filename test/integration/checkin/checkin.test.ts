/**
 * The gate against the real emulator and runtime: every entry rule admits and denies with its
 * reason, a nonce replay makes no second entry, every scan is logged, unknown codes are limited
 * per staff member, and the organizer's figures and export see the entries.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { EventStats, ExportFile, TicketView } from '../../../cloud/src/api/models'
import type { CheckinRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, type Db } from '../../support/adminDb'
import { startLocalStack, type LocalStack } from '../../support/localStack'
import { runScript } from '../../support/runScript'
import { outcome, reserveTicket, scan, seedDoorEvent } from './support'

jest.setTimeout(120_000)

const ORGANIZER = 'door_organizer'
const STAFF = 'door_staff'
let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 4, functionEnv: { TICKETCARD_ORGANIZERS: ORGANIZER, TICKETCARD_UNKNOWN_CODES_PER_MINUTE: '5' } })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack?.close()
})

/** An event with these rules, the door staff added by the organizer, and one attendee's ticket. */
async function door(id: string, entry: Record<string, unknown>, startsInMinutes = 30): Promise<TicketView> {
  await seedDoorEvent(db, id, entry, startsInMinutes)
  expect(await stack.call('organizer', 'staff.add', { eventId: id, openid: STAFF }, ORGANIZER)).toMatchObject({ ok: true })
  return reserveTicket(stack, `${id}-s`, `${id}_attendee`)
}

async function scans(code: string, count: number): Promise<string[]> {
  const out: string[] = []
  for (let i = 0; i < count; i += 1) out.push(outcome(await scan(stack, STAFF, code)))
  return out
}

describe('entry rules at the gate', () => {
  it('single entry (the default): admitted once, then ALREADY_ADMITTED with the first entry time', async () => {
    const ticket = await door('door-single', {})
    const first = await scan(stack, STAFF, ticket.code)
    expect(first).toMatchObject({ ok: true, data: { result: 'ADMITTED', entriesUsed: 1, attendee: { maskedName: '王**' }, session: { id: 'door-single-s' } } })
    const again = await scan(stack, STAFF, ticket.code)
    expect(again).toMatchObject({ ok: true, data: { result: 'ALREADY_ADMITTED', entriesUsed: 1 } })
    expect(again.ok && again.data.firstEntryAt).toBe(first.ok && first.data.firstEntryAt)
    // The attendee sees it on their ticket, and cannot hand back a seat they are sitting in.
    const mine = await stack.call<TicketView>('attendee', 'tickets.get', { ticketId: ticket.id }, 'door-single_attendee')
    expect(mine).toMatchObject({ ok: true, data: { entries: { used: 1 }, cancellable: false } })
    expect(await stack.call('attendee', 'tickets.cancel', { ticketId: ticket.id }, 'door-single_attendee')).toMatchObject({ ok: false, error: { code: 'ALREADY_ENTERED' } })
  })

  it('multiple entry with a total limit', async () => {
    const ticket = await door('door-max', { mode: 'multiple', maxEntries: 2 })
    expect(await scans(ticket.code, 3)).toEqual(['ADMITTED', 'ADMITTED', 'DENIED LIMIT_REACHED'])
  })

  it('multiple entry with a daily limit', async () => {
    const ticket = await door('door-day', { mode: 'multiple', perDay: 1 })
    expect(await scans(ticket.code, 2)).toEqual(['ADMITTED', 'DENIED LIMIT_REACHED'])
  })

  it('multiple entry with a minimum time between entries', async () => {
    const ticket = await door('door-gap', { mode: 'multiple', minMinutesBetween: 30 })
    expect(await scans(ticket.code, 2)).toEqual(['ADMITTED', 'DENIED TOO_SOON'])
  })

  it('only inside the session window, whose margin the event file sets', async () => {
    const ticket = await door('door-early', {}, 180)
    expect(await scans(ticket.code, 1)).toEqual(['DENIED WRONG_SESSION_TIME'])
    await seedDoorEvent(db, 'door-early', { opensMinutesBefore: 240 }, 180)
    expect(await scans(ticket.code, 1)).toEqual(['ADMITTED'])
  })

  it('not after the session has ended', async () => {
    const ticket = await door('door-late', {})
    // The organizer moves the session into the past (an event file re-imported).
    await seedDoorEvent(db, 'door-late', {}, -200, 120)
    expect(await scans(ticket.code, 1)).toEqual(['DENIED WRONG_SESSION_TIME'])
  })

  it('never a cancelled ticket', async () => {
    const ticket = await door('door-cancel', { mode: 'multiple' })
    await stack.call('attendee', 'tickets.cancel', { ticketId: ticket.id }, 'door-cancel_attendee')
    expect(await scans(ticket.code, 1)).toEqual(['DENIED CANCELLED'])
  })

  it('a mistyped code, an unknown code and another event’s code are UNKNOWN_CODE, limited per staff member', async () => {
    const mine = await door('door-unknown', {})
    await seedDoorEvent(db, 'door-other', {})
    const theirs = await reserveTicket(stack, 'door-other-s', 'door_other_attendee')
    const typo = `${mine.code.slice(0, -1)}${(Number(mine.code.slice(-1)) + 1) % 10}`
    expect([outcome(await scan(stack, STAFF, typo)), outcome(await scan(stack, STAFF, '123456789012345678')), outcome(await scan(stack, STAFF, theirs.code))]).toEqual(
      Array(3).fill('DENIED UNKNOWN_CODE'),
    )
    const denied = await scan(stack, STAFF, theirs.code)
    expect(denied).toEqual({ ok: true, data: { result: 'DENIED', reason: 'UNKNOWN_CODE', entriesUsed: 0, attendee: { maskedName: '' } } })
    // Five a minute (this stack's setting); the sixth is refused before any lookup.
    expect(outcome(await scan(stack, STAFF, typo))).toBe('DENIED UNKNOWN_CODE')
    expect(outcome(await scan(stack, STAFF, typo))).toBe('ERROR RATE_LIMITED')
    // A real ticket still passes: the limit is on unknown codes only.
    expect(outcome(await scan(stack, STAFF, mine.code))).toBe('ADMITTED')
  })
})

describe('the check-in log', () => {
  it('logs every scan with staff, gate, time, nonce and result; a repeated nonce answers the first answer', async () => {
    const ticket = await door('door-log', { mode: 'multiple' })
    const first = await scan(stack, STAFF, ticket.code, 'nonce-replay-0001', '北门')
    const replay = await scan(stack, STAFF, ticket.code, 'nonce-replay-0001', '北门')
    expect(replay).toEqual(first)
    const other = await scan(stack, STAFF, ticket.code, 'nonce-replay-0002', '北门')
    expect(other).toMatchObject({ ok: true, data: { result: 'ADMITTED', entriesUsed: 2 } })

    const log = (await allDocs<CheckinRecord>(db, 'checkins')).filter((r) => r.eventId === 'door-log')
    expect(log.map((r) => [r.nonce, r.staff, r.gate, r.result, r.entriesUsed]).sort()).toEqual([
      ['nonce-replay-0001', STAFF, '北门', 'ADMITTED', 1],
      ['nonce-replay-0002', STAFF, '北门', 'ADMITTED', 2],
    ])
    expect(log.every((r) => r.at && r.maskedName === '王**')).toBe(true)
  })

  it('a nonce is bound to its code: reused with another code it is refused, answers nothing and records nothing', async () => {
    const ticketA = await door('door-nonce', { mode: 'multiple' })
    const ticketB = await reserveTicket(stack, 'door-nonce-s', 'door_nonce_other', '李四')
    const first = await scan(stack, STAFF, ticketA.code, 'nonce-bound-0001')
    expect(outcome(first)).toBe('ADMITTED')
    const before = await allDocs<CheckinRecord>(db, 'checkins')
    for (const code of [ticketB.code, '123']) {
      const reused = await scan(stack, STAFF, code, 'nonce-bound-0001')
      expect(reused).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: { nonce: 'NONCE_REUSED' } } })
      // Nothing of the first answer (A's name, its entries) reaches the reuse.
      expect(JSON.stringify(reused)).not.toContain('王')
    }
    expect(await allDocs<CheckinRecord>(db, 'checkins')).toHaveLength(before.length)
    // B is untouched and still enters with a nonce of its own; A's replay still answers A's answer.
    expect(outcome(await scan(stack, STAFF, ticketB.code, 'nonce-bound-0002'))).toBe('ADMITTED')
    expect(await scan(stack, STAFF, ticketA.code, 'nonce-bound-0001')).toEqual(first)
  })
})

describe("the organizer's view", () => {
  it('counts reserved, cancelled and checked-in per session, and exports both lists as CSV', async () => {
    const ticket = await door('door-stats', {})
    const cancelled = await reserveTicket(stack, 'door-stats-s', 'door_stats_other', '李四')
    await stack.call('attendee', 'tickets.cancel', { ticketId: cancelled.id }, 'door_stats_other')
    await scan(stack, STAFF, ticket.code)

    const stats = await stack.call<EventStats>('organizer', 'organizer.stats', { eventId: 'door-stats' }, ORGANIZER)
    expect(stats).toMatchObject({ ok: true, data: { sessions: [{ sessionId: 'door-stats-s', capacity: 50, reserved: 1, cancelled: 1, checkedIn: 1, remaining: 49 }], totals: { reserved: 1, checkedIn: 1 } } })

    const exported = await stack.call<{ reservations: ExportFile; checkins: ExportFile }>('organizer', 'organizer.export', { eventId: 'door-stats' }, ORGANIZER)
    if (!exported.ok) throw new Error(JSON.stringify(exported.error))
    const { reservations, checkins } = exported.data
    expect(reservations.csv.startsWith('\ufeff票号,场次')).toBe(true)
    expect(reservations.rows).toBe(2)
    const admittedRow = reservations.csv.split('\r\n').find((line) => line.startsWith(ticket.code)) ?? ''
    expect(admittedRow).toContain('王小明')
    expect(admittedRow).toContain('137****1111')
    expect(admittedRow).not.toContain('13700001111')
    expect(checkins.rows).toBe(1)
    expect(checkins.csv).toContain(`${ticket.code},晚场,王**,东门,${STAFF},入场`)

    // Full phone numbers only when asked, and every export is on record.
    const full = await stack.call<{ reservations: ExportFile }>('organizer', 'organizer.export', { eventId: 'door-stats', fullPhone: true }, ORGANIZER)
    expect(full.ok && full.data.reservations.csv).toContain('13700001111')
    const audit = (await allDocs<{ eventId: string; by: string; fullPhone: boolean }>(db, 'exports')).filter((e) => e.eventId === 'door-stats')
    expect(audit.map((e) => [e.by, e.fullPhone])).toEqual([
      [ORGANIZER, false],
      [ORGANIZER, true],
    ])
  })

  it('npm run export writes the same lists from the command line', async () => {
    await seedDoorEvent(db, 'door-cli', {})
    await reserveTicket(stack, 'door-cli-s', 'door_cli_attendee')
    const out = mkdtempSync(path.join(tmpdir(), 'export-'))
    const run = await runScript('export', ['--event', 'door-cli', '--out', out], stack.adminEnv)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const files = readdirSync(out).sort()
    expect(files).toEqual([expect.stringMatching(/^door-cli-checkins-\d{8}\.csv$/), expect.stringMatching(/^door-cli-reservations-\d{8}\.csv$/)])
    expect(readFileSync(path.join(out, files[1]), 'utf8')).toContain('137****1111')
  })
})
