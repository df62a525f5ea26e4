import { DomainError, isDuplicateKey } from '../shared/errors'
import { getDoc, removeWhere } from '../shared/db'
import type { CallContext } from '../shared/handler'
import { COLLECTIONS, type ClaimRecord, type TicketRecord } from './records'

/**
 * A claim left by a reservation that never produced its ticket (the function crashed between
 * claiming and the seat transaction) is freed after this long: longer than any function timeout.
 */
export const ABANDONED_CLAIM_MS = 2 * 60_000

/** One per-person rule: any one of `slotIds` must be free; otherwise `refusal`. */
export interface ClaimRule {
  slotIds: string[]
  refusal: DomainError
}

/** Who takes the slots: the ticket being made, its owner and its event. */
export interface ClaimOwner {
  ticketId: string
  openid: string
  eventId: string
}

async function isReleasable(ctx: CallContext, claim: ClaimRecord): Promise<boolean> {
  const ticket = await getDoc<TicketRecord>(ctx.db, COLLECTIONS.tickets, claim.ticketId)
  if (ticket) return ticket.status === 'cancelled'
  return ctx.now().getTime() - new Date(claim.createdAt).getTime() > ABANDONED_CLAIM_MS
}

/**
 * Takes one slot for `ticketId`. Uniqueness is the database's: a slot is a document whose `_id`
 * names it, so two people racing for it get one insert and one duplicate-key error, never a
 * count-then-insert race. A slot already held by the same ticket (a retried request) is reused.
 */
async function claimSlot(ctx: CallContext, rule: ClaimRule, owner: ClaimOwner): Promise<string> {
  const claims = ctx.db.collection(COLLECTIONS.claims)
  const { ticketId } = owner
  for (const slotId of rule.slotIds) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await claims.add({ data: { _id: slotId, ...owner, createdAt: ctx.now() } })
        return slotId
      } catch (err) {
        if (!isDuplicateKey(err)) throw err
      }
      const holder = await getDoc<ClaimRecord>(ctx.db, COLLECTIONS.claims, slotId)
      if (holder?.ticketId === ticketId) return slotId
      if (holder && !(await isReleasable(ctx, holder))) break
      // Free it only if it still belongs to the same stale ticket, then try once more.
      if (holder) await removeWhere(ctx.db, COLLECTIONS.claims, { _id: slotId, ticketId: holder.ticketId })
    }
  }
  throw rule.refusal
}

/**
 * Takes a slot under every rule, or none. The rules touch different documents, so they are tried
 * at once; on any refusal every slot taken is given back and the refusal of the earliest rule in
 * `rules` is reported, whatever finished first: the order of `rules` is the order of precedence.
 */
export async function claimAll(ctx: CallContext, rules: ClaimRule[], owner: ClaimOwner): Promise<string[]> {
  const outcomes = await Promise.allSettled(rules.map((rule) => claimSlot(ctx, rule, owner)))
  const refused = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
  if (refused) {
    await releaseClaims(ctx, owner.ticketId)
    throw refused.reason
  }
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<string>).value)
}

/** Gives back every slot a ticket holds (cancellation, or a reservation that failed). */
export async function releaseClaims(ctx: CallContext, ticketId: string): Promise<void> {
  await removeWhere(ctx.db, COLLECTIONS.claims, { ticketId })
}
