import { CONSENT } from '../../support/consent'
import type { TicketView } from '../../../cloud/src/api/models'
import type { JobRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, allTickets, openEvent, seedEvent, sessionState, type Db } from '../../support/adminDb'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(120_000)

const attendee = (i: number) => ({ name: '测试用户', phone: `138${String(i).padStart(8, '0')}` })
const reservePayload = (sessionId: string, i: number, extra: Record<string, unknown> = {}) => ({
  sessionId,
  requestId: `req-${i}-${Math.random().toString(36).slice(2, 10)}`,
  attendee: attendee(i),
  consent: CONSENT,
  ...extra,
})

let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 8 })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack.close()
})

describe('reservations never oversell', () => {
  it('2,000 concurrent reserves from distinct people across 8 instances for 500 seats give exactly 500 tickets', async () => {
    await seedEvent(db, openEvent('race-on', [{ id: 'race-on-s', capacity: 500 }]))

    const results = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => stack.call<TicketView>('attendee', 'reservation.reserve', reservePayload('race-on-s', i), `race_on_${i}`)),
    )

    const won = results.filter((r) => r.ok)
    const refused = results.filter((r) => !r.ok)
    expect(won).toHaveLength(500)
    expect(refused.every((r) => !r.ok && r.error.code === 'SOLD_OUT')).toBe(true)
    const codes = new Set(won.map((r) => (r.ok ? r.data.code : '')))
    expect(codes.size).toBe(500)
    const state = await sessionState(db, 'race-on-s')
    expect(state.remaining).toBe(0)
    expect(state.active).toHaveLength(500)
    expect(stack.runtime.stats('attendee')?.instancesStarted).toBe(8)
  })
})

describe('one reservation per request, per person and per ID number', () => {
  it('10 concurrent identical requests (same request id) give one ticket', async () => {
    await seedEvent(db, openEvent('idem', [{ id: 'idem-s', capacity: 20 }]))
    const payload = reservePayload('idem-s', 1)
    const results = await Promise.all(Array.from({ length: 10 }, () => stack.call<TicketView>('attendee', 'reservation.reserve', payload, 'idem_user')))

    expect(results.every((r) => r.ok)).toBe(true)
    const ids = new Set(results.map((r) => (r.ok ? r.data.id : '')))
    expect(ids.size).toBe(1)
    const tickets = (await allTickets(db)).filter((t) => t._openid === 'idem_user')
    expect(tickets).toHaveLength(1)
    expect((await sessionState(db, 'idem-s')).remaining).toBe(19)
  })

  it('10 concurrent identical requests for the last seat all answer the one ticket, none SOLD_OUT', async () => {
    await seedEvent(db, openEvent('idem-last', [{ id: 'idem-last-s', capacity: 1 }]))
    const payload = reservePayload('idem-last-s', 2)
    const results = await Promise.all(Array.from({ length: 10 }, () => stack.call<TicketView>('attendee', 'reservation.reserve', payload, 'idem_last_user')))

    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(Array(10).fill('ok'))
    expect(new Set(results.map((r) => (r.ok ? r.data.id : ''))).size).toBe(1)
    expect(await sessionState(db, 'idem-last-s')).toMatchObject({ remaining: 0, active: [expect.objectContaining({ _openid: 'idem_last_user' })] })
  })

  it('a retry whose answer was lost gets its ticket even after the reservation window closed', async () => {
    const file = openEvent('idem-late', [{ id: 'idem-late-s', capacity: 5 }])
    await seedEvent(db, file)
    const payload = reservePayload('idem-late-s', 3)
    const first = await stack.call<TicketView>('attendee', 'reservation.reserve', payload, 'idem_late_user')
    if (!first.ok) throw new Error(JSON.stringify(first))
    await seedEvent(db, { ...file, reservation: { ...file.reservation, closesAt: new Date(Date.now() - 1000).toISOString() } })

    expect(await stack.call<TicketView>('attendee', 'reservation.reserve', payload, 'idem_late_user')).toMatchObject({ ok: true, data: { id: first.data.id, code: first.data.code } })
    expect(await stack.call('attendee', 'reservation.reserve', reservePayload('idem-late-s', 4), 'idem_late_other')).toMatchObject({ ok: false, error: { code: 'RESERVATION_CLOSED' } })
  })

  it('first tries find a session just sold out without a read; a retry still gets the ticket its lost answer carried', async () => {
    await seedEvent(db, openEvent('idem-sold', [{ id: 'idem-sold-s', capacity: 1 }]))
    const winner = reservePayload('idem-sold-s', 5)
    const first = await stack.call<TicketView>('attendee', 'reservation.reserve', { ...winner, firstTry: true }, 'idem_sold_winner')
    if (!first.ok) throw new Error(JSON.stringify(first))
    // Every instance sees the session sold out; then first tries are answered from that sight.
    const crowd = await Promise.all(Array.from({ length: 16 }, (_, i) => stack.call('attendee', 'reservation.reserve', { ...reservePayload('idem-sold-s', 100 + i), firstTry: true }, `idem_sold_${i}`)))
    expect(crowd.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(Array(16).fill('SOLD_OUT'))
    stack.emulator.db.resetRequestStats()
    const late = await Promise.all(Array.from({ length: 8 }, (_, i) => stack.call('attendee', 'reservation.reserve', { ...reservePayload('idem-sold-s', 200 + i), firstTry: true }, `idem_sold_late_${i}`)))
    expect(late.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(Array(8).fill('SOLD_OUT'))
    const reads = stack.emulator.db.requestStats().byAction['database.getDocument'] ?? 0
    expect(reads).toBeLessThan(8)
    // The winner's answer was lost: their retry (not a first try) reads, and gets the ticket.
    expect(await stack.call<TicketView>('attendee', 'reservation.reserve', winner, 'idem_sold_winner')).toMatchObject({ ok: true, data: { id: first.data.id } })
  })

  it('refuses a person over the per-session and per-event limits with LIMIT_REACHED', async () => {
    await seedEvent(db, openEvent('limits', [{ id: 'lim-1', capacity: 10 }, { id: 'lim-2', capacity: 10 }, { id: 'lim-3', capacity: 10 }]))
    const me = 'limit_user'
    expect((await stack.call('attendee', 'reservation.reserve', reservePayload('lim-1', 1), me)).ok).toBe(true)
    expect(await stack.call('attendee', 'reservation.reserve', reservePayload('lim-1', 1), me)).toMatchObject({ ok: false, error: { code: 'LIMIT_REACHED' } })
    expect((await stack.call('attendee', 'reservation.reserve', reservePayload('lim-2', 1), me)).ok).toBe(true)
    expect(await stack.call('attendee', 'reservation.reserve', reservePayload('lim-3', 1), me)).toMatchObject({ ok: false, error: { code: 'LIMIT_REACHED' } })
    // Refusals took no seat.
    expect((await sessionState(db, 'lim-3')).remaining).toBe(10)
    expect((await sessionState(db, 'lim-1')).remaining).toBe(9)
  })

  it('refuses a second reservation with the same ID number for the same session, from anyone', async () => {
    await seedEvent(db, openEvent('ids', [{ id: 'ids-1', capacity: 10 }, { id: 'ids-2', capacity: 10 }]))
    const withId = (sessionId: string, i: number) => reservePayload(sessionId, i, { attendee: { ...attendee(i), idType: 'mainland', idNumber: '11010519491231002X' } })
    const first = await stack.call<TicketView>('attendee', 'reservation.reserve', withId('ids-1', 1), 'id_user_a')
    expect(first.ok).toBe(true)
    expect(await stack.call('attendee', 'reservation.reserve', withId('ids-1', 2), 'id_user_b')).toMatchObject({ ok: false, error: { code: 'DUPLICATE_ID_NUMBER' } })
    // The raw ID number is stored nowhere: only its keyed hash.
    const stored = (await allTickets(db)).find((t) => t._openid === 'id_user_a')
    expect(JSON.stringify(stored)).not.toContain('11010519491231002X')
    expect(stored?.attendee.idHash).toMatch(/^[0-9a-f]{64}$/)
    expect(first.ok && first.data.attendee.hasIdNumber).toBe(true)
  })
})

describe('cancellation', () => {
  it('returns the seat, frees the person to reserve again, and refuses a second cancel', async () => {
    await seedEvent(db, openEvent('cancel', [{ id: 'can-s', capacity: 1 }]))
    const me = 'cancel_user'
    const reserved = await stack.call<TicketView>('attendee', 'reservation.reserve', reservePayload('can-s', 1), me)
    if (!reserved.ok) throw new Error(JSON.stringify(reserved))
    expect(await stack.call('attendee', 'reservation.reserve', reservePayload('can-s', 2), 'someone_else')).toMatchObject({ ok: false, error: { code: 'SOLD_OUT' } })

    const cancelled = await stack.call<TicketView>('attendee', 'tickets.cancel', { ticketId: reserved.data.id }, me)
    expect(cancelled).toMatchObject({ ok: true, data: { status: 'cancelled', cancellable: false } })
    expect((await sessionState(db, 'can-s')).remaining).toBe(1)
    expect(await stack.call('attendee', 'tickets.cancel', { ticketId: reserved.data.id }, me)).toMatchObject({ ok: false, error: { code: 'ALREADY_CANCELLED' } })
    const [stored] = (await allTickets(db)).filter((t) => t._id === reserved.data.id)
    expect(Object.values(stored.holds)).toEqual(Array(4).fill(`released:${reserved.data.id}`))

    const again = await stack.call<TicketView>('attendee', 'reservation.reserve', reservePayload('can-s', 3), me)
    expect(again.ok).toBe(true)
    expect((await sessionState(db, 'can-s')).remaining).toBe(0)
  })
})

describe('cancelling a ticket that is in the card pack', () => {
  it('queues the card invalidation in the outbox in the same step as the cancel', async () => {
    await seedEvent(db, openEvent('card-cancel', [{ id: 'cc-s', capacity: 3 }]))
    const reserved = await stack.call<TicketView>('attendee', 'reservation.reserve', reservePayload('cc-s', 9), 'card_user')
    if (!reserved.ok) throw new Error(JSON.stringify(reserved))
    // As the card-pack flow will record it once the user has added the card (_.set: the field
    // holds null, which a merged nested update cannot write into).
    await db.collection('tickets').doc(reserved.data.id).update({ data: { card: db.command.set({ cardId: 'pCardForTest', addedAt: new Date() }) } })

    expect(await stack.call('attendee', 'tickets.cancel', { ticketId: reserved.data.id }, 'card_user')).toMatchObject({ ok: true, data: { status: 'cancelled' } })
    const jobs = (await allDocs<JobRecord>(db, 'jobs')).filter((j) => j._id === `card.unavailable:${reserved.data.id}`)
    expect(jobs).toEqual([
      expect.objectContaining({ type: 'card.unavailable', state: 'pending', attempts: 0, payload: { cardId: 'pCardForTest', code: reserved.data.code, reason: '预约已取消' } }),
    ])
  })
})

describe("someone else's ticket", () => {
  it('answers NOT_FOUND to every ticket action by another openid and leaks nothing', async () => {
    await seedEvent(db, openEvent('foreign', [{ id: 'for-s', capacity: 5 }]))
    const owner = await stack.call<TicketView>('attendee', 'reservation.reserve', reservePayload('for-s', 7), 'owner_user')
    if (!owner.ok) throw new Error(JSON.stringify(owner))
    const { id, code } = owner.data

    for (const [action, payload] of [
      ['tickets.get', { ticketId: id }],
      ['tickets.cancel', { ticketId: id }],
      ['tickets.byCode', { code }],
    ] as const) {
      const answer = await stack.call('attendee', action, payload, 'intruder')
      expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
      const text = JSON.stringify(answer)
      for (const secret of [code, '13800000007', '测试用户']) expect(text).not.toContain(secret)
    }
    const mine = await stack.call<{ tickets: TicketView[] }>('attendee', 'tickets.mine', {}, 'intruder')
    expect(mine).toEqual({ ok: true, data: { tickets: [] } })
    // The owner still holds an untouched ticket, phone in full.
    expect(await stack.call('attendee', 'tickets.get', { ticketId: id }, 'owner_user')).toMatchObject({ ok: true, data: { status: 'active', attendee: { phone: '13800000007' } } })
    expect(await stack.call('attendee', 'tickets.byCode', { code }, 'owner_user')).toMatchObject({ ok: true, data: { id } })
  })

  it('refuses every action without an identity', async () => {
    expect(await stack.call('attendee', 'tickets.mine', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(await stack.call('attendee', 'reservation.reserve', reservePayload('for-s', 8))).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
  })
})
