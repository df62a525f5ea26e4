import { idRefusals, releaseIdNumberHold } from '../../domain/organizer'
import { defineFunction } from '../../shared/handler'

/** What organizers do; every action checks the caller's role on the server first. */
export const main = defineFunction('organizer', {
  'organizer.idRefusals': idRefusals,
  'organizer.releaseIdHold': releaseIdNumberHold,
})
