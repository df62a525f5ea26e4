import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { EventStats, ExportFile, IdRefusalView, StaffMember } from '../../cloud/src/api/models'
import { callAction } from '../services/api'
import type { LoadStatus } from './loadStatus'

interface RefusalList {
  status: LoadStatus
  refusals: IdRefusalView[]
  error: ApiError | null
}

interface StatsEntry {
  status: LoadStatus
  /** The last figures read; kept on screen while the next read is in flight or failed. */
  stats: EventStats | null
  error: ApiError | null
}

interface StaffList {
  status: LoadStatus
  staff: StaffMember[]
  error: ApiError | null
}

export interface ExportFiles {
  reservations: ExportFile
  checkins: ExportFile
  /** Whether these files carry full phone numbers. */
  fullPhone: boolean
}

interface ExportEntry {
  status: LoadStatus
  files: ExportFiles | null
  error: ApiError | null
}

interface State {
  /** ID-number refusals per event, newest first as the backend orders them (FORBIDDEN: not the caller's event). */
  refusals: Record<string, RefusalList>
  /** Refusal ids with a release in flight. */
  releasing: Record<string, boolean>
  /** Live figures per event (organizer.stats). */
  stats: Record<string, StatsEntry>
  /** Staff members per event. */
  staff: Record<string, StaffList>
  /** Openids with an add or remove in flight, per event (`<event>:<openid>`). */
  staffBusy: Record<string, boolean>
  /** The last export per event. */
  exports: Record<string, ExportEntry>
}

interface Actions {
  loadRefusals: (eventId: string) => Promise<void>
  /**
   * Releases the hold an ID number has on an event, once the organizer checked the document;
   * null when a release of this refusal is already in flight.
   */
  release: (eventId: string, refusalId: string) => Promise<{ releasedTickets: number } | { error: ApiError } | null>
  loadStats: (eventId: string) => Promise<void>
  loadStaff: (eventId: string) => Promise<void>
  /** Adds or removes a staff member; the error, or null once the list shows the change. */
  changeStaff: (eventId: string, openid: string, change: 'add' | 'remove') => Promise<ApiError | null>
  /** Asks the backend for both CSV files (full phone numbers only when asked for, and logged there). */
  createExport: (eventId: string, fullPhone: boolean) => Promise<void>
}

export type OrganizerStore = State & Actions

export const initialOrganizerState = (): State => ({ refusals: {}, releasing: {}, stats: {}, staff: {}, staffBusy: {}, exports: {} })

const staffKey = (eventId: string, openid: string) => `${eventId}:${openid}`

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
  loadStats: async (eventId) => {
    const previous = get().stats[eventId]
    set({ stats: { ...get().stats, [eventId]: { status: 'loading', stats: previous?.stats ?? null, error: null } } })
    const result = await callAction('organizer.stats', { eventId })
    const entry: StatsEntry = result.ok
      ? { status: 'ready', stats: result.data, error: null }
      : { status: 'error', stats: previous?.stats ?? null, error: result.error }
    set({ stats: { ...get().stats, [eventId]: entry } })
  },
  loadStaff: async (eventId) => {
    const previous = get().staff[eventId]
    set({ staff: { ...get().staff, [eventId]: { status: 'loading', staff: previous?.staff ?? [], error: null } } })
    const result = await callAction('staff.list', { eventId })
    const entry: StaffList = result.ok
      ? { status: 'ready', staff: result.data.staff, error: null }
      : { status: 'error', staff: previous?.staff ?? [], error: result.error }
    set({ staff: { ...get().staff, [eventId]: entry } })
  },
  changeStaff: async (eventId, openid, change) => {
    const key = staffKey(eventId, openid)
    if (get().staffBusy[key]) return null
    set({ staffBusy: { ...get().staffBusy, [key]: true } })
    const result = await callAction(change === 'add' ? 'staff.add' : 'staff.remove', { eventId, openid })
    set({ staffBusy: { ...get().staffBusy, [key]: false } })
    if (!result.ok) return result.error
    set({ staff: { ...get().staff, [eventId]: { status: 'ready', staff: result.data.staff, error: null } } })
    return null
  },
  createExport: async (eventId, fullPhone) => {
    if (get().exports[eventId]?.status === 'loading') return
    set({ exports: { ...get().exports, [eventId]: { status: 'loading', files: null, error: null } } })
    const result = await callAction('organizer.export', fullPhone ? { eventId, fullPhone: true } : { eventId })
    const entry: ExportEntry = result.ok
      ? { status: 'ready', files: { ...result.data, fullPhone }, error: null }
      : { status: 'error', files: null, error: result.error }
    set({ exports: { ...get().exports, [eventId]: entry } })
  },
}))

export const selectRefusals = (eventId: string) => (s: OrganizerStore): RefusalList | undefined => s.refusals[eventId]
export const selectIsReleasing = (refusalId: string) => (s: OrganizerStore): boolean => Boolean(s.releasing[refusalId])
export const selectStats = (eventId: string) => (s: OrganizerStore): StatsEntry | undefined => s.stats[eventId]
export const selectStaff = (eventId: string) => (s: OrganizerStore): StaffList | undefined => s.staff[eventId]
export const selectStaffBusy = (eventId: string, openid: string) => (s: OrganizerStore): boolean => Boolean(s.staffBusy[staffKey(eventId, openid)])
export const selectExport = (eventId: string) => (s: OrganizerStore): ExportEntry | undefined => s.exports[eventId]
