/**
 * The card pack heals from an api_ticket WeChat no longer accepts (issue 30, finding 10). The
 * functions keep the `wx_card` ticket in the shared cache for its whole life; when the simulator
 * restarts on its state file it still knows that ticket, and when a ticket ends early anyway the
 * add fails with 40080 once, the app reports that cardExt through `card.ext {refusedCardExt}`, and
 * the server compare-and-clears exactly the ticket that signed it: the next cardExt is signed with
 * a fresh one, fetched once. A report is believed only as far as it can be checked, and drops are
 * rate limited.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startWechatSimulator, type WechatSimulator } from '../../../cloud/local/wechat'
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { TicketView } from '../../../cloud/src/api/models'
import { TICKET_DROPS_PER_PERSON_PER_DAY } from '../../../cloud/src/domain/cardPack'
import type { TokenRecord } from '../../../cloud/src/wechat/tokens'
import { CONSENT } from '../../support/consent'
import { adminDb, allDocs, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { startLocalStack, type LocalStack } from '../../support/localStack'
import { createApprovedCard, simPost } from '../../support/simCard'
import { TEST_OA } from '../../support/wechatStack'

let dir = ''
let stateFile = ''
let wechat: WechatSimulator
let stack: LocalStack
let db: Db
let cardId = ''

const startSimulator = (port = 0) => startWechatSimulator({ port, accounts: [TEST_OA], log: () => undefined, stateFile })

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ticket-refused-'))
  stateFile = path.join(dir, 'wechat-sim.json')
  wechat = await startSimulator()
  cardId = await createApprovedCard(wechat)
  stack = await startLocalStack({
    functions: discoverFunctions('source').filter((fn) => fn.name === 'attendee'),
    maxInstances: 2,
    // By URL: the simulator restarts on the same port, as `npm run serve` does.
    wechatSimulator: wechat.baseUrl,
    functionEnv: { OA_APPID: TEST_OA.appid, OA_APPSECRET: TEST_OA.secret, WECHAT_API_BASE: wechat.baseUrl, TICKETCARD_CARD_ID: cardId },
  })
  db = adminDb(stack.adminUrl)
  await seedEvent(db, openEvent('refused', [{ id: 'refused-s1', capacity: 50 }]))
})

afterAll(async () => {
  await stack?.close()
  await wechat?.close()
  rmSync(dir, { recursive: true, force: true })
})

let requestCounter = 0
async function reserve(openid: string): Promise<TicketView> {
  requestCounter += 1
  const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'refused-s1', requestId: `req-refused-${requestCounter}`, attendee: { name: '王卡券', phone: '13900002222' }, consent: CONSENT }, openid)
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data
}

async function ext(ticketId: string, openid: string, refusedCardExt?: string): Promise<string> {
  const answer = await stack.call<{ cardId: string; cardExt: string }>('attendee', 'card.ext', refusedCardExt === undefined ? { ticketId } : { ticketId, refusedCardExt }, openid)
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data.cardExt
}

const walletAdd = (openid: string, cardExt: string) => simPost(wechat, '/wallet/addCard', { openid, cardList: [{ cardId, cardExt }] })
const ticketFetches = () => wechat.control.counters()['/cgi-bin/ticket/getticket']?.calls ?? 0
const cachedTicket = async () => (await allDocs<TokenRecord>(db, 'wechat_tokens')).find((doc) => doc._id === `${TEST_OA.appid}:wx_card`) as TokenRecord

test('the simulator restarted on the same state file still accepts the ticket the functions cached: no 40080, no new fetch', async () => {
  const before = await reserve('o_restart_before')
  const firstAdd = await walletAdd('oa_restart_before', await ext(before.id, 'o_restart_before'))
  expect(firstAdd).toMatchObject({ errcode: 0 })
  const generation = (await cachedTicket()).generation

  const port = wechat.port
  await wechat.close()
  wechat = await startSimulator(port)

  const after = await reserve('o_restart_after')
  const added = await walletAdd('oa_restart_after', await ext(after.id, 'o_restart_after'))
  expect(added).toMatchObject({ errcode: 0, cardList: [{ isSuccess: true }] })
  expect(ticketFetches()).toBe(0)
  expect((await cachedTicket()).generation).toBe(generation)
  // The encrypted code handed out before the restart still decrypts after it.
  const [item] = firstAdd.cardList as { code: string }[]
  expect(await stack.call('attendee', 'card.added', { ticketId: before.id, encryptCode: item.code }, 'o_restart_before')).toEqual({ ok: true, data: { card: 'added' } })
})

test('a ticket WeChat no longer accepts: the add fails with 40080 once, the report drops exactly that ticket, and the next add succeeds with one fetch', async () => {
  const ticket = await reserve('o_heal')
  await ext(ticket.id, 'o_heal')
  const stale = await cachedTicket()
  expect(wechat.control.expireTicket()).toEqual({ expired: true })
  wechat.control.resetCounters()

  // The cache still holds the ticket WeChat ended: the phone refuses the cardExt it signed.
  const refusedExt = await ext(ticket.id, 'o_heal')
  const refused = await walletAdd('oa_heal', refusedExt)
  expect(refused).toMatchObject({ errcode: 40080 })
  expect(String(refused.errmsg)).toMatch(/earlier wx_card api_ticket/)

  // The app reports it and gets a cardExt signed with a fresh ticket, fetched exactly once.
  const healedExt = await ext(ticket.id, 'o_heal', refusedExt)
  expect(ticketFetches()).toBe(1)
  const fresh = await cachedTicket()
  expect(fresh.value).not.toBe(stale.value)
  expect(fresh.value).toBe(wechat.control.currentTicket()?.ticket)
  expect(fresh.generation).toBe(stale.generation + 1)
  const added = await walletAdd('oa_heal', healedExt)
  expect(added).toMatchObject({ errcode: 0, cardList: [{ isSuccess: true }] })
  const [item] = added.cardList as { code: string }[]
  expect(await stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode: item.code }, 'o_heal')).toEqual({ ok: true, data: { card: 'added' } })

  // The same report again (late, or from another instance) never drops the newer ticket.
  expect(await stack.call('attendee', 'card.ext', { ticketId: ticket.id, refusedCardExt: refusedExt }, 'o_heal')).toMatchObject({ ok: true })
  expect(ticketFetches()).toBe(1)
  expect((await cachedTicket()).value).toBe(fresh.value)
})

test('a report is believed only as far as it can be checked, and drops are rate limited', async () => {
  const ticket = await reserve('o_report_owner')
  const other = await reserve('o_report_other')
  const good = await ext(ticket.id, 'o_report_owner')
  wechat.control.resetCounters()
  const report = (ticketId: string, openid: string, refusedCardExt: unknown) => stack.call('attendee', 'card.ext', { ticketId, refusedCardExt }, openid)

  // Only the owner: anyone else gets the NOT_FOUND of card.ext.
  expect(await report(ticket.id, 'o_report_stranger', good)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  // Another ticket's cardExt, or anything that is not a cardExt as card.ext makes them.
  expect(await report(other.id, 'o_report_other', good)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: { refusedCardExt: 'INVALID_VALUE' } } })
  const fields = JSON.parse(good) as Record<string, string>
  for (const bad of ['', 'x', '{}', 42, JSON.stringify({ ...fields, extra: '1' }), JSON.stringify({ ...fields, signature: 'A'.repeat(40) }), 'x'.repeat(600)]) {
    expect(await report(ticket.id, 'o_report_owner', bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  }
  // Well formed, but not signed with the cached ticket (forged, or a ticket already replaced): nothing dropped.
  expect(await report(ticket.id, 'o_report_owner', JSON.stringify({ ...fields, signature: 'a'.repeat(40) }))).toMatchObject({ ok: true })
  // Signed with it but old: not what WeChat just refused.
  const old = JSON.stringify({ ...fields, timestamp: String(Number(fields.timestamp) - 3600) })
  expect(await report(ticket.id, 'o_report_owner', old)).toMatchObject({ ok: true })
  expect(ticketFetches()).toBe(0)

  // A genuine cardExt of a ticket WeChat still accepts can drop it only so often.
  for (let i = 0; i < TICKET_DROPS_PER_PERSON_PER_DAY; i += 1) {
    expect(await report(ticket.id, 'o_report_owner', await ext(ticket.id, 'o_report_owner'))).toMatchObject({ ok: true })
  }
  expect(ticketFetches()).toBe(TICKET_DROPS_PER_PERSON_PER_DAY)
  expect(await report(ticket.id, 'o_report_owner', await ext(ticket.id, 'o_report_owner'))).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } })
  expect(ticketFetches()).toBe(TICKET_DROPS_PER_PERSON_PER_DAY)
  // The ticket is still good: the card adds.
  expect(await walletAdd('oa_report_owner', await ext(ticket.id, 'o_report_owner'))).toMatchObject({ errcode: 0, cardList: [{ isSuccess: true }] })
})
