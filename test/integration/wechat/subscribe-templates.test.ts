/**
 * Subscribe messages against their templates, as WeChat checks them: an unknown template is 40037;
 * a data key the template lacks, a keyword left out or a value breaking its type's rule is 47003
 * naming the key. The HTTP endpoint and the cloud call share the checks.
 */
import { DEV_SUBSCRIBE_TEMPLATES } from '../../../cloud/local/wechat/devTemplates'
import { KEYWORD_TYPES, keywordTypeOfKey, keywordValueProblem, type KeywordType } from '../../../cloud/local/wechat/subscribeRules'
import { startSim, type Answer, type TestSim } from './support'

let t: TestSim
let token: string
beforeEach(async () => {
  t = await startSim()
  token = await t.token()
})
afterEach(() => t.close())

const send = (body: unknown) => t.post(`/cgi-bin/message/subscribe/send?access_token=${token}`, body)

/**
 * WeChat templates have at most 5 keywords, so the types are spread over three, keyed as WeChat
 * keys them (type + position).
 */
const GROUPS: KeywordType[][] = [KEYWORD_TYPES.slice(0, 5), KEYWORD_TYPES.slice(5, 10), KEYWORD_TYPES.slice(10)]
const TEMPLATES = GROUPS.map((types, g) => ({
  id: `tcTestKeywordTypes${g}${'0'.repeat(24)}`,
  title: `类型${g}`,
  keywords: Object.fromEntries(types.map((type, i) => [`${type}${i + 1}`, type])) as Record<string, KeywordType>,
}))
const templateOf = (type: KeywordType) => TEMPLATES[GROUPS.findIndex((types) => types.includes(type))]
const keyOf = (type: KeywordType) => Object.keys(templateOf(type).keywords).find((key) => templateOf(type).keywords[key] === type) as string
const FIRST = TEMPLATES[0]

const GOOD: Record<KeywordType, string> = {
  thing: '新年音乐会',
  number: '12.5',
  letter: 'ABC',
  symbol: '%',
  character_string: 'TC-0001',
  time: '2019年10月1日 15:01',
  date: '2019年10月1日',
  amount: '¥100.50',
  phone_number: '+86-0766-66888866',
  car_number: '粤A8Z888挂',
  name: '张三',
  phrase: '配送中',
}

/** A message with the template holding `type`, every keyword well-formed but `type`'s, set to `value`. */
const message = (type: KeywordType = 'thing', value?: string) => {
  const template = templateOf(type)
  const data = Object.fromEntries(Object.entries(template.keywords).map(([key, keywordType]) => [key, { value: keywordType === type && value !== undefined ? value : GOOD[keywordType] }]))
  return { touser: 'oMiniUser1', template_id: template.id, page: 'pages/ticket/index', data }
}

/** [type, value, accepted] — WeChat's subscribe-message keyword rules, both sides of each limit. */
const CASES: Array<[KeywordType, string, boolean]> = [
  ['thing', 'a'.repeat(20), true],
  ['thing', 'a'.repeat(21), false],
  ['thing', '音'.repeat(20), true],
  ['thing', '🎵'.repeat(20), true],
  ['thing', '🎵'.repeat(21), false],
  ['thing', 'two\nlines', false],
  ['number', '1'.repeat(32), true],
  ['number', '1'.repeat(33), false],
  ['number', '3.14', true],
  ['number', '1.2.3', false],
  ['number', '-5', false],
  ['number', 'twelve', false],
  ['letter', 'a'.repeat(32), true],
  ['letter', 'a'.repeat(33), false],
  ['letter', 'abc1', false],
  ['symbol', '!@#$%', true],
  ['symbol', '!!!!!!', false],
  ['symbol', 'a!', false],
  ['character_string', 'A-1_b/2', true],
  ['character_string', 'x'.repeat(32), true],
  ['character_string', 'x'.repeat(33), false],
  ['character_string', '订单1', false],
  ['character_string', 'A 1', false],
  ['time', '15:01', true],
  ['time', '9:05', true],
  ['time', '2019年10月1日 15:01', true],
  ['time', '15:01~16:00', true],
  ['time', '24:00', false],
  ['time', '15:1', false],
  ['time', '15:01:00', false],
  ['time', '2019-10-01 15:01', false],
  ['time', '2019年2月30日 15:01', false],
  ['date', '2019年10月1日', true],
  ['date', '2019年10月1日 15:01', true],
  ['date', '2019年10月1日~2019年10月3日', true],
  ['date', '2019-10-01', false],
  ['date', '2019年13月1日', false],
  ['date', '10月1日', false],
  ['date', '2019年10月1日~2019年10月3日~2019年10月5日', false],
  ['amount', '¥100', true],
  ['amount', '100元', true],
  ['amount', '$1234567890', true],
  ['amount', '12345678901', false],
  ['amount', '¥¥1', false],
  ['amount', '1,000', false],
  ['phone_number', '+86-0766-66888866', true],
  ['phone_number', '1'.repeat(18), false],
  ['phone_number', '138 0013 8000', false],
  ['phone_number', '电话123', false],
  ['car_number', '粤A12345', true],
  ['car_number', 'A123456789', false],
  ['car_number', '粤A8中888', false],
  ['name', '阿卜杜·热合曼', true],
  ['name', 'Li Lei', true],
  ['name', 'a'.repeat(20), true],
  ['name', 'a'.repeat(21), false],
  ['name', '张'.repeat(11), false],
  ['name', '张三1', false],
  ['phrase', '五个汉字啊', true],
  ['phrase', '六个汉字啊啊', false],
  ['phrase', 'ok', false],
]

describe('the keyword rules (subscribeRules.ts)', () => {
  it.each(CASES)('%s %j accepted: %s', (type, value, accepted) => {
    expect(keywordValueProblem(type, value) === null).toBe(accepted)
  })

  it('reads the type from a keyword key', () => {
    expect(keywordTypeOfKey('thing1')).toBe('thing')
    expect(keywordTypeOfKey('character_string4')).toBe('character_string')
    expect(keywordTypeOfKey('phone_number12')).toBe('phone_number')
    expect(keywordTypeOfKey('thing')).toBeNull()
    expect(keywordTypeOfKey('stuff1')).toBeNull()
  })
})

describe('/cgi-bin/message/subscribe/send with a template', () => {
  beforeEach(() => {
    for (const template of TEMPLATES) t.sim.control.defineTemplate(template)
  })

  it('accepts a message whose every keyword follows its rule, and records it', async () => {
    for (const template of TEMPLATES) {
      const type = Object.values(template.keywords)[0]
      const answer = await send(message(type))
      expect(answer).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) })
      expect(t.sim.control.subscribeMessages().at(-1)).toEqual(expect.objectContaining({ msgid: answer.msgid, template_id: template.id, data: message(type).data }))
    }
  })

  it.each(CASES.filter(([, , accepted]) => !accepted))('refuses %s %j with 47003 naming the key', async (type, value) => {
    const answer = await send(message(type, value))
    expect(answer.errcode).toBe(47003)
    expect(answer.errmsg).toMatch(new RegExp(`^argument invalid! data\\.${keyOf(type)}\\.value invalid hint: \\[${type}: .+\\] rid: \\S+$`))
    expect(t.sim.control.subscribeMessages()).toEqual([])
  })

  it.each(CASES.filter(([, , accepted]) => accepted))('accepts %s %j', async (type, value) => {
    expect((await send(message(type, value))).errcode).toBe(0)
  })

  it('refuses a keyword left out, or left blank, as WeChat does: "data.<key>.value is empty"', async () => {
    const { letter3: _left, ...without } = message().data
    const missing = await send({ ...message(), data: without })
    expect(missing).toEqual({ errcode: 47003, errmsg: expect.stringMatching(/^argument invalid! data\.letter3\.value is empty rid: /) })
    const blank = await send({ ...message(), data: { ...message().data, thing1: { value: '  ' } } })
    expect(blank.errmsg).toMatch(/^argument invalid! data\.thing1\.value is empty rid: /)
    const notString = await send({ ...message(), data: { ...message().data, number2: { value: 12 } } })
    expect(notString.errmsg).toMatch(/^argument invalid! data\.number2\.value invalid hint: \[the value must be a string\]/)
    expect(t.sim.control.subscribeMessages()).toEqual([])
  })

  it('refuses a data key the template does not have, naming it and the keywords it has', async () => {
    const answer = await send({ ...message(), data: { ...message().data, thing99: { value: 'x' } } })
    expect(answer.errcode).toBe(47003)
    expect(answer.errmsg).toContain(`argument invalid! data.thing99 is not a keyword of template ${FIRST.id}`)
    expect(answer.errmsg).toContain('its keywords are thing1, number2, letter3, symbol4, character_string5')
  })

  it('refuses an unknown template with 40037, before looking at the data', async () => {
    const answer = await send({ ...message(), template_id: 'tcTestNoSuchTemplate0000000000000000000000009', data: {} })
    expect(answer.errcode).toBe(40037)
    expect(answer.errmsg).toMatch(/^invalid template_id hint: \[no template tcTestNoSuchTemplate0+9 on this account; defined: .*tcDevBookingConfirmed/)
  })

  it('checks a cloud call exactly as the HTTP endpoint', () => {
    const refused = t.sim.control.cloudCall({ apiName: 'subscribeMessage.send', params: message('phrase', 'ok') })
    expect(refused).toEqual({ errcode: 47003, errmsg: expect.stringMatching(/^argument invalid! data\.phrase2\.value invalid hint: \[phrase: only 汉字\] rid: /) })
    expect(t.sim.control.cloudCall({ apiName: 'subscribeMessage.send', params: { ...message(), template_id: 'x' } }).errcode).toBe(40037)
    expect(t.sim.control.cloudCall({ apiName: 'subscribeMessage.send', params: message() })).toMatchObject({ errcode: 0 })
    expect(t.sim.control.counters()['/cgi-bin/message/subscribe/send']).toEqual({ calls: 3, ok: 1, errors: { 47003: 1, 40037: 1 } })
  })
})

describe('the development templates', () => {
  const [confirmation, reminder] = DEV_SUBSCRIBE_TEMPLATES
  const wellFormed = (templateId: string) => ({
    touser: 'oMiniUser1',
    template_id: templateId,
    page: 'pages/ticket/index?id=t1',
    miniprogram_state: 'developer',
    data: { thing1: { value: '新年音乐会' }, time2: { value: '2025年1月1日 19:30' }, thing3: { value: '城市音乐厅 A 厅' }, character_string4: { value: 'TC-20250101-0001' } },
  })

  it('have ids of the real shape and the keywords the application fills', () => {
    expect(DEV_SUBSCRIBE_TEMPLATES.map((tpl) => [tpl.kind, tpl.id.length, tpl.title])).toEqual([
      ['confirmation', 43, '预约成功通知'],
      ['reminder', 43, '活动开始提醒'],
    ])
    for (const tpl of DEV_SUBSCRIBE_TEMPLATES) expect(tpl.keywords).toEqual({ thing1: 'thing', time2: 'time', thing3: 'thing', character_string4: 'character_string' })
  })

  it('are defined at start and again after reset, and accept a well-formed message', async () => {
    expect(t.sim.control.templates().map((tpl) => tpl.id)).toEqual([confirmation.id, reminder.id])
    t.sim.control.defineTemplate(FIRST)
    t.sim.control.reset()
    expect(t.sim.control.templates().map((tpl) => tpl.id)).toEqual([confirmation.id, reminder.id])
    token = await t.token()
    for (const tpl of [confirmation, reminder]) expect(await send(wellFormed(tpl.id))).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) })
    expect(t.sim.control.subscribeMessages().map((m) => [m.template_id, m.miniprogram_state, m.data.character_string4.value])).toEqual([
      [confirmation.id, 'developer', 'TC-20250101-0001'],
      [reminder.id, 'developer', 'TC-20250101-0001'],
    ])
  })

  it('refuse a venue name over 20 characters', async () => {
    const long = wellFormed(reminder.id)
    long.data.thing3.value = '一'.repeat(21)
    expect((await send(long)).errmsg).toMatch(/^argument invalid! data\.thing3\.value invalid hint: \[thing: at most 20 characters, got 21\]/)
  })
})

describe('the control API for templates and messages', () => {
  it('defineTemplate checks its input and replaces a template with the same id', () => {
    expect(() => t.sim.control.defineTemplate({ id: 'short', title: 'x', keywords: { thing1: 'thing' } })).toThrow(/template id must be 16 to 64 letters/)
    expect(() => t.sim.control.defineTemplate({ ...FIRST, keywords: { thing1: 'stuff' } })).toThrow(/type must be one of thing, number/)
    expect(() => t.sim.control.defineTemplate({ ...FIRST, keywords: { time1: 'thing' } })).toThrow(/a thing keyword is named thing<position>/)
    expect(() => t.sim.control.defineTemplate({ ...FIRST, keywords: {} })).toThrow(/keywords must be an object/)
    expect(() => t.sim.control.defineTemplate({ ...FIRST, keywords: { ...FIRST.keywords, thing6: 'thing' } })).toThrow(/at most 5 keywords \(got 6\)/)
    t.sim.control.defineTemplate(FIRST)
    t.sim.control.defineTemplate({ ...FIRST, title: '改名', keywords: { phrase1: 'phrase' } })
    expect(t.sim.control.templates().find((tpl) => tpl.id === FIRST.id)).toEqual({ id: FIRST.id, title: '改名', keywords: { phrase1: 'phrase' } })
  })

  it('works over HTTP: POST /__sim/defineTemplate, GET /__sim/templates, GET /__sim/subscribeMessages', async () => {
    const defined = await t.post('/__sim/defineTemplate', FIRST)
    expect(defined).toEqual({ ok: true, result: FIRST })
    expect(await t.post('/__sim/defineTemplate', { id: 'short' })).toEqual({ ok: false, error: expect.stringContaining('template id must be 16 to 64') })
    expect(((await t.get('/__sim/templates')) as Answer & { result: unknown[] }).result).toHaveLength(3)
    const sent = await send(message())
    const listed = (await t.get('/__sim/subscribeMessages')) as Answer & { ok: boolean; result: unknown[] }
    expect(listed).toEqual({ ok: true, result: [expect.objectContaining({ msgid: sent.msgid, touser: 'oMiniUser1', template_id: FIRST.id, page: 'pages/ticket/index', data: message().data })] })
  })
})
