/**
 * The shared stand-in for @tarojs/taro (test/support/taro.ts) plus what the staff and organizer
 * pages use beyond it: the scanner, the clipboard, and the hide/unload lifecycles (run as effect
 * cleanups, i.e. when the page unmounts). A test file opts in with
 * `jest.mock('@tarojs/taro', () => jest.requireActual('./taroStub'))` and imports its helpers from here.
 */
import { useEffect } from 'react'

type SharedStub = typeof import('../support/taro')
const shared = jest.requireActual<SharedStub>('../support/taro')

export const {
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
  setRouterParams,
} = shared

/** The next answer of the host's scanner: a code, or the person closing it. */
export const scanCode = jest.fn(
  (_options: { onlyFromCamera?: boolean; scanType?: string[]; success?: (res: { result: string }) => void; fail?: (err: { errMsg: string }) => void }): void => {
    throw new Error('scanCode not scripted in this test')
  },
)

export const setClipboardData = jest.fn(async (_options: { data: string }) => ({ errMsg: 'setClipboardData:ok' }))

/** The scanner answers `code` (as wx.scanCode's success does), once. */
export function queueScan(code: string | null): void {
  scanCode.mockImplementationOnce((options) => {
    setTimeout(() => (code === null ? options.fail?.({ errMsg: 'scanCode:fail cancel' }) : options.success?.({ result: code })), 0)
  })
}

export function useDidHide(callback: () => void): void {
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => callback, [])
}

export const useUnload = useDidHide

export function resetTaroStub(): void {
  shared.resetTaroStub()
  scanCode.mockReset()
  scanCode.mockImplementation(() => {
    throw new Error('scanCode not scripted in this test')
  })
  setClipboardData.mockClear()
}

const Taro = { ...shared.default, scanCode, setClipboardData, useDidHide, useUnload }

export default Taro
