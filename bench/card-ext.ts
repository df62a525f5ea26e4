/**
 * card.ext (a signed cardExt for the owner's ticket) against a no-op function on the same runtime,
 * at concurrency 1 and 20, and the upstream WeChat calls made after warm-up (the api_ticket comes
 * from the shared cache: none expected). Run: npx tsx bench/card-ext.ts
 */
import path from 'node:path'
import { defineFunctionAt, discoverFunctions } from '../cloud/local/runtime/functions'
import type { TicketView } from '../cloud/src/api/models'
import { adminDb, openEvent, seedEvent } from '../test/support/adminDb'
import { createApprovedCard } from '../test/support/simCard'
import { startWechatStack } from '../test/support/wechatStack'
import { formatLoad, load, type LoadResult } from './stats'
import { CONSENT } from '../test/support/consent'

const REQUESTS = 2000
const OWNERS = 50

async function main(): Promise<void> {
  const functions = [...discoverFunctions('source').filter((fn) => fn.name === 'attendee'), defineFunctionAt('noop', path.join(__dirname, 'fixtures', 'noop.ts')), defineFunctionAt('oneRead', path.join(__dirname, 'fixtures', 'oneRead.ts'))]
  const stack = await startWechatStack({
    functions,
    maxInstances: 4,
    prepare: async (wechat) => ({ TICKETCARD_CARD_ID: await createApprovedCard(wechat) }),
  })
  await seedEvent(adminDb(stack.adminUrl), openEvent('bench-card', [{ id: 'bench-card-s', capacity: 1000 }], { limits: { perSession: 1, perEvent: 1 } }))
  const tickets: string[] = []
  for (let i = 0; i < OWNERS; i += 1) {
    const answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { sessionId: 'bench-card-s', requestId: `bench-card-${i}`, attendee: { name: '测试', phone: '13800000000' }, consent: CONSENT }, `bench_card_${i}`)
    if (!answer.ok) throw new Error(JSON.stringify(answer.error))
    tickets.push(answer.data.id)
  }
  const noop = () => stack.call('noop', 'noop', {}, 'bench_user').then((r) => r.ok)
  const oneRead = (i: number) => stack.callRaw('oneRead', JSON.stringify({ id: tickets[i % OWNERS] }), 'bench_user').then((r) => r.status === 200)
  const ext = (i: number) => stack.call('attendee', 'card.ext', { ticketId: tickets[i % OWNERS] }, `bench_card_${i % OWNERS}`).then((r) => r.ok)

  // Warm-up: instances started, the token and the api_ticket fetched once into the shared cache.
  await load(400, 20, noop)
  await load(400, 20, oneRead)
  await load(400, 20, ext)
  stack.wechat.control.resetCounters()

  const rows: [string, LoadResult, LoadResult, LoadResult][] = []
  for (const concurrency of [1, 20]) {
    const floor = await load(REQUESTS, concurrency, noop)
    const read = await load(REQUESTS, concurrency, oneRead)
    const measured = await load(REQUESTS, concurrency, ext)
    rows.push([`concurrency ${concurrency}`, floor, read, measured])
  }
  const upstream = Object.entries(stack.wechat.control.counters()).filter(([endpoint, counter]) => !endpoint.startsWith('/wallet') && counter.calls > 0)

  console.log(`${REQUESTS} calls per measurement, 4 instances per function, ${OWNERS} ticket owners`)
  for (const [label, floor, read, measured] of rows) {
    console.log(`${label}:`)
    console.log(formatLoad('  no-op function', floor))
    console.log(formatLoad('  one-read function', read))
    console.log(formatLoad('  card.ext', measured))
    console.log(`  card.ext / no-op: p50 ${(measured.p50 / floor.p50).toFixed(2)}x, p99 ${(measured.p99 / floor.p99).toFixed(2)}x, throughput ${(measured.perSecond / floor.perSecond).toFixed(2)}x`)
    console.log(`  card.ext / one-read: p50 ${(measured.p50 / read.p50).toFixed(2)}x, p99 ${(measured.p99 / read.p99).toFixed(2)}x`)
  }
  console.log(`upstream WeChat calls after warm-up: ${upstream.length === 0 ? 0 : upstream.map(([e, c]) => `${e} ${c.calls}`).join(', ')}`)
  await stack.close()
  process.exit(0)
}

void main()
