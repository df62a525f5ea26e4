/**
 * Durability: committed data survives a clean restart, and every acknowledged write survives the
 * process being killed (kill -9) mid-burst, as a database's must.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { startEmulator } from '../../../cloud/local/emulator'
import type { EmulatorCredentials } from '../../../cloud/local/emulator/credentials'
import { credentialsFileOf, readCredentialsFile } from '../../../cloud/local/emulator/credentialsFile'
import { postSigned } from '../../support/signedRequest'
import { call, type DocResult, failure, loadSdk, pointSdkAt, TEST_INDEXES } from './sdk'

// Child processes start through tsx (about a second each, more on a loaded machine).
jest.setTimeout(30_000)

const root = path.resolve(__dirname, '../../..')
const MAIN = path.join(root, 'cloud/local/emulator/main.ts')
let dir: string
const children: ChildProcess[] = []

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-persistence-'))
})

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  fs.rmSync(dir, { recursive: true, force: true })
})

interface Running {
  child: ChildProcess
  port: number
  line: string
  /** Read from the key file main.ts writes beside the data file, as an admin command in another shell does. */
  credentials: EmulatorCredentials
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs `tsx cloud/local/emulator/main.ts` and waits for its listening line. */
function runMain(dataFile: string): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: root,
    env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_DATA: dataFile, EMULATOR_INDEXES: TEST_INDEXES },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! })
    lines.once('line', (line) => {
      const match = /^emulator listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line)
      const credentials = readCredentialsFile(credentialsFileOf(dataFile))
      if (match && credentials) resolve({ child, port: Number(match[1]), line, exited, credentials })
      else reject(new Error(`unexpected first line, or no key file beside ${dataFile}: ${line}`))
    })
    void exited.then(({ code, signal }) => reject(new Error(`emulator exited before listening (${signal ?? code}): ${stderr}`)))
  })
}

async function post(running: Running, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (await postSigned(`http://127.0.0.1:${running.port}/admin?env=local-env&seqId=1`, body, running.credentials)).json
}

describe('persistence', () => {
  it('committed data survives close and restart on the same file, unique indexes included', async () => {
    const file = path.join(dir, 'restart.sqlite')
    const first = await startEmulator({ dataFile: file, indexesFile: TEST_INDEXES })
    pointSdkAt(first)
    const db = (await loadSdk()).database()
    await call(db.collection('tickets').add({ data: { _id: 't1', code: 'KEEP', at: new Date('2025-01-02T03:04:05.678Z') } }))
    await call(db.collection('tickets').doc('t1').update({ data: { used: true } }))
    // An open transaction at shutdown is lost, as an unfinished one is on CloudBase.
    const tx = (await db.startTransaction()) as { collection(name: string): ReturnType<typeof db.collection> }
    await call(tx.collection('tickets').add({ data: { _id: 'never', code: 'NEVER' } }))
    await first.close()

    const second = await startEmulator({ dataFile: file, indexesFile: TEST_INDEXES })
    try {
      pointSdkAt(second)
      const got = await call<DocResult>(db.collection('tickets').doc('t1').get())
      expect(got.data).toEqual({ _id: 't1', code: 'KEEP', at: new Date('2025-01-02T03:04:05.678Z'), used: true })
      await expect(failure(db.collection('tickets').doc('never').get())).resolves.toMatchObject({ errCode: -1 })
      const dup = await failure(db.collection('tickets').add({ data: { code: 'KEEP' } }))
      expect(dup.errMsg).toContain('index: code_unique dup key: { code: "KEEP" }')
    } finally {
      await second.close()
    }
  })

  it('main.ts prints exactly its listening line and exits cleanly on SIGTERM', async () => {
    const running = await runMain(path.join(dir, 'clean.sqlite'))
    expect(running.line).toBe(`emulator listening on http://127.0.0.1:${running.port}`)
    expect(await post(running, { action: 'database.calculateDocument', collectionName: 'items', queryType: 'WHERE' })).toMatchObject({ data: { total: 0 } })
    running.child.kill('SIGTERM')
    await expect(running.exited).resolves.toEqual({ code: 0, signal: null })
  })

  it('main.ts leaves fresh credentials for each run in a key file only its owner can read, and removes it on SIGTERM', async () => {
    const file = path.join(dir, 'keys.sqlite')
    const keyFile = credentialsFileOf(file)
    const first = await runMain(file)
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(readCredentialsFile(keyFile)).toEqual({ adminUrl: `http://127.0.0.1:${first.port}/admin`, ...first.credentials })
    const unsigned = await fetch(`http://127.0.0.1:${first.port}/admin`, { method: 'POST', body: '{"action":"database.calculateDocument","collectionName":"items"}' })
    expect(await unsigned.json()).toMatchObject({ code: 'SIGN_PARAM_INVALID' })
    first.child.kill('SIGTERM')
    await first.exited
    expect(fs.existsSync(keyFile)).toBe(false)

    // A key file left by a crashed run with looser permissions is replaced, not reused.
    fs.writeFileSync(keyFile, '{}', { mode: 0o644 })
    const second = await runMain(file)
    try {
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600)
      expect(second.credentials.secretId).not.toBe(first.credentials.secretId)
      expect(second.credentials.secretKey).not.toBe(first.credentials.secretKey)
      expect(await post(second, { action: 'database.calculateDocument', collectionName: 'items', queryType: 'WHERE' })).toMatchObject({ data: { total: 0 } })
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  })

  it('every acknowledged insert survives kill -9 in the middle of a burst', async () => {
    const file = path.join(dir, 'killed.sqlite')
    const running = await runMain(file)
    const acknowledged: string[] = []
    let killed = false
    const writer = async (worker: number) => {
      for (let n = 0; !killed; n++) {
        const id = `w${worker}-${n}`
        try {
          const reply = await post(running, {
            action: 'database.insertDocument',
            collectionName: 'ledger',
            data: [JSON.stringify({ _id: id, worker: { $numberInt: String(worker) }, n: { $numberInt: String(n) }, pad: 'x'.repeat(200) })],
          })
          if ((reply.data as { insertedIds?: string[] } | undefined)?.insertedIds?.[0] === id) acknowledged.push(id)
        } catch {
          return // connection refused or reset: the process is gone
        }
      }
    }
    const writers = Array.from({ length: 8 }, (_, worker) => writer(worker))
    const deadline = Date.now() + 15_000
    while (acknowledged.length < 400 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    running.child.kill('SIGKILL')
    killed = true
    expect(await running.exited).toEqual({ code: null, signal: 'SIGKILL' })
    await Promise.all(writers)

    const restarted = await runMain(file)
    try {
      const present = new Set<string>()
      for (let offset = 0; ; offset += 1000) {
        const reply = await post(restarted, { action: 'database.getDocument', collectionName: 'ledger', queryType: 'WHERE', offset, limit: 1000, projection: '{"_id":1}' })
        const list = (reply.data as { list: string[] }).list
        for (const text of list) present.add((JSON.parse(text) as { _id: string })._id)
        if (list.length < 1000) break
      }
      const lost = acknowledged.filter((id) => !present.has(id))
      expect(acknowledged.length).toBeGreaterThanOrEqual(400)
      expect(lost).toEqual([])
    } finally {
      restarted.child.kill('SIGTERM')
      await restarted.exited
    }
  })
})
