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

export interface H5Server {
  url: string
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
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const upstream = url.pathname.startsWith('/api/') ? options.gatewayUrl : url.pathname.startsWith('/wallet/') ? options.wechatUrl : null
    if (upstream !== null) {
      if (!upstream) {
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ code: 'NETWORK_ERROR', message: `nothing behind ${url.pathname} on this test server` }))
        return
      }
      forward(req, res, new URL(url.pathname + url.search, upstream))
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, target: URL): void {
  const upstream = http.request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
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
