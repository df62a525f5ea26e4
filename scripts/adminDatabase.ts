/**
 * The database for organizer commands and tests, through the same wx-server-sdk the functions
 * use. Locally it points the SDK at the emulator (the given URL, else EMULATOR_ADMIN_URL, else the
 * `npm run serve` port) and signs with that emulator's credentials (given, or found as
 * findCredentials says: the key file `npm run serve` writes beside its data); with real
 * TENCENTCLOUD_SECRETID/SECRETKEY and TCB_ENV_ID set instead, at that CloudBase environment.
 */
import type { EmulatorCredentials } from '../cloud/local/emulator/credentials'
import { findCredentials } from '../cloud/local/emulator/findCredentials'
import { sdkEnvironment } from '../cloud/local/runtime/runtime'
import { openDatabase, type CallContext } from '../cloud/src/shared/handler'

export type AdminContext = Pick<CallContext, 'db' | 'now'>

export function adminContext(adminUrl?: string, credentials?: EmulatorCredentials): AdminContext {
  const target = adminUrl ?? process.env.EMULATOR_ADMIN_URL
  const useCloud = !target && Boolean(process.env.TENCENTCLOUD_SECRETID) && Boolean(process.env.TCB_ENV_ID)
  if (!useCloud) {
    const url = target ?? `http://127.0.0.1:${process.env.EMULATOR_PORT ?? 9301}/admin`
    Object.assign(process.env, sdkEnvironment(url, process.env.TCB_ENV_ID ?? 'local-dev', credentials ?? findCredentials(url)))
  }
  // Required after the environment is in place: the SDK reads it when initialised.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cloud = require('wx-server-sdk') as typeof import('wx-server-sdk')
  cloud.init({ env: (process.env.TCB_ENV_ID ?? cloud.DYNAMIC_CURRENT_ENV) as unknown as string })
  return { db: openDatabase(cloud), now: () => new Date() }
}
