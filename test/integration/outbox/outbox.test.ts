import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import { jobRecord } from '../../../cloud/src/outbox/jobs'
import { enqueue, stuckJobs } from '../../../cloud/src/outbox/worker'
import type { JobRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, type Db } from '../../support/adminDb'
import { startWechatStack, type WechatStack } from '../../support/wechatStack'

jest.setTimeout(120_000)

const outboxFunction = discoverFunctions('source').filter((fn) => fn.name === 'outbox')
let stack: WechatStack
let db: Db

beforeAll(async () => {
  stack = await startWechatStack({
    functions: outboxFunction,
    maxInstances: 1,
    // Retries due almost at once, and dead after 4 attempts, so the test needs no clock games.
    env: { TICKETCARD_OUTBOX_BASE_DELAY_MS: '1', TICKETCARD_OUTBOX_MAX_ATTEMPTS: '4' },
  })
  db = adminDb(stack.adminUrl)
})

afterAll(async () => {
  await stack.close()
})

const reminder = (i: number) =>
  jobRecord('subscribe.send', `reminder-${i}`, { touser: `o_user_${i}`, templateId: 'tpl_reminder', page: 'pages/ticket/index', data: { thing1: { value: '城市博物馆' } } }, new Date())

async function runOutbox(): Promise<{ done: string[]; retried: string[]; dead: string[] }> {
  // Past the (1 ms based) backoff of the previous run's failures, so they are due again.
  await new Promise((resolve) => setTimeout(resolve, 50))
  const result = (await stack.runtime.fireTimer('outbox')) as { ok: boolean; data: { done: string[]; retried: string[]; dead: string[] } }
  if (!result.ok) throw new Error(JSON.stringify(result))
  return result.data
}

it('jobs wait while WeChat fails, then all complete exactly once after recovery', async () => {
  for (let i = 0; i < 5; i += 1) await enqueue(db, reminder(i))
  // Enqueuing the same side effect again is absorbed by its idempotency key.
  await enqueue(db, reminder(0))

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
  expect(await runOutbox()).toEqual({ done: [], retried: [], dead: [] })

  const sent = stack.wechat.control.subscribeMessages({}) as Array<{ touser: string }>
  expect(sent.map((m) => m.touser).sort()).toEqual(['o_user_0', 'o_user_1', 'o_user_2', 'o_user_3', 'o_user_4'])
  const done = (await allDocs<JobRecord>(db, 'jobs')).filter((j) => j._id.startsWith('subscribe.send:reminder-'))
  expect(done.every((j) => j.state === 'done' && j.attempts === 3)).toBe(true)
})

it('a job failing past its attempts ends dead, one WeChat refuses for good ends dead at once, and both are visible', async () => {
  await enqueue(db, jobRecord('subscribe.send', 'always-busy', { touser: 'o_user_busy', templateId: 'tpl_reminder', data: { thing1: { value: 'x' } } }, new Date()))
  stack.wechat.control.setFault({ endpoint: '/cgi-bin/message/subscribe/send', errcode: 45011, rate: 1 })
  const outcomes = []
  for (let run = 0; run < 4; run += 1) outcomes.push(await runOutbox())
  expect(outcomes.map((o) => o.retried.includes('subscribe.send:always-busy'))).toEqual([true, true, true, false])
  expect(outcomes[3].dead).toEqual(['subscribe.send:always-busy'])

  stack.wechat.control.clearFaults({})
  await enqueue(db, jobRecord('subscribe.send', 'no-template', { touser: 'o_user_x', templateId: '', data: {} }, new Date()))
  expect(await runOutbox()).toEqual({ done: [], retried: [], dead: ['subscribe.send:no-template'] })

  const stuck = await stuckJobs(db, new Date())
  const byId = Object.fromEntries(stuck.map((j) => [j._id, j]))
  expect(byId['subscribe.send:always-busy']).toMatchObject({ state: 'dead', attempts: 4 })
  expect(byId['subscribe.send:always-busy'].lastError).toContain('45011')
  expect(byId['subscribe.send:no-template']).toMatchObject({ state: 'dead', attempts: 1 })
  expect(byId['subscribe.send:no-template'].lastError).toContain('40037')
  // Dead jobs are never run again.
  expect(await runOutbox()).toEqual({ done: [], retried: [], dead: [] })
})
