/**
 * Reserve throughput and latency at concurrency 50 against a no-op function on the same runtime
 * (same instance count, same gateway, same run), as ratios. Run: npx tsx bench/reserve.ts
 */
import path from 'node:path'
import { defineFunctionAt, discoverFunctions } from '../cloud/local/runtime/functions'
import { adminDb, openEvent, seedEvent } from '../test/support/adminDb'
import { startLocalStack } from '../test/support/localStack'
import { formatLoad, load } from './stats'
import { CONSENT } from '../test/support/consent'

const CONCURRENCY = 50
const REQUESTS = 2000

async function main(): Promise<void> {
  const functions = [...discoverFunctions('source').filter((fn) => fn.name === 'attendee'), defineFunctionAt('noop', path.join(__dirname, 'fixtures', 'noop.ts'))]
  const stack = await startLocalStack({ functions, maxInstances: 4 })
  const db = adminDb(stack.adminUrl)
  await seedEvent(db, openEvent('bench', [{ id: 'bench-s', capacity: 1_000_000 }]))

  const noop = () => stack.call('noop', 'noop', {}, 'bench_user').then((r) => r.ok)
  const reserve = (i: number) =>
    stack
      .call('attendee', 'reservation.reserve', { sessionId: 'bench-s', requestId: `bench-${i}-${Date.now()}`, attendee: { name: '测试', phone: '13800000000' }, consent: CONSENT }, `bench_${i}`)
      .then((r) => r.ok)

  await load(200, CONCURRENCY, noop)
  await load(200, CONCURRENCY, (i) => reserve(REQUESTS + i))
  const floor = await load(REQUESTS, CONCURRENCY, noop)
  const measured = await load(REQUESTS, CONCURRENCY, reserve)

  console.log(`concurrency ${CONCURRENCY}, ${REQUESTS} calls each, 4 instances per function`)
  console.log(formatLoad('no-op function', floor))
  console.log(formatLoad('reservation.reserve', measured))
  console.log(
    `reserve / no-op: throughput ${(measured.perSecond / floor.perSecond).toFixed(2)}x, p50 ${(measured.p50 / floor.p50).toFixed(1)}x, p99 ${(measured.p99 / floor.p99).toFixed(1)}x`,
  )
  await stack.close()
  process.exit(0)
}

void main()
