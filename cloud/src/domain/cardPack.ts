/**
 * The ticket in the WeChat card pack: a signed cardExt for `wx.addCard`, the record that the card
 * was added (after decrypting the code WeChat hands back), the parameters of `wx.openCard`, and
 * the card's entry back into the app. Every action is the ticket owner's only; anyone else gets
 * the same NOT_FOUND as for a ticket that does not exist.
 */
import * as v from 'valibot'
import type { TicketView } from '../api/models'
import { ticketRefSchema } from '../api/validation'
import { cardExtSignature, signCardExt } from '../card/signer'
import { cardConsumeJob, jobRecord, enqueueInTransaction } from '../outbox/jobs'
import { parsePayload } from './payload'
import { enqueue } from '../outbox/worker'
import { wechatConfig } from '../shared/config'
import { DomainError } from '../shared/errors'
import type { CallContext } from '../shared/handler'
import { callWithAccessToken } from '../wechat/client'
import { WechatError } from '../wechat/errors'
import { getCardTicket, invalidate, withAccessToken, type TokenDeps } from '../wechat/tokens'
import { configuredCardId } from './cardConfig'
import { consumeRateLimit, limitCodeLookups, perChinaDay, type RateWindow } from './rateLimit'
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

/**
 * A cardExt WeChat refused, as the app reports it back: exactly the shape `signCardExt` makes (the
 * signed fields, the ticket's code and id), nothing else.
 */
interface ReportedCardExt {
  code: string
  timestamp: string
  nonce_str: string
  signature: string
  outer_str: string
}

function isReportedCardExt(text: string): boolean {
  let ext: unknown
  try {
    ext = JSON.parse(text)
  } catch {
    return false
  }
  if (typeof ext !== 'object' || ext === null || Array.isArray(ext)) return false
  const fields = ext as Record<string, unknown>
  const shapes: Record<keyof ReportedCardExt, RegExp> = {
    code: /^[0-9A-Za-z]{1,20}$/,
    timestamp: /^\d{1,11}$/,
    nonce_str: /^[A-Za-z0-9]{1,32}$/,
    signature: /^[0-9a-f]{40}$/,
    outer_str: /^[A-Za-z0-9_-]{1,64}$/,
  }
  const keys = Object.keys(fields)
  return keys.length === 5 && keys.every((key) => Object.hasOwn(shapes, key) && typeof fields[key] === 'string' && shapes[key as keyof ReportedCardExt].test(fields[key] as string))
}

const refusedCardExt = v.pipe(v.string('INVALID_VALUE'), v.maxLength(512, 'INVALID_VALUE'), v.check(isReportedCardExt, 'INVALID_VALUE'))
const cardExtSchema = v.strictObject({ ticketId: ticketRefSchema.entries.ticketId, refusedCardExt: v.optional(refusedCardExt) })

/** A report older than this is not about the ticket now cached (WeChat takes a cardExt for 5 minutes). */
const REPORT_MAX_AGE_SECONDS = 600
/** Reports that may drop the cached ticket: per person and China day, and for the whole account per hour. */
export const TICKET_DROPS_PER_PERSON_PER_DAY = 3
export const TICKET_DROPS_PER_HOUR = 12
const perHour = (scope: string, subject: string): RateWindow => ({ scope, subject, windowMs: 3_600_000 })

/**
 * WeChat refused a cardExt this ticket's owner got from card.ext (40080: on the phone
 * "签名错误"), most often because the api_ticket that signed it is no longer valid (expired early,
 * or a simulator that forgot it). The report is believed only as far as it can be checked: the
 * cardExt must be this ticket's, recent, and signed with the ticket this instance would sign with
 * now. Then, within the rate limits, exactly that ticket is compare-and-cleared from the shared
 * cache (never a newer one another instance already fetched), so the next signature uses a fresh
 * one. Anything else (a ticket already replaced, a stale or forged report) changes nothing.
 */
async function dropRefusedTicket(ctx: CallContext, deps: TokenDeps, ticket: TicketRecord, cardId: string, openid: string, reported: string): Promise<void> {
  const ext = JSON.parse(reported) as ReportedCardExt
  if (ext.outer_str !== ticket._id || ext.code !== ticket.code) {
    throw new DomainError('INVALID_INPUT', 'refusedCardExt is not a cardExt of this ticket', { refusedCardExt: 'INVALID_VALUE' })
  }
  const age = Math.floor(ctx.now().getTime() / 1000) - Number(ext.timestamp)
  const current = await getCardTicket(deps)
  const signedByCurrent = cardExtSignature([current.value, ext.timestamp, cardId, ext.nonce_str, ext.code]) === ext.signature
  if (!signedByCurrent || age > REPORT_MAX_AGE_SECONDS || age < -60) {
    const why = signedByCurrent ? `signed ${age} s ago` : `not signed with the cached wx_card generation ${current.generation}`
    console.info(`card.ext ${ticket._id}: a refused cardExt reported, ${why}: nothing dropped`)
    return
  }
  await consumeRateLimit(ctx, perChinaDay('card-ticket-drop', openid), TICKET_DROPS_PER_PERSON_PER_DAY, 'new')
  await consumeRateLimit(ctx, perHour('card-ticket-drop-all', deps.config.appid), TICKET_DROPS_PER_HOUR)
  const dropped = await invalidate(deps, 'wx_card', current.value)
  console.warn(`card.ext ${ticket._id}: WeChat refused a cardExt signed with wx_card generation ${current.generation}: ${dropped ? 'dropped it from the cache' : 'another instance had already replaced it'}`)
}

export async function decryptCode(deps: TokenDeps, encrypted: string): Promise<string> {
  const answer = await withAccessToken(deps, (token) => callWithAccessToken<{ code?: unknown }>(deps.config, token, '/card/code/decrypt', { encrypt_code: encrypted }))
  if (typeof answer.code !== 'string') throw new Error('/card/code/decrypt answered no code')
  return answer.code
}

/**
 * card.ext: a signed cardExt for the owner's active ticket, with the cached `wx_card` api_ticket.
 * With `refusedCardExt` (the cardExt of this ticket WeChat just refused with 40080), the api_ticket
 * that signed it is dropped first (`dropRefusedTicket`), so the answer is signed with a fresh one.
 */
export async function cardExt(ctx: CallContext, payload: unknown): Promise<{ cardId: string; cardExt: string }> {
  const { ticketId, refusedCardExt: refused } = parsePayload(cardExtSchema, payload)
  const openid = requireOpenid(ctx)
  const cardId = requireCard()
  const ticket = await ownTicket(ctx, ticketId, openid)
  if (ticket.status !== 'active') throw new DomainError('ALREADY_CANCELLED', `ticket ${ticketId} is cancelled: no card for it`)
  if (refused !== undefined) await dropRefusedTicket(ctx, tokenDeps(ctx), ticket, cardId, openid, refused)
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
  const recorded = ticket.card?.cardId === cardId
  let code: string
  try {
    code = await decryptCode(tokenDeps(ctx), encrypted)
  } catch (err) {
    if (err instanceof WechatError && err.kind === 'refused') {
      console.warn(`card.added ${ticketId}: WeChat cannot decrypt the code sent (errcode ${err.errcode})`)
      throw new DomainError('INVALID_INPUT', 'the card code sent cannot be decrypted', { encryptCode: 'INVALID_VALUE' })
    }
    if (!(err instanceof WechatError)) throw err
    // Already recorded (a repeated confirmation): nothing is left to do, whatever WeChat says now.
    if (recorded) return { card: 'added' }
    await enqueue(ctx.db, jobRecord('card.confirm', ticketId, { ticketId, cardId, encryptCode: encrypted }, ctx.now()))
    return { card: 'pending' }
  }
  if (recorded) {
    if (code !== ticket.code) throw new DomainError('INVALID_INPUT', `the card's code is not ticket ${ticketId}'s`, { encryptCode: 'INVALID_VALUE' })
    return { card: 'added' }
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
