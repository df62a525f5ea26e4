import Taro from '@tarojs/taro'
import type { ApiResult } from '../../cloud/src/api/envelope'
import { developmentOpenid } from './devIdentity'
import { toResult, type FunctionRequest } from './transport.shared'

export type { FunctionRequest }

/**
 * HTTP transport for every target without WeChat cloud call (H5, Alipay, ByteDance): one POST per
 * call to the gateway, `${API_BASE}/<function>`. Failures become result envelopes, never throws,
 * so callers handle one shape.
 *
 * Only development builds say who the caller is (the local gateway's `x-wx-openid`): production
 * builds of these targets have no sign-in yet, call only public actions, and carry no trace of
 * the development identity (DEV_BACKEND is a build constant, so the branch is not even bundled).
 */
export async function invoke<T>(fn: string, request: FunctionRequest): Promise<ApiResult<T>> {
  let response: Taro.request.SuccessCallbackResult<Record<string, unknown>>
  try {
    const header: Record<string, string> = { 'content-type': 'application/json' }
    if (DEV_BACKEND) header['x-wx-openid'] = await developmentOpenid()
    response = await Taro.request({
      url: `${API_BASE}/${fn}`,
      method: 'POST',
      data: request,
      header,
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
