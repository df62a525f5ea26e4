import { addStaffMember, eventStats, exportLists, idRefusals, listStaffMembers, myRoles, releaseIdNumberHold, removeStaffMember } from '../../domain/organizer'
import { defineFunction } from '../../shared/handler'

/** What organizers do; every action but roles.mine checks the caller's role on the server first. */
export const main = defineFunction('organizer', {
  'organizer.idRefusals': idRefusals,
  'organizer.releaseIdHold': releaseIdNumberHold,
  'organizer.stats': eventStats,
  'organizer.export': exportLists,
  'staff.add': addStaffMember,
  'staff.remove': removeStaffMember,
  'staff.list': listStaffMembers,
  'roles.mine': myRoles,
})
