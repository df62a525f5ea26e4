import { getDoc } from '../shared/db'
import { DomainError } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { requireOpenid } from './reserve'
import { COLLECTIONS, type RoleRecord } from './records'

/**
 * Organizers of every event, from TICKETCARD_ORGANIZERS (comma-separated openids): the first
 * organizers, who exist before anyone can be added in the app.
 */
export function configuredOrganizers(): Set<string> {
  return new Set(
    (process.env.TICKETCARD_ORGANIZERS ?? '')
      .split(',')
      .map((openid) => openid.trim())
      .filter(Boolean),
  )
}

export const roleId = (eventId: string, openid: string): string => `${eventId}:${openid}`

/**
 * The caller, if they organize this event; FORBIDDEN otherwise, with the same answer whether the
 * event exists or not. Checked on the server for every organizer action.
 */
export async function requireOrganizer(ctx: CallContext, eventId: string): Promise<string> {
  const openid = requireOpenid(ctx)
  if (configuredOrganizers().has(openid)) return openid
  const role = await getDoc<RoleRecord>(ctx.db, COLLECTIONS.roles, roleId(eventId, openid))
  if (role?.role === 'organizer') return openid
  throw new DomainError('FORBIDDEN', `${openid} does not organize event ${eventId}`)
}
