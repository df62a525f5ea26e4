import { scanWithCamera } from './scan'
import type { CardPackHost, FileExportHost, PlatformCapabilities, ScannerHost, SubscribeHost, WechatPrivacyHost } from './types'

// Every variant of this module answers with the same types.
export type * from './types'

/** Neutral default (Alipay, ByteDance and any other target): no card pack, no cloud call. */
export const cardPack: CardPackHost | null = null

/** Alipay (`my.scan`) and ByteDance (`tt.scanCode`) have a camera scanner. */
export const scanner: ScannerHost | null = { scan: scanWithCamera }

/**
 * No export: neither host offers a way to hand a file to the person that the app uses; the page
 * says to export from WeChat or a browser.
 */
export const fileExport: FileExportHost | null = null

/**
 * Alipay and ByteDance have subscribe messages of their own, but the backend sends WeChat's only:
 * asking here would promise reminders that never come, so the app skips the step.
 */
export const subscribeMessages: SubscribeHost | null = null

export const capabilities: PlatformCapabilities = {
  signedIn: DEV_BACKEND,
  cardPack: false,
  scanCode: scanner !== null,
  subscribeMessage: subscribeMessages !== null,
}

/**
 * WeChat's privacy authorization is WeChat's (ByteDance has a look-alike the app does not use):
 * here the app's own consent on the form, which the backend records, is the whole story.
 */
export const wechatPrivacy: WechatPrivacyHost | null = null

export function initPlatform(): void {}
