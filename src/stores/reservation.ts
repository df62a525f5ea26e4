import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { TicketView } from '../../cloud/src/api/models'
import type { ReservePayload } from '../../cloud/src/api/validation'
import { callAction } from '../services/api'
import { useTicketsStore } from './tickets'

type SubmitStatus = 'idle' | 'submitting' | 'done' | 'error'

interface State {
  status: SubmitStatus
  error: ApiError | null
  ticket: TicketView | null
  /**
   * One request id per filled form: a retry after a lost answer reuses it, so the backend hands
   * back the same ticket instead of making a second one.
   */
  requestId: string
}

interface Actions {
  submit: (sessionId: string, attendee: ReservePayload['attendee']) => Promise<void>
  /** A fresh form (new session or a new person): a new request id. */
  reset: () => void
}

export type ReservationStore = State & Actions

export function newRequestId(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return `r${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

export const initialReservationState = (): State => ({ status: 'idle', error: null, ticket: null, requestId: newRequestId() })

export const useReservationStore = create<ReservationStore>()((set, get) => ({
  ...initialReservationState(),
  submit: async (sessionId, attendee) => {
    if (get().status === 'submitting') return
    set({ status: 'submitting', error: null })
    const result = await callAction('reservation.reserve', { sessionId, requestId: get().requestId, attendee })
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
