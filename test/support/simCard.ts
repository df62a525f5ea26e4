/**
 * A ticket card in the WeChat simulator, created the way `card:create` does it over HTTP (token,
 * logo upload, /card/create) for the test Official Account, and approved.
 */
import type { WechatSimulator } from '../../cloud/local/wechat'
import { cardBody, pngBytes, type Answer, type CardOptions } from '../integration/wechat/support'
import { TEST_OA } from './wechatStack'

export async function simPost(wechat: WechatSimulator, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${wechat.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return (await response.json()) as Answer
}

/** `options.type`: a MEETING_TICKET card (the default of cardBody) or a SCENIC_TICKET one. */
export async function createApprovedCard(wechat: WechatSimulator, options: CardOptions = {}): Promise<string> {
  const { access_token: token } = await simPost(wechat, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: TEST_OA.appid, secret: TEST_OA.secret, force_refresh: false })
  const form = new FormData()
  form.append('buffer', new Blob([pngBytes()]), 'logo.png')
  const logo = (await (await fetch(`${wechat.baseUrl}/cgi-bin/media/uploadimg?access_token=${String(token)}`, { method: 'POST', body: form })).json()) as Answer
  const created = await simPost(wechat, `/card/create?access_token=${String(token)}`, cardBody(String(logo.url), options))
  if (typeof created.card_id !== 'string') throw new Error(`card create failed: ${JSON.stringify(created)}`)
  wechat.control.approveCard({ cardId: created.card_id })
  return created.card_id
}
