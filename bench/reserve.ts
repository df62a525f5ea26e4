/**
 * reservation.reserve against two floors on the same runtime, in the same run: a no-op function
 * (invocation overhead) and a one-write function (the least work any durable reservation needs).
 *
 * 1. Concurrency 50, no added latency: throughput and p50/p99 of all three, reserve as ratios to
 *    both floors, and database calls per successful reservation counted at the emulator. Also, as
 *    information, a third function doing only what a transactional seat-and-ticket write costs
 *    (start, update, add, commit): what the guarantees would cost with a seat counter apart from
 *    the ticket, where reserve makes the free seat the ticket in one update.
 * 2. Concurrency 1, the emulator adding 5 ms to every request (as CloudBase's network would): the
 *    same figures, and p50 / 5 ms, the number of sequential round trips on the success path.
 *
 * Last line, for scripts comparing runs:
 *   reserve: throughput <r>x one-write, <n> db calls per reservation, <s> sequential round trips at 5 ms
 *
 * Run: npx tsx bench/reserve.ts
 */
import path from 'node:path'
import { databaseCalls } from '../cloud/local/emulator'
import { defineFunctionAt, discoverFunctions } from '../cloud/local/runtime/functions'
import { adminDb, openEvent, seedEvent } from '../test/support/adminDb'
import { CONSENT } from '../test/support/consent'
import { startLocalStack } from '../test/support/localStack'
import { ONE_WRITE_COLLECTION } from './fixtures/one-write'
import { FLOOR_COUNTERS } from './fixtures/seat-and-ticket'
import { formatLoad, load, type LoadResult } from './stats'

const CONCURRENCY = 50
const REQUESTS = 2000
const INSTANCES = 4
const LATENCY_MS = 5
const SEQUENTIAL_CALLS = 200

const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`

async function main(): Promise<void> {
  const functions = [
    ...discoverFunctions('source').filter((fn) => fn.name === 'attendee'),
    defineFunctionAt('noop', path.join(__dirname, 'fixtures', 'noop.ts')),
    defineFunctionAt('onewrite', path.join(__dirname, 'fixtures', 'one-write.ts')),
    defineFunctionAt('seatticket', path.join(__dirname, 'fixtures', 'seat-and-ticket.ts')),
  ]
  const stack = await startLocalStack({ functions, maxInstances: INSTANCES })
  stack.emulator.db.createCollection(ONE_WRITE_COLLECTION)
  const floorDb = adminDb(stack.adminUrl)
  for (let k = 0; k < FLOOR_COUNTERS; k += 1) await floorDb.collection(ONE_WRITE_COLLECTION).add({ data: { _id: `counter-${k}`, n: 1e12 } })
  await seedEvent(adminDb(stack.adminUrl), openEvent('bench', [{ id: 'bench-s', capacity: 6_000 }]))

  let person = 0
  const noop = () => stack.call('noop', 'noop', {}, 'bench_user').then((r) => r.ok)
  const oneWrite = (i: number) => stack.call('onewrite', 'write', { key: `w${i}` }, 'bench_user').then((r) => r.ok)
  const seatAndTicket = (i: number) => stack.call('seatticket', 'write', { key: `s${i}` }, 'bench_user').then((r) => r.ok)
  // Every reservation is a different person's first: the path a crowd at opening takes.
  const reserve = () => {
    const who = `bench_${(person += 1)}`
    return stack
      .call('attendee', 'reservation.reserve', { sessionId: 'bench-s', requestId: `req-${who}`, attendee: { name: '测试', phone: '13800000000' }, consent: CONSENT }, who)
      .then((r) => r.ok)
  }

  // Warm every instance of every function first.
  for (const call of [noop, oneWrite, seatAndTicket, reserve]) await load(200, CONCURRENCY, call)

  const noopLoad = await load(REQUESTS, CONCURRENCY, noop)
  const writeLoad = await load(REQUESTS, CONCURRENCY, oneWrite)
  const atomicLoad = await load(REQUESTS, CONCURRENCY, seatAndTicket)
  stack.emulator.db.resetRequestStats()
  const reserveLoad = await load(REQUESTS, CONCURRENCY, reserve)
  const stats = stack.emulator.db.requestStats()
  const callsPerReservation = databaseCalls(stats) / (reserveLoad.requests - reserveLoad.failures)

  stack.emulator.db.setLatency(LATENCY_MS)
  const slow: Record<string, LoadResult> = {}
  let slowCalls = 0
  for (const [label, call] of [['no-op', noop], ['one-write', oneWrite], ['reserve', reserve]] as const) {
    await load(20, 1, call)
    stack.emulator.db.resetRequestStats()
    slow[label] = await load(SEQUENTIAL_CALLS, 1, call)
    if (label === 'reserve') slowCalls = databaseCalls(stack.emulator.db.requestStats()) / (slow.reserve.requests - slow.reserve.failures)
  }
  const roundTrips = slow.reserve.p50 / LATENCY_MS

  console.log(`concurrency ${CONCURRENCY}, ${REQUESTS} calls each, ${INSTANCES} instances per function, no added latency`)
  console.log(formatLoad('no-op function', noopLoad))
  console.log(formatLoad('one-write function', writeLoad))
  console.log(formatLoad('transaction: counter + document', atomicLoad))
  console.log(formatLoad('reservation.reserve', reserveLoad))
  console.log(`reserve / no-op:     throughput ${ratio(reserveLoad.perSecond, noopLoad.perSecond)}, p50 ${ratio(reserveLoad.p50, noopLoad.p50)}, p99 ${ratio(reserveLoad.p99, noopLoad.p99)}`)
  console.log(`reserve / one-write: throughput ${ratio(reserveLoad.perSecond, writeLoad.perSecond)}, p50 ${ratio(reserveLoad.p50, writeLoad.p50)}, p99 ${ratio(reserveLoad.p99, writeLoad.p99)}`)
  console.log(`reserve / transaction (start, update, add, commit: a seat counter and a ticket written together): throughput ${ratio(reserveLoad.perSecond, atomicLoad.perSecond)}, p50 ${ratio(reserveLoad.p50, atomicLoad.p50)}`)
  console.log(`database calls per successful reservation: ${callsPerReservation.toFixed(1)} (${Object.entries(stats.byAction).map(([action, n]) => `${action.replace('database.', '')} ${(n / (reserveLoad.requests - reserveLoad.failures)).toFixed(2)}`).join(', ')})`)
  console.log('')
  console.log(`concurrency 1, ${SEQUENTIAL_CALLS} calls each, ${LATENCY_MS} ms added to every database request`)
  for (const [label, result] of Object.entries(slow)) console.log(`${formatLoad(label, result)}   = ${(result.p50 / LATENCY_MS).toFixed(1)} x ${LATENCY_MS} ms`)
  const [slowNoop, slowWrite, slowReserve] = [slow['no-op'], slow['one-write'], slow.reserve]
  console.log(`reserve / no-op:     throughput ${ratio(slowReserve.perSecond, slowNoop.perSecond)}, p50 ${ratio(slowReserve.p50, slowNoop.p50)}, p99 ${ratio(slowReserve.p99, slowNoop.p99)}`)
  console.log(`reserve / one-write: throughput ${ratio(slowReserve.perSecond, slowWrite.perSecond)}, p50 ${ratio(slowReserve.p50, slowWrite.p50)}, p99 ${ratio(slowReserve.p99, slowWrite.p99)}`)
  console.log(`database calls per successful reservation: ${slowCalls.toFixed(1)}; sequential round trips (p50 / ${LATENCY_MS} ms): ${roundTrips.toFixed(1)}`)
  console.log(`reserve: throughput ${(reserveLoad.perSecond / writeLoad.perSecond).toFixed(2)}x one-write, ${callsPerReservation.toFixed(1)} db calls per reservation, ${roundTrips.toFixed(1)} sequential round trips at ${LATENCY_MS} ms`)
  await stack.close()
  process.exit(0)
}

void main()
