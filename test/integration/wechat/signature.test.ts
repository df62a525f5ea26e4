/**
 * The cardExt signature function the wallet verifies with (section 4 of the card protocol),
 * checked against fixed vectors: WeChat's own example, and vectors where wrong sorts differ.
 * Expected values were computed independently (Python hashlib, code-point sort).
 */
import { cardExtSignature, signCardExt, stringToSign } from '../../../cloud/local/wechat'

describe('cardExt signature', () => {
  it('reproduces the official example of JS-SDK appendix 4', () => {
    const fields = { api_ticket: 'ojZ8YtyVyr30HheH3CM73y7h4jJE', timestamp: '1404896688', card_id: 'pjZ8Yt1XGILfi-FUsewpnnolGgZk', code: '1434008071', nonce_str: '123' }
    expect(stringToSign(Object.values(fields))).toBe('12314048966881434008071ojZ8YtyVyr30HheH3CM73y7h4jJEpjZ8Yt1XGILfi-FUsewpnnolGgZk')
    expect(signCardExt(fields)).toBe('f137ab68b7f8112d20ee528ab6074564e2796250')
  })

  it('sorts mixed-case values in code-unit order (uppercase before lowercase), unlike localeCompare', () => {
    const values = ['sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg', '1700000000', 'pAbCdEfGhIjKlMnOpQrStUvWxYz_', 'Zebra9', 'aardvark1']
    const signature = signCardExt({ api_ticket: values[0], timestamp: values[1], card_id: values[2], nonce_str: values[3], code: values[4] })
    expect(signature).toBe('3478f54eb99d89561002f166d717df14ffe95bb1')
    const localeSorted = [...values].sort((a, b) => a.localeCompare(b)).join('')
    expect(cardExtSignature([localeSorted])).not.toBe(signature)
  })

  it('sorts a numeric code shorter than the timestamp as a string, not as a number', () => {
    const fields = { api_ticket: 'ojZ8YtyVyr30HheH3CM73y7h4jJE', timestamp: '1700000000', card_id: 'pjZ8Yt1XGILfi-FUsewpnnolGgZk', nonce_str: 'abc123', code: '98765' }
    expect(signCardExt(fields)).toBe('5feeb9e76054b44216ceac1fa48781679a8d1b36')
    // A numeric sort would put 98765 before 1700000000.
    expect(signCardExt(fields)).not.toBe('8e41b29ba9407ca3ae5d8c56f546b3e15c432cdf')
  })

  it('an absent and an empty code or openid sign the same', () => {
    const base = { api_ticket: 'T', timestamp: '1700000000', card_id: 'pCard', nonce_str: 'n1' }
    expect(signCardExt({ ...base, code: '', openid: '' })).toBe(signCardExt(base))
  })
})
