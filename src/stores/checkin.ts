import Taro from '@tarojs/taro'
import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { ScanAnswer } from '../../cloud/src/api/models'
import { randomHex } from '../platform/random'
import { callAction } from '../services/api'

const GATE_KEY = 'ticketcard.gate'
const EVENT_KEY = 'ticketcard.checkin-event'
const PENDING_KEY = 'ticketcard.pending-scan'

/** Waits before the second and third attempt of a scan whose answer was lost. */
export const SCAN_RETRY_DELAYS_MS = [1000, 2500]

/** What a ticket code looks like: 18 digits (cloud/src/domain/ticketCode.ts). */
const TICKET_CODE = /^\d{18}$/

/** A code as typed or scanned, without the spaces people add to read long numbers. */
export function normalizeTicketCode(raw: string): string {
  return raw.replace(/\s+/g, '')
}

export const isTicketCode = (code: string): boolean => TICKET_CODE.test(code)

/**
 * A scan on its way: the nonce is chosen once, when the code is read, and reused on every retry,
 * so a scan whose answer was lost is counted once and answers the first answer again.
 */
export interface PendingScan {
  code: string
  nonce: string
  gate: string
}

/**
 * `idle`: ready for a code; `sending`: a scan in flight (retries included); `result`: the gate's
 * answer on screen; `unconfirmed`: every attempt failed on the network, the scan is kept for a
 * retry; `error`: the backend refused the scan itself (not staff, malformed).
 */
export type CheckinPhase = 'idle' | 'sending' | 'result' | 'unconfirmed' | 'error'

interface State {
  /** The gate this phone works at; '' until the staff member names it. */
  gate: string
  /** The event the staff member works (for their eyes: the scan needs no event). */
  eventId: string | null
  phase: CheckinPhase
  pending: PendingScan | null
  /** The attempt in flight, 1 for the first. */
  attempt: number
  answer: ScanAnswer | null
  error: ApiError | null
}

interface Actions {
  /** Reads the remembered gate and event, and resends a scan the app was closed on (the page opens). */
  restore: () => Promise<void>
  setGate: (gate: string) => void
  pickEvent: (eventId: string | null) => void
  /** Checks in a code just read: a fresh nonce, then the scan with its retries. */
  submit: (code: string) => Promise<void>
  /** Sends the kept scan again, with its nonce. */
  retry: () => Promise<void>
  /** The staff member gives up on a scan whose answer never came. */
  abandon: () => void
  /** Back to waiting for the next code. */
  next: () => void
}

export type CheckinStore = State & Actions

export const initialCheckinState = (): State => ({ gate: '', eventId: null, phase: 'idle', pending: null, attempt: 0, answer: null, error: null })

function storedString(key: string): string {
  const value = Taro.getStorageSync<string>(key)
  return typeof value === 'string' ? value : ''
}

function storedPending(): PendingScan | null {
  const value = Taro.getStorageSync<PendingScan>(PENDING_KEY)
  if (!value || typeof value !== 'object') return null
  return typeof value.code === 'string' && typeof value.nonce === 'string' && typeof value.gate === 'string' ? value : null
}

/** Worth sending again: the answer may simply not have reached us. */
function isRetryable(error: ApiError): boolean {
  return error.retryable === true || error.code === 'NETWORK_ERROR'
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export const useCheckinStore = create<CheckinStore>()((set, get) => {
  /** Sends a pending scan until an answer comes back or the attempts run out; the scan stays kept until then. */
  const send = async (pending: PendingScan): Promise<void> => {
    for (let attempt = 1; attempt <= SCAN_RETRY_DELAYS_MS.length + 1; attempt += 1) {
      set({ phase: 'sending', attempt, pending, error: null })
      const result = await callAction('checkin.scan', pending)
      if (result.ok) {
        Taro.setStorageSync(PENDING_KEY, '')
        set({ phase: 'result', pending: null, answer: result.data })
        return
      }
      if (!isRetryable(result.error)) {
        Taro.setStorageSync(PENDING_KEY, '')
        set({ phase: 'error', pending: null, error: result.error })
        return
      }
      if (attempt <= SCAN_RETRY_DELAYS_MS.length) await wait(SCAN_RETRY_DELAYS_MS[attempt - 1])
    }
    set({ phase: 'unconfirmed' })
  }

  return {
    ...initialCheckinState(),
    restore: async () => {
      set({ gate: storedString(GATE_KEY), eventId: storedString(EVENT_KEY) || null })
      // Coming back to the page starts at the next scan, not at the last answer.
      if (get().phase === 'result' || get().phase === 'error') get().next()
      const pending = storedPending()
      if (pending && get().phase === 'idle') await send(pending)
    },
    setGate: (gate) => {
      const trimmed = gate.trim()
      Taro.setStorageSync(GATE_KEY, trimmed)
      set({ gate: trimmed })
    },
    pickEvent: (eventId) => {
      Taro.setStorageSync(EVENT_KEY, eventId ?? '')
      set({ eventId })
    },
    submit: async (code) => {
      const { phase, gate } = get()
      if (phase === 'sending' || phase === 'unconfirmed') return
      const pending: PendingScan = { code, nonce: await randomHex(16), gate }
      // Kept before it leaves: closing the app mid-scan must not lose it either.
      Taro.setStorageSync(PENDING_KEY, pending)
      await send(pending)
    },
    retry: async () => {
      const { pending, phase } = get()
      if (!pending || phase === 'sending') return
      await send(pending)
    },
    abandon: () => {
      Taro.setStorageSync(PENDING_KEY, '')
      set({ phase: 'idle', pending: null, attempt: 0 })
    },
    next: () => set({ phase: 'idle', answer: null, error: null, attempt: 0 }),
  }
})

export const selectGate = (s: CheckinStore): string => s.gate
export const selectPhase = (s: CheckinStore): CheckinPhase => s.phase
export const selectAnswer = (s: CheckinStore): ScanAnswer | null => s.answer
export const selectCheckinError = (s: CheckinStore): ApiError | null => s.error
export const selectAttempt = (s: CheckinStore): number => s.attempt
export const selectCheckinEvent = (s: CheckinStore): string | null => s.eventId
