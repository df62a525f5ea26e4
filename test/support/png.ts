/**
 * A small PNG reader for tests of image assets (the tab-bar icons): header, then pixels as RGBA.
 * Handles what an icon tool writes: 8-bit samples, every colour type, no interlacing; anything else
 * throws, so a test fails loudly rather than misreading.
 */
import { inflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Samples per pixel for each PNG colour type. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }

export interface PngHeader {
  width: number
  height: number
  bitDepth: number
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: number
  interlace: number
}

export interface PngImage extends PngHeader {
  /** width × height × 4 bytes, straight (not premultiplied) alpha, as PNG stores it. */
  rgba: Uint8Array
  /** Whether the file can express transparency at all (an alpha channel or a tRNS chunk). */
  hasAlphaChannel: boolean
}

interface Chunk {
  type: string
  data: Buffer
}

function chunks(file: Buffer): Chunk[] {
  if (file.length < 8 || !file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG: bad signature')
  const found: Chunk[] = []
  let offset = 8
  while (offset + 8 <= file.length) {
    const length = file.readUInt32BE(offset)
    const type = file.toString('latin1', offset + 4, offset + 8)
    found.push({ type, data: file.subarray(offset + 8, offset + 8 + length) })
    offset += 12 + length
    if (type === 'IEND') break
  }
  return found
}

export function readPngHeader(file: Buffer): PngHeader {
  const [first] = chunks(file)
  if (first?.type !== 'IHDR') throw new Error('not a PNG: the first chunk is not IHDR')
  const ihdr = first.data
  return {
    width: ihdr.readUInt32BE(0),
    height: ihdr.readUInt32BE(4),
    bitDepth: ihdr[8],
    colorType: ihdr[9],
    interlace: ihdr[12],
  }
}

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft
  const toLeft = Math.abs(estimate - left)
  const toUp = Math.abs(estimate - up)
  const toUpLeft = Math.abs(estimate - upLeft)
  if (toLeft <= toUp && toLeft <= toUpLeft) return left
  return toUp <= toUpLeft ? up : upLeft
}

/** Undoes the per-row filters (types 0-4) in place and returns the raw samples. */
function unfilter(data: Buffer, height: number, stride: number, bytesPerPixel: number): Uint8Array {
  const out = new Uint8Array(height * stride)
  for (let y = 0; y < height; y += 1) {
    const filter = data[y * (stride + 1)]
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    const at = y * stride
    for (let x = 0; x < stride; x += 1) {
      const left = x >= bytesPerPixel ? out[at + x - bytesPerPixel] : 0
      const up = y > 0 ? out[at - stride + x] : 0
      const upLeft = y > 0 && x >= bytesPerPixel ? out[at - stride + x - bytesPerPixel] : 0
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter]
      if (predictor === undefined) throw new Error(`PNG row ${y} has unknown filter type ${filter}`)
      out[at + x] = (row[x] + predictor) & 0xff
    }
  }
  return out
}

export function decodePng(file: Buffer): PngImage {
  const header = readPngHeader(file)
  const { width, height, bitDepth, colorType, interlace } = header
  const channels = CHANNELS[colorType]
  if (channels === undefined) throw new Error(`PNG colour type ${colorType} is invalid`)
  if (bitDepth !== 8) throw new Error(`PNG bit depth ${bitDepth} is not supported here (8 only)`)
  if (interlace !== 0) throw new Error('interlaced PNGs are not supported here')
  const all = chunks(file)
  const palette = all.find((chunk) => chunk.type === 'PLTE')?.data
  const transparency = all.find((chunk) => chunk.type === 'tRNS')?.data
  const compressed = Buffer.concat(all.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data))
  const stride = width * channels
  const inflated = inflateSync(compressed)
  if (inflated.length < height * (stride + 1)) throw new Error('PNG image data is truncated')
  const samples = unfilter(inflated, height, stride, channels)

  const rgba = new Uint8Array(width * height * 4)
  for (let i = 0; i < width * height; i += 1) {
    const s = samples.subarray(i * channels, (i + 1) * channels)
    let pixel: number[]
    if (colorType === 6) pixel = [s[0], s[1], s[2], s[3]]
    else if (colorType === 4) pixel = [s[0], s[0], s[0], s[1]]
    else if (colorType === 2) {
      const keyed = transparency !== undefined && [0, 1, 2].every((c) => transparency.readUInt16BE(c * 2) === s[c])
      pixel = [s[0], s[1], s[2], keyed ? 0 : 255]
    } else if (colorType === 0) {
      const keyed = transparency !== undefined && transparency.readUInt16BE(0) === s[0]
      pixel = [s[0], s[0], s[0], keyed ? 0 : 255]
    } else {
      if (!palette) throw new Error('palette PNG without PLTE')
      const index = s[0]
      pixel = [palette[index * 3], palette[index * 3 + 1], palette[index * 3 + 2], transparency?.[index] ?? 255]
    }
    rgba.set(pixel, i * 4)
  }
  return { ...header, rgba, hasAlphaChannel: colorType === 4 || colorType === 6 || transparency !== undefined }
}
