/**
 * Timer functions answer only their timer: on CloudBase any mini-program user can call a function
 * by name, so `token`, `outbox`, `retention` and `reminders` refuse every other caller and say nothing.
 */
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import { startWechatStack, type WechatStack } from '../../support/wechatStack'

jest.setTimeout(120_000)

const TIMER_FUNCTIONS = ['token', 'outbox', 'retention', 'reminders']
let stack: WechatStack

beforeAll(async () => {
  stack = await startWechatStack({ functions: discoverFunctions('source').filter((fn) => TIMER_FUNCTIONS.includes(fn.name)), maxInstances: 1 })
})

afterAll(async () => {
  await stack?.close()
})

/** What token metadata looks like in an answer: any of these would tell a caller about our tokens. */
const METADATA = /fingerprint|generation|expiresIn|ageSeconds|fetches|lastError|access_token|wx_card|done|retried|dead|queued|sessions/

const bodies = [
  '{}',
  // A caller dressing up as the timer: the event is theirs to write, SOURCE is not.
  JSON.stringify({ Type: 'Timer', TriggerName: 'refreshTokens', Time: new Date().toISOString() }),
  JSON.stringify({ action: 'status' }),
]

it('the timers still run', async () => {
  // A fresh stack has no tokens: the timer's run has to fetch both, which is how we see it ran.
  const calls = (endpoint: string) => stack.wechat.control.counters()[endpoint]?.calls ?? 0
  const before = [calls('/cgi-bin/stable_token'), calls('/cgi-bin/ticket/getticket')]
  expect(await stack.runtime.fireTimer('token')).toEqual({ ok: true, data: { refreshed: true } })
  expect(before).toEqual([0, 0])
  expect([calls('/cgi-bin/stable_token'), calls('/cgi-bin/ticket/getticket')]).toEqual([1, 1])
  expect(await stack.runtime.fireTimer('outbox')).toEqual({ ok: true, data: { done: [], retried: [], dead: [], uncertain: [] } })
  expect(await stack.runtime.fireTimer('retention')).toMatchObject({ ok: true })
  expect(await stack.runtime.fireTimer('reminders')).toEqual({ ok: true, data: { sessions: [], queued: 0 } })
})

it.each(TIMER_FUNCTIONS)('%s refuses calls through the gateway, with and without an identity, and says nothing', async (fn) => {
  // The token cache is warm (the test above), so there is metadata that could leak.
  const tokenCalls = stack.wechat.control.counters()['/cgi-bin/stable_token']?.calls ?? 0
  for (const body of bodies) {
    for (const openid of [undefined, 'o_curious_user']) {
      const { status, body: answer } = await stack.callRaw(fn, body, openid)
      expect(status).toBe(200)
      expect(answer).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: `${fn} runs only on its timer trigger` } })
      expect(JSON.stringify(answer)).not.toMatch(METADATA)
    }
  }
  // And none of those calls did the timer's work.
  expect(stack.wechat.control.counters()['/cgi-bin/stable_token']?.calls ?? 0).toBe(tokenCalls)
})

