/** Bytes as lowercase hex. */
export function toHex(bytes: ArrayLike<number>): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 1) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16)
  return out
}

/**
 * Random hex from Math.random, for hosts without a CSPRNG. Only for retry keys (a reservation's
 * request id), which must be unique per person, not secret: the server scopes every ticket to the
 * caller's identity, so guessing someone's request id gains nothing.
 */
export function weakRandomHex(bytes: number): string {
  return toHex(Array.from({ length: bytes }, () => Math.floor(Math.random() * 256)))
}
