/**
 * The host API objects (`wx`, `my`, `tt`) wired to the local stack. Each API the harness
 * implements behaves as the host documents it (callback style, a Promise when no callback is
 * given, `errMsg` of the form `<api>:ok` / `<api>:fail <reason>`); every other name the host has
 * is present (Taro enumerates the object) but throws, naming the API, when called.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { HostModel } from './hosts'
import { httpJson } from './http'

/** Who the harness user is, as the host knows them. */
export interface HarnessUser {
  openid: string
}

/** The backend `wx.cloud.callFunction` reaches: the local function runtime. */
export interface CloudBackend {
  invoke(name: string, data: unknown, identity: { openid?: string; appid?: string; clientIp?: string; source: string }): Promise<unknown>
}

export interface RecordedCall {
  api: string
  args: unknown
  /** What the host answered (success or fail), once it has. */
  answer?: unknown
}

export interface ModalRequest {
  title?: string
  content?: string
  confirmText?: string
  cancelText?: string
  confirmColor?: string
  showCancel?: boolean
  answer: (confirm: boolean) => void
}

export type SubscribeAnswer = Record<string, 'accept' | 'reject' | 'ban'>

/** What the test decides and observes about the host: dialogs, scans, card sheets, consent. */
export class HostState {
  readonly calls: RecordedCall[] = []
  readonly toasts: { title: string; icon?: string }[] = []
  readonly modals: ModalRequest[] = []
  readonly scanQueue: string[] = []
  /** How the next add-card sheet ends: added for real through the wallet, or closed by the user. */
  addCardOutcome: 'add' | 'cancel' = 'add'
  subscribeAnswer: SubscribeAnswer | null = null
  /**
   * WeChat's privacy authorization for this user: whether WeChat still needs their agreement to
   * the mini-program's privacy guide (false: nothing declared, or agreed before), the guide's name,
   * and the `agreePrivacyAuthorization` buttons they tapped (WeChat checks `resolve`'s buttonId).
   */
  readonly privacy = {
    needAuthorization: false,
    contractName: '《票卡小程序隐私保护指引》',
    agreeButtonsTapped: new Set<string>(),
  }
  /** Errors the harness raises about the test itself (an API used the test did not prepare). */
  readonly problems: Error[] = []
  readonly storage = new Map<string, string>()
  /** What the app put on the system clipboard last (`setClipboardData`). */
  clipboard: string | null = null
  /** The user data folder (`wx.env.USER_DATA_PATH`), per user's phone: path → UTF-8 text. */
  readonly files = new Map<string, string>()
  /** Files sent to a chat with `wx.shareFileMessage`, with their content when sent. */
  readonly sharedFiles: { filePath: string; fileName: string; content: string }[] = []
  /** How the next chat picker of `shareFileMessage` ends: sent, or closed by the user. */
  shareFileOutcome: 'send' | 'cancel' = 'send'

  calledWith(api: string): unknown[] {
    return this.calls.filter((call) => call.api === api).map((call) => call.args)
  }

  answersTo(api: string): unknown[] {
    return this.calls.filter((call) => call.api === api).map((call) => call.answer)
  }
}

export interface HostWiring {
  host: HostModel
  appid: string
  user: HarnessUser
  backend?: CloudBackend
  /** Origin as written in the build (e.g. `http://127.0.0.1:8787`) → where it really listens. */
  origins: Record<string, string>
  /** The WeChat simulator, for the card pack (`/wallet/*`). */
  wechatBaseUrl?: string
  state: HostState
  /** Moves a host value into the sandbox realm (JSON, as the host's bridge does). */
  toSandbox: <T>(value: T) => T
  /** An ArrayBuffer of the sandbox realm holding these bytes. */
  makeBuffer: (bytes: Uint8Array) => ArrayBuffer
  /** A Promise of the sandbox realm. */
  newPromise: <T>(executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void) => Promise<T>
  /** Counts an operation in flight until it ends (what `settle()` waits for). */
  track: <T>(label: string, work: Promise<T>) => Promise<T>
  navigation: {
    navigateTo(url: string): Promise<void>
    redirectTo(url: string): Promise<void>
    switchTab(url: string): Promise<void>
    reLaunch(url: string): Promise<void>
    navigateBack(delta: number): Promise<void>
  }
  /** True while a user's tap is being handled (WeChat's gesture rule for some APIs). */
  inUserGesture: () => boolean
  systemInfo: Record<string, unknown>
}

type Options = Record<string, unknown> & {
  success?: (res: unknown) => void
  fail?: (res: unknown) => void
  complete?: (res: unknown) => void
}

/** A failure the host reports through `fail` with `errMsg`. */
export class HostFailure extends Error {
  constructor(readonly reason: string, readonly extra: Record<string, unknown> = {}) {
    super(reason)
  }
}

/** APIs that stay open until the test answers as the user. */
const WAITS_FOR_USER = new Set(['showModal', 'confirm', 'requirePrivacyAuthorize'])

type AsyncImpl = (options: Options) => Promise<Record<string, unknown>>

/** How an API answers: `promise: false` for the APIs WeChat documents as callback-only. */
interface ApiStyle {
  promise?: boolean
}

type AsyncApiFactory = (api: string, impl: AsyncImpl, style?: ApiStyle) => unknown

export function createHostApi(wiring: HostWiring): Record<string, unknown> {
  const { state, toSandbox } = wiring
  const record = (api: string, args: unknown): RecordedCall => {
    const call: RecordedCall = { api, args: JSON.parse(JSON.stringify(args ?? null)) }
    state.calls.push(call)
    return call
  }

  /**
   * Callback style with `errMsg`; a Promise (of the sandbox realm) when no callback is given,
   * unless the API is callback-only (then nothing: "以 Promise 风格调用：不支持").
   */
  const asyncApi = (api: string, impl: AsyncImpl, style: ApiStyle = {}) =>
    function hostAsyncApi(options: Options = {}): Promise<unknown> | undefined {
      const call = record(api, stripCallbacks(options))
      const usesCallbacks = Boolean(options.success || options.fail || options.complete)
      const settled = (async () => {
          try {
            return { ok: true as const, value: { ...(await impl(options)), errMsg: `${api}:ok` } }
          } catch (err) {
            if (err instanceof HostFailure) return { ok: false as const, value: { ...err.extra, errMsg: `${api}:fail ${err.reason}` } }
            state.problems.push(err instanceof Error ? err : new Error(String(err)))
            return { ok: false as const, value: { errMsg: `${api}:fail harness error: ${String(err)}` } }
          }
        })()
      void settled.then((outcome) => (call.answer = outcome.value))
      // A dialog waits for the person, not the machine: settling does not wait for it.
      const work = WAITS_FOR_USER.has(api) ? settled : wiring.track(api, settled)
      if (usesCallbacks || style.promise === false) {
        void work.then((outcome) => {
          const value = toSandbox(outcome.value)
          if (outcome.ok) options.success?.(value)
          else options.fail?.(value)
          options.complete?.(value)
        })
        return undefined
      }
      return wiring.newPromise((resolve, reject) => {
        void work.then((outcome) => (outcome.ok ? resolve(toSandbox(outcome.value)) : reject(toSandbox(outcome.value))))
      })
    }

  const request: AsyncImpl = async (options) => {
    const url = String(options.url ?? '')
    const target = routeUrl(url, wiring.origins)
    if (!target) throw new HostFailure(`url not in domain list: ${url}`)
    const headers = (wiring.host.name === 'alipay' ? options.headers : options.header) as Record<string, string> | undefined
    const answer = await httpJson(target, String(options.method ?? 'GET'), options.data, headers ?? {})
    if (answer.status === 0) throw new HostFailure(`request:fail ${answer.error ?? 'network error'}`)
    return wiring.host.name === 'alipay'
      ? { data: answer.body, status: answer.status, headers: answer.headers }
      : { data: answer.body, statusCode: answer.status, header: answer.headers }
  }

  const wallet = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    if (!wiring.wechatBaseUrl) throw new Error(`the harness has no WeChat simulator: pass wechatBaseUrl to use ${path}`)
    const answer = await httpJson(`${wiring.wechatBaseUrl}${path}`, 'POST', body, {})
    return answer.body as Record<string, unknown>
  }

  const modal: AsyncImpl = (options) =>
    new Promise((resolve) => {
      state.modals.push({
        title: options.title as string | undefined,
        content: options.content as string | undefined,
        confirmText: (options.confirmText ?? options.confirmButtonText) as string | undefined,
        cancelText: (options.cancelText ?? options.cancelButtonText) as string | undefined,
        confirmColor: options.confirmColor as string | undefined,
        showCancel: options.showCancel as boolean | undefined,
        answer: (confirm) => resolve(wiring.host.name === 'alipay' ? { confirm } : { confirm, cancel: !confirm }),
      })
    })

  const storageKey = (options: Options | string) => (typeof options === 'string' ? options : String(options.key))

  const navigationApi = (name: keyof HostWiring['navigation']): AsyncImpl => async (options) => {
    if (name === 'navigateBack') await wiring.navigation.navigateBack(Number(options.delta ?? 1))
    else await wiring.navigation[name](String(options.url ?? ''))
    return {}
  }

  const implemented: Record<string, unknown> = {
    // --- system
    canIUse: (name: string) => typeof implemented[String(name).split('.')[0]] === 'function' || String(name).split('.')[0] in implemented,
    getSystemInfoSync: () => toSandbox(wiring.systemInfo),
    getSystemInfo: asyncApi('getSystemInfo', async () => wiring.systemInfo),
    getWindowInfo: () => toSandbox(wiring.systemInfo),
    getDeviceInfo: () => toSandbox(wiring.systemInfo),
    getAppBaseInfo: () => toSandbox(wiring.systemInfo),
    getLaunchOptionsSync: () => toSandbox({ path: '', query: {}, scene: 1001, referrerInfo: {} }),
    getEnterOptionsSync: () => toSandbox({ path: '', query: {}, scene: 1001, referrerInfo: {} }),
    getAccountInfoSync: () => toSandbox({ miniProgram: { appId: wiring.appid, envVersion: 'develop', version: '' } }),
    onAppShow: () => undefined,
    onAppHide: () => undefined,
    offAppShow: () => undefined,
    offAppHide: () => undefined,
    onError: () => undefined,
    onUnhandledRejection: () => undefined,
    onPageNotFound: () => undefined,
    env: { USER_DATA_PATH: `${wiring.host.apiObject}file://usr` },
    // --- storage, per harness user
    setStorageSync: (options: Options | string, data?: unknown) => {
      const [key, value] = typeof options === 'string' ? [options, data] : [String(options.key), options.data]
      record('setStorageSync', { key })
      state.storage.set(key, JSON.stringify(value ?? null))
    },
    getStorageSync: (options: Options | string) => {
      const raw = state.storage.get(storageKey(options))
      const value = raw === undefined ? '' : toSandbox(JSON.parse(raw))
      // Alipay answers {data}; WeChat and ByteDance answer the value ('' when missing).
      return wiring.host.name === 'alipay' ? toSandbox({ data: raw === undefined ? null : value }) : value
    },
    removeStorageSync: (options: Options | string) => void state.storage.delete(storageKey(options)),
    clearStorageSync: () => state.storage.clear(),
    // --- clipboard (WeChat shows its own "内容已复制" toast for 1.5 s)
    setClipboardData: asyncApi('setClipboardData', async (options) => {
      if (typeof options.data !== 'string') throw new HostFailure(`parameter error: parameter.data should be String instead of ${typeof options.data}`)
      state.clipboard = options.data
      if (wiring.host.name === 'weapp') state.toasts.push({ title: '内容已复制', icon: 'none' })
      return {}
    }),
    // --- network
    request: asyncApi('request', request),
    // --- UI feedback
    showToast: asyncApi('showToast', async (options) => {
      state.toasts.push({ title: String(options.title ?? options.content ?? ''), icon: (options.icon ?? options.type) as string | undefined })
      return {}
    }),
    hideToast: asyncApi('hideToast', async () => ({})),
    showLoading: asyncApi('showLoading', async () => ({})),
    hideLoading: asyncApi('hideLoading', async () => ({})),
    setNavigationBarTitle: asyncApi('setNavigationBarTitle', async () => ({})),
    stopPullDownRefresh: asyncApi('stopPullDownRefresh', async () => ({})),
    // --- navigation
    navigateTo: asyncApi('navigateTo', navigationApi('navigateTo')),
    redirectTo: asyncApi('redirectTo', navigationApi('redirectTo')),
    switchTab: asyncApi('switchTab', navigationApi('switchTab')),
    reLaunch: asyncApi('reLaunch', navigationApi('reLaunch')),
    navigateBack: asyncApi('navigateBack', navigationApi('navigateBack')),
    // --- device
    scanCode: asyncApi('scanCode', async () => {
      const code = state.scanQueue.shift()
      if (code === undefined) throw new Error('scanCode was called but the test queued no code (harness.state.scanQueue)')
      return wiring.host.name === 'alipay' ? { code, result: code } : { result: code, scanType: 'QR_CODE', charSet: 'utf-8', path: '' }
    }),
  }

  if (wiring.host.name === 'alipay') {
    Object.assign(implemented, {
      confirm: asyncApi('confirm', modal),
      alert: asyncApi('alert', async (options) => {
        state.modals.push({ title: options.title as string, content: options.content as string, answer: () => undefined })
        return {}
      }),
      httpRequest: asyncApi('httpRequest', request),
    })
  } else {
    implemented.showModal = asyncApi('showModal', modal)
  }

  if (wiring.host.name === 'weapp') {
    Object.assign(implemented, {
      addCard: asyncApi('addCard', async (options) => {
        if (state.addCardOutcome === 'cancel') {
          state.addCardOutcome = 'add'
          throw new HostFailure('cancel')
        }
        const answer = await wallet('/wallet/addCard', { openid: wiring.user.openid, cardList: options.cardList })
        if (typeof answer.errcode === 'number' && answer.errcode !== 0) throw new HostFailure(String(answer.errMsg ?? answer.errmsg))
        return { cardList: answer.cardList }
      }),
      openCard: asyncApi('openCard', async (options) => {
        const answer = await wallet('/wallet/openCard', { openid: wiring.user.openid, cardList: options.cardList })
        if (typeof answer.errcode === 'number' && answer.errcode !== 0) throw new HostFailure(String(answer.errMsg ?? answer.errmsg))
        return {}
      }),
      requestSubscribeMessage: subscribeApi(wiring, asyncApi),
      cloud: createCloud(wiring, asyncApi),
      getFileSystemManager: () => fileSystemManager(wiring, record),
      shareFileMessage: shareFileApi(wiring, asyncApi),
    })
    implemented.getRandomValues = randomValuesApi(wiring, record)
  }
  if (wiring.host.privacyAuthorization) Object.assign(implemented, privacyApis(wiring, asyncApi))

  return hostObject(wiring.host, implemented)
}

/**
 * WeChat's privacy authorization, as "WeChat's privacy authorization" in hosts.ts states it (sources there):
 * callback-only APIs; `requirePrivacyAuthorize` waits on the `resolve` handed to the listener of
 * `onNeedPrivacyAuthorization`, and accepts "agree" only with the id of a tapped agree button.
 */
function privacyApis(wiring: HostWiring, asyncApi: AsyncApiFactory): Record<string, unknown> {
  const { state } = wiring
  let listener: ((resolve: (outcome: unknown) => void, eventInfo: unknown) => void) | null = null
  const callbackOnly: ApiStyle = { promise: false }

  const requirePrivacyAuthorize: AsyncImpl = () =>
    new Promise((resolve, reject) => {
      if (!state.privacy.needAuthorization) {
        resolve({})
        return
      }
      const ask = listener
      if (!ask) {
        reject(new Error('requirePrivacyAuthorize: WeChat would show its own privacy popup, which the harness does not model (register wx.onNeedPrivacyAuthorization)'))
        return
      }
      let answered = false
      const answer = (outcome: unknown) => {
        const { event, buttonId } = (outcome ?? {}) as { event?: unknown; buttonId?: unknown }
        state.calls.push({ api: 'privacy.resolve', args: buttonId === undefined ? { event } : { event, buttonId } })
        if (event === 'exposureAuthorization' || answered) return
        if (event === 'agree') {
          answered = true
          if (typeof buttonId === 'string' && state.privacy.agreeButtonsTapped.has(buttonId)) {
            state.privacy.needAuthorization = false
            resolve({})
            return
          }
          state.problems.push(new Error(`resolve({event: 'agree', buttonId: ${JSON.stringify(buttonId)}}) but no agreePrivacyAuthorization button with that id was tapped`))
          reject(new HostFailure('privacy permission is not authorized'))
        } else if (event === 'disagree') {
          answered = true
          reject(new HostFailure('privacy permission is not authorized'))
        } else {
          state.problems.push(new Error(`resolve({event: ${JSON.stringify(event)}}): WeChat takes exposureAuthorization, agree or disagree`))
        }
      }
      // WeChat raises the event as the privacy call arrives, through the bridge: a turn later.
      void wiring.track(
        'onNeedPrivacyAuthorization',
        new Promise<void>((done) =>
          setTimeout(() => {
            try {
              ask(answer, wiring.toSandbox({ referrer: 'requirePrivacyAuthorize' }))
            } catch (err) {
              state.problems.push(err instanceof Error ? err : new Error(String(err)))
            }
            done()
          }, 0),
        ),
      )
    })

  return {
    onNeedPrivacyAuthorization: (fn: unknown) => {
      state.calls.push({ api: 'onNeedPrivacyAuthorization', args: null })
      // The harness keeps the last listener (the app registers one, at launch).
      listener = typeof fn === 'function' ? (fn as typeof listener) : null
    },
    getPrivacySetting: asyncApi(
      'getPrivacySetting',
      async () => ({ needAuthorization: state.privacy.needAuthorization, privacyContractName: state.privacy.contractName }),
      callbackOnly,
    ),
    requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', requirePrivacyAuthorize, callbackOnly),
    openPrivacyContract: asyncApi('openPrivacyContract', async () => ({}), callbackOnly),
  }
}

function subscribeApi(wiring: HostWiring, asyncApi: AsyncApiFactory): unknown {
  const api = asyncApi('requestSubscribeMessage', async (options) => {
    const ids = Array.isArray(options.tmplIds) ? (options.tmplIds as unknown[]).map(String) : []
    if (ids.length === 0 || ids.length > 3) throw new HostFailure('invalid tmplIds', { errCode: 20001 })
    const answer = wiring.state.subscribeAnswer
    if (!answer) throw new Error('requestSubscribeMessage was called but the test set no answer (harness.state.subscribeAnswer)')
    const result: Record<string, unknown> = {}
    for (const id of ids) result[id] = answer[id] ?? 'reject'
    return result
  }) as (options: Options) => unknown
  return (options: Options = {}) => {
    // WeChat: "只能在用户点击行为的回调中调用" (errCode 20004 outside a tap).
    if (!wiring.inUserGesture()) {
      wiring.state.calls.push({ api: 'requestSubscribeMessage', args: { tmplIds: options.tmplIds, outsideTap: true } })
      const failure = wiring.toSandbox({ errMsg: 'requestSubscribeMessage:fail can only be invoked by user TAP gesture.', errCode: 20004 })
      setTimeout(() => {
        options.fail?.(failure)
        options.complete?.(failure)
      }, 0)
      return undefined
    }
    return api(options)
  }
}

/** Together, the local cache files and user files of one mini-program may hold 200 MB (file-system docs). */
const USER_FILES_LIMIT_BYTES = 200 * 1024 * 1024

/**
 * WeChat's FileSystemManager, as far as the app writes and reads user files (facts and sources:
 * hosts.ts, "WeChat's file system"): only under `wx.env.USER_DATA_PATH`, only folders that exist
 * (the user folder itself: `mkdir` is not modelled), UTF-8 text; writeFile/readFile are
 * callback-only, the Sync forms throw `Error('<api>:fail <reason>')`.
 */
function fileSystemManager(wiring: HostWiring, record: (api: string, args: unknown) => void): Record<string, unknown> {
  const { state } = wiring
  const root = `${wiring.host.apiObject}file://usr`
  const failure = (api: string, reason: string) => new Error(`${api}:fail ${reason}`)
  const checkPath = (api: string, filePath: unknown): string => {
    const path = String(filePath ?? '')
    if (!path.startsWith(`${root}/`)) throw failure(api, `permission denied, open ${path}`)
    if (path.slice(root.length + 1).includes('/')) throw failure(api, `no such file or directory, open ${path}`)
    return path
  }
  const checkEncoding = (encoding: unknown) => {
    if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'utf-8') {
      throw new Error(`FileSystemManager: encoding ${String(encoding)} is not modelled by the harness (utf8 only)`)
    }
  }
  const writeFileSync = (filePath: unknown, data: unknown, encoding?: unknown): void => {
    record('FileSystemManager.writeFileSync', { filePath, encoding: encoding ?? 'utf8' })
    const path = checkPath('writeFileSync', filePath)
    checkEncoding(encoding)
    if (typeof data !== 'string') throw new Error('FileSystemManager: only string data is modelled by the harness')
    let total = Buffer.byteLength(data, 'utf8')
    for (const [other, content] of state.files) if (other !== path) total += Buffer.byteLength(content, 'utf8')
    if (total > USER_FILES_LIMIT_BYTES) throw failure('writeFileSync', 'the maximum size of the file storage limit is exceeded')
    state.files.set(path, data)
  }
  const readUserFileSync = (filePath: unknown, encoding?: unknown): string => {
    record('FileSystemManager.readFileSync', { filePath, encoding })
    const path = checkPath('readFileSync', filePath)
    checkEncoding(encoding)
    const content = state.files.get(path)
    if (content === undefined) throw failure('readFileSync', `no such file or directory, open ${path}`)
    return content
  }
  /** The callback form of a Sync method (WeChat: "以 Promise 风格 调用：不支持"). */
  const callbackForm = (sync: (...args: unknown[]) => unknown, toArgs: (options: Options) => unknown[], toResult: (value: unknown) => Record<string, unknown>, name: string) =>
    (options: Options = {}) => {
      void wiring.track(
        `FileSystemManager.${name}`,
        new Promise<void>((done) =>
          setTimeout(() => {
            try {
              const value = wiring.toSandbox({ ...toResult(sync(...toArgs(options))), errMsg: `${name}:ok` })
              options.success?.(value)
              options.complete?.(value)
            } catch (err) {
              const message = err instanceof Error ? err.message : String(err)
              const value = wiring.toSandbox({ errMsg: message.replace(/^\w+Sync:/, `${name}:`) })
              options.fail?.(value)
              options.complete?.(value)
            }
            done()
          }, 0),
        ),
      )
    }
  return {
    writeFileSync,
    readFileSync: readUserFileSync,
    writeFile: callbackForm(writeFileSync as (...args: unknown[]) => unknown, (o) => [o.filePath, o.data, o.encoding], () => ({}), 'writeFile'),
    readFile: callbackForm(readUserFileSync as (...args: unknown[]) => unknown, (o) => [o.filePath, o.encoding], (data) => ({ data }), 'readFile'),
  }
}

/**
 * `wx.shareFileMessage({filePath, fileName})` (base library 2.16.1): the chat picker for a local
 * file; "限制：仅在点击行为时调用". The file must exist; `state.shareFileOutcome` says whether the
 * person sends it or closes the picker (`shareFileMessage:fail cancel`).
 */
function shareFileApi(wiring: HostWiring, asyncApi: AsyncApiFactory): unknown {
  const { state } = wiring
  const api = asyncApi('shareFileMessage', async (options) => {
    const filePath = String(options.filePath ?? '')
    const content = state.files.get(filePath)
    if (content === undefined) throw new HostFailure(`no such file or directory, open ${filePath}`)
    if (state.shareFileOutcome === 'cancel') {
      state.shareFileOutcome = 'send'
      throw new HostFailure('cancel')
    }
    const fileName = typeof options.fileName === 'string' && options.fileName ? options.fileName : filePath.slice(filePath.lastIndexOf('/') + 1)
    state.sharedFiles.push({ filePath, fileName, content })
    return {}
  }) as (options: Options) => unknown
  return (options: Options = {}) => {
    if (!wiring.inUserGesture()) {
      // The errMsg WeChat uses here is not documented; modelled on requestSubscribeMessage's.
      state.calls.push({ api: 'shareFileMessage', args: { filePath: options.filePath, outsideTap: true } })
      const failure = wiring.toSandbox({ errMsg: 'shareFileMessage:fail can only be invoked by user TAP gesture.' })
      const usesCallbacks = Boolean(options.success || options.fail || options.complete)
      if (usesCallbacks) {
        setTimeout(() => {
          options.fail?.(failure)
          options.complete?.(failure)
        }, 0)
        return undefined
      }
      return wiring.newPromise((_resolve, reject) => setTimeout(() => reject(failure), 0))
    }
    return api(options)
  }
}

/** WeChat's `wx.getRandomValues({length})`: asynchronous, answers `{randomValues: ArrayBuffer}`. */
function randomValuesApi(wiring: HostWiring, record: (api: string, args: unknown) => void): unknown {
  return (options: Options = {}) => {
    record('getRandomValues', { length: options.length })
    const length = Number(options.length)
    const usesCallbacks = Boolean(options.success || options.fail || options.complete)
    const settle = (): { ok: boolean; value: unknown } => {
      if (!Number.isInteger(length) || length < 1 || length > 1048576) {
        return { ok: false, value: wiring.toSandbox({ errMsg: 'getRandomValues:fail invalid length' }) }
      }
      const value = wiring.toSandbox({ errMsg: 'getRandomValues:ok' }) as Record<string, unknown>
      value.randomValues = wiring.makeBuffer(randomBytes(length))
      return { ok: true, value }
    }
    const work = wiring.track('getRandomValues', new Promise((resolve) => setTimeout(resolve, 0)).then(settle))
    if (usesCallbacks) {
      void work.then(({ ok, value }) => {
        if (ok) options.success?.(value)
        else options.fail?.(value)
        options.complete?.(value)
      })
      return undefined
    }
    return wiring.newPromise((resolve, reject) => void work.then(({ ok, value }) => (ok ? resolve(value) : reject(value))))
  }
}

function createCloud(wiring: HostWiring, asyncApi: AsyncApiFactory): Record<string, unknown> {
  let initialised = false
  return {
    init: (options: Options = {}) => {
      wiring.state.calls.push({ api: 'cloud.init', args: { env: options.env ?? null } })
      initialised = true
    },
    callFunction: asyncApi('cloud.callFunction', async (options) => {
      // WeChat refuses cloud APIs before wx.cloud.init.
      if (!initialised) throw new HostFailure('cloud api call before wx.cloud.init', { errCode: -601034 })
      if (!wiring.backend) throw new Error('the harness has no backend: pass one to use wx.cloud.callFunction')
      const name = String(options.name ?? '')
      const data = JSON.parse(JSON.stringify(options.data ?? {}))
      try {
        const result = await wiring.backend.invoke(name, data, { openid: wiring.user.openid, appid: wiring.appid, clientIp: '127.0.0.1', source: 'wx_client' })
        return { result, requestID: `harness-${Date.now()}` }
      } catch (err) {
        throw new HostFailure(`-504002 functions execute fail. ${err instanceof Error ? err.message : String(err)}`, { errCode: -504002 })
      }
    }),
  }
}

/**
 * The API object: implemented names first, then every other API the host has (from Taro's own
 * lists), each throwing when called so an unprepared call is loud and named.
 */
function hostObject(host: HostModel, implemented: Record<string, unknown>): Record<string, unknown> {
  const api: Record<string, unknown> = {}
  for (const name of knownApiNames()) {
    api[name] = () => {
      throw new Error(`${host.apiObject}.${name} is not implemented by the mini-program harness`)
    }
  }
  return Object.assign(api, implemented)
}

let knownNames: string[] | undefined

/** The API names Taro knows across hosts (its H5 package exports one function per API). */
function knownApiNames(): string[] {
  if (knownNames) return knownNames
  const source = readFileSync(require.resolve('@tarojs/taro-h5/dist/index.esm.js'), 'utf8')
  const exported = /export \{([^}]*)\};\s*(\/\/[^\n]*)?\s*$/.exec(source)
  const taroOnly = new Set(['Behavior', 'Current', 'ENV_TYPE', 'Events', 'Link', 'NodesRef', 'SocketTask', 'default', 'taro', 'options', 'eventCenter', 'interceptors', 'interceptorify', 'initPxTransform', 'initTabBarApis', 'pxTransform', 'getCurrentInstance', 'nextTick', 'preload', 'getEnv', 'getApp', 'getAppInfo', 'router', 'requirePlugin', 'canIUseWebp', 'addInterceptor', 'cleanInterceptors', 'env', 'cloud'])
  knownNames = (exported?.[1] ?? '')
    .split(',')
    .map((part) => part.trim().split(/\s+as\s+/).pop() ?? '')
    .filter((name) => /^[A-Za-z]\w*$/.test(name) && !taroOnly.has(name))
  return knownNames
}

function stripCallbacks(options: Options): Record<string, unknown> {
  const copy: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(options)) if (typeof value !== 'function') copy[key] = value
  return copy
}

/** The URL the request really goes to: a mapped origin, or loopback as it is; null for anything else. */
export function routeUrl(url: string, origins: Record<string, string>): string | null {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null // relative or malformed: the host has no base URL to resolve it against
  }
  const mapped = origins[parsed.origin]
  if (mapped) return `${mapped}${parsed.pathname}${parsed.search}`
  // This machine's own servers are reachable as they are; anything else is outside the sandbox.
  return ['127.0.0.1', 'localhost'].includes(parsed.hostname) ? url : null
}
