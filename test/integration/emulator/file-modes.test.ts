/**
 * The database file holds names, phones, ticket codes and the cached WeChat access_token: it, its
 * journal files (-wal, -shm, -journal), the key file and the directory the emulator creates for
 * them are its owner's alone (0600 / 0700) from the moment they exist, whatever the umask.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import Database from 'better-sqlite3'
import { startEmulator } from '../../../cloud/local/emulator'
import { credentialsFileOf, readCredentialsFile } from '../../../cloud/local/emulator/credentialsFile'
import { postSigned } from '../../support/signedRequest'
import { TEST_INDEXES } from './sdk'

// One child process starts through tsx (a second or more on a loaded machine).
jest.setTimeout(30_000)

const root = path.resolve(__dirname, '../../..')
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-modes-'))
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const modeOf = (file: string) => fs.statSync(file).mode & 0o777
const insert = (id: string) => ({ action: 'database.insertDocument', collectionName: 'tickets', data: [JSON.stringify({ _id: id, code: `C${id}`, name: '张三', phone: '13800000000' })] })

/** The emulator's files beside `file` that exist, with their modes. */
function modes(file: string): Record<string, string> {
  const found: Record<string, string> = {}
  for (const name of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`, credentialsFileOf(file)]) {
    if (fs.existsSync(name)) found[path.basename(name)] = modeOf(name).toString(8)
  }
  return found
}

/** Runs `fn` with the process umask at `mask` (0: the worst case, nothing masked). */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask)
  try {
    return await fn()
  } finally {
    process.umask(previous)
  }
}

describe('file modes', () => {
  it('the data file, its -wal and -shm, and the directories it creates are owner-only after writes in WAL mode, even with umask 000', async () => {
    const dataDir = path.join(dir, 'fresh', '.data')
    const file = path.join(dataDir, 'cloudbase.sqlite')
    await withUmask(0o000, async () => {
      const emulator = await startEmulator({ dataFile: file, indexesFile: TEST_INDEXES })
      try {
        for (let i = 0; i < 20; i++) await postSigned(`${emulator.adminUrl}?env=local-env&seqId=1`, insert(`t${i}`), emulator.credentials)
        expect(emulator.db.count('tickets')).toBe(20)
        expect(modes(file)).toEqual({ 'cloudbase.sqlite': '600', 'cloudbase.sqlite-wal': '600', 'cloudbase.sqlite-shm': '600' })
      } finally {
        await emulator.close()
      }
    })
    expect(modeOf(dataDir).toString(8)).toBe('700')
    expect(modeOf(path.dirname(dataDir)).toString(8)).toBe('700')
  })

  it('a data file and journals left readable by an older run are made owner-only before use', async () => {
    const file = path.join(dir, 'old.sqlite')
    // What the emulator used to leave: 0644 files, the WAL still open by another connection.
    const old = await withUmask(0o022, async () => {
      const db = new Database(file)
      db.pragma('journal_mode = WAL')
      db.exec('CREATE TABLE leftover (x)')
      db.prepare('INSERT INTO leftover VALUES (?)').run('secret')
      return db
    })
    try {
      expect(modes(file)).toEqual({ 'old.sqlite': '644', 'old.sqlite-wal': '644', 'old.sqlite-shm': '644' })
      const emulator = await startEmulator({ dataFile: file, indexesFile: TEST_INDEXES })
      try {
        expect(modes(file)).toEqual({ 'old.sqlite': '600', 'old.sqlite-wal': '600', 'old.sqlite-shm': '600' })
      } finally {
        await emulator.close()
      }
    } finally {
      old.close()
    }
  })

  it('npm run serve\'s emulator (main.ts) started with umask 000 keeps the data, journals and key file owner-only', async () => {
    const file = path.join(dir, 'served', '.data', 'cloudbase.sqlite')
    // `umask 000` in the shell that starts it: the worst a developer's environment can do.
    const child = spawn('/bin/sh', ['-c', 'umask 000 && exec "$0" --import tsx "$1"', process.execPath, path.join(root, 'cloud/local/emulator/main.ts')], {
      cwd: root,
      env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_DATA: file, EMULATOR_INDEXES: TEST_INDEXES },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    try {
      const line = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).once('line', resolve)
        void exited.then(() => reject(new Error('the emulator exited before listening')))
      })
      const port = Number(/:(\d+)$/.exec(line)?.[1])
      const credentials = readCredentialsFile(credentialsFileOf(file))!
      for (let i = 0; i < 5; i++) await postSigned(`http://127.0.0.1:${port}/admin?env=local-env&seqId=1`, insert(`s${i}`), credentials)
      expect(modes(file)).toEqual({
        'cloudbase.sqlite': '600',
        'cloudbase.sqlite-wal': '600',
        'cloudbase.sqlite-shm': '600',
        'cloudbase.sqlite.credentials.json': '600',
      })
      expect(modeOf(path.dirname(file)).toString(8)).toBe('700')
    } finally {
      child.kill('SIGTERM')
      await exited
    }
  })
})
