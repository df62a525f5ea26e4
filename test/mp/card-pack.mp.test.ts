/**
 * The card pack through the built weapp bundle: wx.addCard gets the server's cardExt (a string the
 * simulator's wallet accepts), wx.openCard the plain code, the card's entry brings the ticket back,
 * and closing the add sheet is not an error. A cardExt WeChat refuses because its api_ticket is no
 * longer valid (40080) is reported, and the add succeeds with a freshly signed one.
 */
import { demoEvent } from '../../scripts/demoEvent'
import { allTickets } from '../support/adminDb'
import type { MiniProgram, PageHandle } from './harness'
import { announceTarget, startMiniProgramStack, type MiniProgramStack } from './support'

const event = demoEvent()
let env: MiniProgramStack
let mp: MiniProgram

beforeAll(async () => {
  announceTarget('weapp', 'card pack')
  env = await startMiniProgramStack({ withCard: true })
  mp = env.open('weapp', 'o_harness_card')
})

afterAll(async () => {
  await env?.close()
})

async function reserveAndOpenTicket(app: MiniProgram = mp): Promise<PageHandle> {
  const events = await app.launch()
  await events.waitForText(event.title)
  await events.tap(event.sessions[1].name)
  const form = app.current()
  await form.input('与证件一致的姓名', '韩梅梅')
  await form.input('11 位手机号', '13700001234')
  await form.tap('我已阅读并同意')
  await form.tap('提交预约')
  await form.waitForText('预约成功')
  await form.tap('查看票券')
  const ticket = app.current()
  await ticket.waitForText('有效')
  return ticket
}

test('add the ticket to the card pack, open it there, and come back from the card', async () => {
  const page = await reserveAndOpenTicket()
  const [stored] = (await allTickets(env.db)).filter((t) => t._openid === 'o_harness_card')

  // The person closes the add sheet: nothing is reported, the button stays.
  mp.state.addCardOutcome = 'cancel'
  await page.tap('添加到微信卡包')
  expect(page.has('添加到微信卡包')).toBe(true)
  expect(page.findAll({ className: 'ticket__note' })).toEqual([])
  expect(mp.state.answersTo('addCard')).toEqual([{ errMsg: 'addCard:fail cancel' }])

  await page.tap('添加到微信卡包')
  await page.waitForText('在卡包中查看')
  const [, addCall] = mp.state.calledWith('addCard') as { cardList: { cardId: string; cardExt: unknown }[] }[]
  expect(addCall.cardList).toHaveLength(1)
  expect(addCall.cardList[0].cardId).toBe(env.cardId)
  expect(typeof addCall.cardList[0].cardExt).toBe('string')
  expect(JSON.parse(addCall.cardList[0].cardExt as string)).toMatchObject({ code: stored.code, outer_str: stored._id })
  const added = mp.state.answersTo('addCard')[1] as { errMsg: string; cardList: { code: string; isSuccess: boolean }[] }
  expect(added.errMsg).toBe('addCard:ok')
  expect(env.wechat?.control.code({ cardId: env.cardId as string, code: stored.code })?.status).toBe('NORMAL')
  expect((await allTickets(env.db)).find((t) => t._id === stored._id)?.card).toMatchObject({ cardId: env.cardId })

  await page.tap('在卡包中查看')
  expect(mp.state.calledWith('openCard')).toEqual([{ cardList: [{ cardId: env.cardId, code: stored.code }] }])
  expect(mp.state.answersTo('openCard')).toEqual([{ errMsg: 'openCard:ok' }])

  // The card's entry into the mini-program: the ticket page with card_id and encrypt_code.
  const encryptCode = added.cardList[0].code
  const fromCard = await mp.reLaunch(`/pages/ticket/index?card_id=${env.cardId}&encrypt_code=${encodeURIComponent(encryptCode)}`)
  await fromCard.waitForText('韩梅梅')
  expect(fromCard.find({ className: 'ticket-qr__code' }).text.replace(/\s/g, '')).toBe(stored.code)
  expect(fromCard.has('在卡包中查看')).toBe(true)
  expect(mp.errors).toEqual([])
})

test('a cardExt WeChat refuses (its api_ticket ended early): the app reports it once and adds the card with a fresh one', async () => {
  const phone = env.open('weapp', 'o_harness_card_heal')
  const page = await reserveAndOpenTicket(phone)
  const [stored] = (await allTickets(env.db)).filter((t) => t._openid === 'o_harness_card_heal')
  const wechat = env.wechat!
  // The functions hold a ticket in their cache, and WeChat ends it early.
  expect(await env.stack.call('attendee', 'card.ext', { ticketId: stored._id }, 'o_harness_card_heal')).toMatchObject({ ok: true })
  expect(wechat.control.expireTicket()).toEqual({ expired: true })
  wechat.control.resetCounters()

  await page.tap('添加到微信卡包')
  await page.waitForText('在卡包中查看')
  const [refused, added] = phone.state.answersTo('addCard') as { errMsg: string }[]
  expect(refused.errMsg).toMatch(/^addCard:fail .*invalid card ext/)
  expect(added.errMsg).toBe('addCard:ok')
  const [firstAdd, secondAdd] = phone.state.calledWith('addCard') as { cardList: { cardExt: string }[] }[]
  const cardCalls = (phone.state.calledWith('cloud.callFunction') as { data: { action: string; payload: Record<string, unknown> } }[]).filter((call) => call.data.action === 'card.ext')
  expect(cardCalls.map((call) => call.data.payload)).toEqual([{ ticketId: stored._id }, { ticketId: stored._id, refusedCardExt: firstAdd.cardList[0].cardExt }])
  expect(secondAdd.cardList[0].cardExt).not.toBe(firstAdd.cardList[0].cardExt)
  expect(wechat.control.counters()['/cgi-bin/ticket/getticket']?.calls).toBe(1)
  expect(wechat.control.code({ cardId: env.cardId as string, code: stored.code })?.status).toBe('NORMAL')
  expect((await allTickets(env.db)).find((t) => t._id === stored._id)?.card).toMatchObject({ cardId: env.cardId })
  expect(page.findAll({ className: 'ticket__note' })).toEqual([])
  expect(phone.errors).toEqual([])
})
