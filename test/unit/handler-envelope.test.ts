/**
 * The envelope a client gets when WeChat or the deployment's configuration fails: the stable code
 * and whether to retry, never the inside (WeChat endpoints and errcodes, internal URLs, the
 * operator's hints naming AppIDs and variables). The detail goes to the function's log.
 */
import type { ApiResult } from '../../cloud/src/api/envelope'
import { ConfigError } from '../../cloud/src/shared/config'
import { DomainError } from '../../cloud/src/shared/errors'
import { defineFunction } from '../../cloud/src/shared/handler'
import { WechatError } from '../../cloud/src/wechat/errors'

const INSIDE = /errcode|\/card\/|\/cgi-bin\/|127\.0\.0\.1|ECONNREFUSED|whitelist|OA_APP|TICKETCARD_|wx0123456789abcdef|203\.0\.113\.7|configuration:|got "/

function failWith(err: unknown) {
  return defineFunction('attendee', {
    'events.list': async () => {
      throw err
    },
  })
}

async function answer(err: unknown): Promise<ApiResult<unknown>> {
  return failWith(err)({ action: 'events.list', payload: {} })
}

let logged: string[]
beforeEach(() => {
  logged = []
  jest.spyOn(console, 'error').mockImplementation((line: unknown) => void logged.push(String(line)))
})
afterEach(() => jest.restoreAllMocks())

it.each([
  ['WeChat unreachable', new WechatError('/card/code/decrypt', -2, 'cannot reach http://127.0.0.1:9302: connect ECONNREFUSED 127.0.0.1:9302', 'wx0123456789abcdef', 'network'), 'WECHAT_BUSY', true],
  ['WeChat busy', new WechatError('/card/code/decrypt', -1, 'system error', 'wx0123456789abcdef'), 'WECHAT_BUSY', true],
  ['WeChat refusing the call', new WechatError('/card/code/decrypt', 40056, 'invalid serial code', 'wx0123456789abcdef'), 'WECHAT_BUSY', false],
  ['an IP not whitelisted', new WechatError('/cgi-bin/stable_token', 40164, 'invalid ip 203.0.113.7, not in whitelist', 'wx0123456789abcdef'), 'WECHAT_CONFIG', false],
  ['a wrong AppSecret', new WechatError('/cgi-bin/stable_token', 40125, 'invalid appsecret', 'wx0123456789abcdef'), 'WECHAT_CONFIG', false],
  ['a malformed setting', new ConfigError('TICKETCARD_CARD_ID', 'must be a card_id as /card/create answered it (got "x y")'), 'INTERNAL', false],
])('%s: a stable code, nothing of the inside, the detail in the log', async (_label, err, code, retryable) => {
  const result = await answer(err)
  expect(result).toMatchObject({ ok: false, error: { code, retryable } })
  expect(JSON.stringify(result)).not.toMatch(INSIDE)
  expect(logged.join('\n')).toContain((err as Error).message)
})

it('still answers a refusal with its own message and fields', async () => {
  const result = await answer(new DomainError('INVALID_INPUT', 'payload is invalid', { ticketId: 'INVALID_ID' }))
  expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: 'payload is invalid', fields: { ticketId: 'INVALID_ID' }, retryable: undefined } })
})

it('answers an unexpected failure INTERNAL without its text or stack', async () => {
  const result = await answer(new Error('document.get:fail -501001 resource system error. E11000 at /work/main/cloud/src/domain/tickets.ts:42'))
  expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', retryable: true } })
  expect(JSON.stringify(result)).not.toMatch(/E11000|501001|\/work\/|tickets\.ts/)
})
