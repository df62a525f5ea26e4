/**
 * The built weapp bundle where people arrive by links: an unknown page lands on the events tab
 * (WeChat's onPageNotFound), a shared reservation link and a ticket link without an id each show
 * their own state, and every page that has one offers a way on.
 */
import { demoEvent } from '../../scripts/demoEvent'
import type { MiniProgram } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const event = demoEvent()
let env: MiniProgramStack

beforeAll(async () => {
  announceTarget('weapp', 'page states')
  env = await startMiniProgramStack()
})

afterAll(async () => {
  await env?.close()
})

const fresh = (name: string): MiniProgram => env.open('weapp', `o_harness_states_${name}`)

test('opened at a page the package does not have, the app lands on the events tab', async () => {
  const mp = fresh('unknown')
  const page = await mp.launch('/pages/gone/index?from=old-share')
  expect(page.route).toBe('pages/event/index')
  await page.waitForText(event.title)
  expect(mp.errors).toEqual([])
})

test('a shared reservation link opens the form for that session, loading the events itself', async () => {
  const mp = fresh('shared')
  const page = await mp.launch(`/pages/reserve/index?sessionId=${event.sessions[1].id}`)
  await page.waitForText('预约信息')
  expect(page.text()).toContain(event.sessions[1].name)
  expect(mp.errors).toEqual([])
})

test('a link to a session that is not there says so and leads to the events', async () => {
  const mp = fresh('missing-session')
  const page = await mp.launch('/pages/reserve/index?sessionId=no-such-session')
  await page.waitForText('找不到这个场次')
  await page.tap({ tag: 'button', text: '查看全部活动' })
  expect(mp.current().route).toBe('pages/event/index')
})

test('a ticket link without an id says so, and leads to my tickets', async () => {
  const mp = fresh('no-ticket')
  const page = await mp.launch('/pages/ticket/index')
  await page.waitForText('没有指定票券')
  expect(page.text()).not.toContain('填写的信息有误')
  await page.tap({ tag: 'button', text: '我的票' })
  const tickets = mp.current()
  expect(tickets.route).toBe('pages/tickets/index')
  await tickets.waitForText('还没有票，去活动页预约吧')
  await tickets.tap({ tag: 'button', text: '去看看活动' })
  expect(mp.current().route).toBe('pages/event/index')
})
