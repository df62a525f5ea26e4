/**
 * A local WeChat for TicketCard: the Official Account HTTP APIs (tokens, card api_ticket, cards,
 * codes, image upload, subscribe messages) with WeChat's rules and error codes, plus a wallet
 * endpoint that does what the WeChat client does on wx.addCard / wx.openCard. See README.md.
 */
import type { AddressInfo } from 'node:net'
import { DEFAULT_ACCOUNT, type AccountCredentials } from './accounts'
import { cloudCallLatencyMs, createControl, type SimulatorControl } from './control'
import type { JsonObject } from './fields'
import type { SimulatorLimits } from './limits'
import { createServer } from './server'
import { createState } from './state'
import { readStateFile, restoreState, StateWriter } from './stateFile'

export interface WechatSimulatorOptions {
  /** 0 (default): a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Official Accounts; default one dev account (DEFAULT_ACCOUNT). */
  accounts?: AccountCredentials[]
  /** The IP whitelist; default 'any'. */
  allowedIps?: string[] | 'any'
  /** Millisecond clock, for expiry tests; control can also advance it. */
  now?: () => number
  /** Quotas and windows; WeChat's values by default. */
  limits?: Partial<SimulatorLimits>
  /** When set, a card passes review by itself this long after creation; default: only through control. */
  reviewDelayMs?: number | null
  /** Unexpected failures; default stderr. */
  log?: (line: string) => void
  /**
   * Where the simulator keeps what a restart must not forget (tokens, api_tickets, cards, codes...;
   * see stateFile.ts): loaded at start when present, written (mode 0600, atomically) as it changes
   * and on close. Default: none, everything in memory (tests).
   */
  stateFile?: string
}

export interface WechatSimulator {
  port: number
  /** http://127.0.0.1:PORT: use it as the WeChat API base (in place of https://api.weixin.qq.com). */
  baseUrl: string
  control: SimulatorControl
  /**
   * `control.cloudCall` as WeChat answers it: after the API's injected latency. What the CloudBase
   * emulator calls when it runs in this process (`startEmulator({wechatSimulator: simulator})`).
   */
  cloudCall(input: Parameters<SimulatorControl['cloudCall']>[0]): Promise<JsonObject>
  close(): Promise<void>
}

/** Starts the simulator; resolves once it listens. */
export async function startWechatSimulator(options: WechatSimulatorOptions = {}): Promise<WechatSimulator> {
  const state = createState({
    accounts: options.accounts ?? [DEFAULT_ACCOUNT],
    allowedIps: options.allowedIps ?? 'any',
    now: options.now,
    limits: options.limits,
    reviewDelayMs: options.reviewDelayMs ?? null,
  })
  const log = options.log ?? ((line: string) => console.error(line))
  const writer = options.stateFile === undefined ? null : openStateFile(options.stateFile, state, log)
  const changed = writer ? () => writer.changed() : undefined
  const control = changed ? afterEachCall(createControl(state), changed) : createControl(state)
  const server = createServer({ state, control, log, changed })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? 0, host, backlog: 4096 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    port,
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    control,
    async cloudCall(input) {
      const latency = cloudCallLatencyMs(state, input?.apiName)
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency))
      return control.cloudCall(input)
    },
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
      await writer?.close()
    },
  }
}

/** Loads the state file when there is one, and writes it at once: from now on it exists, private. */
function openStateFile(file: string, state: ReturnType<typeof createState>, log: (line: string) => void): StateWriter {
  const saved = readStateFile(file)
  if (saved) restoreState(state, saved)
  const writer = new StateWriter(file, state, log)
  writer.writeNow()
  return writer
}

/** The control, calling `changed` after every method (a control call may change any part of the state). */
function afterEachCall(control: SimulatorControl, changed: () => void): SimulatorControl {
  const wrapped = {} as Record<string, unknown>
  for (const [name, method] of Object.entries(control) as Array<[string, (input?: unknown) => unknown]>) {
    wrapped[name] = (input?: unknown) => {
      try {
        return method(input)
      } finally {
        changed()
      }
    }
  }
  return wrapped as unknown as SimulatorControl
}

export { DEFAULT_ACCOUNT, type AccountCredentials } from './accounts'
export { cardExtSignature, signCardExt, stringToSign, type CardExtSignedFields } from './signature'
export { connectSimulatorControl, type RemoteSimulatorControl } from './controlClient'
export { CLOUD_CALL_ENDPOINTS, CONTROL_METHODS, ControlError, type CardSnapshot, type CodeSnapshot, type SimulatorControl } from './control'
export { DEFAULT_LIMITS, type SimulatorLimits } from './limits'
export type { EndpointCounter } from './counters'
export type { FaultSnapshot } from './faults'
export type { CardEvent } from './events'
export type { SubscribeMessage } from './subscribe'
export type { SubscribeTemplate } from './subscribeTemplates'
export { DEV_SUBSCRIBE_TEMPLATES, type DevSubscribeTemplate } from './devTemplates'
export { checkSubscribeData, KEYWORD_RULES, KEYWORD_TYPES, keywordTypeOfKey, keywordValueProblem, type KeywordType, type SubscribeDataProblem } from './subscribeRules'
export type { TokenKind, TokenSnapshot } from './tokens'
export type { TicketRecord, TicketType } from './tickets'
export { STATE_FILE_NAME, stateFileBeside } from './stateFile'
