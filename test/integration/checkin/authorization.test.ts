/**
 * Who may do what at the gate and behind the desk, checked on the server for every action:
 * anonymous callers, attendees, staff, and organizers of another event are all refused.
 */
import type { ActionName } from '../../../cloud/src/api/actions'
import type { RoleRecord } from '../../../cloud/src/domain/records'
import { adminDb, type Db } from '../../support/adminDb'
import { startLocalStack, type LocalStack } from '../../support/localStack'
import { reserveTicket, seedDoorEvent } from './support'

jest.setTimeout(120_000)

let stack: LocalStack
let db: Db
let codeA = ''

const ORGANIZER_ALL = 'authz_organizer_all'
const ORGANIZER_A = 'authz_organizer_a'
const ORGANIZER_B = 'authz_organizer_b'
const STAFF_A = 'authz_staff_a'

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 4, functionEnv: { TICKETCARD_ORGANIZERS: ORGANIZER_ALL } })
  db = adminDb(stack.adminUrl)
  for (const id of ['authz-a', 'authz-b']) await seedDoorEvent(db, id, {})
  const role = (eventId: string, openid: string, kind: RoleRecord['role']): RoleRecord => ({ _id: `${eventId}:${openid}`, eventId, openid, role: kind, addedBy: ORGANIZER_ALL, addedAt: new Date() })
  for (const record of [role('authz-a', ORGANIZER_A, 'organizer'), role('authz-b', ORGANIZER_B, 'organizer')]) await db.collection('roles').add({ data: record })
  expect(await stack.call('organizer', 'staff.add', { eventId: 'authz-a', openid: STAFF_A }, ORGANIZER_A)).toMatchObject({ ok: true })
  codeA = (await reserveTicket(stack, 'authz-a-s', 'authz_attendee')).code
})

afterAll(async () => {
  await stack?.close()
})

type Call = [fn: string, action: ActionName, payload: () => Record<string, unknown>]

/** Every organizer action, on event A. */
const ORGANIZER_ACTIONS: Call[] = [
  ['organizer', 'organizer.stats', () => ({ eventId: 'authz-a' })],
  ['organizer', 'organizer.export', () => ({ eventId: 'authz-a' })],
  ['organizer', 'staff.add', () => ({ eventId: 'authz-a', openid: 'someone_new' })],
  ['organizer', 'staff.remove', () => ({ eventId: 'authz-a', openid: STAFF_A })],
  ['organizer', 'staff.list', () => ({ eventId: 'authz-a' })],
  ['organizer', 'organizer.idRefusals', () => ({ eventId: 'authz-a' })],
  ['organizer', 'organizer.releaseIdHold', () => ({ eventId: 'authz-a', refusalId: 'authz-a:nothing' })],
]
const SCAN: Call = ['checkin', 'checkin.scan', () => ({ code: codeA, nonce: `authz-${Math.random().toString(36).slice(2, 12)}`, gate: '东门' })]

const CASES: Array<[who: string, openid: string | undefined, calls: Call[], expected: string]> = [
  ['an anonymous caller', undefined, [...ORGANIZER_ACTIONS, SCAN], 'UNAUTHENTICATED'],
  ['an attendee', 'authz_attendee', [...ORGANIZER_ACTIONS, SCAN], 'FORBIDDEN'],
  ['staff of the event (staff cannot manage staff or read the desk)', STAFF_A, ORGANIZER_ACTIONS, 'FORBIDDEN'],
  ["the organizer of another event", ORGANIZER_B, ORGANIZER_ACTIONS, 'FORBIDDEN'],
]

describe.each(CASES)('%s', (_who, openid, calls, expected) => {
  it.each(calls.map((call) => [call[1], call] as const))(`is refused %s with ${expected}`, async (_name, [fn, action, payload]) => {
    const answer = await stack.call(fn, action, payload(), openid)
    expect(answer).toMatchObject({ ok: false, error: { code: expected } })
  })
})

it("the organizer of another event scanning this event's ticket learns nothing about it", async () => {
  const [, , payload] = SCAN
  expect(await stack.call('checkin', 'checkin.scan', payload(), ORGANIZER_B)).toEqual({ ok: true, data: { result: 'DENIED', reason: 'UNKNOWN_CODE', entriesUsed: 0, attendee: { maskedName: '' } } })
})

it('those who may, can: staff scan; the event’s organizer and the configured organizers run the desk', async () => {
  const [, , payload] = SCAN
  expect(await stack.call('checkin', 'checkin.scan', payload(), STAFF_A)).toMatchObject({ ok: true, data: { result: 'ADMITTED' } })
  for (const organizer of [ORGANIZER_A, ORGANIZER_ALL]) {
    for (const [fn, action, body] of ORGANIZER_ACTIONS.filter(([, name]) => !['staff.remove', 'organizer.releaseIdHold'].includes(name))) {
      expect(await stack.call(fn, action, body(), organizer)).toMatchObject({ ok: true })
    }
  }
  expect(await stack.call('organizer', 'roles.mine', {}, STAFF_A)).toEqual({ ok: true, data: { openid: STAFF_A, events: [{ id: 'authz-a', title: '江边音乐会', role: 'staff' }] } })
  expect(await stack.call('organizer', 'roles.mine', {}, 'authz_attendee')).toEqual({ ok: true, data: { openid: 'authz_attendee', events: [] } })
  // An organizer takes staff off the event; then they are refused at the gate.
  expect(await stack.call('organizer', 'staff.remove', { eventId: 'authz-a', openid: STAFF_A }, ORGANIZER_A)).toMatchObject({ ok: true, data: { staff: [expect.objectContaining({ openid: 'someone_new' })] } })
  expect(await stack.call('checkin', 'checkin.scan', payload(), STAFF_A)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
})
