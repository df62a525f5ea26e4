import http from 'node:http'

export interface HttpAnswer {
  /** 0 when no answer came (connection refused, reset). */
  status: number
  body: unknown
  headers: Record<string, string>
  error?: string
}

/** One HTTP exchange as a mini-program host makes it: JSON in, JSON (or text) out, never throws. */
export function httpJson(url: string, method: string, data: unknown, headers: Record<string, string>): Promise<HttpAnswer> {
  const body = data === undefined || method === 'GET' ? undefined : typeof data === 'string' ? data : JSON.stringify(data)
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let parsed: unknown = text
        try {
          parsed = JSON.parse(text)
        } catch {
          // hosts hand a non-JSON body over as a string
        }
        const flat: Record<string, string> = {}
        for (const [key, value] of Object.entries(res.headers)) if (value !== undefined) flat[key] = String(value)
        resolve({ status: res.statusCode ?? 0, body: parsed, headers: flat })
      })
    })
    req.on('error', (err) => resolve({ status: 0, body: null, headers: {}, error: err.message }))
    req.end(body)
  })
}
