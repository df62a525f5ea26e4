/** JSON's structural characters, as the scanners of raw JSON text compare them. */
export const QUOTE = 0x22
export const BACKSLASH = 0x5c
export const OPEN_BRACE = 0x7b
export const OPEN_BRACKET = 0x5b
export const CLOSE_BRACE = 0x7d
export const CLOSE_BRACKET = 0x5d

/**
 * How deep JSON text nests objects and arrays (`{}` is 1, `{"a":[1]}` is 2), measured by one scan
 * of the bytes with a counter: no parse and no recursion, so a hostile document cannot overflow a
 * stack here. Stops as soon as the depth passes `stopAbove`. Scanning UTF-8 bytes is safe: every
 * byte of a multi-byte character is 0x80 or above, never a quote, backslash or bracket.
 */
export function jsonNestingDepth(json: Uint8Array, stopAbove = Infinity): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < json.length; i += 1) {
    const byte = json[i]
    if (inString) {
      if (byte === BACKSLASH) i += 1
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) {
      inString = true
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1
      if (depth > deepest) {
        deepest = depth
        if (deepest > stopAbove) return deepest
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1
    }
  }
  return deepest
}
