/**
 * The organizer's card operations against WeChat (or the simulator): upload the logo, create the
 * card, read its review state and stock, set the test whitelist. They take the Official Account's
 * token through stable_token, which never disturbs the token the functions cache (the classic
 * endpoint would retire it five minutes later).
 */
import type { WechatConfig } from '../shared/config'
import { callWithAccessToken, fetchStableToken } from '../wechat/client'
import { WechatError } from '../wechat/errors'
import { withLogo, type CardDefinition } from './definition'

export interface CardStatus {
  cardId: string
  cardType: string
  title: string
  /** CARD_STATUS_NOT_VERIFY (in review), CARD_STATUS_VERIFY_OK, CARD_STATUS_VERIFY_FAIL, ... */
  status: string
  quantity: number
  totalQuantity: number
}

async function token(config: WechatConfig): Promise<string> {
  return (await fetchStableToken(config)).access_token
}

/** POST /cgi-bin/media/uploadimg: the only logo_url WeChat accepts. */
export async function uploadLogo(config: WechatConfig, accessToken: string, logo: CardDefinition['logo']): Promise<string> {
  const form = new FormData()
  form.append('buffer', new Blob([new Uint8Array(logo.bytes)]), logo.fileName)
  const url = `${config.apiBase}/cgi-bin/media/uploadimg?access_token=${encodeURIComponent(accessToken)}`
  let answer: { url?: unknown; errcode?: number; errmsg?: string }
  try {
    answer = (await (await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(20_000) })).json()) as typeof answer
  } catch (err) {
    throw new WechatError('/cgi-bin/media/uploadimg', -2, `cannot reach ${config.apiBase}: ${(err as Error).message}`, config.appid, 'network')
  }
  if (answer.errcode) throw new WechatError('/cgi-bin/media/uploadimg', answer.errcode, answer.errmsg ?? '', config.appid)
  if (typeof answer.url !== 'string') throw new Error('media/uploadimg answered no url')
  return answer.url
}

/** Uploads the logo and creates the card; the card starts in review. */
export async function createCard(config: WechatConfig, definition: CardDefinition): Promise<CardStatus> {
  const accessToken = await token(config)
  const logoUrl = await uploadLogo(config, accessToken, definition.logo)
  const created = await callWithAccessToken<{ card_id?: unknown }>(config, accessToken, '/card/create', withLogo(definition, logoUrl))
  if (typeof created.card_id !== 'string') throw new Error('/card/create answered no card_id')
  return readCard(config, accessToken, created.card_id)
}

async function readCard(config: WechatConfig, accessToken: string, cardId: string): Promise<CardStatus> {
  const answer = await callWithAccessToken<{ card: Record<string, unknown> }>(config, accessToken, '/card/get', { card_id: cardId })
  const cardType = String(answer.card.card_type)
  const base = ((answer.card[cardType.toLowerCase()] as Record<string, unknown>)?.base_info ?? {}) as Record<string, unknown>
  const sku = (base.sku ?? {}) as { quantity?: number; total_quantity?: number }
  return {
    cardId,
    cardType,
    title: String(base.title ?? ''),
    status: String(base.status ?? 'unknown'),
    quantity: Number(sku.quantity ?? 0),
    totalQuantity: Number(sku.total_quantity ?? 0),
  }
}

export async function cardStatus(config: WechatConfig, cardId: string): Promise<CardStatus> {
  return readCard(config, await token(config), cardId)
}

/** Until review passes, only whitelisted WeChat users (openids or WeChat ids) can add the card. */
export async function setTestWhitelist(config: WechatConfig, testers: { openid: string[]; username: string[] }): Promise<void> {
  await callWithAccessToken(config, await token(config), '/card/testwhitelist/set', testers)
}
