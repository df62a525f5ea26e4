import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { TicketView } from '../../cloud/src/api/models'
import { callAction } from '../services/api'
import type { LoadStatus } from './events'

interface State {
  status: LoadStatus
  /** Every ticket the app has seen, by id: the list and the detail page share them. */
  byId: Record<string, TicketView>
  /** The caller's tickets, newest first, as last listed. */
  order: string[]
  error: ApiError | null
  /** Ids of tickets with a cancel in flight, so the button cannot fire twice. */
  cancelling: Record<string, boolean>
}

interface Actions {
  loadMine: () => Promise<void>
  loadOne: (ticketId: string) => Promise<ApiError | null>
  cancel: (ticketId: string) => Promise<ApiError | null>
  /** Puts a ticket the backend just returned (e.g. from a reservation) into the store. */
  remember: (ticket: TicketView) => void
}

export type TicketsStore = State & Actions

export const initialTicketsState: State = { status: 'idle', byId: {}, order: [], error: null, cancelling: {} }

export const useTicketsStore = create<TicketsStore>()((set, get) => ({
  ...initialTicketsState,
  loadMine: async () => {
    set({ status: 'loading', error: null })
    const result = await callAction('tickets.mine', {})
    if (!result.ok) return set({ status: 'error', error: result.error })
    const byId = { ...get().byId }
    for (const ticket of result.data.tickets) byId[ticket.id] = ticket
    set({ status: 'ready', byId, order: result.data.tickets.map((t) => t.id) })
  },
  loadOne: async (ticketId) => {
    const result = await callAction('tickets.get', { ticketId })
    if (!result.ok) return result.error
    get().remember(result.data)
    return null
  },
  cancel: async (ticketId) => {
    if (get().cancelling[ticketId]) return null
    set({ cancelling: { ...get().cancelling, [ticketId]: true } })
    const result = await callAction('tickets.cancel', { ticketId })
    set({ cancelling: { ...get().cancelling, [ticketId]: false } })
    if (!result.ok) return result.error
    get().remember(result.data)
    return null
  },
  remember: (ticket) => set({ byId: { ...get().byId, [ticket.id]: ticket } }),
}))

export const selectTicket = (ticketId: string) => (s: TicketsStore): TicketView | undefined => s.byId[ticketId]
export const selectIsCancelling = (ticketId: string) => (s: TicketsStore): boolean => Boolean(s.cancelling[ticketId])
export const selectTicketsStatus = (s: TicketsStore): LoadStatus => s.status
export const selectTicketsError = (s: TicketsStore): ApiError | null => s.error
export const selectOrder = (s: TicketsStore): string[] => s.order
export const selectById = (s: TicketsStore): Record<string, TicketView> => s.byId
