import path from 'node:path'
import type { Page } from 'playwright-core'
import { adminDb, openEvent, seedEvent, sessionState } from '../support/adminDb'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { launchBrowser, SCREENSHOT_DIR, type LaunchedBrowser } from './support/browser'
import { serveH5, type H5Server } from './support/h5Server'
import { confirmModal } from './support/modal'

let stack: LocalStack
let browser: LaunchedBrowser
let h5: H5Server
let page: Page

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `journey-${name}.png`) })

beforeAll(async () => {
  stack = await startLocalStack({ maxInstances: 2 })
  const db = adminDb(stack.adminUrl)
  await seedEvent(db, { ...openEvent('journey', [{ id: 'journey-s1', capacity: 5 }, { id: 'journey-s2', capacity: 8 }]), title: '城市博物馆夜场开放日' })
  h5 = await serveH5({ gatewayUrl: stack.gateway.url })
  browser = await launchBrowser()
  page = await browser.context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await h5?.close()
  await stack?.close()
})

async function decodeQrInPage(target: Page): Promise<string | null> {
  await target.addScriptTag({ path: require.resolve('jsqr/dist/jsQR.js') })
  return target.evaluate(() => {
    const img = document.querySelector('[data-testid="ticket-qr"] img, img[data-testid="ticket-qr"]') as HTMLImageElement | null
    if (!img) return null
    const canvas = document.createElement('canvas')
    canvas.width = img.naturalWidth
    canvas.height = img.naturalHeight
    const context = canvas.getContext('2d')
    if (!context) return null
    context.drawImage(img, 0, 0)
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height)
    const decode = (window as unknown as { jsQR: (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null }).jsQR
    return decode(pixels.data, canvas.width, canvas.height)?.data ?? null
  })
}

async function visible(text: string): Promise<void> {
  await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible', timeout: 20_000 })
}

test('a new attendee reserves, sees the QR ticket, cancels, and the seat returns', async () => {
  const db = adminDb(stack.adminUrl)
  await page.goto(h5.url)
  await visible('城市博物馆夜场开放日')
  await visible('余 5 张')
  await shot('1-event')

  await page.getByText('第1场').click()
  await visible('预约信息')
  await page.locator('input[name="name"]').fill('王小明')
  await page.locator('input[name="phone"]').fill('1381234')
  await page.getByText('提交预约').click()
  await visible('请输入正确的 11 位手机号')
  await shot('2-invalid-phone')
  expect((await sessionState(db, 'journey-s1')).remaining).toBe(5)

  await page.locator('input[name="phone"]').fill('13812345678')
  await page.getByText('我已阅读并同意').click()
  await page.getByText('提交预约').click()
  await visible('预约成功')
  await shot('3-reserved')
  expect((await sessionState(db, 'journey-s1')).remaining).toBe(4)

  await page.getByText('查看票券').click()
  const qr = page.getByTestId('ticket-qr')
  await qr.waitFor({ state: 'visible' })
  const code = await qr.getAttribute('data-code')
  expect(code).toMatch(/^\d{18}$/)
  const qrBox = await qr.boundingBox()
  expect(qrBox?.width).toBeGreaterThan(150)
  // What a gate scanner would read: decode the rendered QR image in the page.
  expect(await decodeQrInPage(page)).toBe(code)
  await visible('有效')
  await visible('13812345678')
  await shot('4-ticket')

  await page.getByText('取消预约').click()
  await confirmModal(page)
  await visible('已取消')
  await shot('5-cancelled')
  expect((await sessionState(db, 'journey-s1')).remaining).toBe(5)

  await page.goto(`${h5.url}/#/pages/event/index`)
  await visible('余 5 张')
  await shot('6-seat-returned')
})
