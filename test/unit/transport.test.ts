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

  it('turns a gateway error body into an error result with its stable code', async () => {
    request.mockResolvedValueOnce({ statusCode: 404, data: { code: 'UNKNOWN_FUNCTION', message: 'no function "nope"' } })
    const result = await invoke('nope', { action: 'x', payload: {} })
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_FUNCTION', message: 'no function "nope"' } })
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
