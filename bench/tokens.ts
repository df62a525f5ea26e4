/**
 * Upstream token and ticket fetches under load, for N = 1, 4 and 8 function instances: the shared
 * cache (stable and classic mode) against a per-instance memory cache and co-wechat-api's default
 * store, all against the same simulator in one run. Run: npx tsx bench/tokens.ts
 */
import path from 'node:path'
import { defineFunctionAt } from '../cloud/local/runtime/functions'
import { startWechatStack } from '../test/support/wechatStack'

const REQUESTS = 2000

const strategies: Array<{ label: string; file: string; env: Record<string, string> }> = [
  { label: 'shared cache (stable_token)', file: path.join(__dirname, '..', 'test/integration/tokens/fixtures/wechatCall.ts'), env: { WECHAT_TOKEN_MODE: 'stable' } },
  { label: 'shared cache (classic token)', file: path.join(__dirname, '..', 'test/integration/tokens/fixtures/wechatCall.ts'), env: { WECHAT_TOKEN_MODE: 'classic' } },
  { label: 'per-instance memory cache', file: path.join(__dirname, 'fixtures', 'naiveCache.ts'), env: {} },
  { label: 'co-wechat-api default store', file: path.join(__dirname, 'fixtures', 'coWechatApi.ts'), env: {} },
]

async function measure(file: string, env: Record<string, string>, instances: number): Promise<{ token: number; ticket: number; failed: number }> {
  const stack = await startWechatStack({ functions: [defineFunctionAt('bench', file, { timeout: 20 })], maxInstances: instances, env })
  try {
    const answers = await stack.burst('bench', REQUESTS)
    const counters = stack.wechat.control.counters()
    const token = (counters['/cgi-bin/token']?.calls ?? 0) + (counters['/cgi-bin/stable_token']?.calls ?? 0)
    return { token, ticket: counters['/cgi-bin/ticket/getticket']?.calls ?? 0, failed: answers.filter((a) => !a.ok).length }
  } finally {
    await stack.close()
  }
}

async function main(): Promise<void> {
  const counts = [1, 4, 8]
  console.log(`upstream fetches (token / ticket) for ${REQUESTS} concurrent requests; failed requests in brackets`)
  console.log(`${'strategy'.padEnd(30)}${counts.map((n) => `N=${n}`.padStart(16)).join('')}`)
  for (const strategy of strategies) {
    const cells: string[] = []
    for (const n of counts) {
      const r = await measure(strategy.file, strategy.env, n)
      cells.push(`${r.token} / ${r.ticket}${r.failed ? ` [${r.failed}]` : ''}`.padStart(16))
    }
    console.log(`${strategy.label.padEnd(30)}${cells.join('')}`)
  }
  process.exit(0)
}

void main()
