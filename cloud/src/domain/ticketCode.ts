import { randomInt } from 'node:crypto'

/**
 * Ticket codes: 17 digits from the CSPRNG plus a Luhn check digit, 18 in all. Within the card
 * code limit of 20 characters; the same string is the card code and the in-app QR content. Digits
 * only, so gate scanners and manual entry agree; about 56 bits of entropy, so guessing one valid
 * code among a few hundred thousand issued is hopeless (and lookups are rate limited).
 */
export const TICKET_CODE_LENGTH = 18
const RANDOM_DIGITS = TICKET_CODE_LENGTH - 1

function luhnCheckDigit(digits: string): number {
  let sum = 0
  // Double every second digit counting from the right of the payload (the check digit goes after).
  for (let i = digits.length - 1, double = true; i >= 0; i -= 1, double = !double) {
    let d = Number(digits[i])
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return (10 - (sum % 10)) % 10
}

/** A fresh random ticket code. Uniqueness is the database's job (the `code_unique` index). */
export function generateTicketCode(): string {
  let digits = String(randomInt(1, 10))
  while (digits.length < RANDOM_DIGITS) digits += String(randomInt(0, 10))
  return digits + String(luhnCheckDigit(digits))
}

/** Cheap shape check before any database lookup: catches typos and junk scans. */
export function isWellFormedTicketCode(code: string): boolean {
  return (
    typeof code === 'string' &&
    new RegExp(`^[1-9]\\d{${TICKET_CODE_LENGTH - 1}}$`).test(code) &&
    luhnCheckDigit(code.slice(0, -1)) === Number(code[code.length - 1])
  )
}
