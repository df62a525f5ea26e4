/**
 * cardExt signing against WeChat's published vector, our own vectors where a wrong sort gives a
 * different answer, and a property test against an independent implementation.
 */
import { createHash, randomBytes } from 'node:crypto'
import { cardExtSignature, signCardExt } from '../../cloud/src/card/signer'

describe('cardExtSignature', () => {
  it('matches the official example (JS-SDK appendix 4)', () => {
    expect(cardExtSignature(['ojZ8YtyVyr30HheH3CM73y7h4jJE', '1404896688', 'pjZ8Yt1XGILfi-FUsewpnnolGgZk', '123', '1434008071'])).toBe(
      'f137ab68b7f8112d20ee528ab6074564e2796250',
    )
  })

  it('sorts by code unit: upper case before lower case, not alphabetically ignoring case', () => {
    const values = ['alphaTicket', 'Zcard', 'mNonce', '1700000000']
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')
    // Code units: '1' < 'Z' < 'a' < 'm'.
    expect(cardExtSignature(values)).toBe(sha1('1700000000ZcardalphaTicketmNonce'))
    // localeCompare would put "alphaTicket" before "Zcard": a different signature.
    expect(cardExtSignature(values)).not.toBe(sha1([...values].sort((a, b) => a.localeCompare(b)).join('')))
  })

  it('sorts a numeric code shorter than the timestamp as a string, not as a number', () => {
    const sha1 = (s: string) => createHash('sha1').update(s).digest('hex')
    // As strings "17..." < "9..."; as numbers 9 < 1,700,000,000.
    expect(cardExtSignature(['1700000000', '98765', 'ticket', 'pCard'])).toBe(sha1('170000000098765pCardticket'))
    expect(cardExtSignature(['1700000000', '98765', 'ticket', 'pCard'])).not.toBe(sha1('987651700000000pCardticket'))
  })

  it('gives the same signature with or without an empty value', () => {
    expect(cardExtSignature(['a', 'b', ''])).toBe(cardExtSignature(['a', 'b']))
  })
})

describe('signCardExt', () => {
  const base = { apiTicket: 'ticketValue', cardId: 'pCardId123', code: '123456789012345678', outerStr: 'tabc', now: new Date(1_700_000_000_500) }

  it('sends exactly the signed fields, the timestamp in seconds as a string, and the unsigned outer_str', () => {
    const signed = signCardExt({ ...base, nonce: 'n1' })
    const ext = JSON.parse(signed.cardExt) as Record<string, unknown>
    expect(Object.keys(ext).sort()).toEqual(['code', 'nonce_str', 'outer_str', 'signature', 'timestamp'])
    expect(ext).toEqual({ code: base.code, timestamp: '1700000000', nonce_str: 'n1', signature: signed.signature, outer_str: 'tabc' })
    expect(signed.signature).toBe(cardExtSignature(['ticketValue', '1700000000', 'pCardId123', 'n1', base.code]))
    expect(ext).not.toHaveProperty('card_id')
    expect(signed.cardExt).not.toContain('ticketValue')
  })

  it('draws a fresh nonce of at most 32 letters or digits each time', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => signCardExt(base).nonce))
    expect(nonces.size).toBe(200)
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9]{1,32}$/)
  })

  it('agrees with an independent implementation on random inputs', () => {
    // Independent: insertion sort comparing UTF-16 code units by hand, Buffer-based SHA-1.
    const reference = (values: string[]) => {
      const list = values.filter((v) => v.length > 0)
      for (let i = 1; i < list.length; i += 1) {
        for (let j = i; j > 0 && codeUnitLess(list[j], list[j - 1]); j -= 1) [list[j], list[j - 1]] = [list[j - 1], list[j]]
      }
      return createHash('sha1').update(Buffer.from(list.join(''), 'utf8')).digest().toString('hex')
    }
    const alphabet = 'AZaz09_-MmQq5'
    const word = () => Array.from({ length: 1 + (randomBytes(1)[0] % 28) }, () => alphabet[randomBytes(1)[0] % alphabet.length]).join('')
    for (let i = 0; i < 500; i += 1) {
      const apiTicket = word()
      const cardId = word()
      const code = String(randomBytes(4).readUInt32BE(0) % 10 ** (1 + (i % 18)))
      const signed = signCardExt({ apiTicket, cardId, code, outerStr: 't', now: new Date(randomBytes(4).readUInt32BE(0) * 1000), nonce: word() })
      expect(signed.signature).toBe(reference([apiTicket, signed.timestamp, cardId, signed.nonce, code]))
    }
  })
})

function codeUnitLess(a: string, b: string): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) < b.charCodeAt(i)
  }
  return a.length < b.length
}
