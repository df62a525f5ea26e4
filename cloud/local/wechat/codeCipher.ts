import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { WxError } from './errors'

const VERSION_PLAIN = 1
/** Same layout plus one filler byte, added so the base64 always ends in '='. */
const VERSION_PADDED = 2
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES

/**
 * The encrypted code wx.addCard hands back: opaque standard base64 that only /card/code/decrypt
 * turns back into the code. The simulator makes sure every one contains '+', '/' and '=', so a
 * client that puts it in a URL unescaped, or mangles it any other way, fails every time rather
 * than once in a while.
 */
export class CodeCipher {
  private key = randomBytes(32)

  /** The key, for the state file: an encrypted code handed out before a restart still decrypts after it. */
  dump(): string {
    return this.key.toString('base64')
  }

  restore(key: string): void {
    const bytes = Buffer.from(key, 'base64')
    if (bytes.length !== 32) throw new Error('the code cipher key must be 32 bytes')
    this.key = bytes
  }

  encrypt(appid: string, cardId: string, code: string): string {
    let best = ''
    for (let attempt = 0; attempt < 64; attempt += 1) {
      best = this.encryptOnce(appid, cardId, code)
      if (best.includes('+') && best.includes('/')) return best
    }
    return best
  }

  /** The code, if the ciphertext is one of ours for this AppID; 40075 otherwise. */
  decrypt(appid: string, encrypted: string): { cardId: string; code: string } {
    const plain = this.tryDecrypt(encrypted)
    if (plain === null || plain.appid !== appid) throw WxError.hint(40075, 'encrypt_code is not an encrypted code of this account (send it exactly as wx.addCard answered it, base64 with + / =)')
    return { cardId: plain.cardId, code: plain.code }
  }

  private encryptOnce(appid: string, cardId: string, code: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([cipher.update(JSON.stringify([appid, cardId, code]), 'utf8'), cipher.final()])
    const padded = (HEADER_BYTES + body.length) % 3 === 0
    const parts = [Buffer.from([padded ? VERSION_PADDED : VERSION_PLAIN]), iv, cipher.getAuthTag(), body]
    if (padded) parts.push(randomBytes(1))
    return Buffer.concat(parts).toString('base64')
  }

  private tryDecrypt(encrypted: string): { appid: string; cardId: string; code: string } | null {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) return null
    const raw = Buffer.from(encrypted, 'base64')
    if (raw.length <= HEADER_BYTES || (raw[0] !== VERSION_PLAIN && raw[0] !== VERSION_PADDED)) return null
    const end = raw[0] === VERSION_PADDED ? raw.length - 1 : raw.length
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(1, 1 + IV_BYTES))
      decipher.setAuthTag(raw.subarray(1 + IV_BYTES, HEADER_BYTES))
      const text = Buffer.concat([decipher.update(raw.subarray(HEADER_BYTES, end)), decipher.final()]).toString('utf8')
      const [appid, cardId, code] = JSON.parse(text) as [string, string, string]
      return { appid, cardId, code }
    } catch {
      return null
    }
  }
}
