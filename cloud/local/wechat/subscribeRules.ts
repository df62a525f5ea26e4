/**
 * What WeChat accepts in a subscribe message's `data`: each keyword of the template must be there,
 * nothing else may be, and each value must follow its keyword type's rule (the table of
 * 订阅消息参数值内容限制 in WeChat's subscribeMessage.send documentation).
 *
 * Free of imports on purpose: the simulator checks messages with it, and application code may
 * import it to check a message before it is queued rather than learn of a 47003 at send time.
 *
 * Where WeChat's text leaves room, the rule takes the strict reading (a value accepted here is one
 * WeChat documents as valid): dates only as `2019年10月1日`, times as `15:01` without seconds,
 * no spaces in character_string or phone_number, and a range joined by a bare `~`.
 */

export const KEYWORD_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
] as const

export type KeywordType = (typeof KEYWORD_TYPES)[number]

export function isKeywordType(value: unknown): value is KeywordType {
  return typeof value === 'string' && (KEYWORD_TYPES as readonly string[]).includes(value)
}

/** Each type's rule in words, as error hints and documentation show it. */
export const KEYWORD_RULES: Readonly<Record<KeywordType, string>> = {
  thing: 'at most 20 characters (汉字, digits, letters or symbols)',
  number: 'at most 32 digits, optionally with a decimal point',
  letter: 'at most 32 letters A-Z or a-z',
  symbol: 'at most 5 symbols',
  character_string: 'at most 32 letters, digits or symbols',
  time: '24-hour time, optionally after a date: "15:01" or "2019年10月1日 15:01"; a range joins two with "~"',
  date: 'a date, optionally with a 24-hour time: "2019年10月1日" or "2019年10月1日 15:01"; a range joins two with "~"',
  amount: 'an optional currency sign, at most 10 digits with an optional decimal point, an optional trailing 元',
  phone_number: 'at most 17 digits or symbols',
  car_number: 'at most 8 characters: letters or digits, the first and last may be a 汉字',
  name: 'at most 10 汉字 (letters may be mixed in), or at most 20 letters or symbols',
  phrase: 'at most 5 汉字',
}

/** The type a keyword key announces: `thing1` → thing, `character_string4` → character_string. */
export function keywordTypeOfKey(key: string): KeywordType | null {
  const match = /^([a-z_]+?)([1-9][0-9]*)$/.exec(key)
  return match && isKeywordType(match[1]) ? match[1] : null
}

const HAN = /^\p{Script=Han}$/u
const SYMBOL = /^[\p{P}\p{S}]$/u
const ASCII_LETTER = /^[A-Za-z]$/
const DIGIT = /^[0-9]$/
const CONTROL = /\p{Cc}/u

const isHan = (c: string) => HAN.test(c)
const isSymbol = (c: string) => SYMBOL.test(c)
const isLetter = (c: string) => ASCII_LETTER.test(c)
const isDigit = (c: string) => DIGIT.test(c)
const count = (chars: string[], test: (c: string) => boolean) => chars.filter(test).length

function isDate(text: string): boolean {
  const match = /^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日$/.exec(text)
  if (!match) return false
  const [year, month, day] = match.slice(1).map(Number)
  // Date rolls 2月30日 over into March; a real calendar day survives the round trip.
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

function isClock(text: string): boolean {
  return /^([01]?[0-9]|2[0-3]):[0-5][0-9]$/.test(text)
}

/** `15:01` or `<date> 15:01`. */
function isTimePoint(text: string): boolean {
  const space = text.lastIndexOf(' ')
  return space < 0 ? isClock(text) : isDate(text.slice(0, space)) && isClock(text.slice(space + 1))
}

/** `<date>` or `<date> 15:01`. */
function isDatePoint(text: string): boolean {
  const space = text.indexOf(' ')
  return space < 0 ? isDate(text) : isDate(text.slice(0, space)) && isClock(text.slice(space + 1))
}

function pointOrRange(text: string, point: (part: string) => boolean): boolean {
  const parts = text.split('~')
  return parts.length <= 2 && parts.every(point)
}

function length(chars: string[], max: number, unit = 'characters'): string | null {
  return chars.length > max ? `at most ${max} ${unit}, got ${chars.length}` : null
}

/**
 * Why `value` breaks the rule of `type`, or null when it follows it. An empty value is WeChat's
 * "is empty" case and is reported by checkSubscribeData, not here.
 */
export function keywordValueProblem(type: KeywordType, value: string): string | null {
  // Characters as people count them: one per code point, so an emoji is one, not two.
  const chars = Array.from(value)
  if (CONTROL.test(value)) return 'control characters (line breaks, tabs) are not allowed'
  switch (type) {
    case 'thing':
      return length(chars, 20)
    case 'number': {
      if (!/^[0-9]+(\.[0-9]+)?$/.test(value)) return 'only digits, optionally with one decimal point'
      return length(chars.filter(isDigit), 32, 'digits')
    }
    case 'letter':
      if (!chars.every(isLetter)) return 'only letters A-Z or a-z'
      return length(chars, 32, 'letters')
    case 'symbol':
      if (!chars.every(isSymbol)) return 'only symbols (no letters, digits or spaces)'
      return length(chars, 5, 'symbols')
    case 'character_string':
      if (!chars.every((c) => isLetter(c) || isDigit(c) || isSymbol(c))) return 'only letters A-Z, digits and symbols (no 汉字, no spaces)'
      return length(chars, 32)
    case 'time':
      return pointOrRange(value, isTimePoint) ? null : 'not a 24-hour time such as "15:01" or "2019年10月1日 15:01"'
    case 'date':
      return pointOrRange(value, isDatePoint) ? null : 'not a date such as "2019年10月1日" or "2019年10月1日 15:01"'
    case 'amount': {
      const match = /^(\p{Sc})?([0-9]+(?:\.[0-9]+)?)(元)?$/u.exec(value)
      if (!match) return 'an optional currency sign, digits with an optional decimal point, an optional trailing 元'
      return length(Array.from(match[2]).filter(isDigit), 10, 'digits')
    }
    case 'phone_number':
      if (!chars.every((c) => isDigit(c) || isSymbol(c))) return 'only digits and symbols such as + and -'
      return length(chars, 17)
    case 'car_number': {
      const inner = chars.slice(1, -1)
      const edge = (c: string | undefined) => c === undefined || isHan(c) || isLetter(c) || isDigit(c)
      if (!edge(chars[0]) || !edge(chars.length > 1 ? chars[chars.length - 1] : undefined) || !inner.every((c) => isLetter(c) || isDigit(c))) {
        return 'letters and digits, with a 汉字 allowed only first and last (粤A8Z888挂)'
      }
      return length(chars, 8)
    }
    case 'name': {
      if (count(chars, isHan) === 0) {
        // A Latin name: letters with symbols, and single spaces between its parts ("Li Lei").
        if (!/^[A-Za-z\p{P}\p{S}]+( [A-Za-z\p{P}\p{S}]+)*$/u.test(value) || count(chars, isLetter) === 0) return 'only letters and symbols, or 汉字'
        return length(chars, 20)
      }
      // Chinese and letters mixed count as a Chinese name; · separates the parts of some names.
      if (!chars.every((c) => isHan(c) || isLetter(c) || c === '·')) return 'only 汉字, letters and ·'
      return length(chars, 10)
    }
    case 'phrase':
      if (!chars.every(isHan)) return 'only 汉字'
      return length(chars, 5, '汉字')
  }
}

/** The shape of a template the check needs. */
export interface TemplateKeywords {
  id: string
  keywords: Readonly<Record<string, KeywordType>>
}

export interface SubscribeDataProblem {
  /** The data key at fault. */
  key: string
  /** `unknown`: not a keyword of the template; `empty`: missing or blank; `invalid`: breaks its rule. */
  kind: 'unknown' | 'empty' | 'invalid'
  /** WeChat's errmsg for it (without the trailing rid), naming the key. */
  errmsg: string
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The first thing WeChat would refuse (errcode 47003) in `data` sent with `template`, or null when
 * all is well. Keys not in the template come first, named with the keywords it has, because a
 * misspelt key otherwise shows up as a confusing "is empty" on the right one.
 */
export function checkSubscribeData(template: TemplateKeywords, data: unknown): SubscribeDataProblem | null {
  const entries = isRecord(data) ? data : {}
  const keywords = Object.keys(template.keywords)
  for (const key of Object.keys(entries)) {
    if (!Object.hasOwn(template.keywords, key)) {
      return { key, kind: 'unknown', errmsg: `argument invalid! data.${key} is not a keyword of template ${template.id} hint: [its keywords are ${keywords.join(', ')}]` }
    }
  }
  for (const key of keywords) {
    const entry = entries[key]
    const value = isRecord(entry) ? entry.value : undefined
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
      return { key, kind: 'empty', errmsg: `argument invalid! data.${key}.value is empty` }
    }
    if (typeof value !== 'string') return { key, kind: 'invalid', errmsg: `argument invalid! data.${key}.value invalid hint: [the value must be a string]` }
    const type = template.keywords[key]
    const problem = keywordValueProblem(type, value)
    if (problem !== null) return { key, kind: 'invalid', errmsg: `argument invalid! data.${key}.value invalid hint: [${type}: ${problem}]` }
  }
  return null
}
