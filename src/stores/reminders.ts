import { create } from 'zustand'
import type { ApiError } from '../../cloud/src/api/errors'
import type { ReminderTemplateView, TicketRemindersView } from '../../cloud/src/api/models'
import { subscribeMessages, type SubscribeOutcome } from '../platform'
import { callAction } from '../services/api'
import type { LoadStatus } from './loadStatus'
import { useTicketsStore } from './tickets'

/** WeChat takes at most 3 template ids in one subscribe request. */
export const MAX_TEMPLATES_PER_REQUEST = 3

/**
 * How asking for reminders ended, for the page to say so. `recorded`: the backend has the
 * person's answer (a decline too) and the ticket store has the updated ticket; `hostFailed`: the
 * host gave no answer, nothing was recorded; `notSaved`: answered, but the backend did not record it;
 * `unavailable`: nothing to ask with (no host, no templates, or already asking).
 */
export type ReminderAnswer =
  | { kind: 'recorded'; state: TicketRemindersView['state'] }
  | { kind: 'hostFailed'; reason: string }
  | { kind: 'notSaved'; error: ApiError }
  | { kind: 'unavailable' }

interface State {
  /** The templates the backend sends, read before any tap needs them. */
  status: LoadStatus
  templates: ReminderTemplateView[]
  /** Ids of tickets with a subscribe request or its record in flight. */
  asking: Record<string, boolean>
}

interface Actions {
  /** Reads the configured templates once (again after a failure); nothing on hosts without subscribe messages. */
  loadTemplates: () => Promise<void>
  /**
   * Asks the host for the templates, then records the answer for the ticket. Call it straight from
   * the person's tap: the host's request leaves before anything is awaited.
   */
  ask: (ticketId: string) => Promise<ReminderAnswer>
}

export type RemindersStore = State & Actions

export const initialRemindersState = (): State => ({ status: 'idle', templates: [], asking: {} })

async function record(ticketId: string, sheet: Promise<SubscribeOutcome>): Promise<ReminderAnswer> {
  const outcome = await sheet
  if (outcome.outcome === 'failed') return { kind: 'hostFailed', reason: outcome.reason }
  const result = await callAction('reminders.consent', { ticketId, accepted: outcome.accepted })
  if (!result.ok) return { kind: 'notSaved', error: result.error }
  useTicketsStore.getState().remember(result.data)
  return { kind: 'recorded', state: result.data.reminders.state }
}

export const useRemindersStore = create<RemindersStore>()((set, get) => ({
  ...initialRemindersState(),
  loadTemplates: async () => {
    if (!subscribeMessages || get().status === 'loading' || get().status === 'ready') return
    set({ status: 'loading' })
    const result = await callAction('reminders.templates', {})
    // A failed read leaves nothing to ask with; the next page that needs the templates reads again.
    set(result.ok ? { status: 'ready', templates: result.data.templates } : { status: 'error' })
  },
  ask: (ticketId) => {
    const templates = get().templates.slice(0, MAX_TEMPLATES_PER_REQUEST)
    if (!subscribeMessages || templates.length === 0 || get().asking[ticketId]) return Promise.resolve({ kind: 'unavailable' })
    // First and synchronously: WeChat shows its sheet only while the tap is being handled.
    const sheet = subscribeMessages.request(templates)
    const busy = (on: boolean) => set({ asking: { ...get().asking, [ticketId]: on } })
    busy(true)
    return record(ticketId, sheet).finally(() => busy(false))
  },
}))

/** Whether this host can ask now: it has subscribe messages and the templates are at hand. */
export const selectCanAsk = (s: RemindersStore): boolean => subscribeMessages !== null && s.status === 'ready' && s.templates.length > 0
export const selectIsAsking = (ticketId: string) => (s: RemindersStore): boolean => Boolean(s.asking[ticketId])
export const selectAsk = (s: RemindersStore): RemindersStore['ask'] => s.ask
export const selectLoadTemplates = (s: RemindersStore): RemindersStore['loadTemplates'] => s.loadTemplates
