/**
 * A hand-written stand-in for @tarojs/taro in jest (Taro's own test utils crash with Taro 4.2).
 * Navigation and network are jest.fn so tests can assert and script them; storage is in memory;
 * page lifecycle hooks run as effects; router params are set per test with setRouterParams.
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
  canIUse,
}

export default Taro
