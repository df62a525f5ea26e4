import type { EventView } from './models'

/**
 * The typed contract between the app and the cloud functions: for every action, the function that
 * serves it, its payload and its result. The app and the functions import this one module.
 */
export interface ActionContract {
  'events.list': { fn: 'attendee'; payload: Record<string, never>; result: { events: EventView[] } }
}

export type ActionName = keyof ActionContract
export type FunctionName = ActionContract[ActionName]['fn']
export type ActionPayload<A extends ActionName> = ActionContract[A]['payload']
export type ActionResultData<A extends ActionName> = ActionContract[A]['result']

/** Which deployed function serves each action (the app needs it at run time to route a call). */
export const ACTION_FUNCTION: { [A in ActionName]: ActionContract[A]['fn'] } = {
  'events.list': 'attendee',
}
