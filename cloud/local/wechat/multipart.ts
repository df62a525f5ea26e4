/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string
  filename: string | null
  contentType: string | null
  data: Buffer
}

/**
 * A small multipart/form-data reader (RFC 7578), enough for /cgi-bin/media/uploadimg: answers
 * the parts, or null when the body is not well-formed multipart.
 */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] | null {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary) return null
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: FormPart[] = []
  let cursor = body.indexOf(delimiter)
  if (cursor < 0) return null
  for (;;) {
    cursor += delimiter.length
    // "--" after a delimiter closes the body.
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) return parts
    if (body[cursor] !== 0x0d || body[cursor + 1] !== 0x0a) return null
    const headerEnd = body.indexOf('\r\n\r\n', cursor + 2)
    if (headerEnd < 0) return null
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4)
    if (next < 0) return null
    const headers = body.subarray(cursor + 2, headerEnd).toString('utf8').split('\r\n')
    const part = readHeaders(headers)
    if (!part) return null
    parts.push({ ...part, data: body.subarray(headerEnd + 4, next) })
    cursor = next + 2
  }
}

function readHeaders(lines: string[]): Omit<FormPart, 'data'> | null {
  let name: string | null = null
  let filename: string | null = null
  let contentType: string | null = null
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const header = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (header === 'content-type') contentType = value
    if (header === 'content-disposition') {
      name = /(?:^|;)\s*name="([^"]*)"/i.exec(value)?.[1] ?? null
      filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(value)?.[1] ?? null
    }
  }
  return name === null ? null : { name, filename, contentType }
}
