/**
 * A hand-written stand-in for @tarojs/taro in jest (Taro's own test utils crash with Taro 4.2).
 * Navigation and network are jest.fn so tests can assert and script them; storage is in memory;
 * page lifecycle hooks run as effects; router params are set per test with setRouterParams; the
 * scanner answers what a test queues (queueScan).
 */
import { useEffect } from 'react'

const storage = new Map<string, unknown>()
let routerParams: Record<string, string> = {}

export function setRouterParams(params: Record<string, string>): void {
  routerParams = params
}

export function resetTaroStub(): void {
  storage.clear()
  routerParams = {}
  for (const fn of [navigateTo, navigateBack, switchTab, redirectTo, request, showToast, showModal]) fn.mockReset()
  request.mockRejectedValue(new Error('request not scripted in this test'))
  scanCode.mockReset()
  scanCode.mockImplementation(unscriptedScan)
  setClipboardData.mockClear()
}

export const navigateTo = jest.fn(async (_options: { url: string }) => ({ errMsg: 'navigateTo:ok' }))
export const navigateBack = jest.fn(async (_options?: { delta?: number }) => ({ errMsg: 'navigateBack:ok' }))
export const switchTab = jest.fn(async (_options: { url: string }) => ({ errMsg: 'switchTab:ok' }))
export const redirectTo = jest.fn(async (_options: { url: string }) => ({ errMsg: 'redirectTo:ok' }))
export const showToast = jest.fn(async (_options: { title: string }) => ({ errMsg: 'showToast:ok' }))
export const showModal = jest.fn(async (_options: { title?: string; content?: string }) => ({ confirm: true, cancel: false }))
export const request = jest.fn(
  async (_options: { url: string; method?: string; data?: unknown; header?: Record<string, string> }): Promise<{
    statusCode: number
    data: unknown
  }> => {
    throw new Error('request not scripted in this test')
  },
)

export function getStorageSync<T>(key: string): T | '' {
  return storage.has(key) ? (storage.get(key) as T) : ''
}

export function setStorageSync(key: string, value: unknown): void {
  storage.set(key, value)
}

export function useRouter(): { params: Record<string, string> } {
  return { params: routerParams }
}

export function useDidShow(callback: () => void): void {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(callback, [])
}

export const useLoad = useDidShow
export const useLaunch = useDidShow

/** Page hide and unload, run as effect cleanups: when the page unmounts. */
export function useDidHide(callback: () => void): void {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => callback, [])
}

export const useUnload = useDidHide

type ScanOptions = { onlyFromCamera?: boolean; scanType?: string[]; success?: (res: { result: string }) => void; fail?: (err: { errMsg: string }) => void }

function unscriptedScan(_options: ScanOptions): void {
  throw new Error('scanCode not scripted in this test')
}

/** The host's scanner: each answer is scripted with queueScan. */
export const scanCode = jest.fn(unscriptedScan)

/** The scanner answers `code` (as wx.scanCode's success does), or the person closes it (null); once. */
export function queueScan(code: string | null): void {
  scanCode.mockImplementationOnce((options) => {
    setTimeout(() => (code === null ? options.fail?.({ errMsg: 'scanCode:fail cancel' }) : options.success?.({ result: code })), 0)
  })
}

export const setClipboardData = jest.fn(async (_options: { data: string }) => ({ errMsg: 'setClipboardData:ok' }))

export function canIUse(_name: string): boolean {
  return false
}

const Taro = {
  navigateTo,
  navigateBack,
  switchTab,
  redirectTo,
  showToast,
  showModal,
  request,
  getStorageSync,
  setStorageSync,
  useRouter,
  useDidShow,
  useLoad,
  useLaunch,
  useDidHide,
  useUnload,
  scanCode,
  setClipboardData,
  canIUse,
}

export default Taro
