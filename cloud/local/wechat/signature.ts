import { createHash } from 'node:crypto'

/** The values a cardExt signature covers (section 4 of the card protocol). */
export interface CardExtSignedFields {
  api_ticket: string
  timestamp: string
  card_id: string
  nonce_str: string
  code?: string
  openid?: string
}

/**
 * The cardExt signature: the values (never the keys) sorted as strings in plain UTF-16 code-unit
 * order (JavaScript's default sort; not localeCompare, not numeric), concatenated with no
 * separator, SHA-1, lowercase hex. Empty values add nothing, so an absent and an empty `code` or
 * `openid` sign the same.
 */
export function cardExtSignature(values: ReadonlyArray<string | undefined>): string {
  return createHash('sha1').update(stringToSign(values), 'utf8').digest('hex')
}

/** The exact string that gets hashed; exposed for error hints and tests. */
export function stringToSign(values: ReadonlyArray<string | undefined>): string {
  return values
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .sort()
    .join('')
}

/** Signs a cardExt's fields as the WeChat client checks them. */
export function signCardExt(fields: CardExtSignedFields): string {
  return cardExtSignature([fields.api_ticket, fields.timestamp, fields.card_id, fields.nonce_str, fields.code, fields.openid])
}
