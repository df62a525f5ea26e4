import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium; never a browser downloaded by Playwright (this machine can't fetch one). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '..', 'test-results', 'screenshots')

/** The smallest common phone screen (iPhone X/11 Pro/12 mini class): layouts that fit here fit the rest. */
export const PHONE_VIEWPORT = { width: 375, height: 812 } as const

export interface LaunchedBrowser {
  context: BrowserContext
  close(): Promise<void>
}

/** A fresh Chromium with its own empty profile, sized like a phone. */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`)
  }
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'ticketcard-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: PHONE_VIEWPORT,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
  })
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return {
    context,
    async close() {
      await context.close()
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

/** One Chromium with several contexts: people on their own phones, each with its own storage (its own dev identity). */
export interface LaunchedPeople {
  browser: Browser
  contexts: BrowserContext[]
  close(): Promise<void>
}

export async function launchPeople(count: number): Promise<LaunchedPeople> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`)
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
  const contexts: BrowserContext[] = []
  for (let i = 0; i < count; i += 1) {
    contexts.push(await browser.newContext({ viewport: PHONE_VIEWPORT, deviceScaleFactor: 2, locale: 'zh-CN', acceptDownloads: true }))
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  return {
    browser,
    contexts,
    async close() {
      for (const context of contexts) await context.close()
      await browser.close()
    },
  }
}

/**
 * `SCREENSHOT_DIR/<name>.png` of what the viewport shows (or the whole page). Finite CSS animations
 * and transitions are fast-forwarded to their end, so a dialog that is fading in is shot as it
 * will stay rather than half transparent.
 */
export async function saveShot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file, animations: 'disabled', fullPage: options.fullPage ?? false })
  return file
}
