import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { EventView, SessionView } from '../../cloud/src/api/models'
import { callAction } from '../services/api'
import type { Freshness, LoadStatus } from './loadStatus'

export type { LoadStatus }

interface State {
  status: LoadStatus
  events: EventView[]
  error: ApiError | null
  /** When the list last arrived: shown beside it after a failed refresh. */
  updatedAt: string | null
}

interface Actions {
  /** Fetches events with live remaining seats; keeps showing the last list while reloading and after a failure. */
  load: () => Promise<void>
}

export type EventsStore = State & Actions

export const initialEventsState: State = { status: 'idle', events: [], error: null, updatedAt: null }

export const useEventsStore = create<EventsStore>()((set, get) => ({
  ...initialEventsState,
  load: async () => {
    // Pages ask on every show; one request in flight serves them all.
    if (get().status === 'loading') return
    set({ status: 'loading' })
    const result = await callAction('events.list', {})
    if (result.ok) set({ status: 'ready', events: result.data.events, error: null, updatedAt: new Date().toISOString() })
    else set({ status: 'error', error: result.error })
  },
}))

export const selectStatus = (s: EventsStore): LoadStatus => s.status
export const selectEvents = (s: EventsStore): EventView[] => s.events
export const selectLoad = (s: EventsStore): EventsStore['load'] => s.load
export const selectEventsFreshness = (s: EventsStore): Freshness => ({ status: s.status, error: s.error, updatedAt: s.updatedAt })

/** One event by id, for its detail page. */
export const selectEvent =
  (eventId: string) =>
  (s: EventsStore): EventView | undefined =>
    s.events.find((event) => event.id === eventId)

/** Finds a session across loaded events, for the reservation form. */
export const selectSession =
  (sessionId: string) =>
  (s: EventsStore): SessionView | undefined => {
    for (const event of s.events) {
      const session = event.sessions.find((candidate) => candidate.id === sessionId)
      if (session) return session
    }
    return undefined
  }
