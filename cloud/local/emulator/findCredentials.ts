import { credentialsInProcess, type EmulatorCredentials } from './credentials'
import { credentialsFileOf, readCredentialsFile } from './credentialsFile'
import { configuredDataFile } from './dataFile'

export class MissingCredentialsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MissingCredentialsError'
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Same port and path on this machine: the emulator only listens on 127.0.0.1. */
function sameEmulator(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)]
    const sameHost = x.hostname === y.hostname || (LOOPBACK.has(x.hostname) && LOOPBACK.has(y.hostname))
    return sameHost && x.port === y.port && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '')
  } catch {
    return false
  }
}

/**
 * The credentials a client of the local emulator at `adminUrl` signs with, from the first of:
 * an emulator started in this process; the key file beside the configured data file
 * (`EMULATOR_DATA`), if it belongs to that URL; `TENCENTCLOUD_SECRETID`/`TENCENTCLOUD_SECRETKEY`,
 * which is how a parent process hands them to the runtime or a script it starts.
 */
export function findCredentials(adminUrl: string, env: NodeJS.ProcessEnv = process.env): EmulatorCredentials {
  const local = credentialsInProcess(adminUrl)
  if (local) return local
  const file = credentialsFileOf(configuredDataFile(env))
  const stored = readCredentialsFile(file)
  if (stored && sameEmulator(stored.adminUrl, adminUrl)) return { secretId: stored.secretId, secretKey: stored.secretKey }
  if (env.TENCENTCLOUD_SECRETID && env.TENCENTCLOUD_SECRETKEY) return { secretId: env.TENCENTCLOUD_SECRETID, secretKey: env.TENCENTCLOUD_SECRETKEY }
  const found = stored ? `${file} belongs to the emulator at ${stored.adminUrl}` : `there is no ${file}`
  throw new MissingCredentialsError(
    `no credentials for the local emulator at ${adminUrl}: ${found}. Start the stack with \`npm run serve\` (its emulator writes the key file), ` +
      'set EMULATOR_DATA to the data file of the emulator you mean, or set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY to its credentials',
  )
}
