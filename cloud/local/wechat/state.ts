import { Accounts, type AccountCredentials } from './accounts'
import { NonceRegistry } from './cardExt'
import { CardStore } from './cards'
import { Clock } from './clock'
import { CodeCipher } from './codeCipher'
import { CodeStore } from './codes'
import { Counters } from './counters'
import { EventLog } from './events'
import { Faults } from './faults'
import { DEFAULT_LIMITS, type SimulatorLimits } from './limits'
import { MediaStore } from './media'
import { IpWhitelist } from './network'
import { SubscribeOutbox } from './subscribe'
import { SubscribeTemplates } from './subscribeTemplates'
import { ApiTickets } from './tickets'
import { AccessTokens } from './tokens'
import { Wallet } from './wallet'

export interface StateOptions {
  accounts: AccountCredentials[]
  allowedIps: string[] | 'any'
  now?: () => number
  limits?: Partial<SimulatorLimits>
  reviewDelayMs?: number | null
}

/** Everything the simulator remembers, in memory only: handlers stay synchronous and fast. */
export interface SimulatorState {
  clock: Clock
  limits: SimulatorLimits
  accounts: Accounts
  network: IpWhitelist
  tokens: AccessTokens
  tickets: ApiTickets
  cards: CardStore
  codes: CodeStore
  cipher: CodeCipher
  media: MediaStore
  outbox: SubscribeOutbox
  /** Subscribe-message templates; the development ones by default. */
  templates: SubscribeTemplates
  events: EventLog
  nonces: NonceRegistry
  wallet: Wallet
  faults: Faults
  counters: Counters
  /** Back to a fresh start (same accounts and options). */
  reset(): void
}

export function createState(options: StateOptions): SimulatorState {
  const events = new EventLog()
  const clock = new Clock(options.now)
  const limitsOf = () => state.limits
  const cards = new CardStore((card, passed, now) => {
    events.record(card.appid, card.appid, now, passed ? 'card_pass_check' : 'card_not_pass_check', card.cardId, passed ? {} : { RefuseReason: card.refuseReason ?? '' })
  }, options.reviewDelayMs ?? null)
  const codes = new CodeStore(cards)
  const tickets = new ApiTickets(limitsOf)
  const cipher = new CodeCipher()
  const nonces = new NonceRegistry()
  const tokens = new AccessTokens(limitsOf)
  const media = new MediaStore()
  const templates = new SubscribeTemplates()
  const outbox = new SubscribeOutbox(templates)
  const network = new IpWhitelist(options.allowedIps)
  const faults = new Faults()
  const counters = new Counters()
  const state: SimulatorState = {
    clock,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    accounts: new Accounts(options.accounts),
    network,
    tokens,
    tickets,
    cards,
    codes,
    cipher,
    media,
    outbox,
    templates,
    events,
    nonces,
    wallet: new Wallet({ cards, codes, tickets, cipher, events, nonces, limits: limitsOf }),
    faults,
    counters,
    reset() {
      for (const part of [tokens, tickets, cards, codes, media, outbox, templates, events, nonces, counters, clock]) part.reset()
      faults.clear()
      network.setAllowed(options.allowedIps)
      network.setCallerIp(null)
      state.limits = { ...DEFAULT_LIMITS, ...options.limits }
    },
  }
  return state
}
