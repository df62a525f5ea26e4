/**
 * Runs a built mini-program (weapp `dist/`, `dist-alipay/`, `dist-tt/`) the way its host does:
 * `app.js`, then every page module in app.json order, `App`/`Page`/`Component` registrations,
 * page instances with `setData`, the page stack and tab bar, lifecycles (`onLoad`, `onShow`,
 * `onReady`, `onHide`, `onUnload`), and the host API object wired to the local stack. Tests drive
 * pages through `PageHandle` (find by text, tap, input) and wait with `settle()`.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { HOSTS, type HostModel, type HostName } from './hosts'
import { HostFailure, HostState, createHostApi, type CloudBackend, type HarnessUser } from './hostApi'
import { Sandbox } from './sandbox'
import { diagnose } from './diagnose'
import { ViewCatalog, applyPath, type DataNode, type ViewElement } from './view'

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..')
const PAGE_STACK_LIMIT = 10
/** Events that bubble in WeChat's view layer (framework/view/wxml/event). */
const BUBBLING_EVENTS = new Set(['touchstart', 'touchmove', 'touchcancel', 'touchend', 'tap', 'longpress', 'longtap', 'transitionend', 'animationstart', 'animationiteration', 'animationend'])
const DEV_MINIPROGRAM_APPID = 'wxdevminiprogram01'

/** One entry of app.json `subPackages`. */
export interface SubPackage {
  root: string
  pages: string[]
}

export interface MiniProgramOptions {
  target: HostName
  /** The build folder (absolute); default the target's folder in the repository. */
  distDir?: string
  user?: HarnessUser
  backend?: CloudBackend
  /** Origins written in the build → where they listen in this test (like a hosts file). */
  origins?: Record<string, string>
  /** The WeChat simulator's base URL, for the card pack. */
  wechatBaseUrl?: string
  appid?: string
}

type PageConfig = Record<string, unknown> & { data?: unknown }

interface PageInstance extends Record<string, unknown> {
  route: string
  options: Record<string, string>
  data: { root?: { cn?: DataNode[] } } & Record<string, unknown>
}

/** An error the bundle raised, with where it happened. */
export class BundleError extends Error {}

export class MiniProgram {
  readonly host: HostModel
  readonly state = new HostState()
  /** Exceptions the bundle raised (lifecycles, event handlers, timers, rejected promises). */
  readonly errors: Error[] = []
  /** What the bundle wrote with console.error / console.warn. */
  readonly consoleErrors: string[] = []
  readonly setDataLog: { route: string; keys: string[]; bytes: number }[] = []
  readonly root: string
  readonly appJson: {
    pages: string[]
    subPackages?: SubPackage[]
    subpackages?: SubPackage[]
    tabBar?: { list: { pagePath: string }[] }
    entryPagePath?: string
  }
  private readonly sandbox: Sandbox
  private readonly catalog: ViewCatalog
  private readonly pageConfigs = new Map<string, PageConfig>()
  /** Subpackage roots whose code the host has downloaded and run. */
  private readonly loadedPackages = new Set<string>()
  private readonly stack: PageInstance[] = []
  private readonly tabPages = new Map<string, PageInstance>()
  private readonly inflight = new Map<number, string>()
  private nextInflight = 0
  private gestureDepth = 0
  private loadingRoute: string | null = null
  private appInstance: Record<string, unknown> | null = null
  private webviewId = 0
  private readonly onRejection = (reason: unknown) => this.errors.push(toError(reason, 'unhandled rejection'))

  private constructor(options: MiniProgramOptions) {
    this.host = HOSTS[options.target]
    this.root = options.distDir ?? path.join(REPO_ROOT, this.host.distDir)
    this.appJson = JSON.parse(readFileSync(path.join(this.root, 'app.json'), 'utf8'))
    this.catalog = new ViewCatalog(readFileSync(path.join(this.root, `base${this.host.templateExt}`), 'utf8'))
    const user = options.user ?? { openid: 'harness-user' }
    const api = createHostApi({
      host: this.host,
      appid: options.appid ?? DEV_MINIPROGRAM_APPID,
      user,
      backend: options.backend,
      origins: options.origins ?? {},
      wechatBaseUrl: options.wechatBaseUrl,
      state: this.state,
      // The host API only runs once the sandbox exists, so these may read it lazily.
      toSandbox: (value) => this.toSandbox(value),
      makeBuffer: (bytes) => {
        const copy = new (this.realm().Uint8Array)(bytes.length)
        copy.set(bytes)
        return copy.buffer as ArrayBuffer
      },
      newPromise: (executor) => new (this.realm().Promise)(executor),
      track: (label, work) => this.track(label, work),
      navigation: {
        navigateTo: (url) => this.open(url, 'navigateTo'),
        redirectTo: (url) => this.open(url, 'redirectTo'),
        switchTab: (url) => this.open(url, 'switchTab'),
        reLaunch: (url) => this.open(url, 'reLaunch'),
        navigateBack: (delta) => this.back(delta),
      },
      inUserGesture: () => this.gestureDepth > 0,
      systemInfo: systemInfo(this.host),
    })
    this.sandbox = new Sandbox({
      host: this.host,
      root: this.root,
      subPackageRoots: this.subPackages.map((pkg) => pkg.root),
      globals: this.hostGlobals(api),
      console: {
        log: () => undefined,
        info: () => undefined,
        debug: () => undefined,
        warn: (...args: unknown[]) => this.consoleErrors.push(`warn: ${args.map(String).join(' ')}`),
        error: (...args: unknown[]) => this.consoleErrors.push(`error: ${args.map(String).join(' ')}`),
      },
      onError: (err) => this.errors.push(toError(err, 'timer')),
    })
    process.on('unhandledRejection', this.onRejection)
  }

  /**
   * Loads the app and every page module, as the host does at start. A module that fails names
   * the page and, when it can tell, the global the host lacks.
   */
  static load(options: MiniProgramOptions): MiniProgram {
    const mp = new MiniProgram(options)
    try {
      mp.loadModule('app', 'app.js')
      for (const route of mp.appJson.pages) mp.loadModule(route, `${route}.js`)
    } catch (err) {
      mp.close()
      throw err
    }
    return mp
  }

  /** The main package's page routes (app.json `pages`). */
  get pages(): string[] {
    return this.appJson.pages
  }

  /** app.json's subpackages (`subPackages`, or the older `subpackages`), roots without a trailing slash. */
  get subPackages(): SubPackage[] {
    return (this.appJson.subPackages ?? this.appJson.subpackages ?? []).map((pkg) => ({ root: pkg.root.replace(/\/+$/, ''), pages: pkg.pages }))
  }

  /** Every subpackage page route (`<root>/<page>`). */
  get subPackagePages(): string[] {
    return this.subPackages.flatMap((pkg) => pkg.pages.map((page) => `${pkg.root}/${page}`))
  }

  /** The subpackages the host has loaded so far (on first navigation into them, or `loadSubPackages`). */
  loadedSubPackages(): string[] {
    return [...this.loadedPackages]
  }

  /** Loads every subpackage now, as if the person had opened a page of each. */
  loadSubPackages(): void {
    for (const pkg of this.subPackages) this.loadSubPackage(pkg)
  }

  /** Which routes registered a Page (every listed page should). */
  registeredPages(): string[] {
    return [...this.pageConfigs.keys()]
  }

  /** Starts the app (onLaunch, onShow) and opens the entry page or the given URL. */
  async launch(url?: string): Promise<PageHandle> {
    const entry = url ?? `/${this.appJson.entryPagePath ?? this.appJson.pages[0]}`
    const { route, query } = parseUrl(entry)
    const launchOptions = this.toSandbox({ path: route, query, scene: 1001, referrerInfo: {} })
    this.callLifecycle('app', this.appInstance, 'onLaunch', launchOptions)
    this.callLifecycle('app', this.appInstance, 'onShow', launchOptions)
    // Opened at a page the package does not have (an old share, a mistyped path): WeChat asks the
    // app's onPageNotFound, which may redirect; without one, WeChat shows its own error page.
    if (!this.pageConfigs.has(route) && !this.subPackageOf(route)) {
      this.callLifecycle('app', this.appInstance, 'onPageNotFound', this.toSandbox({ path: route, query, isEntryPage: true }))
      await this.settle()
      if (this.stack.length === 0) throw new HostFailure(`page "${route}" is not found`)
      return this.current()
    }
    await this.open(entry, 'reLaunch')
    await this.settle()
    return this.current()
  }

  /** Opens a URL as a fresh start (`wx.reLaunch`): deep links and shared pages arrive this way. */
  async reLaunch(url: string): Promise<PageHandle> {
    await this.open(url, 'reLaunch')
    await this.settle()
    return this.current()
  }

  current(): PageHandle {
    const top = this.stack[this.stack.length - 1]
    if (!top) throw new Error('no page is open')
    return new PageHandle(this, top)
  }

  /** The page stack, bottom first, as `getCurrentPages()` answers it. */
  routes(): string[] {
    return this.stack.map((page) => page.route)
  }

  /**
   * Waits until the app is idle: no host call in flight (cloud calls, requests, navigation) and
   * no timer due soon, for a few turns in a row. Throws the bundle's first error, if any.
   */
  async settle(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let quietTurns = 0
    while (quietTurns < 3) {
      if (Date.now() > deadline) {
        throw new Error(`the page did not settle in ${timeoutMs} ms; in flight: ${[...this.inflight.values()].join(', ') || 'nothing'}; timers due: ${this.sandbox.timersDueWithin(100)}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
      const busy = this.inflight.size > 0 || this.sandbox.timersDueWithin(100) > 0
      quietTurns = busy ? 0 : quietTurns + 1
    }
    this.throwIfFailed()
  }

  /** Fails with the first problem seen: a bundle error or a host call the test did not prepare. */
  throwIfFailed(): void {
    const problem = this.errors[0] ?? this.state.problems[0]
    if (problem) throw problem
  }

  /** Runs a few lines as a module of the bundle would (tests of the host model itself). */
  probe(code: string): unknown {
    return this.sandbox.evaluate(code)
  }

  /** Like `probe`, inside a user's tap (for APIs WeChat allows only from one). */
  probeInTap(code: string): unknown {
    this.gestureDepth += 1
    try {
      return this.sandbox.evaluate(code)
    } finally {
      setTimeout(() => (this.gestureDepth -= 1), 0)
    }
  }

  /** Answers the open modal dialog (the oldest unanswered one). */
  answerModal(confirm: boolean): void {
    const modal = this.state.modals.shift()
    if (!modal) throw new Error('no modal dialog is open')
    modal.answer(confirm)
  }

  close(): void {
    process.off('unhandledRejection', this.onRejection)
    this.sandbox.dispose()
  }

  // ---- inside

  /** Moves a host value into the sandbox realm as JSON, as the host's bridge does. */
  toSandbox<T>(value: T): T {
    return value === undefined ? value : (this.realm().JSON.parse(JSON.stringify(value)) as T)
  }

  /** The sandbox's own constructors (objects made with them pass the bundle's realm checks). */
  private realm(): { JSON: JSON; Promise: PromiseConstructor; Uint8Array: Uint8ArrayConstructor } {
    return this.sandbox.global as unknown as { JSON: JSON; Promise: PromiseConstructor; Uint8Array: Uint8ArrayConstructor }
  }

  /** Dispatches an event the way the view layer does: bubbling to every `eh` binding. */
  dispatch(page: PageInstance, element: ViewElement, type: string, detail: Record<string, unknown>): number {
    const pathToRoot = BUBBLING_EVENTS.has(type) ? element.bubblePath() : [element]
    const target = { id: element.hostId, dataset: { sid: element.node.sid }, targetDataset: { sid: element.node.sid } }
    let delivered = 0
    this.gestureDepth += type === 'tap' ? 1 : 0
    try {
      for (const current of pathToRoot) {
        const binding = current.info.events.get(type)
        if (!binding) continue
        const event = this.toSandbox({
          type,
          timeStamp: Date.now(),
          target,
          currentTarget: { id: current.hostId, dataset: { sid: current.node.sid } },
          detail,
          touches: [],
          changedTouches: [],
          mark: {},
        })
        this.callLifecycle(page.route, page, 'eh', event)
        delivered += 1
        if (binding === 'catch') break
      }
    } finally {
      // The gesture lasts for the handler's synchronous part and the promises it starts at once.
      if (type === 'tap') setTimeout(() => (this.gestureDepth -= 1), 0)
    }
    return delivered
  }

  /**
   * A tap on `<button open-type="agreePrivacyAuthorization">` (WeChat; also combined as
   * `getPhoneNumber|agreePrivacyAuthorization`): WeChat records the agreement and the button's id,
   * then raises `agreeprivacyauthorization` on the button (it does not bubble; detail `{}`, as
   * WeChat documents none). Answers whether the button was one.
   */
  openTypeAfterTap(page: PageInstance, element: ViewElement): boolean {
    if (!this.host.privacyAuthorization || element.tag !== 'button') return false
    const openTypes = String(element.attribute('open-type') ?? '').split('|')
    if (!openTypes.includes('agreePrivacyAuthorization')) return false
    this.state.privacy.agreeButtonsTapped.add(element.hostId)
    this.state.privacy.needAuthorization = false
    this.dispatch(page, element, 'agreeprivacyauthorization', {})
    return true
  }

  elementsOf(page: PageInstance): ViewElement[] {
    return this.catalog.all(page.data.root?.cn ?? [])
  }

  textOf(page: PageInstance): string {
    return this.catalog.textOf({ nn: 'root', sid: 'root', cn: page.data.root?.cn ?? [] })
  }

  isCurrent(page: PageInstance): boolean {
    return this.stack[this.stack.length - 1] === page
  }

  private track<T>(label: string, work: Promise<T>): Promise<T> {
    const id = this.nextInflight++
    this.inflight.set(id, label)
    return work.finally(() => this.inflight.delete(id))
  }

  private hostGlobals(api: Record<string, unknown>): Record<string, unknown> {
    const globals: Record<string, unknown> = {
      [this.host.apiObject]: api,
      App: (config: Record<string, unknown>) => {
        if (this.appInstance) throw new Error('App() called twice')
        this.appInstance = config
      },
      Page: (config: PageConfig) => {
        if (!this.loadingRoute) throw new Error('Page() called outside a page module')
        this.pageConfigs.set(this.loadingRoute, config)
      },
      Component: () => undefined,
      Behavior: (definition: unknown) => definition,
      getApp: () => this.appInstance,
      getCurrentPages: () => [...this.stack],
      requirePlugin: (name: string) => {
        throw new Error(`requirePlugin("${name}"): this app declares no plugins`)
      },
    }
    const extras: Record<string, unknown> = {
      global: {},
      WXWebAssembly: {},
      TTWebAssembly: {},
      abridge: api,
      $global: {},
      navigator: { userAgent: 'AlipayClient mini-program harness', language: 'zh-CN' },
    }
    for (const name of this.host.extraGlobals) if (!(name in globals)) globals[name] = extras[name]
    return globals
  }

  private loadModule(route: string, file: string): void {
    this.loadingRoute = route === 'app' ? null : route
    try {
      // The host loads a page as a module of its own package (the reference rules apply to its requires).
      this.sandbox.require(file, path.posix.dirname(file))
    } catch (err) {
      throw new BundleError(`${this.host.name}: ${route === 'app' ? 'app.js' : `page ${route}`} failed to load: ${diagnose(err, this.root, this.host)}`)
    } finally {
      this.loadingRoute = null
    }
    if (route !== 'app' && !this.pageConfigs.has(route)) {
      throw new BundleError(`${this.host.name}: page ${route} loaded but registered no Page()`)
    }
  }

  /**
   * WeChat downloads a subpackage when a page of it is first opened, then runs its page modules
   * (framework/subpackages). Recorded as the host call `loadSubPackage`.
   */
  private loadSubPackage(pkg: SubPackage): void {
    if (this.loadedPackages.has(pkg.root)) return
    this.state.calls.push({ api: 'loadSubPackage', args: { root: pkg.root } })
    for (const page of pkg.pages) this.loadModule(`${pkg.root}/${page}`, `${pkg.root}/${page}.js`)
    this.loadedPackages.add(pkg.root)
  }

  private subPackageOf(route: string): SubPackage | undefined {
    return this.subPackages.find((pkg) => pkg.pages.some((page) => `${pkg.root}/${page}` === route))
  }

  private isTab(route: string): boolean {
    return (this.appJson.tabBar?.list ?? []).some((item) => item.pagePath === route)
  }

  private async open(url: string, mode: 'navigateTo' | 'redirectTo' | 'switchTab' | 'reLaunch'): Promise<void> {
    const { route, query } = parseUrl(url)
    const pkg = this.subPackageOf(route)
    if (pkg) this.loadSubPackage(pkg)
    if (!this.pageConfigs.has(route)) throw new HostFailure(`page "${route}" is not found`)
    const tab = this.isTab(route)
    if ((mode === 'navigateTo' || mode === 'redirectTo') && tab) throw new HostFailure(`can not ${mode} a tabbar page`)
    if (mode === 'switchTab' && !tab) throw new HostFailure('can not switchTab to a non-tabbar page')
    if (mode === 'navigateTo' && this.stack.length >= PAGE_STACK_LIMIT) throw new HostFailure('webview count limit exceed')
    await new Promise((resolve) => setTimeout(resolve, 0))

    const top = this.stack[this.stack.length - 1]
    if (mode === 'navigateTo') {
      if (top) this.callLifecycle(top.route, top, 'onHide')
    } else if (mode === 'redirectTo') {
      if (top) this.unload(this.stack.pop() as PageInstance)
    } else {
      while (this.stack.length > 0) {
        const page = this.stack.pop() as PageInstance
        if (mode === 'switchTab' && this.isTab(page.route)) this.callLifecycle(page.route, page, 'onHide')
        else this.unload(page)
      }
      if (mode === 'reLaunch') {
        for (const page of this.tabPages.values()) this.unload(page)
        this.tabPages.clear()
      }
      const kept = mode === 'switchTab' ? this.tabPages.get(route) : undefined
      if (kept) {
        this.stack.push(kept)
        this.callLifecycle(route, kept, 'onShow')
        return
      }
    }
    const page = this.createPage(route, query)
    this.stack.push(page)
    if (tab) this.tabPages.set(route, page)
    this.callLifecycle(route, page, 'onLoad', this.toSandbox(query))
    this.callLifecycle(route, page, 'onShow')
    // onReady follows the first render.
    setTimeout(() => this.callLifecycle(route, page, 'onReady'), 0)
  }

  private async back(delta: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0))
    const count = Math.min(Math.max(1, delta), this.stack.length - 1)
    for (let i = 0; i < count; i += 1) this.unload(this.stack.pop() as PageInstance)
    const top = this.stack[this.stack.length - 1]
    if (top) this.callLifecycle(top.route, top, 'onShow')
  }

  private unload(page: PageInstance): void {
    this.callLifecycle(page.route, page, 'onUnload')
    if (this.tabPages.get(page.route) === page) this.tabPages.delete(page.route)
  }

  private createPage(route: string, query: Record<string, string>): PageInstance {
    const config = this.pageConfigs.get(route) as PageConfig
    const page = {} as PageInstance
    for (const [key, value] of Object.entries(config)) {
      if (key !== 'data') page[key] = typeof value === 'function' ? value : this.toSandbox(value)
    }
    page.data = this.toSandbox((config.data ?? {}) as PageInstance['data'])
    page.route = route
    page.__route__ = route
    page.options = query
    page.__webviewId__ = ++this.webviewId
    page.setData = (patch: Record<string, unknown>, callback?: () => void) => {
      const json = JSON.stringify(patch)
      // WeChat refuses a setData over 1 MB.
      if (json.length > 1024 * 1024) throw new Error(`setData on ${route} sends ${json.length} bytes (WeChat's limit is 1 MB)`)
      const values = JSON.parse(json) as Record<string, unknown>
      for (const [key, value] of Object.entries(values)) applyPath(page.data, key, value)
      this.setDataLog.push({ route, keys: Object.keys(values), bytes: json.length })
      if (typeof callback === 'function') setTimeout(() => this.guard(route, callback), 0)
    }
    return page
  }

  private callLifecycle(where: string, target: Record<string, unknown> | null, name: string, ...args: unknown[]): void {
    const fn = target?.[name]
    if (typeof fn !== 'function') return
    this.guard(where, () => fn.apply(target, args))
  }

  private guard(where: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.errors.push(new BundleError(`${this.host.name} ${where}: ${diagnose(err, this.root, this.host)}`))
    }
  }
}


/** One open page, as a test drives it. */
export class PageHandle {
  constructor(private readonly mp: MiniProgram, private readonly page: PageInstance) {}

  get route(): string {
    return this.page.route
  }

  get query(): Record<string, string> {
    return this.page.options
  }

  /** Everything the page shows as text (elements on their own lines). */
  text(): string {
    return this.mp.textOf(this.page)
  }

  elements(): ViewElement[] {
    return this.mp.elementsOf(this.page)
  }

  /** Elements whose text contains `query` (or matches it), innermost first. */
  findAll(query: string | RegExp | ElementQuery): ViewElement[] {
    const matches = this.elements().filter((element) => matchesQuery(element, query))
    // Keep the innermost: drop an element when one of its descendants matches too.
    return matches.filter((element) => !matches.some((other) => other !== element && other.bubblePath().includes(element)))
  }

  find(query: string | RegExp | ElementQuery): ViewElement {
    const [first] = this.findAll(query)
    if (!first) throw new Error(`no element matching ${describeQuery(query)} on ${this.route}; the page shows:\n${this.text()}`)
    return first
  }

  has(query: string | RegExp | ElementQuery): boolean {
    return this.findAll(query).length > 0
  }

  /** Taps the element (bubbling as the host does); a disabled button or input takes no tap. */
  async tap(query: string | RegExp | ElementQuery): Promise<void> {
    this.assertCurrent()
    const element = this.find(query)
    if (element.attribute('disabled') === true) throw new Error(`${element.describe()} is disabled`)
    const delivered = this.mp.dispatch(this.page, element, 'tap', { x: 0, y: 0 })
    const openType = this.mp.openTypeAfterTap(this.page, element)
    if (delivered === 0 && !openType) throw new Error(`${element.describe()} on ${this.route} has no tap handler along its path`)
    await this.mp.settle()
  }

  /** Types into an input found by its placeholder (or name), as the keyboard's `input` event. */
  async input(placeholderOrName: string, value: string): Promise<void> {
    this.assertCurrent()
    const candidates = this.elements().filter(
      (element) => element.tag === 'input' && (element.attribute('placeholder') === placeholderOrName || element.attribute('name') === placeholderOrName),
    )
    if (candidates.length === 0) throw new Error(`no input with placeholder or name "${placeholderOrName}" on ${this.route}`)
    this.mp.dispatch(this.page, candidates[0], 'input', { value, cursor: value.length, keyCode: 0 })
    await this.mp.settle()
  }

  /** Settles, then waits (polling) until the page shows the text. */
  async waitForText(text: string | RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      await this.mp.settle()
      const shown = this.text()
      if (typeof text === 'string' ? shown.includes(text) : text.test(shown)) return
      if (Date.now() > deadline) throw new Error(`${this.route} never showed ${String(text)}; it shows:\n${shown}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  private assertCurrent(): void {
    if (!this.mp.isCurrent(this.page)) throw new Error(`${this.route} is not the page on top (${this.mp.routes().join(' > ')})`)
  }
}

export interface ElementQuery {
  text?: string | RegExp
  id?: string
  className?: string
  tag?: string
  placeholder?: string
}

function matchesQuery(element: ViewElement, query: string | RegExp | ElementQuery): boolean {
  if (typeof query === 'string' || query instanceof RegExp) return matchesText(element.text, query)
  if (query.text !== undefined && !matchesText(element.text, query.text)) return false
  if (query.id !== undefined && element.node.uid !== query.id) return false
  if (query.className !== undefined && !element.classes.includes(query.className)) return false
  if (query.tag !== undefined && element.tag !== query.tag) return false
  if (query.placeholder !== undefined && element.attribute('placeholder') !== query.placeholder) return false
  return true
}

function matchesText(text: string, query: string | RegExp): boolean {
  return typeof query === 'string' ? text.includes(query) : query.test(text)
}

function describeQuery(query: string | RegExp | ElementQuery): string {
  return typeof query === 'string' ? `"${query}"` : query instanceof RegExp ? String(query) : JSON.stringify(query)
}

/** `/pages/x/index?a=1&b=2` → route and query. Values stay as written: WeChat does not decode them. */
export function parseUrl(url: string): { route: string; query: Record<string, string> } {
  const [pathPart, search = ''] = url.split('?')
  const query: Record<string, string> = {}
  for (const pair of search.split('&')) {
    if (!pair) continue
    const at = pair.indexOf('=')
    query[at < 0 ? pair : pair.slice(0, at)] = at < 0 ? '' : pair.slice(at + 1)
  }
  return { route: pathPart.replace(/^\//, ''), query }
}

function toError(reason: unknown, where: string): Error {
  return reason instanceof Error || (reason && typeof reason === 'object' && 'message' in reason)
    ? new BundleError(`${where}: ${String((reason as Error).stack ?? (reason as Error).message)}`)
    : new BundleError(`${where}: ${JSON.stringify(reason)}`)
}

function systemInfo(host: HostModel): Record<string, unknown> {
  return {
    brand: 'harness',
    model: 'iPhone 13',
    pixelRatio: 3,
    screenWidth: 375,
    screenHeight: 812,
    windowWidth: 375,
    windowHeight: 812,
    statusBarHeight: 44,
    language: 'zh_CN',
    version: '8.0.50',
    system: 'iOS 17.0',
    platform: host.name === 'weapp' ? 'ios' : 'iOS',
    SDKVersion: '3.6.0',
    safeArea: { left: 0, right: 375, top: 44, bottom: 778, width: 375, height: 734 },
  }
}
