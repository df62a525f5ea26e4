/**
 * The floor every later benchmark compares against: a no-op function behind the local gateway
 * (HTTP in, runtime, instance process, back), at concurrency 1 and 50.
 * Run: npx tsx bench/gateway.ts
 */
import path from 'node:path'
import { defineFunctionAt } from '../cloud/local/runtime/functions'
import { startGateway } from '../cloud/local/runtime/gateway'
import { Runtime } from '../cloud/local/runtime/runtime'
import { createJsonClient } from '../test/support/httpClient'
import { formatLoad, load } from './stats'

async function main(): Promise<void> {
  const runtime = new Runtime({
    functions: [defineFunctionAt('noop', path.join(__dirname, 'fixtures', 'noop.ts'))],
    adminUrl: 'http://127.0.0.1:9/admin',
    maxInstances: 4,
  })
  const gateway = await startGateway(runtime)
  // The same keep-alive client the other benchmarks use, so their figures compare.
  const client = createJsonClient()
  const call = async () => (await client.post(`${gateway.url}/api/noop`, '{}', { 'x-wx-openid': 'bench_user' })).status === 200
  await load(200, 8, call) // warm every instance
  const serial = await load(2000, 1, call)
  const parallel = await load(5000, 50, call)
  console.log('gateway no-op invocation (4 instances)')
  console.log(formatLoad('concurrency 1', serial))
  console.log(formatLoad('concurrency 50', parallel))
  client.close()
  await gateway.close()
  await runtime.close()
}

void main()
