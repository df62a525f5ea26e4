/**
 * The first entry and the card's confirmed add at the same instant (issue 30, finding 2). Without
 * the guard (the scan reads, decides and writes as separate calls), a scan that read the ticket
 * before its card was recorded, and wrote its entry after the add had looked for entries, asks for
 * no consume, and neither does the add: the card stays usable. With the guard (both write the
 * ticket in a transaction, so one sees the other), every card is consumed exactly once.
 */
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { TicketView } from '../../../cloud/src/api/models'
import { adminDb } from '../../support/adminDb'
import { createApprovedCard, simPost } from '../../support/simCard'
import { startWechatStack } from '../../support/wechatStack'
import { outcome, reserveTicket, scan, seedDoorEvent } from './support'

jest.setTimeout(180_000)

const TICKETS = 20
const ORGANIZER = 'consume_race_organizer'
const LATENCY_MS = 10
/** Tickets raced at once: two calls each, within the stack's eight instances. */
const ROUND = 4
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function entryAndAddAtOnce(guard: 'on' | 'off'): Promise<{ consumed: number; admitted: number }> {
  let cardId = ''
  const stack = await startWechatStack({
    functions: discoverFunctions('source').filter((fn) => ['attendee', 'checkin', 'organizer', 'outbox'].includes(fn.name)),
    maxInstances: 8,
    // Database round trips of a real network, so each call's reads and writes are spread in time.
    latencyMs: LATENCY_MS,
    env: { TICKETCARD_ORGANIZERS: ORGANIZER, TICKETCARD_OUTBOX_BASE_DELAY_MS: '1', TICKETCARD_CHECKIN_GUARD: guard },
    prepare: async (wechat) => {
      cardId = await createApprovedCard(wechat)
      return { TICKETCARD_CARD_ID: cardId }
    },
  })
  try {
    const eventId = `consume-race-${guard}`
    await seedDoorEvent(adminDb(stack.adminUrl), eventId, { mode: 'multiple', consumeCard: true })
    const pending: Array<{ ticket: TicketView; openid: string; encryptCode: string }> = []
    for (let i = 0; i < TICKETS; i += 1) {
      const openid = `consume_race_${guard}_${i}`
      const ticket = await reserveTicket(stack, `${eventId}-s`, openid)
      const signed = await stack.call<{ cardExt: string }>('attendee', 'card.ext', { ticketId: ticket.id }, openid)
      if (!signed.ok) throw new Error(JSON.stringify(signed.error))
      const added = await simPost(stack.wechat, '/wallet/addCard', { openid: `oa_${openid}`, cardList: [{ cardId, cardExt: signed.data.cardExt }] })
      pending.push({ ticket, openid, encryptCode: (added.cardList as { code: string }[])[0].code })
    }
    // Every instance warm, so the scan and the add of a ticket really run side by side.
    await Promise.all(Array.from({ length: 16 }, () => scan(stack, ORGANIZER, '123456789012345678')))

    // Each scan starts a little later than its ticket's add, by a different offset, so across the
    // tickets the scan's read and write fall before, inside and after the add's transaction. A few
    // tickets at a time, so no call waits for a free instance and the offsets hold.
    const answers: string[] = []
    for (let first = 0; first < TICKETS; first += ROUND) {
      const round = pending.slice(first, first + ROUND)
      answers.push(
        ...(await Promise.all(
          round.flatMap(({ ticket, openid, encryptCode }, i) => [
            sleep(((first + i) % 10) * (LATENCY_MS / 2)).then(() => scan(stack, ORGANIZER, ticket.code)).then(outcome),
            stack.call('attendee', 'card.added', { ticketId: ticket.id, encryptCode }, openid).then((answer) => (answer.ok ? 'ADDED' : JSON.stringify(answer))),
          ]),
        )),
      )
    }
    expect(answers.filter((a) => a !== 'ADMITTED' && a !== 'ADDED')).toEqual([])
    for (let run = 0; run < 3; run += 1) await stack.runtime.fireTimer('outbox')
    const consumed = pending.filter(({ ticket }) => stack.wechat.control.code({ cardId, code: ticket.code })?.userCardStatus === 'CONSUMED').length
    return { consumed, admitted: answers.filter((a) => a === 'ADMITTED').length }
  } finally {
    await stack.close()
  }
}

it('with the guard off, some cards entered while their add was being recorded are never consumed', async () => {
  const { consumed, admitted } = await entryAndAddAtOnce('off')
  process.stdout.write(`entry and add race (guard off): ${consumed} of ${TICKETS} entered cards consumed\n`)
  expect(admitted).toBe(TICKETS)
  expect(consumed).toBeLessThan(TICKETS)
})

it('with the guard on, every card entered while its add was being recorded is consumed', async () => {
  const { consumed, admitted } = await entryAndAddAtOnce('on')
  expect(admitted).toBe(TICKETS)
  expect(consumed).toBe(TICKETS)
})
