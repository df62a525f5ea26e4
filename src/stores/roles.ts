import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { MyRoles } from '../../cloud/src/api/models'
import { callAction } from '../services/api'
import type { Freshness, LoadStatus } from './loadStatus'

export type RoleEvent = MyRoles['events'][number]

interface State {
  status: LoadStatus
  /** Who the caller is (their openid) and which events they organize or staff. */
  roles: MyRoles | null
  error: ApiError | null
  /** When the roles last arrived. */
  updatedAt: string | null
}

interface Actions {
  /** Asks the backend who the caller is to each event; keeps the last answer while reloading. */
  load: () => Promise<void>
}

export type RolesStore = State & Actions

export const initialRolesState: State = { status: 'idle', roles: null, error: null, updatedAt: null }

export const useRolesStore = create<RolesStore>()((set, get) => ({
  ...initialRolesState,
  load: async () => {
    if (get().status === 'loading') return
    set({ status: 'loading' })
    const result = await callAction('roles.mine', {})
    if (result.ok) set({ status: 'ready', roles: result.data, error: null, updatedAt: new Date().toISOString() })
    else set({ status: 'error', error: result.error })
  },
}))

export const selectRoles = (s: RolesStore): MyRoles | null => s.roles
export const selectRolesFreshness = (s: RolesStore): Freshness => ({ status: s.status, error: s.error, updatedAt: s.updatedAt })
export const selectRoleEvent = (eventId: string | null) => (s: RolesStore): RoleEvent | undefined =>
  eventId ? s.roles?.events.find((event) => event.id === eventId) : undefined
