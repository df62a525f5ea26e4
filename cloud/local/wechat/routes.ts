import { validateNewCard, validateUpdate } from './cardRules'
import type { CardRecord } from './cards'
import type { CodeRecord } from './codes'
import { WxError } from './errors'
import { optionalBoolean, optionalInteger, optionalString, optionalStringArray, requireString, type JsonObject } from './fields'
import type { CallerIp } from './network'
import type { SimulatorState } from './state'
import type { TicketType } from './tickets'

/** One WeChat API call, as a handler sees it. */
export interface ApiCall {
  now: number
  query: URLSearchParams
  /** The parsed JSON body ({} for routes without one). */
  body: JsonObject
  raw: Buffer
  contentType: string
  caller: CallerIp
  /** The account the access_token belongs to ('' for routes that take none). */
  appid: string
}

export interface Route {
  method: 'GET' | 'POST'
  /** The call carries ?access_token=; the server checks it and the IP whitelist first. */
  token: boolean
  body: 'json' | 'multipart' | 'none'
  /** Stands for the phone, not a server API: faults aimed at "*" leave it alone; it answers CORS. */
  phone?: boolean
  handle(state: SimulatorState, call: ApiCall): JsonObject
}

const OK = { errcode: 0, errmsg: 'ok' }
const TICKET_TYPES = new Set<TicketType>(['wx_card', 'jsapi'])

/** The WeChat HTTP API surface the simulator serves, keyed by path. */
export const ROUTES: Record<string, Route> = {
  '/cgi-bin/token': {
    method: 'GET',
    token: false,
    body: 'none',
    handle(state, { query, caller, now }) {
      const appid = state.accounts.authenticate(query.get('grant_type'), query.get('appid'), query.get('secret'))
      state.network.check(caller)
      return { ...state.tokens.fetchClassic(appid, now) }
    },
  },

  '/cgi-bin/stable_token': {
    method: 'POST',
    token: false,
    body: 'json',
    handle(state, { body, caller, now }) {
      const appid = state.accounts.authenticate(body.grant_type, body.appid, body.secret)
      const force = optionalBoolean(body, 'force_refresh') ?? false
      state.network.check(caller)
      return { ...state.tokens.fetchStable(appid, force, now) }
    },
  },

  '/cgi-bin/ticket/getticket': {
    method: 'GET',
    token: true,
    body: 'none',
    handle(state, { query, appid, now }) {
      const type = (query.get('type') || 'jsapi') as TicketType
      if (!TICKET_TYPES.has(type)) throw WxError.hint(40097, `type must be wx_card (cards) or jsapi, got ${type}`)
      return { ...OK, ...state.tickets.fetch(appid, type, now) }
    },
  },

  '/card/create': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      const spec = validateNewCard(body, (url) => state.media.has(url))
      return { ...OK, card_id: state.cards.create(appid, spec, now).cardId }
    },
  },

  '/card/get': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      return { ...OK, card: state.cards.toWire(state.cards.get(appid, body.card_id, now)) }
    },
  },

  '/card/update': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      const card = state.cards.get(appid, body.card_id, now)
      const change = validateUpdate(card.cardType, card.baseInfo, body, (url) => state.media.has(url))
      state.cards.update(card, change, now)
      return { ...OK, send_check: change.sendCheck }
    },
  },

  '/card/modifystock': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      const card = state.cards.get(appid, body.card_id, now)
      const increase = optionalInteger(body, 'increase_stock_value') ?? 0
      const reduce = optionalInteger(body, 'reduce_stock_value') ?? 0
      state.cards.modifyStock(card, increase, reduce, now)
      return { ...OK }
    },
  },

  '/card/testwhitelist/set': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid }) {
      state.cards.setWhitelist(appid, optionalStringArray(body, 'openid') ?? [], optionalStringArray(body, 'username') ?? [])
      return { ...OK }
    },
  },

  '/card/code/get': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      const { card, record } = state.codes.find(appid, body.card_id, body.code, now)
      // check_consume (default true) turns an unusable code into an error; false reads its state.
      if (optionalBoolean(body, 'check_consume') ?? true) state.codes.requireNormal(record, card, now)
      const status = state.codes.statusOf(record, card, now)
      return {
        ...OK,
        card: { card_id: card.cardId, ...validity(card, record) },
        openid: record.openid,
        can_consume: status === 'NORMAL',
        user_card_status: status,
        outer_str: record.outerStr ?? '',
      }
    },
  },

  '/card/code/decrypt': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid }) {
      return { ...OK, code: state.cipher.decrypt(appid, requireString(body, 'encrypt_code')).code }
    },
  },

  '/card/code/consume': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      const { card, record } = state.codes.find(appid, body.card_id, body.code, now)
      state.codes.requireNormal(record, card, now)
      record.status = 'CONSUMED'
      record.consumedAt = now
      state.events.record(appid, record.openid, now, 'user_consume_card', card.cardId, { UserCardCode: record.code, ConsumeSource: 'FROM_API' })
      return { ...OK, card: { card_id: card.cardId }, openid: record.openid }
    },
  },

  '/card/code/unavailable': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      const { card, record } = state.codes.find(appid, body.card_id, body.code, now)
      const reason = optionalString(body, 'reason') ?? null
      state.codes.requireNormal(record, card, now)
      record.status = 'UNAVAILABLE'
      record.unavailableAt = now
      record.unavailableReason = reason
      return { ...OK }
    },
  },

  '/card/meetingticket/updateuser': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      const { card, record } = state.codes.find(appid, body.card_id, body.code, now)
      if (card.cardType !== 'MEETING_TICKET') throw WxError.hint(40071, `card ${card.cardId} is ${card.cardType}; updateuser is for MEETING_TICKET cards`)
      state.codes.requireNormal(record, card, now)
      const begin = optionalInteger(body, 'begin_time')
      const end = optionalInteger(body, 'end_time')
      const next = { ...record.seat, begin_time: begin ?? record.seat?.begin_time, end_time: end ?? record.seat?.end_time }
      if (next.begin_time !== undefined && next.end_time !== undefined && next.end_time < next.begin_time) throw WxError.hint(40100, 'end_time must not be before begin_time')
      record.seat = {
        ...next,
        zone: optionalString(body, 'zone') ?? record.seat?.zone,
        entrance: optionalString(body, 'entrance') ?? record.seat?.entrance,
        seat_number: optionalString(body, 'seat_number') ?? record.seat?.seat_number,
      }
      return { ...OK }
    },
  },

  '/cgi-bin/media/uploadimg': {
    method: 'POST',
    token: true,
    body: 'multipart',
    handle(state, { raw, contentType, now }) {
      // WeChat answers a bare {url} here, with no errcode.
      return { url: state.media.upload(raw, contentType, now) }
    },
  },

  '/cgi-bin/message/subscribe/send': {
    method: 'POST',
    token: true,
    body: 'json',
    handle(state, { body, appid, now }) {
      return { ...OK, msgid: state.outbox.send(appid, body, now) }
    },
  },

  '/wallet/addCard': {
    method: 'POST',
    token: false,
    body: 'json',
    phone: true,
    handle: (state, { body, now }) => state.wallet.addCard(body, now),
  },

  '/wallet/openCard': {
    method: 'POST',
    token: false,
    body: 'json',
    phone: true,
    handle: (state, { body, now }) => state.wallet.openCard(body, now),
  },

  '/wallet/deleteCard': {
    method: 'POST',
    token: false,
    body: 'json',
    phone: true,
    handle: (state, { body, now }) => state.wallet.deleteCard(body, now),
  },
}

/** A code's validity in Unix seconds: the card's fixed range, or the fixed term from the day it was added. */
function validity(card: CardRecord, record: CodeRecord): { begin_time: number; end_time: number } {
  const info = card.dateInfo
  if (info.type === 'DATE_TYPE_FIX_TIME_RANGE') return { begin_time: info.begin_timestamp ?? 0, end_time: info.end_timestamp ?? 0 }
  const begin = Math.floor(record.addedAt / 1000) + (info.fixed_begin_term ?? 0) * 86_400
  return { begin_time: begin, end_time: begin + (info.fixed_term ?? 0) * 86_400 }
}
