import path from 'node:path'
import type { Page } from 'playwright-core'
import { launchBrowser, SCREENSHOT_DIR, type LaunchedBrowser } from './support/browser'
import { serveH5, type H5Server } from './support/h5Server'

// This test is about the app shell and navigation only, so the backend answer is a fixture
// served at the network layer; the journey against the real local stack is its own test.
// Times are relative to now: a session that has started or a window that has closed is not
// tappable, and the reservation form refuses it.
const HOUR = 3600_000
const fromNow = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString()
const eventsFixture = {
  ok: true,
  data: {
    events: [
      {
        id: 'ev-nav',
        title: '导航测试活动',
        venue: '测试场馆',
        description: '用于检验页面导航',
        reservationOpensAt: fromNow(-24),
        reservationClosesAt: fromNow(24 * 30),
        limits: { perSession: 1, perEvent: 2 },
        idNumber: 'optional',
        dataRetentionDays: 30,
        sessions: [
          { id: 'sess-a', eventId: 'ev-nav', name: '上午场', place: '东门', startsAt: fromNow(24 * 7), endsAt: fromNow(24 * 7 + 2), capacity: 10, remaining: 4 },
        ],
      },
    ],
  },
}

let browser: LaunchedBrowser
let h5: H5Server
let page: Page
let staffOf: { id: string; title: string; role: 'staff' | 'organizer' }[] = []

beforeAll(async () => {
  h5 = await serveH5()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await h5?.close()
})

beforeEach(async () => {
  page = await browser.context.newPage()
  await page.route('**/api/attendee', (route) => {
    const { action } = route.request().postDataJSON() as { action: string }
    const answer = action === 'events.list' ? eventsFixture : action === 'tickets.mine' ? { ok: true, data: { tickets: [] } } : null
    return answer
      ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) })
      : route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'UNKNOWN_ACTION', message: action } }) })
  })
  // A visitor who organizes nothing and staffs nothing (until a test makes them staff).
  staffOf = []
  await page.route('**/api/organizer', (route) => {
    const { action } = route.request().postDataJSON() as { action: string }
    const answer = action === 'roles.mine' ? { ok: true, data: { openid: 'dev_nav_visitor', events: staffOf } } : { ok: false, error: { code: 'FORBIDDEN', message: 'not an organizer' } }
    return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) })
  })
})

afterEach(async () => {
  await page?.close()
})

test('opens the app, goes from the event page to the reservation form and back', async () => {
  await page.goto(h5.url)

  await page.getByText('导航测试活动').waitFor({ timeout: 30_000 })
  await expectVisible(page, '余 4 张')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'navigation-1-event.png') })

  await page.getByText('上午场').click()
  await page.getByText('预约信息').waitFor()
  expect(page.url()).toContain('/pages/reserve/index?sessionId=sess-a')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'navigation-2-reserve.png') })

  await page.goBack()
  await expectVisible(page, '导航测试活动')
  expect(page.url()).toContain('/pages/event/index')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'navigation-3-back.png') })
})

test('the tab bar reaches my tickets and the workbench, which shows a visitor no tools', async () => {
  await page.goto(h5.url)
  await page.getByText('导航测试活动').waitFor({ timeout: 30_000 })

  await page.locator('.taro-tabbar__tabbar').getByText('我的票').click()
  await expectVisible(page, '还没有票，去活动页预约吧')

  await page.locator('.taro-tabbar__tabbar').getByText('工作台').click()
  await expectVisible(page, '你还不是工作人员')
  await expectVisible(page, 'dev_nav_visitor')
  expect(await page.getByText('现场检票', { exact: true }).count()).toBe(0)
})

test('staff go from the workbench tab into check-in (the staff subpackage) and back', async () => {
  staffOf = [{ id: 'ev-nav', title: '导航测试活动', role: 'staff' }]
  await page.goto(h5.url)
  await page.locator('.taro-tabbar__tabbar').getByText('工作台').click()
  await page.getByText('现场检票', { exact: true }).click()
  await expectVisible(page, '你在哪个检票口？')
  expect(page.url()).toContain('/staff/checkin/index?eventId=ev-nav')
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'navigation-4-checkin.png') })

  await page.goBack()
  await expectVisible(page, '我参与的活动')
  expect(page.url()).toContain('/pages/organizer/index')
})

async function expectVisible(target: Page, text: string): Promise<void> {
  await target.getByText(text).first().waitFor({ state: 'visible', timeout: 15_000 })
}
