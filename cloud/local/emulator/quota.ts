/**
 * The quota of a CloudBase environment's plan, as the database enforces it (off unless asked for):
 * database requests per second, requests in flight at once, and reads and writes per natural day.
 *
 * Sources (docs/cloudbase-facts.md, "Quotas and limits"):
 * - WeChat's quota page, basic plan of its time (developers.weixin.qq.com/miniprogram/dev/wxcloud/
 *   basis/concepts/quota.html): database 30 QPS, 20 concurrent connections, 50,000 reads and
 *   30,000 writes a day. Higher plans raise each figure; their database figures are not in the
 *   sources we hold, so no preset pretends to know them (set them with EMULATOR_DB_*).
 * - WeChat's over-limit rules (.../wxcloud/billing/expiration-rule.html): over the daily reads or
 *   writes "在当前自然日内将无法使用资源" (unusable for the rest of the natural day); over the
 *   concurrent connections "后续的连接都将被拒，直到某些现有连接关闭为止" (refused until others close).
 * - WeChat's error codes (.../wxcloud/reference/errcode.html): -501003 请求次数超出环境配额,
 *   -501004 请求并发数超出环境配额, -501015 读请求次数配额耗尽, -501016 写请求次数配额耗尽.
 *   CloudBase names the rate refusal EXCEED_RATELIMIT (docs.cloudbase.net/error-code) and
 *   wx-server-sdk 4.0.2 maps EXCEED_REQUEST_LIMIT / EXCEED_CONCURRENT_REQUEST_LIMIT to -501003 /
 *   -501004 (its TCB_ERR_CODE): the emulator answers those two, so functions see the numbers.
 *
 * Modelling choices (unverified on CloudBase, each the plainer or the stricter reading):
 * - The rate is a sliding window of one second over admitted database requests; a refused request
 *   takes no place in it (nor in any other count).
 * - A request is in flight from its arrival at the emulator to its reply leaving, the simulated
 *   latency included (EMULATOR_LATENCY_MS), a transaction's lock wait too.
 * - Reads: get (doc and where, inside transactions too), count, aggregate. Writes: insert, update,
 *   remove (doc and where, inside transactions too), one per request, except a batch insert,
 *   which counts one per document (how CloudBase meters it is undocumented: the stricter
 *   reading). A request is counted when admitted, whatever its outcome. Once the day's count
 *   has reached the limit, that kind is refused until 00:00 China time (UTC+8); a batch crossing
 *   the limit is still admitted.
 * - startTransaction, commit, abort and addCollection count toward the rate and connections only.
 * - Only `database.*` actions count: cloud calls (`wx.openApi`), `callFunction` and `GET /health`
 *   are not database requests. The admin key is not exempt: scripts (`event:import`, `ops`) use
 *   the same SDK and credentials as functions and, on CloudBase, the same environment's quota.
 * - wx-server-sdk 4.0.2 has no reply code for -501015/-501016 in its TCB_ERR_CODE table, so any
 *   code CloudBase might send for them reaches a function as errCode -501001; the emulator sends
 *   DATABASE_READ_QUOTA_EXHAUSTED / DATABASE_WRITE_QUOTA_EXHAUSTED (its own names: CloudBase's are
 *   undocumented) with the number in the message. Detect a daily refusal by -501015/-501016 in errMsg.
 */
import type { WireRequest } from './actions'
import { CloudBaseError, ReplyCode } from './errors'

export interface QuotaLimits {
  /** Database requests admitted per second (sliding window). */
  qps?: number
  /** Database requests in flight at once. */
  connections?: number
  /** Reads per natural day, China time. */
  readsPerDay?: number
  /** Writes per natural day, China time. */
  writesPerDay?: number
}

/** Plans with sourced figures (see the header). */
export const QUOTA_PRESETS = {
  /** WeChat's quota page, basic plan (基础版) of its time: database 30 QPS, 20 connections, 50,000 reads and 30,000 writes a day. */
  basic: { qps: 30, connections: 20, readsPerDay: 50_000, writesPerDay: 30_000 },
} as const satisfies Record<string, Required<QuotaLimits>>

export type QuotaPreset = keyof typeof QUOTA_PRESETS

/** startEmulator's `quota`: a preset's name, or figures (each over the preset's when one is named). */
export type QuotaOption = QuotaPreset | (QuotaLimits & { preset?: QuotaPreset })

export const QUOTA_FIGURES = ['qps', 'connections', 'readsPerDay', 'writesPerDay'] as const
export const MAX_QUOTA_FIGURE = 1_000_000_000

export function isQuotaPreset(name: string): name is QuotaPreset {
  return Object.prototype.hasOwnProperty.call(QUOTA_PRESETS, name)
}

/** The limits an option sets (undefined: no quota); a bad preset or figure throws, naming it. */
export function resolveQuota(option: QuotaOption | undefined): QuotaLimits | undefined {
  if (option === undefined) return undefined
  const { preset, ...figures } = typeof option === 'string' ? { preset: option } : option
  if (preset !== undefined && !isQuotaPreset(preset)) throw new Error(`quota preset must be one of: ${Object.keys(QUOTA_PRESETS).join(', ')} (got "${String(preset)}")`)
  const limits: QuotaLimits = { ...(preset ? QUOTA_PRESETS[preset] : {}) }
  for (const name of QUOTA_FIGURES) {
    const value = (figures as QuotaLimits)[name]
    if (value === undefined) continue
    if (!Number.isInteger(value) || value < 1 || value > MAX_QUOTA_FIGURE) throw new Error(`quota ${name} must be a whole number from 1 to ${MAX_QUOTA_FIGURE} (got ${value})`)
    limits[name] = value
  }
  return limits
}

type Kind = 'read' | 'write' | 'other'

const READS = new Set(['database.getDocument', 'database.calculateDocument', 'database.aggregateDocuments'])
const WRITES = new Set(['database.insertDocument', 'database.modifyDocument', 'database.removeDocument'])

function kindOf(action: string): Kind | undefined {
  if (!action.startsWith('database.')) return undefined
  return READS.has(action) ? 'read' : WRITES.has(action) ? 'write' : 'other'
}

/** The natural day, China time (UTC+8, no daylight saving), as a day number. */
function chinaDay(ms: number): number {
  return Math.floor((ms + 8 * 3_600_000) / 86_400_000)
}

export interface Admission {
  /** Set when the request is refused; it then holds nothing. */
  error?: CloudBaseError
  /** Frees the request's connection once its reply has left (idempotent). */
  release(): void
}

export interface QuotaStatus {
  limits: QuotaLimits
  /** Database requests in flight now. */
  inFlight: number
  /** Database requests admitted in the last second. */
  lastSecond: number
  readsToday: number
  writesToday: number
  /** The natural day (China time) the counts belong to, `YYYY-MM-DD`. */
  day: string
}

const NOTHING_HELD: Admission = { release: () => undefined }

function quotaError(code: ReplyCode, number: number, text: string, detail: string): CloudBaseError {
  return new CloudBaseError(code, `[LimitExceeded] ${number} ${text}: ${detail}`)
}

export class QuotaGate {
  private inFlight = 0
  /** Arrival times of admitted requests within the last second, oldest first. */
  private readonly arrivals: number[] = []
  private arrivalsHead = 0
  private day: number
  private reads = 0
  private writes = 0

  constructor(
    readonly limits: QuotaLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.day = chinaDay(now())
  }

  /** Decides a request at its arrival; an admitted one holds a connection until released. */
  admit(action: string, request: WireRequest): Admission {
    const kind = kindOf(action)
    if (kind === undefined) return NOTHING_HELD
    const now = this.now()
    this.rollDay(now)
    const { qps, connections, readsPerDay, writesPerDay } = this.limits
    if (connections !== undefined && this.inFlight >= connections) {
      return {
        ...NOTHING_HELD,
        error: quotaError(
          ReplyCode.EXCEED_CONCURRENT_REQUEST_LIMIT,
          -501004,
          '请求并发数超出环境配额 (concurrent requests over the environment quota)',
          `${this.inFlight} database requests are in flight and the plan allows ${connections} (EMULATOR_DB_CONNECTIONS); retry once others finish`,
        ),
      }
    }
    if (qps !== undefined && this.inLastSecond(now) >= qps) {
      return {
        ...NOTHING_HELD,
        error: quotaError(
          ReplyCode.EXCEED_REQUEST_LIMIT,
          -501003,
          '请求次数超出环境配额 (requests over the environment quota)',
          `the plan allows ${qps} database requests per second (EMULATOR_DB_QPS); retry after a short wait`,
        ),
      }
    }
    if (kind === 'read' && readsPerDay !== undefined && this.reads >= readsPerDay) {
      return {
        ...NOTHING_HELD,
        error: quotaError(
          ReplyCode.READ_QUOTA_EXHAUSTED,
          -501015,
          '读请求次数配额耗尽 (daily read quota exhausted)',
          `${this.reads} database reads today, the plan allows ${readsPerDay} (EMULATOR_DB_READS_PER_DAY); reads are refused until 00:00 China time (UTC+8)`,
        ),
      }
    }
    if (kind === 'write' && writesPerDay !== undefined && this.writes >= writesPerDay) {
      return {
        ...NOTHING_HELD,
        error: quotaError(
          ReplyCode.WRITE_QUOTA_EXHAUSTED,
          -501016,
          '写请求次数配额耗尽 (daily write quota exhausted)',
          `${this.writes} database writes today, the plan allows ${writesPerDay} (EMULATOR_DB_WRITES_PER_DAY); writes are refused until 00:00 China time (UTC+8)`,
        ),
      }
    }
    if (kind === 'read') this.reads += 1
    if (kind === 'write') this.writes += action === 'database.insertDocument' && Array.isArray(request.data) ? Math.max(1, request.data.length) : 1
    if (qps !== undefined) this.arrivals.push(now)
    this.inFlight += 1
    let held = true
    return {
      release: () => {
        if (!held) return
        held = false
        this.inFlight -= 1
      },
    }
  }

  status(): QuotaStatus {
    const now = this.now()
    this.rollDay(now)
    const date = new Date(this.day * 86_400_000).toISOString().slice(0, 10)
    return { limits: { ...this.limits }, inFlight: this.inFlight, lastSecond: this.inLastSecond(now), readsToday: this.reads, writesToday: this.writes, day: date }
  }

  private inLastSecond(now: number): number {
    while (this.arrivalsHead < this.arrivals.length && this.arrivals[this.arrivalsHead] <= now - 1000) this.arrivalsHead += 1
    if (this.arrivalsHead > 1024 && this.arrivalsHead * 2 > this.arrivals.length) {
      this.arrivals.splice(0, this.arrivalsHead)
      this.arrivalsHead = 0
    }
    return this.arrivals.length - this.arrivalsHead
  }

  private rollDay(now: number): void {
    const day = chinaDay(now)
    if (day === this.day) return
    this.day = day
    this.reads = 0
    this.writes = 0
  }
}
