/** WeChat-only abilities, behind one interface so every target builds and degrades honestly. */
export interface PlatformCapabilities {
  /**
   * The backend knows who the caller is: WeChat's cloud call supplies OPENID. Other targets have
   * no sign-in yet, so only their development builds (the local gateway's development identity)
   * can reserve, list tickets or staff a gate; their production builds show events and send
   * people to WeChat.
   */
  signedIn: boolean
  /** wx.addCard / wx.openCard: the WeChat card pack. */
  cardPack: boolean
  /** Native QR scanning for staff check-in. */
  scanCode: boolean
  /** Subscribe messages for reminders. */
  subscribeMessage: boolean
}

/** How a scan with the host's camera ended. The person closing the scanner is not an error. */
export type ScanOutcome = { outcome: 'scanned'; text: string } | { outcome: 'cancelled' } | { outcome: 'failed'; reason: string }

/** The host's own code scanner (`wx.scanCode` and its look-alikes), where the host has one. */
export interface ScannerHost {
  scan(): Promise<ScanOutcome>
}

/** A file the backend produced for the person to take away (the organizer's CSV exports). */
export interface ExportedFile {
  filename: string
  content: string
}

/** How handing a file over ended. */
export type FileHandoverOutcome = { outcome: 'done' } | { outcome: 'cancelled' } | { outcome: 'failed'; reason: string }

/**
 * Taking a file out of the app: a browser download (H5), or WeChat's "send to a chat"
 * (`wx.shareFileMessage`, which WeChat allows only in a tap: call `handOver` straight from one).
 */
export interface FileExportHost {
  /** `download`: the browser saves the file; `share`: WeChat sends it to a chat the person picks. */
  kind: 'download' | 'share'
  handOver(file: ExportedFile): Promise<FileHandoverOutcome>
}

/** Random bytes as lowercase hex, from the best source the host offers. */
export type RandomHex = (bytes: number) => Promise<string>

/**
 * How an add-to-card-pack sheet ended. The person closing it is not an error. `refused`: WeChat
 * refused the cardExt itself (40080, "签名错误" on the phone), typically because the api_ticket that
 * signed it is no longer valid: the backend can drop that ticket and sign again.
 */
export type AddCardOutcome =
  | { outcome: 'added'; encryptCode: string }
  | { outcome: 'cancelled' }
  | { outcome: 'refused'; reason: string }
  | { outcome: 'failed'; reason: string }

/** The WeChat card pack, where the host has one. */
export interface CardPackHost {
  /** `wx.addCard` with the server's cardExt; answers the code WeChat hands back, still encrypted. */
  add(card: { cardId: string; cardExt: string }): Promise<AddCardOutcome>
  /** `wx.openCard` with the plain code. */
  open(card: { cardId: string; code: string }): Promise<{ ok: true } | { ok: false; reason: string }>
}

/** WeChat's answer for the privacy authorization it is waiting on (the `resolve` it passed us). */
export type PrivacyAnswer = { event: 'exposureAuthorization' } | { event: 'agree'; buttonId: string } | { event: 'disagree' }

/**
 * WeChat's privacy authorization for mini-programs that collect personal information (base
 * library 2.32.3+). Only the weapp build has it; everywhere else the app's own consent suffices.
 */
export interface WechatPrivacyHost {
  /** `wx.getPrivacySetting`: whether WeChat still needs the person's agreement, and the guide's name. */
  setting(): Promise<{ needAuthorization: boolean; contractName: string }>
  /**
   * `wx.requirePrivacyAuthorize`: asks for the agreement now. WeChat hands the question to the
   * `onNeed` listener (our popup); true once agreed, false when refused.
   */
  require(): Promise<boolean>
  /** `wx.onNeedPrivacyAuthorization`: WeChat needs the agreement; answer through `answer` once the person chose. */
  onNeed(listener: (answer: (outcome: PrivacyAnswer) => void) => void): void
  /** `wx.openPrivacyContract`: WeChat's own page for the mini-program's privacy guide. */
  openContract(): Promise<boolean>
}

/** A subscribe-message template the backend sends, as the host's sheet lists it. */
export interface SubscribeTemplate {
  id: string
  /** `confirmation`: the booking is confirmed; `reminder`: before the session starts. */
  kind: 'confirmation' | 'reminder'
}

/**
 * How a subscribe request ended. `answered`: the person saw the sheet (or WeChat answered for them,
 * from an earlier "always" choice); `accepted` names the templates they allowed, none for a
 * decline. `failed`: no answer to record (called outside a tap, subscriptions switched off...).
 */
export type SubscribeOutcome = { outcome: 'answered'; accepted: string[] } | { outcome: 'failed'; reason: string }

/**
 * WeChat's subscribe messages (`wx.requestSubscribeMessage`): the person allows the backend to send
 * each listed template once. WeChat shows the sheet only in a tap: call `request` straight from
 * one, with the templates already at hand (at most 3).
 */
export interface SubscribeHost {
  request(templates: readonly SubscribeTemplate[]): Promise<SubscribeOutcome>
}
