/**
 * The hostile suite's one stack: the local CloudBase, the WeChat simulator with an approved ticket
 * card and the development subscribe templates, the attendee, organizer and checkin functions,
 * and the data every action's valid payload names (test/integration/hostile/spec.ts, `Fixture`).
 * Rate limits are raised so that RATE_LIMITED never hides what validation would have said.
 */
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { IdRefusalView, TicketView } from '../../../cloud/src/api/models'
import type { FreeSeatRecord, TicketRecord } from '../../../cloud/src/domain/records'
import { DEV_SUBSCRIBE_TEMPLATES_SETTING, DEV_TEMPLATES } from '../../../scripts/devReminders'
import { adminDb, allDocs, doorEvent, openEvent, seedEvent, type Db } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { mainlandIdNumber } from '../../support/idNumbers'
import { createApprovedCard, simPost } from '../../support/simCard'
import { startWechatStack, type WechatStack } from '../../support/wechatStack'
import type { Fixture } from './spec'

const OPENIDS: Fixture['openids'] = {
  attendee: 'o_hostile_attendee',
  other: 'o_hostile_other',
  staff: 'o_hostile_staff',
  eventOrganizer: 'o_hostile_event_organizer',
  organizer: 'o_hostile_organizer',
}
const EVENTS: Fixture['events'] = { main: 'hx', door: 'hxdoor', idCheck: 'hxid' }
const SESSIONS: Fixture['sessions'] = { main: 'hx-s', reserve: 'hx-r', door: 'hxdoor-s' }

export interface HostileStack {
  stack: WechatStack
  db: Db
  fx: Fixture
}

function must<T>(answer: { ok: true; data: T } | { ok: false; error: unknown }, what: string): T {
  if (!answer.ok) throw new Error(`${what}: ${JSON.stringify(answer.error)}`)
  return answer.data
}

export async function startHostileStack(): Promise<HostileStack> {
  let cardId = ''
  const stack = await startWechatStack({
    functions: discoverFunctions('source').filter((fn) => ['attendee', 'organizer', 'checkin'].includes(fn.name)),
    maxInstances: 2,
    env: {
      TICKETCARD_ORGANIZERS: OPENIDS.organizer,
      TICKETCARD_SUBSCRIBE_TEMPLATES: DEV_SUBSCRIBE_TEMPLATES_SETTING,
      TICKETCARD_RESERVE_PER_MINUTE: '1000',
      TICKETCARD_LOOKUP_PER_MINUTE: '100000',
      TICKETCARD_LOOKUP_PER_IP_PER_MINUTE: '100000',
      TICKETCARD_UNKNOWN_CODES_PER_MINUTE: '100000',
      TICKETCARD_ID_REFUSALS_PER_DAY: '100',
    },
    prepare: async (wechat) => {
      cardId = await createApprovedCard(wechat)
      return { TICKETCARD_CARD_ID: cardId }
    },
  })
  try {
    const db = adminDb(stack.adminUrl)
    await seedEvent(db, openEvent(EVENTS.main, [{ id: SESSIONS.main, capacity: 50 }, { id: SESSIONS.reserve, capacity: 500 }], { limits: { perSession: 10, perEvent: 50 } }))
    await seedEvent(db, { ...doorEvent(EVENTS.door, { capacity: 20 }), sessions: [{ ...doorEvent(EVENTS.door).sessions[0], id: SESSIONS.door }] })
    await seedEvent(db, openEvent(EVENTS.idCheck, [{ id: `${EVENTS.idCheck}-s`, capacity: 10 }], { limits: { perSession: 1, perEvent: 1 }, idNumber: 'optional' }))
    // Door staff of one event (added by an organizer, as in the app), and an organizer of that one event only.
    must(await stack.call('organizer', 'staff.add', { eventId: EVENTS.door, openid: OPENIDS.staff }, OPENIDS.organizer), 'staff.add')
    await db.collection('roles').add({
      data: { _id: `${EVENTS.door}:${OPENIDS.eventOrganizer}`, eventId: EVENTS.door, openid: OPENIDS.eventOrganizer, role: 'organizer', addedBy: OPENIDS.organizer, addedAt: new Date() },
    })

    let request = 0
    const reserve = async (openid: string, sessionId: string, attendee: Record<string, unknown> = {}): Promise<TicketView> => {
      request += 1
      const payload = { sessionId, requestId: `req-hostile-setup-${request}`, attendee: { name: '李雷', phone: '13900001111', ...attendee }, consent: CONSENT }
      return must(await stack.call<TicketView>('attendee', 'reservation.reserve', payload, openid), `reserve ${sessionId} as ${openid}`)
    }
    // One after another: the fixture is the same every run.
    const main = await reserve(OPENIDS.attendee, SESSIONS.main)
    const cancel = await reserve(OPENIDS.attendee, SESSIONS.main)
    const erase = await reserve(OPENIDS.attendee, SESSIONS.main)
    const card = await reserve(OPENIDS.attendee, SESSIONS.main)
    const cardToAdd = await reserve(OPENIDS.attendee, SESSIONS.main)
    const door = await reserve(OPENIDS.attendee, SESSIONS.door)
    const other = await reserve(OPENIDS.other, SESSIONS.main)
    must(await stack.call('attendee', 'tickets.cancel', { ticketId: erase.id }, OPENIDS.attendee), 'cancel the ticket to erase')

    // Cards in the simulator's wallet: the attendee's two (one confirmed with card.added), someone else's one.
    const addToWallet = async (ticket: TicketView, owner: string): Promise<string> => {
      const signed = must(await stack.call<{ cardId: string; cardExt: string }>('attendee', 'card.ext', { ticketId: ticket.id }, owner), 'card.ext')
      const added = await simPost(stack.wechat, '/wallet/addCard', { openid: `wallet_${owner}`, cardList: [{ cardId, cardExt: signed.cardExt }] })
      const [item] = added.cardList as Array<{ code: string; isSuccess: boolean }>
      if (!item?.isSuccess) throw new Error(`wallet add failed: ${JSON.stringify(added)}`)
      return item.code
    }
    const [cardCode, cardToAddCode, otherCode] = await Promise.all([addToWallet(card, OPENIDS.attendee), addToWallet(cardToAdd, OPENIDS.attendee), addToWallet(other, OPENIDS.other)])
    must(await stack.call('attendee', 'card.added', { ticketId: card.id, encryptCode: cardCode }, OPENIDS.attendee), 'card.added')
    const signedFor = async (ticket: TicketView) => must(await stack.call<{ cardExt: string }>('attendee', 'card.ext', { ticketId: ticket.id }, OPENIDS.attendee), 'card.ext').cardExt
    const cardExts = { main: await signedFor(main), card: await signedFor(card) }

    // An ID refusal for the organizer to see and release: the other attendee gives the attendee's ID number.
    const idNumber = mainlandIdNumber(901)
    await reserve(OPENIDS.attendee, `${EVENTS.idCheck}-s`, { idNumber })
    const refusedAnswer = await stack.call('attendee', 'reservation.reserve', { sessionId: `${EVENTS.idCheck}-s`, requestId: 'req-hostile-setup-refused', attendee: { name: '韩梅梅', phone: '13900002222', idNumber }, consent: CONSENT }, OPENIDS.other)
    if (refusedAnswer.ok || refusedAnswer.error.code !== 'DUPLICATE_ID_NUMBER') throw new Error(`expected DUPLICATE_ID_NUMBER, got ${JSON.stringify(refusedAnswer)}`)
    const { refusals } = must(await stack.call<{ refusals: IdRefusalView[] }>('organizer', 'organizer.idRefusals', { eventId: EVENTS.idCheck }, OPENIDS.organizer), 'organizer.idRefusals')
    if (!refusals[0]) throw new Error('no ID refusal was recorded')

    const docs = await allDocs<TicketRecord | FreeSeatRecord>(db, 'tickets')
    const freeSeat = docs.find((doc) => doc.status === 'free' && doc.sessionId === SESSIONS.main)
    if (!freeSeat) throw new Error('no free seat document')

    const fx: Fixture = {
      openids: OPENIDS,
      events: EVENTS,
      sessions: SESSIONS,
      tickets: { main: main.id, cancel: cancel.id, erase: erase.id, card: card.id, cardToAdd: cardToAdd.id, door: door.id, other: other.id, freeSeat: freeSeat._id },
      codes: { main: main.code, door: door.code, other: other.code, freeSeat: freeSeat.code },
      cardId,
      encryptCodes: { card: cardCode, cardToAdd: cardToAddCode, other: otherCode },
      cardExts,
      refusalId: refusals[0].id,
      templates: DEV_TEMPLATES.map((template) => template.id),
    }
    return { stack, db, fx }
  } catch (err) {
    await stack.close()
    throw err
  }
}
