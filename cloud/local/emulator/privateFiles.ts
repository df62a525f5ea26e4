/**
 * Files that hold the local database (names, phones, ticket codes, the cached WeChat access_token)
 * or its key are their owner's alone, from the moment they exist: created 0600 (directories 0700),
 * so no umask and no moment leaves them readable by another account on the machine.
 *
 * SQLite creates a database's -wal, -shm and -journal files with the permissions of the database
 * file itself (unix VFS: robust_open with the main file's st_mode, fchmod'ed past the umask), so
 * creating the main file 0600 before SQLite opens it makes every journal 0600 too.
 */
import fs from 'node:fs'
import path from 'node:path'

export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIRECTORY_MODE = 0o700

/** The journal files SQLite keeps beside a database file. */
export const SQLITE_JOURNAL_SUFFIXES = ['-wal', '-shm', '-journal'] as const

/**
 * Creates `dir` and its missing parents, each 0700. Directories that already exist keep their
 * mode: `EMULATOR_DATA` may name a file in a shared directory (/tmp) that is not ours to close.
 */
export function makePrivateDirectory(dir: string): void {
  const absolute = path.resolve(dir)
  // The mode is masked by the umask, so a new directory is never looser than 0700; chmod then
  // makes it exactly 0700 (a umask could also have taken the owner's own bits).
  const firstCreated = fs.mkdirSync(absolute, { recursive: true, mode: PRIVATE_DIRECTORY_MODE })
  if (firstCreated === undefined) return
  for (let created = absolute; ; created = path.dirname(created)) {
    fs.chmodSync(created, PRIVATE_DIRECTORY_MODE)
    if (created === firstCreated || path.dirname(created) === created) break
  }
}

/** Sets `file` to 0600 if it exists. */
function makePrivateIfPresent(file: string): void {
  try {
    fs.chmodSync(file, PRIVATE_FILE_MODE)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}

/**
 * Makes the SQLite file `file` private before SQLite opens it: creates it empty with mode 0600 if
 * missing (an empty file is a valid new database), sets 0600 on one an older run left looser, and
 * on its journal files if present.
 */
export function preparePrivateDatabaseFile(file: string): void {
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, PRIVATE_FILE_MODE)
  try {
    fs.fchmodSync(fd, PRIVATE_FILE_MODE)
  } finally {
    fs.closeSync(fd)
  }
  for (const suffix of SQLITE_JOURNAL_SUFFIXES) makePrivateIfPresent(`${file}${suffix}`)
}
