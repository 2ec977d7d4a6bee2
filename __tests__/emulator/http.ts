/** Small HTTP helpers for the emulator tests (global fetch = undici). */
import { unzipSync } from 'fflate'

export const YAML = { 'Content-Type': 'application/x-yaml' }

export function flowSource(namespace: string, id: string, extra = ''): string {
  return `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n${extra}`
}

export async function postYaml(url: string, body: string, method = 'POST'): Promise<Response> {
  return fetch(url, { method, headers: YAML, body })
}

export async function json<T = unknown>(response: Response): Promise<T> {
  return (await response.json()) as T
}

export async function unzipResponse(response: Response): Promise<Record<string, string>> {
  const entries = unzipSync(new Uint8Array(await response.arrayBuffer()))
  return Object.fromEntries(
    Object.entries(entries).map(([name, bytes]) => [name, Buffer.from(bytes).toString('utf8')])
  )
}

export async function upload(
  url: string,
  bytes: Uint8Array | string,
  filename: string,
  part = 'fileContent'
): Promise<Response> {
  const form = new FormData()
  form.append(part, new Blob([typeof bytes === 'string' ? bytes : Buffer.from(bytes)]), filename)
  return fetch(url, { method: 'POST', body: form })
}

export function filesUrl(prefix: string, namespace: string, route = '', path?: string): string {
  const query = path === undefined ? '' : `?path=${encodeURIComponent(path)}`
  return `${prefix}/namespaces/${namespace}/files${route}${query}`
}
