/** Binary-safe multipart/form-data parsing (RFC 7578), enough for Kestra's upload routes. */
import { badRequest } from './errors.js'

export interface Part {
  name: string
  filename?: string
  contentType?: string
  data: Buffer
}

export function isMultipart(contentType: string | undefined): boolean {
  return contentType?.toLowerCase().startsWith('multipart/form-data') === true
}

export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  if (!boundaryMatch) throw badRequest('Multipart boundary missing')
  const delimiter = Buffer.from(`--${boundaryMatch[1] ?? boundaryMatch[2]}`)
  const parts: Part[] = []
  let start = body.indexOf(delimiter)
  if (start < 0) throw badRequest('Malformed multipart body')
  for (;;) {
    let cursor = start + delimiter.length
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) break // closing "--"
    if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) cursor += 2
    const headerEnd = body.indexOf('\r\n\r\n', cursor)
    if (headerEnd < 0) throw badRequest('Malformed multipart part headers')
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4)
    if (next < 0) throw badRequest('Unterminated multipart body')
    parts.push(
      toPart(body.subarray(cursor, headerEnd).toString('utf8'), body.subarray(headerEnd + 4, next))
    )
    start = next + 2
  }
  return parts
}

function toPart(headerText: string, data: Buffer): Part {
  const headers = new Map<string, string>()
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  const disposition = headers.get('content-disposition') ?? ''
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? ''
  const filenameStar = /\bfilename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)?.[1]
  const filename = filenameStar
    ? decodeURIComponent(filenameStar.trim())
    : /\bfilename="([^"]*)"/i.exec(disposition)?.[1]
  return { name, filename, contentType: headers.get('content-type'), data: Buffer.from(data) }
}
