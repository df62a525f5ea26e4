import { ConfigError } from '../shared/config'

/** The card of this deployment (`TICKETCARD_CARD_ID`), or null when it has no card pack. */
export function configuredCardId(): string | null {
  const raw = process.env.TICKETCARD_CARD_ID
  if (raw === undefined || raw === '') return null
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(raw)) throw new ConfigError('TICKETCARD_CARD_ID', `must be a card_id as /card/create answered it (got "${raw}")`)
  return raw
}

export type TicketCardType = 'SCENIC_TICKET' | 'MEETING_TICKET'

/**
 * The type of the deployment's card (`TICKETCARD_CARD_TYPE`, what `npm run card:create` created):
 * only a MEETING_TICKET card can be updated after it is in someone's card pack
 * (`/card/meetingticket/updateuser`), so only then does a moved session update the cards.
 */
export function cardTypeConfig(): TicketCardType {
  const raw = process.env.TICKETCARD_CARD_TYPE
  if (raw === undefined || raw === '') return 'SCENIC_TICKET'
  if (raw !== 'SCENIC_TICKET' && raw !== 'MEETING_TICKET') throw new ConfigError('TICKETCARD_CARD_TYPE', `must be SCENIC_TICKET or MEETING_TICKET (got "${raw}")`)
  return raw
}
