import { fork, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import type { FunctionDefinition } from './functions'
import { identityProblem, type InstanceMessage, type InvocationIdentity, type SerializedError } from './protocol'

const INSTANCE_ENTRY = path.join(__dirname, 'instance.ts')

/** How an invocation failed, in the terms CloudBase reports. */
export class InvocationError extends Error {
  constructor(
    readonly functionName: string,
    readonly reason: 'error' | 'timeout' | 'crash' | 'load',
    message: string,
    readonly detail?: SerializedError,
  ) {
    super(message)
    this.name = 'InvocationError'
  }
}

interface Pending {
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/** One warm or starting instance: a child process running one invocation at a time. */
class Instance {
  readonly id: number
  readonly child: ChildProcess
  readonly ready: Promise<void>
  busy = false
  invocations = 0
  /** Armed while the instance is idle: stops it once it has stayed idle for the pool's idle time. */
  idleTimer: NodeJS.Timeout | undefined
  private pending = new Map<number, Pending>()
  private nextId = 1
  private exited = false
  private killed = false

  constructor(
    id: number,
    private readonly definition: FunctionDefinition,
    env: NodeJS.ProcessEnv,
    private readonly onExit: (instance: Instance) => void,
  ) {
    this.id = id
    this.child = fork(INSTANCE_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...env,
        TICKETCARD_FUNCTION_ENTRY: definition.entry,
        TICKETCARD_FUNCTION_NAME: definition.name,
        TICKETCARD_FUNCTION_TIMEOUT_MS: String(definition.timeoutMs),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: InstanceMessage) => {
        if (message.type === 'ready') resolve()
        else if (message.type === 'load-failed') {
          reject(new InvocationError(definition.name, 'load', `function ${definition.name} failed to load: ${message.error.message}`, message.error))
        }
      }
      this.child.on('message', onMessage)
      this.child.once('exit', (code, signal) =>
        reject(new InvocationError(definition.name, 'crash', `instance of ${definition.name} exited while starting (${signal ?? code})`)),
      )
    })
    this.ready.catch(() => undefined)
    this.child.on('message', (message: InstanceMessage) => this.settle(message))
    this.child.on('exit', (code, signal) => {
      this.exited = true
      for (const [, pending] of this.pending) {
        clearTimeout(pending.timer)
        pending.reject(new InvocationError(definition.name, 'crash', `instance of ${definition.name} exited during the call (${signal ?? code})`))
      }
      this.pending.clear()
      this.onExit(this)
    })
  }

  /** False from the moment the instance is killed, before its process has actually gone. */
  get alive(): boolean {
    return !this.exited && !this.killed
  }

  invoke(event: unknown, identity: InvocationIdentity): Promise<unknown> {
    const id = this.nextId++
    this.invocations += 1
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        // CloudBase ends an instance that overruns its time limit; its module state goes with it.
        this.kill()
        reject(new InvocationError(this.definition.name, 'timeout', `${this.definition.name} timed out after ${this.definition.timeoutMs} ms`))
      }, this.definition.timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      this.child.send({ type: 'invoke', id, event, identity, requestId: randomUUID() })
    })
  }

  kill(): void {
    this.killed = true
    if (!this.exited) this.child.kill('SIGKILL')
  }

  private settle(message: InstanceMessage): void {
    if (message.type !== 'result') return
    const pending = this.pending.get(message.id)
    if (!pending) return
    this.pending.delete(message.id)
    clearTimeout(pending.timer)
    if (message.ok) pending.resolve(message.value)
    else pending.reject(new InvocationError(this.definition.name, 'error', message.error.message, message.error))
  }
}

export interface PoolStats {
  instancesStarted: number
  instancesAlive: number
  busy: number
  queued: number
  /** Instances stopped after staying idle longer than the idle time. */
  instancesStoppedIdle: number
}

/**
 * CloudBase's scaling model for one function: each instance serves one request at a time; when all
 * are busy a new one starts, up to `maxInstances`; beyond that, requests wait in order. An instance
 * idle for longer than `idleMs` is stopped (its process ends, its module state with it), so the
 * next call starts a new one cold, as CloudBase recycles idle instances (SCF destroys an idle
 * pay-as-you-go instance after "usually 3 to 5 minutes": Tencent Cloud SCF, "Running Instance",
 * tencentcloud.com/document/product/583/69578; unverified for CloudBase). `idleMs` 0 keeps them.
 * A busy instance is never stopped: the idle clock starts when a call ends.
 */
export class FunctionPool {
  private instances: Instance[] = []
  private queue: Array<(instance: Instance) => void> = []
  private started = 0
  private stoppedIdle = 0
  private closed = false

  constructor(
    readonly definition: FunctionDefinition,
    private readonly env: NodeJS.ProcessEnv,
    readonly maxInstances: number,
    readonly idleMs = 0,
  ) {}

  async invoke(event: unknown, identity: InvocationIdentity): Promise<unknown> {
    // Every invocation passes here, the gateway's and in-process ones (tests, tools): an identity
    // the SDK would read as a number never reaches an instance's environment.
    const problem = identityProblem(identity)
    if (problem) throw new Error(`${this.definition.name}: refused identity: ${problem}`)
    if (this.closed) throw new InvocationError(this.definition.name, 'crash', `runtime is shutting down`)
    const instance = await this.acquire()
    try {
      await instance.ready
      return await instance.invoke(event, identity)
    } finally {
      this.release(instance)
    }
  }

  stats(): PoolStats {
    return {
      instancesStarted: this.started,
      instancesAlive: this.instances.length,
      busy: this.instances.filter((i) => i.busy).length,
      queued: this.queue.length,
      instancesStoppedIdle: this.stoppedIdle,
    }
  }

  async close(): Promise<void> {
    this.closed = true
    for (const instance of this.instances) clearTimeout(instance.idleTimer)
    const exits = this.instances.map((instance) => new Promise((resolve) => instance.child.once('exit', resolve)))
    for (const instance of this.instances) instance.kill()
    await Promise.all(exits)
  }

  private acquire(): Promise<Instance> {
    const idle = this.instances.find((instance) => !instance.busy && instance.alive)
    if (idle) {
      clearTimeout(idle.idleTimer)
      idle.idleTimer = undefined
      idle.busy = true
      return Promise.resolve(idle)
    }
    if (this.instances.length < this.maxInstances) {
      const instance = this.spawn()
      instance.busy = true
      return Promise.resolve(instance)
    }
    return new Promise((resolve) => this.queue.push(resolve))
  }

  private release(instance: Instance): void {
    if (!instance.alive) this.forget(instance)
    const next = this.queue.shift()
    if (!next) {
      instance.busy = false
      if (instance.alive) this.armIdleStop(instance)
      return
    }
    if (instance.alive) {
      next(instance)
      return
    }
    // The instance died (crash or timeout): the waiter gets a fresh one.
    const replacement = this.spawn()
    replacement.busy = true
    next(replacement)
  }

  /** Stops the instance once it has stayed idle for idleMs (a call taking it first disarms this). */
  private armIdleStop(instance: Instance): void {
    if (this.idleMs <= 0 || this.closed) return
    clearTimeout(instance.idleTimer)
    instance.idleTimer = setTimeout(() => {
      instance.idleTimer = undefined
      if (instance.busy || !instance.alive || this.closed) return
      this.stoppedIdle += 1
      this.forget(instance)
      instance.kill()
    }, this.idleMs)
    // An idle instance never keeps the runtime's process alive.
    instance.idleTimer.unref()
  }

  private forget(instance: Instance): void {
    this.instances = this.instances.filter((candidate) => candidate !== instance)
  }

  private spawn(): Instance {
    this.started += 1
    const instance = new Instance(this.started, this.definition, this.env, (gone) => this.forget(gone))
    this.instances.push(instance)
    return instance
  }
}
