/**
 * Requests to the emulator signed as wx-server-sdk signs them (TC3-HMAC-SHA256 through
 * @cloudbase/signature-nodejs, the SDK's own signer), for tests that speak the wire protocol
 * directly: raw bodies, wrong keys, stale timestamps, bodies changed after signing.
 */
import { sign } from '@cloudbase/signature-nodejs'
import type { EmulatorCredentials } from '../../cloud/local/emulator/credentials'

export interface SigningOptions {
  /** Seconds since 1970; default now - 1, as node-sdk does. */
  timestamp?: number
  contentType?: string
}

/** The headers node-sdk sends with a POST of `params` to `url`: its signed headers plus the signature. */
export function signedHeaders(url: string, params: Record<string, unknown> | string, credentials: EmulatorCredentials, options: SigningOptions = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'user-agent': 'tcb-node-sdk/test',
    'x-tcb-source': 'wx_client,scf',
    host: new URL(url).host,
  }
  const { authorization, timestamp } = sign({
    ...credentials,
    method: 'post',
    url,
    params,
    headers,
    withSignedParams: true,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000) - 1,
  })
  return { ...headers, authorization, 'x-timestamp': String(timestamp), 'x-signature-expires': '600' }
}

/**
 * POSTs `body` signed with `credentials` (an object as JSON, signed field by field as node-sdk
 * does; a string as it is, signed as raw text); answers the HTTP status and the parsed reply.
 */
export async function postSigned(
  url: string,
  body: Record<string, unknown> | string,
  credentials: EmulatorCredentials,
  options: SigningOptions = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  const response = await fetch(url, { method: 'POST', body: text, headers: signedHeaders(url, body, credentials, options) })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}
