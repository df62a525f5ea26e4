/** A deployment without a card answers CARD_UNAVAILABLE, with a clear message, before any lookup. */
import { configuredCardId } from '../../cloud/src/domain/cardConfig'
import { cardExt } from '../../cloud/src/domain/cardPack'
import type { CallContext } from '../../cloud/src/shared/handler'

const saved = process.env.TICKETCARD_CARD_ID
afterEach(() => {
  if (saved === undefined) delete process.env.TICKETCARD_CARD_ID
  else process.env.TICKETCARD_CARD_ID = saved
})

test('no TICKETCARD_CARD_ID: card.ext is CARD_UNAVAILABLE and touches no database', async () => {
  delete process.env.TICKETCARD_CARD_ID
  const db = new Proxy({}, { get: () => { throw new Error('database touched') } })
  const ctx = { openid: 'o_someone', source: 'wx_client', db, now: () => new Date() } as unknown as CallContext
  await expect(cardExt(ctx, { ticketId: 'tabc' })).rejects.toMatchObject({ code: 'CARD_UNAVAILABLE', message: expect.stringContaining('TICKETCARD_CARD_ID') })
})

test('a malformed TICKETCARD_CARD_ID is a configuration error naming the variable', () => {
  process.env.TICKETCARD_CARD_ID = 'not a card id!'
  expect(() => configuredCardId()).toThrow(/TICKETCARD_CARD_ID/)
})
