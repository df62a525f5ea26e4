import { request, resetTaroStub } from '../support/taro'
import { invoke } from '../../src/services/transport'

beforeEach(() => resetTaroStub())

describe('HTTP transport to the gateway', () => {
  it('posts the action to /api/<function> with the development identity and returns the envelope', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { ok: true, data: { events: [] } } })

    const result = await invoke('attendee', { action: 'events.list', payload: {} })

    expect(result).toEqual({ ok: true, data: { events: [] } })
    const call = request.mock.calls[0][0]
    expect(call.url).toBe('/api/attendee')
    expect(call.method).toBe('POST')
    expect(call.data).toEqual({ action: 'events.list', payload: {} })
    expect(call.header?.['x-wx-openid']).toMatch(/^dev_[0-9a-f]{24}$/)
  })

  it('keeps one development identity per browser profile', async () => {
    request.mockResolvedValue({ statusCode: 200, data: { ok: true, data: {} } })
    await invoke('attendee', { action: 'events.list', payload: {} })
    await invoke('attendee', { action: 'events.list', payload: {} })
    const [first, second] = request.mock.calls.map((c) => c[0].header?.['x-wx-openid'])
    expect(first).toBe(second)
  })

  it('passes a function error envelope through unchanged', async () => {
    const answer = { ok: false, error: { code: 'SOLD_OUT', message: 'session s1 has no seats left' } }
    request.mockResolvedValueOnce({ statusCode: 200, data: answer })
    expect(await invoke('attendee', { action: 'reservation.reserve', payload: {} })).toEqual(answer)
  })

  it('passes a gateway error answer (a 4xx envelope) through with its stable code', async () => {
    const answer = { ok: false, error: { code: 'UNKNOWN_FUNCTION', message: 'no function named "nope"' } }
    request.mockResolvedValueOnce({ statusCode: 404, data: answer })
    expect(await invoke('nope', { action: 'x', payload: {} })).toEqual(answer)
  })

  it('does not trust an envelope carrying an error code outside the contract', async () => {
    request.mockResolvedValueOnce({ statusCode: 400, data: { ok: false, error: { code: 'MADE_UP', message: 'x' } } })
    expect(await invoke('attendee', { action: 'x', payload: {} })).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  })

  it('reports a network failure as a retryable NETWORK_ERROR instead of throwing', async () => {
    request.mockRejectedValueOnce(new Error('request:fail timeout'))
    const result = await invoke('attendee', { action: 'events.list', payload: {} })
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('NETWORK_ERROR')
      expect(result.error.retryable).toBe(true)
    }
  })

  it('does not mistake an unrelated 502 page for success', async () => {
    request.mockResolvedValueOnce({ statusCode: 502, data: '<html>Bad Gateway</html>' })
    const result = await invoke('attendee', { action: 'events.list', payload: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'NETWORK_ERROR', retryable: true } })
  })
})
