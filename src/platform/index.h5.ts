import Taro from '@tarojs/taro'
import { developmentOpenid } from '../services/devIdentity'
import type { AddCardOutcome, CardPackHost, FileExportHost, PlatformCapabilities, ScannerHost, WechatPrivacyHost } from './types'
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

/** Browsers have neither the card pack nor a native scanner; the in-app QR ticket always works. */
export const capabilities: PlatformCapabilities = {
  signedIn: DEV_BACKEND,
  cardPack: cardPack !== null,
  scanCode: scanner !== null,
  subscribeMessage: false,
}

/** A browser has no WeChat privacy authorization: the app's own consent on the form is the whole story. */
export const wechatPrivacy: WechatPrivacyHost | null = null

export function initPlatform(): void {}
