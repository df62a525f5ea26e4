/**
 * The rush at opening: 2,000 distinct people ask for one 500-seat session at the same instant,
 * 8 instances of the function, the emulator adding 5 ms to every database request. Compared with
 * 2,000 simultaneous calls of a function doing one database write, on the same stack in the same
 * run. Prints the time to sell out, p50/p99, conflicts (seat updates that found the seat taken)
 * and retries per ticket (counted at the emulator) and every answer's code; last line, for
 * scripts comparing runs:
 *   flash crowd: <t> tickets, <f> failures, <k>x one-write time
 * where a failure is any answer other than a ticket or SOLD_OUT.
 *
 * Run: npx tsx bench/flash-crowd.ts
 */
import path from 'node:path'
import { databaseCalls } from '../cloud/local/emulator'
import { defineFunctionAt, discoverFunctions } from '../cloud/local/runtime/functions'
import { adminDb, openEvent, seedEvent } from '../test/support/adminDb'
import { runFlashCrowd, simultaneousCalls } from '../test/support/flashCrowd'
import { startLocalStack } from '../test/support/localStack'
import { ONE_WRITE_COLLECTION } from './fixtures/one-write'
import { percentile } from './stats'

const PEOPLE = 2000
const SEATS = 500
const INSTANCES = 8
const LATENCY_MS = 5

async function main(): Promise<void> {
  const functions = [...discoverFunctions('source').filter((fn) => fn.name === 'attendee'), defineFunctionAt('onewrite', path.join(__dirname, 'fixtures', 'one-write.ts'))]
  const stack = await startLocalStack({ functions, maxInstances: INSTANCES, latencyMs: LATENCY_MS })
  stack.emulator.db.createCollection(ONE_WRITE_COLLECTION)
  const db = adminDb(stack.adminUrl)
  await seedEvent(db, openEvent('rush', [{ id: 'rush-s', capacity: SEATS }, { id: 'warm-s', capacity: 1_000 }]))

  // Every instance started and warm before the clock runs, for both functions.
  await simultaneousCalls(stack, 'onewrite', INSTANCES * 4)
  await runFlashCrowd(stack, 'warm-s', INSTANCES * 4, 'warm')

  const floorMs = await simultaneousCalls(stack, 'onewrite', PEOPLE)
  stack.emulator.db.resetRequestStats()
  const crowd = await runFlashCrowd(stack, 'rush-s', PEOPLE)
  const stats = stack.emulator.db.requestStats()

  const tickets = crowd.codes.TICKET ?? 0
  const failures = PEOPLE - tickets - (crowd.codes.SOLD_OUT ?? 0)
  const perTicket = (n: number | undefined) => ((n ?? 0) / Math.max(1, tickets)).toFixed(2)
  const ratio = crowd.totalMs / floorMs

  console.log(`${PEOPLE} people, one ${SEATS}-seat session, ${INSTANCES} instances, ${LATENCY_MS} ms added to every database request`)
  console.log(`one-write floor: ${PEOPLE} simultaneous calls answered in ${floorMs.toFixed(0)} ms`)
  console.log(`sold out after ${crowd.soldOutMs.toFixed(0)} ms; all ${PEOPLE} answered after ${crowd.totalMs.toFixed(0)} ms (${ratio.toFixed(2)}x one-write time)`)
  console.log(`latency p50 ${percentile(crowd.latencies, 50).toFixed(0)} ms, p99 ${percentile(crowd.latencies, 99).toFixed(0)} ms`)
  console.log(`answers: ${Object.entries(crowd.codes).map(([code, n]) => `${code} ${n}`).join(', ')}`)
  // A seat is taken by one conditional update: an update beyond one per ticket found its seat
  // taken already (a conflict), and its reservation tried again, as after a duplicate key.
  const updates = stats.byAction['database.modifyDocument'] ?? 0
  const duplicates = stats.errors.DUPLICATE_KEY ?? 0
  const conflicts = Math.max(0, updates - tickets - duplicates)
  console.log(
    `per ticket: ${perTicket(databaseCalls(stats))} database calls (${perTicket(stats.byAction['database.getDocument'])} reads, ${perTicket(updates)} seat updates), ` +
      `${perTicket(conflicts)} conflicts (seat updates that found the seat taken), ${perTicket(duplicates)} duplicate keys, ` +
      `${perTicket(conflicts + duplicates)} retries, ${perTicket(stats.byAction['database.startTransaction'])} transactions`,
  )
  console.log(`flash crowd: ${tickets} tickets, ${failures} failures, ${ratio.toFixed(2)}x one-write time`)
  await stack.close()
  await underQuota()
  process.exit(0)
}

/**
 * The same rush under the basic plan's database quota (30 requests a second, 20 in flight:
 * EMULATOR_QUOTA=basic). The floor is what the quota allows at best: one request per ticket, so
 * the tickets divided by the requests per second. People told BUSY send the same request again
 * after the wait they were given, until answered.
 */
async function underQuota(): Promise<void> {
  const QPS = 30
  const functions = discoverFunctions('source').filter((fn) => fn.name === 'attendee')
  const stack = await startLocalStack({ functions, maxInstances: INSTANCES, latencyMs: LATENCY_MS })
  await seedEvent(adminDb(stack.adminUrl), openEvent('rush', [{ id: 'rush-s', capacity: SEATS }, { id: 'warm-s', capacity: 1_000 }]))
  await runFlashCrowd(stack, 'warm-s', INSTANCES * 4, 'warm')
  await stack.close()

  // A new stack on a quota: seeding is the organizer's work before the opening, outside the count.
  const quoted = await startLocalStack({ functions, maxInstances: INSTANCES, latencyMs: LATENCY_MS, quota: { preset: 'basic', readsPerDay: 1_000_000_000, writesPerDay: 1_000_000_000 } })
  await seedEvent(adminDb(quoted.adminUrl), openEvent('rush', [{ id: 'rush-s', capacity: SEATS }, { id: 'warm-s', capacity: 100 }]))
  await runFlashCrowd(quoted, 'warm-s', INSTANCES * 2, 'warm')
  quoted.emulator.db.resetRequestStats()
  const crowd = await runFlashCrowd(quoted, 'rush-s', PEOPLE)
  const stats = quoted.emulator.db.requestStats()
  const tickets = crowd.codes.TICKET ?? 0
  const failures = PEOPLE - tickets - (crowd.codes.SOLD_OUT ?? 0)
  const floorMs = (SEATS / QPS) * 1000
  const k = crowd.totalMs / floorMs
  const refused = Object.entries(stats.errors).filter(([kind]) => /QUOTA|EXCEED/i.test(kind)).reduce((sum, [, n]) => sum + n, 0)
  console.log(`under the basic plan's quota (${QPS} database requests a second): ${PEOPLE} people, ${SEATS} seats`)
  console.log(`sold out after ${crowd.soldOutMs.toFixed(0)} ms; all answered after ${crowd.totalMs.toFixed(0)} ms; quota floor ${floorMs.toFixed(0)} ms (${SEATS} tickets at ${QPS}/s)`)
  console.log(`answers: ${Object.entries(crowd.codes).map(([code, n]) => `${code} ${n}`).join(', ')}; ${crowd.busyAnswers} BUSY answers retried`)
  console.log(`database requests admitted: ${databaseCalls(stats)} (${(databaseCalls(stats) / PEOPLE).toFixed(2)} per person), refused by the quota: ${refused}`)
  console.log(`flash crowd under quota: ${tickets} tickets, ${failures} failures, ${k.toFixed(2)}x the quota floor`)
  await quoted.close()
}

void main()
