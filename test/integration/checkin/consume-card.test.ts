/**
 * An event that consumes the WeChat card at the first entry: however many times the ticket is
 * scanned (re-entries, replays), WeChat's /card/code/consume is called exactly once, by the outbox.
 */
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { TicketView } from '../../../cloud/src/api/models'
import { adminDb } from '../../support/adminDb'
import { createApprovedCard, simPost } from '../../support/simCard'
import { startWechatStack, type WechatStack } from '../../support/wechatStack'
import { outcome, reserveTicket, scan, seedDoorEvent } from './support'

jest.setTimeout(120_000)

const ORGANIZER = 'consume_organizer'
let stack: WechatStack
let cardId = ''

beforeAll(async () => {
  stack = await startWechatStack({
    functions: discoverFunctions('source').filter((fn) => ['attendee', 'checkin', 'organizer', 'outbox'].includes(fn.name)),
    maxInstances: 2,
    env: { TICKETCARD_ORGANIZERS: ORGANIZER, TICKETCARD_OUTBOX_BASE_DELAY_MS: '1' },
    prepare: async (wechat) => {
      cardId = await createApprovedCard(wechat)
      return { TICKETCARD_CARD_ID: cardId }
    },
  })
})

afterAll(async () => {
  await stack?.close()
})

/** The attendee's ticket, added to their card pack through the simulator's wallet. */
async function ticketInCardPack(sessionId: string, openid: string): Promise<TicketView> {
  const ticket = await reserveTicket(stack, sessionId, openid)
  const signed = await stack.call<{ cardExt: string }>('attendee', 'card.ext', { ticketId: ticket.id }, openid)
  if (!signed.ok) throw new Error(JSON.stringify(signed.error))
  const added = await simPost(stack.wechat, '/wallet/addCard', { openid: `oa_${openid}`, cardList: [{ cardId, cardExt: signed.data.cardExt }] })
  const [item] = added.cardList as { code: string }[]
  expect(await stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode: item.code }, openid)).toEqual({ ok: true, data: { card: 'added' } })
  return ticket
}

const consumeCalls = () => stack.wechat.control.counters()['/card/code/consume']?.calls ?? 0

it('consumes the card once at the first entry, never again', async () => {
  await seedDoorEvent(adminDb(stack.adminUrl), 'consume-multi', { mode: 'multiple', consumeCard: true })
  const ticket = await ticketInCardPack('consume-multi-s', 'consume_attendee')
  expect(stack.wechat.control.code({ cardId, code: ticket.code })?.userCardStatus).toBe('NORMAL')

  const answers = [await scan(stack, ORGANIZER, ticket.code, 'consume-nonce-1'), await scan(stack, ORGANIZER, ticket.code, 'consume-nonce-1'), await scan(stack, ORGANIZER, ticket.code), await scan(stack, ORGANIZER, ticket.code)]
  expect(answers.map(outcome)).toEqual(['ADMITTED', 'ADMITTED', 'ADMITTED', 'ADMITTED'])
  for (let run = 0; run < 3; run += 1) await stack.runtime.fireTimer('outbox')

  expect(consumeCalls()).toBe(1)
  expect(stack.wechat.control.code({ cardId, code: ticket.code })?.userCardStatus).toBe('CONSUMED')
})

it('an event that does not ask for it leaves the card alone', async () => {
  await seedDoorEvent(adminDb(stack.adminUrl), 'consume-off', {})
  const ticket = await ticketInCardPack('consume-off-s', 'consume_off_attendee')
  const before = consumeCalls()
  expect(outcome(await scan(stack, ORGANIZER, ticket.code))).toBe('ADMITTED')
  await stack.runtime.fireTimer('outbox')
  expect(consumeCalls()).toBe(before)
  expect(stack.wechat.control.code({ cardId, code: ticket.code })?.userCardStatus).toBe('NORMAL')
})

it('a card whose add was still pending at the first entry is consumed once its add is confirmed', async () => {
  await seedDoorEvent(adminDb(stack.adminUrl), 'consume-pending', { mode: 'multiple', consumeCard: true })
  const openid = 'consume_pending_attendee'
  const ticket = await reserveTicket(stack, 'consume-pending-s', openid)
  const signed = await stack.call<{ cardExt: string }>('attendee', 'card.ext', { ticketId: ticket.id }, openid)
  if (!signed.ok) throw new Error(JSON.stringify(signed.error))
  const added = await simPost(stack.wechat, '/wallet/addCard', { openid: `oa_${openid}`, cardList: [{ cardId, cardExt: signed.data.cardExt }] })
  const [item] = added.cardList as { code: string }[]
  // WeChat cannot decrypt right now: the add is queued as pending.
  stack.wechat.control.setFault({ endpoint: '/card/code/decrypt', errcode: -1, rate: 1 })
  try {
    expect(await stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode: item.code }, openid)).toEqual({ ok: true, data: { card: 'pending' } })
    const before = consumeCalls()
    // The first entry happens while the add is pending; a re-entry follows.
    expect(outcome(await scan(stack, ORGANIZER, ticket.code))).toBe('ADMITTED')
    expect(outcome(await scan(stack, ORGANIZER, ticket.code))).toBe('ADMITTED')
    await stack.runtime.fireTimer('outbox')
    expect(consumeCalls()).toBe(before)
    stack.wechat.control.clearFaults({ endpoint: '/card/code/decrypt' })
    for (let run = 0; run < 4; run += 1) await stack.runtime.fireTimer('outbox')
    expect(consumeCalls()).toBe(before + 1)
    expect(stack.wechat.control.code({ cardId, code: ticket.code })?.userCardStatus).toBe('CONSUMED')
  } finally {
    stack.wechat.control.clearFaults({})
  }
})
