import { ConfigError } from '../shared/config'

/** The card of this deployment (`TICKETCARD_CARD_ID`), or null when it has no card pack. */
export function configuredCardId(): string | null {
  const raw = process.env.TICKETCARD_CARD_ID
  if (raw === undefined || raw === '') return null
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(raw)) throw new ConfigError('TICKETCARD_CARD_ID', `must be a card_id as /card/create answered it (got "${raw}")`)
  return raw
}
