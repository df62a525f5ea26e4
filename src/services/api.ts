import {
  ACTION_FUNCTION,
  type ActionName,
  type ActionPayload,
  type ActionResultData,
} from '../../cloud/src/api/actions'
import type { ApiResult } from '../../cloud/src/api/envelope'
import { invoke } from './transport'

/**
 * How long a call may go unanswered before the app gives up on it and says so. A hanging backend
 * must turn into a visible error with a retry, not a spinner that runs for minutes. Functions time
 * out at 20 s on CloudBase, but an attendee waiting more than this on a phone has already left.
 */
export const REQUEST_TIMEOUT_MS = 10_000

/** Pause before the single automatic retry of a read whose connection failed. */
export const READ_RETRY_DELAY_MS = 700

/**
 * Reads change nothing, so a failed connection is retried once without asking (a phone switching
 * networks, a gateway restarting). Writes are retried by the person, through the page's retry
 * button: the reservation keeps its request id, so a retried reserve cannot make a second ticket.
 */
const READS: ReadonlySet<ActionName> = new Set<ActionName>([
  'events.list',
  'tickets.mine',
  'tickets.get',
  'roles.mine',
  'organizer.stats',
  'organizer.idRefusals',
  'staff.list',
  'reminders.templates',
])

export interface CallOptions {
  /** Overrides REQUEST_TIMEOUT_MS (tests; the scan at the gate waits less). */
  timeoutMs?: number
}

/**
 * The only door from the app to the backend: a typed action call. The transport (cloud call on
 * weapp, HTTP gateway elsewhere) is chosen at build time by Taro's per-target file resolution.
 * Never throws and never hangs: every failure comes back as an error envelope.
 */
export async function callAction<A extends ActionName>(
  action: A,
  payload: ActionPayload<A>,
  options: CallOptions = {},
): Promise<ApiResult<ActionResultData<A>>> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS
  const first = await withTimeout(action, invoke<ActionResultData<A>>(ACTION_FUNCTION[action], { action, payload }), timeoutMs)
  // A timeout already cost the person ten seconds: that one goes straight to the page.
  if (first.ok || first.error.code !== 'NETWORK_ERROR' || !READS.has(action)) return first
  await delay(READ_RETRY_DELAY_MS)
  return withTimeout(action, invoke<ActionResultData<A>>(ACTION_FUNCTION[action], { action, payload }), timeoutMs)
}

function withTimeout<T>(action: string, call: Promise<ApiResult<T>>, timeoutMs: number): Promise<ApiResult<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timedOut = new Promise<ApiResult<T>>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, error: { code: 'TIMEOUT', message: `${action}: no answer within ${timeoutMs} ms`, retryable: true } }),
      timeoutMs,
    )
  })
  // The late answer, if one ever comes, is dropped: the page has already offered a retry.
  return Promise.race([call, timedOut]).finally(() => clearTimeout(timer))
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
