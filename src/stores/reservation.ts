import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { TicketView } from '../../cloud/src/api/models'
import type { Consent, ReservePayload } from '../../cloud/src/api/validation'
import { randomHex } from '../platform/random'
import { callAction } from '../services/api'
import { useTicketsStore } from './tickets'

type SubmitStatus = 'idle' | 'submitting' | 'done' | 'error'

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
    if (get().status === 'submitting') return
    set({ status: 'submitting', error: null })
    const requestId = get().requestId ?? (await newRequestId())
    // A form reset while the id was drawn starts afresh; only this form keeps this id.
    if (get().status === 'submitting') set({ requestId })
    const result = await callAction('reservation.reserve', { sessionId, requestId, attendee, consent })
    if (result.ok) {
      useTicketsStore.getState().remember(result.data)
      set({ status: 'done', ticket: result.data })
    } else {
      set({ status: 'error', error: result.error })
    }
  },
  reset: () => set(initialReservationState()),
}))

export const selectSubmitStatus = (s: ReservationStore): SubmitStatus => s.status
export const selectSubmitError = (s: ReservationStore): ApiError | null => s.error
export const selectReservedTicket = (s: ReservationStore): TicketView | null => s.ticket
export const selectSubmit = (s: ReservationStore): ReservationStore['submit'] => s.submit
export const selectReset = (s: ReservationStore): ReservationStore['reset'] => s.reset
