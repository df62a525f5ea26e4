/**
 * The simulator's state file: what a restart must not forget for the product to keep working
 * (WeChat itself never forgets a token, a ticket or a card because a server restarted). Tokens
 * and api_tickets (the functions keep theirs in the database across a restart), cards, the test
 * whitelist, codes in card packs, the key of the encrypted codes, uploaded logos, used cardExt
 * nonces, subscribe templates, and the recorded events and messages.
 *
 * Not kept: counters, faults, latency, the clock offset, quotas, limits and the IP whitelist
 * settings: test controls, which a restart resets as before.
 *
 * Handlers stay synchronous and free of disk I/O: a change only marks the state dirty; the file is
 * written at most every WRITE_DELAY_MS, atomically (a fresh temporary file created with mode 0600
 * and flag 'wx', then renamed over the old one), and once more, synchronously, on close. A crash
 * loses at most the last WRITE_DELAY_MS of changes.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import path from 'node:path'
import type { PersistedCards } from './cards'
import type { CodeRecord } from './codes'
import type { CardEvent } from './events'
import { isObject } from './fields'
import type { SimulatorState } from './state'
import type { SubscribeMessage } from './subscribe'
import type { SubscribeTemplate } from './subscribeTemplates'
import type { TicketRecord } from './tickets'
import type { PersistedTokens } from './tokens'

export const STATE_FILE_VERSION = 1
/** Beside the emulator's data file: `.data/cloudbase.sqlite` → `.data/wechat-sim.json`. */
export const STATE_FILE_NAME = 'wechat-sim.json'
export const WRITE_DELAY_MS = 100

/** The state file beside a CloudBase emulator data file. */
export function stateFileBeside(emulatorDataFile: string): string {
  return path.join(path.dirname(emulatorDataFile), STATE_FILE_NAME)
}

export interface PersistedState {
  version: typeof STATE_FILE_VERSION
  tokens: PersistedTokens
  tickets: TicketRecord[]
  cards: PersistedCards
  codes: CodeRecord[]
  cipherKey: string
  media: ReturnType<SimulatorState['media']['dump']>
  nonces: Record<string, string[]>
  templates: SubscribeTemplate[]
  events: CardEvent[]
  outbox: { messages: SubscribeMessage[]; nextMsgid: number }
}

export function snapshotState(state: SimulatorState): PersistedState {
  return {
    version: STATE_FILE_VERSION,
    tokens: state.tokens.dump(),
    tickets: state.tickets.dump(),
    cards: state.cards.dump(),
    codes: state.codes.dump(),
    cipherKey: state.cipher.dump(),
    media: state.media.dump(),
    nonces: state.nonces.dump(),
    templates: state.templates.dump(),
    events: state.events.dump(),
    outbox: state.outbox.dump(),
  }
}

export function restoreState(state: SimulatorState, saved: PersistedState): void {
  state.tokens.restore(saved.tokens)
  state.tickets.restore(saved.tickets)
  state.cards.restore(saved.cards)
  state.codes.restore(saved.codes)
  state.cipher.restore(saved.cipherKey)
  state.media.restore(saved.media)
  state.nonces.restore(saved.nonces)
  state.templates.restore(saved.templates)
  state.events.restore(saved.events)
  state.outbox.restore(saved.outbox)
}

const PARTS = ['tokens', 'tickets', 'cards', 'codes', 'cipherKey', 'media', 'nonces', 'templates', 'events', 'outbox'] as const

/** Reads a state file; null when there is none. A file that is not ours throws, naming it. */
export function readStateFile(file: string): PersistedState | null {
  if (!existsSync(file)) return null
  const fail = (why: string): never => {
    throw new Error(`the WeChat simulator's state file ${file} ${why}; move it away (or delete it) to start with a fresh simulator`)
  }
  // Written 0600 from creation; tighten a file left wider by anything else (it holds tokens and keys).
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
  let saved: unknown
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    return fail(`is not valid JSON (${(err as Error).message})`)
  }
  if (!isObject(saved) || saved.version !== STATE_FILE_VERSION) return fail(`is not a version ${STATE_FILE_VERSION} simulator state`)
  const missing = PARTS.filter((part) => saved[part] === undefined)
  if (missing.length > 0) fail(`lacks ${missing.join(', ')}`)
  return saved as unknown as PersistedState
}

function tempName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
}

/** Writes the file atomically: a new temporary file, private from creation (0600, 'wx'), renamed over it. */
export function writeStateFileSync(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const temp = tempName(file)
  const fd = openSync(temp, 'wx', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } catch (err) {
    closeSync(fd)
    unlinkSync(temp)
    throw err
  }
  closeSync(fd)
  renameSync(temp, file)
}

async function writeStateFile(file: string, text: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const temp = tempName(file)
  const handle = await open(temp, 'wx', 0o600)
  try {
    await handle.writeFile(text, 'utf8')
    await handle.sync()
  } catch (err) {
    await handle.close()
    await unlink(temp).catch(() => undefined)
    throw err
  }
  await handle.close()
  await rename(temp, file)
}

/**
 * Keeps the state file in step with the state: `changed()` after anything that may have changed
 * it (cheap: a timer at most), `close()` for the last write.
 */
export class StateWriter {
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> | null = null
  private lastText: string | null = null
  private closed = false

  constructor(
    private readonly file: string,
    private readonly state: SimulatorState,
    private readonly log: (line: string) => void,
  ) {}

  /** Writes the state now, synchronously (at start, so the file exists from then on, and on close). */
  writeNow(): void {
    const text = this.text()
    if (text === this.lastText) return
    writeStateFileSync(this.file, text)
    this.lastText = text
  }

  changed(): void {
    if (this.closed || this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.flush()
    }, WRITE_DELAY_MS)
    this.timer.unref()
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    await this.writing
    this.writeNow()
  }

  private async flush(): Promise<void> {
    if (this.writing) {
      // One write at a time; the one running may have missed this change.
      await this.writing
      return this.changed()
    }
    const text = this.text()
    if (text === this.lastText) return
    this.writing = writeStateFile(this.file, text).then(
      () => {
        this.lastText = text
      },
      (err: unknown) => this.log(`wechat simulator: cannot write its state file ${this.file}: ${(err as Error)?.message ?? String(err)}`),
    )
    await this.writing
    this.writing = null
  }

  /** The file's text; an unchanged state gives the same text and is not written again. */
  private text(): string {
    return JSON.stringify(snapshotState(this.state))
  }
}
