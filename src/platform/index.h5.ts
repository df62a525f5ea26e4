import Taro from '@tarojs/taro'
import { DEV_TEXT, PAGE_TITLES } from '../i18n/zh-CN'
import { developmentOpenid } from '../services/devIdentity'
import { CARD_EXT_REFUSED } from './cardExtRefusal'
import type {
  AddCardOutcome,
  CardPackHost,
  FileExportHost,
  PlatformCapabilities,
  ScannerHost,
  SubscribeHost,
  SubscribeOutcome,
  SubscribeTemplate,
  WechatPrivacyHost,
} from './types'
import { safeFileName } from './fileName'

// Every variant of this module answers with the same types.
export type * from './types'

interface WalletAnswer {
  errcode?: number
  errmsg?: string
  cardList?: { code: string; isSuccess: boolean; errmsg?: string }[]
}

async function walletCall(path: string, cardList: unknown[]): Promise<WalletAnswer> {
  const response = await Taro.request<WalletAnswer>({
    url: `/wallet/${path}`,
    method: 'POST',
    data: { openid: await developmentOpenid(), cardList },
    header: { 'content-type': 'application/json' },
  })
  return response.data
}

/**
 * A browser has no card pack. In development the local WeChat simulator's wallet (proxied at
 * `/wallet`) stands in for the phone, so the browser drives the real signing path; production
 * browsers show no card button.
 */
const simulatorWallet: CardPackHost = {
  async add(card): Promise<AddCardOutcome> {
    try {
      const answer = await walletCall('addCard', [card])
      const item = answer.cardList?.[0]
      if (answer.errcode === CARD_EXT_REFUSED) return { outcome: 'refused', reason: answer.errmsg ?? 'invalid card ext' }
      if (answer.errcode || !item) return { outcome: 'failed', reason: answer.errmsg ?? 'addCard failed' }
      return item.isSuccess ? { outcome: 'added', encryptCode: item.code } : { outcome: 'failed', reason: item.errmsg ?? 'not added' }
    } catch (err) {
      return { outcome: 'failed', reason: String(err) }
    }
  },
  async open(card) {
    try {
      const answer = await walletCall('openCard', [card])
      return answer.errcode ? { ok: false, reason: answer.errmsg ?? 'openCard failed' } : { ok: true }
    } catch (err) {
      return { ok: false, reason: String(err) }
    }
  },
}

export const cardPack: CardPackHost | null = DEV_BACKEND ? simulatorWallet : null

/** A browser has no scanner the app can call: staff type the 18 digits under the QR code. */
export const scanner: ScannerHost | null = null

/**
 * A browser download: the file as a Blob behind an object URL, clicked through a hidden
 * `<a download>`. The CSV keeps the byte-order mark the backend put first, so spreadsheet apps
 * read it as UTF-8.
 */
const browserDownload: FileExportHost = {
  kind: 'download',
  async handOver(file) {
    try {
      const url = URL.createObjectURL(new Blob([file.content], { type: 'text/csv;charset=utf-8' }))
      const anchor = document.createElement('a')
      anchor.href = url
      anchor.download = safeFileName(file.filename)
      anchor.style.display = 'none'
      document.body.appendChild(anchor)
      anchor.click()
      anchor.remove()
      // The browser has taken the file by the next turn; freeing later costs nothing.
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
      return { outcome: 'done' }
    } catch (err) {
      return { outcome: 'failed', reason: String(err) }
    }
  },
}

export const fileExport: FileExportHost | null = browserDownload

function element<K extends keyof HTMLElementTagNameMap>(tag: K, style: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.style.cssText = style
  if (text !== undefined) node.textContent = text
  return node
}

/**
 * Development builds: a stand-in for WeChat's subscribe sheet, so a browser can answer it. Like
 * WeChat's, it sits over the page outside the app's own tree: drawn straight into the document,
 * from whichever page asks. 允许 accepts every template listed, 取消 declines them all.
 */
function standInSheet(templates: readonly SubscribeTemplate[]): Promise<SubscribeOutcome> {
  const text = DEV_TEXT
  if (!text) return Promise.resolve({ outcome: 'failed', reason: 'no subscribe sheet in this build' })
  return new Promise((resolve) => {
    const overlay = element('div', 'position:fixed;top:0;right:0;bottom:0;left:0;z-index:1000;background:rgba(0,0,0,0.5);display:flex;align-items:flex-end;')
    const panel = element('div', 'width:100%;box-sizing:border-box;background:#fff;border-radius:12px 12px 0 0;padding:24px 20px 32px;font-size:16px;color:#111827;')
    panel.setAttribute('role', 'dialog')
    panel.setAttribute('aria-modal', 'true')
    panel.setAttribute('aria-labelledby', 'subscribe-sheet-title')
    panel.dataset.testid = 'subscribe-sheet'
    const title = element('div', 'font-weight:600;margin-bottom:4px;', text.subscribeSheetTitle(PAGE_TITLES.app))
    title.id = 'subscribe-sheet-title'
    panel.append(title, element('div', 'font-size:12px;color:#4b5563;margin-bottom:16px;', text.subscribeSheetNote))
    const list = element('ul', 'list-style:none;margin:0 0 24px;padding:0;')
    for (const template of templates) list.append(element('li', 'padding:12px 0;border-top:1px solid #f0f0f0;', text.subscribeTemplateKind[template.kind]))
    panel.append(list)
    const actions = element('div', 'display:flex;')
    const button = (label: string, style: string, accepted: string[]) => {
      const node = element('button', `flex:1;height:44px;margin:0 6px;border-radius:8px;font-size:16px;${style}`, label)
      node.type = 'button'
      node.addEventListener('click', () => {
        overlay.remove()
        resolve({ outcome: 'answered', accepted })
      })
      return node
    }
    // WeChat's green, darkened to keep its text readable (4.5:1).
    const allow = button(text.subscribeAllow, 'border:none;background:#0a7d3e;color:#fff;', templates.map((template) => template.id))
    actions.append(button(text.subscribeCancel, 'border:none;background:#f3f4f6;color:#0a7d3e;', []), allow)
    panel.append(actions)
    overlay.append(panel)
    document.body.append(overlay)
    allow.focus()
  })
}

/** Subscribe messages are WeChat's: production browsers skip the step. */
export const subscribeMessages: SubscribeHost | null = DEV_BACKEND ? { request: standInSheet } : null

/** Browsers have neither the card pack nor a native scanner; the in-app QR ticket always works. */
export const capabilities: PlatformCapabilities = {
  signedIn: DEV_BACKEND,
  cardPack: cardPack !== null,
  scanCode: scanner !== null,
  subscribeMessage: subscribeMessages !== null,
}

/** A browser has no WeChat privacy authorization: the app's own consent on the form is the whole story. */
export const wechatPrivacy: WechatPrivacyHost | null = null

export function initPlatform(): void {}
