/**
 * Reminders in Chromium, on the H5 development build: the stand-in for WeChat's subscribe sheet
 * lists the configured templates, and the person's answer goes to the backend like WeChat's. Accept
 * after reserving and the ticket says reminders are on; decline and the ticket page offers to ask
 * again.
 */
import path from 'node:path'
import type { Page } from 'playwright-core'
import type { TicketRecord } from '../../cloud/src/domain/records'
import { DEV_SUBSCRIBE_TEMPLATES } from '../../cloud/local/wechat/devTemplates'
import { DEV_SUBSCRIBE_TEMPLATES_SETTING } from '../../scripts/devReminders'
import { adminDb, allTickets, openEvent, seedEvent } from '../support/adminDb'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { expectNoSeriousA11yViolations } from './support/a11y'
import { launchPeople, SCREENSHOT_DIR, type LaunchedPeople } from './support/browser'
import { serveH5, type H5Server } from './support/h5Server'

let stack: LocalStack
/** Two people, each on their own phone (their own development identity). */
let people: LaunchedPeople
let h5: H5Server

const TEMPLATE_IDS = DEV_SUBSCRIBE_TEMPLATES.map((template) => template.id)

beforeAll(async () => {
  // The development configuration `npm run dev` gives the functions: the simulator's templates.
  stack = await startLocalStack({ maxInstances: 2, functionEnv: { TICKETCARD_SUBSCRIBE_TEMPLATES: DEV_SUBSCRIBE_TEMPLATES_SETTING } })
  await seedEvent(adminDb(stack.adminUrl), { ...openEvent('remind', [{ id: 'remind-s1', capacity: 10 }]), title: '开场提醒体验夜' })
  h5 = await serveH5({ gatewayUrl: stack.gateway.url })
  people = await launchPeople(2)
})

afterAll(async () => {
  await people?.close()
  await h5?.close()
  await stack?.close()
})

async function visible(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 20_000 })
}

/** The person reserves the event's session and lands on 预约成功. */
async function reserve(page: Page, name: string): Promise<void> {
  await page.goto(h5.url)
  await visible(page, '开场提醒体验夜')
  await page.getByText('第1场').click()
  await visible(page, '预约信息')
  await page.locator('input[name="name"]').fill(name)
  await page.locator('input[name="phone"]').fill('13600005678')
  await page.getByText('我已阅读并同意').click()
  await page.getByText('提交预约').click()
  await visible(page, '预约成功')
}

const ticketOf = async (name: string): Promise<TicketRecord> => {
  const [ticket] = (await allTickets(adminDb(stack.adminUrl))).filter((t) => t.attendee.name === name)
  return ticket
}

test('reserve, allow the reminders on the sheet, and the ticket says they are on', async () => {
  const page = await people.contexts[0].newPage()
  await reserve(page, '陈晓雨')
  await expectNoSeriousA11yViolations(page, 'reserved, with the reminder offer')

  await page.getByText('开启开场提醒').click()
  const sheet = page.getByRole('dialog', { name: '「票卡」申请发送以下消息' })
  await sheet.waitFor({ state: 'visible' })
  // The templates the functions are configured with, by what they are for.
  expect(await sheet.locator('li').allTextContents()).toEqual(['预约成功通知', '活动开场提醒'])
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'reminders-1-sheet.png') })
  await expectNoSeriousA11yViolations(page, 'the stand-in subscribe sheet')

  const consent = page.waitForResponse((response) => response.url().includes('/api/attendee') && (response.request().postData() ?? '').includes('reminders.consent'))
  await sheet.getByRole('button', { name: '允许' }).click()
  expect(await (await consent).json()).toMatchObject({ ok: true, data: { reminders: { state: 'on', accepted: TEMPLATE_IDS } } })

  await page.getByTestId('ticket-qr').waitFor({ state: 'visible' })
  expect(await page.getByTestId('ticket-reminders').textContent()).toBe('已开启')
  expect(await page.getByText('开启提醒', { exact: true }).count()).toBe(0)
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'reminders-2-on.png') })
  expect((await ticketOf('陈晓雨')).reminders).toMatchObject({ accepted: TEMPLATE_IDS, on: true })
  await page.close()
})

test('decline on the sheet: the ticket page says reminders are off and asks again in one tap', async () => {
  const page = await people.contexts[1].newPage()
  await reserve(page, '吴思远')
  await page.getByText('开启开场提醒').click()
  await page.getByRole('dialog').getByRole('button', { name: '取消' }).click()

  await page.getByTestId('ticket-qr').waitFor({ state: 'visible' })
  expect(await page.getByTestId('ticket-reminders').textContent()).toBe('未开启')
  expect((await ticketOf('吴思远')).reminders).toMatchObject({ accepted: [], on: false })
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'reminders-3-off.png') })
  await expectNoSeriousA11yViolations(page, 'the ticket with reminders off')

  await page.getByText('开启提醒', { exact: true }).click()
  await page.getByRole('dialog').getByRole('button', { name: '允许' }).click()
  await visible(page, '已开启')
  expect(await page.getByTestId('ticket-reminders').textContent()).toBe('已开启')
  expect((await ticketOf('吴思远')).reminders).toMatchObject({ accepted: TEMPLATE_IDS, on: true })
  await page.close()
})
