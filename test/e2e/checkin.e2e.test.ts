/**
 * The door in Chromium, on the H5 development build against the real local stack (functions
 * started with TICKETCARD_ORGANIZERS=dev_organizer, as `npm run dev` does). The organizer takes the
 * development organizer identity on the 工作台 tab and adds a staff member by the id their 工作台
 * shows; the staff member (another browser context, another identity) names the gate, types the
 * code of the ticket an attendee reserved and sees green, types it again and sees amber with the
 * first entry time; the organizer's desk counts one check-in, its chart shows it, and the CSV
 * export (downloaded) has the row.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from 'playwright-core'
import type { TicketView } from '../../cloud/src/api/models'
import { adminDb, doorEvent, seedEvent } from '../support/adminDb'
import { CONSENT } from '../support/consent'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { launchPeople, PHONE_VIEWPORT, SCREENSHOT_DIR, type LaunchedPeople } from './support/browser'
import { serveH5, type H5Server } from './support/h5Server'

let stack: LocalStack
let people: LaunchedPeople
let h5: H5Server
let ticket: TicketView

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2, functionEnv: { TICKETCARD_ORGANIZERS: 'dev_organizer' } })
  // One session starting in 30 minutes: inside the default entry window (from 60 minutes before).
  await seedEvent(adminDb(stack.adminUrl), doorEvent('e2e-door', { capacity: 4, limits: { perSession: 1, perEvent: 1 } }))
  const reserved = await stack.call<TicketView>(
    'attendee',
    'reservation.reserve',
    { sessionId: 'e2e-door-s', requestId: 'req-e2e-door-1', attendee: { name: '王小明', phone: '13700001111' }, consent: CONSENT },
    'dev_e2e_attendee',
  )
  if (!reserved.ok) throw new Error(JSON.stringify(reserved.error))
  ticket = reserved.data
  h5 = await serveH5({ gatewayUrl: stack.gateway.url })
  people = await launchPeople(2)
})

afterAll(async () => {
  await people?.close()
  await h5?.close()
  await stack?.close()
})

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `checkin-${name}.png`) })

async function visible(page: Page, text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 20_000 })
}

async function openWorkbench(page: Page): Promise<void> {
  await page.goto(h5.url)
  await page.locator('.weui-tabbar__item', { hasText: '工作台' }).click()
}

/** The answer screen's colour, as painted. */
const background = (page: Page) => page.getByTestId('scan-result').evaluate((element) => getComputedStyle(element).backgroundColor)

test('organizer adds staff; staff checks a ticket in by hand: green, then amber; the desk and the export show it', async () => {
  const [organizerContext, staffContext] = people.contexts
  const organizer = await organizerContext.newPage()
  const staff = await staffContext.newPage()

  // The staff member's phone: no tools yet, only the id to send to the organizer.
  await openWorkbench(staff)
  await visible(staff, '你还不是工作人员')
  const staffId = (await staff.getByTestId('my-openid').textContent())?.trim() ?? ''
  expect(staffId).toMatch(/^dev_[0-9a-f]{24}$/)
  expect(await staff.getByText('现场检票', { exact: true }).count()).toBe(0)
  await shot(staff, '1-not-staff')

  // The organizer becomes `npm run dev`'s organizer, opens the event's desk and adds that id.
  await openWorkbench(organizer)
  await visible(organizer, '你还不是工作人员')
  await organizer.getByText('切换为主办方 dev_organizer').click()
  await visible(organizer, '数据与管理')
  await visible(organizer, '当前身份：dev_organizer')
  await organizer.getByText('数据与管理').click()
  await visible(organizer, '每 10 秒自动刷新')
  await organizer.locator('input[name="staffOpenid"]').fill(staffId)
  await organizer.getByText('添加', { exact: true }).click()
  await organizer.getByTestId('staff-row').filter({ hasText: staffId }).waitFor()
  await shot(organizer, '2-staff-added')

  // The staff member's 工作台 now has the event; the gate is asked once.
  await openWorkbench(staff)
  await staff.getByTestId('workbench-event').filter({ hasText: '江边音乐会' }).waitFor()
  await staff.getByText('现场检票', { exact: true }).click()
  await visible(staff, '你在哪个检票口？')
  await staff.locator('input[name="gate"]').fill('东门')
  await staff.getByText('开始检票').click()
  await visible(staff, '手动输入票号')
  // A browser has no scanner: the code is typed.
  expect(await staff.getByText('扫码检票', { exact: true }).count()).toBe(0)
  await shot(staff, '3-gate-and-code')

  await staff.locator('input[name="code"]').fill(ticket.code)
  await staff.getByText('核验', { exact: true }).click()
  await visible(staff, '可以入场')
  expect(await background(staff)).toBe('rgb(21, 128, 61)')
  const green = (await staff.getByTestId('scan-result').textContent()) ?? ''
  expect(green).toContain('王**')
  expect(green).toContain('已入场 1 次')
  const box = await staff.getByTestId('scan-result').boundingBox()
  expect(box).toMatchObject({ x: 0, y: 0, width: PHONE_VIEWPORT.width })
  await shot(staff, '4-admitted')

  await staff.getByText('继续检票').click()
  await staff.locator('input[name="code"]').fill(ticket.code)
  await staff.getByText('核验', { exact: true }).click()
  await visible(staff, '已入场过')
  expect(await background(staff)).toBe('rgb(180, 83, 9)')
  expect((await staff.getByTestId('scan-result').textContent()) ?? '').toMatch(/首次入场\d+月\d+日 \d\d:\d\d/)
  await shot(staff, '5-already-admitted')

  // The desk reads its figures again (every 10 s); one check-in, drawn in the chart.
  await organizer.getByTestId('figures-e2e-door-s').filter({ hasText: '1已入场' }).waitFor({ timeout: 15_000 })
  expect(await organizer.getByTestId('figures-e2e-door-s').textContent()).toBe('1已预约0已取消1已入场3余票')
  const checkedInBar = organizer.locator('.fill-chart__bar--checked-in').last()
  expect(await checkedInBar.evaluate((element) => (element as HTMLElement).style.width)).toBe('25%')
  expect((await checkedInBar.boundingBox())?.width).toBeGreaterThan(50)
  expect(await organizer.getByTestId('fill-row').textContent()).toContain('已约 25% · 入场 1/1')

  await organizer.getByTestId('stats-at').scrollIntoViewIfNeeded()
  await shot(organizer, '6-desk-figures')

  // The export: two CSV files, each downloaded on its own tap.
  await organizer.getByText('生成导出文件').click()
  await organizer.getByTestId('export-row').first().waitFor()
  const downloads = []
  for (const index of [0, 1]) {
    const [download] = await Promise.all([organizer.waitForEvent('download'), organizer.getByText('下载', { exact: true }).nth(index).click()])
    downloads.push({ name: download.suggestedFilename(), text: readFileSync((await download.path()) as string, 'utf8') })
  }
  expect(downloads.map((file) => file.name)).toEqual([expect.stringMatching(/^e2e-door-reservations-\d{8}\.csv$/), expect.stringMatching(/^e2e-door-checkins-\d{8}\.csv$/)])
  const [reservations, checkins] = downloads.map((file) => file.text)
  expect(reservations.startsWith('\uFEFF')).toBe(true)
  const ticketRow = reservations.split(/\r?\n/).find((line) => line.includes(ticket.code)) ?? ''
  expect(ticketRow).toContain('王小明')
  expect(ticketRow).toContain('137****1111')
  expect(ticketRow).not.toContain('13700001111')
  const scanRows = checkins.split(/\r?\n/).filter((line) => line.includes(ticket.code))
  expect(scanRows).toHaveLength(2)
  expect(scanRows[0]).toContain('东门')
  expect(scanRows[0]).toContain(staffId)
  await shot(organizer, '7-desk-export')
})
