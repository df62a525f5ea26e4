/**
 * Identity-document and phone checks shared by the app (inline messages) and the cloud (the rule).
 * Pure functions, no dependencies: they ship in the mini-program bundle.
 */

const MAINLAND_ID = /^[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]$/
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK_CHARS = '10X98765432'

/** Mainland resident ID (GB 11643): 18 characters, a real calendar date, ISO 7064 MOD 11-2 check. */
export function isMainlandId(value: string): boolean {
  if (!MAINLAND_ID.test(value)) return false
  const year = Number(value.slice(6, 10))
  const month = Number(value.slice(10, 12))
  const day = Number(value.slice(12, 14))
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false
  let sum = 0
  for (let i = 0; i < 17; i += 1) sum += Number(value[i]) * ID_WEIGHTS[i]
  return ID_CHECK_CHARS[sum % 11] === value[17]
}

/** Passport numbers: ICAO 9303 allows up to 9 characters; Chinese ones are a letter and 8 digits. */
export function isPassportNumber(value: string): boolean {
  return /^[A-Z0-9]{6,9}$/.test(value) && /\d/.test(value)
}

/** Mainland mobile numbers: 11 digits starting 13–19. */
export function isMainlandMobile(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value)
}

/** 138****5678: what everyone but the owner sees. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '*'.repeat(phone.length)
}

/** 张* / J***: the first character, then one star per character; what staff and organizers see. */
export function maskName(name: string): string {
  const characters = [...name]
  return characters.length <= 1 ? '*' : `${characters[0]}${'*'.repeat(characters.length - 1)}`
}

/** **************123X: only the last four characters, enough to compare with a document in hand. */
export function maskIdNumber(idNumber: string): string {
  return `${'*'.repeat(Math.max(0, idNumber.length - 4))}${idNumber.slice(-4)}`
}

/** Uppercase, no spaces: the canonical form people type ID numbers in many ways. */
export function normalizeIdNumber(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase()
}
