/**
 * Personal data kept only as long as it serves: consent recorded with the ticket, erasure by the
 * attendee, erasure by the retention timer (driven by an injected trigger time), and rate-limit
 * counters that expire instead of piling up.
 */
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { TicketView } from '../../../cloud/src/api/models'
import { PRIVACY_NOTICE_VERSION } from '../../../cloud/src/api/privacy'
import type { CheckinRecord, TicketRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, allTickets, openEvent, remainingSeats, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { startLocalStack, type LocalStack } from '../../support/localStack'
import { outcome, reserveTicket, scan, seedDoorEvent } from '../checkin/support'

jest.setTimeout(120_000)

const DAY_MS = 24 * 3600_000
let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({
    functions: discoverFunctions('source').filter((fn) => ['attendee', 'checkin', 'retention'].includes(fn.name)),
    maxInstances: 2,
    functionEnv: { TICKETCARD_LOOKUP_PER_MINUTE: '5', TICKETCARD_LOOKUP_PER_IP_PER_MINUTE: '12', TICKETCARD_ORGANIZERS: 'o_pd_organizer' },
  })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack?.close()
})

let requestCounter = 0
async function reserve(openid: string, sessionId: string, idNumber?: string): Promise<TicketView> {
  requestCounter += 1
  const attendee = { name: '韩梅梅', phone: '13911112222', ...(idNumber ? { idType: 'mainland', idNumber } : {}) }
  const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId, requestId: `req-pd-${requestCounter}`, attendee, consent: CONSENT }, openid)
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data
}

const ticketDoc = async (id: string) => (await allTickets(db)).find((t) => t._id === id) as TicketRecord
const personalData = (t: TicketRecord) => [t.attendee.name, t.attendee.phone, t.attendee.idHash ?? '']

describe('consent', () => {
  it('is required, for the current notice, and recorded with the ticket', async () => {
    await seedEvent(db, openEvent('consent', [{ id: 'consent-s', capacity: 5 }]))
    const base = { sessionId: 'consent-s', attendee: { name: '韩梅梅', phone: '13911112222' } }
    for (const consent of [undefined, { noticeVersion: '2020-01-01' }]) {
      expect(await stack.call('attendee', 'reservation.reserve', { ...base, requestId: 'req-consent-no', consent }, 'o_consent')).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', fields: { consent: 'CONSENT_REQUIRED' } },
      })
    }
    const before = Date.now()
    const ticket = await reserve('o_consent', 'consent-s')
    const stored = await ticketDoc(ticket.id)
    expect(stored.consent?.noticeVersion).toBe(PRIVACY_NOTICE_VERSION)
    expect(new Date(stored.consent?.agreedAt ?? 0).getTime()).toBeGreaterThanOrEqual(before - 1000)
  })
})

describe('the attendee erases their own data', () => {
  it('from a cancelled ticket at once, not from an active one, and only their own', async () => {
    await seedEvent(db, openEvent('erase', [{ id: 'erase-s', capacity: 5 }]))
    const ticket = await reserve('o_eraser', 'erase-s', '11010519491231002X')
    expect(ticket.erasable).toBe(false)
    expect(await stack.call('attendee', 'tickets.erase', { ticketId: ticket.id }, 'o_eraser')).toMatchObject({ ok: false, error: { code: 'ERASE_NOT_ALLOWED' } })
    const cancelled = await stack.call<TicketView>('attendee', 'tickets.cancel', { ticketId: ticket.id }, 'o_eraser')
    expect(cancelled.ok && cancelled.data.erasable).toBe(true)
    expect(await stack.call('attendee', 'tickets.erase', { ticketId: ticket.id }, 'o_stranger')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(personalData(await ticketDoc(ticket.id))).not.toEqual(['', '', ''])

    const erased = await stack.call<TicketView>('attendee', 'tickets.erase', { ticketId: ticket.id }, 'o_eraser')
    if (!erased.ok) throw new Error(JSON.stringify(erased.error))
    expect(erased.data).toMatchObject({ status: 'cancelled', attendee: { name: '', phone: '', hasIdNumber: false }, erasable: false })
    expect(erased.data.erasedAt).toEqual(expect.any(String))
    const stored = await ticketDoc(ticket.id)
    expect(personalData(stored)).toEqual(['', '', ''])
    expect(JSON.stringify(stored)).not.toMatch(/韩梅梅|13911112222/)
    // Erasing again answers the same erased ticket.
    expect(await stack.call('attendee', 'tickets.erase', { ticketId: ticket.id }, 'o_eraser')).toMatchObject({ ok: true, data: { erasedAt: erased.data.erasedAt } })
  })
})

describe('retention', () => {
  it('erases personal data 30 days after a session ends and keeps every count', async () => {
    const file = openEvent('ret', [{ id: 'ret-early', capacity: 10 }, { id: 'ret-late', capacity: 10 }])
    await seedEvent(db, file)
    const early = await Promise.all([reserve('o_ret_1', 'ret-early', '11010519491231002X'), reserve('o_ret_2', 'ret-early'), reserve('o_ret_3', 'ret-early')])
    const late = await reserve('o_ret_1', 'ret-late')
    await stack.call('attendee', 'tickets.cancel', { ticketId: early[2].id }, 'o_ret_3')

    const counts = async () => {
      const tickets = await allTickets(db)
      const remaining = await remainingSeats(db)
      return ['ret-early', 'ret-late'].map((id) => ({
        remaining: remaining.get(id),
        active: tickets.filter((t) => t.sessionId === id && t.status === 'active').length,
        cancelled: tickets.filter((t) => t.sessionId === id && t.status === 'cancelled').length,
      }))
    }
    const countsBefore = await counts()
    const earlyEnd = new Date(file.sessions[0].endsAt).getTime()

    // 29 days after the end: still there (the organizer may still need it).
    expect(await stack.runtime.fireTimer('retention', undefined, new Date(earlyEnd + 29 * DAY_MS))).toMatchObject({ ok: true, data: { ticketsErased: 0 } })
    for (const t of early) expect(personalData(await ticketDoc(t.id))[0]).toBe('韩梅梅')

    // 30 days and a minute after: gone from every ticket of that session, cancelled ones included.
    const run = await stack.runtime.fireTimer('retention', undefined, new Date(earlyEnd + 30 * DAY_MS + 60_000))
    expect(run).toMatchObject({ ok: true })
    for (const t of early) {
      const stored = await ticketDoc(t.id)
      expect(personalData(stored)).toEqual(['', '', ''])
      expect(stored.erasedAt).toBeTruthy()
    }
    // The later session's tickets are untouched, and nothing the organizer counts moved.
    expect(personalData(await ticketDoc(late.id))[0]).toBe('韩梅梅')
    expect(await counts()).toEqual(countsBefore)
    // The owner sees an erased ticket, not a broken one.
    expect(await stack.call('attendee', 'tickets.get', { ticketId: early[0].id }, 'o_ret_1')).toMatchObject({ ok: true, data: { attendee: { name: '', phone: '' } } })

    // The tickets' holds (openid, ID-number hash) keep the per-person limits while a later session
    // of the event is kept; once it is past retention too, they are released.
    // (Other tests' events in this file may be released in the same runs, hence only our tickets are looked at.)
    expect((await ticketDoc(early[0].id)).holds).toMatchObject({ personEvent: 'event:ret:o_ret_1:1', idEvent: expect.stringMatching(/^idevent:ret:/) })
    const lateEnd = new Date(file.sessions[1].endsAt).getTime()
    expect(await stack.runtime.fireTimer('retention', undefined, new Date(lateEnd + 30 * DAY_MS + 60_000))).toMatchObject({ ok: true })
    for (const t of [...early, late]) expect(Object.values((await ticketDoc(t.id)).holds)).toEqual(Array(4).fill(`released:${t.id}`))
  })
})

describe('retention and the gate', () => {
  it("empties the check-in log's names with the tickets' and keeps every scan", async () => {
    const file = await seedDoorEvent(db, 'ret-door', {})
    const ticket = await reserveTicket(stack, 'ret-door-s', 'o_ret_door')
    expect(outcome(await scan(stack, 'o_pd_organizer', ticket.code))).toBe('ADMITTED')
    const log = async () => (await allDocs<CheckinRecord>(db, 'checkins')).filter((r) => r.eventId === 'ret-door')
    expect((await log()).map((r) => r.maskedName)).toEqual(['王**'])
    const end = new Date(file.sessions[0].endsAt).getTime()
    await stack.runtime.fireTimer('retention', undefined, new Date(end + 30 * DAY_MS + 60_000))
    expect((await log()).map((r) => [r.maskedName, r.result])).toEqual([['', 'ADMITTED']])
    expect(personalData(await ticketDoc(ticket.id))).toEqual(['', '', ''])
    expect((await ticketDoc(ticket.id)).entries?.count).toBe(1)
  })
})

describe('rate limits', () => {
  it('limit code lookups per client IP across accounts, and their counters expire', async () => {
    const lookups = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stack.call('attendee', 'tickets.byCode', { code: '123456789012345678' }, `o_rotating_${i}`)),
    )
    const codes = lookups.map((answer) => (answer.ok ? 'OK' : answer.error.code))
    // Each account is within its own 5 a minute; the one IP they share is not, past 12.
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(8)
    expect(codes.filter((c) => c === 'NOT_FOUND')).toHaveLength(12)

    const counters = async () => (await allDocs<{ _id: string }>(db, 'rate_limits')).length
    expect(await counters()).toBeGreaterThan(20)
    // Their windows are a minute long: two minutes on, the retention run removes every one.
    await stack.runtime.fireTimer('retention', undefined, new Date(Date.now() + 2 * 60_000 + 1000))
    expect(await counters()).toBe(0)
  })
})
