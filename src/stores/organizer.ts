import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { IdRefusalView } from '../../cloud/src/api/models'
import { callAction } from '../services/api'
import type { LoadStatus } from './events'

interface RefusalList {
  status: LoadStatus
  refusals: IdRefusalView[]
  error: ApiError | null
}

interface State {
  /** ID-number refusals per event, newest first as the backend orders them (FORBIDDEN: not the caller's event). */
  refusals: Record<string, RefusalList>
  /** Refusal ids with a release in flight. */
  releasing: Record<string, boolean>
}

interface Actions {
  loadRefusals: (eventId: string) => Promise<void>
  /**
   * Releases the hold an ID number has on an event, once the organizer checked the document;
   * null when a release of this refusal is already in flight.
   */
  release: (eventId: string, refusalId: string) => Promise<{ releasedTickets: number } | { error: ApiError } | null>
}

export type OrganizerStore = State & Actions

export const initialOrganizerState = (): State => ({ refusals: {}, releasing: {} })

export const useOrganizerStore = create<OrganizerStore>()((set, get) => ({
  ...initialOrganizerState(),
  loadRefusals: async (eventId) => {
    const previous = get().refusals[eventId]
    const loading: RefusalList = { status: 'loading', refusals: previous?.refusals ?? [], error: null }
    set({ refusals: { ...get().refusals, [eventId]: loading } })
    const result = await callAction('organizer.idRefusals', { eventId })
    if (result.ok) {
      set({ refusals: { ...get().refusals, [eventId]: { status: 'ready', refusals: result.data.refusals, error: null } } })
      return
    }
    set({ refusals: { ...get().refusals, [eventId]: { ...loading, status: 'error', error: result.error } } })
  },
  release: async (eventId, refusalId) => {
    if (get().releasing[refusalId]) return null
    set({ releasing: { ...get().releasing, [refusalId]: true } })
    const result = await callAction('organizer.releaseIdHold', { eventId, refusalId })
    set({ releasing: { ...get().releasing, [refusalId]: false } })
    if (!result.ok) return { error: result.error }
    await get().loadRefusals(eventId)
    return result.data
  },
}))

export const selectRefusals = (eventId: string) => (s: OrganizerStore): RefusalList | undefined => s.refusals[eventId]
export const selectIsReleasing = (refusalId: string) => (s: OrganizerStore): boolean => Boolean(s.releasing[refusalId])
