/**
 * Issue 30, finding 9: a CSV cell whose first visible character starts a formula is defused
 * (a leading apostrophe), even behind invisible and control characters a spreadsheet skips.
 */
import { toCsv } from '../../cloud/src/domain/exportLists'

/** The one data cell of a one-column CSV, as written (quoted or not). */
function cellOf(value: string): string {
  const csv = toCsv(['h'], [[value]])
  return csv.slice('\ufeffh\r\n'.length, -2)
}

describe('formula defusing', () => {
  it.each([
    ['NUL before =', '\u0000=1+1'],
    ['zero-width space before =', '\u200b=1+1'],
    ['NUL and zero-width space before =', '\u0000\u200b=1+1'],
    ['BOM before =', '\ufeff=HYPERLINK("http://x")'],
    ['space before =', ' =1+1'],
    ['no-break space before +', '\u00a0+1'],
    ['ideographic space before -', '\u3000-1'],
    ['word joiner before @', '\u2060@SUM(A1)'],
    ['soft hyphen before =', '\u00ad=1'],
    ['Hangul filler before =', '\u3164=1'],
    ['Khitan filler before =', '\u{16FE4}=1'],
    ['braille blank before =', '\u2800=1'],
    ['left-to-right mark before =', '\u200e=1'],
    ['a line feed before =', '\n=1'],
    ['vertical tab before =', '\u000b=1'],
    ['a tab', '\t1'],
    ['a carriage return', '\r1'],
    ['=', '=1+1'],
    ['+', '+1'],
    ['-', '-1'],
    ['@', '@SUM(A1)'],
    ['fullwidth =', '\uff1d1+1'],
  ])('defuses %s', (_label, value) => {
    const written = cellOf(value)
    const unquoted = written.startsWith('"') ? written.slice(1, -1).replace(/""/g, '"') : written
    expect(unquoted).toBe(`'${value}`)
  })

  it.each([['张三'], ['东门'], ['1+1'], ['a=b'], ['\u200b张三'], ['2026-12-09 19:00'], ['']])('leaves %j alone', (value) => {
    expect(cellOf(value)).toBe(value)
  })

  it('still quotes separators, quotes and line breaks', () => {
    expect(cellOf('a,b')).toBe('"a,b"')
    expect(cellOf('say "hi"')).toBe('"say ""hi"""')
    expect(cellOf('=a,b')).toBe(`"'=a,b"`)
  })
})
