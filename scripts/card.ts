/**
 * The organizer's card commands:
 *   npm run card:create -- <card.json>            check the definition, upload the logo, create the card
 *   npm run card:whitelist -- <openid|wx id> ...   testers who may add the card before review passes
 *   npm run card:status -- [card_id]               review state and stock (default TICKETCARD_CARD_ID)
 * They use the Official Account from OA_APPID / OA_APPSECRET / WECHAT_API_BASE; with none set,
 * the local WeChat simulator of `npm run serve` and its development account.
 */
import { cardStatus, createCard, setTestWhitelist } from '../cloud/src/card/admin'
import { CardDefinitionError, loadCardDefinition } from '../cloud/src/card/definition'
import { ConfigError, wechatConfig, type WechatConfig } from '../cloud/src/shared/config'
import { WechatError } from '../cloud/src/wechat/errors'
import { DEVELOPMENT_DEFAULTS } from './stack'

const USAGE = `usage:
  npm run card:create -- <card.json>
  npm run card:whitelist -- <openid or WeChat id> [...]
  npm run card:status -- [card_id]`

function config(): WechatConfig {
  if (!process.env.OA_APPID) {
    for (const [name, value] of Object.entries(DEVELOPMENT_DEFAULTS)) if (!process.env[name]) process.env[name] = value
    process.env.WECHAT_API_BASE ??= `http://127.0.0.1:${process.env.WECHAT_SIM_PORT ?? 9302}`
    console.log(`OA_APPID is not set: using the local WeChat simulator at ${process.env.WECHAT_API_BASE}`)
  }
  return wechatConfig()
}

function reviewState(status: string): string {
  const words: Record<string, string> = {
    CARD_STATUS_NOT_VERIFY: 'in review: only whitelisted testers can add it (npm run card:whitelist)',
    CARD_STATUS_VERIFY_OK: 'approved',
    CARD_STATUS_VERIFY_FAIL: 'rejected in review: see the Official Account console',
    CARD_STATUS_DELETE: 'deleted',
    CARD_STATUS_DISPATCH: 'approved and on sale',
  }
  return words[status] ?? status
}

async function main(): Promise<void> {
  const [command, ...args] = process.argv.slice(2)
  if (command === 'create') {
    const file = args[0]
    if (!file) throw new UsageError()
    // Checked before anything is sent: a bad definition never reaches WeChat.
    const definition = loadCardDefinition(file)
    const card = await createCard(config(), definition)
    console.log(`card_id ${card.cardId}`)
    console.log(`${card.cardType} "${card.title}": ${reviewState(card.status)}; stock ${card.quantity}`)
    console.log(`next: set TICKETCARD_CARD_ID=${card.cardId} for the attendee function`)
    return
  }
  if (command === 'whitelist') {
    if (args.length === 0) throw new UsageError()
    // Openids of the Official Account start with "o"; anything else is taken as a WeChat id.
    const openid = args.filter((id) => /^o[A-Za-z0-9_-]{20,}$/.test(id))
    const username = args.filter((id) => !openid.includes(id))
    await setTestWhitelist(config(), { openid, username })
    console.log(`test whitelist set: ${openid.length} openid(s), ${username.length} WeChat id(s)`)
    return
  }
  if (command === 'status') {
    const cardId = args[0] ?? process.env.TICKETCARD_CARD_ID
    if (!cardId) throw new UsageError('give a card_id or set TICKETCARD_CARD_ID')
    const card = await cardStatus(config(), cardId)
    console.log(`card_id ${card.cardId}`)
    console.log(`${card.cardType} "${card.title}": ${reviewState(card.status)}`)
    console.log(`stock ${card.quantity} of ${card.totalQuantity}`)
    return
  }
  throw new UsageError()
}

class UsageError extends Error {}

main().catch((err: unknown) => {
  if (err instanceof UsageError) console.error(err.message ? `${err.message}\n${USAGE}` : USAGE)
  else if (err instanceof CardDefinitionError) console.error(`the card definition is not valid; nothing was sent to WeChat:\n${err.problems.map((p) => `  ${p}`).join('\n')}`)
  else if (err instanceof ConfigError || err instanceof WechatError) console.error(err.message)
  else console.error(err)
  process.exit(err instanceof UsageError || err instanceof CardDefinitionError ? 2 : 1)
})
