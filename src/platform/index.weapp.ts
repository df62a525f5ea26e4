import Taro from '@tarojs/taro'
import { isCardExtRefusal } from './cardExtRefusal'
import { errMsgOf } from './errMsg'
import { safeFileName } from './fileName'
import { scanWithCamera } from './scan'
import type {
  AddCardOutcome,
  CardPackHost,
  FileExportHost,
  PlatformCapabilities,
  PrivacyAnswer,
  ScannerHost,
  SubscribeHost,
  SubscribeOutcome,
  WechatPrivacyHost,
} from './types'

// Every variant of this module answers with the same types.
export type * from './types'

/** The real card pack: `wx.addCard` / `wx.openCard` (a verified mini-program bound to the card's Official Account). */
const wechatCardPack: CardPackHost = {
  add: (card) =>
    new Promise<AddCardOutcome>((resolve) => {
      Taro.addCard({
        cardList: [card],
        success: (res) => {
          const item = res.cardList?.[0]
          resolve(item?.isSuccess ? { outcome: 'added', encryptCode: item.code } : { outcome: 'failed', reason: 'addCard: the card was not added' })
        },
        // "addCard:fail cancel" is the person closing the sheet, not a failure.
        fail: (err) => {
          if (/:fail cancel/.test(errMsgOf(err))) resolve({ outcome: 'cancelled' })
          else resolve({ outcome: isCardExtRefusal(err) ? 'refused' : 'failed', reason: errMsgOf(err) })
        },
      })
    }),
  open: (card) =>
    new Promise((resolve) => {
      Taro.openCard({
        cardList: [card],
        success: () => resolve({ ok: true }),
        fail: (err) => resolve({ ok: false, reason: errMsgOf(err) }),
      })
    }),
}

export const cardPack: CardPackHost | null = Taro.canIUse('addCard') ? wechatCardPack : null

/**
 * The privacy APIs as WeChat documents them (base library 2.32.3): callbacks only, none of them
 * answers a Promise, so they are called with success/fail here.
 */
interface WxPrivacyApi {
  getPrivacySetting(options: { success: (res: { needAuthorization: boolean; privacyContractName?: string }) => void; fail: (err: unknown) => void }): void
  requirePrivacyAuthorize(options: { success: () => void; fail: (err: unknown) => void }): void
  onNeedPrivacyAuthorization(listener: (resolve: (outcome: PrivacyAnswer) => void, eventInfo?: { referrer?: string }) => void): void
  openPrivacyContract(options: { success: () => void; fail: (err: unknown) => void }): void
}

function wechatPrivacyHost(wx: WxPrivacyApi): WechatPrivacyHost {
  return {
    setting: () =>
      new Promise((resolve) => {
        wx.getPrivacySetting({
          success: (res) => resolve({ needAuthorization: res.needAuthorization === true, contractName: res.privacyContractName ?? '' }),
          // WeChat still gates its own privacy APIs; nothing here for the app to hold back.
          fail: () => resolve({ needAuthorization: false, contractName: '' }),
        })
      }),
    require: () =>
      new Promise((resolve) => {
        wx.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) })
      }),
    onNeed: (listener) => wx.onNeedPrivacyAuthorization((resolve) => listener(resolve)),
    openContract: () =>
      new Promise((resolve) => {
        wx.openPrivacyContract({ success: () => resolve(true), fail: () => resolve(false) })
      }),
  }
}

/** Clients older than base library 2.32.3 have no privacy APIs and do not gate anything. */
export const wechatPrivacy: WechatPrivacyHost | null = Taro.canIUse('getPrivacySetting')
  ? wechatPrivacyHost(Taro as unknown as WxPrivacyApi)
  : null

/** `wx.scanCode` (base library 1.0.0): every WeChat client has it. */
export const scanner: ScannerHost | null = { scan: scanWithCamera }

/** What of WeChat's file APIs the export uses (`shareFileMessage`: base library 2.16.1). */
interface WxFileApi {
  env: { USER_DATA_PATH: string }
  getFileSystemManager(): { writeFileSync(filePath: string, data: string, encoding: 'utf8'): void }
  shareFileMessage(options: { filePath: string; fileName: string; success: () => void; fail: (err: unknown) => void }): void
}

/**
 * WeChat: the file is written to the user data folder (`wx.env.USER_DATA_PATH`), then offered with
 * `wx.shareFileMessage`, which WeChat accepts only during a tap. So the write is the synchronous
 * one and nothing is awaited before the share: `handOver` must be called straight from the tap.
 */
function wechatFileExport(wx: WxFileApi): FileExportHost {
  return {
    kind: 'share',
    handOver: (file) =>
      new Promise((resolve) => {
        const fileName = safeFileName(file.filename)
        const filePath = `${wx.env.USER_DATA_PATH}/${fileName}`
        try {
          wx.getFileSystemManager().writeFileSync(filePath, file.content, 'utf8')
        } catch (err) {
          resolve({ outcome: 'failed', reason: errMsgOf(err) })
          return
        }
        wx.shareFileMessage({
          filePath,
          fileName,
          success: () => resolve({ outcome: 'done' }),
          fail: (err) => resolve(/:fail cancel/.test(errMsgOf(err)) ? { outcome: 'cancelled' } : { outcome: 'failed', reason: errMsgOf(err) }),
        })
      }),
  }
}

export const fileExport: FileExportHost | null = Taro.canIUse('shareFileMessage') ? wechatFileExport(Taro as unknown as WxFileApi) : null

/**
 * `wx.requestSubscribeMessage` through Taro, which answers a Promise (rejected on fail). Taro's
 * typing asks for Alipay's `entityIds` too, so the call goes through this narrower shape.
 */
interface TaroSubscribeApi {
  requestSubscribeMessage(options: { tmplIds: string[] }): Promise<Record<string, unknown>>
}

/**
 * Each template id answers `accept`, `reject`, `ban` (WeChat blocked the template) or `filter`
 * (WeChat filtered it out). Only a `reject` is the person saying no; when WeChat withheld every
 * template it did not accept, there is no answer of theirs to record, so it counts as a failure and
 * the app offers to ask again.
 */
function subscribeAnswer(ids: string[], res: Record<string, unknown>): SubscribeOutcome {
  const accepted = ids.filter((id) => res[id] === 'accept')
  const withheld = ids.filter((id) => res[id] === 'ban' || res[id] === 'filter')
  if (accepted.length === 0 && withheld.length > 0) {
    return { outcome: 'failed', reason: `requestSubscribeMessage: ${withheld.map((id) => `${id} ${String(res[id])}`).join(', ')}` }
  }
  return { outcome: 'answered', accepted }
}

/**
 * WeChat refuses the sheet outside a tap (errCode 20004): Taro calls wx.requestSubscribeMessage
 * synchronously inside `request`, so `request` must be called straight from the tap, with nothing
 * awaited before it.
 */
function wechatSubscribe(taro: TaroSubscribeApi): SubscribeHost {
  return {
    request: (templates) => {
      const ids = templates.map((template) => template.id)
      return taro.requestSubscribeMessage({ tmplIds: ids }).then(
        (res) => subscribeAnswer(ids, res),
        (err: unknown) => ({ outcome: 'failed', reason: errMsgOf(err) }),
      )
    },
  }
}

export const subscribeMessages: SubscribeHost | null = Taro.canIUse('requestSubscribeMessage') ? wechatSubscribe(Taro as unknown as TaroSubscribeApi) : null

export const capabilities: PlatformCapabilities = {
  signedIn: true,
  cardPack: cardPack !== null,
  scanCode: scanner !== null,
  subscribeMessage: subscribeMessages !== null,
}

/**
 * Cloud call needs `wx.cloud.init` once, before the first callFunction: in the environment named
 * at build time (`TICKETCARD_CLOUD_ENV`), else the one WeChat DevTools and the phone default to.
 */
export function initPlatform(): void {
  Taro.cloud.init({ traceUser: true, ...(CLOUD_ENV ? { env: CLOUD_ENV } : {}) })
}
