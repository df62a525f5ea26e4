import type { EmulatorCredentials } from '../emulator/credentials'
import { nextFireTime } from './cron'
import type { FunctionDefinition } from './functions'
import { FunctionPool, type PoolStats } from './pool'
import type { InvocationIdentity } from './protocol'

export interface RuntimeOptions {
  functions: FunctionDefinition[]
  /** The emulator's admin URL, where wx-server-sdk sends database calls. */
  adminUrl: string
  /**
   * The emulator's credentials, which functions sign their calls with (CloudBase gives functions
   * their keys the same way). Without them any database call fails: the SDK has no secret to sign with.
   */
  credentials?: EmulatorCredentials
  /** CloudBase environment id the functions see (SCF_NAMESPACE / TCB_ENV). */
  envId?: string
  /** Per function, the most instances running at once (CloudBase scales to 1000; we cap locally). */
  maxInstances?: number
  /**
   * An instance idle for longer than this many ms is stopped, and the next call starts a new one
   * cold, as CloudBase recycles idle instances (default DEFAULT_INSTANCE_IDLE_MS; 0 keeps them for
   * the runtime's life). main.ts reads RUNTIME_INSTANCE_IDLE_MS.
   */
  idleMs?: number
  /** Variables every function gets, as set per function in the console or cloudbaserc.json. */
  functionEnv?: Record<string, string>
  /** Fire timer triggers on their schedule; tests usually fire them on demand instead. */
  timers?: boolean
  /** Called after each scheduled timer run; by default failures are logged. */
  onTimerRun?: (run: TimerRun) => void
}

export interface TimerRun {
  functionName: string
  trigger: string
  ok: boolean
  result?: unknown
  error?: unknown
}

export const DEFAULT_MAX_INSTANCES = 4
/**
 * 5 minutes: Tencent Cloud SCF (which runs CloudBase functions) destroys an idle pay-as-you-go
 * instance after "usually 3 to 5 minutes" (tencentcloud.com/document/product/583/69578; the
 * CloudBase figure is unverified). Locally, an instance costs about 130 MB: after a rush the memory
 * comes back within 5 minutes, and a call after a longer pause meets a cold start as in production.
 */
export const DEFAULT_INSTANCE_IDLE_MS = 5 * 60_000
export const DEFAULT_ENV_ID = 'local-dev'

/** The environment wx-server-sdk needs to talk to the local emulator instead of Tencent. */
export function sdkEnvironment(adminUrl: string, envId: string, credentials?: EmulatorCredentials): Record<string, string> {
  return {
    TCB_CONTEXT_CNFG: JSON.stringify({ URL: adminUrl }),
    ...(credentials ? { TENCENTCLOUD_SECRETID: credentials.secretId, TENCENTCLOUD_SECRETKEY: credentials.secretKey } : {}),
    TENCENTCLOUD_RUNENV: 'SCF',
    TENCENTCLOUD_REGION: 'ap-shanghai',
    SCF_NAMESPACE: envId,
    TCB_ENV: envId,
    SILENCE: 'true',
  }
}

/** Strips what a developer's shell may carry that a CloudBase function would never see. */
function baseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'NODE_OPTIONS', 'TZ']) {
    if (process.env[key] !== undefined) env[key] = process.env[key]
  }
  return env
}

/** The local CloudBase function runtime: a pool per function, invocations, and timer triggers. */
export class Runtime {
  private readonly pools = new Map<string, FunctionPool>()
  private readonly timerHandles = new Map<string, NodeJS.Timeout>()
  private closed = false

  constructor(private readonly options: RuntimeOptions) {
    const envId = options.envId ?? DEFAULT_ENV_ID
    const env = { ...baseEnvironment(), ...sdkEnvironment(options.adminUrl, envId, options.credentials), ...options.functionEnv }
    for (const definition of options.functions) {
      this.pools.set(definition.name, new FunctionPool(definition, env, options.maxInstances ?? DEFAULT_MAX_INSTANCES, options.idleMs ?? DEFAULT_INSTANCE_IDLE_MS))
    }
    if (options.timers) this.scheduleTimers()
  }

  has(name: string): boolean {
    return this.pools.has(name)
  }

  functionNames(): string[] {
    return [...this.pools.keys()]
  }

  /** Runs one invocation on a free (or new) instance of the function. */
  invoke(name: string, event: unknown, identity: InvocationIdentity): Promise<unknown> {
    const pool = this.pools.get(name)
    if (!pool) return Promise.reject(new Error(`no function named "${name}"`))
    return pool.invoke(event, identity)
  }

  /**
   * Fires a function's timer trigger now, with the event and identity CloudBase gives a timer.
   * `at` is the trigger time the event carries (default now): tests fire a timer "at" a moment.
   */
  fireTimer(name: string, triggerName?: string, at: Date = new Date()): Promise<unknown> {
    const pool = this.pools.get(name)
    if (!pool) return Promise.reject(new Error(`no function named "${name}"`))
    const trigger = triggerName ?? pool.definition.timers[0]?.name
    if (!trigger) return Promise.reject(new Error(`function "${name}" declares no timer trigger`))
    return pool.invoke({ Type: 'Timer', TriggerName: trigger, Time: at.toISOString() }, { source: 'wx_trigger' })
  }

  stats(name: string): PoolStats | undefined {
    return this.pools.get(name)?.stats()
  }

  async close(): Promise<void> {
    this.closed = true
    for (const handle of this.timerHandles.values()) clearTimeout(handle)
    await Promise.all([...this.pools.values()].map((pool) => pool.close()))
  }

  private scheduleTimers(): void {
    for (const pool of this.pools.values()) {
      for (const timer of pool.definition.timers) {
        const arm = () => {
          if (this.closed) return
          const at = nextFireTime(timer.schedule, Date.now())
          if (at === null) return
          // setTimeout caps near 24.8 days; re-arm in steps for schedules further out.
          const delay = Math.min(at - Date.now(), 2 ** 31 - 1)
          const handle = setTimeout(() => {
            if (Date.now() + 5 < at) return arm()
            const run = { functionName: pool.definition.name, trigger: timer.name }
            const report = this.options.onTimerRun ?? logTimerFailure
            this.fireTimer(run.functionName, run.trigger)
              .then(
                (result) => report({ ...run, ok: true, result }),
                (error: unknown) => report({ ...run, ok: false, error }),
              )
              .finally(arm)
          }, Math.max(0, delay))
          handle.unref()
          this.timerHandles.set(`${pool.definition.name}/${timer.name}`, handle)
        }
        arm()
      }
    }
  }
}

function logTimerFailure(run: TimerRun): void {
  if (run.ok) return
  const reason = run.error instanceof Error ? run.error.message : String(run.error)
  console.error(`timer ${run.functionName}/${run.trigger} failed: ${reason}`)
}
