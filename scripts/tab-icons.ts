/**
 * `npm run icons`: renders the tab-bar icons. For each tab of app.config.ts, `assets/tabbar/<name>.svg`
 * (line art in `currentColor`) becomes its `iconPath` PNG in the tab bar's `color` and its
 * `selectedIconPath` PNG in `selectedColor`. The PNGs are committed: builds never need Chromium,
 * only whoever changes an icon or a colour does.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'

const root = path.resolve(__dirname, '..')
const sourceDir = path.join(root, 'src')
/** Debian's Chromium; never a browser downloaded by Playwright. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** WeChat's recommended tab-bar icon size, and its limit per file. */
const SIZE = 81
const MAX_BYTES = 40 * 1024

interface TabIcon {
  svg: string
  png: string
  color: string
}

/** The colour is written into the page's markup: only a plain #rrggbb gets there. */
function hexColour(name: string, value: string | undefined): string {
  if (!value || !/^#[0-9a-f]{6}$/i.test(value)) throw new Error(`tabBar.${name} ${value} is not #rrggbb`)
  return value
}

/** What to render, read from app.config.ts itself so paths and colours cannot drift from it. */
async function tabIcons(): Promise<TabIcon[]> {
  // Taro provides `defineAppConfig` and the build constants (config/index.ts) only while building;
  // app.config.ts and its i18n import read them at import time. Their values do not touch the tab bar.
  Object.assign(globalThis, { defineAppConfig: (config: unknown) => config, API_BASE: '/api', DEV_BACKEND: false })
  const { default: appConfig } = await import('../src/app.config')
  const tabBar = appConfig.tabBar
  if (!tabBar) throw new Error('app.config.ts has no tabBar')
  const color = hexColour('color', tabBar.color)
  const selectedColor = hexColour('selectedColor', tabBar.selectedColor)
  return tabBar.list.flatMap((item) => {
    if (!item.iconPath || !item.selectedIconPath) throw new Error(`tab ${item.pagePath} has no icons`)
    const svg = item.iconPath.replace(/\.png$/, '.svg')
    return [
      { svg, png: item.iconPath, color },
      { svg, png: item.selectedIconPath, color: selectedColor },
    ]
  })
}

async function main(): Promise<void> {
  const icons = await tabIcons()
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`)
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu'] })
  try {
    // Scale 1: one CSS pixel is one PNG pixel, so the screenshot is exactly SIZE×SIZE.
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 })
    for (const icon of icons) {
      const markup = readFileSync(path.join(sourceDir, icon.svg), 'utf8')
      await page.setContent(
        `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${SIZE}px;height:${SIZE}px}</style>` +
          `<div style="color:${icon.color}">${markup}</div>`,
      )
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } })
      if (png.length > MAX_BYTES) throw new Error(`${icon.png} is ${png.length} bytes: WeChat allows ${MAX_BYTES}`)
      writeFileSync(path.join(sourceDir, icon.png), png)
      console.log(`${icon.png}  ${icon.color}  ${png.length} bytes`)
    }
  } finally {
    await browser.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
