import { randomBytes } from 'node:crypto'
import { WxError } from './errors'
import { parseMultipart } from './multipart'

/** uploadimg takes JPG or PNG up to 1 MB. */
export const MAX_IMAGE_BYTES = 1024 * 1024

/** Recognizes an image by its first bytes, not by the name it was sent under. */
export function imageType(data: Buffer): 'jpg' | 'png' | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg'
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  return null
}

/**
 * Images uploaded for cards (/cgi-bin/media/uploadimg). Only URLs answered here are accepted as a
 * card's logo_url, as WeChat accepts only its own mmbiz URLs there.
 */
export class MediaStore {
  private readonly urls = new Map<string, { bytes: number; type: 'jpg' | 'png'; at: number }>()

  /** Takes the multipart body of an upload; answers the image URL. */
  upload(body: Buffer, contentType: string, now: number): string {
    if (!contentType.toLowerCase().startsWith('multipart/form-data')) throw WxError.hint(41005, 'send multipart/form-data with the image in the field "buffer"')
    const parts = parseMultipart(body, contentType)
    if (parts === null) throw WxError.hint(41005, 'the multipart body is malformed')
    const file = parts.find((p) => p.name === 'buffer' && p.filename !== null)
    if (!file) throw WxError.hint(41005, `no file in the field "buffer" (fields sent: ${parts.map((p) => p.name).join(', ') || 'none'})`)
    if (file.data.length === 0) throw WxError.hint(41005, 'the file is empty')
    const type = imageType(file.data)
    if (type === null) throw WxError.hint(40005, 'only JPG and PNG images are accepted')
    if (file.data.length > MAX_IMAGE_BYTES) throw WxError.hint(40009, `the image is ${file.data.length} bytes; the limit is 1 MB (${MAX_IMAGE_BYTES})`)
    const url = `http://mmbiz.qpic.cn/mmbiz_${type}/${randomBytes(24).toString('base64url')}/0`
    this.urls.set(url, { bytes: file.data.length, type, at: now })
    return url
  }

  has(url: string): boolean {
    return this.urls.has(url)
  }

  /** The uploaded images (a card's logo_url must stay one of them across restarts). */
  dump(): Array<{ url: string; bytes: number; type: 'jpg' | 'png'; at: number }> {
    return [...this.urls].map(([url, image]) => ({ url, ...image }))
  }

  restore(images: Array<{ url: string; bytes: number; type: 'jpg' | 'png'; at: number }>): void {
    this.reset()
    for (const { url, bytes, type, at } of images) this.urls.set(url, { bytes, type, at })
  }

  reset(): void {
    this.urls.clear()
  }
}
