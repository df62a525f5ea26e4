import { demoEvent } from '../../scripts/demoEvent'
import { adminDb, seedEvent, type Db } from '../support/adminDb'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { HOSTS, MiniProgram, type HostName, type MiniProgramOptions } from './harness'

/** Each suite says which target's bundle it ran, so a CI log shows what was covered. */
export function announceTarget(target: HostName, suite: string): void {
  process.stdout.write(`[mp] ${suite}: ${target} bundle from ${HOSTS[target].distDir}/\n`)
}

/**
 * The origin non-WeChat mini-program builds call by default (config/index.ts): the local gateway's
 * default port. The harness maps it to the gateway of the test's own stack.
 */
export const BUILT_API_ORIGIN = 'http://127.0.0.1:8787'

export interface MiniProgramStack {
  stack: LocalStack
  db: Db
  /** A mini-program of the target, signed in as `openid`, wired to this stack. */
  open(target: HostName, openid: string, options?: Partial<MiniProgramOptions>): MiniProgram
  close(): Promise<void>
}

/** The local CloudBase with the demo event, and mini-programs wired to it. */
export async function startMiniProgramStack(): Promise<MiniProgramStack> {
  const stack = await startLocalStack({ maxInstances: 2 })
  const db = adminDb(stack.adminUrl)
  await seedEvent(db, demoEvent())
  const opened: MiniProgram[] = []
  return {
    stack,
    db,
    open(target, openid, options = {}) {
      const mp = MiniProgram.load({
        target,
        user: { openid },
        backend: stack.runtime,
        origins: { [BUILT_API_ORIGIN]: stack.gateway.url },
        ...options,
      })
      opened.push(mp)
      return mp
    },
    async close() {
      for (const mp of opened) mp.close()
      await stack.close()
    },
  }
}
