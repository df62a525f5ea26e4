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
