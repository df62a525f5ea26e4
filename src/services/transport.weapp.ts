import Taro from '@tarojs/taro'
import type { ApiResult } from '../../cloud/src/api/envelope'
import { toResult, type FunctionRequest } from './transport.shared'

export type { FunctionRequest }

/** WeChat transport: cloud call, so the function gets the caller's OPENID from WeChat itself. */
export async function invoke<T>(fn: string, request: FunctionRequest): Promise<ApiResult<T>> {
  try {
    const { result } = await Taro.cloud.callFunction({ name: fn, data: request as unknown as Record<string, unknown> })
    return toResult<T>(fn, 200, result)
  } catch (err) {
    return {
      ok: false,
      error: { code: 'NETWORK_ERROR', message: `callFunction ${fn} failed: ${String(err)}`, retryable: true },
    }
  }
}
