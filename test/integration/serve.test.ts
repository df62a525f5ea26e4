import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { credentialsFileOf } from '../../cloud/local/emulator/credentialsFile'
import { connectSimulatorControl } from '../../cloud/local/wechat/controlClient'
import { openEvent } from '../support/adminDb'
import { runScript } from '../support/runScript'
import { serve, until } from '../support/serveProcess'

jest.setTimeout(90_000)

it('npm run serve starts the three services on the given ports, answers, and stops cleanly on SIGTERM', async () => {
  // Below Linux's ephemeral range (32768+), where ports other suites open at random could collide.
  const base = 20000 + Math.floor(Math.random() * 12000)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketcard-serve-'))
  const ports = { EMULATOR_PORT: String(base), WECHAT_SIM_PORT: String(base + 1), GATEWAY_PORT: String(base + 2) }
  const s = serve({ ...ports, EMULATOR_DATA: path.join(dir, 'db.sqlite') })
  try {
    await until(() => s.out().includes('gateway listening on'), 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; serve wrote:\n${s.out()}\n${s.err()}`)
    })
    expect(s.out().split('\n').filter((line) => line.includes('listening on'))).toEqual([
      `emulator listening on http://127.0.0.1:${base}`,
      `wechat listening on http://127.0.0.1:${base + 1}`,
      `gateway listening on http://127.0.0.1:${base + 2}`,
    ])
    const ping = await fetch(`http://127.0.0.1:${base + 2}/api/ping`, { method: 'POST', body: '{}', headers: { 'x-wx-openid': 'oServeUser' } })
    expect(await ping.json()).toMatchObject({ ok: true, data: { openid: 'oServeUser' } })

    // The example card exists out of the box: created in the simulator, approved, configured.
    const cardId = /card (\S+) ready/.exec(s.out())?.[1] as string
    expect(cardId).toBeTruthy()
    expect(await connectSimulatorControl(`http://127.0.0.1:${base + 1}`).card({ cardId })).toMatchObject({ status: 'CARD_STATUS_VERIFY_OK' })
    const ext = await fetch(`http://127.0.0.1:${base + 2}/api/attendee`, {
      method: 'POST',
      body: JSON.stringify({ action: 'card.ext', payload: { ticketId: 'tnosuchticket' } }),
      headers: { 'x-wx-openid': 'oServeUser' },
    })
    // NOT_FOUND, not CARD_UNAVAILABLE: the functions know the card.
    expect(await ext.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })

    // The database answers only callers holding this run's key, which it left beside its data
    // for admin commands started from another shell.
    const keyFile = credentialsFileOf(path.join(dir, 'db.sqlite'))
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    const unsigned = await fetch(`http://127.0.0.1:${base}/admin`, { method: 'POST', body: '{"action":"database.calculateDocument","collectionName":"events"}' })
    expect(await unsigned.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID' })
    const eventFile = path.join(dir, 'event.json')
    writeFileSync(eventFile, JSON.stringify(openEvent('serve-import', [{ id: 'serve-import-s1', capacity: 3 }])))
    const adminEnv = { EMULATOR_PORT: String(base), EMULATOR_DATA: path.join(dir, 'db.sqlite'), TENCENTCLOUD_SECRETID: '', TENCENTCLOUD_SECRETKEY: '' }
    const imported = await runScript('event-import', [eventFile], adminEnv)
    expect(imported.stderr).toBe('')
    expect(imported.stdout).toContain('event serve-import: 1 sessions created')
    const lost = await runScript('ops', ['jobs'], { ...adminEnv, EMULATOR_DATA: path.join(dir, 'elsewhere.sqlite') })
    expect(lost.status).toBe(2)
    expect(lost.stderr).toContain(`no credentials for the local emulator at http://127.0.0.1:${base}/admin`)

    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
    await expect(fetch(`http://127.0.0.1:${base + 2}/api/ping`, { method: 'POST', body: '{}' })).rejects.toThrow()
    expect(existsSync(keyFile)).toBe(false)
  } finally {
    s.child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})

it.each([
  ['OA_APPID', 'not-an-appid'],
  ['WECHAT_TOKEN_MODE', 'sometimes'],
  ['TICKETCARD_ID_HMAC_KEY', 'short'],
  ['GATEWAY_PORT', '99999'],
])('refuses to start with a wrong %s, naming it', async (name, value) => {
  const s = serve({ [name]: value })
  expect(await s.exited).toBe(2)
  expect(s.err()).toContain(name)
  expect(s.out()).not.toContain('listening on')
})
