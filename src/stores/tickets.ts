import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { TicketView } from '../../cloud/src/api/models'
import { cardPack } from '../platform'
import { callAction } from '../services/api'
import type { Freshness, LoadStatus } from './loadStatus'

/** How a card-pack step ended, for the page to say so (a closed sheet says nothing). */
export type CardPackResult =
  | { kind: 'added' }
  | { kind: 'pending' }
  | { kind: 'cancelled' }
  | { kind: 'opened' }
  /** WeChat refused the cardExt again after the backend signed it afresh: try again later. */
  | { kind: 'refused' }
  | { kind: 'failed'; error: ApiError | null }

interface State {
  status: LoadStatus
  /** Every ticket the app has seen, by id: the list and the detail page share them. */
  byId: Record<string, TicketView>
  /** The caller's tickets, newest first, as last listed. */
  order: string[]
  error: ApiError | null
  /** When the list last arrived. */
  updatedAt: string | null
  /** When each ticket last arrived from the backend, for the ticket page's stale notice. */
  loadedAt: Record<string, string>
  /** Ids of tickets with a cancel in flight, so the button cannot fire twice. */
  cancelling: Record<string, boolean>
  /** Ids of tickets whose personal data is being erased. */
  erasing: Record<string, boolean>
  /** Ids of tickets with a card-pack step in flight. */
  carding: Record<string, boolean>
  /** Tickets whose card WeChat added but whose confirmation is still queued. */
  cardPending: Record<string, boolean>
}

interface Actions {
  loadMine: () => Promise<void>
  loadOne: (ticketId: string) => Promise<ApiError | null>
  cancel: (ticketId: string) => Promise<ApiError | null>
  /** Erases the owner's name, phone and ID-number hash from a cancelled or past ticket, at once. */
  erase: (ticketId: string) => Promise<ApiError | null>
  /** Puts a ticket the backend just returned (e.g. from a reservation) into the store. */
  remember: (ticket: TicketView) => void
  /** The card's entry back into the app: finds the ticket from the card's encrypted code. */
  loadFromCard: (cardId: string, encryptCode: string) => Promise<{ ticketId: string } | { error: ApiError }>
  /** Signed cardExt → the host's add sheet → the backend records the add. */
  addToCardPack: (ticketId: string) => Promise<CardPackResult>
  openInCardPack: (ticketId: string) => Promise<CardPackResult>
}

export type TicketsStore = State & Actions

export const initialTicketsState: State = { status: 'idle', byId: {}, order: [], error: null, updatedAt: null, loadedAt: {}, cancelling: {}, erasing: {}, carding: {}, cardPending: {} }

const failed = (error: ApiError | null): CardPackResult => ({ kind: 'failed', error })

export const useTicketsStore = create<TicketsStore>()((set, get) => ({
  ...initialTicketsState,
  loadMine: async () => {
    if (get().status === 'loading') return
    // The last list stays on screen while this one loads, and after it fails.
    set({ status: 'loading' })
    const result = await callAction('tickets.mine', {})
    if (!result.ok) return set({ status: 'error', error: result.error })
    const now = new Date().toISOString()
    const byId = { ...get().byId }
    const loadedAt = { ...get().loadedAt }
    for (const ticket of result.data.tickets) {
      byId[ticket.id] = ticket
      loadedAt[ticket.id] = now
    }
    set({ status: 'ready', error: null, updatedAt: now, byId, loadedAt, order: result.data.tickets.map((t) => t.id) })
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
    // A retry after an answer that never arrived: the first cancel went through, which is what
    // the person asked for. Show the cancelled ticket rather than an error.
    if (!result.ok && result.error.code === 'ALREADY_CANCELLED') return get().loadOne(ticketId)
    if (!result.ok) return result.error
    get().remember(result.data)
    return null
  },
  erase: async (ticketId) => {
    if (get().erasing[ticketId]) return null
    set({ erasing: { ...get().erasing, [ticketId]: true } })
    const result = await callAction('tickets.erase', { ticketId })
    set({ erasing: { ...get().erasing, [ticketId]: false } })
    if (!result.ok) return result.error
    get().remember(result.data)
    return null
  },
  remember: (ticket) => set({ byId: { ...get().byId, [ticket.id]: ticket }, loadedAt: { ...get().loadedAt, [ticket.id]: new Date().toISOString() } }),
  loadFromCard: async (cardId, encryptCode) => {
    const result = await callAction('tickets.fromCard', { cardId, encryptCode })
    if (!result.ok) return { error: result.error }
    get().remember(result.data)
    return { ticketId: result.data.id }
  },
  addToCardPack: async (ticketId) => {
    if (!cardPack || get().carding[ticketId]) return { kind: 'cancelled' }
    const busy = (on: boolean) => set({ carding: { ...get().carding, [ticketId]: on } })
    busy(true)
    try {
      const signed = await callAction('card.ext', { ticketId })
      if (!signed.ok) return failed(signed.error)
      let sheet = await cardPack.add(signed.data)
      if (sheet.outcome === 'refused') {
        // WeChat no longer accepts the api_ticket that signed it: the backend drops exactly that
        // ticket and signs again with a fresh one. Once, automatically.
        const renewed = await callAction('card.ext', { ticketId, refusedCardExt: signed.data.cardExt })
        if (!renewed.ok) return failed(renewed.error)
        sheet = await cardPack.add(renewed.data)
      }
      if (sheet.outcome === 'cancelled') return { kind: 'cancelled' }
      if (sheet.outcome === 'refused') return { kind: 'refused' }
      if (sheet.outcome === 'failed') return failed(null)
      const recorded = await callAction('card.added', { ticketId, encryptCode: sheet.encryptCode })
      if (!recorded.ok) return failed(recorded.error)
      if (recorded.data.card === 'pending') {
        set({ cardPending: { ...get().cardPending, [ticketId]: true } })
        return { kind: 'pending' }
      }
      await get().loadOne(ticketId)
      return { kind: 'added' }
    } finally {
      busy(false)
    }
  },
  openInCardPack: async (ticketId) => {
    if (!cardPack) return { kind: 'cancelled' }
    const target = await callAction('card.open', { ticketId })
    if (!target.ok) return failed(target.error)
    const opened = await cardPack.open(target.data)
    return opened.ok ? { kind: 'opened' } : failed(null)
  },
}))

export const selectTicket = (ticketId: string) => (s: TicketsStore): TicketView | undefined => s.byId[ticketId]
export const selectIsCarding = (ticketId: string) => (s: TicketsStore): boolean => Boolean(s.carding[ticketId])
export const selectCardPending = (ticketId: string) => (s: TicketsStore): boolean => Boolean(s.cardPending[ticketId])
export const selectIsCancelling = (ticketId: string) => (s: TicketsStore): boolean => Boolean(s.cancelling[ticketId])
export const selectIsErasing = (ticketId: string) => (s: TicketsStore): boolean => Boolean(s.erasing[ticketId])
export const selectTicketsFreshness = (s: TicketsStore): Freshness => ({ status: s.status, error: s.error, updatedAt: s.updatedAt })
export const selectLoadedAt = (ticketId: string) => (s: TicketsStore): string | null => s.loadedAt[ticketId] ?? null
export const selectOrder = (s: TicketsStore): string[] => s.order
export const selectById = (s: TicketsStore): Record<string, TicketView> => s.byId
