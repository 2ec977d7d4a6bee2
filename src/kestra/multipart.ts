import { randomBytes } from 'node:crypto'

/** A buffered `multipart/form-data` body with one binary file part (resendable on retry). */
export function multipartFile(
  field: string,
  filename: string,
  bytes: Uint8Array
): { contentType: string; body: Uint8Array } {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return multipart([
    {
      headers:
        `Content-Disposition: form-data; name="${quote(field)}"; filename="${quote(filename)}"\r\n` +
        'Content-Type: application/octet-stream',
      data
    }
  ])
}

/** A buffered `multipart/form-data` body of UTF-8 text fields (possibly none). */
export function multipartFields(fields: readonly (readonly [string, string])[]): {
  contentType: string
  body: Uint8Array
} {
  return multipart(
    fields.map(([name, value]) => ({
      headers: `Content-Disposition: form-data; name="${quote(name)}"`,
      data: Buffer.from(value, 'utf8')
    }))
  )
}

function multipart(parts: { headers: string; data: Buffer }[]): {
  contentType: string
  body: Uint8Array
} {
  let boundary: string
  do boundary = `----kestra-gitops-${randomBytes(16).toString('hex')}`
  while (parts.some(({ data }) => data.includes(boundary)))
  const body = Buffer.concat([
    ...parts.flatMap(({ headers, data }) => [
      Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`, 'utf8'),
      data,
      Buffer.from('\r\n')
    ]),
    Buffer.from(`--${boundary}--\r\n`)
  ])
  return { contentType: `multipart/form-data; boundary=${boundary}`, body }
}

/** Escapes a header parameter value the way browsers do for form data. */
function quote(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
