import { scanTicket } from '../../domain/checkin'
import { defineFunction } from '../../shared/handler'

/** The gate: staff scan tickets. Its own function, so the door stays fast whatever else runs. */
export const main = defineFunction('checkin', {
  'checkin.scan': scanTicket,
})
