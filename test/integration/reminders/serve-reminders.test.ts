/**
 * Reminders through `npm run serve` as a black box, on its own clock: a session starting in 110
 * minutes (both reminder times have passed, so only the 2-hour one is due), one reservation whose
 * owner accepts the reminder template and one whose owner declines; the simulator's record of
 * sent messages (`GET /__sim/subscribeMessages`) holds exactly one reminder, for the first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CONSENT } from '../../support/consent'
import { runScript } from '../../support/runScript'
import { serve, servePorts, until } from '../../support/serveProcess'

jest.setTimeout(240_000)

interface Sent {
  touser: string
  template_id: string
  data: Record<string, { value: string }>
}

it('a reservation with consent gets exactly one reminder within two minutes; one without consent gets none', async () => {
  const { base, env } = servePorts()
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketcard-reminders-'))
  const s = serve({ ...env, EMULATOR_DATA: path.join(dir, 'db.sqlite') })
  const gateway = `http://127.0.0.1:${base + 2}/api`
  const call = async (fn: string, action: string, payload: unknown, openid: string) =>
    (await (await fetch(`${gateway}/${fn}`, { method: 'POST', body: JSON.stringify({ action, payload }), headers: { 'x-wx-openid': openid } })).json()) as {
      ok: boolean
      data: { id: string; templates: { id: string; kind: string }[] }
    }
  try {
    await until(() => s.out().includes('gateway listening on'), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; serve wrote:\n${s.out()}\n${s.err()}`)
    })
    const minute = 60_000
    const startsAt = Date.now() + 110 * minute
    const event = {
      id: 'serve-rem',
      title: '城市博物馆夜场开放日',
      venue: '城市博物馆',
      description: '',
      reservation: { opensAt: new Date(Date.now() - 60 * minute).toISOString(), closesAt: new Date(startsAt).toISOString() },
      limits: { perSession: 1, perEvent: 1 },
      idNumber: 'off',
      sessions: [{ id: 'serve-rem-s', name: '夜场', startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + 120 * minute).toISOString(), capacity: 10 }],
    }
    const eventFile = path.join(dir, 'event.json')
    writeFileSync(eventFile, JSON.stringify(event))
    const imported = await runScript('event-import', [eventFile], { EMULATOR_PORT: String(base), EMULATOR_DATA: path.join(dir, 'db.sqlite'), TENCENTCLOUD_SECRETID: '', TENCENTCLOUD_SECRETKEY: '' })
    expect(imported.stdout).toContain('event serve-rem: 1 sessions created')

    const templates = (await call('attendee', 'reminders.templates', {}, 'oServeAsker')).data.templates
    const reminder = templates.find((t) => t.kind === 'reminder')?.id as string
    expect(reminder).toBeTruthy()
    for (const [openid, accepted] of [['oServeYes', [reminder]], ['oServeNo', []]] as const) {
      const ticket = await call('attendee', 'reservation.reserve', { sessionId: 'serve-rem-s', requestId: `req-${openid}`, attendee: { name: '王小明', phone: '13812345678' }, consent: CONSENT }, openid)
      expect(ticket.ok).toBe(true)
      expect((await call('attendee', 'reminders.consent', { ticketId: ticket.data.id, accepted }, openid)).ok).toBe(true)
    }

    const sent = async () => (await (await fetch(`http://127.0.0.1:${base + 1}/__sim/subscribeMessages`)).json()) as { ok: boolean; result: Sent[] }
    await until(async () => (await sent()).result.length > 0, 2 * minute)
    // One more outbox minute would have sent a duplicate or the other person's: nothing comes.
    await new Promise((resolve) => setTimeout(resolve, 5000))
    const messages = (await sent()).result
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ touser: 'oServeYes', template_id: reminder })
    expect(messages[0].data.thing1.value).toBe('城市博物馆夜场开放日')
  } finally {
    s.child.kill('SIGTERM')
    await s.exited
    rmSync(dir, { recursive: true, force: true })
  }
})
