/**
 * Reads that must not grow with capacity (issue 21): events.list, organizer.stats and
 * organizer.export on a 100,000-seat session holding 5,000 tickets, against the same calls on a
 * 100-seat event; and reservation throughput while events.list is called in a loop, against
 * reservations alone. Each figure is a ratio measured in this run. Run: npx tsx bench/large-session.ts
 */
import { discoverFunctions } from '../cloud/local/runtime/functions'
import { adminDb, openEvent, seedEvent } from '../test/support/adminDb'
import { CONSENT } from '../test/support/consent'
import { startLocalStack, type LocalStack } from '../test/support/localStack'
import { formatLoad, load, percentile } from './stats'

const ORGANIZER = 'bench_large_organizer'
const LARGE = { capacity: 100_000, tickets: 5000 }
const SMALL = { capacity: 100, tickets: 50 }

let people = 0
const reserve = (stack: LocalStack, sessionId: string) => {
  people += 1
  const n = people
  return stack
    .call('attendee', 'reservation.reserve', { sessionId, requestId: `bench-large-${n}`, attendee: { name: '测试', phone: '13800000000' }, consent: CONSENT }, `bench_large_${n}`)
    .then((answer) => answer.ok)
}

/** p50 of `count` sequential calls, in ms. */
async function p50(count: number, call: () => Promise<boolean>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < count; i += 1) {
    const t0 = performance.now()
    if (!(await call())) throw new Error('a measured call failed')
    times.push(performance.now() - t0)
  }
  return percentile(times.sort((a, b) => a - b), 50)
}

interface Figures {
  list: number
  stats: number
  exportMs: number
  exportRows: number
}

async function measure(label: string, capacity: number, tickets: number): Promise<{ figures: Figures; stack: LocalStack }> {
  const functions = discoverFunctions('source').filter((fn) => ['attendee', 'organizer'].includes(fn.name))
  const stack = await startLocalStack({ functions, maxInstances: 4, functionEnv: { TICKETCARD_ORGANIZERS: ORGANIZER, TICKETCARD_RESERVE_PER_MINUTE: '1000' } })
  const t0 = performance.now()
  await seedEvent(adminDb(stack.adminUrl), openEvent('bench-large', [{ id: 'bench-large-s', capacity }], { limits: { perSession: 1, perEvent: 1 } }))
  const seeded = await load(tickets, 20, () => reserve(stack, 'bench-large-s'))
  if (seeded.failures > 0) throw new Error(`${seeded.failures} reservations failed while seeding`)
  console.log(`${label}: ${capacity} seats and ${tickets} tickets seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const list = () => stack.call('attendee', 'events.list', {}, 'bench_viewer').then((answer) => answer.ok)
  const stats = () => stack.call('organizer', 'organizer.stats', { eventId: 'bench-large' }, ORGANIZER).then((answer) => answer.ok)
  await p50(20, list)
  await p50(10, stats)
  const e0 = performance.now()
  const exported = await stack.call<{ reservations: { rows: number } }>('organizer', 'organizer.export', { eventId: 'bench-large' }, ORGANIZER)
  const exportMs = performance.now() - e0
  if (!exported.ok) throw new Error(`export failed: ${JSON.stringify(exported.error)}`)
  const figures = { list: await p50(200, list), stats: await p50(100, stats), exportMs, exportRows: exported.data.reservations.rows }
  console.log(`${label}: events.list p50 ${figures.list.toFixed(2)} ms, organizer.stats p50 ${figures.stats.toFixed(2)} ms, export ${figures.exportRows} rows in ${figures.exportMs.toFixed(0)} ms`)
  return { figures, stack }
}

async function main(): Promise<void> {
  const small = await measure('100-seat event', SMALL.capacity, SMALL.tickets)
  await small.stack.close()
  const large = await measure('100,000-seat event', LARGE.capacity, LARGE.tickets)

  // Reservations alone, then with events.list called in a loop beside them.
  const RESERVATIONS = 1000
  const alone = await load(RESERVATIONS, 20, () => reserve(large.stack, 'bench-large-s'))
  let listing = true
  let listed = 0
  const lister = async () => {
    while (listing) {
      await large.stack.call('attendee', 'events.list', {}, 'bench_viewer')
      listed += 1
    }
  }
  const listers = [lister()]
  const beside = await load(RESERVATIONS, 20, () => reserve(large.stack, 'bench-large-s'))
  listing = false
  await Promise.all(listers)
  console.log(formatLoad('reserve alone', alone))
  console.log(formatLoad(`reserve beside ${listed} events.list`, beside))
  await large.stack.close()

  const ratio = (a: number, b: number) => (a / b).toFixed(2)
  console.log(
    `large session: events.list ${ratio(large.figures.list, small.figures.list)}x, organizer.stats ${ratio(large.figures.stats, small.figures.stats)}x the 100-seat event; ` +
      `export ${large.figures.exportRows} rows in ${(large.figures.exportMs / 1000).toFixed(1)} s; reservations beside events.list ${ratio(beside.perSecond, alone.perSecond)}x their throughput alone`,
  )
  process.exit(0)
}

void main()
