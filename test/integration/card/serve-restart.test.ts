/**
 * Issue 30, finding 10, as it was found: restarting `npm run serve` on the same data. The
 * functions keep the card ticket they cached in the database; the restarted simulator must still
 * accept it (it keeps its state beside the emulator's data file), the example card is the same
 * one, and a code added before the restart still decrypts. Before, every add answered 40080 for
 * the two hours the cached ticket lived.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { connectSimulatorControl } from '../../../cloud/local/wechat/controlClient'
import { CONSENT } from '../../support/consent'
import { openEvent } from '../../support/adminDb'
import { runScript } from '../../support/runScript'
import { serve, servePorts, until } from '../../support/serveProcess'

jest.setTimeout(120_000)

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'serve-restart-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

type Answer = { ok: boolean; data?: Record<string, unknown>; error?: unknown } & Record<string, unknown>

test('after a restart of npm run serve on the same data, the card ticket the functions cached still adds cards', async () => {
  const { base, env } = servePorts()
  const serveEnv = { ...env, EMULATOR_DATA: path.join(dir, 'db.sqlite') }
  const gateway = `http://127.0.0.1:${base + 2}`
  const wechat = `http://127.0.0.1:${base + 1}`
  const call = async (action: string, payload: unknown, openid: string): Promise<Answer> =>
    (await (await fetch(`${gateway}/api/attendee`, { method: 'POST', body: JSON.stringify({ action, payload }), headers: { 'x-wx-openid': openid } })).json()) as Answer
  const walletAdd = async (cardId: string, cardExt: string): Promise<Answer> =>
    (await (await fetch(`${wechat}/wallet/addCard`, { method: 'POST', body: JSON.stringify({ openid: 'oa_restart', cardList: [{ cardId, cardExt }] }), headers: { 'content-type': 'application/json' } })).json()) as Answer
  const start = async () => {
    const s = serve(serveEnv)
    await until(() => s.out().includes('gateway listening on'), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; serve wrote:\n${s.out()}\n${s.err()}`)
    })
    return { s, cardId: /card (\S+) ready/.exec(s.out())?.[1] as string }
  }
  let reserved = 0
  const addOneTicket = async (cardId: string) => {
    reserved += 1
    const ticket = await call('reservation.reserve', { sessionId: `restart-s${reserved}`, requestId: `req-restart-${reserved}`, attendee: { name: '赵重启', phone: '13900003333' }, consent: CONSENT }, 'oRestartUser')
    expect(ticket).toMatchObject({ ok: true })
    const signed = await call('card.ext', { ticketId: ticket.data?.id }, 'oRestartUser')
    expect(signed).toMatchObject({ ok: true, data: { cardId } })
    return { ticketId: ticket.data?.id as string, added: await walletAdd(cardId, signed.data?.cardExt as string) }
  }

  const first = await start()
  let before: Awaited<ReturnType<typeof addOneTicket>>
  try {
    const eventFile = path.join(dir, 'event.json')
    writeFileSync(eventFile, JSON.stringify(openEvent('restart', [{ id: 'restart-s1', capacity: 5 }, { id: 'restart-s2', capacity: 5 }])))
    expect((await runScript('event-import', [eventFile], { EMULATOR_PORT: String(base), EMULATOR_DATA: serveEnv.EMULATOR_DATA, TENCENTCLOUD_SECRETID: '', TENCENTCLOUD_SECRETKEY: '' })).stderr).toBe('')
    before = await addOneTicket(first.cardId)
    expect(before.added).toMatchObject({ errcode: 0, cardList: [{ isSuccess: true }] })
  } finally {
    first.s.child.kill('SIGTERM')
  }
  expect(await first.s.exited).toBe(0)

  const second = await start()
  try {
    expect(second.cardId).toBe(first.cardId)
    expect(second.s.out()).toContain('kept by the simulator')
    const after = await addOneTicket(second.cardId)
    expect(after.added).toMatchObject({ errcode: 0, cardList: [{ isSuccess: true }] })
    expect((await connectSimulatorControl(wechat).counters())['/cgi-bin/ticket/getticket']?.calls ?? 0).toBe(0)
    // The code added before the restart decrypts after it: the add is recorded.
    const [item] = before.added.cardList as { code: string }[]
    expect(await call('card.added', { ticketId: before.ticketId, encryptCode: item.code }, 'oRestartUser')).toMatchObject({ ok: true, data: { card: 'added' } })
  } finally {
    second.s.child.kill('SIGTERM')
  }
  expect(await second.s.exited).toBe(0)
  // Beside the emulator's data file, private to its owner.
  expect(statSync(path.join(dir, 'wechat-sim.json')).mode & 0o777).toBe(0o600)
})
