/**
 * Every page's states in Chromium, against the real local stack: what a reload keeps, what an
 * attendee sees when the backend goes away mid-session (stale data with a notice, or an error with
 * a retry, never a blank page or an uncaught error) and when it only hangs (the 10 s timeout), an
 * unknown route, and an accessibility check (axe, serious and critical) with a screenshot of each
 * page and state: `test-results/screenshots/states-<page>-<state>.png`.
 *
 * The tests run in order and share one attendee: the ticket reserved in the first is the one the
 * later ones find stale, cancel and scan.
 */
import type { BrowserContext, Locator, Page, Response } from 'playwright-core'
import type { TicketView } from '../../cloud/src/api/models'
import { adminDb, doorEvent, openEvent, seedEvent } from '../support/adminDb'
import { CONSENT } from '../support/consent'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { expectNoSeriousA11yViolations } from './support/a11y'
import { launchPeople, saveShot, type LaunchedPeople } from './support/browser'
import { controlGateway, type GatewayControl } from './support/gateway'
import { serveH5, type H5Server } from './support/h5Server'
import { confirmModal } from './support/modal'

const EVENT_TITLE = '城市博物馆夜场开放日'
const DOOR_TITLE = '江边音乐会'
const NETWORK_MESSAGE = '网络不给力，请检查网络后重试'
const TIMEOUT_MESSAGE = '服务器没有及时响应，请稍后重试'
/** The stale notice names the time of the data below it, to the second. */
const STALE_SINCE = /。下面是 \d\d:\d\d:\d\d 的信息，可能不是最新的/

let stack: LocalStack
let gateway: GatewayControl
let h5: H5Server
let people: LaunchedPeople
/** The attendee who reserves; their page carries data from test to test. */
let attendee: BrowserContext
let page: Page
/** Someone who has never reserved (their own identity: a context has its own storage). */
let newcomer: BrowserContext
/** Becomes the development organizer on the workbench. */
let organizer: BrowserContext
let ticketId = ''
let ticketCode = ''
/** Uncaught errors in any page, checked after each test. */
let pageErrors: string[] = []

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2, functionEnv: { TICKETCARD_ORGANIZERS: 'dev_organizer' } })
  await seedEvent(adminDb(stack.adminUrl), { ...openEvent('states', [{ id: 'states-s1', capacity: 5 }, { id: 'states-s2', capacity: 8 }]), title: EVENT_TITLE })
  gateway = controlGateway(stack)
  h5 = await serveH5({ gatewayUrl: stack.gateway.url })
  people = await launchPeople(3)
  ;[attendee, newcomer, organizer] = people.contexts
  for (const context of people.contexts) {
    context.on('page', (opened) => opened.on('pageerror', (error) => pageErrors.push(`${opened.url()}: ${error.message}`)))
  }
  page = await attendee.newPage()
})

afterAll(async () => {
  await people?.close()
  await h5?.close()
  await gateway?.close()
  await stack?.close()
})

afterEach(async () => {
  // A failed test must not leave the next one without a backend.
  h5.outage(null)
  await gateway.start()
  const errors = pageErrors
  pageErrors = []
  expect(errors).toEqual([])
})

/** The element with this test id on the page on screen (Taro keeps earlier pages hidden in the DOM). */
const shown = (target: Page, testId: string): Locator => target.getByTestId(testId).filter({ visible: true })

const textOnScreen = (target: Page, text: string): Locator => target.getByText(text, { exact: false }).filter({ visible: true }).first()

async function visible(target: Page, text: string, timeout = 20_000): Promise<void> {
  await textOnScreen(target, text).waitFor({ state: 'visible', timeout })
}

async function tab(target: Page, label: '活动' | '我的票' | '工作台'): Promise<void> {
  await target.locator('.taro-tabbar__tabbar').getByText(label, { exact: true }).click()
}

async function open(context: BrowserContext, route: string): Promise<Page> {
  const opened = await context.newPage()
  await opened.goto(`${h5.url}/#${route}`)
  return opened
}

/** Screenshot and axe check of one state, with the same name. */
async function record(target: Page, name: string): Promise<void> {
  await saveShot(target, `states-${name}`)
  await expectNoSeriousA11yViolations(target, name)
}

const isAction = (response: Response, action: string): boolean =>
  /\/api\/\w+$/.test(response.url()) && (response.request().postDataJSON() as { action?: string } | null)?.action === action

/** Does `trigger` and waits for the backend's answer to `action` to reach the page. */
async function answered(target: Page, action: string, trigger: () => Promise<unknown>): Promise<Response> {
  const response = target.waitForResponse((candidate) => isAction(candidate, action), { timeout: 15_000 })
  await trigger()
  const answer = await response
  // React renders the answer on the next frames; only then does the page say what it makes of it.
  await target.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
  return answer
}

/** The notice a failed refresh leaves above data: the error, the time of the data, a retry. */
async function expectStale(target: Page, message: string): Promise<void> {
  const notice = shown(target, 'stale-notice')
  await notice.waitFor({ timeout: 20_000 })
  const text = (await notice.textContent()) ?? ''
  expect(text).toContain(message)
  expect(text).toMatch(STALE_SINCE)
  expect(await notice.getByText('重试', { exact: true }).count()).toBe(1)
}

/** A page with nothing to show after a failed load: says so, why, and offers a retry. */
async function expectLoadError(target: Page, message: string): Promise<void> {
  const error = shown(target, 'load-error')
  await error.waitFor({ timeout: 20_000 })
  const text = (await error.textContent()) ?? ''
  expect(text).toContain('没有加载出来')
  expect(text).toContain(message)
  expect(await error.getByText('重试', { exact: true }).count()).toBe(1)
}

/** Neither a framework error overlay nor anything stale or failed is on screen. */
async function expectNoTrouble(target: Page): Promise<void> {
  expect(await target.locator('#webpack-dev-server-client-overlay').count()).toBe(0)
  expect(await shown(target, 'stale-notice').count()).toBe(0)
  expect(await shown(target, 'load-error').count()).toBe(0)
}

const ticketRows = (target: Page) => shown(target, 'ticket-row').allTextContents()

test('reserve, ticket and my tickets show the same after a reload', async () => {
  await page.goto(h5.url)
  await visible(page, EVENT_TITLE)
  expect(await shown(page, 'session-row').allTextContents()).toEqual([expect.stringContaining('余 5 张'), expect.stringContaining('余 8 张')])
  await record(page, 'events-one')

  await textOnScreen(page, '第1场').click()
  await visible(page, '预约信息')
  const session = (await shown(page, 'reserve-session').textContent()) ?? ''
  expect(session).toContain('第1场')
  await record(page, 'reserve-form')

  await page.reload()
  await visible(page, '预约信息')
  expect(await shown(page, 'reserve-session').textContent()).toBe(session)
  await page.locator('input[name="name"]').filter({ visible: true }).fill('王小明')
  await page.locator('input[name="phone"]').filter({ visible: true }).fill('13812345678')
  await textOnScreen(page, '我已阅读并同意').click()
  await saveShot(page, 'states-reserve-reloaded')
  await textOnScreen(page, '提交预约').click()
  await visible(page, '预约成功')
  await saveShot(page, 'states-reserve-done')

  await textOnScreen(page, '查看票券').click()
  const qr = page.getByTestId('ticket-qr').filter({ visible: true })
  await qr.waitFor()
  ticketCode = (await qr.getAttribute('data-code')) ?? ''
  expect(ticketCode).toMatch(/^\d{18}$/)
  ticketId = new URL(page.url().replace('/#/', '/')).searchParams.get('ticketId') ?? ''
  expect(ticketId).not.toBe('')
  expect(await shown(page, 'ticket-status').textContent()).toBe('有效')
  await record(page, 'ticket-active')

  await page.reload()
  await qr.waitFor()
  expect(await qr.getAttribute('data-code')).toBe(ticketCode)
  expect(await shown(page, 'ticket-status').textContent()).toBe('有效')
  await visible(page, '王小明')
  await saveShot(page, 'states-ticket-reloaded')

  await page.goto(`${h5.url}/#/pages/tickets/index`)
  await shown(page, 'ticket-row').first().waitFor()
  const rows = await ticketRows(page)
  expect(rows).toEqual([expect.stringMatching(new RegExp(`^${EVENT_TITLE}有效第1场`))])
  await record(page, 'tickets-list')

  await page.reload()
  await shown(page, 'ticket-row').first().waitFor()
  expect(await ticketRows(page)).toEqual(rows)
  await saveShot(page, 'states-tickets-reloaded')
})

test('with the gateway stopped, pages keep their data under a stale notice, fresh pages offer a retry, and all recover when it is back', async () => {
  // The attendee's page has my tickets (read at the reload above) and reads the events now.
  await tab(page, '活动')
  await visible(page, EVENT_TITLE)
  await gateway.stop()

  // Tapping a session with the backend gone still opens its form, from the events already read.
  await shown(page, 'session-row').filter({ hasText: '第2场' }).click()
  await visible(page, '预约信息')
  expect(page.url()).toContain('/pages/reserve/index?sessionId=states-s2')
  await expectStale(page, NETWORK_MESSAGE)
  expect(await shown(page, 'reserve-session').textContent()).toContain('第2场')
  expect(await page.locator('input[name="name"]').filter({ visible: true }).count()).toBe(1)
  await record(page, 'reserve-stale')

  await page.goBack()
  await expectStale(page, NETWORK_MESSAGE)
  await visible(page, EVENT_TITLE)
  expect(await shown(page, 'session-row').count()).toBe(2)
  await record(page, 'events-stale')

  await tab(page, '我的票')
  await expectStale(page, NETWORK_MESSAGE)
  expect(await ticketRows(page)).toHaveLength(1)
  await record(page, 'tickets-stale')

  await shown(page, 'ticket-row').click()
  await expectStale(page, NETWORK_MESSAGE)
  expect(await page.getByTestId('ticket-qr').filter({ visible: true }).getAttribute('data-code')).toBe(ticketCode)
  expect(await shown(page, 'ticket-status').textContent()).toBe('有效')
  await record(page, 'ticket-stale')
  expect(await page.locator('#webpack-dev-server-client-overlay').count()).toBe(0)

  // The same pages opened by link, with nothing read yet: an error and a retry, after one
  // automatic second try of the read.
  const fresh: Record<string, Page> = {}
  for (const [name, route] of [
    ['events', '/pages/event/index'],
    ['reserve', '/pages/reserve/index?sessionId=states-s1'],
    ['ticket', `/pages/ticket/index?ticketId=${ticketId}`],
    ['tickets', '/pages/tickets/index'],
  ] as const) {
    const opened = await attendee.newPage()
    const tries: string[] = []
    opened.on('request', (request) => {
      if (/\/api\/attendee$/.test(request.url())) tries.push((request.postDataJSON() as { action: string }).action)
    })
    await opened.goto(`${h5.url}/#${route}`)
    await expectLoadError(opened, NETWORK_MESSAGE)
    expect(await opened.locator('#webpack-dev-server-client-overlay').count()).toBe(0)
    const read = { events: 'events.list', reserve: 'events.list', ticket: 'tickets.get', tickets: 'tickets.mine' }[name]
    expect(tries.filter((action) => action === read)).toHaveLength(2)
    await record(opened, `${name}-error`)
    fresh[name] = opened
  }

  await gateway.start()

  // 重试 on a page that had nothing: the form appears.
  await answered(fresh.reserve, 'events.list', () => shown(fresh.reserve, 'load-error').getByText('重试', { exact: true }).click())
  await visible(fresh.reserve, '预约信息')
  expect(await shown(fresh.reserve, 'reserve-session').textContent()).toContain('第1场')
  await expectNoTrouble(fresh.reserve)
  await saveShot(fresh.reserve, 'states-reserve-recovered')
  await answered(fresh.ticket, 'tickets.get', () => shown(fresh.ticket, 'load-error').getByText('重试', { exact: true }).click())
  expect(await fresh.ticket.getByTestId('ticket-qr').filter({ visible: true }).getAttribute('data-code')).toBe(ticketCode)
  await expectNoTrouble(fresh.ticket)
  for (const opened of Object.values(fresh)) await opened.close()

  // 重试 on the stale notice: the notice goes, the ticket stays.
  await answered(page, 'tickets.get', () => shown(page, 'stale-notice').getByText('重试', { exact: true }).click())
  await expectNoTrouble(page)
  expect(await shown(page, 'ticket-status').textContent()).toBe('有效')
  await saveShot(page, 'states-ticket-recovered')

  // Showing a page again reads again: no notice left on my tickets or the events tab.
  await answered(page, 'tickets.mine', () => page.goBack())
  await expectNoTrouble(page)
  expect(await ticketRows(page)).toHaveLength(1)
  await answered(page, 'events.list', () => tab(page, '活动'))
  await expectNoTrouble(page)
  await visible(page, EVENT_TITLE)
})

test('a backend that never answers: loading at once, 正在更新… over old data, then the timeout, and a retry recovers', async () => {
  // The attendee's events tab is on screen with data; my tickets has its list from before.
  await visible(page, EVENT_TITLE)
  h5.outage('hang')
  const started = Date.now()

  const asked = page.waitForRequest((request) => /\/api\/attendee$/.test(request.url()) && (request.postDataJSON() as { action: string }).action === 'tickets.mine')
  await tab(page, '我的票')
  await asked
  // A refresh that answers quickly says nothing, so nothing flashes up in its first moments…
  await page.waitForTimeout(300)
  expect(await shown(page, 'refreshing').count()).toBe(0)
  const fresh = await open(newcomer, '/pages/event/index')
  await shown(fresh, 'loading').waitFor({ timeout: 5_000 })
  expect(await shown(fresh, 'loading').textContent()).toBe('加载中…')
  await record(fresh, 'events-loading')

  // …a slow one says so above the list it keeps.
  await shown(page, 'refreshing').waitFor({ timeout: 5_000 })
  expect(await shown(page, 'refreshing').textContent()).toBe('正在更新…')
  expect(await ticketRows(page)).toHaveLength(1)
  await record(page, 'tickets-refreshing')

  await expectStale(page, TIMEOUT_MESSAGE)
  expect(await ticketRows(page)).toHaveLength(1)
  expect(await shown(page, 'refreshing').count()).toBe(0)
  await saveShot(page, 'states-tickets-timeout')
  await expectLoadError(fresh, TIMEOUT_MESSAGE)
  await saveShot(fresh, 'states-events-timeout')
  // The app gave up at its own timeout, not earlier and not at the browser's (60 s).
  expect(Date.now() - started).toBeGreaterThanOrEqual(9_500)
  expect(Date.now() - started).toBeLessThan(20_000)

  h5.outage(null)
  await answered(page, 'tickets.mine', () => shown(page, 'stale-notice').getByText('重试', { exact: true }).click())
  await expectNoTrouble(page)
  expect(await ticketRows(page)).toHaveLength(1)
  await answered(fresh, 'events.list', () => shown(fresh, 'load-error').getByText('重试', { exact: true }).click())
  await visible(fresh, EVENT_TITLE)
  await expectNoTrouble(fresh)
  await fresh.close()
})

test('an unknown route lands on the events page', async () => {
  const lost = await open(newcomer, '/pages/nope/index')
  await visible(lost, EVENT_TITLE)
  expect(lost.url()).toContain('/#/pages/event/index')
  expect(await shown(lost, 'session-row').count()).toBe(2)
  await saveShot(lost, 'states-unknown-route')
  await lost.close()
})

test('every page and state passes axe: events list and detail, not found, cancelled ticket, empty list, privacy, workbench, check-in, desk', async () => {
  await seedEvent(adminDb(stack.adminUrl), doorEvent('states-door', { capacity: 4 }))
  const door = await stack.call<TicketView>(
    'attendee',
    'reservation.reserve',
    { sessionId: 'states-door-s', requestId: 'req-states-door-1', attendee: { name: '李四', phone: '13700002222' }, consent: CONSENT },
    'dev_states_door_attendee',
  )
  if (!door.ok) throw new Error(JSON.stringify(door.error))

  // Several events: a list, each row with its badge, each opening its own page.
  const events = await open(attendee, '/pages/event/index')
  await visible(events, '共 2 个活动')
  expect((await shown(events, 'event-row').allTextContents()).sort()).toEqual([
    expect.stringMatching(new RegExp(`^${EVENT_TITLE}可预约`)),
    expect.stringMatching(new RegExp(`^${DOOR_TITLE}可预约`)),
  ].sort())
  await record(events, 'events-list')
  await shown(events, 'event-row').filter({ hasText: EVENT_TITLE }).click()
  await visible(events, '选择场次')
  expect(events.url()).toContain('/pages/event-detail/index?eventId=states')
  // The attendee's ticket holds one seat of the first session.
  expect(await shown(events, 'session-row').allTextContents()).toEqual([expect.stringContaining('余 4 张'), expect.stringContaining('余 8 张')])
  await record(events, 'event-detail')

  await events.goto(`${h5.url}/#/pages/event-detail/index?eventId=nope`)
  await shown(events, 'not-found').waitFor()
  expect(await shown(events, 'not-found').textContent()).toContain('找不到这个活动')
  await record(events, 'event-detail-not-found')

  await events.goto(`${h5.url}/#/pages/reserve/index?sessionId=nope`)
  await shown(events, 'not-found').waitFor()
  expect(await shown(events, 'not-found').textContent()).toContain('找不到这个场次')
  await record(events, 'reserve-not-found')
  // Its way on: all events.
  await shown(events, 'not-found').getByText('查看全部活动').click()
  await visible(events, '共 2 个活动')
  expect(events.url()).toContain('/pages/event/index')

  await events.goto(`${h5.url}/#/pages/ticket/index?ticketId=nope`)
  await shown(events, 'not-found').waitFor()
  expect(await shown(events, 'not-found').textContent()).toContain('找不到这张票')
  await record(events, 'ticket-not-found')
  await events.close()

  // The ticket, cancelled through its dialog.
  await page.goto(`${h5.url}/#/pages/ticket/index?ticketId=${ticketId}`)
  await visible(page, '入场时请出示此二维码')
  await textOnScreen(page, '取消预约').click()
  const dialog = page.locator('.taro-modal__content').filter({ visible: true })
  await dialog.waitFor()
  expect(await dialog.textContent()).toContain('取消这张票？')
  expect(await page.locator('.taro-modal__foot').filter({ visible: true }).textContent()).toBe('保留取消预约')
  await record(page, 'ticket-cancel-dialog')
  await confirmModal(page)
  await shown(page, 'ticket-status').filter({ hasText: '已取消' }).waitFor()
  expect(await textOnScreen(page, '入场时请出示此二维码').count()).toBe(0)
  await record(page, 'ticket-cancelled')

  await page.goto(`${h5.url}/#/pages/tickets/index`)
  const row = shown(page, 'ticket-row')
  await row.filter({ hasText: '已取消' }).waitFor()
  expect(await row.getAttribute('class')).toContain('ticket-row--muted')
  await record(page, 'tickets-cancelled')

  // Someone with no tickets: the empty list, and its way to the events.
  const empty = await open(newcomer, '/pages/tickets/index')
  await shown(empty, 'empty').waitFor()
  expect(await shown(empty, 'empty').textContent()).toBe('还没有票，去活动页预约吧去看看活动')
  await record(empty, 'tickets-empty')
  await shown(empty, 'empty').getByText('去看看活动').click()
  await visible(empty, '共 2 个活动')

  await empty.goto(`${h5.url}/#/pages/privacy/index?eventId=states`)
  await visible(empty, '票卡个人信息处理说明')
  await record(empty, 'privacy')

  await empty.goto(`${h5.url}/#/pages/event/index`)
  await tab(empty, '工作台')
  await visible(empty, '你还不是工作人员')
  await record(empty, 'workbench-visitor')
  await empty.close()

  // The development organizer: the workbench, check-in at the door event, its desk.
  const desk = await open(organizer, '/pages/organizer/index')
  await visible(desk, '你还不是工作人员')
  await textOnScreen(desk, '切换为主办方 dev_organizer').click()
  await visible(desk, '当前身份：dev_organizer')
  const doorRow = shown(desk, 'workbench-event').filter({ hasText: DOOR_TITLE })
  await doorRow.waitFor()
  await record(desk, 'workbench-organizer')

  await doorRow.getByText('现场检票', { exact: true }).click()
  await visible(desk, '你在哪个检票口？')
  await record(desk, 'checkin-gate')
  await desk.locator('input[name="gate"]').filter({ visible: true }).fill('东门')
  await textOnScreen(desk, '开始检票').click()
  await visible(desk, '手动输入票号')
  await record(desk, 'checkin-manual')

  const scan = async (code: string, verdict: string) => {
    await desk.locator('input[name="code"]').filter({ visible: true }).fill(code)
    await textOnScreen(desk, '核验').click()
    await shown(desk, 'scan-result').filter({ hasText: verdict }).waitFor()
  }
  await scan(door.data.code, '可以入场')
  await record(desk, 'checkin-admitted')
  await textOnScreen(desk, '继续检票').click()
  await scan(door.data.code, '已入场过')
  await record(desk, 'checkin-already')
  await textOnScreen(desk, '继续检票').click()
  await scan(ticketCode, '不能入场')
  expect(await shown(desk, 'scan-result').textContent()).toContain('这张票已取消')
  await record(desk, 'checkin-denied')
  await textOnScreen(desk, '继续检票').click()

  await desk.goBack()
  await doorRow.getByText('数据与管理', { exact: true }).click()
  await visible(desk, '每 10 秒自动刷新')
  await shown(desk, 'figures-states-door-s').filter({ hasText: '1已入场' }).waitFor()
  await record(desk, 'desk')
  await desk.close()
})
