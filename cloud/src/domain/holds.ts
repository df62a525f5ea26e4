import type { CallContext } from '../shared/handler'
import { DomainError } from '../shared/errors'
import type { TicketHolds } from './records'

/*
 * The per-person limits live on the tickets themselves: each hold is a field with a unique index,
 * so the ticket insert that takes a seat also takes the holds, in the same commit, and two
 * reservations for one person's last slot get one ticket and one duplicate key. There is nothing
 * to clean up after a crash, and cancelling a ticket gives its holds back in the same write.
 */

export type HoldKind = keyof TicketHolds

/** Precedence of refusals: the caller's own limits first, so an ID refusal tells nothing to someone over theirs. */
export const HOLD_KINDS: HoldKind[] = ['personEvent', 'personSession', 'idEvent', 'idSession']

/** Who and where a reservation counts against. */
export interface HoldScope {
  eventId: string
  sessionId: string
  openid: string
  /** The ID number's keyed hash, when the ticket keeps one. */
  idHash?: string
  limits: { perEvent: number; perSession: number }
}

/** Which slot of each limit a reservation tries: the `k`-th of `perEvent`... */
export type HoldSlots = Record<HoldKind, number>

export const FIRST_SLOTS: HoldSlots = { personEvent: 1, personSession: 1, idEvent: 1, idSession: 1 }

/** The number of slots each hold has (an absent ID number has one, naming the ticket). */
export function slotsOf(kind: HoldKind, scope: HoldScope): number {
  if ((kind === 'idEvent' || kind === 'idSession') && !scope.idHash) return 1
  return kind === 'personEvent' || kind === 'idEvent' ? scope.limits.perEvent : scope.limits.perSession
}

/** The value a hold takes in slot `k`. */
export function holdValue(kind: HoldKind, scope: HoldScope, k: number, ticketId: string): string {
  switch (kind) {
    case 'personEvent':
      return `event:${scope.eventId}:${scope.openid}:${k}`
    case 'personSession':
      return `session:${scope.sessionId}:${scope.openid}:${k}`
    case 'idEvent':
      return scope.idHash ? `idevent:${scope.eventId}:${scope.idHash}:${k}` : `none:${ticketId}`
    case 'idSession':
      return scope.idHash ? `idsession:${scope.sessionId}:${scope.idHash}:${k}` : `none:${ticketId}`
  }
}

export function holdsFor(scope: HoldScope, slots: HoldSlots, ticketId: string): TicketHolds {
  return {
    personEvent: holdValue('personEvent', scope, slots.personEvent, ticketId),
    personSession: holdValue('personSession', scope, slots.personSession, ticketId),
    idEvent: holdValue('idEvent', scope, slots.idEvent, ticketId),
    idSession: holdValue('idSession', scope, slots.idSession, ticketId),
  }
}

/** What a cancelled ticket holds: values naming only itself, so the slots are free again. */
export function releasedHolds(ticketId: string): TicketHolds {
  const released = `released:${ticketId}`
  return { personEvent: released, personSession: released, idEvent: released, idSession: released }
}

/** Whether a hold counts against anything: the ID-number holds of a ticket without one name only the ticket. */
const counts = (kind: HoldKind, scope: HoldScope) => Boolean(scope.idHash) || kind === 'personEvent' || kind === 'personSession'

/** A query for every ticket holding any slot this reservation could take. */
export function holdersQuery(_: CallContext['db']['command'], scope: HoldScope): Record<string, unknown> {
  return _.or(
    HOLD_KINDS.filter((kind) => counts(kind, scope)).map((kind) => ({
      [`holds.${kind}`]: _.in(Array.from({ length: slotsOf(kind, scope) }, (__, i) => holdValue(kind, scope, i + 1, ''))),
    })),
  ) as unknown as Record<string, unknown>
}

export interface SlotChoice {
  /** Free slots to try, one per hold. */
  slots: HoldSlots | null
  /** The first hold (in precedence order) with no slot free. */
  full: HoldKind | null
}

/** Picks the lowest free slot of every hold, given the holds the other tickets have. */
export function chooseSlots(scope: HoldScope, taken: Array<Partial<TicketHolds>>): SlotChoice {
  const slots = { ...FIRST_SLOTS }
  for (const kind of HOLD_KINDS.filter((k) => counts(k, scope))) {
    const held = new Set(taken.map((holds) => holds[kind]))
    const free = Array.from({ length: slotsOf(kind, scope) }, (_, i) => i + 1).find((k) => !held.has(holdValue(kind, scope, k, '')))
    if (free === undefined) return { slots: null, full: kind }
    slots[kind] = free
  }
  return { slots, full: null }
}

export function limitReached(kind: 'personEvent' | 'personSession', scope: HoldScope): DomainError {
  return kind === 'personEvent'
    ? new DomainError('LIMIT_REACHED', `${scope.openid} holds ${scope.limits.perEvent} tickets for ${scope.eventId}`)
    : new DomainError('LIMIT_REACHED', `${scope.openid} holds ${scope.limits.perSession} tickets for ${scope.sessionId}`)
}
