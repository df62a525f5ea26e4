/**
 * A reservation that meets BUSY (the backend's database at its quota, issue 21): the page shows a
 * calm queue state, tries the same request again by itself after the wait it was given, and ends
 * with one ticket. The first answer is BUSY as the backend words it; the retry reaches the real stack.
 */
import path from 'node:path'
import type { Page, Request } from 'playwright-core'
import { adminDb, allTickets, openEvent, seedEvent } from '../support/adminDb'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { launchBrowser, SCREENSHOT_DIR, type LaunchedBrowser } from './support/browser'
import { serveH5, type H5Server } from './support/h5Server'

let stack: LocalStack
let browser: LaunchedBrowser
let h5: H5Server
let page: Page

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2 })
  await seedEvent(adminDb(stack.adminUrl), { ...openEvent('queue', [{ id: 'queue-s1', capacity: 5 }]), title: '开幕音乐会' })
  h5 = await serveH5({ gatewayUrl: stack.gateway.url })
  browser = await launchBrowser()
  page = await browser.context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await h5?.close()
  await stack?.close()
})

const visible = (text: string) => page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 20_000 })
const reserveRequestId = (request: Request): string | null => {
  const body = request.postDataJSON() as { action?: string; payload?: { requestId?: string } } | null
  return body?.action === 'reservation.reserve' ? (body.payload?.requestId ?? null) : null
}

test('BUSY shows the queue, the same request is tried again by itself, and one ticket is made', async () => {
  const tried: string[] = []
  let refuse = 2
  await page.route('**/api/attendee', async (route) => {
    const requestId = reserveRequestId(route.request())
    if (requestId === null) return route.continue()
    tried.push(requestId)
    if (refuse <= 0) return route.continue()
    refuse -= 1
    // What the attendee function answers when the database stays at its quota.
    return route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ ok: false, error: { code: 'BUSY', message: 'attendee/reservation.reserve: the database is at its request quota; try again', retryable: true, retryAfterMs: 800 } }),
    })
  })

  await page.goto(h5.url)
  await visible('开幕音乐会')
  await page.getByText('第1场').click()
  await visible('预约信息')
  await page.locator('input[name="name"]').fill('王小明')
  await page.locator('input[name="phone"]').fill('13812345678')
  await page.getByText('我已阅读并同意').click()
  await page.getByText('提交预约').click()

  await page.getByTestId('reserve-queued').waitFor({ state: 'visible', timeout: 10_000 })
  await visible('排队中…')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'queue-1-queued.png') })
  await visible('预约成功')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'queue-2-reserved.png') })

  // Three tries of one request: two refused, the third served.
  expect(tried).toHaveLength(3)
  expect(new Set(tried).size).toBe(1)
  const tickets = (await allTickets(adminDb(stack.adminUrl))).filter((t) => t.sessionId === 'queue-s1')
  expect(tickets.map((t) => t.requestId)).toEqual([tried[0]])
})
