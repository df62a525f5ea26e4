/**
 * Reminders by subscribe message, through the real functions, the local CloudBase (whose cloud
 * calls reach the WeChat simulator) and the simulator's template checks, with an injected clock:
 * the `reminders` and `outbox` timers are fired "at" chosen moments before the session.
 */
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { TicketView } from '../../../cloud/src/api/models'
import type { JobRecord } from '../../../cloud/src/domain/records'
import { DEV_SUBSCRIBE_TEMPLATES_SETTING, DEV_TEMPLATES } from '../../../scripts/devReminders'
import { adminDb, allDocs, openEvent, seedEvent } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { startWechatStack, type WechatStack } from '../../support/wechatStack'

const CONFIRMATION = DEV_TEMPLATES[0].id
const REMINDER = DEV_TEMPLATES[1].id
const minute = 60_000

let stack: WechatStack

beforeAll(async () => {
  stack = await startWechatStack({
    functions: discoverFunctions('source'),
    maxInstances: 2,
    env: { TICKETCARD_SUBSCRIBE_TEMPLATES: DEV_SUBSCRIBE_TEMPLATES_SETTING, TICKETCARD_OUTBOX_BASE_DELAY_MS: '1000', TICKETCARD_OUTBOX_MAX_ATTEMPTS: '8' },
  })
})

afterAll(async () => {
  await stack?.close()
})

let seq = 0

/**
 * A fresh event with one session starting in a week (openEvent), or in `startsInMinutes` of real
 * time, named so its messages are recognisable.
 */
async function freshSession(title: string, startsInMinutes?: number): Promise<{ sessionId: string; startsAt: Date; eventFile: ReturnType<typeof openEvent> }> {
  seq += 1
  const eventFile = { ...openEvent(`rem${seq}`, [{ id: `rem${seq}-s`, capacity: 10 }]), title }
  if (startsInMinutes !== undefined) {
    const start = Date.now() + startsInMinutes * minute
    eventFile.sessions = [{ ...eventFile.sessions[0], startsAt: new Date(start).toISOString(), endsAt: new Date(start + 120 * minute).toISOString() }]
  }
  await seedEvent(adminDb(stack.adminUrl), eventFile)
  return { sessionId: `rem${seq}-s`, startsAt: new Date(eventFile.sessions[0].startsAt), eventFile }
}

async function reserve(openid: string, sessionId: string): Promise<TicketView> {
  const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId, requestId: `req-${openid}`, attendee: { name: '王小明', phone: '13812345678' }, consent: CONSENT }, openid)
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data
}

async function consent(openid: string, ticketId: string, accepted: string[]): Promise<TicketView> {
  const answer = await stack.call<TicketView>('attendee', 'reminders.consent', { ticketId, accepted }, openid)
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data
}

/** One minute of the backend at `at`: the reminders timer queues, then the outbox sends. */
async function tick(at: Date): Promise<void> {
  await stack.runtime.fireTimer('reminders', undefined, at)
  await stack.runtime.fireTimer('outbox', undefined, new Date(at.getTime() + 1000))
}

const messagesTo = (openid: string) => stack.wechat.control.subscribeMessages({ touser: openid })
const before = (startsAt: Date, minutes: number) => new Date(startsAt.getTime() - minutes * minute)

test('reminders.templates names the configured templates for the app to ask for', async () => {
  const answer = await stack.call('attendee', 'reminders.templates', {}, 'o_rem_reader')
  expect(answer).toEqual({ ok: true, data: { templates: [{ id: CONFIRMATION, kind: 'confirmation' }, { id: REMINDER, kind: 'reminder' }] } })
})

test('exactly the expected messages go out, once each, with the right fields; a declined consent and a cancelled ticket get none', async () => {
  const { sessionId, startsAt } = await freshSession('城市博物馆夜场开放日')
  const alice = await reserve('o_rem_alice', sessionId)
  const bob = await reserve('o_rem_bob', sessionId)
  const carol = await reserve('o_rem_carol', sessionId)
  expect((await consent('o_rem_alice', alice.id, [CONFIRMATION, REMINDER])).reminders).toMatchObject({ state: 'on', accepted: [CONFIRMATION, REMINDER] })
  expect((await consent('o_rem_bob', bob.id, [])).reminders.state).toBe('off')
  await consent('o_rem_carol', carol.id, [REMINDER])
  const cancelled = await stack.call('attendee', 'tickets.cancel', { ticketId: carol.id }, 'o_rem_carol')
  expect(cancelled.ok).toBe(true)

  // Right after the consent: the booking confirmation, and nothing else yet.
  await tick(new Date())
  expect(messagesTo('o_rem_alice').map((m) => m.template_id)).toEqual([CONFIRMATION])

  await tick(before(startsAt, 1441))
  expect(messagesTo('o_rem_alice')).toHaveLength(1)
  for (const at of [before(startsAt, 1440), before(startsAt, 1438), before(startsAt, 600)]) await tick(at)
  await tick(before(startsAt, 120))
  await tick(before(startsAt, 119))
  await tick(before(startsAt, 1))
  await tick(new Date(startsAt.getTime() + minute))

  const alices = messagesTo('o_rem_alice')
  expect(alices.map((m) => m.template_id)).toEqual([CONFIRMATION, REMINDER, REMINDER])
  const reminder = alices[1]
  expect(reminder.page).toBe(`pages/ticket/index?ticketId=${alice.id}`)
  expect(reminder.miniprogram_state).toBe('formal')
  const local = new Date(startsAt.getTime() + 8 * 3600_000)
  expect(reminder.data).toEqual({
    thing1: { value: '城市博物馆夜场开放日' },
    time2: { value: `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}` },
    thing3: { value: '测试场馆' },
    character_string4: { value: alice.code.slice(-4) },
  })
  expect(messagesTo('o_rem_bob')).toEqual([])
  expect(messagesTo('o_rem_carol')).toEqual([])
})

test('a ticket reserved after its reminder times passed gets only the latest one, at the next run; none once the session started', async () => {
  // Dan reserves 110 minutes before the start (real time): both reminder times have passed.
  const { sessionId, startsAt } = await freshSession('江边音乐会', 110)
  const dan = await reserve('o_rem_dan', sessionId)
  // The timer already ran for this session (nobody had consented then): the consent queues its own.
  await stack.runtime.fireTimer('reminders', undefined, new Date())
  await consent('o_rem_dan', dan.id, [REMINDER])
  await tick(new Date(Date.now() + minute))
  await tick(before(startsAt, 60))
  expect(messagesTo('o_rem_dan').map((m) => m.template_id)).toEqual([REMINDER])

  const { sessionId: lateSession, startsAt: lateStart } = await freshSession('闭馆后的讲座')
  const erin = await reserve('o_rem_erin', lateSession)
  await consent('o_rem_erin', erin.id, [REMINDER])
  // Queued five minutes before, but the outbox first runs after the session began: dropped, not sent late.
  await stack.runtime.fireTimer('reminders', undefined, before(lateStart, 5))
  await stack.runtime.fireTimer('outbox', undefined, new Date(lateStart.getTime() + minute))
  await tick(new Date(lateStart.getTime() + 2 * minute))
  expect(messagesTo('o_rem_erin')).toEqual([])
  const erinsJobs = (await allDocs<JobRecord>(adminDb(stack.adminUrl), 'jobs')).filter((job) => job.payload.ticketId === erin.id)
  expect(erinsJobs.map((job) => job.state)).toEqual(['done'])
})

test('a session the organizer moves sends its reminders at the new time only', async () => {
  const { sessionId, startsAt, eventFile } = await freshSession('冬至音乐会')
  const fay = await reserve('o_rem_fay', sessionId)
  await consent('o_rem_fay', fay.id, [REMINDER])
  const moved = new Date(startsAt.getTime() + 3 * 3600_000)
  await seedEvent(adminDb(stack.adminUrl), {
    ...eventFile,
    sessions: [{ ...eventFile.sessions[0], startsAt: moved.toISOString(), endsAt: new Date(moved.getTime() + 2 * 3600_000).toISOString() }],
  })
  // The old 24-hour mark passes: nothing. The new one: the reminder, with the new time.
  await tick(before(startsAt, 1440))
  await tick(before(startsAt, 1400))
  expect(messagesTo('o_rem_fay')).toEqual([])
  await tick(before(moved, 1440))
  const [reminder] = messagesTo('o_rem_fay')
  expect(messagesTo('o_rem_fay')).toHaveLength(1)
  const local = new Date(moved.getTime() + 8 * 3600_000)
  expect(reminder.data.time2.value).toContain(`${String(local.getUTCHours()).padStart(2, '0')}:${String(local.getUTCMinutes()).padStart(2, '0')}`)
})

test('with sends failing for a while, every due reminder is delivered exactly once after recovery', async () => {
  const { sessionId, startsAt } = await freshSession('春季市集')
  const people = ['o_rem_g1', 'o_rem_g2', 'o_rem_g3']
  const ticketIds: string[] = []
  for (const openid of people) {
    const ticket = await reserve(openid, sessionId)
    ticketIds.push(ticket.id)
    await consent(openid, ticket.id, [REMINDER])
  }
  // WeChat busy for the next six sends (the cloud call shares the endpoint's faults).
  stack.wechat.control.scriptFaults({ endpoint: '/cgi-bin/message/subscribe/send', errcodes: [-1, -1, -1, -1, -1, -1] })
  let at = before(startsAt, 1440)
  await stack.runtime.fireTimer('reminders', undefined, at)
  for (let run = 0; run < 8; run += 1) {
    at = new Date(at.getTime() + 10_000)
    await stack.runtime.fireTimer('outbox', undefined, at)
  }
  for (const openid of people) expect(messagesTo(openid).map((m) => m.template_id)).toEqual([REMINDER])
  const jobs = (await allDocs<JobRecord>(adminDb(stack.adminUrl), 'jobs')).filter((job) => ticketIds.includes(String(job.payload.ticketId)))
  expect(jobs.map((job) => job.state)).toEqual(['done', 'done', 'done'])
  // Six busy answers were absorbed by retries: some job needed more than one attempt.
  expect(jobs.some((job) => job.attempts > 1)).toBe(true)
})

test('a run queues a session\'s reminders in one insert, and a repeated run (no mark yet) adds none', async () => {
  const { sessionId, startsAt } = await freshSession('读书会')
  const ticketIds: string[] = []
  for (const openid of ['o_rem_b1', 'o_rem_b2', 'o_rem_b3', 'o_rem_b4']) {
    const ticket = await reserve(openid, sessionId)
    ticketIds.push(ticket.id)
    await consent(openid, ticket.id, [REMINDER])
  }
  const jobsOfSession = async () => (await allDocs<JobRecord>(adminDb(stack.adminUrl), 'jobs')).filter((job) => job.payload.kind === 'reminder' && ticketIds.includes(String(job.payload.ticketId)))
  stack.emulator.db.resetRequestStats()
  await stack.runtime.fireTimer('reminders', undefined, before(startsAt, 1440))
  // Two inserts in all: the four jobs in one request, then the run's mark.
  expect(stack.emulator.db.requestStats().byAction['database.insertDocument']).toBe(2)
  expect(await jobsOfSession()).toHaveLength(4)
  // The mark gone, as after a stop between the jobs and the mark: the repeat adds nothing.
  await adminDb(stack.adminUrl).collection('reminder_runs').where({ sessionId }).remove()
  await stack.runtime.fireTimer('reminders', undefined, before(startsAt, 1439))
  expect(await jobsOfSession()).toHaveLength(4)
})
