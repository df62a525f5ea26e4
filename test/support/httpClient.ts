import http from 'node:http'

/**
 * JSON over HTTP for tests that fire thousands of calls at once: every call is issued at once,
 * but at most 256 sockets are open, as behind a load balancer (an unbounded client would exceed
 * the server's listen backlog and see connection resets that no real client would cause).
 */
export function createJsonClient(maxSockets = 256) {
  const agent = new http.Agent({ keepAlive: true, maxSockets })
  return {
    post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
      return new Promise((resolve, reject) => {
        const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) })
            } catch (err) {
              reject(err)
            }
          })
        })
        req.on('error', reject)
        req.end(body)
      })
    },
    close(): void {
      agent.destroy()
    },
  }
}
