/**
 * The Alipay and ByteDance bundles show the published event through their own transport
 * (`my.request` / `tt.request` to the gateway), not WeChat's cloud call.
 */
import { demoEvent } from '../../scripts/demoEvent'
import type { HostName } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const event = demoEvent()
let env: MiniProgramStack

beforeAll(async () => {
  env = await startMiniProgramStack()
})

afterAll(async () => {
  await env?.close()
})

test.each(['alipay', 'tt'] as HostName[])('the %s events page shows the demo event through its own request API', async (target) => {
  announceTarget(target, 'events page')
  const mp = env.open(target, `o_harness_${target}`)
  const page = await mp.launch()
  expect(page.route).toBe('pages/event/index')
  await page.waitForText(event.title)
  for (const session of event.sessions) expect(page.text()).toContain(session.name)
  const requests = mp.state.calledWith('request') as { url: string; method: string }[]
  expect(requests.length).toBeGreaterThan(0)
  expect(requests[0]).toMatchObject({ url: 'http://127.0.0.1:8787/api/attendee', method: 'POST' })
  expect(mp.state.calledWith('cloud.callFunction')).toEqual([])
  expect(mp.errors).toEqual([])
})

/** Which actions a bundle asked the gateway for, and whether any request said who the caller is. */
function gatewayCalls(mp: ReturnType<MiniProgramStack['open']>): { actions: string[]; identified: boolean } {
  const requests = mp.state.calledWith('request') as { data?: { action?: string }; header?: Record<string, string>; headers?: Record<string, string> }[]
  return {
    actions: requests.map((request) => String(request.data?.action)),
    identified: requests.some((request) => Object.keys({ ...request.header, ...request.headers }).some((name) => name.toLowerCase() === 'x-wx-openid')),
  }
}

test.each(['alipay', 'tt'] as HostName[])('the %s production bundle, without sign-in, sends people to WeChat to reserve', async (target) => {
  announceTarget(target, 'reserve in WeChat')
  const mp = env.open(target, `o_harness_${target}_visitor`)
  const page = await mp.launch()
  await page.waitForText(event.title)
  await page.tap(event.sessions[0].name)
  const reserve = mp.current()
  expect(reserve.route).toBe('pages/reserve/index')
  await reserve.waitForText('请在微信中预约')
  expect(reserve.text()).toContain('搜索「票卡」')
  expect(reserve.has('提交预约')).toBe(false)

  const tickets = await mp.reLaunch('/pages/tickets/index')
  await tickets.waitForText('你的票在微信小程序里')

  // Only the public list was asked for, and never with an identity.
  expect(gatewayCalls(mp)).toEqual({ actions: expect.arrayContaining(['events.list']), identified: false })
  expect(new Set(gatewayCalls(mp).actions)).toEqual(new Set(['events.list']))
  expect(mp.errors).toEqual([])
})
