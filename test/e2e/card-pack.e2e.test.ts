/**
 * The card pack in Chromium, as a new user of the H5 development build: the simulator's wallet
 * stands in for the phone, so the browser drives the real signing path. Reserve, add the ticket
 * to the card pack, open it, come back through the card's entry; a tampered cardExt and a replayed
 * one are refused by the wallet; a cardExt refused because its api_ticket ended early is reported,
 * and the card is added with a freshly signed one.
 */
import path from 'node:path'
import type { Page, Response } from 'playwright-core'
import { discoverFunctions } from '../../cloud/local/runtime/functions'
import { adminDb, allTickets, openEvent, seedEvent } from '../support/adminDb'
import { createApprovedCard } from '../support/simCard'
import { startWechatStack, type WechatStack } from '../support/wechatStack'
import { launchBrowser, SCREENSHOT_DIR, type LaunchedBrowser } from './support/browser'
import { serveH5, type H5Server } from './support/h5Server'

let stack: WechatStack
let browser: LaunchedBrowser
let h5: H5Server
let cardId = ''

beforeAll(async () => {
  stack = await startWechatStack({
    functions: discoverFunctions('source').filter((fn) => fn.name === 'attendee'),
    maxInstances: 2,
    prepare: async (wechat) => {
      cardId = await createApprovedCard(wechat)
      return { TICKETCARD_CARD_ID: cardId }
    },
  })
  await seedEvent(adminDb(stack.adminUrl), { ...openEvent('wallet', [{ id: 'wallet-s1', capacity: 10 }, { id: 'wallet-s2', capacity: 10 }]), title: '卡包体验日' })
  h5 = await serveH5({ gatewayUrl: stack.gateway.url, wechatUrl: stack.wechat.baseUrl })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await h5?.close()
  await stack?.close()
})

async function visible(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 20_000 })
}

/** A new person reserves the given session and lands on the ticket page; answers the ticket code. */
async function reserveAndOpenTicket(page: Page, session: string): Promise<string> {
  await page.goto(h5.url)
  await visible(page, '卡包体验日')
  await page.getByText(session).click()
  await visible(page, '预约信息')
  await page.locator('input[name="name"]').fill('林卡包')
  await page.locator('input[name="phone"]').fill('13600001234')
  await page.getByText('我已阅读并同意').click()
  await page.getByText('提交预约').click()
  await visible(page, '预约成功')
  await page.getByText('查看票券').click()
  const qr = page.getByTestId('ticket-qr')
  await qr.waitFor({ state: 'visible' })
  return (await qr.getAttribute('data-code')) as string
}

test('a new attendee adds the ticket to the card pack, opens it, and comes back through the card', async () => {
  const page = await browser.context.newPage()
  const code = await reserveAndOpenTicket(page, '第1场')

  const added = page.waitForResponse((response) => response.url().endsWith('/wallet/addCard'))
  await page.getByText('添加到微信卡包').click()
  const answer = (await (await added).json()) as { cardList: { code: string; isSuccess: boolean }[] }
  expect(answer.cardList[0].isSuccess).toBe(true)
  await visible(page, '在卡包中查看')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'card-pack-1-added.png') })
  expect(stack.wechat.control.code({ cardId, code })).toMatchObject({ status: 'NORMAL' })

  const opened = page.waitForResponse((response) => response.url().endsWith('/wallet/openCard'))
  await page.getByText('在卡包中查看').click()
  expect(await (await opened).json()).toMatchObject({ errcode: 0 })

  // The card's entry into the app: the ticket page with card_id and the encrypted code.
  await page.goto(`${h5.url}/#/pages/ticket/index?card_id=${cardId}&encrypt_code=${encodeURIComponent(answer.cardList[0].code)}`)
  await visible(page, '林卡包')
  expect(await page.getByTestId('ticket-qr').getAttribute('data-code')).toBe(code)
  await visible(page, '在卡包中查看')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'card-pack-2-from-card.png') })
  await page.close()
})

test('the wallet refuses a cardExt with one field changed, and the same cardExt a second time', async () => {
  const page = await browser.context.newPage()
  const code = await reserveAndOpenTicket(page, '第2场')
  let signed = ''
  await page.route('**/wallet/addCard', async (route) => {
    const body = route.request().postDataJSON() as { openid: string; cardList: { cardId: string; cardExt: string }[] }
    signed = body.cardList[0].cardExt
    const tampered = { ...JSON.parse(signed), code: code.replace(/^./, (d) => String((Number(d) + 1) % 10)) }
    await route.continue({ postData: JSON.stringify({ ...body, cardList: [{ ...body.cardList[0], cardExt: JSON.stringify(tampered) }] }) })
  })
  await page.getByText('添加到微信卡包').click()
  await visible(page, '添加到卡包没有成功')
  await expect(page.getByTestId('ticket-qr').isVisible()).resolves.toBe(true)
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'card-pack-3-refused.png') })
  expect(stack.wechat.control.code({ cardId, code })).toBeNull()

  // The untouched cardExt is good once; sent again it is a replay.
  const post = (ext: string) => page.request.post(`${h5.url}/wallet/addCard`, { data: { openid: 'o_replay', cardList: [{ cardId, cardExt: ext }] } })
  expect(((await (await post(signed)).json()) as { cardList: { isSuccess: boolean }[] }).cardList[0].isSuccess).toBe(true)
  expect(await (await post(signed)).json()).toMatchObject({ errcode: 40080 })
  await page.close()
})

test('a ticket WeChat ended early: the wallet refuses the first cardExt, the app reports it and adds the card', async () => {
  const page = await browser.context.newPage()
  await page.goto(h5.url)
  // Someone new on this browser (the earlier tests used this identity's two tickets).
  await page.evaluate(() => window.localStorage.clear())
  const code = await reserveAndOpenTicket(page, '第1场')
  const stored = (await allTickets(adminDb(stack.adminUrl))).find((t) => t.code === code)!
  // The functions hold the ticket in their cache, and WeChat ends it early.
  expect(await stack.call('attendee', 'card.ext', { ticketId: stored._id }, stored._openid)).toMatchObject({ ok: true })
  expect(stack.wechat.control.expireTicket()).toEqual({ expired: true })
  stack.wechat.control.resetCounters()

  const responses: Response[] = []
  page.on('response', (response) => {
    if (response.url().endsWith('/wallet/addCard')) responses.push(response)
  })
  await page.getByText('添加到微信卡包').click()
  await visible(page, '在卡包中查看')
  const answers = await Promise.all(responses.map((response) => response.json() as Promise<unknown>))
  expect(answers).toEqual([expect.objectContaining({ errcode: 40080 }), expect.objectContaining({ errcode: 0, cardList: [expect.objectContaining({ isSuccess: true })] })])
  expect(stack.wechat.control.counters()['/cgi-bin/ticket/getticket']?.calls).toBe(1)
  expect(stack.wechat.control.code({ cardId, code })).toMatchObject({ status: 'NORMAL' })
  expect(await page.getByText('添加到卡包没有成功').count()).toBe(0)
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'card-pack-4-healed.png') })
  await page.close()
})
