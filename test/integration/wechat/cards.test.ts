/**
 * Card management (sections 6 and 7 of the card protocol): image upload, creation rules, review,
 * reading and changing a card, stock, the test whitelist, and subscribe messages.
 */
import { DEV_SUBSCRIBE_TEMPLATES } from '../../../cloud/local/wechat/devTemplates'
import { cardBody, createCard, DEV, jpgBytes, pngBytes, startSim, upload, uploadLogo, type TestSim } from './support'

let t: TestSim
let token: string
beforeEach(async () => {
  t = await startSim()
  token = await t.token()
})
afterEach(() => t.close())

const api = (path: string, body: unknown) => t.post(`${path}?access_token=${token}`, body)

describe('/cgi-bin/media/uploadimg', () => {
  it('takes a PNG or JPG in the field "buffer" and answers a bare {url}', async () => {
    const png = await upload(t, token, pngBytes())
    expect(png).toEqual({ url: expect.stringMatching(/^http:\/\/mmbiz\.qpic\.cn\/mmbiz_png\/\S+\/0$/) })
    expect((await upload(t, token, jpgBytes(), { filename: 'logo.jpg' })).url).toMatch(/mmbiz_jpg/)
  })

  it.each([
    ['a GIF', 40005, () => upload(t, token, new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 0]), { filename: 'a.gif' })],
    ['an image over 1 MB', 40009, () => upload(t, token, pngBytes(1024 * 1024 + 1))],
    ['the file in another field', 41005, () => upload(t, token, pngBytes(), { field: 'media' })],
    ['a JSON body', 41005, () => t.post(`/cgi-bin/media/uploadimg?access_token=${token}`, { buffer: 'x' })],
  ])('refuses %s with %d', async (_label, errcode, call) => {
    expect((await call()).errcode).toBe(errcode)
  })

  it('accepts exactly 1 MB', async () => {
    expect(typeof (await upload(t, token, pngBytes(1024 * 1024))).url).toBe('string')
  })
})

describe('/card/create', () => {
  it('creates a ticket card pending review (CARD_STATUS_NOT_VERIFY) and answers its card_id', async () => {
    const answer = await api('/card/create', cardBody(await uploadLogo(t, token)))
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', card_id: expect.stringMatching(/^p[A-Za-z0-9_-]{27}$/) })
    const got = await api('/card/get', { card_id: answer.card_id })
    expect(got).toMatchObject({
      errcode: 0,
      card: { card_type: 'MEETING_TICKET', meeting_ticket: { base_info: { id: answer.card_id, status: 'CARD_STATUS_NOT_VERIFY', sku: { quantity: 100 } }, meeting_detail: '2025 新年音乐会' } },
    })
  })

  it('creates SCENIC_TICKET cards too', async () => {
    expect((await api('/card/create', cardBody(await uploadLogo(t, token), { type: 'SCENIC_TICKET' }))).errcode).toBe(0)
  })

  const without = (field: string) => (body: ReturnType<typeof cardBody>) => {
    const base = (body.card.meeting_ticket as { base_info: Record<string, unknown> }).base_info
    delete base[field]
  }
  it.each([
    ['logo_url', 41011, without('logo_url')],
    ['brand_name', 41011, without('brand_name')],
    ['code_type', 41011, without('code_type')],
    ['title', 41011, without('title')],
    ['color', 41011, without('color')],
    ['notice', 41011, without('notice')],
    ['description', 41011, without('description')],
    ['sku', 41011, without('sku')],
    ['date_info', 41011, without('date_info')],
    ['meeting_detail', 41011, (body: ReturnType<typeof cardBody>) => delete (body.card.meeting_ticket as Record<string, unknown>).meeting_detail],
  ])('answers a card without %s with %d naming the field', async (field, errcode, mutate) => {
    const body = cardBody(await uploadLogo(t, token))
    mutate(body)
    const answer = await api('/card/create', body)
    expect(answer.errcode).toBe(errcode)
    expect(answer.errmsg).toContain(field)
  })

  it.each([
    ['title of 10 汉字', { title: '一二三四五六七八九十' }, 45021],
    ['title of 19 ASCII characters', { title: 'A'.repeat(19) }, 45021],
    ['brand_name of 13 汉字', { brand_name: '一'.repeat(13) }, 45021],
    ['notice of 17 汉字', { notice: '一'.repeat(17) }, 45021],
    ['description of 1025 汉字', { description: '一'.repeat(1025) }, 45021],
    ['a code_type not WeChat\'s', { code_type: 'CODE_TYPE_NFC' }, 40072],
    ['a colour outside the palette', { color: '#ff0000' }, 40097],
    ['a logo_url not from uploadimg', { logo_url: 'https://example.com/logo.png' }, 40097],
    ['a web-style mini-program entry', { center_app_brand_user_name: 'wx1234567890abcdef' }, 40097],
    ['an entry without its page path', { center_app_brand_pass: undefined }, 41011],
    ['a negative stock', { sku: { quantity: -1 } }, 40122],
    ['a date range ending before it begins', { date_info: { type: 'DATE_TYPE_FIX_TIME_RANGE', begin_timestamp: 1_800_000_000, end_timestamp: 1_700_000_000 } }, 40100],
    ['an unknown date type', { date_info: { type: 'DATE_TYPE_PERMANENT' } }, 40079],
    ['a string where a flag goes', { use_custom_code: 'true' }, 47001],
  ])('refuses %s', async (_label, base, errcode) => {
    const answer = await api('/card/create', cardBody(await uploadLogo(t, token), { base }))
    expect(answer.errcode).toBe(errcode)
  })

  it('takes the longest values allowed: 9 汉字 title, 18 ASCII title, 12 汉字 brand, 16 汉字 notice, 1024 汉字 description', async () => {
    const logo = await uploadLogo(t, token)
    const ok = async (base: Record<string, unknown>) => (await api('/card/create', cardBody(logo, { base }))).errcode
    expect(await ok({ title: '一二三四五六七八九', brand_name: '一'.repeat(12), notice: '一'.repeat(16), description: '一'.repeat(1024) })).toBe(0)
    expect(await ok({ title: 'A'.repeat(18) })).toBe(0)
  })

  it('refuses card types other than the two ticket types with 40071', async () => {
    const body = cardBody(await uploadLogo(t, token))
    body.card.card_type = 'GROUPON'
    body.card.groupon = body.card.meeting_ticket
    expect((await api('/card/create', body)).errcode).toBe(40071)
  })

  it('answers malformed JSON with 47001', async () => {
    expect((await api('/card/create', '{"card": {')).errcode).toBe(47001)
  })
})

describe('review', () => {
  it('approval and refusal change the status and record WeChat\'s card_pass_check / card_not_pass_check events', async () => {
    const approved = await createCard(t, token, { approve: false })
    const refused = await createCard(t, token, { approve: false })
    t.sim.control.approveCard({ cardId: approved })
    t.sim.control.rejectCard({ cardId: refused, reason: 'logo unclear' })
    const statusOf = async (cardId: string) =>
      ((await api('/card/get', { card_id: cardId })).card as { meeting_ticket: { base_info: { status: string } } }).meeting_ticket.base_info.status
    expect(await statusOf(approved)).toBe('CARD_STATUS_VERIFY_OK')
    expect(await statusOf(refused)).toBe('CARD_STATUS_VERIFY_FAIL')
    expect(t.sim.control.events({ cardId: approved })).toEqual([expect.objectContaining({ Event: 'card_pass_check', CardId: approved, MsgType: 'event' })])
    expect(t.sim.control.events({ cardId: refused })).toEqual([expect.objectContaining({ Event: 'card_not_pass_check', RefuseReason: 'logo unclear' })])
  })

  it('with reviewDelayMs, cards pass review by themselves once that time has passed', async () => {
    const delayed = await startSim({ reviewDelayMs: 60_000 })
    try {
      const tok = await delayed.token()
      const cardId = await createCard(delayed, tok, { approve: false })
      expect(delayed.sim.control.card({ cardId })?.status).toBe('CARD_STATUS_NOT_VERIFY')
      delayed.clock.advance(60_000)
      expect(delayed.sim.control.card({ cardId })?.status).toBe('CARD_STATUS_VERIFY_OK')
    } finally {
      await delayed.close()
    }
  })
})

describe('/card/get, /card/update, /card/modifystock', () => {
  it('cards of another Official Account, or unknown ids, answer 40073; a missing card_id 41012', async () => {
    const twoAccounts = await startSim({ accounts: [DEV, { appid: 'wxsecondaccount0002', secret: 'second-secret' }] })
    try {
      const mine = await createCard(twoAccounts, await twoAccounts.token())
      const other = await twoAccounts.post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: 'wxsecondaccount0002', secret: 'second-secret' })
      expect((await twoAccounts.post(`/card/get?access_token=${other.access_token}`, { card_id: mine })).errcode).toBe(40073)
    } finally {
      await twoAccounts.close()
    }
    expect((await api('/card/get', { card_id: 'pUnknownCardIdUnknownCardId0' })).errcode).toBe(40073)
    expect((await api('/card/get', {})).errcode).toBe(41012)
  })

  it('update: notice changes keep the review; a new title sends the card back to review (send_check)', async () => {
    const cardId = await createCard(t, token)
    expect(await api('/card/update', { card_id: cardId, meeting_ticket: { base_info: { notice: '提前十分钟入场' }, map_url: 'https://map.example/hall' } })).toEqual({ errcode: 0, errmsg: 'ok', send_check: false })
    expect(t.sim.control.card({ cardId })?.status).toBe('CARD_STATUS_VERIFY_OK')
    expect((await api('/card/update', { card_id: cardId, meeting_ticket: { base_info: { title: '新春音乐会' } } })).send_check).toBe(true)
    const card = t.sim.control.card({ cardId })
    expect(card?.status).toBe('CARD_STATUS_NOT_VERIFY')
    expect(card?.wire).toMatchObject({ meeting_ticket: { base_info: { title: '新春音乐会', notice: '提前十分钟入场' }, map_url: 'https://map.example/hall' } })
  })

  it.each([
    ['brand_name (fixed at creation)', { meeting_ticket: { base_info: { brand_name: '别的' } } }, 40097],
    ['sku (changed through modifystock)', { meeting_ticket: { base_info: { sku: { quantity: 5 } } } }, 40097],
    ['a notice of 17 汉字', { meeting_ticket: { base_info: { notice: '一'.repeat(17) } } }, 45021],
    ['the fields of another card type', { scenic_ticket: { base_info: { notice: 'x' } } }, 40071],
  ])('update refuses %s', async (_label, change, errcode) => {
    const cardId = await createCard(t, token)
    expect((await api('/card/update', { card_id: cardId, ...change })).errcode).toBe(errcode)
  })

  it('modifystock raises and lowers the stock, never below zero (40122)', async () => {
    const cardId = await createCard(t, token, { quantity: 10 })
    expect((await api('/card/modifystock', { card_id: cardId, increase_stock_value: 5 })).errcode).toBe(0)
    expect((await api('/card/modifystock', { card_id: cardId, reduce_stock_value: 3 })).errcode).toBe(0)
    expect(t.sim.control.card({ cardId })).toMatchObject({ quantity: 12, totalQuantity: 12 })
    expect((await api('/card/modifystock', { card_id: cardId, reduce_stock_value: 13 })).errcode).toBe(40122)
  })
})

describe('/card/testwhitelist/set', () => {
  it('replaces the account\'s test whitelist', async () => {
    expect(await api('/card/testwhitelist/set', { openid: ['oUserA', 'oUserB'], username: ['tester'] })).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(t.sim.control.whitelist({})).toEqual({ openid: ['oUserA', 'oUserB'], username: ['tester'] })
    await api('/card/testwhitelist/set', { openid: ['oUserC'] })
    expect(t.sim.control.whitelist({})).toEqual({ openid: ['oUserC'], username: [] })
    expect((await api('/card/testwhitelist/set', { openid: 'oUserC' })).errcode).toBe(47001)
  })
})

describe('/cgi-bin/message/subscribe/send', () => {
  // A development template (the simulator checks data against the template, see subscribe-templates.test.ts).
  const message = {
    touser: 'oMiniUser1',
    template_id: DEV_SUBSCRIBE_TEMPLATES[1].id,
    page: 'pages/ticket/index?id=1',
    data: { thing1: { value: '新年音乐会' }, time2: { value: '2025年1月1日 19:30' }, thing3: { value: '城市音乐厅' }, character_string4: { value: 'TC-0001' } },
  }

  it('answers a msgid and records the message', async () => {
    const answer = await api('/cgi-bin/message/subscribe/send', message)
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) })
    expect(t.sim.control.subscribeMessages({ touser: 'oMiniUser1' })).toEqual([
      expect.objectContaining({ msgid: answer.msgid, appid: DEV.appid, template_id: DEV_SUBSCRIBE_TEMPLATES[1].id, page: 'pages/ticket/index?id=1', data: message.data, miniprogram_state: 'formal' }),
    ])
  })

  it.each([
    ['no touser', { ...message, touser: undefined }, 40003],
    ['no template_id', { ...message, template_id: '' }, 40037],
    ['an empty value', { ...message, data: { ...message.data, thing1: { value: '' } } }, 47003],
    ['an unknown miniprogram_state', { ...message, miniprogram_state: 'staging' }, 47003],
  ])('refuses %s', async (_label, body, errcode) => {
    expect((await api('/cgi-bin/message/subscribe/send', body)).errcode).toBe(errcode)
    expect(t.sim.control.subscribeMessages()).toEqual([])
  })

  it('is also served as a cloud call (no token), for the CloudBase emulator to forward', async () => {
    const reply = t.sim.control.cloudCall({ apiName: 'subscribeMessage.send', params: message })
    expect(reply).toEqual({ errcode: 0, errmsg: 'ok', msgid: expect.any(Number) })
    expect(t.sim.control.subscribeMessages()).toHaveLength(1)
    t.sim.control.scriptFaults({ endpoint: '/cgi-bin/message/subscribe/send', errcodes: [43101] })
    expect(t.sim.control.cloudCall({ apiName: 'subscribeMessage.send', params: message }).errcode).toBe(43101)
  })
})
