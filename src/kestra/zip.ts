import { unzipSync } from 'fflate'
import { ApiError } from './errors.js'
import type { HttpResponse } from './transport.js'

/** Non-directory entries of a zip answer, by entry name. */
export function readZip(response: HttpResponse): Map<string, Uint8Array> {
  let entries: Record<string, Uint8Array>
  try {
    entries = response.body.length === 0 ? {} : unzipSync(response.body)
  } catch (error) {
    throw new ApiError({
      status: response.status,
      method: response.method,
      path: response.path,
      serverMessage: `the answer is not a readable zip archive (${(error as Error).message})`
    })
  }
  return new Map(Object.entries(entries).filter(([name]) => !name.endsWith('/')))
}
