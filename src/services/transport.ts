import Taro from '@tarojs/taro'
import type { ApiResult } from '../../cloud/src/api/envelope'
import { developmentOpenid } from './devIdentity'
import { toResult, type FunctionRequest } from './transport.shared'

export type { FunctionRequest }

/**
 * HTTP transport for every target without WeChat cloud call (H5, Alipay, ByteDance): one POST per
 * call to the gateway, `${API_BASE}/<function>`. Failures become result envelopes, never throws,
 * so callers handle one shape.
 */
export async function invoke<T>(fn: string, request: FunctionRequest): Promise<ApiResult<T>> {
  let response: Taro.request.SuccessCallbackResult<Record<string, unknown>>
  try {
    const openid = await developmentOpenid()
    response = await Taro.request({
      url: `${API_BASE}/${fn}`,
      method: 'POST',
      data: request,
      header: { 'content-type': 'application/json', 'x-wx-openid': openid },
      dataType: 'json',
    })
  } catch (err) {
    return {
      ok: false,
      error: { code: 'NETWORK_ERROR', message: `request to ${fn} failed: ${String(err)}`, retryable: true },
    }
  }
  return toResult<T>(fn, response.statusCode, response.data)
}
