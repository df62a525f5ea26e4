import { wechatConfig } from '../../shared/config'
import { defineTimerFunction } from '../../shared/timer'
import { getAccessToken, getCardTicket } from '../../wechat/tokens'

/**
 * Timer: keeps the Official Account access_token and the card api_ticket fresh ahead of expiry,
 * so request paths read them from the cache and never wait on WeChat. It answers nothing about the
 * tokens: their state is the operator's to see, with `npm run ops`.
 */
export const main = defineTimerFunction('token', async ({ db }) => {
  const deps = { db, config: wechatConfig() }
  await getAccessToken(deps)
  await getCardTicket(deps)
  return { refreshed: true }
})
