import { releasedHolds } from '../../../cloud/src/domain/holds'
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import { jobRecord } from '../../../cloud/src/outbox/jobs'
import { enqueue, stuckJobs } from '../../../cloud/src/outbox/worker'
import type { JobRecord } from '../../../cloud/src/domain/records'
import { DEV_TEMPLATES } from '../../../scripts/devReminders'
import { adminDb, allDocs, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { startWechatStack, type WechatStack } from '../../support/wechatStack'

jest.setTimeout(120_000)

const CLOUD_CALL_TIMEOUT_MS = 400

const outboxFunction = discoverFunctions('source').filter((fn) => fn.name === 'outbox')
let stack: WechatStack
let db: Db

beforeAll(async () => {
  stack = await startWechatStack({
    functions: outboxFunction,
    maxInstances: 1,
    // Retries due almost at once, and dead after 4 attempts, so the test needs no clock games.
    env: { TICKETCARD_OUTBOX_BASE_DELAY_MS: '1', TICKETCARD_OUTBOX_MAX_ATTEMPTS: '4', TICKETCARD_SUBSCRIBE_TEMPLATES: TEMPLATES },
    // CloudBase gives up on a slow cloud call (-604102) after this, while WeChat may still deliver.
    openApiTimeoutMs: CLOUD_CALL_TIMEOUT_MS,
  })
  db = adminDb(stack.adminUrl)
  const event = await seedEvent(db, openEvent('outbox', [{ id: 'outbox-s', capacity: 50 }]))
  startsAt = new Date(event.sessions[0].startsAt).getTime()
})

afterAll(async () => {
  await stack.close()
})

const REMINDER = DEV_TEMPLATES[1]
/** A confirmation template the mini-program console does not have: WeChat answers 40037. */
const UNKNOWN_TEMPLATE = { ...DEV_TEMPLATES[0], id: 'tcNotInTheConsole000000000000000000000000009' }
const TEMPLATES = JSON.stringify([UNKNOWN_TEMPLATE, REMINDER])
let startsAt = 0

/** An active ticket whose owner accepted `templateId`: what a subscribe job is for. */
async function ticketOf(owner: string, templateId: string): Promise<string> {
  const id = `t_${owner}`
  await db.collection('tickets').add({
    data: {
      _id: id,
      code: `12345678901234${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
      eventId: 'outbox',
      sessionId: 'outbox-s',
      _openid: owner,
      attendee: { name: '王小明', phone: '13812345678' },
      status: 'active',
      request: `fixture:${id}`,
      rateSlot: `fixture:${id}`,
      holds: releasedHolds(id),
      requestId: `req-${owner}`,
      createdAt: new Date(),
      reminders: { accepted: [templateId], on: true, decidedAt: new Date() },
    },
  })
  return id
}

async function reminder(i: number): Promise<JobRecord> {
  const ticketId = (await allDocs<{ _id: string }>(db, 'tickets')).some((t) => t._id === `t_o_user_${i}`) ? `t_o_user_${i}` : await ticketOf(`o_user_${i}`, REMINDER.id)
  return jobRecord('subscribe.send', `reminder-${i}`, { kind: 'reminder', ticketId, templateId: REMINDER.id, offsetMinutes: 1440, startsAt }, new Date())
}

async function runOutbox(): Promise<{ done: string[]; retried: string[]; dead: string[]; uncertain: string[] }> {
  // Past the (1 ms based) backoff of the previous run's failures, so they are due again.
  await new Promise((resolve) => setTimeout(resolve, 50))
  const result = (await stack.runtime.fireTimer('outbox')) as { ok: boolean; data: { done: string[]; retried: string[]; dead: string[]; uncertain: string[] } }
  if (!result.ok) throw new Error(JSON.stringify(result))
  return result.data
}

it('jobs wait while WeChat fails, then all complete exactly once after recovery', async () => {
  for (let i = 0; i < 5; i += 1) await enqueue(db, await reminder(i))
  // Enqueuing the same side effect again is absorbed by its idempotency key.
  await enqueue(db, await reminder(0))

  stack.wechat.control.setFault({ endpoint: '/cgi-bin/message/subscribe/send', errcode: -1, rate: 1 })
  for (let run = 0; run < 2; run += 1) {
    const report = await runOutbox()
    expect(report.retried).toHaveLength(5)
  }
  expect(stack.wechat.control.subscribeMessages({})).toHaveLength(0)
  const waiting = (await allDocs<JobRecord>(db, 'jobs')).filter((j) => j._id.startsWith('subscribe.send:reminder-'))
  expect(waiting.map((j) => [j.state, j.attempts])).toEqual(Array(5).fill(['pending', 2]))
  expect((await stuckJobs(db, new Date())).map((j) => j._id).sort()).toEqual(waiting.map((j) => j._id).sort())

  stack.wechat.control.clearFaults({})
  const recovered = await runOutbox()
  expect(recovered.done).toHaveLength(5)
  expect(await runOutbox()).toEqual({ done: [], retried: [], dead: [], uncertain: [] })

  const sent = stack.wechat.control.subscribeMessages({}) as Array<{ touser: string }>
  expect(sent.map((m) => m.touser).sort()).toEqual(['o_user_0', 'o_user_1', 'o_user_2', 'o_user_3', 'o_user_4'])
  const done = (await allDocs<JobRecord>(db, 'jobs')).filter((j) => j._id.startsWith('subscribe.send:reminder-'))
  expect(done.every((j) => j.state === 'done' && j.attempts === 3)).toBe(true)
})

it('a job failing past its attempts ends dead, one WeChat refuses for good ends dead at once, and both are visible', async () => {
  const busyTicket = await ticketOf('o_user_busy', REMINDER.id)
  await enqueue(db, jobRecord('subscribe.send', 'always-busy', { kind: 'reminder', ticketId: busyTicket, templateId: REMINDER.id, offsetMinutes: 1440, startsAt }, new Date()))
  stack.wechat.control.setFault({ endpoint: '/cgi-bin/message/subscribe/send', errcode: 45011, rate: 1 })
  const outcomes = []
  for (let run = 0; run < 4; run += 1) outcomes.push(await runOutbox())
  expect(outcomes.map((o) => o.retried.includes('subscribe.send:always-busy'))).toEqual([true, true, true, false])
  expect(outcomes[3].dead).toEqual(['subscribe.send:always-busy'])

  stack.wechat.control.clearFaults({})
  const unknownTicket = await ticketOf('o_user_x', UNKNOWN_TEMPLATE.id)
  await enqueue(db, jobRecord('subscribe.send', 'no-template', { kind: 'confirmation', ticketId: unknownTicket, templateId: UNKNOWN_TEMPLATE.id }, new Date()))
  expect(await runOutbox()).toEqual({ done: [], retried: [], dead: ['subscribe.send:no-template'], uncertain: [] })

  const stuck = await stuckJobs(db, new Date())
  const byId = Object.fromEntries(stuck.map((j) => [j._id, j]))
  expect(byId['subscribe.send:always-busy']).toMatchObject({ state: 'dead', attempts: 4 })
  expect(byId['subscribe.send:always-busy'].lastError).toContain('45011')
  expect(byId['subscribe.send:no-template']).toMatchObject({ state: 'dead', attempts: 1 })
  expect(byId['subscribe.send:no-template'].lastError).toContain('40037')
  // Dead jobs are never run again.
  expect(await runOutbox()).toEqual({ done: [], retried: [], dead: [], uncertain: [] })
})

describe('subscribe messages are sent at most once', () => {
  const SEND = '/cgi-bin/message/subscribe/send'
  const sentTo = (touser: string) => (stack.wechat.control.subscribeMessages({ touser }) as unknown[]).length

  it('a send that times out while WeChat delivers it is recorded as uncertain and never repeated', async () => {
    const jobs = [await reminder(20), await reminder(21)]
    for (const job of jobs) await enqueue(db, job)
    stack.wechat.control.setLatency({ endpoint: SEND, ms: CLOUD_CALL_TIMEOUT_MS * 2 })
    let first: Awaited<ReturnType<typeof runOutbox>>
    try {
      first = await runOutbox()
    } finally {
      stack.wechat.control.setLatency({ endpoint: SEND, ms: 0 })
    }
    // WeChat delivered them late; later runs must not send them again.
    await new Promise((resolve) => setTimeout(resolve, CLOUD_CALL_TIMEOUT_MS * 2))
    const later = [await runOutbox(), await runOutbox()]
    expect([sentTo('o_user_20'), sentTo('o_user_21')]).toEqual([1, 1])
    expect(first.uncertain.sort()).toEqual(jobs.map((j) => j._id).sort())
    expect(first.retried).toEqual([])
    expect(later).toEqual(Array(2).fill({ done: [], retried: [], dead: [], uncertain: [] }))
    const stuck = Object.fromEntries((await stuckJobs(db, new Date())).map((j) => [j._id, j]))
    for (const job of jobs) {
      expect(stuck[job._id]).toMatchObject({ state: 'uncertain', attempts: 1 })
      expect(stuck[job._id].lastError).toContain('-604102')
    }
  })

  it('an attempt that started and never reported (the worker died mid-send) is not repeated; a card job is', async () => {
    const message = await reminder(22)
    const interrupted = { attempts: 0, attemptsStarted: 1, leaseUntil: 0 }
    await db.collection('jobs').add({ data: { ...message, ...interrupted } })
    const card = jobRecord('card.updateuser', 'interrupted', { cardId: 'pXXXX', code: '123456789012345678', fields: {} }, new Date())
    await db.collection('jobs').add({ data: { ...card, ...interrupted } })
    const report = await runOutbox()
    expect(report.uncertain).toEqual([message._id])
    expect(report.done).toEqual([card._id])
    expect(sentTo('o_user_22')).toBe(0)
  })
})
