/**
 * Personal data in Chromium, on the H5 development build against the real local stack: the form
 * says what it collects and cannot be sent without the explicit agreement; the full notice opens
 * from the form and as a link of its own; agreeing reserves and the ticket records the notice
 * version and the time; the person erases their data from the cancelled ticket.
 */
import path from 'node:path'
import type { Page, Request } from 'playwright-core'
import { PRIVACY_NOTICE_VERSION } from '../../cloud/src/api/privacy'
import { adminDb, allTickets, openEvent, seedEvent, sessionState, type Db } from '../support/adminDb'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { launchBrowser, SCREENSHOT_DIR, type LaunchedBrowser } from './support/browser'
import { serveH5, type H5Server } from './support/h5Server'
import { confirmModal } from './support/modal'

let stack: LocalStack
let db: Db
let browser: LaunchedBrowser
let h5: H5Server

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2 })
  db = adminDb(stack.adminUrl)
  await seedEvent(db, { ...openEvent('privacy', [{ id: 'privacy-s1', capacity: 5 }]), title: '隐私说明体验日' })
  h5 = await serveH5({ gatewayUrl: stack.gateway.url })
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await h5?.close()
  await stack?.close()
})

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `privacy-${name}.png`) })

async function visible(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 20_000 })
}

/** Taro's H5 dialogs fade in: wait for running CSS animations and transitions, for the screenshot. */
async function settleAnimations(page: Page): Promise<void> {
  await page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined))))
}

/** The reservation requests the page sends, as sent. */
function recordReservations(page: Page): { payload: Record<string, unknown> }[] {
  const sent: { payload: Record<string, unknown> }[] = []
  page.on('request', (request: Request) => {
    if (!request.url().endsWith('/api/attendee') || request.method() !== 'POST') return
    const body = request.postDataJSON() as { action: string; payload: Record<string, unknown> }
    if (body.action === 'reservation.reserve') sent.push({ payload: body.payload })
  })
  return sent
}

test('no agreement, nothing sent; the notice opens from the form; agreeing reserves and records the agreement; the data can be erased', async () => {
  const page = await browser.context.newPage()
  const reservations = recordReservations(page)
  await page.goto(h5.url)
  await visible(page, '隐私说明体验日')
  await page.getByText('第1场').click()
  await visible(page, '预约信息')
  // What, why, how long, who: before anything is typed.
  await visible(page, '姓名、手机号、证件号码（选填）')
  await visible(page, '出票和入场核验，执行每人限约')
  await visible(page, '场次结束 30 天后自动删除')
  await visible(page, '本活动主办方；现场检票人员只看到打码后的姓名')
  const checkbox = page.getByTestId('consent-checkbox')
  expect(await checkbox.getAttribute('aria-checked')).toBe('false')

  await page.locator('input[name="name"]').fill('周知情')
  await page.locator('input[name="phone"]').fill('13512345678')
  await page.getByText('提交预约').click()
  await visible(page, '请阅读并同意个人信息处理说明')
  await shot(page, '1-agreement-required')
  expect(reservations).toEqual([])
  expect((await sessionState(db, 'privacy-s1')).remaining).toBe(5)
  expect(await allTickets(db)).toEqual([])

  // The full notice, from the form, and back to the form as it was left.
  await page.getByText('查看完整的个人信息处理说明').click()
  await visible(page, '票卡个人信息处理说明')
  expect(page.url()).toContain('/pages/privacy/index?eventId=privacy')
  await visible(page, `版本 ${PRIVACY_NOTICE_VERSION}`)
  await visible(page, '证件号码不会被保存')
  await visible(page, '场次结束 30 天后，系统自动删除')
  await visible(page, '删除我的个人信息')
  await shot(page, '2-notice')
  await page.goBack()
  await visible(page, '预约信息')
  expect(await page.locator('input[name="name"]').inputValue()).toBe('周知情')

  const before = Date.now()
  await checkbox.click()
  expect(await checkbox.getAttribute('aria-checked')).toBe('true')
  await page.getByText('提交预约').click()
  await visible(page, '预约成功')
  await shot(page, '3-reserved')
  expect(reservations.map((r) => r.payload.consent)).toEqual([{ noticeVersion: PRIVACY_NOTICE_VERSION }])
  const [stored] = await allTickets(db)
  expect(stored.attendee.name).toBe('周知情')
  expect(stored.consent?.noticeVersion).toBe(PRIVACY_NOTICE_VERSION)
  const agreedAt = new Date(stored.consent?.agreedAt ?? 0).getTime()
  expect(agreedAt).toBeGreaterThanOrEqual(before - 1000)
  expect(agreedAt).toBeLessThanOrEqual(Date.now())

  // Cancelled, the ticket's personal data can go at once, after a confirmation naming it.
  await page.getByText('查看票券').click()
  await visible(page, '13512345678')
  expect(await page.getByText('删除我的个人信息').count()).toBe(0)
  await page.getByText('取消预约').click()
  await confirmModal(page)
  await visible(page, '已取消')
  await page.getByText('已取消预约').waitFor({ state: 'hidden' })
  await page.getByText('删除我的个人信息').click()
  await visible(page, '删除这张票上的个人信息？')
  await settleAnimations(page)
  await shot(page, '4-erase-confirm')
  await page.getByText('删除', { exact: true }).click()
  await visible(page, '这张票上的姓名、手机号和证件信息已于')
  await page.getByText('个人信息已删除').waitFor({ state: 'hidden' })
  await shot(page, '5-erased')
  expect(await page.getByText('周知情').count()).toBe(0)
  const [erased] = await allTickets(db)
  expect(erased.attendee.name).toBe('')
  expect(erased.attendee.phone).toBe('')
  expect(erased.erasedAt).toBeTruthy()
  await page.close()
})

test('the notice opens as a link of its own and survives a reload', async () => {
  const page = await browser.context.newPage()
  await page.goto(`${h5.url}/#/pages/privacy/index`)
  await visible(page, '票卡个人信息处理说明')
  await visible(page, `版本 ${PRIVACY_NOTICE_VERSION}`)
  await visible(page, '场次结束 30 天后，系统自动删除')
  await page.reload()
  await visible(page, '票卡个人信息处理说明')
  await visible(page, '场次结束 30 天后，系统自动删除')
  // No WeChat privacy guide in a browser: that button is the weapp build's.
  expect(await page.getByText('查看微信小程序隐私保护指引').count()).toBe(0)
  await shot(page, '6-deep-link')
  await page.close()
})
