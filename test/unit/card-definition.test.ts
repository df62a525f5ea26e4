/** The card definition checks, one rule per row: each names the field and what to do. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { CardDefinitionError, checkCardDefinition, textUnits, withLogo } from '../../cloud/src/card/definition'

const CARDS = path.resolve(__dirname, '..', '..', 'cards')
const example = () => JSON.parse(readFileSync(path.join(CARDS, 'ticket-card.example.json'), 'utf8')) as Def
type Def = { logo?: string; card: Record<string, unknown> & { card_type: string; scenic_ticket?: { base_info: Record<string, unknown> } } }
const base = (d: Def) => (d.card.scenic_ticket as { base_info: Record<string, unknown> }).base_info
const now = new Date('2026-12-02T00:00:00Z')

function problems(definition: Def): string[] {
  try {
    checkCardDefinition(definition, CARDS, now)
    return []
  } catch (err) {
    if (err instanceof CardDefinitionError) return err.problems
    throw err
  }
}

test('the example definition passes, and the body sent to /card/create carries the uploaded logo URL', () => {
  const checked = checkCardDefinition(example(), CARDS, now)
  expect(checked.cardType).toBe('SCENIC_TICKET')
  const body = withLogo(checked, 'http://mmbiz.qpic.cn/logo')
  expect((body.card.scenic_ticket as { base_info: Record<string, unknown> }).base_info.logo_url).toBe('http://mmbiz.qpic.cn/logo')
})

test('lengths count 汉字, with ASCII as half', () => {
  expect(textUnits('夜场门票')).toBe(8)
  expect(textUnits('VIP 票')).toBe(6)
})

test.each<[string, (d: Def) => void, RegExp]>([
  ['brand name over 12 汉字', (d) => (base(d).brand_name = '城市博物馆城市博物馆城市博物馆'), /base_info\.brand_name: 15 汉字 long; WeChat allows 12/],
  ['an ASCII title of 19 characters (9.5 汉字)', (d) => (base(d).title = 'Museum Night Ticket'), /base_info\.title: 9\.5 汉字 long/],
  ['missing notice', (d) => delete base(d).notice, /base_info\.notice: missing/],
  ['a colour name WeChat has not', (d) => (base(d).color = 'Orange'), /base_info\.color: must be one of Color010/],
  ['a barcode card', (d) => (base(d).code_type = 'CODE_TYPE_BARCODE'), /base_info\.code_type: must be CODE_TYPE_QRCODE/],
  ['an end before the begin', (d) => (base(d).date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1830268799, end_timestamp: 1796054400 }), /date_info\.end_timestamp: must be after begin_timestamp/],
  ['a period already over', (d) => (base(d).date_info = { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1700000000, end_timestamp: 1700086400 }), /date_info\.end_timestamp: .* has passed/],
  ['no custom codes', (d) => (base(d).use_custom_code = false), /base_info\.use_custom_code: must be true/],
  ['a giftable card', (d) => (base(d).can_give_friend = true), /base_info\.can_give_friend: must be false/],
  ['an entry that is not original id + @app', (d) => (base(d).center_app_brand_user_name = 'wx1234567890abcdef'), /center_app_brand_user_name: must be the mini-program's original id \+ "@app"/],
  ['an entry without its page', (d) => delete base(d).center_app_brand_pass, /center_app_brand_pass: must be a page path/],
  ['no entry back into the mini-program', (d) => {
    for (const key of Object.keys(base(d))) if (/_app_brand_/.test(key)) delete base(d)[key]
  }, /center_app_brand_user_name: missing: the card needs an entry back into the mini-program/],
  ['a logo_url written by hand', (d) => (base(d).logo_url = 'https://example.com/logo.png'), /base_info\.logo_url: leave it out/],
  ['a logo that is not an image', (d) => (d.logo = 'ticket-card.example.json'), /^logo: must be a PNG or JPG image/],
  ['a coupon type', (d) => (d.card.card_type = 'GROUPON'), /card\.card_type: must be SCENIC_TICKET or MEETING_TICKET/],
])('refuses %s', (_name, spoil, expected) => {
  const definition = example()
  spoil(definition)
  expect(problems(definition).some((p) => expected.test(p))).toBe(true)
})

test('a MEETING_TICKET needs its meeting_detail', () => {
  const definition = example()
  definition.card = { card_type: 'MEETING_TICKET', meeting_ticket: { base_info: base(definition) } }
  expect(problems(definition)).toContain('card.meeting_ticket.meeting_detail: missing')
  ;(definition.card.meeting_ticket as Record<string, unknown>).meeting_detail = '城市博物馆夜场开放日'
  expect(problems(definition)).toEqual([])
})
