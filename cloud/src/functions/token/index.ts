import { ok, type ApiResult } from '../../api/envelope'
import { sdk } from '../../shared/cloud'
import { wechatConfig } from '../../shared/config'
import { openDatabase } from '../../shared/handler'
import { getAccessToken, getCardTicket, tokenStatus, type TokenStatus } from '../../wechat/tokens'

/**
 * Timer: keeps the Official Account access_token and the card api_ticket fresh ahead of expiry,
 * so request paths read them from the cache and never wait on WeChat.
 */
export async function main(): Promise<ApiResult<{ tokens: TokenStatus[] }>> {
  const deps = { db: openDatabase(sdk()), config: wechatConfig() }
  await getAccessToken(deps)
  await getCardTicket(deps)
  return ok({ tokens: await tokenStatus(deps) })
}
