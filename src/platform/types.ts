/** WeChat-only abilities, behind one interface so every target builds and degrades honestly. */
export interface PlatformCapabilities {
  /** wx.addCard / wx.openCard: the WeChat card pack. */
  cardPack: boolean
  /** Native QR scanning for staff check-in. */
  scanCode: boolean
  /** Subscribe messages for reminders. */
  subscribeMessage: boolean
}

/** Random bytes as lowercase hex, from the best source the host offers. */
export type RandomHex = (bytes: number) => Promise<string>

/** How an add-to-card-pack sheet ended. The person closing it is not an error. */
export type AddCardOutcome = { outcome: 'added'; encryptCode: string } | { outcome: 'cancelled' } | { outcome: 'failed'; reason: string }

/** The WeChat card pack, where the host has one. */
export interface CardPackHost {
  /** `wx.addCard` with the server's cardExt; answers the code WeChat hands back, still encrypted. */
  add(card: { cardId: string; cardExt: string }): Promise<AddCardOutcome>
  /** `wx.openCard` with the plain code. */
  open(card: { cardId: string; code: string }): Promise<{ ok: true } | { ok: false; reason: string }>
}
