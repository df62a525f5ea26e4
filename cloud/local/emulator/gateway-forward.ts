/**
 * Serves `cloud.callFunction` from the local runtime's HTTP gateway (`POST <url>/api/<name>`),
 * for the emulator running as its own process. The gateway answers the callee's result as JSON,
 * or `{ok: false, error}` with a 4xx/5xx status.
 *
 * Known gap: the caller's identity is not forwarded, so the callee runs as an HTTP-access call
 * (no OPENID), whereas on CloudBase a function called by a user-invoked function sees that user.
 */
import type { FunctionHandlers } from './actions'

type InvokeFunction = NonNullable<FunctionHandlers['invokeFunction']>

export function forwardToGateway(gatewayUrl: string): InvokeFunction {
  const base = gatewayUrl.replace(/\/+$/, '')
  return async ({ name, data }) => {
    const response = await fetch(`${base}/api/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data ?? {}),
    })
    const text = await response.text()
    let body: unknown
    try {
      body = text === '' ? null : JSON.parse(text)
    } catch {
      throw new Error(`gateway answered ${response.status} with non-JSON text`)
    }
    if (!response.ok) {
      const error = (body as { error?: { code?: string; message?: string } } | null)?.error
      throw new Error(`${error?.code ?? response.status}: ${error?.message ?? text}`)
    }
    return body
  }
}
