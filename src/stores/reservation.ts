import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { TicketView } from '../../cloud/src/api/models'
import type { Consent, ReservePayload } from '../../cloud/src/api/validation'
import { randomHex } from '../platform/random'
import { callAction } from '../services/api'
import { useTicketsStore } from './tickets'

/** `queued`: the backend answered BUSY (its database at quota); the same request is tried again by itself. */
type SubmitStatus = 'idle' | 'submitting' | 'queued' | 'done' | 'error'

/** Tries of one request while the backend answers BUSY, before the person is asked to try later. */
export const BUSY_TRIES = 8
/** The longest wait between two tries, whatever the backend suggests. */
const BUSY_MAX_WAIT_MS = 5000
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

interface State {
  status: SubmitStatus
  error: ApiError | null
  ticket: TicketView | null
  /**
   * One request id per filled form, drawn at the first submit: a retry after a lost answer reuses
   * it, so the backend hands back the same ticket instead of making a second one.
   */
  requestId: string | null
}

interface Actions {
  /**
   * Reserves for the person on the form. `consent` is their explicit agreement to the privacy
   * notice (the version they were shown): the backend records it with the ticket, refuses without.
   */
  submit: (sessionId: string, attendee: ReservePayload['attendee'], consent: Consent) => Promise<void>
  /** A fresh form (new session or a new person): a new request id. */
  reset: () => void
}

export type ReservationStore = State & Actions

/** Random bytes come from the host, asynchronously (WeChat's logic layer has no Web Crypto). */
export async function newRequestId(): Promise<string> {
  return `r${await randomHex(16)}`
}

export const initialReservationState = (): State => ({ status: 'idle', error: null, ticket: null, requestId: null })

export const useReservationStore = create<ReservationStore>()((set, get) => ({
  ...initialReservationState(),
  submit: async (sessionId, attendee, consent) => {
    if (get().status === 'submitting' || get().status === 'queued') return
    set({ status: 'submitting', error: null })
    const kept = get().requestId
    const requestId = kept ?? (await newRequestId())
    // A form reset while the id was drawn starts afresh; only this form keeps this id.
    if (get().status === 'submitting') set({ requestId })
    for (let tries = 1; ; tries += 1) {
      // A request never sent before has no ticket to find: the backend may answer it without a read.
      const firstTry = kept === null && tries === 1
      const result = await callAction('reservation.reserve', { sessionId, requestId, attendee, consent, ...(firstTry ? { firstTry } : {}) })
      // The form was reset meanwhile (another session, another person): this answer is not theirs.
      if (get().requestId !== requestId) return
      if (result.ok) {
        useTicketsStore.getState().remember(result.data)
        set({ status: 'done', ticket: result.data })
        return
      }
      if (result.error.code !== 'BUSY' || !result.error.retryable || tries >= BUSY_TRIES) {
        set({ status: 'error', error: result.error })
        return
      }
      // A calm queue: the same request again after the wait the backend asked for, jittered so the
      // people refused together do not come back together. Nothing is lost or doubled: same id.
      set({ status: 'queued', error: null })
      const asked = result.error.retryAfterMs ?? 1500
      await sleep(Math.min(BUSY_MAX_WAIT_MS, asked * (0.75 + Math.random() * 0.5)))
      if (get().requestId !== requestId) return
    }
  },
  reset: () => set(initialReservationState()),
}))

export const selectSubmitStatus = (s: ReservationStore): SubmitStatus => s.status
export const selectSubmitError = (s: ReservationStore): ApiError | null => s.error
export const selectReservedTicket = (s: ReservationStore): TicketView | null => s.ticket
export const selectSubmit = (s: ReservationStore): ReservationStore['submit'] => s.submit
export const selectReset = (s: ReservationStore): ReservationStore['reset'] => s.reset
