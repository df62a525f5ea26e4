import { reserve } from '../../domain/reserve'
import { cancelTicket, getTicket, getTicketByCode, listEvents, myTickets } from '../../domain/tickets'
import { defineFunction } from '../../shared/handler'

/** Everything an attendee does: browse sessions, reserve, see and cancel their tickets. */
export const main = defineFunction('attendee', {
  'events.list': listEvents,
  'reservation.reserve': reserve,
  'tickets.mine': myTickets,
  'tickets.get': getTicket,
  'tickets.byCode': getTicketByCode,
  'tickets.cancel': cancelTicket,
})
