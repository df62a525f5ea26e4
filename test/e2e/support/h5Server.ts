import { createReadStream, existsSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

/** The H5 build wired to the local development backend (`npm run build:h5-dev`). */
const H5_ROOT = path.resolve(__dirname, '..', '..', '..', 'dist-h5-dev')

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
}

/**
 * How the backend fails, as the browser sees it through this server:
 * - 'down': every /api/ request is answered as a stopped gateway is answered through the proxy
 *   (connection refused, so 502 with a NETWORK_ERROR body), at once.
 * - 'hang': /api/ requests are accepted and never answered, like a gateway behind a dead network
 *   path. A held request is sent on to the gateway when the outage ends (`outage(null)`), answered
 *   502 if the mode becomes 'down', and dropped if the browser gives up first (Taro's H5 request
 *   aborts after 60 s unless the app sets its own timeout).
 * - null: requests are forwarded again.
 */
export type OutageMode = 'down' | 'hang'

export interface H5Server {
  url: string
  /**
   * Fakes a backend outage in this proxy, for /api/ only (the WeChat simulator behind /wallet/ is
   * not the backend). To test a stopped gateway against the local stack, prefer stopping the real
   * one (`controlGateway` in ./gateway); use this for 'hang', which a stopped process can't show.
   */
  outage(mode: OutageMode | null): void
  close(): Promise<void>
}

/**
 * Serves the built H5 app on 127.0.0.1 the way production hosting would, and forwards /api to
 * the backend gateway and /wallet to the WeChat simulator when given (same origin, as the dev
 * server's proxy does).
 */
export async function serveH5(options: { gatewayUrl?: string; wechatUrl?: string } = {}): Promise<H5Server> {
  if (!existsSync(path.join(H5_ROOT, 'index.html'))) {
    throw new Error('dist-h5-dev/index.html is missing: run `npm run build:h5-dev` (or build:all) first')
  }
  let outage: OutageMode | null = null
  /** Requests held by a 'hang' outage, each with what to do with it when the outage changes. */
  const held = new Map<http.ServerResponse, { target: URL; send: () => void }>()

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const isApi = url.pathname.startsWith('/api/')
    const upstream = isApi ? options.gatewayUrl : url.pathname.startsWith('/wallet/') ? options.wechatUrl : null
    if (upstream !== null) {
      if (!upstream) {
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ code: 'NETWORK_ERROR', message: `nothing behind ${url.pathname} on this test server` }))
        return
      }
      const target = new URL(url.pathname + url.search, upstream)
      if (isApi && outage === 'down') {
        refused(res, target)
        return
      }
      if (isApi && outage === 'hang') {
        // The body is left unread, so it is still there to forward if the outage ends in time.
        held.set(res, { target, send: () => forward(req, res, target) })
        res.on('close', () => held.delete(res))
        return
      }
      forward(req, res, target)
      return
    }
    const relative = path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '')
    let file = path.join(H5_ROOT, relative)
    if (!file.startsWith(H5_ROOT) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(H5_ROOT, 'index.html')
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    outage(mode) {
      outage = mode
      if (mode === 'hang') return
      const release = [...held.entries()]
      held.clear()
      for (const [res, { target, send }] of release) {
        if (res.writableEnded || res.destroyed) continue
        if (mode === 'down') refused(res, target)
        else send()
      }
    },
    close: () =>
      new Promise((resolve) => {
        held.clear()
        server.close(() => resolve())
        // Held requests would keep close() waiting for ever; the browser sees them reset.
        server.closeAllConnections()
      }),
  }
}

/** What the proxy answers when nothing listens on the gateway's port (see `forward`). */
function refused(res: http.ServerResponse, target: URL): void {
  res.writeHead(502, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ code: 'NETWORK_ERROR', message: `gateway unreachable: connect ECONNREFUSED ${target.hostname}:${target.port}` }))
}

/**
 * Sends the request on to `target` as a same-origin proxy does: a request from this server's own
 * pages goes without their Origin (the gateway answers no browser origin it was not told of, and
 * this server's port is chosen at random); one from any other origin keeps it, so the gateway
 * refuses it as it would refuse that page.
 */
function forward(req: http.IncomingMessage, res: http.ServerResponse, target: URL): void {
  const { origin, ...headers } = req.headers
  const ownOrigin = `http://${req.headers.host ?? ''}`
  const upstream = http.request(
    target,
    { method: req.method, headers: { ...headers, ...(origin !== undefined && origin !== ownOrigin ? { origin } : {}), host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  upstream.on('error', (err) => {
    res.writeHead(502, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ code: 'NETWORK_ERROR', message: `gateway unreachable: ${err.message}` }))
  })
  req.pipe(upstream)
}
