/**
 * Reminders through the built weapp bundle: after reserving, the tap on 开启开场提醒 calls
 * wx.requestSubscribeMessage within the tap (the harness fails it with errCode 20004 otherwise)
 * with the templates the functions are configured with; the answer, a decline too, is recorded on
 * the ticket, and the ticket page says whether reminders are on and offers to ask again. When
 * WeChat withholds the templates, the ticket is kept and nothing is recorded.
 */
import { DEV_SUBSCRIBE_TEMPLATES } from '../../cloud/local/wechat/devTemplates'
import type { TicketRecord } from '../../cloud/src/domain/records'
import { demoEvent } from '../../scripts/demoEvent'
import { DEV_SUBSCRIBE_TEMPLATES_SETTING } from '../../scripts/devReminders'
import { allTickets } from '../support/adminDb'
import type { MiniProgram, PageHandle } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const event = demoEvent()
const CONFIRMATION = DEV_SUBSCRIBE_TEMPLATES.find((template) => template.kind === 'confirmation')?.id ?? ''
const REMINDER = DEV_SUBSCRIBE_TEMPLATES.find((template) => template.kind === 'reminder')?.id ?? ''
let env: MiniProgramStack

beforeAll(async () => {
  announceTarget('weapp', 'reminders')
  // The development configuration `npm run dev` gives the functions: the simulator's templates.
  env = await startMiniProgramStack({ functionEnv: { TICKETCARD_SUBSCRIBE_TEMPLATES: DEV_SUBSCRIBE_TEMPLATES_SETTING } })
})

afterAll(async () => {
  await env?.close()
})

type CloudCall = { data: { action: string; payload: Record<string, unknown> } }
const actionsOf = (mp: MiniProgram, action: string) =>
  (mp.state.calledWith('cloud.callFunction') as CloudCall[]).filter((call) => call.data.action === action).map((call) => call.data.payload)

const storedTicket = async (openid: string): Promise<TicketRecord> => {
  const [ticket] = (await allTickets(env.db)).filter((t) => t._openid === openid)
  return ticket
}

/** A new person reserves the first session; the page is left on its success state. */
async function reserve(mp: MiniProgram): Promise<PageHandle> {
  const events = await mp.launch()
  await events.waitForText(event.title)
  await events.tap(event.sessions[0].name)
  const form = mp.current()
  // The templates are read when the form opens: the tap after reserving must not wait for them.
  expect(actionsOf(mp, 'reminders.templates')).toHaveLength(1)
  await form.input('与证件一致的姓名', '周提醒')
  await form.input('11 位手机号', '13500001111')
  await form.tap('我已阅读并同意')
  await form.tap('提交预约')
  await form.waitForText('预约成功')
  expect(mp.state.calledWith('requestSubscribeMessage')).toEqual([])
  return form
}

test('the tap after reserving asks WeChat for the configured templates; accepting them turns reminders on', async () => {
  const openid = 'o_harness_reminders_accept'
  const mp = env.open('weapp', openid)
  mp.state.subscribeAnswer = { [CONFIRMATION]: 'accept', [REMINDER]: 'accept' }
  const done = await reserve(mp)
  expect(done.has('查看票券')).toBe(true)

  await done.tap('开启开场提醒')
  // Within the tap: outside one, the call would be recorded with outsideTap and fail with 20004.
  expect(mp.state.calledWith('requestSubscribeMessage')).toEqual([{ tmplIds: [CONFIRMATION, REMINDER] }])
  expect(mp.state.answersTo('requestSubscribeMessage')).toEqual([{ [CONFIRMATION]: 'accept', [REMINDER]: 'accept', errMsg: 'requestSubscribeMessage:ok' }])
  const stored = await storedTicket(openid)
  expect(actionsOf(mp, 'reminders.consent')).toEqual([{ ticketId: stored._id, accepted: [CONFIRMATION, REMINDER] }])
  expect(stored.reminders).toMatchObject({ accepted: [CONFIRMATION, REMINDER], on: true })

  const ticket = mp.current()
  expect(ticket.route).toBe('pages/ticket/index')
  await ticket.waitForText('已开启')
  expect(ticket.find({ className: 'ticket__reminder-row' }).text).toContain('开场提醒')
  expect(ticket.has('开启提醒')).toBe(false)
  expect(mp.errors).toEqual([])
})

test('a decline is recorded, and the ticket page offers to ask again; one tap there turns reminders on', async () => {
  const openid = 'o_harness_reminders_decline'
  const mp = env.open('weapp', openid)
  mp.state.subscribeAnswer = { [CONFIRMATION]: 'reject', [REMINDER]: 'reject' }
  const done = await reserve(mp)

  await done.tap('开启开场提醒')
  expect(mp.state.calledWith('requestSubscribeMessage')).toEqual([{ tmplIds: [CONFIRMATION, REMINDER] }])
  const stored = await storedTicket(openid)
  expect(actionsOf(mp, 'reminders.consent')).toEqual([{ ticketId: stored._id, accepted: [] }])
  expect(stored.reminders).toMatchObject({ accepted: [], on: false })

  const ticket = mp.current()
  expect(ticket.route).toBe('pages/ticket/index')
  await ticket.waitForText('开启提醒')
  expect(ticket.find({ className: 'ticket__reminder-row' }).text).toContain('未开启')

  mp.state.subscribeAnswer = { [CONFIRMATION]: 'accept', [REMINDER]: 'accept' }
  await ticket.tap('开启提醒')
  expect(mp.state.calledWith('requestSubscribeMessage')).toEqual([{ tmplIds: [CONFIRMATION, REMINDER] }, { tmplIds: [CONFIRMATION, REMINDER] }])
  await ticket.waitForText('已开启')
  expect(ticket.has('开启提醒')).toBe(false)
  expect((await storedTicket(openid)).reminders).toMatchObject({ accepted: [CONFIRMATION, REMINDER], on: true })
  expect(mp.state.toasts.map((toast) => toast.title)).toContain('已开启开场提醒')
  expect(mp.errors).toEqual([])
})

test('when WeChat withholds the templates, the page says so, records nothing and the ticket page offers to ask again', async () => {
  const openid = 'o_harness_reminders_banned'
  const mp = env.open('weapp', openid)
  mp.state.subscribeAnswer = { [CONFIRMATION]: 'ban', [REMINDER]: 'ban' }
  const done = await reserve(mp)

  await done.tap('开启开场提醒')
  expect(mp.state.answersTo('requestSubscribeMessage')).toEqual([{ [CONFIRMATION]: 'ban', [REMINDER]: 'ban', errMsg: 'requestSubscribeMessage:ok' }])
  await done.waitForText('提醒没有开启')
  expect(done.route).toBe('pages/reserve/index')
  expect(actionsOf(mp, 'reminders.consent')).toEqual([])
  const stored = await storedTicket(openid)
  expect(stored.status).toBe('active')
  expect(stored.reminders).toBeUndefined()

  await done.tap('查看票券')
  const ticket = mp.current()
  expect(ticket.route).toBe('pages/ticket/index')
  await ticket.waitForText('开启提醒')
  expect(ticket.find({ className: 'ticket__reminder-row' }).text).toContain('未开启')
  expect(mp.errors).toEqual([])
})
