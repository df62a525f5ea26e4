/**
 * The secret id and key that requests to a local emulator are signed with, as CloudBase checks
 * the TC3-HMAC-SHA256 signature wx-server-sdk puts on every request. Each emulator run makes its
 * own, so nothing else on the machine can use the database without being handed them.
 */
import { randomBytes } from 'node:crypto'

export interface EmulatorCredentials {
  secretId: string
  secretKey: string
}

/** Fresh random credentials, shaped like Tencent Cloud's (a 36-character AKID id, a 32-character key). */
export function newCredentials(): EmulatorCredentials {
  return { secretId: `AKID${randomBytes(16).toString('hex')}`, secretKey: randomBytes(24).toString('base64url') }
}

/**
 * Emulators started in this process, by admin URL, so in-process tools (a test's `adminDb(url)`)
 * can sign their calls knowing only the URL. Entries go when the emulator closes.
 */
const inProcess = new Map<string, EmulatorCredentials>()

export function rememberCredentials(adminUrl: string, credentials: EmulatorCredentials): void {
  inProcess.set(adminUrl, credentials)
}

/** Forgets them unless another emulator has taken the URL (the port) since. */
export function forgetCredentials(adminUrl: string, credentials: EmulatorCredentials): void {
  if (inProcess.get(adminUrl) === credentials) inProcess.delete(adminUrl)
}

export function credentialsInProcess(adminUrl: string): EmulatorCredentials | undefined {
  return inProcess.get(adminUrl)
}
