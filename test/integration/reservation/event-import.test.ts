import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseEventFile } from '../../../cloud/src/domain/eventImport'
import type { TicketView } from '../../../cloud/src/api/models'
import { adminDb, allDocs, allTickets, openEvent, seedEvent, sessionState, type Db } from '../../support/adminDb'
import { startLocalStack, type LocalStack } from '../../support/localStack'
import { runScript } from '../../support/runScript'
import { CONSENT } from '../../support/consent'

jest.setTimeout(60_000)

let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2, functionEnv: { TICKETCARD_RESERVE_PER_MINUTE: '3' } })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack.close()
})

describe('event files', () => {
  it('names every bad field', () => {
    const file = openEvent('bad-file', [{ id: 'ok-session', capacity: 10 }])
    const broken = {
      ...file,
      title: '',
      limits: { perSession: 0, perEvent: 2 },
      idNumber: 'sometimes',
      sessions: [{ ...file.sessions[0], capacity: -1, startsAt: 'tomorrow' }],
      surprise: true,
    }
    expect(() => parseEventFile(broken)).toThrow(/title: must not be empty/)
    try {
      parseEventFile(broken)
    } catch (err) {
      const text = (err as Error).message
      for (const field of ['title', 'limits.perSession', 'idNumber', 'sessions.0.capacity', 'sessions.0.startsAt', 'surprise']) expect(text).toContain(field)
    }
  })

  it('reads entry rules: single entry by default, limits only with multiple, each bad value named', () => {
    const file = openEvent('entry-file', [{ id: 'entry-session', capacity: 10 }])
    expect(parseEventFile(file).entry).toEqual({ mode: 'single', opensMinutesBefore: 60, closesMinutesAfter: 0, consumeCard: false })
    expect(parseEventFile({ ...file, entry: { mode: 'multiple', perDay: 2, minMinutesBetween: 30 } }).entry).toMatchObject({ mode: 'multiple', perDay: 2, minMinutesBetween: 30 })
    expect(() => parseEventFile({ ...file, entry: { maxEntries: 3 } })).toThrow(/entry: maxEntries, perDay and minMinutesBetween apply only to mode "multiple"/)
    expect(() => parseEventFile({ ...file, entry: { mode: 'sometimes' } })).toThrow(/entry.mode: single or multiple/)
    expect(() => parseEventFile({ ...file, entry: { mode: 'multiple', minMinutesBetween: 0 } })).toThrow(/entry.minMinutesBetween: at least 1/)
  })

  it('npm run event:import creates an event, and a changed capacity moves remaining by the same amount', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketcard-event-'))
    try {
      const file = path.join(dir, 'event.json')
      const run = () => runScript('event-import', [file], stack.adminEnv)
      writeFileSync(file, JSON.stringify(openEvent('imported', [{ id: 'imp-s', capacity: 3 }])))
      const created = await run()
      expect(created.status).toBe(0)
      expect(created.stdout).toContain('event imported: 1 sessions created, 0 updated')

      const reserved = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'imp-s', requestId: 'imp-req-1', attendee: { name: '测试', phone: '13900000011' }, consent: CONSENT }, 'import_user')
      expect(reserved.ok).toBe(true)

      writeFileSync(file, JSON.stringify(openEvent('imported', [{ id: 'imp-s', capacity: 10 }])))
      expect((await run()).status).toBe(0)
      expect(await sessionState(db, 'imp-s')).toMatchObject({ capacity: 10, remaining: 9 })

      writeFileSync(file, JSON.stringify(openEvent('imported', [{ id: 'imp-s', capacity: 0 }])))
      const refused = await run()
      expect(refused.status).toBe(1)
      expect(refused.stderr).toContain('sessions.imp-s.capacity: 0 is below the 1 tickets already issued')
      expect(await sessionState(db, 'imp-s')).toMatchObject({ capacity: 10, remaining: 9 })

      writeFileSync(file, '{ not json')
      expect((await run()).status).toBe(2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

it('rate-limits reserve attempts per person, shared by every instance, without taking seats', async () => {
  await seedEvent(db, openEvent('rate', [{ id: 'rate-1', capacity: 10 }, { id: 'rate-2', capacity: 10 }, { id: 'rate-3', capacity: 10 }, { id: 'rate-4', capacity: 10 }]))
  const attempt = (i: number) =>
    stack.call('attendee', 'reservation.reserve', { sessionId: `rate-${i}`, requestId: `rate-req-${i}`, attendee: { name: '测试', phone: '13900000012' }, consent: CONSENT }, 'rate_user')
  const answers = await Promise.all([1, 2, 3, 4].map(attempt))
  const codes = answers.map((a) => (a.ok ? 'ok' : a.error.code))
  // Three attempts per minute: the fourth is refused before it reaches any seat.
  expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(1)
  expect(codes.filter((c) => c === 'ok' || c === 'LIMIT_REACHED')).toHaveLength(3)
  const seatsTaken = (await Promise.all([1, 2, 3, 4].map((i) => sessionState(db, `rate-${i}`)))).reduce((n, s) => n + (10 - s.remaining), 0)
  expect(seatsTaken).toBe(codes.filter((c) => c === 'ok').length)
})

it('counts a person\'s tickets of one minute on the tickets themselves: at once across events, exactly the limit', async () => {
  // Minutes are the limit's windows: start well inside one.
  const intoMinute = Date.now() % 60_000
  if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute))
  for (let i = 1; i <= 5; i += 1) await seedEvent(db, openEvent(`slots-${i}`, [{ id: `slots-s${i}`, capacity: 10 }]))
  const answers = await Promise.all(
    [1, 2, 3, 4, 5].map((i) =>
      stack.call('attendee', 'reservation.reserve', { sessionId: `slots-s${i}`, requestId: `slots-req-${i}`, attendee: { name: '测试', phone: '13900000016' }, consent: CONSENT }, 'slots_user'),
    ),
  )
  expect(answers.map((a) => (a.ok ? 'ok' : a.error.code)).sort()).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'ok', 'ok', 'ok'])
  const tickets = (await allTickets(db)).filter((t) => t._openid === 'slots_user')
  expect(new Set(tickets.map((t) => t.rateSlot)).size).toBe(3)
})

it('a smaller capacity removes free seats, and instances that had read them before sell none of them', async () => {
  await seedEvent(db, openEvent('shrink', [{ id: 'shrink-s', capacity: 40 }]))
  const reserve = (i: number) =>
    stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'shrink-s', requestId: `shrink-req-${i}`, attendee: { name: '测试', phone: '13900000013' }, consent: CONSENT }, `shrink_user_${i}`)
  // Both instances now keep a slice of the free seats they read.
  expect((await Promise.all([1, 2, 3].map(reserve))).every((a) => a.ok)).toBe(true)

  await seedEvent(db, openEvent('shrink', [{ id: 'shrink-s', capacity: 5 }]))
  expect(await sessionState(db, 'shrink-s')).toMatchObject({ capacity: 5, remaining: 2 })

  const answers = await Promise.all([4, 5, 6].map(reserve))
  expect(answers.map((a) => (a.ok ? 'ok' : a.error.code)).sort()).toEqual(['SOLD_OUT', 'ok', 'ok'])
  expect(await sessionState(db, 'shrink-s')).toMatchObject({ capacity: 5, remaining: 0 })
  expect((await sessionState(db, 'shrink-s')).active).toHaveLength(5)
})

it('a larger capacity adds free seats, each with its own code', async () => {
  await seedEvent(db, openEvent('grow', [{ id: 'grow-s', capacity: 2 }]))
  const reserve = (i: number) =>
    stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'grow-s', requestId: `grow-req-${i}`, attendee: { name: '测试', phone: '13900000014' }, consent: CONSENT }, `grow_user_${i}`)
  expect((await reserve(1)).ok).toBe(true)

  await seedEvent(db, openEvent('grow', [{ id: 'grow-s', capacity: 100 }]))
  expect(await sessionState(db, 'grow-s')).toMatchObject({ capacity: 100, remaining: 99 })
  const docs = (await allDocs<{ sessionId: string; code: string }>(db, 'tickets')).filter((t) => t.sessionId === 'grow-s')
  expect(new Set(docs.map((t) => t.code)).size).toBe(100)
  expect((await Promise.all([2, 3].map(reserve))).every((a) => a.ok)).toBe(true)
  expect(await sessionState(db, 'grow-s')).toMatchObject({ capacity: 100, remaining: 97 })
})

it('terms an instance kept from before an import never sell a seat: closing the window or unpublishing applies at once', async () => {
  const file = openEvent('kept', [{ id: 'kept-s', capacity: 20 }])
  await seedEvent(db, file)
  const reserve = (i: number) =>
    stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'kept-s', requestId: `kept-req-${i}`, attendee: { name: '测试', phone: '13900000015' }, consent: CONSENT }, `kept_user_${i}`)
  // Both instances read and keep the open terms.
  expect((await Promise.all([1, 2].map(reserve))).every((a) => a.ok)).toBe(true)

  const closed = { ...file, reservation: { ...file.reservation, closesAt: new Date(Date.now() - 60_000).toISOString() } }
  await seedEvent(db, closed)
  const afterClose = await Promise.all([3, 4].map(reserve))
  expect(afterClose.map((a) => (a.ok ? 'ok' : a.error.code))).toEqual(['RESERVATION_CLOSED', 'RESERVATION_CLOSED'])

  await seedEvent(db, { ...file, published: false })
  expect((await reserve(5)).ok ? 'ok' : 'refused').toBe('refused')
  expect(await sessionState(db, 'kept-s')).toMatchObject({ remaining: 18 })

  // Reopened: the instances that kept the refusing terms read them again and sell.
  await seedEvent(db, file)
  expect((await Promise.all([6, 7].map(reserve))).every((a) => a.ok)).toBe(true)
  expect(await sessionState(db, 'kept-s')).toMatchObject({ remaining: 16 })
})
