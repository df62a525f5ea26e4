/**
 * The ticket in the WeChat card pack: a signed cardExt for `wx.addCard`, the record that the card
 * was added (after decrypting the code WeChat hands back), the parameters of `wx.openCard`, and
 * the card's entry back into the app. Every action is the ticket owner's only; anyone else gets
 * the same NOT_FOUND as for a ticket that does not exist.
 */
import * as v from 'valibot'
import type { TicketView } from '../api/models'
import { ticketRefSchema } from '../api/validation'
import { signCardExt } from '../card/signer'
import { cardConsumeJob, jobRecord, enqueueInTransaction } from '../outbox/jobs'
import { parsePayload } from './payload'
import { enqueue } from '../outbox/worker'
import { wechatConfig } from '../shared/config'
import { DomainError } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { callWithAccessToken } from '../wechat/client'
import { WechatError } from '../wechat/errors'
import { getCardTicket, withAccessToken, type TokenDeps } from '../wechat/tokens'
import { configuredCardId } from './cardConfig'
import { limitCodeLookups } from './rateLimit'
import { COLLECTIONS, type EventRecord, type TicketRecord } from './records'
import { requireOpenid } from './reserve'
import { notFound, ownTicket, ownTicketWithCode } from './tickets'
import { withTransaction } from './transaction'

function requireCard(): string {
  const cardId = configuredCardId()
  if (!cardId) throw new DomainError('CARD_UNAVAILABLE', 'this deployment has no WeChat card configured (TICKETCARD_CARD_ID)')
  return cardId
}

function tokenDeps(ctx: Pick<CallContext, 'db'>): TokenDeps {
  return { db: ctx.db, config: wechatConfig() }
}

/** WeChat hands the code back encrypted (standard base64); `/card/code/decrypt` turns it back. */
const encryptCode = v.pipe(v.string('INVALID_VALUE'), v.regex(/^[A-Za-z0-9+/=_-]{8,256}$/, 'INVALID_VALUE'))
const cardAddedSchema = v.strictObject({ ticketId: ticketRefSchema.entries.ticketId, encryptCode })
const fromCardSchema = v.strictObject({ cardId: v.pipe(v.string('INVALID_VALUE'), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'INVALID_VALUE')), encryptCode })

export async function decryptCode(deps: TokenDeps, encrypted: string): Promise<string> {
  const answer = await withAccessToken(deps, (token) => callWithAccessToken<{ code?: unknown }>(deps.config, token, '/card/code/decrypt', { encrypt_code: encrypted }))
  if (typeof answer.code !== 'string') throw new Error('/card/code/decrypt answered no code')
  return answer.code
}

/** card.ext: a signed cardExt for the owner's active ticket, with the cached `wx_card` api_ticket. */
export async function cardExt(ctx: CallContext, payload: unknown): Promise<{ cardId: string; cardExt: string }> {
  const { ticketId } = parsePayload(ticketRefSchema, payload)
  const openid = requireOpenid(ctx)
  const cardId = requireCard()
  const ticket = await ownTicket(ctx, ticketId, openid)
  if (ticket.status !== 'active') throw new DomainError('ALREADY_CANCELLED', `ticket ${ticketId} is cancelled: no card for it`)
  const apiTicket = await getCardTicket(tokenDeps(ctx))
  const signed = signCardExt({ apiTicket: apiTicket.value, cardId, code: ticket.code, outerStr: ticket._id, now: ctx.now() })
  // A wrong ticket fails only on the phone ("签名错误"): the generation tells which one signed.
  console.info(`card.ext ${ticket._id}: signed with wx_card generation ${apiTicket.generation}`)
  return { cardId, cardExt: signed.cardExt }
}

/**
 * Records on the ticket that its card is in the pack, once the decrypted code is known to be the
 * ticket's. A ticket cancelled meanwhile gets its card switched off through the outbox instead; a
 * ticket that entered meanwhile (its add was pending at the door) gets the consume the first entry
 * could not ask for. The ticket is written in the transaction, so a scan at the same moment
 * conflicts: one of the two sees the other, and the consume is enqueued exactly once.
 */
export async function recordCardAdded(db: CallContext['db'], ticketId: string, cardId: string, code: string, now: Date): Promise<void> {
  const _ = db.command
  await withTransaction(db, async (tx) => {
    const ticket = (await tx.collection(COLLECTIONS.tickets).doc(ticketId).get()).data as TicketRecord | null
    if (!ticket) throw new Error(`ticket ${ticketId} vanished`)
    if (ticket.code !== code) throw new DomainError('INVALID_INPUT', `the card's code is not ticket ${ticketId}'s`)
    if (ticket.card?.cardId === cardId) return
    // `card` starts as null: a merged nested update into null fails, so set it whole.
    await tx.collection(COLLECTIONS.tickets).doc(ticketId).update({ data: { card: _.set({ cardId, addedAt: now }) } })
    if (ticket.status !== 'active') {
      await enqueueInTransaction(tx, jobRecord('card.unavailable', ticketId, { cardId, code, reason: '预约已取消' }, now))
    } else if ((ticket.entries?.count ?? 0) > 0) {
      const event = (await tx.collection(COLLECTIONS.events).doc(ticket.eventId).get()).data as EventRecord | null
      if (event?.entry.consumeCard) await enqueueInTransaction(tx, cardConsumeJob(ticketId, cardId, code, now))
    }
  })
}

/**
 * card.added: after `wx.addCard` succeeds. Decrypts the code, checks it is this ticket's, records
 * it. Idempotent. When WeChat cannot decrypt right now, the confirmation is queued in the outbox
 * (never lost) and the answer says `pending`.
 */
export async function cardAdded(ctx: CallContext, payload: unknown): Promise<{ card: 'added' | 'pending' }> {
  const { ticketId, encryptCode: encrypted } = parsePayload(cardAddedSchema, payload)
  const openid = requireOpenid(ctx)
  const cardId = requireCard()
  const ticket = await ownTicket(ctx, ticketId, openid)
  if (ticket.card?.cardId === cardId) return { card: 'added' }
  let code: string
  try {
    code = await decryptCode(tokenDeps(ctx), encrypted)
  } catch (err) {
    if (err instanceof WechatError && err.kind === 'refused') throw new DomainError('INVALID_INPUT', `WeChat cannot decrypt that code (errcode ${err.errcode})`)
    if (!(err instanceof WechatError)) throw err
    await enqueue(ctx.db, jobRecord('card.confirm', ticketId, { ticketId, cardId, encryptCode: encrypted }, ctx.now()))
    return { card: 'pending' }
  }
  await recordCardAdded(ctx.db, ticketId, cardId, code, ctx.now())
  return { card: 'added' }
}

/** card.open: what `wx.openCard` needs, the plain code (the owner's, for a card in the pack). */
export async function cardOpen(ctx: CallContext, payload: unknown): Promise<{ cardId: string; code: string }> {
  const { ticketId } = parsePayload(ticketRefSchema, payload)
  const openid = requireOpenid(ctx)
  const ticket = await ownTicket(ctx, ticketId, openid)
  if (!ticket.card) throw new DomainError('CARD_UNAVAILABLE', `ticket ${ticketId} has no card in the card pack`)
  return { cardId: ticket.card.cardId, code: ticket.code }
}

/** tickets.fromCard: the card's entry back into the app carries card_id and the encrypted code. */
export async function ticketFromCard(ctx: CallContext, payload: unknown): Promise<TicketView> {
  const { cardId, encryptCode: encrypted } = parsePayload(fromCardSchema, payload)
  const openid = requireOpenid(ctx)
  await limitCodeLookups(ctx, openid)
  if (cardId !== configuredCardId()) throw notFound('(from card)')
  let code: string
  try {
    code = await decryptCode(tokenDeps(ctx), encrypted)
  } catch (err) {
    if (err instanceof WechatError && err.kind === 'refused') throw notFound('(from card)')
    throw err
  }
  return ownTicketWithCode(ctx, code, openid, '(from card)')
}
