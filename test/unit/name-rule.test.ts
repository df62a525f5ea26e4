/**
 * Issue 30, finding 8: a name must be readable at the door. The rule (attendeeSchema, shared by
 * the app and the functions) refuses invisible fillers, names of tatweels and letters buried
 * under stacks of combining marks, and keeps accepting real names of every script.
 */
import { attendeeSchema, validate } from '../../cloud/src/api/validation'

const phone = '13812345678'
const check = (name: string) => validate(attendeeSchema, { name, phone })

describe('names nobody can read at the door', () => {
  // The outside probe's three inputs.
  it.each([
    ['A + KHITAN SMALL SCRIPT FILLER (U+16FE4)', 'A\u{16FE4}'],
    ['ten tatweels (U+0640)', '\u0640'.repeat(10)],
    ['a letter under 29 stacked combining marks', `a${'\u0301\u0308\u0303'.repeat(10).slice(0, 29)}`],
  ])('refuses %s', (_label, name) => {
    expect(check(name)).toEqual({ ok: false, fields: { name: 'INVALID_NAME' } })
  })

  it.each([
    ['U+16FE4 alone', '\u{16FE4}'],
    ['U+16FE4 between letters', '张\u{16FE4}三'],
    ['HANGUL FILLER U+3164 after a letter', '김\u3164'],
    ['HANGUL CHOSEONG/JUNGSEONG FILLER', '김\u115f\u1160'],
    ['HALFWIDTH HANGUL FILLER', 'A\uffa0'],
    ['BRAILLE PATTERN BLANK', 'A\u2800B'],
    ['zero-width space inside', '张\u200b三'],
    ['word joiner', '张\u2060三'],
    ['soft hyphen', 'Jo\u00adhn'],
    ['left-to-right mark', 'Anna\u200e'],
    ['right-to-left override', '\u202eAnna'],
    ['BOM inside', 'An\ufeffna'],
    ['Mongolian vowel separator', 'A\u180eB'],
    ['combining grapheme joiner', 'A\u034fB'],
    ['variation selector', '张\ufe0f三'],
    ['Khmer inherent vowel', 'ក\u17b4'],
    ['tag characters', 'A\u{e0041}\u{e0042}'],
    ['shorthand format control', 'A\u{1bca0}B'],
    ['ideographic space', '张\u3000三'],
    ['no-break space', 'Anna\u00a0Maria'],
    ['tatweel with one letter', `A${'\u0640'.repeat(10)}`],
    ['tatweel and an Arabic letter', `\u0645${'\u0640'.repeat(5)}`],
    ['a katakana prolonged-sound mark alone', '\u30fc\u30fc'],
    ['an iteration mark alone', '\u3005'],
    ['four marks on one letter', 'q\u0301\u0302\u0303\u0308'],
    ['marks on a space', 'Anna \u0301\u0301'],
    ['marks on a hyphen', 'Anna-\u0301'],
    ['marks on the middle dot', '阿卜杜拉·\u0301'],
  ])('refuses %s', (_label, name) => {
    expect(check(name)).toEqual({ ok: false, fields: { name: 'INVALID_NAME' } })
  })

  it('still refuses what it refused before', () => {
    for (const name of ['\u0301', '\u200b\u200c\u200d', '\u3164', '\u3164\u3164\u3164', '\u115f\u1160', '\uffa0', '\u3164\u0301', '12345', '张三😀', '—张三', 'a'.repeat(31)]) {
      expect([name, check(name)]).toEqual([name, { ok: false, fields: { name: 'INVALID_NAME' } }])
    }
  })
})

describe('real names', () => {
  const names = [
    // Already accepted by the gateway tests (test/integration/reservation/bad-input.test.ts).
    'Jose\u0301', 'Zoë', "O'Brien", '阿卜杜拉·买买提', 'Nguyễn Văn A', '김민준', 'Анна-Мария', 'María José',
    // Used across the test suites.
    '张三', '王小明', '韩梅梅', '李雷', '张', '一',
    // Decomposed as some keyboards send them; NFC precomposes what it can.
    'Nguye\u0302\u0303n Va\u0306n A', 'Mu\u0308ller', 'Franc\u0327ois', 'Zoe\u0308',
    // Minority and transliterated names.
    '买买提·艾力', '古丽娜尔·吐尔逊', '爱新觉罗·溥仪', 'Ṭāhir', 'J. R. R. Tolkien', 'Jean-Luc Picard',
    // Arabic and Uyghur, with and without their vowel marks; a decorative tatweel between letters.
    'محمد', 'مُحَمَّد', 'محـمد', 'عبد الله', 'ئابدۇرېھىم', 'مۇھەممەت',
    // Thai, Devanagari, Bengali, Tamil, Tibetan, Hebrew with their ordinary marks.
    'สมชาย', 'น้ำผึ้ง', 'ประยุทธ์', 'देवनागरी', 'श्रीनिवास', 'क्षत्रिय', 'রবীন্দ্রনাথ', 'தமிழ்ச்செல்வன்', 'བསྟན', 'בְּרָכָה',
    // Japanese with iteration and prolonged-sound marks; Hawaiian with the ʻokina; Greek, Armenian, Georgian.
    '佐々木', 'ルーシー', 'ʻIolani', 'Kaʻiulani', 'Γιώργος', 'Արամ', 'გიორგი',
    // 30 letters, the limit.
    '张'.repeat(30),
  ]
  it.each(names.map((name) => [name]))('accepts %s', (name) => {
    const result = check(name)
    expect(result).toMatchObject({ ok: true, value: { name: name.normalize('NFC') } })
  })
})
