/**
 * The ticket in the card pack, end to end through the functions and the simulator's wallet:
 * a signed cardExt the wallet accepts, card.added with the encrypted code, card.open, the card's
 * entry back into the app, the owner rule, cancellation switching the code off, and a decrypt
 * outage finished by the outbox.
 */
import { CONSENT } from '../../support/consent'
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { TicketView } from '../../../cloud/src/api/models'
import type { JobRecord, TicketRecord } from '../../../cloud/src/domain/records'
import { adminDb, allDocs, allTickets, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { createApprovedCard, simPost } from '../../support/simCard'
import { TEST_OA, startWechatStack, type WechatStack } from '../../support/wechatStack'

let stack: WechatStack
let db: Db
let cardId = ''

beforeAll(async () => {
  stack = await startWechatStack({
    functions: discoverFunctions('source').filter((fn) => ['attendee', 'outbox'].includes(fn.name)),
    maxInstances: 2,
    env: { TICKETCARD_OUTBOX_BASE_DELAY_MS: '1' },
    prepare: async (wechat) => {
      cardId = await createApprovedCard(wechat)
      return { TICKETCARD_CARD_ID: cardId }
    },
  })
  db = adminDb(stack.adminUrl)
  await seedEvent(db, openEvent('cardpack', [{ id: 'cardpack-s1', capacity: 20 }, { id: 'cardpack-s2', capacity: 20 }]))
})

afterAll(async () => {
  await stack?.close()
})

let requestCounter = 0
async function reserve(openid: string, sessionId = 'cardpack-s1'): Promise<TicketView> {
  requestCounter += 1
  const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId, requestId: `req-card-${requestCounter}`, attendee: { name: '李雷', phone: '13900001111' }, consent: CONSENT }, openid)
  if (!answer.ok) throw new Error(JSON.stringify(answer.error))
  return answer.data
}

async function ext(ticketId: string, openid: string) {
  return stack.call<{ cardId: string; cardExt: string }>('attendee', 'card.ext', { ticketId }, openid)
}

async function walletAdd(openid: string, cardExtString: string) {
  return simPost(stack.wechat, '/wallet/addCard', { openid, cardList: [{ cardId, cardExt: cardExtString }] })
}

const ticketRecord = async (id: string) => (await allTickets(db)).find((t) => t._id === id) as TicketRecord

test('the owner adds the ticket to the card pack, opens it, and comes back from the card', async () => {
  const ticket = await reserve('o_card_owner')
  const signed = await ext(ticket.id, 'o_card_owner')
  if (!signed.ok) throw new Error(JSON.stringify(signed.error))
  expect(signed.data.cardId).toBe(cardId)
  expect(typeof signed.data.cardExt).toBe('string')
  const fields = JSON.parse(signed.data.cardExt) as Record<string, string>
  expect(fields).toMatchObject({ code: ticket.code, outer_str: ticket.id })
  const apiTicket = stack.wechat.control.currentTicket({ appid: TEST_OA.appid, type: 'wx_card' })?.ticket
  expect(apiTicket).toBeTruthy()
  expect(JSON.stringify(signed)).not.toContain(String(apiTicket))

  const added = await walletAdd('oa_card_owner', signed.data.cardExt)
  const [item] = added.cardList as { code: string; isSuccess: boolean }[]
  expect(item.isSuccess).toBe(true)

  expect(await stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode: item.code }, 'o_card_owner')).toEqual({ ok: true, data: { card: 'added' } })
  expect((await ticketRecord(ticket.id)).card).toMatchObject({ cardId })
  // Idempotent: a retried call changes nothing.
  expect(await stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode: item.code }, 'o_card_owner')).toEqual({ ok: true, data: { card: 'added' } })

  const open = await stack.call<{ cardId: string; code: string }>('attendee', 'card.open', { ticketId: ticket.id }, 'o_card_owner')
  expect(open).toEqual({ ok: true, data: { cardId, code: ticket.code } })
  expect(await simPost(stack.wechat, '/wallet/openCard', { openid: 'oa_card_owner', cardList: [{ cardId, code: ticket.code }] })).toMatchObject({ errcode: 0 })

  const back = await stack.call<TicketView>('attendee', 'tickets.fromCard', { cardId, encryptCode: item.code }, 'o_card_owner')
  expect(back.ok && back.data.id).toBe(ticket.id)

  // Someone else learns nothing: the same NOT_FOUND as for a ticket that does not exist.
  for (const [action, payload] of [
    ['card.ext', { ticketId: ticket.id }],
    ['card.open', { ticketId: ticket.id }],
    ['card.added', { ticketId: ticket.id, encryptCode: item.code }],
    ['tickets.fromCard', { cardId, encryptCode: item.code }],
  ] as const) {
    const answer = await stack.call('attendee', action, payload, 'o_card_stranger')
    expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  }
})

test('a tampered or replayed cardExt is refused by the wallet', async () => {
  const ticket = await reserve('o_card_tamper')
  const signed = await ext(ticket.id, 'o_card_tamper')
  if (!signed.ok) throw new Error(JSON.stringify(signed.error))
  const tampered = JSON.stringify({ ...JSON.parse(signed.data.cardExt), code: '100000000000000009' })
  expect(await walletAdd('oa_tamper', tampered)).toMatchObject({ errcode: 40080 })
  expect((await walletAdd('oa_tamper', signed.data.cardExt)).cardList).toBeDefined()
  const replay = await walletAdd('oa_tamper', signed.data.cardExt)
  expect(replay.errcode).toBe(40080)
  expect(String(replay.errmsg)).toMatch(/nonce/)
})

test('a cancelled ticket gets no cardExt, and cancelling an added ticket makes its code unavailable', async () => {
  const ticket = await reserve('o_card_cancel', 'cardpack-s2')
  const signed = await ext(ticket.id, 'o_card_cancel')
  if (!signed.ok) throw new Error(JSON.stringify(signed.error))
  const [item] = (await walletAdd('oa_cancel', signed.data.cardExt)).cardList as { code: string }[]
  await stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode: item.code }, 'o_card_cancel')

  expect(await stack.call('attendee', 'tickets.cancel', { ticketId: ticket.id }, 'o_card_cancel')).toMatchObject({ ok: true })
  expect(await ext(ticket.id, 'o_card_cancel')).toMatchObject({ ok: false, error: { code: 'ALREADY_CANCELLED' } })
  expect(stack.wechat.control.code({ cardId, code: ticket.code })?.status).toBe('NORMAL')
  await stack.runtime.fireTimer('outbox')
  expect(stack.wechat.control.code({ cardId, code: ticket.code })?.status).toBe('UNAVAILABLE')
})

test('when WeChat cannot decrypt, card.added is queued and the outbox records it after recovery', async () => {
  const ticket = await reserve('o_card_outage')
  const signed = await ext(ticket.id, 'o_card_outage')
  if (!signed.ok) throw new Error(JSON.stringify(signed.error))
  const [item] = (await walletAdd('oa_outage', signed.data.cardExt)).cardList as { code: string }[]

  stack.wechat.control.setFault({ endpoint: '/card/code/decrypt', errcode: -1, rate: 1 })
  expect(await stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode: item.code }, 'o_card_outage')).toEqual({ ok: true, data: { card: 'pending' } })
  expect((await ticketRecord(ticket.id)).card ?? null).toBeNull()
  await stack.runtime.fireTimer('outbox')
  const job = (await allDocs<JobRecord>(db, 'jobs')).find((j) => j._id === `card.confirm:${ticket.id}`)
  expect(job).toMatchObject({ state: 'pending' })
  expect(job?.attempts).toBeGreaterThan(0)

  stack.wechat.control.clearFaults({ endpoint: '/card/code/decrypt' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  await stack.runtime.fireTimer('outbox')
  expect((await ticketRecord(ticket.id)).card).toMatchObject({ cardId })
  expect((await allDocs<JobRecord>(db, 'jobs')).find((j) => j._id === `card.confirm:${ticket.id}`)?.state).toBe('done')
})
