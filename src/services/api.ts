import {
  ACTION_FUNCTION,
  type ActionName,
  type ActionPayload,
  type ActionResultData,
} from '../../cloud/src/api/actions'
import type { ApiResult } from '../../cloud/src/api/envelope'
import { invoke } from './transport'

/**
 * The only door from the app to the backend: a typed action call. The transport (cloud call on
 * weapp, HTTP gateway elsewhere) is chosen at build time by Taro's per-target file resolution.
 */
export function callAction<A extends ActionName>(
  action: A,
  payload: ActionPayload<A>,
): Promise<ApiResult<ActionResultData<A>>> {
  return invoke<ActionResultData<A>>(ACTION_FUNCTION[action], { action, payload })
}
