import { randomBytes } from 'node:crypto'

/** A buffered `multipart/form-data` body with one binary file part (resendable on retry). */
export function multipartFile(
  field: string,
  filename: string,
  bytes: Uint8Array
): { contentType: string; body: Uint8Array } {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let boundary: string
  do boundary = `----kestra-gitops-${randomBytes(16).toString('hex')}`
  while (data.includes(boundary))
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${quote(field)}"; filename="${quote(filename)}"\r\n` +
    'Content-Type: application/octet-stream\r\n\r\n'
  const body = Buffer.concat([
    Buffer.from(head, 'utf8'),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  return { contentType: `multipart/form-data; boundary=${boundary}`, body }
}

/** Escapes a header parameter value the way browsers do for form data. */
function quote(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
