/**
 * A mini-program logic layer in a V8 context: only the host's globals (see hosts.ts), dynamic code
 * refused, and a module system that loads the built files the way the host's `define`/`require`
 * does, with `require` resolving inside the build folder only.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { BROWSER_ONLY_GLOBALS, COMMON_GLOBALS, type HostModel } from './hosts'

export interface SandboxOptions {
  host: HostModel
  /** Absolute path of the built bundle's root. */
  root: string
  /**
   * app.json's subpackage roots. WeChat's reference rules: a subpackage may require the main
   * package and itself, never another subpackage; the main package never a subpackage.
   */
  subPackageRoots?: string[]
  /** Values of the host globals the caller provides (API object, App, Page, ...). */
  globals: Record<string, unknown>
  /** Receives what a timer callback of the bundle throws (the host reports it, then goes on). */
  onError: (err: unknown) => void
  /** Console the bundle's `console` writes to. */
  console: Pick<Console, 'log' | 'info' | 'warn' | 'error' | 'debug'>
}

interface LoadedModule {
  exports: unknown
}

/** Raised when a file the bundle asks for does not exist in the build. */
export class ModuleNotFound extends Error {}

export class Sandbox {
  readonly context: vm.Context
  /** The sandbox's global object, as code inside sees it. */
  readonly global: Record<string, unknown>
  private readonly modules = new Map<string, LoadedModule>()
  /** Pending timeouts and their due times; intervals are kept apart (they never settle). */
  private readonly timers = new Map<NodeJS.Timeout, number>()
  private readonly intervals = new Set<NodeJS.Timeout>()

  constructor(private readonly options: SandboxOptions) {
    // codeGeneration.strings=false makes eval and the Function constructor throw EvalError, as the
    // hosts refuse dynamic code; wasm off too (WeChat has WXWebAssembly, not WebAssembly).
    this.context = vm.createContext({}, { name: `${options.host.name} logic layer`, codeGeneration: { strings: false, wasm: false } })
    this.global = vm.runInContext('globalThis', this.context) as Record<string, unknown>
    for (const name of BROWSER_ONLY_GLOBALS) delete this.global[name]
    this.installCommonGlobals()
    this.installReturnThis()
    for (const [name, value] of Object.entries(options.globals)) this.global[name] = value
    if (!options.host.hasGlobalThis) delete this.global.globalThis
  }

  /** Loads a file of the build (path relative to the root, with or without `.js`), once. */
  require(request: string, from = ''): unknown {
    const file = this.resolve(request, from)
    const owner = this.packageOf(file)
    if (owner !== null && owner !== this.packageOf(`${from}/`)) {
      throw new ModuleNotFound(`module "${request}" (from ${from || 'the root'}) is in subpackage ${owner}/, which only that subpackage may require`)
    }
    const cached = this.modules.get(file)
    if (cached) return cached.exports
    const module: LoadedModule = { exports: {} }
    this.modules.set(file, module)
    const source = readFileSync(path.join(this.options.root, file), 'utf8')
    const params = ['require', 'module', 'exports', ...this.options.host.shadowedInModules]
    const factory = vm.compileFunction(source, params, { parsingContext: this.context, filename: file }) as (...args: unknown[]) => void
    const localRequire = (next: string) => this.require(next, path.posix.dirname(file))
    try {
      factory.call(undefined, localRequire, module, module.exports)
    } catch (err) {
      this.modules.delete(file)
      throw err
    }
    return module.exports
  }

  /** Runs a few lines inside the sandbox (test probes): as a module at the build root would. */
  evaluate(code: string): unknown {
    const params = ['require', 'module', 'exports', ...this.options.host.shadowedInModules]
    const fn = vm.compileFunction(code, params, { parsingContext: this.context, filename: 'probe.js' }) as (...args: unknown[]) => unknown
    return fn.call(undefined, (next: string) => this.require(next), { exports: {} }, {})
  }

  /** How many of the bundle's timeouts fire within `ms` from now. */
  timersDueWithin(ms: number): number {
    const horizon = Date.now() + ms
    let due = 0
    for (const at of this.timers.values()) if (at <= horizon) due += 1
    return due
  }

  /** Stops every timer the bundle started, so a finished test leaves nothing behind. */
  dispose(): void {
    for (const timer of this.timers.keys()) clearTimeout(timer)
    for (const timer of this.intervals) clearInterval(timer)
    this.timers.clear()
    this.intervals.clear()
  }

  /** The subpackage root a file of the build belongs to; null for the main package. */
  private packageOf(file: string): string | null {
    return (this.options.subPackageRoots ?? []).find((root) => file.startsWith(`${root}/`)) ?? null
  }

  private resolve(request: string, from: string): string {
    const joined = request.startsWith('.') ? path.posix.join(from, request) : path.posix.normalize(request)
    if (joined.startsWith('..') || path.posix.isAbsolute(joined)) {
      throw new ModuleNotFound(`module "${request}" (from ${from || 'the root'}) is outside the build`)
    }
    for (const candidate of [joined, `${joined}.js`, `${joined}/index.js`]) {
      if (candidate.endsWith('.js') && existsSync(path.join(this.options.root, candidate))) return candidate
    }
    throw new ModuleNotFound(`module "${request}" (from ${from || 'the root'}) is not in ${this.options.host.distDir}/`)
  }

  private installCommonGlobals(): void {
    const log = this.options.console
    const { timers, intervals } = this
    const onError = this.options.onError
    const guarded = (fn: unknown, args: unknown[]) => () => {
      try {
        if (typeof fn === 'function') fn(...args)
      } catch (err) {
        onError(err)
      }
    }
    const hostTimers = {
      setTimeout: (fn: unknown, ms?: number, ...args: unknown[]) => {
        const delay = Math.max(0, Number(ms) || 0)
        const handle: NodeJS.Timeout = setTimeout(() => {
          timers.delete(handle)
          guarded(fn, args)()
        }, delay)
        timers.set(handle, Date.now() + delay)
        return handle
      },
      clearTimeout: (handle: NodeJS.Timeout) => {
        timers.delete(handle)
        clearTimeout(handle)
      },
      setInterval: (fn: unknown, ms?: number, ...args: unknown[]) => {
        const handle = setInterval(guarded(fn, args), Math.max(1, Number(ms) || 0))
        intervals.add(handle)
        return handle
      },
      clearInterval: (handle: NodeJS.Timeout) => {
        intervals.delete(handle)
        clearInterval(handle)
      },
    }
    const consoleObject = { log: log.log, info: log.info, warn: log.warn, error: log.error, debug: log.debug }
    const values: Record<(typeof COMMON_GLOBALS)[number], unknown> = { console: consoleObject, ...hostTimers }
    for (const name of COMMON_GLOBALS) this.global[name] = values[name]
  }

  /**
   * WeChat refuses `new Function` except `new Function('return this')`, which polyfills and
   * webpack's runtime use to find the global object. The context's real Function constructor
   * refuses everything (codeGeneration off); the global `Function` binding answers that one form.
   */
  private installReturnThis(): void {
    const install = vm.runInContext(
      `(function (RealFunction, refuse) {
        function HostFunction() {
          var body = arguments.length ? String(arguments[arguments.length - 1]) : ''
          if (arguments.length === 1 && body.replace(/\\s+/g, ' ').trim() === 'return this') {
            return function () { return globalThis_ }
          }
          throw refuse()
        }
        var globalThis_ = this
        HostFunction.prototype = RealFunction.prototype
        Object.defineProperty(RealFunction.prototype, 'constructor', { value: HostFunction, writable: true, configurable: true })
        return HostFunction
      })`,
      this.context,
    ) as (real: unknown, refuse: () => Error) => unknown
    const refuse = () => new vm.Script('new EvalError("Code generation from strings disallowed for this context")').runInContext(this.context) as Error
    this.global.Function = install.call(this.global, this.global.Function, refuse)
  }
}
