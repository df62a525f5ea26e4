import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiError, ErrorCode } from '../../src/api/errors'
import { jsonNestingDepth } from './jsonNesting'
import { InvocationError } from './pool'
import { callerIdProblem, type InvocationIdentity } from './protocol'
import type { Runtime } from './runtime'

export interface GatewayOptions {
  port?: number
  host?: string
  /** Largest accepted event, in bytes. */
  maxBodyBytes?: number
  /** The mini-program AppID functions see as APPID for gateway calls. */
  appid?: string
  /** Where failures are logged (English, for operators); default stderr. */
  log?: (line: string) => void
  /**
   * Browser origins allowed to call (`scheme://host:port`), e.g. the H5 dev server's
   * `http://127.0.0.1:10086` and `http://localhost:10086`. A request carrying any other Origin is
   * refused (403 FORBIDDEN); requests without one (mini-program hosts, node, curl) are served.
   * Default none: no browser page may call, only a same-origin proxy that drops the header.
   */
  allowedOrigins?: string[]
}

export interface Gateway {
  port: number
  url: string
  close(): Promise<void>
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024
export const DEV_MINIPROGRAM_APPID = 'wxdevminiprogram01'
/** The development identity header. Only this local gateway honours it; production never does. */
export const OPENID_HEADER = 'x-wx-openid'
/**
 * Host names a request may be addressed to: loopback only. A page whose DNS name is rebound to
 * 127.0.0.1 after it loaded is same-origin with itself, not with us, but its requests carry its own
 * name as Host, so they are refused here.
 */
const LOOPBACK_HOST = /^(?:localhost|127(?:\.[0-9]{1,3}){3}|\[::1\])(?::[0-9]{1,5})?$/i
/**
 * Deepest event accepted, counting the event object itself. Our events are a few levels deep;
 * a few thousand levels overflow the stack when the event is serialized for the function instance.
 */
export const MAX_EVENT_DEPTH = 32

class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    /** The rest of the request will not be read, so the connection cannot carry another one. */
    readonly closesConnection = false,
  ) {
    super(message)
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, extraHeaders: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...extraHeaders,
  })
  res.end(text)
}

function sendError(res: http.ServerResponse, status: number, error: ApiError, extraHeaders: http.OutgoingHttpHeaders = {}): void {
  send(res, status, { ok: false, error }, extraHeaders)
}

function payloadTooLarge(message: string): GatewayError {
  return new GatewayError(413, 'PAYLOAD_TOO_LARGE', message, true)
}

/** The body, up to `limit` bytes; past it (declared or streamed in chunks), reading stops with a 413. */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > limit) {
      reject(payloadTooLarge(`body of ${declared} bytes exceeds the ${limit}-byte limit`))
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    const collect = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.off('data', collect)
        req.pause()
        reject(payloadTooLarge(`body exceeds the ${limit}-byte limit`))
        return
      }
      chunks.push(chunk)
    }
    req.on('data', collect)
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function parseEvent(body: Buffer): unknown {
  if (body.length === 0) return {}
  if (jsonNestingDepth(body, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) {
    throw new GatewayError(400, 'INVALID_INPUT', `body is nested deeper than ${MAX_EVENT_DEPTH} levels of objects and arrays`)
  }
  let event: unknown
  try {
    event = JSON.parse(body.toString('utf8'))
  } catch (err) {
    throw new GatewayError(400, 'INVALID_INPUT', `body is not valid JSON: ${(err as Error).message}`)
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new GatewayError(400, 'INVALID_INPUT', 'body must be a JSON object (the function event)')
  }
  return event
}

function identityOf(req: http.IncomingMessage, appid: string): InvocationIdentity {
  const header = req.headers[OPENID_HEADER]
  const openid = Array.isArray(header) ? header[0] : header
  // The runtime's rule (protocol.ts): an openid-shaped string the SDK keeps a string.
  const problem = openid === undefined ? undefined : callerIdProblem(OPENID_HEADER, openid)
  if (problem) throw new GatewayError(400, 'INVALID_INPUT', problem)
  const clientIp = req.socket.remoteAddress?.replace(/^::ffff:/, '')
  // With an identity the call stands for a mini-program client call; without one it is what
  // CloudBase's HTTP access service delivers: no OPENID.
  return openid ? { openid, appid, clientIp, source: 'wx_client' } : { clientIp, source: 'wx_http' }
}

/** `origin` if it is written as browsers send an Origin (`http://127.0.0.1:10086`); else throws, naming it. */
export function browserOrigin(origin: string): string {
  const parsed = URL.canParse(origin) ? new URL(origin) : undefined
  if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
    throw new Error(`allowed origin "${origin}" must be a browser origin such as http://127.0.0.1:10086 (scheme, host and port; no path, no trailing slash)`)
  }
  return origin
}

/**
 * The HTTP gateway in front of the local runtime: `POST /api/<function>` with the event as JSON,
 * answered with the function's result as JSON. The H5 build and black-box tests come in here.
 */
export async function startGateway(runtime: Runtime, options: GatewayOptions = {}): Promise<Gateway> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const appid = options.appid ?? DEV_MINIPROGRAM_APPID
  const log = options.log ?? ((line: string) => console.error(line))

  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(browserOrigin))
  const allowedList = allowedOrigins.size > 0 ? [...allowedOrigins].join(', ') : 'none'

  const server = http.createServer((req, res) => {
    // Whose page may read an answer depends on the Origin: caches must not mix them.
    res.setHeader('vary', 'origin')
    const refusal = refusedCaller(req)
    if (refusal) {
      // Decided on the headers alone: the body is never read, so the connection cannot carry another request.
      return sendError(res, 403, { code: 'FORBIDDEN', message: refusal }, { connection: 'close' })
    }
    const origin = req.headers.origin
    if (origin !== undefined) res.setHeader('access-control-allow-origin', origin)
    if (req.method === 'OPTIONS') {
      res.writeHead(
        204,
        origin === undefined
          ? {}
          : { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': `content-type, ${OPENID_HEADER}`, 'access-control-max-age': '600' },
      )
      res.end()
      return
    }
    void handle(req, res)
  })

  /**
   * Why the request is refused before anything else, or undefined: a Host that is not loopback (DNS
   * rebinding), or a browser Origin other than the allowed ones (another site's page, which would
   * otherwise call with the development identity header and read the answer).
   */
  function refusedCaller(req: http.IncomingMessage): string | undefined {
    const host = req.headers.host
    if (host === undefined || !LOOPBACK_HOST.test(host)) {
      return `host ${JSON.stringify(host ?? '')} is not a loopback name or address: the development gateway answers requests to localhost, 127.0.0.1 or [::1] only`
    }
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      return `origin ${JSON.stringify(origin)} is not allowed: the development gateway answers pages of its own H5 origin only (allowed: ${allowedList})`
    }
    return undefined
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://gateway')
    try {
      if (pathname === '/health') return send(res, 200, { ok: true, data: { functions: runtime.functionNames() } })
      const match = /^\/api\/([A-Za-z0-9_-]+)\/?$/.exec(pathname)
      if (!match) throw new GatewayError(404, 'UNKNOWN_FUNCTION', `no route ${pathname}; functions are at /api/<name>`)
      const name = match[1]
      if (req.method !== 'POST') throw new GatewayError(405, 'INVALID_INPUT', `use POST for /api/${name}`)
      if (!runtime.has(name)) throw new GatewayError(404, 'UNKNOWN_FUNCTION', `no function named "${name}"`)
      const identity = identityOf(req, appid)
      const event = parseEvent(await readBody(req, limit))
      const result = await runtime.invoke(name, event, identity)
      send(res, 200, result)
    } catch (err) {
      if (err instanceof GatewayError) {
        // `connection: close` makes Node end the socket once the answer is out: the client reads
        // the 413 instead of a reset, and the unread rest of an oversized body is never read.
        const headers = err.closesConnection ? { connection: 'close' } : {}
        return sendError(res, err.status, { code: err.code, message: err.message }, headers)
      }
      if (err instanceof InvocationError) {
        const timeout = err.reason === 'timeout'
        log(`gateway: ${err.functionName} ${err.reason}: ${err.message}`)
        return sendError(res, timeout ? 504 : 502, {
          code: 'INTERNAL',
          message: `function ${err.functionName} failed (${err.reason}): ${err.message}`,
          retryable: err.reason !== 'error',
        })
      }
      log(`gateway: ${String(err)}`)
      return sendError(res, 500, { code: 'INTERNAL', message: 'gateway error' })
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // A deep accept queue: bursts of connections wait instead of being reset.
    server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1', backlog: 4096 }, resolve)
  })
  const { port } = server.address() as AddressInfo
  server.keepAliveTimeout = 5000
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
