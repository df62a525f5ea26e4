import http from 'node:http'
import { cloudCallLatencyMs, type SimulatorControl } from './control'
import { CONTROL_PREFIX, handleControl } from './controlHttp'
import { errorBody, WxError } from './errors'
import { isObject, type JsonObject } from './fields'
import { ipRefusal, type CallerIp } from './network'
import { ROUTES, type Route } from './routes'
import type { SimulatorState } from './state'
import { WalletFailure } from './wallet'

export interface ServerDeps {
  state: SimulatorState
  control: SimulatorControl
  /** Where unexpected failures are reported (they also answer -1, as WeChat's own failures do). */
  log: (line: string) => void
  /** Called after every WeChat API call (the state file's writer); control calls are wrapped in index.ts. */
  changed?: () => void
}

/** Bodies beyond this are refused (uploadimg needs 1 MB plus multipart framing). */
const MAX_BODY_BYTES = 2 * 1024 * 1024
/** Past this the connection is cut rather than drained. */
const HARD_BODY_LIMIT = 16 * 1024 * 1024
const JSON_TYPE = 'application/json; encoding=utf-8'
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST, OPTIONS', 'access-control-allow-headers': 'content-type' }

interface Body {
  data: Buffer
  tooLarge: boolean
}

function readBody(req: http.IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > HARD_BODY_LIMIT) {
        req.destroy()
        reject(new Error('request body far over the limit'))
      } else if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve({ data: Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES }))
    req.on('error', reject)
  })
}

function send(res: http.ServerResponse, status: number, body: unknown, cors: boolean): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text), ...(cors ? CORS : {}) })
  res.end(text)
}

/** WeChat answers malformed JSON with 47001 and an empty body with 44002. */
function parseJson(body: Buffer): JsonObject {
  if (body.length === 0) throw new WxError(44002)
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch (err) {
    throw WxError.hint(47001, `the body is not valid JSON: ${(err as Error).message}`)
  }
  if (!isObject(value)) throw WxError.hint(47001, 'the body must be a JSON object')
  return value
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The apiName of a /__sim/cloudCall body, if it has one; the control itself judges the rest. */
function parseCloudCallApi(body: Buffer): unknown {
  try {
    return (JSON.parse(body.toString('utf8')) as { apiName?: unknown } | null)?.apiName
  } catch {
    return undefined
  }
}

/**
 * The HTTP front. Every WeChat API call goes through the same steps, in WeChat's order where it
 * matters: count it, add injected latency, maybe fail it on purpose, check the method and body,
 * check the access_token and then the caller's IP, and only then run the (synchronous) handler.
 * Replies are HTTP 200 with `{errcode, errmsg}` on refusal, as WeChat's are.
 */
export function createServer({ state, control, log, changed }: ServerDeps): http.Server {
  async function answer(path: string, route: Route, req: http.IncomingMessage, url: URL, body: Body, caller: CallerIp): Promise<JsonObject> {
    const server = !route.phone
    const latency = state.faults.latencyFor(path, server)
    if (latency > 0) await sleep(latency)
    const now = state.clock.now()
    try {
      const injected = state.faults.draw(path, server)
      if (injected !== null) throw injected === 40164 ? ipRefusal(caller) : new WxError(injected)
      if (req.method !== route.method) throw new WxError(route.method === 'GET' ? 43001 : 43002)
      if (body.tooLarge) {
        throw route.body === 'multipart' ? WxError.hint(40009, 'the image is over 1 MB') : WxError.hint(45002, `the body is over ${MAX_BODY_BYTES} bytes`)
      }
      const json = route.body === 'json' ? parseJson(body.data) : {}
      let appid = ''
      if (route.token) {
        appid = state.tokens.authenticate(url.searchParams.get('access_token'), now).appid
        state.network.check(caller)
      }
      return route.handle(state, { now, query: url.searchParams, body: json, raw: body.data, contentType: req.headers['content-type'] ?? '', caller, appid })
    } catch (err) {
      if (err instanceof WalletFailure) return { ...errorBody(err, now), errMsg: `${err.api}:fail ${err.message}`, index: err.index }
      if (err instanceof WxError) return errorBody(err, now)
      log(`wechat simulator: ${path} failed: ${(err as Error)?.stack ?? String(err)}`)
      return errorBody(new WxError(-1), now)
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://wechat.local')
    const path = url.pathname
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      const body = await readBody(req)
      // A cloud call stands for a WeChat API call, so it waits out that API's injected latency.
      if (path === `${CONTROL_PREFIX}/cloudCall` && !body.tooLarge) {
        const latency = cloudCallLatencyMs(state, parseCloudCallApi(body.data))
        if (latency > 0) await sleep(latency)
      }
      const reply = body.tooLarge ? { status: 413, body: { ok: false, error: 'body too large' } } : handleControl(control, req.method ?? 'GET', path, body.data)
      return send(res, reply.status, reply.body, false)
    }
    const route = ROUTES[path]
    if (!route) {
      await readBody(req)
      const hint = `${path} is not a WeChat API this simulator serves (${Object.keys(ROUTES).join(', ')})`
      return send(res, 404, errorBody(WxError.hint(40066, hint), state.clock.now()), false)
    }
    if (req.method === 'OPTIONS' && route.phone) {
      res.writeHead(204, CORS)
      res.end()
      return
    }
    state.counters.call(path)
    const body = await readBody(req)
    const reply = await answer(path, route, req, url, body, state.network.callerOf(req.socket.remoteAddress))
    state.counters.outcome(path, typeof reply.errcode === 'number' ? reply.errcode : 0)
    changed?.()
    send(res, 200, reply, route.phone === true)
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`wechat simulator: ${String(err)}`)
      if (!res.headersSent && !res.destroyed) res.destroy()
    })
  })
  // Token tests open thousands of connections at once; keep them alive between calls.
  server.keepAliveTimeout = 30_000
  server.headersTimeout = 35_000
  return server
}
