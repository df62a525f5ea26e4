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
