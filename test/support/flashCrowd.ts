/**
 * The rush at opening, driven from outside: many distinct people ask for one session at the same
 * instant, each once. Shared by bench/flash-crowd.ts (2,000 people, 500 seats) and the smaller
 * test CI runs, so the figures and the assertion come from the same driver.
 */
import type { TicketView } from '../../cloud/src/api/models'
import { CONSENT } from './consent'
import type { LocalStack } from './localStack'

export interface FlashCrowdResult {
  /** Every answer's code: `TICKET` for a ticket, else the error code (`TRANSPORT` when no answer came back). */
  codes: Record<string, number>
  tickets: TicketView[]
  /** Milliseconds from the start until each answer, in the order they arrived. */
  answeredAt: number[]
  /** Latency of each call, sorted, in ms. */
  latencies: number[]
  /** From the start until the last ticket was answered. */
  soldOutMs: number
  /** From the start until the last answer of all. */
  totalMs: number
}

/** Tries of one person's request while the backend answers BUSY, as the app makes them (it stops at 8; a person then taps again). */
const BUSY_TRIES = 200

/**
 * Each person sends their request once, as the app does (`firstTry`), and, told BUSY, sends the
 * same request again after the wait they were given (jittered, as the app does) until it is answered.
 */
export async function runFlashCrowd(stack: LocalStack, sessionId: string, people: number, tag = 'crowd'): Promise<FlashCrowdResult & { busyAnswers: number }> {
  const codes: Record<string, number> = {}
  const tickets: TicketView[] = []
  const answeredAt: number[] = []
  const latencies: number[] = []
  let soldOutMs = 0
  let busyAnswers = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: people }, async (_, i) => {
      const who = `${tag}_${i}`
      const payload = { sessionId, requestId: `${who}-req`, attendee: { name: '测试', phone: `139${String(i).padStart(8, '0')}` }, consent: CONSENT }
      let answer = await stack.call<TicketView>('attendee', 'reservation.reserve', { ...payload, firstTry: true }, who).catch(() => null)
      for (let tries = 1; tries < BUSY_TRIES && answer !== null && !answer.ok && answer.error.code === 'BUSY'; tries += 1) {
        busyAnswers += 1
        const wait = (answer.error as { retryAfterMs?: number }).retryAfterMs ?? 1500
        await new Promise((resolve) => setTimeout(resolve, wait * (0.75 + Math.random() * 0.5)))
        answer = await stack.call<TicketView>('attendee', 'reservation.reserve', payload, who).catch(() => null)
      }
      const at = performance.now() - started
      answeredAt.push(at)
      latencies.push(at)
      const code = answer === null ? 'TRANSPORT' : answer.ok ? 'TICKET' : answer.error.code
      codes[code] = (codes[code] ?? 0) + 1
      if (answer?.ok) {
        tickets.push(answer.data)
        soldOutMs = Math.max(soldOutMs, at)
      }
    }),
  )
  latencies.sort((a, b) => a - b)
  return { codes, tickets, answeredAt, latencies, soldOutMs, totalMs: performance.now() - started, busyAnswers }
}

/** Time for `calls` simultaneous calls of a function answering `{ok: true}`: the floor a crowd is compared with. */
export async function simultaneousCalls(stack: LocalStack, fn: string, calls: number): Promise<number> {
  const started = performance.now()
  const answers = await Promise.all(Array.from({ length: calls }, (_, i) => stack.call(fn, 'write', { key: `floor-${i}` }, `floor_${i}`)))
  const failed = answers.filter((a) => !a.ok).length
  if (failed > 0) throw new Error(`${failed} of ${calls} floor calls failed`)
  return performance.now() - started
}
