import { findMany, getDoc, removeWhere } from '../shared/db'
import { DomainError, isDuplicateKey } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { requireOpenid } from './reserve'
import { COLLECTIONS, type Role, type RoleRecord } from './records'

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

/** Which events the caller works at: every event for a configured organizer, else their role documents. */
export interface StaffScope {
  openid: string
  allEvents: boolean
  roles: Map<string, Role>
}

export async function staffScopeOf(ctx: CallContext, openid: string): Promise<StaffScope> {
  if (configuredOrganizers().has(openid)) return { openid, allEvents: true, roles: new Map() }
  const records = await findMany<RoleRecord>(ctx.db, COLLECTIONS.roles, { openid }, { limit: 200 })
  return { openid, allEvents: false, roles: new Map(records.map((r) => [r.eventId, r.role])) }
}

/** Whether the scope may work the gate of this event: its staff and its organizers. */
export function worksAt(scope: StaffScope, eventId: string): boolean {
  return scope.allEvents || scope.roles.has(eventId)
}

/** The caller, if they staff or organize anything at all; FORBIDDEN otherwise. */
export async function requireStaff(ctx: CallContext): Promise<StaffScope> {
  const scope = await staffScopeOf(ctx, requireOpenid(ctx))
  if (!scope.allEvents && scope.roles.size === 0) throw new DomainError('FORBIDDEN', `${scope.openid} is not staff of any event`)
  return scope
}

/** Adds a staff member to an event; an organizer of the event stays organizer. */
export async function addStaff(ctx: CallContext, eventId: string, openid: string, addedBy: string): Promise<void> {
  const id = roleId(eventId, openid)
  const existing = await getDoc<RoleRecord>(ctx.db, COLLECTIONS.roles, id)
  if (existing) return
  const record: RoleRecord = { _id: id, eventId, openid, role: 'staff', addedBy, addedAt: ctx.now() }
  try {
    await ctx.db.collection(COLLECTIONS.roles).add({ data: record })
  } catch (err) {
    // Added by someone else a moment ago: the same outcome.
    if (!isDuplicateKey(err)) throw err
  }
}

/** Removes a staff member (never an organizer) from an event. */
export async function removeStaff(ctx: CallContext, eventId: string, openid: string): Promise<void> {
  await removeWhere(ctx.db, COLLECTIONS.roles, { _id: roleId(eventId, openid), role: 'staff' })
}

export async function staffOf(ctx: CallContext, eventId: string): Promise<RoleRecord[]> {
  return findMany<RoleRecord>(ctx.db, COLLECTIONS.roles, { eventId, role: 'staff' }, { orderBy: ['addedAt', 'asc'], limit: 500 })
}
