/**
 * What each mini-program host's logic layer offers a built bundle, as the harness models it.
 * Everything not listed here is absent: the sandbox starts from a bare V8 context (ECMAScript
 * built-ins only, no `console`, timers, `fetch`, `crypto`, `TextEncoder`, `URL` or `localStorage`)
 * and adds exactly these names. Sources are cited per fact; `../shared/docs/miniprogram-hosts.md`
 * keeps the same facts for the whole team.
 */

export type HostName = 'weapp' | 'alipay' | 'tt'

export interface HostModel {
  name: HostName
  /** The host API object's global name. */
  apiObject: 'wx' | 'my' | 'tt'
  /** Where `npm run build:<target>` writes the bundle, relative to the repository root. */
  distDir: string
  /** Page template and style extensions, to tell a page folder apart from a chunk. */
  templateExt: string
  /**
   * Globals besides the ECMAScript built-ins and the API object. `console` and the four timer
   * functions are on every host.
   */
  extraGlobals: readonly string[]
  /**
   * Names every module's wrapper function binds to `undefined`, so a bundle reading them as free
   * identifiers gets `undefined` (not a ReferenceError), as on the host.
   */
  shadowedInModules: readonly string[]
  /** `globalThis` is a reachable name. */
  hasGlobalThis: boolean
  /**
   * WeChat's privacy authorization: `wx.getPrivacySetting`, `requirePrivacyAuthorize`,
   * `onNeedPrivacyAuthorization`, `openPrivacyContract` and `<button open-type=
   * "agreePrivacyAuthorization">` (the facts: "WeChat's privacy authorization" below).
   */
  privacyAuthorization: boolean
}

/**
 * WeChat's privacy authorization, as the harness models it (base library 2.32.3+). Sources:
 * developers.weixin.qq.com/miniprogram/dev/api/open-api/privacy/ (wx.getPrivacySetting,
 * wx.requirePrivacyAuthorize, wx.onNeedPrivacyAuthorization, wx.openPrivacyContract) and
 * /miniprogram/dev/framework/user-privacy/PrivacyAuthorize (小程序隐私协议开发指南).
 * - getPrivacySetting, requirePrivacyAuthorize, openPrivacyContract: "以 Promise 风格调用：不支持"
 *   (callbacks only). getPrivacySetting answers `{needAuthorization, privacyContractName}`;
 *   needAuthorization is false when nothing is declared or the user agreed, true otherwise.
 * - requirePrivacyAuthorize: agreed before → success at once, no event; not agreed and a listener
 *   registered → the listener is called at once and the call waits for its `resolve`; no listener
 *   → WeChat's own popup (not modelled: a test error here).
 * - onNeedPrivacyAuthorization(listener(resolve, eventInfo{referrer})): `resolve({event: 'agree',
 *   buttonId})` lets the waiting call continue, and "基础库会检查对应的同意按钮是否被点击过" (call
 *   it after the button's bindagreeprivacyauthorization); `resolve({event: 'disagree'})` fails it
 *   with "API:fail privacy permission is not authorized"; `resolve({event:
 *   'exposureAuthorization'})` only reports that the popup is shown.
 * - Tapping `<button open-type="agreePrivacyAuthorization">` records the agreement with WeChat
 *   ("微信会收到该同步信息": the guide as quoted in juejin.cn/post/7275550548945698853; the stored
 *   copy of the official page is cut short) and raises `bindagreeprivacyauthorization`.
 * - app.json `__usePrivacyCheck__: true` turned the checks on before 2023-10-17; since then they
 *   apply whatever it says.
 * Assumed where WeChat documents nothing: the event's detail is `{}`; eventInfo.referrer for
 * requirePrivacyAuthorize is "requirePrivacyAuthorize"; a second onNeedPrivacyAuthorization
 * replaces the first (the app registers once, at launch).
 * Alipay has no such API. ByteDance has look-alikes (tt.getPrivacySetting..., base library 3.19.0,
 * developer.open-douyin.com .../privacy/) that the app does not use and the harness does not implement.
 */

/**
 * WeChat's subpackages, as the harness models them. Source: developers.weixin.qq.com/miniprogram/
 * dev/framework/subpackages/basic.html (使用分包; the same rules are quoted in many copies).
 * - app.json `subpackages` / `subPackages`: `{root, pages}` per package, pages relative to the root;
 *   everything outside every root is the main package.
 * - "tabBar 页面必须在主包内": a tab page in a subpackage is refused (so the 工作台 tab stays in
 *   the main package and links in).
 * - Loading: the main package is downloaded at start; "当用户进入分包内某个页面时，客户端会把对应
 *   分包下载下来，下载完成后再进行展示": the harness runs a subpackage's page modules on the first
 *   navigation (or launch) into it.
 * - References: "packageA 无法 require packageB JS 文件，但可以 require 主包、packageA 内的 JS 文件"
 *   (分包异步化 aside, which the app does not use); the main package cannot require a subpackage's
 *   files either. Sizes: each package at most 2 MB, all together 20 MB (30 MB in newer copies of
 *   the page; not checked here, build-all prints the main package).
 * Not modelled: independent subpackages, preloadRule, 分包异步化 (require.async).
 */

/**
 * WeChat's file system and file sharing, as far as the export uses them. Sources:
 * developers.weixin.qq.com/miniprogram/dev/framework/ability/file-system.html (文件系统),
 * /dev/api/base/wx.env.html, /dev/api/file/FileSystemManager.writeFile.html (and writeFileSync,
 * readFile), /dev/api/share/wx.shareFileMessage.html, /dev/api/device/clipboard/wx.setClipboardData.html.
 * - `wx.env.USER_DATA_PATH`: the user folder ("本地用户文件"), `wxfile://usr` on phones (`http://usr`
 *   in DevTools); "开发者对这个目录有完全自由的读写权限"; files there and cached files share a quota
 *   of 200 MB per mini-program (10 MB in older copies of the page).
 * - FileSystemManager.writeFile / readFile: "以 Promise 风格 调用：不支持"; writeFileSync /
 *   readFileSync are their synchronous forms and throw. Failures: "fail no such file or directory,
 *   open ${filePath}" (the folder does not exist), "fail permission denied, open ${dirPath}", "fail
 *   the maximum size of the file storage limit is exceeded". Encodings include utf8 (the default).
 * - wx.shareFileMessage({filePath, fileName}): base library 2.16.1, Promise style supported,
 *   "限制：仅在点击行为时调用"; filePath "必须为本地路径或临时路径"; fileName defaults to the path's.
 *   The errMsg for a call outside a tap is not documented: modelled on requestSubscribeMessage's.
 * - wx.setClipboardData({data}): base library 1.1.0; "调用成功后，会弹出 toast 提示"内容已复制"，持续 1.5s".
 * - wx.scanCode: `onlyFromCamera` (no album), `scanType` (barCode, qrCode, ...); success answers
 *   `result` (the content), `scanType`, `charSet`, `path`, `rawData` (/dev/api/device/scan/wx.scanCode.html).
 */

/**
 * WeChat. Globals: developers.weixin.qq.com/miniprogram/dev/reference (App, Page, Component,
 * Behavior, getApp, getCurrentPages, require/module/exports, requirePlugin, console, timers;
 * WXWebAssembly since base library 2.13.0, not WebAssembly). No window or document
 * (framework/app-service: "逻辑层并非运行在浏览器中…如 window、document 等"). `global` is a plain
 * writable object: compiled app-service.js files open with `var global = global || {}`.
 * `globalThis` exists on current clients (V8 / JavaScriptCore) but not on some old ones (uni-app
 * issues 4117, 4312): modelled present, so code must not rely on it carrying anything.
 * Module wrapper: every file is compiled as `define("path.js", function(require, module, exports,
 * window, document, frames, self, location, navigator, localStorage, history, Caches, screen,
 * alert, confirm, prompt, XMLHttpRequest, WebSocket, Reporter, webkit, WeixinJSCore) {...})` and
 * called with the first three only (seen in real app-service.js bundles; `fetch` is absent from
 * the current list, so it is simply an undefined global). eval and `new Function` are refused,
 * except `new Function('return this')` (framework/runtime/js-support, 运行限制).
 */
const WEAPP_SHADOWED = [
  'window', 'document', 'frames', 'self', 'location', 'navigator', 'localStorage', 'history', 'Caches',
  'screen', 'alert', 'confirm', 'prompt', 'XMLHttpRequest', 'WebSocket', 'Reporter', 'webkit', 'WeixinJSCore',
] as const

/**
 * Alipay. The worker entry Alipay's IDE generates (`index$.worker.js`) sets on `self`:
 * getCurrentPages, getApp, Page, App, my (and its alias abridge), Component, $global,
 * requirePlugin. The engine forbids access to `globalThis` and `global` (Alipay docs,
 * "小程序的 JavaScript 引擎"); `navigator` is a host global (Taro's alipay plugin, program.ts:
 * "支付宝系小程序全局就有 navigator 对象，不需要模拟", so the build does not inject its own).
 * eval / new Function: no Alipay statement found; modelled refused like the other hosts.
 * Module wrapper parameters: not documented; modelled as the reserved names (window, document,
 * self, location, XMLHttpRequest, fetch), which a module may not use.
 */
const ALIPAY_SHADOWED = ['window', 'document', 'self', 'location', 'XMLHttpRequest', 'fetch'] as const

/**
 * ByteDance (Douyin). tt bundles call App, Page, Component, getApp, getCurrentPages and tt.* as
 * globals; timers exist; `globalThis` is absent (zyrong/miniprogram-polyfill#1: "字节小程序目前不
 * 存在globalThis"); no eval, no `new Function` (docs, 逻辑层: "不支持 eval；不支持 new Function()
 * 创建函数"; the `return this` exception is WeChat's, kept here since Taro's chunk runtime needs
 * some way to the global object and tt bundles run). Module wrapper, from real tt bundles:
 * `define("x.js", function(require, module, exports, window, document, frames, self, location,
 * navigator, localStorage, history, Caches, screen, alert, confirm, prompt, fetch,
 * XMLHttpRequest, WebSocket, webkit, ttJSCore, Reporter, print) {...})`.
 */
const TT_SHADOWED = [
  'window', 'document', 'frames', 'self', 'location', 'navigator', 'localStorage', 'history', 'Caches', 'screen',
  'alert', 'confirm', 'prompt', 'fetch', 'XMLHttpRequest', 'WebSocket', 'webkit', 'ttJSCore', 'Reporter', 'print',
] as const

export const HOSTS: Record<HostName, HostModel> = {
  weapp: {
    name: 'weapp',
    apiObject: 'wx',
    distDir: 'dist',
    templateExt: '.wxml',
    extraGlobals: ['App', 'Page', 'Component', 'Behavior', 'getApp', 'getCurrentPages', 'requirePlugin', 'global', 'WXWebAssembly'],
    shadowedInModules: WEAPP_SHADOWED,
    hasGlobalThis: true,
    privacyAuthorization: true,
  },
  alipay: {
    name: 'alipay',
    apiObject: 'my',
    distDir: 'dist-alipay',
    templateExt: '.axml',
    extraGlobals: ['App', 'Page', 'Component', 'getApp', 'getCurrentPages', 'requirePlugin', 'abridge', '$global', 'navigator'],
    shadowedInModules: ALIPAY_SHADOWED,
    hasGlobalThis: false,
    privacyAuthorization: false,
  },
  tt: {
    name: 'tt',
    apiObject: 'tt',
    distDir: 'dist-tt',
    templateExt: '.ttml',
    extraGlobals: ['App', 'Page', 'Component', 'getApp', 'getCurrentPages', 'requirePlugin', 'TTWebAssembly'],
    shadowedInModules: TT_SHADOWED,
    hasGlobalThis: false,
    privacyAuthorization: false,
  },
}

/** Globals every host has beyond ECMAScript. */
export const COMMON_GLOBALS = ['console', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] as const

/** What a browser or Node has and no mini-program logic layer does: the sandbox never offers them. */
export const BROWSER_ONLY_GLOBALS = [
  'crypto', 'fetch', 'localStorage', 'sessionStorage', 'XMLHttpRequest', 'TextEncoder', 'TextDecoder',
  'atob', 'btoa', 'URL', 'URLSearchParams', 'structuredClone', 'queueMicrotask', 'process', 'Buffer',
  'WebAssembly',
] as const
