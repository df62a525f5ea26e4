/**
 * The database for organizer commands, through the same wx-server-sdk the functions use. Locally
 * it points the SDK at the emulator (EMULATOR_ADMIN_URL, default the `npm run serve` port); with
 * real TENCENTCLOUD_SECRETID/SECRETKEY and TCB_ENV_ID set instead, at that CloudBase environment.
 */
import { sdkEnvironment } from '../cloud/local/runtime/runtime'

export interface AdminContext {
  db: ReturnType<typeof import('wx-server-sdk').database>
  now: () => Date
}

export function adminContext(): AdminContext {
  const useCloud = !process.env.EMULATOR_ADMIN_URL && Boolean(process.env.TENCENTCLOUD_SECRETID) && Boolean(process.env.TCB_ENV_ID)
  if (!useCloud) {
    const adminUrl = process.env.EMULATOR_ADMIN_URL ?? `http://127.0.0.1:${process.env.EMULATOR_PORT ?? 9301}/admin`
    Object.assign(process.env, sdkEnvironment(adminUrl, process.env.TCB_ENV_ID ?? 'local-dev'))
  }
  // Required after the environment is in place: the SDK reads it when initialised.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const cloud = require('wx-server-sdk') as typeof import('wx-server-sdk')
  cloud.init({ env: (process.env.TCB_ENV_ID ?? cloud.DYNAMIC_CURRENT_ENV) as unknown as string })
  return { db: cloud.database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0]), now: () => new Date() }
}
