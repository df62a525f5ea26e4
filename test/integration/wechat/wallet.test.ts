/**
 * The wallet (what the WeChat client does on wx.addCard / wx.openCard) and the code APIs that
 * follow an add: decrypt, code/get, consume, unavailable, meeting-ticket seats.
 */
import { signCardExt } from '../../../cloud/local/wechat'
import { addCard, cardExt, cardTicket, createCard, firstItem, freshNonce, startSim, type Answer, type TestSim } from './support'

let t: TestSim
let token: string
let ticket: string
beforeEach(async () => {
  t = await startSim()
  token = await t.token()
  ticket = await cardTicket(t, token)
})
afterEach(() => t.close())

const api = (path: string, body: unknown) => t.post(`${path}?access_token=${token}`, body)
let codeCounter = 0
const newCode = () => `${Date.now() % 1e6}${String((codeCounter += 1)).padStart(6, '0')}`

/** Adds a custom-code card for the user; answers the encrypted code. */
async function add(cardId: string, openid: string, code: string, outerStr?: string): Promise<string> {
  const item = firstItem(await addCard(t, openid, cardId, cardExt(t, { ticket, cardId, code, outerStr })))
  if (!item.isSuccess) throw new Error(`add failed: ${JSON.stringify(item)}`)
  return item.code
}

function expectRefused(answer: Answer, pattern: RegExp, errcode = 40080): void {
  expect(answer.errcode).toBe(errcode)
  expect(answer.errMsg).toMatch(/^addCard:fail /)
  expect(answer.errmsg).toMatch(pattern)
  expect(answer.cardList).toBeUndefined()
}

describe('/wallet/addCard', () => {
  it('accepts a correctly signed cardExt and answers the ENCRYPTED code (base64 with + / =), which decrypt turns back', async () => {
    const cardId = await createCard(t, token)
    const code = newCode()
    const ext = cardExt(t, { ticket, cardId, code, outerStr: 'ticket-42' })
    const answer = await addCard(t, 'oUserA', cardId, ext)
    expect(answer).toMatchObject({ errcode: 0, errMsg: 'addCard:ok', cardList: [{ cardId, cardExt: ext, isSuccess: true }] })
    const encrypted = firstItem(answer).code
    expect(encrypted).not.toBe(code)
    expect(encrypted).toMatch(/^[A-Za-z0-9+/]+={1,2}$/)
    expect(encrypted).toMatch(/\+/)
    expect(encrypted).toMatch(/\//)
    expect(await api('/card/code/decrypt', { encrypt_code: encrypted })).toEqual({ errcode: 0, errmsg: 'ok', code })
    expect(t.sim.control.events({ event: 'user_get_card' })).toEqual([expect.objectContaining({ FromUserName: 'oUserA', CardId: cardId, UserCardCode: code, OuterStr: 'ticket-42' })])
  })

  it('decrypt refuses anything not encrypted by this account with 40075 (e.g. "+" turned into a space in a URL)', async () => {
    const cardId = await createCard(t, token)
    const encrypted = await add(cardId, 'oUserA', newCode())
    expect((await api('/card/code/decrypt', { encrypt_code: encrypted.replace(/\+/g, ' ') })).errcode).toBe(40075)
    expect((await api('/card/code/decrypt', { encrypt_code: 'bm90IGEgY29kZQ==' })).errcode).toBe(40075)
  })

  it('refuses a wrong signature with 40080, failing the whole call', async () => {
    const cardId = await createCard(t, token)
    expectRefused(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode(), signature: 'f'.repeat(40) })), /signature mismatch/)
  })

  it('names the usual signing mistakes: the jsapi ticket, a stale ticket, a cardExt object', async () => {
    const cardId = await createCard(t, token)
    const jsapi = (await t.get(`/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)).ticket as string
    expectRefused(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket: jsapi, cardId, code: newCode() })), /jsapi ticket/)
    const stale = ticket
    t.sim.control.expireTicket({})
    await cardTicket(t, token)
    expectRefused(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket: stale, cardId, code: newCode() })), /earlier wx_card api_ticket \(generation 1\)/)
    const asObject = await t.post('/wallet/addCard', { openid: 'oUserA', cardList: [{ cardId, cardExt: JSON.parse(cardExt(t, { ticket, cardId, code: newCode() })) }] })
    expectRefused(asObject, /must be a JSON string/)
  })

  it('refuses a stale timestamp (over 5 minutes), one in the future, and one in milliseconds', async () => {
    const cardId = await createCard(t, token)
    const now = Math.floor(t.clock.now() / 1000)
    expectRefused(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode(), timestamp: now - 301 })), /s old/)
    expect(firstItem(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode(), timestamp: now - 300 }))).isSuccess).toBe(true)
    expectRefused(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode(), timestamp: now + 5 })), /in the future/)
    expectRefused(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode(), timestamp: t.clock.now() })), /milliseconds/)
  })

  it('refuses a reused nonce for the same card (a cardExt is good for one add)', async () => {
    const cardId = await createCard(t, token)
    const nonce = freshNonce()
    expect(firstItem(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode(), nonce }))).isSuccess).toBe(true)
    expectRefused(await addCard(t, 'oUserB', cardId, cardExt(t, { ticket, cardId, code: newCode(), nonce })), /already used/)
    const replay = cardExt(t, { ticket, cardId, code: newCode() })
    expect(firstItem(await addCard(t, 'oUserA', cardId, replay)).isSuccess).toBe(true)
    expectRefused(await addCard(t, 'oUserA', cardId, replay), /already used/)
  })

  it('custom-code cards need a code of at most 20 characters; other cards must not carry one', async () => {
    const custom = await createCard(t, token)
    expectRefused(await addCard(t, 'oUserA', custom, cardExt(t, { ticket, cardId: custom })), /must carry the code/)
    expectRefused(await addCard(t, 'oUserA', custom, cardExt(t, { ticket, cardId: custom, code: '1'.repeat(21) })), /at most 20/)
    expect(firstItem(await addCard(t, 'oUserA', custom, cardExt(t, { ticket, cardId: custom, code: '2'.repeat(20) }))).isSuccess).toBe(true)
    const assigned = await createCard(t, token, { customCode: false })
    expectRefused(await addCard(t, 'oUserA', assigned, cardExt(t, { ticket, cardId: assigned, code: newCode() })), /must not carry a code/)
    const item = firstItem(await addCard(t, 'oUserA', assigned, cardExt(t, { ticket, cardId: assigned })))
    expect(item.isSuccess).toBe(true)
    expect((await api('/card/code/decrypt', { encrypt_code: item.code })).code).toMatch(/^\d{12}$/)
  })

  it('allows one card per code: a second add of the same code is refused (isSuccess false)', async () => {
    const cardId = await createCard(t, token)
    const code = newCode()
    await add(cardId, 'oUserA', code)
    const item = firstItem(await addCard(t, 'oUserB', cardId, cardExt(t, { ticket, cardId, code })))
    expect(item).toMatchObject({ isSuccess: false, errcode: 40056, code: '' })
    expect(item.errmsg).toMatch(/one card per code/)
  })

  it('enforces get_limit per openid (45033) and the stock (45031)', async () => {
    const limited = await createCard(t, token, { getLimit: 2 })
    await add(limited, 'oUserA', newCode())
    await add(limited, 'oUserA', newCode())
    expect(firstItem(await addCard(t, 'oUserA', limited, cardExt(t, { ticket, cardId: limited, code: newCode() })))).toMatchObject({ isSuccess: false, errcode: 45033 })
    await add(limited, 'oUserB', newCode())

    const scarce = await createCard(t, token, { quantity: 1 })
    await add(scarce, 'oUserA', newCode())
    expect(firstItem(await addCard(t, 'oUserB', scarce, cardExt(t, { ticket, cardId: scarce, code: newCode() })))).toMatchObject({ isSuccess: false, errcode: 45031 })
    expect(t.sim.control.card({ cardId: scarce })?.quantity).toBe(0)
  })

  it('before review passes, only test-whitelist users can add the card (40078 for others)', async () => {
    const cardId = await createCard(t, token, { approve: false })
    expect(firstItem(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode() })))).toMatchObject({ isSuccess: false, errcode: 40078 })
    await api('/card/testwhitelist/set', { openid: ['oTester'] })
    expect(firstItem(await addCard(t, 'oTester', cardId, cardExt(t, { ticket, cardId, code: newCode() }))).isSuccess).toBe(true)
    t.sim.control.approveCard({ cardId })
    expect(firstItem(await addCard(t, 'oUserA', cardId, cardExt(t, { ticket, cardId, code: newCode() }))).isSuccess).toBe(true)
  })

  it('answers clear errors for malformed calls: bad JSON, no openid, no cardList, unknown card', async () => {
    expect((await t.post('/wallet/addCard', '{"openid":')).errcode).toBe(47001)
    expect((await t.post('/wallet/addCard', { cardList: [] })).errcode).toBe(40003)
    expect((await t.post('/wallet/addCard', { openid: 'oUserA' })).errcode).toBe(41011)
    const unknown = await addCard(t, 'oUserA', 'pUnknownUnknownUnknownUnknown', cardExt(t, { ticket, cardId: 'pUnknownUnknownUnknownUnknown', code: '1' }))
    expect(unknown).toMatchObject({ errcode: 40073, errMsg: expect.stringMatching(/^addCard:fail cardList\[0\]/), index: 0 })
  })

  it('signs openid too for bind_openid cards, as the protocol says', async () => {
    const cardId = await createCard(t, token, { base: { bind_openid: true } })
    const timestamp = String(Math.floor(t.clock.now() / 1000))
    const code = newCode()
    const nonce = freshNonce()
    const signature = signCardExt({ api_ticket: ticket, timestamp, card_id: cardId, nonce_str: nonce, code, openid: 'oUserA' })
    const ext = JSON.stringify({ code, openid: 'oUserA', timestamp, nonce_str: nonce, signature })
    expect(firstItem(await addCard(t, 'oUserA', cardId, ext)).isSuccess).toBe(true)
  })
})

describe('codes after the add', () => {
  it('/card/code/get answers card, openid, can_consume, user_card_status and outer_str; a code never added is 40056', async () => {
    const cardId = await createCard(t, token)
    const code = newCode()
    await add(cardId, 'oUserA', code, 'ticket-7')
    expect(await api('/card/code/get', { card_id: cardId, code, check_consume: true })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      card: { card_id: cardId, begin_time: expect.any(Number), end_time: expect.any(Number) },
      openid: 'oUserA',
      can_consume: true,
      user_card_status: 'NORMAL',
      outer_str: 'ticket-7',
    })
    expect((await api('/card/code/get', { card_id: cardId, code: '000000000000' })).errcode).toBe(40056)
    expect((await api('/card/code/get', { code })).errcode).toBe(41012)
  })

  it('/card/code/get reports DELETE, GIFTING and EXPIRE states (errors with check_consume true)', async () => {
    const cardId = await createCard(t, token)
    const deleted = newCode()
    const gifting = newCode()
    await add(cardId, 'oUserA', deleted)
    await add(cardId, 'oUserA', gifting)
    expect((await t.post('/wallet/deleteCard', { openid: 'oUserA', cardId, code: deleted })).errcode).toBe(0)
    t.sim.control.setCodeStatus({ cardId, code: gifting, status: 'GIFTING' })
    expect(await api('/card/code/get', { card_id: cardId, code: deleted, check_consume: false })).toMatchObject({ user_card_status: 'DELETE', can_consume: false })
    expect(await api('/card/code/get', { card_id: cardId, code: gifting, check_consume: false })).toMatchObject({ user_card_status: 'GIFTING', can_consume: false })
    expect((await api('/card/code/get', { card_id: cardId, code: deleted })).errcode).toBe(40127)
    expect(t.sim.control.events({ event: 'user_del_card' })).toHaveLength(1)

    const live = newCode()
    await add(cardId, 'oUserB', live)
    t.clock.advance(2 * 366 * 86_400_000)
    token = await t.token()
    expect(await api('/card/code/get', { card_id: cardId, code: live, check_consume: false })).toMatchObject({ user_card_status: 'EXPIRE', can_consume: false })
  })

  it('consume is one-shot: the second answers 40099', async () => {
    const cardId = await createCard(t, token)
    const code = newCode()
    await add(cardId, 'oUserA', code)
    expect(await api('/card/code/consume', { card_id: cardId, code })).toEqual({ errcode: 0, errmsg: 'ok', card: { card_id: cardId }, openid: 'oUserA' })
    const again = await api('/card/code/consume', { card_id: cardId, code })
    expect(again.errcode).toBe(40099)
    expect(again.errmsg).toMatch(/^invalid code, this code has consumed\. rid: /)
    expect((await api('/card/code/get', { card_id: cardId, code })).errcode).toBe(40099)
    expect(await api('/card/code/get', { card_id: cardId, code, check_consume: false })).toMatchObject({ user_card_status: 'CONSUMED', can_consume: false })
    expect(t.sim.control.events({ event: 'user_consume_card' })).toHaveLength(1)
  })

  it('unavailable is irreversible: the code can be neither consumed nor made unavailable again', async () => {
    const cardId = await createCard(t, token)
    const code = newCode()
    await add(cardId, 'oUserA', code)
    expect(await api('/card/code/unavailable', { card_id: cardId, code, reason: 'reservation cancelled' })).toEqual({ errcode: 0, errmsg: 'ok' })
    expect((await api('/card/code/consume', { card_id: cardId, code })).errcode).toBe(40127)
    expect((await api('/card/code/unavailable', { card_id: cardId, code })).errcode).toBe(40127)
    expect(await api('/card/code/get', { card_id: cardId, code, check_consume: false })).toMatchObject({ user_card_status: 'UNAVAILABLE' })
    expect(t.sim.control.code({ cardId, code })).toMatchObject({ status: 'UNAVAILABLE', unavailableReason: 'reservation cancelled' })
  })

  it('meetingticket/updateuser sets the seat of a meeting ticket; other card types answer 40071', async () => {
    const cardId = await createCard(t, token)
    const code = newCode()
    await add(cardId, 'oUserA', code)
    const seat = { card_id: cardId, code, begin_time: 1_735_731_000, end_time: 1_735_738_200, zone: 'A 区', entrance: '2 号门', seat_number: '7 排 12 座' }
    expect(await api('/card/meetingticket/updateuser', seat)).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(t.sim.control.code({ cardId, code })?.seat).toEqual({ begin_time: 1_735_731_000, end_time: 1_735_738_200, zone: 'A 区', entrance: '2 号门', seat_number: '7 排 12 座' })
    expect((await api('/card/meetingticket/updateuser', { ...seat, end_time: 1_735_000_000 })).errcode).toBe(40100)

    const scenic = await createCard(t, token, { type: 'SCENIC_TICKET' })
    const scenicCode = newCode()
    await add(scenic, 'oUserA', scenicCode)
    expect((await api('/card/meetingticket/updateuser', { ...seat, card_id: scenic, code: scenicCode })).errcode).toBe(40071)
  })
})

describe('/wallet/openCard', () => {
  it('opens a card by its decrypted code, and explains when given the encrypted one', async () => {
    const cardId = await createCard(t, token)
    const code = newCode()
    const encrypted = await add(cardId, 'oUserA', code)
    expect(await t.post('/wallet/openCard', { openid: 'oUserA', cardList: [{ cardId, code }] })).toMatchObject({
      errcode: 0,
      errMsg: 'openCard:ok',
      cardList: [{ cardId, code, user_card_status: 'NORMAL', can_consume: true }],
    })
    const wrong = await t.post('/wallet/openCard', { cardList: [{ cardId, code: encrypted }] })
    expect(wrong).toMatchObject({ errcode: 40056, errMsg: expect.stringMatching(/^openCard:fail .*decrypt it/) })
    expect((await t.post('/wallet/openCard', { openid: 'oUserB', cardList: [{ cardId, code }] })).errcode).toBe(40003)
  })
})
