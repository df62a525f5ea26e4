/**
 * What a session change does to the cards already in people's card packs, per card type, and what
 * happens when WeChat refuses a template: the job ends dead and `npm run ops -- jobs` shows it.
 */
import { discoverFunctions } from '../../../cloud/local/runtime/functions'
import type { TicketView } from '../../../cloud/src/api/models'
import type { JobRecord } from '../../../cloud/src/domain/records'
import { DEV_SUBSCRIBE_TEMPLATES_SETTING, DEV_TEMPLATES } from '../../../scripts/devReminders'
import { adminDb, allDocs, openEvent, seedEvent } from '../../support/adminDb'
import { CONSENT } from '../../support/consent'
import { runScript } from '../../support/runScript'
import { createApprovedCard, simPost } from '../../support/simCard'
import { startWechatStack, type WechatStack } from '../../support/wechatStack'

jest.setTimeout(90_000)

const UPDATEUSER = '/card/meetingticket/updateuser'

async function stackWithCard(type: 'MEETING_TICKET' | 'SCENIC_TICKET'): Promise<{ stack: WechatStack; cardId: string }> {
  let cardId = ''
  const stack = await startWechatStack({
    functions: discoverFunctions('source').filter((fn) => ['attendee', 'outbox', 'reminders'].includes(fn.name)),
    maxInstances: 2,
    env: { TICKETCARD_SUBSCRIBE_TEMPLATES: DEV_SUBSCRIBE_TEMPLATES_SETTING, TICKETCARD_CARD_TYPE: type, TICKETCARD_OUTBOX_BASE_DELAY_MS: '1000', TICKETCARD_OUTBOX_MAX_ATTEMPTS: '3' },
    prepare: async (wechat) => {
      cardId = await createApprovedCard(wechat, { type })
      return { TICKETCARD_CARD_ID: cardId }
    },
  })
  return { stack, cardId }
}

async function reserveWithCard(stack: WechatStack, cardId: string, openid: string, sessionId: string): Promise<TicketView> {
  const reserved = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId, requestId: `req-${openid}`, attendee: { name: '李雷', phone: '13900001111' }, consent: CONSENT }, openid)
  if (!reserved.ok) throw new Error(JSON.stringify(reserved.error))
  const signed = await stack.call<{ cardExt: string }>('attendee', 'card.ext', { ticketId: reserved.data.id }, openid)
  if (!signed.ok) throw new Error(JSON.stringify(signed.error))
  const added = await simPost(stack.wechat, '/wallet/addCard', { openid, cardList: [{ cardId, cardExt: signed.data.cardExt }] })
  const [item] = added.cardList as { code: string }[]
  const recorded = await stack.call('attendee', 'card.added', { ticketId: reserved.data.id, encryptCode: item.code }, openid)
  expect(recorded).toEqual({ ok: true, data: { card: 'added' } })
  return reserved.data
}

/** The event again, with its session two hours later and in another hall. */
function moved(file: ReturnType<typeof openEvent>) {
  const session = file.sessions[0]
  const later = (iso: string) => new Date(new Date(iso).getTime() + 2 * 3600_000).toISOString()
  return { ...file, sessions: [{ ...session, startsAt: later(session.startsAt), endsAt: later(session.endsAt), place: '二号厅' }] }
}

describe('a session change and the cards in card packs', () => {
  it('on a MEETING_TICKET card updates every added card of that session once', async () => {
    const { stack, cardId } = await stackWithCard('MEETING_TICKET')
    try {
      const file = openEvent('meet', [{ id: 'meet-s1', capacity: 10 }, { id: 'meet-s2', capacity: 10 }])
      await seedEvent(adminDb(stack.adminUrl), file)
      const withCards = [await reserveWithCard(stack, cardId, 'o_meet_1', 'meet-s1'), await reserveWithCard(stack, cardId, 'o_meet_2', 'meet-s1')]
      const otherSession = await reserveWithCard(stack, cardId, 'o_meet_3', 'meet-s2')
      // A ticket of the session without a card: nothing to update.
      await stack.call('attendee', 'reservation.reserve', { sessionId: 'meet-s1', requestId: 'req-o_meet_4', attendee: { name: '韩梅梅', phone: '13900002222' }, consent: CONSENT }, 'o_meet_4')

      const changed = { ...file, sessions: [moved(file).sessions[0], file.sessions[1]] }
      await seedEvent(adminDb(stack.adminUrl), changed)
      // Imported again unchanged: no second update.
      await seedEvent(adminDb(stack.adminUrl), changed)
      for (let run = 0; run < 3; run += 1) await stack.runtime.fireTimer('outbox', undefined, new Date(Date.now() + run * 5000))

      expect(stack.wechat.control.counters()[UPDATEUSER]).toMatchObject({ calls: 2, ok: 2 })
      const begin = Math.floor(new Date(changed.sessions[0].startsAt).getTime() / 1000)
      for (const ticket of withCards) expect(stack.wechat.control.code({ cardId, code: ticket.code })?.seat).toMatchObject({ begin_time: begin, zone: '二号厅' })
      expect(stack.wechat.control.code({ cardId, code: otherSession.code })?.seat ?? null).toBeNull()
    } finally {
      await stack.close()
    }
  })

  it('on a SCENIC_TICKET deployment completes without calling WeChat', async () => {
    const { stack, cardId } = await stackWithCard('SCENIC_TICKET')
    try {
      const file = openEvent('scenic', [{ id: 'scenic-s1', capacity: 10 }])
      await seedEvent(adminDb(stack.adminUrl), file)
      await reserveWithCard(stack, cardId, 'o_scenic_1', 'scenic-s1')
      await seedEvent(adminDb(stack.adminUrl), moved(file))
      await stack.runtime.fireTimer('outbox', undefined, new Date())
      expect(stack.wechat.control.counters()[UPDATEUSER]?.calls ?? 0).toBe(0)
      const jobs = (await allDocs<JobRecord>(adminDb(stack.adminUrl), 'jobs')).filter((job) => job.type === 'card.updateuser')
      expect(jobs.map((job) => job.state)).toEqual(['done'])
    } finally {
      await stack.close()
    }
  })
})

test('a template WeChat refuses (a wrong field) ends the job dead, shown by `npm run ops -- jobs`, not retried for ever', async () => {
  const { stack } = await stackWithCard('SCENIC_TICKET')
  try {
    const reminder = DEV_TEMPLATES[1]
    // The template in the mini-program console has thing5 where our configuration fills thing3.
    stack.wechat.control.defineTemplate({ id: reminder.id, title: '活动开始提醒', keywords: { thing1: 'thing', time2: 'time', thing5: 'thing', character_string4: 'character_string' } })
    const file = openEvent('tmplerr', [{ id: 'tmplerr-s1', capacity: 10 }])
    await seedEvent(adminDb(stack.adminUrl), file)
    const ticket = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'tmplerr-s1', requestId: 'req-tmplerr', attendee: { name: '李雷', phone: '13900001111' }, consent: CONSENT }, 'o_tmplerr')
    if (!ticket.ok) throw new Error(JSON.stringify(ticket.error))
    await stack.call('attendee', 'reminders.consent', { ticketId: ticket.data.id, accepted: [reminder.id] }, 'o_tmplerr')
    const startsAt = new Date(file.sessions[0].startsAt).getTime()
    await stack.runtime.fireTimer('reminders', undefined, new Date(startsAt - 1440 * 60_000))
    for (let run = 0; run < 4; run += 1) await stack.runtime.fireTimer('outbox', undefined, new Date(startsAt - 1439 * 60_000 + run * 60_000))

    const [job] = (await allDocs<JobRecord>(adminDb(stack.adminUrl), 'jobs')).filter((j) => j.type === 'subscribe.send')
    expect(job).toMatchObject({ state: 'dead', attempts: 1 })
    expect(job.lastError).toContain('47003')
    expect(stack.wechat.control.subscribeMessages({ touser: 'o_tmplerr' })).toEqual([])

    const ops = await runScript('ops', ['jobs'], stack.adminEnv)
    expect(ops.stdout).toContain(job._id)
    expect(ops.stdout).toContain('dead')
    expect(ops.stdout).toContain('thing')
  } finally {
    await stack.close()
  }
})
