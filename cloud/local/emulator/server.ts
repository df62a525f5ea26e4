/**
 * The HTTP front: `POST /admin?env=...&seqId=...`, where wx-server-sdk sends everything when
 * `TCB_CONTEXT_CNFG` points here. JSON bodies carry database and function actions; multipart
 * bodies are `wx.openApi` calls, passed raw to the WeChat side. Every request must carry the SDK's
 * signature made with this emulator's credentials (see requestSignature.ts); /health needs none.
 *
 * Order of work, so that a request nobody signed costs nothing: the signature's headers (secret id,
 * timestamp) and a declared Content-Length are checked before a byte of the body is read; the body
 * is read up to MAX_BODY_BYTES; the signature is checked over its raw text; only then is its
 * nesting measured (a bounded scan) and the body parsed, once.
 *
 * Errors are answered with HTTP 200 and `{code, message}`, as CloudBase does: for any other status
 * the SDK reports only "<status> <text>", losing the message.
 */
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { type Action, type ActionContext, type WireRequest } from './actions'
import type { Admission } from './quota'
import type { EmulatorCredentials } from './credentials'
import { jsonNestingDepth } from '../runtime/jsonNesting'
import { CloudBaseError, invalidParam, ReplyCode } from './errors'
import { checkSignature, checkSignatureHeaders, jsonParams, multipartParams, type SignatureClaim } from './requestSignature'

export interface OpenApiHandler {
  /** Answers a multipart `wx.openApi` request with the raw bytes the SDK decodes (CommOpenApiResp). */
  (rawBody: Buffer, contentType: string): Promise<Buffer>
}

export interface ServerOptions {
  actions: Record<string, Action>
  /** What every request to /admin must be signed with; others are refused and change nothing. */
  credentials: EmulatorCredentials
  openApi?: OpenApiHandler
  /** Largest accepted request body. */
  maxBodyBytes?: number
  /** Where unexpected failures are logged; default stderr. */
  log?: (line: string) => void
  /**
   * Milliseconds each signed request spends on the network, read per request: half before the
   * action runs (the request travelling), half before the reply leaves (the answer travelling).
   */
  latencyMs?: () => number
  /** Told of every signed request: its action (`wx.openApi` for cloud calls) and the error answered, if any. */
  observe?: (action: string, error: CloudBaseError | null) => void
  /**
   * Decides each signed JSON request at its arrival (the plan's quota, quota.ts): a refusal is
   * answered as the action's error; an admitted request is released once its reply has left.
   */
  admit?: (action: string, request: WireRequest) => Admission
  /** Extra fields of the `GET /health` answer (the quota's state when one is set). */
  health?: () => Record<string, unknown>
}

/**
 * Largest accepted request body: 2 MiB. The largest request the product sends is a batch insert of
 * 500 free seats (INSERT_BATCH in cloud/src/domain/seats.ts, used by event import and capacity
 * changes): about 320 kB on the wire (each seat ~640 bytes as escaped EJSON). Everything else is a
 * few kB (one document, a query, a cloud call). 2 MiB leaves six times that and keeps what one
 * request can make the emulator hold, scan and parse small.
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024
/**
 * Deepest JSON body accepted, counting the body object itself. The SDK's bodies nest three levels at
 * most (documents, queries and updates travel as EJSON strings inside them); 32, as the gateway's.
 */
export const MAX_BODY_DEPTH = 32
/** The SDK parses a wx.openApi reply as JSON only with exactly this content type; anything else is protobuf. */
const OPENAPI_JSON = 'application/json; charset=utf-8'

let requestCounter = 0
const requestPrefix = randomBytes(4).toString('hex')

function newRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x7fffffff
  return `${requestPrefix}-${Date.now().toString(16)}-${requestCounter.toString(16)}`
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json', extraHeaders: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...extraHeaders })
  res.end(text)
}

function errorReply(err: CloudBaseError, requestId: string): Record<string, unknown> {
  return { code: err.code, message: err.message, requestId }
}

class BodyTooLarge extends Error {}

/** The body, up to `limit` bytes; past it (declared or streamed), reading stops and the rest is never read. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const collect = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.off('data', collect)
        req.pause()
        reject(new BodyTooLarge(`request body exceeds the ${limit}-byte limit`))
        return
      }
      chunks.push(chunk)
    }
    req.on('data', collect)
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** A declared Content-Length over `limit`, refused before reading. */
function declaredTooLarge(req: http.IncomingMessage, limit: number): BodyTooLarge | undefined {
  const declared = Number(req.headers['content-length'] ?? 0)
  return declared > limit ? new BodyTooLarge(`request body of ${declared} bytes exceeds the ${limit}-byte limit`) : undefined
}

type JsonBody = { value: unknown } | { error: CloudBaseError }

/** The signed body parsed, once its nesting is known to be bounded. */
function parseJson(body: Buffer, text: string): JsonBody {
  if (jsonNestingDepth(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    return { error: invalidParam(`request body nests deeper than ${MAX_BODY_DEPTH} levels of objects and arrays`) }
  }
  try {
    return { value: JSON.parse(text) }
  } catch (err) {
    return { error: invalidParam(`request body is not valid JSON: ${(err as Error).message}`) }
  }
}

function envOf(request: WireRequest, url: URL): string {
  const fromBody = request.envName
  if (typeof fromBody === 'string' && fromBody !== '') return fromBody
  return url.searchParams.get('env') || 'local'
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function createServer(options: ServerOptions): http.Server {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES
  const log = options.log ?? ((line: string) => console.error(line))
  const latency = options.latencyMs ?? (() => 0)
  const observe = options.observe ?? (() => undefined)
  const admit = options.admit ?? (() => ({ release: () => undefined }))
  /** Half the round trip: resolves at once when there is no latency, so the default run gains no timer. */
  const travel = async () => {
    const ms = latency() / 2
    if (ms > 0) await sleep(ms)
  }
  const known = Object.keys(options.actions).sort().join(', ')

  async function handleJson(body: JsonBody, url: URL, req: http.IncomingMessage): Promise<Record<string, unknown>> {
    if ('error' in body) throw body.error
    const request = body.value
    if (request === null || typeof request !== 'object' || Array.isArray(request)) throw invalidParam('request body must be a JSON object')
    const wire = request as WireRequest
    if (typeof wire.action !== 'string') throw invalidParam('request body has no "action"')
    const action = options.actions[wire.action]
    if (!action) throw new CloudBaseError(ReplyCode.INVALID_ACTION, `[InvalidParameter.Action] unknown action "${wire.action}"; the emulator serves ${known}`)
    const ctx: ActionContext = { env: envOf(wire, url), now: Date.now(), headers: req.headers }
    return action(wire, ctx)
  }

  async function handleOpenApi(body: Buffer, contentType: string, res: http.ServerResponse, requestId: string): Promise<void> {
    try {
      if (!options.openApi) {
        throw new CloudBaseError(ReplyCode.SYS_ERR, '[ResourceNotFound] wx.openApi is not served: this emulator was started without a WeChat simulator (startEmulator wechatSimulator, or WECHAT_SIM_URL for main.ts)')
      }
      await travel()
      const reply = await options.openApi(body, contentType)
      observe('wx.openApi', null)
      await travel()
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': reply.length })
      res.end(reply)
    } catch (err) {
      const error = err instanceof CloudBaseError ? err : new CloudBaseError(ReplyCode.SYS_ERR, `wx.openApi failed: ${(err as Error)?.message ?? String(err)}`)
      observe('wx.openApi', error)
      await travel()
      sendJson(res, 200, errorReply(error, requestId), OPENAPI_JSON)
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator')
    const requestId = newRequestId()
    if (url.pathname === '/health' && req.method === 'GET') return sendJson(res, 200, { ok: true, ...options.health?.() })
    if (url.pathname !== '/admin') {
      return sendJson(res, 404, errorReply(new CloudBaseError(ReplyCode.INVALID_ACTION, `no route ${url.pathname}; the SDK posts to /admin`), requestId))
    }
    if (req.method !== 'POST') return sendJson(res, 405, errorReply(new CloudBaseError(ReplyCode.INVALID_ACTION, 'use POST /admin'), requestId))
    const contentType = req.headers['content-type'] ?? ''
    const multipart = contentType.startsWith('multipart/form-data')
    const replyType = multipart ? OPENAPI_JSON : 'application/json'
    /** Answers before the body is read (or all of it): the connection closes, so the unread rest is never read. */
    const refuseUnread = (status: number, error: CloudBaseError) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, status, errorReply(error, requestId), replyType, { connection: 'close' })
    }
    let claim: SignatureClaim
    try {
      claim = checkSignatureHeaders(req.headers, options.credentials)
    } catch (err) {
      if (!(err instanceof CloudBaseError)) throw err
      return refuseUnread(200, err)
    }
    const tooLarge = declaredTooLarge(req, limit)
    if (tooLarge) return refuseUnread(413, invalidParam(tooLarge.message))
    let body: Buffer
    try {
      body = await readBody(req, limit)
    } catch (err) {
      return refuseUnread(err instanceof BodyTooLarge ? 413 : 400, invalidParam((err as Error).message))
    }
    const text = multipart ? '' : body.toString('utf8')
    try {
      checkSignature(
        {
          method: req.method ?? 'POST',
          path: req.url ?? '/',
          headers: req.headers,
          params: () => (multipart ? multipartParams(body, contentType) : jsonParams(text)),
        },
        claim,
        options.credentials,
      )
    } catch (err) {
      if (!(err instanceof CloudBaseError)) throw err
      return sendJson(res, 200, errorReply(err, requestId), replyType)
    }
    const json = multipart ? undefined : parseJson(body, text)
    if (!json) return handleOpenApi(body, contentType, res, requestId)
    const parsed = 'value' in json && json.value !== null && typeof json.value === 'object' ? (json.value as WireRequest) : undefined
    const action = parsed ? String(parsed.action) : 'unparsable'
    // The quota is decided at arrival; an admitted request is in flight until its reply has left.
    const admission: Admission = parsed ? admit(action, parsed) : { release: () => undefined }
    try {
      let reply: Record<string, unknown>
      await travel()
      try {
        if (admission.error) throw admission.error
        reply = { ...(await handleJson(json, url, req)), requestId }
        observe(action, null)
      } catch (err) {
        if (!(err instanceof CloudBaseError)) log(`emulator: unexpected failure: ${(err as Error)?.stack ?? String(err)}`)
        const error = err instanceof CloudBaseError ? err : new CloudBaseError(ReplyCode.SYS_ERR, `[InternalError] emulator failure: ${(err as Error)?.message ?? String(err)}`)
        observe(action, error)
        reply = errorReply(error, requestId)
      }
      await travel()
      sendJson(res, 200, reply)
    } finally {
      admission.release()
    }
  }

  return http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`emulator: ${String(err)}`)
      if (!res.headersSent) res.destroy()
    })
  })
}
