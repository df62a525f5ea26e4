/**
 * ID numbers under the per-person rules: the same limits as an openid, no oracle on whether
 * someone else's ID number holds a ticket, a daily cap on ID refusals, and the organizer's release.
 */
import type { IdRefusalView, TicketView } from '../../../cloud/src/api/models'
import type { IdRefusalRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, allTickets, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { mainlandIdNumber } from '../../support/idNumbers'
import { startLocalStack, type LocalStack } from '../../support/localStack'

jest.setTimeout(120_000)

const ORGANIZER = 'organizer_one'
let stack: LocalStack
let db: Db

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 4, functionEnv: { TICKETCARD_ORGANIZERS: ORGANIZER } })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack.close()
})

const idNumber = mainlandIdNumber

let requestCounter = 0
async function reserve(caller: string, sessionId: string, id?: number): Promise<{ code: string; ticket?: TicketView }> {
  requestCounter += 1
  const attendee = id === undefined ? { name: '张三', phone: '13800000000' } : { name: '张三', phone: '13800000000', idType: 'mainland', idNumber: idNumber(id) }
  const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId, requestId: `req-id-${requestCounter}`, attendee, consent: CONSENT }, caller)
  return answer.ok ? { code: 'OK', ticket: answer.data } : { code: answer.error.code }
}

/** An event with three sessions, one seat each per person and two per event, by default. */
async function freshEvent(name: string, limits = { perSession: 1, perEvent: 2 }): Promise<string[]> {
  const sessions = [1, 2, 3].map((i) => ({ id: `${name}-s${i}`, capacity: 20 }))
  await seedEvent(db, openEvent(name, sessions, { limits }))
  return sessions.map((s) => s.id)
}

type Step = [caller: string, session: number, id: number | undefined, expected: string]

const RULES: Array<[string, Step[]]> = [
  ['an ID number given for session 1 does not cost the same person session 2', [
    ['alice', 1, 7, 'OK'],
    ['alice', 2, 7, 'OK'],
  ]],
  ['without an ID number the same person gets the same two', [
    ['alice', 1, undefined, 'OK'],
    ['alice', 2, undefined, 'OK'],
  ]],
  ['the openid limits hold with or without an ID number', [
    ['alice', 1, 7, 'OK'],
    ['alice', 1, undefined, 'LIMIT_REACHED'],
    ['alice', 2, 8, 'OK'],
    ['alice', 3, 9, 'LIMIT_REACHED'],
  ]],
  ['an ID number holds one ticket per session, from anyone', [
    ['alice', 1, 7, 'OK'],
    ['bob', 1, 7, 'DUPLICATE_ID_NUMBER'],
    ['bob', 1, 8, 'OK'],
  ]],
  ['an ID number holds two tickets per event, from anyone', [
    ['alice', 1, 7, 'OK'],
    ['bob', 2, 7, 'OK'],
    ['carol', 3, 7, 'DUPLICATE_ID_NUMBER'],
  ]],
  ['a caller at their own event limit hears LIMIT_REACHED, never whether an ID is held', [
    ['bob', 3, 7, 'OK'],
    ['alice', 1, undefined, 'OK'],
    ['alice', 2, undefined, 'OK'],
    ['alice', 3, 7, 'LIMIT_REACHED'],
    ['alice', 3, 8, 'LIMIT_REACHED'],
  ]],
  ['a caller at their own session limit hears LIMIT_REACHED, never whether an ID is held', [
    ['bob', 1, 7, 'OK'],
    ['alice', 1, undefined, 'OK'],
    ['alice', 1, 7, 'LIMIT_REACHED'],
  ]],
  ['three ID refusals per caller, event and day, then RATE_LIMITED, even for a free ID number', [
    ['bob', 1, 7, 'OK'],
    ['mallory', 1, 7, 'DUPLICATE_ID_NUMBER'],
    ['mallory', 1, 7, 'DUPLICATE_ID_NUMBER'],
    ['mallory', 2, 7, 'OK'],
    ['mallory', 1, 7, 'DUPLICATE_ID_NUMBER'],
    ['mallory', 3, 7, 'RATE_LIMITED'],
    ['mallory', 3, 9, 'RATE_LIMITED'],
    ['mallory', 3, undefined, 'OK'],
    ['carol', 1, 7, 'DUPLICATE_ID_NUMBER'],
  ]],
]

describe('ID-number rules', () => {
  it.each(RULES)('%s', async (_label, steps) => {
    const eventName = `idr${RULES.findIndex(([label]) => label === _label)}`
    const sessions = await freshEvent(eventName)
    const seen: string[] = []
    for (const [caller, session, id] of steps) seen.push((await reserve(`${eventName}_${caller}`, sessions[session - 1], id)).code)
    expect(seen).toEqual(steps.map((step) => step[3]))
  })

  it('a caller at their event limit sending ten ID numbers, one held elsewhere, never hears DUPLICATE_ID_NUMBER', async () => {
    const sessions = await freshEvent('ten', { perSession: 1, perEvent: 1 })
    expect((await reserve('ten_holder', sessions[2], 105)).code).toBe('OK')
    expect((await reserve('ten_prober', sessions[0])).code).toBe('OK')
    const answers: string[] = []
    for (let n = 100; n < 110; n += 1) answers.push((await reserve('ten_prober', sessions[1], n)).code)
    expect(answers).toEqual(Array(10).fill('LIMIT_REACHED'))
    // Nothing was refused for an ID number, so the organizer's list is empty too.
    expect((await allDocs<IdRefusalRecord>(db, 'id_refusals')).filter((r) => r.eventId === 'ten')).toEqual([])
  })
})

describe('the organizer and ID refusals', () => {
  it('sees the refusals masked and releases the hold after checking the document', async () => {
    const sessions = await freshEvent('rel')
    const impostor = await reserve('rel_impostor', sessions[0], 42)
    expect(impostor.code).toBe('OK')
    expect((await reserve('rel_owner', sessions[0], 42)).code).toBe('DUPLICATE_ID_NUMBER')
    expect((await reserve('rel_owner', sessions[0], 42)).code).toBe('DUPLICATE_ID_NUMBER')

    // Only organizers see them; a stranger learns nothing, not even whether the event exists.
    for (const eventId of ['rel', 'no-such-event']) {
      expect(await stack.call('organizer', 'organizer.idRefusals', { eventId }, 'rel_owner')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    }
    const listed = await stack.call<{ refusals: IdRefusalView[] }>('organizer', 'organizer.idRefusals', { eventId: 'rel' }, ORGANIZER)
    if (!listed.ok) throw new Error(JSON.stringify(listed))
    expect(listed.data.refusals).toHaveLength(1)
    const [refusal] = listed.data.refusals
    const full = idNumber(42)
    expect(refusal).toMatchObject({ sessionId: sessions[0], idType: 'mainland', maskedName: '张*', attempts: 2, releasedAt: null })
    expect(refusal.maskedIdNumber).toBe(`${'*'.repeat(14)}${full.slice(-4)}`)
    expect(JSON.stringify(listed.data)).not.toContain(full.slice(0, 8))
    expect(JSON.stringify(listed.data)).not.toContain('rel_owner')

    expect(await stack.call('organizer', 'organizer.releaseIdHold', { eventId: 'rel', refusalId: refusal.id }, 'rel_owner')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await stack.call('organizer', 'organizer.releaseIdHold', { eventId: 'rel', refusalId: refusal.id }, ORGANIZER)).toEqual({ ok: true, data: { releasedTickets: 1 } })

    // The document's owner now gets their ticket; the other ticket stays valid, without the ID.
    expect((await reserve('rel_owner', sessions[0], 42)).code).toBe('OK')
    const tickets = await allTickets(db)
    const kept = tickets.find((t) => t._id === impostor.ticket?.id)
    expect(kept).toMatchObject({ status: 'active' })
    expect(kept?.attendee.idHash).toBeUndefined()
    const after = await stack.call<{ refusals: IdRefusalView[] }>('organizer', 'organizer.idRefusals', { eventId: 'rel' }, ORGANIZER)
    expect(after.ok && after.data.refusals[0].releasedAt).toEqual(expect.any(String))
  })

  it('a caller out of refusals for the day can reserve again once the organizer releases', async () => {
    const sessions = await freshEvent('relcap')
    expect((await reserve('relcap_other', sessions[0], 50)).code).toBe('OK')
    for (let k = 0; k < 3; k += 1) expect((await reserve('relcap_owner', sessions[0], 50)).code).toBe('DUPLICATE_ID_NUMBER')
    expect((await reserve('relcap_owner', sessions[0], 50)).code).toBe('RATE_LIMITED')
    const listed = await stack.call<{ refusals: IdRefusalView[] }>('organizer', 'organizer.idRefusals', { eventId: 'relcap' }, ORGANIZER)
    if (!listed.ok) throw new Error(JSON.stringify(listed))
    await stack.call('organizer', 'organizer.releaseIdHold', { eventId: 'relcap', refusalId: listed.data.refusals[0].id }, ORGANIZER)
    expect((await reserve('relcap_owner', sessions[0], 50)).code).toBe('OK')
  })
})
