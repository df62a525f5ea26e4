import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { EventView, SessionView } from '../../cloud/src/api/models'
import { callAction } from '../services/api'

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error'

interface State {
  status: LoadStatus
  events: EventView[]
  error: ApiError | null
}

interface Actions {
  /** Fetches events with live remaining seats; keeps showing the last list while reloading. */
  load: () => Promise<void>
}

export type EventsStore = State & Actions

export const initialEventsState: State = { status: 'idle', events: [], error: null }

export const useEventsStore = create<EventsStore>()((set) => ({
  ...initialEventsState,
  load: async () => {
    set({ status: 'loading', error: null })
    const result = await callAction('events.list', {})
    if (result.ok) set({ status: 'ready', events: result.data.events })
    else set({ status: 'error', error: result.error })
  },
}))

export const selectStatus = (s: EventsStore): LoadStatus => s.status
export const selectError = (s: EventsStore): ApiError | null => s.error
export const selectFeaturedEvent = (s: EventsStore): EventView | undefined => s.events[0]
export const selectLoad = (s: EventsStore): EventsStore['load'] => s.load

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
