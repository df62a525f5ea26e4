/**
 * Component tests run at one fixed moment, so what depends on "now" (a session that has started,
 * a ticket whose session is over, the event's reservation window) does not change with the day
 * the tests run. Only Date is frozen: timers stay real, so waiting for the page still works.
 */
export const TEST_NOW = new Date('2026-11-30T08:00:00Z')

const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const

beforeEach(() => {
  jest.useFakeTimers({ now: TEST_NOW, doNotFake: [...REAL_TIMERS] })
})

afterEach(() => {
  jest.useRealTimers()
})
