import { discoverFunctions } from '../../cloud/local/runtime/functions'
import { demoEvent } from '../../scripts/demoEvent'
import { adminDb, seedEvent, type Db } from '../support/adminDb'
import { startLocalStack, type LocalStack } from '../support/localStack'
import { createApprovedCard } from '../support/simCard'
import { startWechatStack, type WechatStack } from '../support/wechatStack'
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
  /** With `withCard`: the simulator and the deployment's card. */
  wechat?: WechatStack['wechat']
  cardId?: string
  db: Db
  /** A mini-program of the target, signed in as `openid`, wired to this stack. */
  open(target: HostName, openid: string, options?: Partial<MiniProgramOptions>): MiniProgram
  close(): Promise<void>
}

/**
 * The local CloudBase with the demo event, and mini-programs wired to it. `withCard` adds the
 * WeChat simulator with an approved ticket card configured as the deployment's card; `functionEnv`
 * is added to the functions' environment (e.g. `TICKETCARD_ORGANIZERS`).
 */
export async function startMiniProgramStack(options: { withCard?: boolean; functionEnv?: Record<string, string> } = {}): Promise<MiniProgramStack> {
  let cardId: string | undefined
  const stack: LocalStack | WechatStack = options.withCard
    ? await startWechatStack({
        functions: discoverFunctions('source'),
        maxInstances: 2,
        env: options.functionEnv,
        prepare: async (wechat) => {
          cardId = await createApprovedCard(wechat)
          return { TICKETCARD_CARD_ID: cardId }
        },
      })
    : await startLocalStack({ maxInstances: 2, functionEnv: options.functionEnv })
  const wechat = 'wechat' in stack ? (stack as WechatStack).wechat : undefined
  const db = adminDb(stack.adminUrl)
  await seedEvent(db, demoEvent())
  const opened: MiniProgram[] = []
  return {
    stack,
    wechat,
    cardId,
    db,
    open(target, openid, extra = {}) {
      const mp = MiniProgram.load({
        target,
        user: { openid },
        backend: stack.runtime,
        origins: { [BUILT_API_ORIGIN]: stack.gateway.url },
        wechatBaseUrl: wechat?.baseUrl,
        ...extra,
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
