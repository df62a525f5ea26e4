/**
 * The key file: where a long-running emulator (`npm run serve` / `npm run dev`) leaves its
 * credentials for admin commands run from another shell. It sits beside the SQLite file, readable
 * by its owner only (0600), and is removed when the emulator stops.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { EmulatorCredentials } from './credentials'
import { MEMORY_DATABASE } from './dataFile'
import { makePrivateDirectory } from './privateFiles'

export interface CredentialsFile extends EmulatorCredentials {
  /** The emulator these credentials open, so a client never signs for another one with them. */
  adminUrl: string
}

/**
 * `<data file>.credentials.json`, e.g. `.data/cloudbase.sqlite.credentials.json`; for a database
 * with no file (`:memory:`), one in the system's temporary directory, never a file named after it
 * in the working directory.
 */
export function credentialsFileOf(dataFile: string): string {
  if (dataFile === MEMORY_DATABASE) return path.join(os.tmpdir(), 'cloudbase-emulator-memory.credentials.json')
  return `${path.resolve(dataFile)}.credentials.json`
}

/** Writes the file atomically with mode 0600 (a fresh file: an old one's looser mode never carries over). */
export function writeCredentialsFile(file: string, contents: CredentialsFile): void {
  makePrivateDirectory(path.dirname(file))
  const staging = `${file}.${randomBytes(6).toString('hex')}.tmp`
  try {
    fs.writeFileSync(staging, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    fs.renameSync(staging, file)
  } catch (err) {
    fs.rmSync(staging, { force: true })
    throw err
  }
}

/** The file's contents, or undefined when there is none or it is not a credentials file. */
export function readCredentialsFile(file: string): CredentialsFile | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
  const { adminUrl, secretId, secretKey } = (parsed ?? {}) as Partial<CredentialsFile>
  if (typeof adminUrl !== 'string' || typeof secretId !== 'string' || typeof secretKey !== 'string') return undefined
  return { adminUrl, secretId, secretKey }
}

/** Removes the file if it still holds these credentials (a newer run may have replaced it). */
export function removeCredentialsFile(file: string, credentials: EmulatorCredentials): void {
  if (readCredentialsFile(file)?.secretId === credentials.secretId) fs.rmSync(file, { force: true })
}
