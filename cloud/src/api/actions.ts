import type { EventStats, EventView, ExportFile, IdRefusalView, MyRoles, ReminderTemplateView, ScanAnswer, StaffMember, TicketView } from './models'
import type { ReservePayload } from './validation'

type Empty = Record<string, never>

/**
 * The typed contract between the app and the cloud functions: for every action, the function that
 * serves it, its payload and its result. The app and the functions import this one module.
 */
export interface ActionContract {
  'events.list': { fn: 'attendee'; payload: Empty; result: { events: EventView[] } }
  'reservation.reserve': { fn: 'attendee'; payload: ReservePayload; result: TicketView }
  'tickets.mine': { fn: 'attendee'; payload: Empty; result: { tickets: TicketView[] } }
  'tickets.get': { fn: 'attendee'; payload: { ticketId: string }; result: TicketView }
  'tickets.byCode': { fn: 'attendee'; payload: { code: string }; result: TicketView }
  'tickets.cancel': { fn: 'attendee'; payload: { ticketId: string }; result: TicketView }
  'tickets.fromCard': { fn: 'attendee'; payload: { cardId: string; encryptCode: string }; result: TicketView }
  /** `refusedCardExt`: this ticket's cardExt that `wx.addCard` refused (40080); its api_ticket is dropped and a fresh one signs. */
  'card.ext': { fn: 'attendee'; payload: { ticketId: string; refusedCardExt?: string }; result: { cardId: string; cardExt: string } }
  'card.added': { fn: 'attendee'; payload: { ticketId: string; encryptCode: string }; result: { card: 'added' | 'pending' } }
  'card.open': { fn: 'attendee'; payload: { ticketId: string }; result: { cardId: string; code: string } }
  'tickets.erase': { fn: 'attendee'; payload: { ticketId: string }; result: TicketView }
  'organizer.idRefusals': { fn: 'organizer'; payload: { eventId: string }; result: { refusals: IdRefusalView[] } }
  'organizer.releaseIdHold': { fn: 'organizer'; payload: { eventId: string; refusalId: string }; result: { releasedTickets: number } }
  'organizer.stats': { fn: 'organizer'; payload: { eventId: string }; result: EventStats }
  'organizer.export': { fn: 'organizer'; payload: { eventId: string; fullPhone?: boolean }; result: { reservations: ExportFile; checkins: ExportFile } }
  'staff.add': { fn: 'organizer'; payload: { eventId: string; openid: string }; result: { staff: StaffMember[] } }
  'staff.remove': { fn: 'organizer'; payload: { eventId: string; openid: string }; result: { staff: StaffMember[] } }
  'staff.list': { fn: 'organizer'; payload: { eventId: string }; result: { staff: StaffMember[] } }
  'roles.mine': { fn: 'organizer'; payload: Empty; result: MyRoles }
  'checkin.scan': { fn: 'checkin'; payload: { code: string; nonce: string; gate: string }; result: ScanAnswer }
  'reminders.templates': { fn: 'attendee'; payload: Empty; result: { templates: ReminderTemplateView[] } }
  'reminders.consent': { fn: 'attendee'; payload: { ticketId: string; accepted: string[] }; result: TicketView }
}

export type ActionName = keyof ActionContract
export type FunctionName = ActionContract[ActionName]['fn']
export type ActionPayload<A extends ActionName> = ActionContract[A]['payload']
export type ActionResultData<A extends ActionName> = ActionContract[A]['result']

/** Which deployed function serves each action (the app needs it at run time to route a call). */
export const ACTION_FUNCTION: { [A in ActionName]: ActionContract[A]['fn'] } = {
  'events.list': 'attendee',
  'reservation.reserve': 'attendee',
  'tickets.mine': 'attendee',
  'tickets.get': 'attendee',
  'tickets.byCode': 'attendee',
  'tickets.cancel': 'attendee',
  'tickets.fromCard': 'attendee',
  'card.ext': 'attendee',
  'card.added': 'attendee',
  'card.open': 'attendee',
  'tickets.erase': 'attendee',
  'organizer.idRefusals': 'organizer',
  'organizer.releaseIdHold': 'organizer',
  'organizer.stats': 'organizer',
  'organizer.export': 'organizer',
  'staff.add': 'organizer',
  'staff.remove': 'organizer',
  'staff.list': 'organizer',
  'roles.mine': 'organizer',
  'checkin.scan': 'checkin',
  'reminders.templates': 'attendee',
  'reminders.consent': 'attendee',
}
