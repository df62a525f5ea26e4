/**
 * The organizer's ID-number refusals through the built weapp bundle and the real backend: a second
 * person reserving with an ID number another ticket holds is refused; the organizer sees the
 * refusal masked on the event's desk (工作台 → 数据与管理, in the staff subpackage), releases the
 * hold after a confirmation, and the person can then reserve. Someone who organizes nothing is
 * refused the desk.
 */
import { demoEvent } from '../../scripts/demoEvent'
import type { MiniProgram } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const event = demoEvent()
const ORGANIZER = 'o_harness_organizer'
const SHARED_ID_NUMBER = '11010519491231002X'
let env: MiniProgramStack

beforeAll(async () => {
  announceTarget('weapp', 'organizer: ID-number refusals')
  env = await startMiniProgramStack({ functionEnv: { TICKETCARD_ORGANIZERS: ORGANIZER } })
})

afterAll(async () => {
  await env?.close()
})

async function reserveWithId(mp: MiniProgram, name: string, phone: string): Promise<string> {
  const events = await mp.launch()
  await events.waitForText(event.title)
  await events.tap(event.sessions[0].name)
  const form = mp.current()
  await form.input('与证件一致的姓名', name)
  await form.input('11 位手机号', phone)
  await form.input('用于核验，仅保存不可逆摘要', SHARED_ID_NUMBER)
  await form.tap('我已阅读并同意')
  await form.tap('提交预约')
  await form.waitForText(/预约成功|该证件号已预约过本活动/)
  return form.text()
}

test('a refused ID number shows masked to the organizer, who releases it after confirming; then the person can reserve', async () => {
  expect(await reserveWithId(env.open('weapp', 'o_harness_id_holder'), '张三', '13800001111')).toContain('预约成功')
  const refused = env.open('weapp', 'o_harness_id_refused')
  expect(await reserveWithId(refused, '李四', '13800002222')).toContain('该证件号已预约过本活动')

  const organizer = env.open('weapp', ORGANIZER)
  const tab = await organizer.launch('/pages/organizer/index')
  await tab.waitForText(event.title)
  await tab.tap('数据与管理')
  const desk = organizer.current()
  expect(desk.route).toBe('staff/desk/index')
  await desk.waitForText('**************002X')
  const row = desk.find({ className: 'refusal' }).text
  expect(row).toContain(event.sessions[0].name)
  expect(row).toContain('居民身份证 **************002X · 李*')
  expect(row).toContain('尝试 1 次')
  expect(row).not.toContain(SHARED_ID_NUMBER)
  expect(row).not.toContain('李四')

  await desk.tap('核验证件后释放')
  expect(organizer.state.modals.map((m) => m.title)).toEqual(['释放这个证件号？'])
  organizer.answerModal(false)
  await organizer.settle()
  expect(organizer.state.calledWith('cloud.callFunction').map((call) => (call as { data: { action: string } }).data.action)).not.toContain('organizer.releaseIdHold')

  await desk.tap('核验证件后释放')
  organizer.answerModal(true)
  await desk.waitForText(/已于 .* 释放/)
  expect(organizer.state.toasts.map((t) => t.title)).toContain('已释放，涉及 1 张票')
  expect(desk.has('核验证件后释放')).toBe(false)

  const form = refused.current()
  await form.tap('提交预约')
  await form.waitForText('预约成功')
  expect(organizer.errors).toEqual([])
  expect(refused.errors).toEqual([])
})

test('someone who organizes nothing is told so on the desk (a deep link), not shown an error', async () => {
  const visitor = env.open('weapp', 'o_harness_visitor')
  const desk = await visitor.launch(`/staff/desk/index?eventId=${event.id}`)
  await desk.waitForText('你不是这个活动的主办方')
  expect(desk.text()).not.toContain('没有权限执行此操作')
  expect(desk.has('**************002X')).toBe(false)
  expect(visitor.errors).toEqual([])
})
