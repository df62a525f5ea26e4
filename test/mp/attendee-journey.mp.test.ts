/**
 * The attendee journey through the built weapp bundle: events, session, form (a wrong phone
 * first), a reservation through wx.cloud.callFunction, the ticket, and a confirmed cancel.
 */
import { demoEvent } from '../../scripts/demoEvent'
import { allTickets, sessionState } from '../support/adminDb'
import type { MiniProgram } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const event = demoEvent()
let env: MiniProgramStack
let mp: MiniProgram

beforeAll(async () => {
  announceTarget('weapp', 'attendee journey')
  env = await startMiniProgramStack()
  mp = env.open('weapp', 'o_harness_attendee_1')
})

afterAll(async () => {
  await env?.close()
})

test('reserve a session, see the ticket with its code, and cancel it after the confirmation', async () => {
  const events = await mp.launch()
  expect(events.route).toBe('pages/event/index')
  await events.waitForText(event.title)
  expect(events.text()).toContain('余 200 张')
  expect(mp.state.calledWith('cloud.init')).toHaveLength(1)

  await events.tap(event.sessions[0].name)
  const reserve = mp.current()
  expect(reserve.route).toBe('pages/reserve/index')
  expect(reserve.query.sessionId).toBe(event.sessions[0].id)
  expect(reserve.text()).toContain('预约信息')

  await reserve.input('与证件一致的姓名', '王小明')
  await reserve.input('11 位手机号', '1381234')
  await reserve.tap('提交预约')
  expect(reserve.text()).toContain('请输入正确的 11 位手机号')
  // Nothing but reads so far: the events list (the form reads the seats again when it opens) and
  // the reminder templates (read before the tap that will ask for them).
  const actions = (mp.state.calledWith('cloud.callFunction') as { data: { action: string } }[]).map((call) => call.data.action)
  expect(new Set(actions)).toEqual(new Set(['events.list', 'reminders.templates']))
  expect((await sessionState(env.db, event.sessions[0].id)).remaining).toBe(200)

  await reserve.input('11 位手机号', '13812345678')
  await reserve.tap('我已阅读并同意')
  await reserve.tap('提交预约')
  await reserve.waitForText('预约成功')
  const reserveCall = mp.state.calledWith('cloud.callFunction').at(-1) as { name: string; data: { action: string; payload: { requestId: string } } }
  expect(reserveCall.name).toBe('attendee')
  expect(reserveCall.data.action).toBe('reservation.reserve')
  // The request id came from wx.getRandomValues: the host's CSPRNG, not Web Crypto.
  expect(reserveCall.data.payload.requestId).toMatch(/^r[0-9a-f]{32}$/)
  expect(mp.state.calledWith('getRandomValues')).toEqual([{ length: 16 }])

  const [stored] = (await allTickets(env.db)).filter((t) => t._openid === 'o_harness_attendee_1')
  expect(stored.status).toBe('active')
  expect((await sessionState(env.db, event.sessions[0].id)).remaining).toBe(199)

  await reserve.tap('查看票券')
  const ticket = mp.current()
  expect(ticket.route).toBe('pages/ticket/index')
  await ticket.waitForText('有效')
  const shownCode = ticket.find({ className: 'ticket-qr__code' }).text.replace(/\s/g, '')
  expect(shownCode).toBe(stored.code)
  expect(ticket.find({ tag: 'image' }).attribute('src')).toMatch(/^data:image\/gif;base64,/)
  expect(ticket.text()).toContain('王小明')

  await ticket.tap('取消预约')
  expect(mp.state.modals).toHaveLength(1)
  expect(mp.state.modals[0].content).toContain('名额将释放')
  mp.answerModal(true)
  await ticket.waitForText('已取消')
  expect(mp.state.toasts.map((t) => t.title)).toContain('已取消预约')
  const [cancelled] = (await allTickets(env.db)).filter((t) => t._id === stored._id)
  expect(cancelled.status).toBe('cancelled')
  expect((await sessionState(env.db, event.sessions[0].id)).remaining).toBe(200)

  // A deep link (a shared page, or the app restarted on it) opens the same ticket from its query.
  const reopened = await mp.reLaunch(`/pages/ticket/index?ticketId=${stored._id}`)
  expect(mp.routes()).toEqual(['pages/ticket/index'])
  await reopened.waitForText('已取消')
  expect(reopened.find({ className: 'ticket-qr__code' }).text.replace(/\s/g, '')).toBe(stored.code)
  expect(mp.errors).toEqual([])
})
