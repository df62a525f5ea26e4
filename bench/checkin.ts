/**
 * checkin.scan at the gate against a no-op function on the same runtime, at concurrency 20: every
 * scan admits (a multiple-entry event, so each one writes its entry and its log line), plus the
 * repeated-nonce path (a scan sent twice). Run: npx tsx bench/checkin.ts
 */
import path from 'node:path'
import { defineFunctionAt, discoverFunctions } from '../cloud/local/runtime/functions'
import type { ScanAnswer, TicketView } from '../cloud/src/api/models'
import { adminDb } from '../test/support/adminDb'
import { CONSENT } from '../test/support/consent'
import { startLocalStack } from '../test/support/localStack'
import { seedDoorEvent } from '../test/integration/checkin/support'
import { formatLoad, load } from './stats'

const REQUESTS = 2000
const CONCURRENCY = 20
const TICKETS = 200
const STAFF = 'bench_staff'

async function main(): Promise<void> {
  const functions = [...discoverFunctions('source').filter((fn) => ['attendee', 'checkin', 'organizer'].includes(fn.name)), defineFunctionAt('noop', path.join(__dirname, 'fixtures', 'noop.ts'))]
  const stack = await startLocalStack({ functions, maxInstances: 4, functionEnv: { TICKETCARD_ORGANIZERS: STAFF } })
  await seedDoorEvent(adminDb(stack.adminUrl), 'bench-gate', { mode: 'multiple' }, 30, 120, TICKETS)
  const codes: string[] = []
  for (let i = 0; i < TICKETS; i += 1) {
    const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'bench-gate-s', requestId: `bench-gate-${i}`, attendee: { name: '测试', phone: '13800000000' }, consent: CONSENT }, `bench_gate_${i}`)
    if (!answer.ok) throw new Error(JSON.stringify(answer.error))
    codes.push(answer.data.code)
  }
  let round = 0
  const noop = () => stack.call('noop', 'noop', {}, STAFF).then((r) => r.ok)
  const scan = (i: number) =>
    stack.call<ScanAnswer>('checkin', 'checkin.scan', { code: codes[i % TICKETS], nonce: `bench-${round}-${i}`, gate: '东门' }, STAFF).then((r) => r.ok && r.data.result === 'ADMITTED')
  const replay = (i: number) =>
    stack.call<ScanAnswer>('checkin', 'checkin.scan', { code: codes[i % TICKETS], nonce: `bench-1-${i}`, gate: '东门' }, STAFF).then((r) => r.ok && r.data.result === 'ADMITTED')

  // Warm-up: every instance started.
  await load(400, CONCURRENCY, noop)
  round = 0
  await load(400, CONCURRENCY, scan)

  const floor = await load(REQUESTS, CONCURRENCY, noop)
  round = 1
  const admits = await load(REQUESTS, CONCURRENCY, scan)
  const replays = await load(REQUESTS, CONCURRENCY, replay)

  console.log(`${REQUESTS} calls per measurement at concurrency ${CONCURRENCY}, 4 instances per function, ${TICKETS} tickets`)
  console.log(formatLoad('no-op function', floor))
  console.log(formatLoad('checkin.scan (admitted)', admits))
  console.log(formatLoad('checkin.scan (repeated nonce)', replays))
  console.log(`scan / no-op: throughput ${(admits.perSecond / floor.perSecond).toFixed(2)}x, p99 ${(admits.p99 / floor.p99).toFixed(2)}x`)
  console.log(`checkin: ${admits.perSecond.toFixed(0)} scans/s, p99 ${admits.p99.toFixed(1)} ms at concurrency ${CONCURRENCY} (${(admits.perSecond / floor.perSecond).toFixed(2)}x no-op throughput)`)
  await stack.close()
  process.exit(0)
}

void main()
