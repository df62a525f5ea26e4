/**
 * The organizer's card commands as a person runs them, against the WeChat simulator: card:create
 * with the example definition, card:whitelist, card:status; bad definitions fail naming the field
 * before any call reaches WeChat.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startWechatSimulator, type WechatSimulator } from '../../../cloud/local/wechat'
import { runScript } from '../../support/runScript'
import { TEST_OA } from '../../support/wechatStack'

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'cards', 'ticket-card.example.json')
let sim: WechatSimulator
let env: Record<string, string>
let scratch: string

beforeAll(async () => {
  sim = await startWechatSimulator({ accounts: [TEST_OA], log: () => undefined })
  env = { OA_APPID: TEST_OA.appid, OA_APPSECRET: TEST_OA.secret, WECHAT_API_BASE: sim.baseUrl, TICKETCARD_CARD_ID: '' }
  scratch = mkdtempSync(path.join(tmpdir(), 'ticketcard-cards-'))
  copyFileSync(path.join(path.dirname(EXAMPLE), 'ticket-card-logo.png'), path.join(scratch, 'ticket-card-logo.png'))
})

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true })
  await sim?.close()
})

const totalCalls = () => Object.values(sim.control.counters()).reduce((sum, counter) => sum + counter.calls, 0)

/** The example, valid from now for a year (its own dates would one day be past). */
function freshExample(): string {
  const definition = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Card
  const now = Math.floor(Date.now() / 1000)
  base(definition).date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: now - 86_400, end_timestamp: now + 365 * 86_400 }
  const file = path.join(scratch, 'ticket-card.json')
  writeFileSync(file, JSON.stringify(definition))
  return file
}

test('card:create makes the example card (logo uploaded, in review); whitelist and status follow it', async () => {
  const created = await runScript('card', ['create', freshExample()], env)
  expect(created.stderr).toBe('')
  expect(created.status).toBe(0)
  const cardId = /card_id (\S+)/.exec(created.stdout)?.[1] as string
  expect(cardId).toBeTruthy()
  expect(created.stdout).toMatch(/in review/)
  const card = sim.control.card({ cardId })
  expect(card).toMatchObject({ cardType: 'SCENIC_TICKET', status: 'CARD_STATUS_NOT_VERIFY' })
  expect(sim.control.counters()['/cgi-bin/media/uploadimg']?.ok).toBe(1)

  const testers = ['oWhitelistTester0123456789ab', 'tester_wechat_id']
  const whitelisted = await runScript('card', ['whitelist', ...testers], env)
  expect(whitelisted.status).toBe(0)
  expect(sim.control.whitelist({ appid: TEST_OA.appid })).toEqual({ openid: [testers[0]], username: [testers[1]] })

  sim.control.approveCard({ cardId })
  const status = await runScript('card', ['status', cardId], env)
  expect(status.status).toBe(0)
  expect(status.stdout).toContain('approved')
  expect(status.stdout).toContain('stock 100000 of 100000')
})

test.each([
  ['a title of 10 汉字', (card: Card) => (base(card).title = '博物馆夜场开放日门票'), 'card.scenic_ticket.base_info.title: 10 汉字 long; WeChat allows 9'],
  ['a web-link entry', (card: Card) => (base(card).center_url = 'https://example.com/ticket'), 'card.scenic_ticket.base_info.center_url: web-link entries are rejected'],
  ['no logo', (card: Card) => delete (card as { logo?: string }).logo, 'logo: missing'],
  ['a card bound to openids', (card: Card) => (base(card).bind_openid = true), 'card.scenic_ticket.base_info.bind_openid: must be false'],
])('card:create refuses %s before calling WeChat, naming the field', async (_name, spoil, message) => {
  const definition = JSON.parse(readFileSync(freshExample(), 'utf8')) as Card
  spoil(definition)
  const file = path.join(scratch, `bad-${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, JSON.stringify(definition))
  const before = totalCalls()
  const result = await runScript('card', ['create', file], env)
  expect(result.status).toBe(2)
  expect(result.stderr).toContain('nothing was sent to WeChat')
  expect(result.stderr).toContain(message)
  expect(totalCalls()).toBe(before)
})

type Card = { logo?: string; card: { scenic_ticket: { base_info: Record<string, unknown> } } }
const base = (card: Card) => card.card.scenic_ticket.base_info
