import Taro from '@tarojs/taro'
import { errMsgOf } from './errMsg'
import type { ScanOutcome } from './types'

/**
 * The host's camera scanner through `Taro.scanCode` (WeChat `wx.scanCode`, ByteDance
 * `tt.scanCode`, Alipay `my.scan` through Taro's alias). Only the camera: a photo from the album
 * is not someone standing at the gate. The content is `result` (WeChat, ByteDance) or `code`
 * (Alipay); `…:fail cancel` is the person closing the scanner.
 */
export function scanWithCamera(): Promise<ScanOutcome> {
  return new Promise((resolve) => {
    Taro.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode', 'barCode'],
      success: (res) => {
        const text = (res as { result?: string; code?: string }).result ?? (res as { code?: string }).code ?? ''
        resolve({ outcome: 'scanned', text })
      },
      fail: (err) => resolve(/fail.*cancel/i.test(errMsgOf(err)) ? { outcome: 'cancelled' } : { outcome: 'failed', reason: errMsgOf(err) }),
    })
  })
}
