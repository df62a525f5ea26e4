/**
 * The simulator's state file: what a restart must not forget (tokens, the card api_ticket, cards,
 * codes, the key of encrypted codes, used nonces, templates) survives a restart on the same file,
 * the file is private (0600) from creation and written atomically, and a simulator without one
 * keeps everything in memory as before.
 */
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { addCard, cardExt, cardTicket, createCard, DEV, firstItem, startSim, type TestSim } from './support'

let dir = ''
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wechat-state-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const modeOf = (file: string) => statSync(file).mode & 0o777
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('a restart on the same state file keeps tokens, the card ticket, cards, codes and the encrypted-code key; the file is 0600', async () => {
  const file = path.join(dir, 'wechat-sim.json')
  const first = await startSim({ stateFile: file })
  let token = ''
  let ticket = ''
  let cardId = ''
  let encrypted = ''
  let usedExt = ''
  try {
    token = await first.token()
    ticket = await cardTicket(first, token)
    cardId = await createCard(first, token)
    first.sim.control.defineTemplate({ id: 'tcKeptTemplate000001', title: '保留的模板', keywords: { thing1: 'thing' } })
    usedExt = cardExt(first, { ticket, cardId, code: '123456789012345678', outerStr: 't1' })
    const added = firstItem(await addCard(first, 'oa_kept', cardId, usedExt))
    expect(added.isSuccess).toBe(true)
    encrypted = added.code
  } finally {
    await first.close()
  }
  expect(modeOf(file)).toBe(0o600)
  expect(readdirSync(dir)).toEqual(['wechat-sim.json'])

  const second = await startSim({ stateFile: file })
  try {
    expect(await second.token()).toBe(token)
    expect(await cardTicket(second, token)).toBe(ticket)
    expect(second.sim.control.currentTicket()).toMatchObject({ ticket, generation: 1 })
    expect(second.sim.control.card({ cardId })).toMatchObject({ status: 'CARD_STATUS_VERIFY_OK', quantity: 99 })
    expect(second.sim.control.code({ cardId, code: '123456789012345678' })).toMatchObject({ openid: 'oa_kept', status: 'NORMAL', outerStr: 't1' })
    expect(await second.post(`/card/code/decrypt?access_token=${token}`, { encrypt_code: encrypted })).toMatchObject({ errcode: 0, code: '123456789012345678' })
    expect(second.sim.control.templates().map((t) => t.id)).toContain('tcKeptTemplate000001')
    expect(second.sim.control.events({ event: 'user_get_card' })).toHaveLength(1)
    // A cardExt is still good for one add only, and the cardExt signed before the restart is valid after it.
    expect(await addCard(second, 'oa_kept', cardId, usedExt)).toMatchObject({ errcode: 40080 })
    expect(firstItem(await addCard(second, 'oa_other', cardId, cardExt(second, { ticket, cardId, code: '223456789012345678' }))).isSuccess).toBe(true)
    // Counters, faults and the like are test controls: a restart starts them afresh.
    expect(second.sim.control.counters()['/cgi-bin/ticket/getticket']).toMatchObject({ calls: 1 })
  } finally {
    await second.close()
  }
})

test('the file is private from creation, written atomically while the simulator runs, and kept private', async () => {
  const file = path.join(dir, 'nested', 'wechat-sim.json')
  const umask = process.umask(0)
  let t: TestSim | null = null
  try {
    t = await startSim({ stateFile: file })
    // Written at start, so it exists (private) from the first moment, even with a permissive umask.
    expect(modeOf(file)).toBe(0o600)
    const token = await t.token()
    await sleep(400)
    // Without a close (a crash would lose at most the last 100 ms): the token is already on disk.
    expect(readFileSync(file, 'utf8')).toContain(token)
    expect(modeOf(file)).toBe(0o600)
    expect(readdirSync(path.dirname(file))).toEqual(['wechat-sim.json'])
  } finally {
    process.umask(umask)
    await t?.close()
  }
  // A file left readable by others (an older run, a copy) is made private when loaded.
  chmodSync(file, 0o644)
  const again = await startSim({ stateFile: file })
  await again.close()
  expect(modeOf(file)).toBe(0o600)
})

test('a file that is not a simulator state stops the start, naming the file', async () => {
  const file = path.join(dir, 'wechat-sim.json')
  writeFileSync(file, '{"not": "ours"}', { mode: 0o600 })
  await expect(startSim({ stateFile: file })).rejects.toThrow(file)
  writeFileSync(file, '{ truncated', { mode: 0o600 })
  await expect(startSim({ stateFile: file })).rejects.toThrow(/not valid JSON/)
})

test('without a state file everything stays in memory: a restart forgets the ticket', async () => {
  const first = await startSim()
  const token = await first.token()
  const ticket = await cardTicket(first, token)
  await first.close()
  const second = await startSim()
  try {
    expect(second.sim.control.currentTicket()).toBeNull()
    expect(await cardTicket(second, await second.token())).not.toBe(ticket)
  } finally {
    await second.close()
  }
  expect(readdirSync(dir)).toEqual([])
})

describe('main.ts with WECHAT_SIM_DATA', () => {
  const MAIN = path.resolve(__dirname, '..', '..', '..', 'cloud', 'local', 'wechat', 'main.ts')

  async function run(file: string, work: (base: string) => Promise<void>): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, WECHAT_SIM_PORT: '0', WECHAT_SIM_APPID: DEV.appid, WECHAT_SIM_SECRET: DEV.secret, WECHAT_SIM_DATA: file },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const line = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).once('line', resolve)
        child.once('exit', (code) => reject(new Error(`exited (${code}) before printing`)))
      })
      await work(/^wechat listening on (\S+)$/.exec(line)![1])
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }

  const ticketOf = async (base: string) => {
    const post = await fetch(`${base}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: DEV.appid, secret: DEV.secret }) })
    const { access_token: token } = (await post.json()) as { access_token: string }
    const answer = (await (await fetch(`${base}/cgi-bin/ticket/getticket?access_token=${token}&type=wx_card`)).json()) as { ticket: string }
    return `${token} ${answer.ticket}`
  }

  it('keeps the token and the ticket across a SIGTERM and a new start, in a 0600 file', async () => {
    const file = path.join(dir, 'wechat-sim.json')
    let before = ''
    await run(file, async (base) => {
      before = await ticketOf(base)
    })
    expect(existsSync(file)).toBe(true)
    expect(modeOf(file)).toBe(0o600)
    await run(file, async (base) => {
      expect(await ticketOf(base)).toBe(before)
    })
  }, 30_000)
})
