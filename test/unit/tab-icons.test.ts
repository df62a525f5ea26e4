/**
 * The tab-bar icons app.config.ts names are files WeChat accepts (PNG, 81×81, ≤ 40 KB, transparent
 * background) drawn in the tab bar's own colours: `color` unselected, `selectedColor` selected.
 * The PNGs are rendered from SVGs by `npm run icons`; this catches a stale render after a colour
 * change, a hand-edited file, or a path that points nowhere. The last tests show the checks can fail.
 */
import { deflateSync } from 'node:zlib'
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { AppConfig } from '@tarojs/taro'
import { decodePng, readPngHeader, type PngImage } from '../support/png'

const SRC = path.resolve(__dirname, '..', '..', 'src')
const SIZE = 81
const MAX_BYTES = 40 * 1024
/**
 * Per channel. Chromium's anti-aliasing leaves a few fully opaque pixels one or two steps off where
 * stroke edges meet; a colour mix-up is off by tens (#6b7280 against #c2410c: 87).
 */
const OPAQUE_TOLERANCE = 3
/** Half-covered edge pixels: straight alpha is rounded from premultiplied values, so they drift more. */
const EDGE_TOLERANCE = 8

function loadAppConfig(): AppConfig {
  // `defineAppConfig` is Taro's build-time global; app.config.ts calls it when loaded.
  Object.assign(globalThis, { defineAppConfig: (config: unknown) => config })
  return (jest.requireActual('../../src/app.config') as { default: AppConfig }).default
}

const tabBar = loadAppConfig().tabBar
if (!tabBar?.color || !tabBar.selectedColor) throw new Error('app.config.ts has no tabBar with color and selectedColor')
const { color, selectedColor } = tabBar

const icons = tabBar.list.flatMap((item) => [
  { tab: item.text, state: 'unselected', file: item.iconPath, colour: color },
  { tab: item.text, state: 'selected', file: item.selectedIconPath, colour: selectedColor },
])

function rgbOf(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex)
  if (!match) throw new Error(`${hex} is not a #rrggbb colour`)
  return [parseInt(match[1], 16), parseInt(match[2], 16), parseInt(match[3], 16)]
}

/** The largest channel difference from `hex` among pixels at least `minAlpha` opaque. */
function deviationFrom(image: PngImage, hex: string, minAlpha: number): number {
  const rgb = rgbOf(hex)
  let worst = 0
  for (let i = 0; i < image.rgba.length; i += 4) {
    if (image.rgba[i + 3] < minAlpha) continue
    for (let c = 0; c < 3; c += 1) worst = Math.max(worst, Math.abs(image.rgba[i + c] - rgb[c]))
  }
  return worst
}

function countAlpha(image: PngImage, predicate: (alpha: number) => boolean): number {
  let count = 0
  for (let i = 3; i < image.rgba.length; i += 4) if (predicate(image.rgba[i])) count += 1
  return count
}

test('every tab has both icons', () => {
  expect(tabBar.list).toHaveLength(3)
  for (const icon of icons) expect(icon.file).toMatch(/^assets\/tabbar\/[\w-]+\.png$/)
})

describe.each(icons)('$tab, $state: $file', ({ file, colour }) => {
  const full = path.join(SRC, file ?? 'missing')

  test('exists and stays within WeChat’s 40 KB', () => {
    expect(existsSync(full)).toBe(true)
    expect(statSync(full).size).toBeLessThanOrEqual(MAX_BYTES)
  })

  test('is an 81×81 PNG with a transparent background', () => {
    const image = decodePng(readFileSync(full))
    expect({ width: image.width, height: image.height }).toEqual({ width: SIZE, height: SIZE })
    expect(image.hasAlphaChannel).toBe(true)
    // A corner is background, and most of a line icon is.
    expect(image.rgba[3]).toBe(0)
    expect(countAlpha(image, (alpha) => alpha === 0)).toBeGreaterThan((SIZE * SIZE) / 2)
    // Not blank: the strokes cover a visible share of the square.
    expect(countAlpha(image, (alpha) => alpha === 255)).toBeGreaterThan((SIZE * SIZE) / 20)
  })

  test(`is drawn in ${colour}`, () => {
    const image = decodePng(readFileSync(full))
    expect(deviationFrom(image, colour, 255)).toBeLessThanOrEqual(OPAQUE_TOLERANCE)
    expect(deviationFrom(image, colour, 128)).toBeLessThanOrEqual(EDGE_TOLERANCE)
  })
})

test('the colour check fails on an icon in the other colour', () => {
  for (const { file, colour } of icons) {
    const other = colour === color ? selectedColor : color
    const image = decodePng(readFileSync(path.join(SRC, file ?? 'missing')))
    expect(deviationFrom(image, other, 255)).toBeGreaterThan(OPAQUE_TOLERANCE)
  }
})

/** A PNG of RGBA rows, each stored with the given filter type (the reader ignores CRCs: zeros). */
function encodePng(width: number, rows: Uint8Array[], filters: number[]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(rows.length, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  const filtered = rows.map((row, y) => {
    const previous = y > 0 ? rows[y - 1] : new Uint8Array(row.length)
    const out = Buffer.alloc(row.length + 1)
    out[0] = filters[y]
    for (let x = 0; x < row.length; x += 1) {
      const left = x >= 4 ? row[x - 4] : 0
      const upLeft = x >= 4 ? previous[x - 4] : 0
      const up = previous[x]
      const p = left + up - upLeft
      const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)]
      const paeth = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft
      const predictor = [0, left, up, (left + up) >> 1, paeth][filters[y]]
      out[x + 1] = (row[x] - predictor) & 0xff
    }
    return out
  })
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(filtered))), chunk('IEND', Buffer.alloc(0))])
}

test('the PNG reader undoes all five row filters, and rejects what is not a PNG', () => {
  // Varied bytes, so every predictor (left, up, average, Paeth) matters somewhere.
  const rows = Array.from({ length: 5 }, (_row, y) => Uint8Array.from({ length: 3 * 4 }, (_byte, i) => (y * 97 + i * 53 + ((i * y) % 7) * 31) & 0xff))
  const image = decodePng(encodePng(3, rows, [0, 1, 2, 3, 4]))
  expect({ width: image.width, height: image.height }).toEqual({ width: 3, height: 5 })
  expect(Array.from(image.rgba)).toEqual(rows.flatMap((row) => Array.from(row)))
  expect(() => readPngHeader(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toThrow(/not a PNG/)
})
