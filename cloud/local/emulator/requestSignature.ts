/**
 * Checks the TC3-HMAC-SHA256 signature wx-server-sdk (through @cloudbase/node-sdk) puts on every
 * request, as CloudBase does: the secret id, the timestamp against the expiry window, and the
 * signature recomputed over the method, URL, signed headers and every parameter of the body.
 * The signer is the SDK's own (@cloudbase/signature-nodejs), so both sides canonicalise alike.
 *
 * Two steps, so a stranger costs nothing: `checkSignatureHeaders` (the Authorization header, the
 * secret id, the timestamp) runs before the body is read; `checkSignature` then recomputes the
 * signature from the raw body. A JSON body's parameters are taken from its raw text (topLevelJson.ts)
 * and never parsed here: the signer hashes each top-level field as a string (a string value as it
 * is, anything else as the SDK's JSON.stringify of it, which is the text the SDK sent), so the raw
 * text of each value is what was signed, and the body is parsed only once it is known to be signed.
 */
import { timingSafeEqual } from 'node:crypto'
import type http from 'node:http'
import { Signer } from '@cloudbase/signature-nodejs'
import { parseMultipart } from '../wechat/multipart'
import type { EmulatorCredentials } from './credentials'
import { CloudBaseError, ReplyCode } from './errors'
import { topLevelFields } from './topLevelJson'

/** wx-server-sdk declares `X-Signature-Expires: 600`; a request claiming longer is held to this. */
export const MAX_SIGNATURE_AGE_SECONDS = 600
/** Tencent Cloud accepts a timestamp at most five minutes ahead of its clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300

/** What the signature covers, as the emulator received it. */
export interface ReceivedRequest {
  method: string
  /** Path and query, as on the request line. */
  path: string
  headers: http.IncomingHttpHeaders
  /** What the SDK signed as parameters (see jsonParams and multipartParams); read once the headers pass. */
  params: () => SignedParams
}

/** What the signature headers claim, checked before the body is read (checkSignatureHeaders). */
export interface SignatureClaim {
  /** `content-type;host;...` as the Authorization header lists them. */
  signedHeaderNames: string
  /** Hex HMAC-SHA256. */
  signature: string
  /** X-Timestamp, seconds since 1970. */
  timestamp: number
}

export type SignedParams = Record<string, unknown> | string

// node-sdk writes `TC3-HMAC-SHA256 Credential=<id>/<date>/tcb/tc3_request, SignedParams=a;b,
// SignedHeaders=content-type;host;..., Signature=<hex>`.
const AUTHORIZATION =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/[^\s,]+\/tc3_request,(?: SignedParams=[^,]*,)? SignedHeaders=([a-z0-9_;-]+), Signature=([0-9a-f]{64})$/

function refused(reason: string, message: string): CloudBaseError {
  return new CloudBaseError(ReplyCode.SIGN_PARAM_INVALID, `[AuthFailure.${reason}] ${message}`)
}

function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)]
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The signer lower-cases parameter names, so `query` and `Query` would be hashed as one while the
 * emulator reads `query`: a body holding both could carry a forged value past a good signature.
 * A name written twice is refused alike: the signature would cover one, the parse keep the other.
 */
function refuseCaseTwins(names: string[]): void {
  const seen = new Map<string, string>()
  const exact = new Set<string>()
  for (const name of names) {
    if (exact.has(name)) throw refused('SignatureFailure', `parameter "${name}" appears twice, so one signature cannot cover both`)
    exact.add(name)
    const folded = Signer.camSafeUrlEncode(name.toLowerCase().trim())
    const twin = seen.get(folded)
    if (twin !== undefined) throw refused('SignatureFailure', `parameters "${twin}" and "${name}" differ only in letter case, so one signature cannot cover both`)
    seen.set(folded, name)
  }
}

/**
 * A JSON body's signed parameters, from its raw text: the fields of an object (the SDK signs the
 * object it serialises, each value as a string), else the whole text (as the signer signs a string).
 */
export function jsonParams(text: string): SignedParams {
  const fields = topLevelFields(text)
  if (!fields) return text
  refuseCaseTwins(fields.map((field) => field.name))
  return Object.fromEntries(fields.map((field) => [field.name, field.value]))
}

/**
 * A multipart body's signed parameters (wx.openApi): each field by name, a Buffer where form-data
 * sent a Buffer (those parts carry a content type), text otherwise.
 */
export function multipartParams(body: Buffer, contentType: string): SignedParams {
  const parts = parseMultipart(body, contentType)
  if (!parts) throw refused('SignatureFailure', 'the multipart body is malformed, so its signature cannot be checked')
  refuseCaseTwins(parts.map((part) => part.name))
  return Object.fromEntries(parts.map((part) => [part.name, part.contentType !== null || part.filename !== null ? part.data : part.data.toString('utf8')]))
}

/**
 * The headers' part of the check, before any of the body is read: throws SIGN_PARAM_INVALID, saying
 * what is wrong, unless the request is signed, by `credentials`' secret id, within its time window,
 * over the host and content-type headers. Answers what the signature claims, for checkSignature.
 */
export function checkSignatureHeaders(headers: http.IncomingHttpHeaders, credentials: EmulatorCredentials, nowSeconds = Math.floor(Date.now() / 1000)): SignatureClaim {
  const authorization = header(headers, 'authorization')
  if (!authorization) {
    throw refused('InvalidAuthorization', 'request is not signed: no Authorization header (wx-server-sdk signs with TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY)')
  }
  const parts = AUTHORIZATION.exec(authorization)
  if (!parts) throw refused('InvalidAuthorization', 'the Authorization header is not a TC3-HMAC-SHA256 signature as wx-server-sdk makes it')
  const [, secretId, signedHeaderNames, signature] = parts
  if (!sameText(secretId, credentials.secretId)) {
    throw refused('SecretIdNotFound', `unknown secret id "${secretId}": each local emulator run makes its own credentials (see cloud/local/emulator/README.md)`)
  }

  const timestamp = Number(header(headers, 'x-timestamp'))
  if (!Number.isSafeInteger(timestamp) || timestamp <= 0) throw refused('InvalidAuthorization', 'the signed request has no valid X-Timestamp header (seconds since 1970)')
  const declared = Number(header(headers, 'x-signature-expires'))
  const validFor = Number.isSafeInteger(declared) && declared > 0 ? Math.min(declared, MAX_SIGNATURE_AGE_SECONDS) : MAX_SIGNATURE_AGE_SECONDS
  const age = nowSeconds - timestamp
  if (age > validFor) throw refused('SignatureExpire', `signature expired: made ${age} s ago, valid for ${validFor} s`)
  if (-age > MAX_CLOCK_SKEW_SECONDS) throw refused('SignatureExpire', `signature timestamp is ${-age} s ahead of this clock (at most ${MAX_CLOCK_SKEW_SECONDS} s allowed)`)
  const names = signedHeaderNames.split(';')
  if (!names.includes('host') || !names.includes('content-type')) throw refused('InvalidAuthorization', 'the signature must cover the host and content-type headers')
  return { signedHeaderNames, signature, timestamp }
}

/** The body's part: throws SIGN_PARAM_INVALID unless `claim`'s signature is the one `credentials` make over this request. */
export function checkSignature(request: ReceivedRequest, claim: SignatureClaim, credentials: EmulatorCredentials): void {
  const params = request.params()
  const signedHeaders = Object.fromEntries(claim.signedHeaderNames.split(';').map((name) => [name, header(request.headers, name)]))
  let expected: string
  try {
    // node-sdk signs the method in lower case ("post"), and the URL without its scheme.
    const url = `http://${header(request.headers, 'host') ?? ''}${request.path}`
    expected = String(new Signer(credentials, 'tcb').tc3sign(request.method.toLowerCase(), url, signedHeaders, params, claim.timestamp, { withSignedParams: true }).signature)
  } catch (err) {
    throw refused('InvalidAuthorization', `the signature must cover the host and content-type headers (${(err as Error).message})`)
  }
  if (!timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(claim.signature, 'hex'))) {
    throw refused('SignatureFailure', 'signature does not match the request: it was made with another secret key, or the request changed after signing')
  }
}

/** Both steps at once: throws SIGN_PARAM_INVALID, saying what is wrong, unless the request carries a valid signature by `credentials`. */
export function verifySignature(request: ReceivedRequest, credentials: EmulatorCredentials, nowSeconds = Math.floor(Date.now() / 1000)): void {
  checkSignature(request, checkSignatureHeaders(request.headers, credentials, nowSeconds), credentials)
}
