import { cardAdded, cardExt, cardOpen, ticketFromCard } from '../../domain/cardPack'
import { recordReminderConsent, reminderTemplates } from '../../domain/reminders'
import { reserve } from '../../domain/reserve'
import { cancelTicket, eraseTicketData, getTicket, getTicketByCode, listEvents, myTickets } from '../../domain/tickets'
import { defineFunction } from '../../shared/handler'

/** Everything an attendee does: browse sessions, reserve, see and cancel their tickets, carry them in the card pack. */
export const main = defineFunction('attendee', {
  'events.list': listEvents,
  'reservation.reserve': reserve,
  'tickets.mine': myTickets,
  'tickets.get': getTicket,
  'tickets.byCode': getTicketByCode,
  'tickets.cancel': cancelTicket,
  'tickets.fromCard': ticketFromCard,
  'card.ext': cardExt,
  'card.added': cardAdded,
  'card.open': cardOpen,
  'tickets.erase': eraseTicketData,
  'reminders.templates': reminderTemplates,
  'reminders.consent': recordReminderConsent,
})
