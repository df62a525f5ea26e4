import type { CardRecord } from './cards'
import { USER_CARD_STATUSES, type CodeRecord, type UserCardStatus } from './codes'
import type { EndpointCounter } from './counters'
import { errorBody, WxError } from './errors'
import type { CardEvent } from './events'
import { ALL_ENDPOINTS, type FaultSnapshot } from './faults'
import { isObject, type JsonObject } from './fields'
import { DEFAULT_LIMITS, type SimulatorLimits } from './limits'
import type { SubscribeMessage } from './subscribe'
import type { SubscribeTemplate } from './subscribeTemplates'
import type { SimulatorState } from './state'
import type { TicketRecord, TicketType } from './tickets'
import type { TokenAnswer, TokenKind, TokenSnapshot } from './tokens'

/** A card as the control API shows it: the simulator's view plus the /card/get form. */
export interface CardSnapshot {
  cardId: string
  appid: string
  cardType: string
  status: CardRecord['status']
  quantity: number
  totalQuantity: number
  useCustomCode: boolean
  bindOpenid: boolean
  getLimit: number
  refuseReason: string | null
  createdAt: number
  updatedAt: number
  wire: JsonObject
}

/** A code as the control API shows it; userCardStatus is what /card/code/get would report now. */
export type CodeSnapshot = CodeRecord & { userCardStatus: UserCardStatus }

/**
 * Test and development control of the simulator. Every method takes at most one object argument
 * and answers JSON-able data, so the same API works in process and over HTTP (`POST /__sim/<method>`
 * with the argument as the JSON body).
 */
export interface SimulatorControl {
  /** Calls per endpoint path ("/cgi-bin/stable_token" ...), with outcomes by errcode. */
  counters(): Record<string, EndpointCounter>
  resetCounters(input?: { endpoint?: string }): null
  /** Calls to `endpoint` (default "*": every server API) fail with `errcode` at `rate` (0 … 1; 0 removes the rule). */
  setFault(input: { endpoint?: string; errcode: number; rate: number; seed?: number }): null
  /** The next calls to `endpoint` answer these errcodes in order (0 lets one through). */
  scriptFaults(input: { endpoint?: string; errcodes: number[] }): null
  /** Adds latency to every call to `endpoint` (0 removes it). */
  setLatency(input: { endpoint?: string; ms: number }): null
  clearFaults(input?: { endpoint?: string }): null
  faults(): FaultSnapshot
  /** As if another party refreshed: a new token (default kind "stable"); the old one retires after 5 minutes, or at once with `immediate`. */
  rotateAccessToken(input?: { appid?: string; kind?: TokenKind; immediate?: boolean }): TokenAnswer
  /** Retires a token, or every valid token of the account, at once (calls then answer 40001). */
  invalidateAccessToken(input?: { appid?: string; token?: string }): { invalidated: number }
  accessTokens(input?: { appid?: string }): TokenSnapshot[]
  /** The api_ticket valid now (default type wx_card), null when none is. */
  currentTicket(input?: { appid?: string; type?: TicketType }): TicketRecord | null
  /** Ends the current ticket as if its life ran out: the next getticket issues a new one. */
  expireTicket(input?: { appid?: string; type?: TicketType }): { expired: boolean }
  approveCard(input: { cardId: string }): CardSnapshot
  rejectCard(input: { cardId: string; reason?: string }): CardSnapshot
  card(input: { cardId: string }): CardSnapshot | null
  cards(): CardSnapshot[]
  code(input: { cardId: string; code: string }): CodeSnapshot | null
  codes(input?: { cardId?: string; openid?: string }): CodeSnapshot[]
  /** Puts a code in any state (GIFTING, DELETE ...) to test how callers cope. */
  setCodeStatus(input: { cardId: string; code: string; status: Exclude<UserCardStatus, 'EXPIRE'> }): CodeSnapshot
  whitelist(input?: { appid?: string }): { openid: string[]; username: string[] }
  setIpWhitelist(input: { allowedIps: string[] | 'any' }): null
  /** Judge every request as coming from this IP (null: the real address). */
  setCallerIp(input: { ip: string | null }): null
  network(): { allowedIps: string[] | 'any'; callerIp: string | null }
  now(): number
  advanceClock(input: { ms: number }): number
  setClock(input: { ms: number }): number
  limits(): SimulatorLimits
  setLimits(input: Partial<SimulatorLimits>): SimulatorLimits
  subscribeMessages(input?: { touser?: string }): SubscribeMessage[]
  /**
   * Adds a subscribe-message template to the account (or replaces the one with that id): sends
   * with it are then checked against its keywords. `keywords` maps each key to its type, e.g.
   * `{thing1: 'thing', time2: 'time'}`. The development templates (devTemplates.ts) are always there
   * after start and reset.
   */
  defineTemplate(input: { id: string; title: string; keywords: Record<string, string> }): SubscribeTemplate
  /** The account's subscribe-message templates. */
  templates(): SubscribeTemplate[]
  /** The event pushes WeChat would have sent (user_get_card, card_pass_check ...). */
  events(input?: { event?: string; cardId?: string }): CardEvent[]
  /**
   * A cloud call (`cloud.openapi.<apiName>`), which needs no access_token: for the CloudBase
   * emulator to forward wx.openApi requests. Answers WeChat's JSON, errors included.
   */
  cloudCall(input: { apiName: string; appid?: string; params: JsonObject }): JsonObject
  /** Forgets everything: tokens, cards, codes, faults, counters, clock offset. */
  reset(): null
}

export type ControlMethod = keyof SimulatorControl

export const CONTROL_METHODS: readonly ControlMethod[] = [
  'counters', 'resetCounters', 'setFault', 'scriptFaults', 'setLatency', 'clearFaults', 'faults',
  'rotateAccessToken', 'invalidateAccessToken', 'accessTokens', 'currentTicket', 'expireTicket',
  'approveCard', 'rejectCard', 'card', 'cards', 'code', 'codes', 'setCodeStatus', 'whitelist',
  'setIpWhitelist', 'setCallerIp', 'network', 'now', 'advanceClock', 'setClock', 'limits', 'setLimits',
  'subscribeMessages', 'defineTemplate', 'templates', 'events', 'cloudCall', 'reset',
]

/**
 * The cloud calls the simulator serves, each with the HTTP endpoint whose counters, faults and
 * latency it shares: on WeChat's side a cloud call is the same API, only without the token.
 */
export const CLOUD_CALL_ENDPOINTS: Readonly<Record<string, string>> = {
  'subscribeMessage.send': '/cgi-bin/message/subscribe/send',
}

/** The latency injected on the endpoint a cloud call stands for (0 for an API not served). */
export function cloudCallLatencyMs(state: SimulatorState, apiName: unknown): number {
  const endpoint = typeof apiName === 'string' && Object.hasOwn(CLOUD_CALL_ENDPOINTS, apiName) ? CLOUD_CALL_ENDPOINTS[apiName] : undefined
  return endpoint === undefined ? 0 : state.faults.latencyFor(endpoint, true)
}

/** Bad control input: answered 400 over HTTP, thrown in process. */
export class ControlError extends Error {
  override name = 'ControlError'
}

function need(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ControlError(message)
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== ''
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const optional = <T>(v: unknown, check: (x: unknown) => x is T, message: string): T | undefined => {
  need(v === undefined || check(v), message)
  return v as T | undefined
}

/** Builds the control over a simulator's state. */
export function createControl(state: SimulatorState): SimulatorControl {
  const now = () => state.clock.now()
  const appidOf = (appid: unknown): string => {
    const value = optional(appid, isString, 'appid must be a string') ?? state.accounts.defaultAppid
    need(state.accounts.has(value), `unknown appid ${value}; the simulator knows ${state.accounts.list().join(', ')}`)
    return value
  }
  const endpointOf = (endpoint: unknown) => optional(endpoint, isString, 'endpoint must be a path such as /cgi-bin/stable_token, or "*"') ?? ALL_ENDPOINTS
  const ticketTypeOf = (type: unknown): TicketType => {
    need(type === undefined || type === 'wx_card' || type === 'jsapi', 'type must be wx_card or jsapi')
    return (type as TicketType | undefined) ?? 'wx_card'
  }
  const cardOf = (cardId: unknown): CardRecord => {
    need(isString(cardId), 'cardId must be a string')
    const card = state.cards.find(cardId, now())
    need(card !== null, `no card ${cardId}`)
    return card
  }
  const cardSnapshot = (card: CardRecord): CardSnapshot => ({
    cardId: card.cardId,
    appid: card.appid,
    cardType: card.cardType,
    status: card.status,
    quantity: card.quantity,
    totalQuantity: card.totalQuantity,
    useCustomCode: card.useCustomCode,
    bindOpenid: card.bindOpenid,
    getLimit: card.getLimit,
    refuseReason: card.refuseReason,
    createdAt: card.createdAt,
    updatedAt: card.updatedAt,
    wire: state.cards.toWire(card),
  })
  const codeSnapshot = (record: CodeRecord): CodeSnapshot => {
    const card = state.cards.find(record.cardId, now()) as CardRecord
    return { ...record, seat: record.seat ? { ...record.seat } : null, userCardStatus: state.codes.statusOf(record, card, now()) }
  }

  return {
    counters: () => state.counters.snapshot(),
    resetCounters(input = {}) {
      state.counters.reset(optional(input.endpoint, isString, 'endpoint must be a string'))
      return null
    },
    setFault(input) {
      need(isNumber(input?.errcode) && isNumber(input.rate), 'setFault needs {errcode, rate}')
      const seed = optional(input.seed, isNumber, 'seed must be a number')
      wrap(() => state.faults.setRate(endpointOf(input.endpoint), input.errcode, input.rate, seed))
      return null
    },
    scriptFaults(input) {
      need(Array.isArray(input?.errcodes) && input.errcodes.every(isNumber), 'scriptFaults needs {errcodes: number[]}')
      wrap(() => state.faults.script(endpointOf(input.endpoint), input.errcodes))
      return null
    },
    setLatency(input) {
      need(isNumber(input?.ms), 'setLatency needs {ms}')
      wrap(() => state.faults.setLatency(endpointOf(input.endpoint), input.ms))
      return null
    },
    clearFaults(input = {}) {
      state.faults.clear(optional(input.endpoint, isString, 'endpoint must be a string'))
      return null
    },
    faults: () => state.faults.snapshot(),
    rotateAccessToken(input = {}) {
      const kind = input.kind ?? 'stable'
      need(kind === 'stable' || kind === 'classic', 'kind must be stable or classic')
      return state.tokens.rotate(appidOf(input.appid), kind, input.immediate === true, now())
    },
    invalidateAccessToken(input = {}) {
      const token = optional(input.token, isString, 'token must be a string')
      return { invalidated: state.tokens.invalidate(now(), token === undefined ? { appid: appidOf(input.appid) } : { token }) }
    },
    accessTokens: (input = {}) => state.tokens.snapshot(now(), input.appid === undefined ? undefined : appidOf(input.appid)),
    currentTicket(input = {}) {
      const ticket = state.tickets.current(appidOf(input.appid), ticketTypeOf(input.type), now())
      return ticket ? { ...ticket } : null
    },
    expireTicket: (input = {}) => ({ expired: state.tickets.expire(appidOf(input.appid), ticketTypeOf(input.type), now()) }),
    approveCard(input) {
      const card = cardOf(input?.cardId)
      state.cards.review(card, true, now())
      return cardSnapshot(card)
    },
    rejectCard(input) {
      const card = cardOf(input?.cardId)
      state.cards.review(card, false, now(), optional(input.reason, isString, 'reason must be a string'))
      return cardSnapshot(card)
    },
    card(input) {
      need(isString(input?.cardId), 'cardId must be a string')
      const card = state.cards.find(input.cardId, now())
      return card ? cardSnapshot(card) : null
    },
    cards: () => state.cards.list(now()).map(cardSnapshot),
    code(input) {
      need(isString(input?.cardId) && isString(input.code), 'code needs {cardId, code}')
      const record = state.codes.get(input.cardId, input.code)
      return record ? codeSnapshot(record) : null
    },
    codes(input = {}) {
      const filter = { cardId: optional(input.cardId, isString, 'cardId must be a string'), openid: optional(input.openid, isString, 'openid must be a string') }
      return state.codes.list(filter).map(codeSnapshot)
    },
    setCodeStatus(input) {
      need(isString(input?.cardId) && isString(input.code), 'setCodeStatus needs {cardId, code, status}')
      const status: string = input.status
      need(USER_CARD_STATUSES.includes(status as UserCardStatus) && status !== 'EXPIRE', `status must be one of ${USER_CARD_STATUSES.filter((s) => s !== 'EXPIRE').join(', ')} (EXPIRE follows the card's dates)`)
      const record = state.codes.get(input.cardId, input.code)
      need(record !== null, `no code ${input.code} on card ${input.cardId}`)
      record.status = input.status
      return codeSnapshot(record)
    },
    whitelist: (input = {}) => state.cards.whitelistOf(appidOf(input.appid)),
    setIpWhitelist(input) {
      need(input?.allowedIps === 'any' || (Array.isArray(input?.allowedIps) && input.allowedIps.every(isString)), 'allowedIps must be "any" or an array of IP addresses')
      wrap(() => state.network.setAllowed(input.allowedIps))
      return null
    },
    setCallerIp(input) {
      need(input?.ip === null || isString(input?.ip), 'ip must be an IP address or null')
      wrap(() => state.network.setCallerIp(input.ip))
      return null
    },
    network: () => state.network.snapshot(),
    now,
    advanceClock(input) {
      need(isNumber(input?.ms), 'advanceClock needs {ms}')
      return state.clock.advance(input.ms)
    },
    setClock(input) {
      need(isNumber(input?.ms), 'setClock needs {ms} (epoch milliseconds)')
      return state.clock.set(input.ms)
    },
    limits: () => ({ ...state.limits }),
    setLimits(input) {
      need(isObject(input), 'setLimits needs an object of limits')
      for (const [key, value] of Object.entries(input)) {
        need(key in DEFAULT_LIMITS, `unknown limit ${key}; limits are ${Object.keys(DEFAULT_LIMITS).join(', ')}`)
        need(isNumber(value) && value >= 0, `${key} must be a non-negative number`)
      }
      state.limits = { ...state.limits, ...input }
      return { ...state.limits }
    },
    subscribeMessages: (input = {}) => state.outbox.list({ touser: optional(input.touser, isString, 'touser must be a string') }),
    events: (input = {}) => state.events.list({ event: optional(input.event, isString, 'event must be a string'), cardId: optional(input.cardId, isString, 'cardId must be a string') }),
    defineTemplate(input) {
      try {
        return state.templates.define(input)
      } catch (err) {
        throw new ControlError((err as Error).message)
      }
    },
    templates: () => state.templates.list(),
    cloudCall(input) {
      need(isString(input?.apiName) && isObject(input.params), 'cloudCall needs {apiName, params}')
      const endpoint = Object.hasOwn(CLOUD_CALL_ENDPOINTS, input.apiName) ? CLOUD_CALL_ENDPOINTS[input.apiName] : undefined
      need(endpoint !== undefined, `the simulator serves only the cloud calls ${Object.keys(CLOUD_CALL_ENDPOINTS).join(', ')}, not ${input.apiName}`)
      // Resolved before counting: a bad control argument is not a call WeChat would have seen.
      const appid = appidOf(input.appid)
      const at = now()
      state.counters.call(endpoint)
      let reply: JsonObject
      try {
        const injected = state.faults.draw(endpoint, true)
        if (injected !== null) throw new WxError(injected)
        reply = { errcode: 0, errmsg: 'ok', msgid: state.outbox.send(appid, input.params, at) }
      } catch (err) {
        if (!(err instanceof WxError)) throw err
        reply = errorBody(err, at)
      }
      state.counters.outcome(endpoint, reply.errcode as number)
      return reply
    },
    reset() {
      state.reset()
      return null
    },
  }
}

function wrap(action: () => void): void {
  try {
    action()
  } catch (err) {
    throw new ControlError((err as Error).message)
  }
}
