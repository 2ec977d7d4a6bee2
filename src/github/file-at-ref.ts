import { apiError, httpStatus } from './errors.js'
import type { RepoClient } from './repo-ref.js'

/**
 * A file's bytes at a commit through the contents API (for when the local history is shallow).
 * Files over 1 MB come back without inline content, so they are fetched again as raw bytes.
 */
export async function getFileAtRef(
  client: RepoClient,
  path: string,
  ref: string
): Promise<Uint8Array | undefined> {
  const route = 'GET /repos/{owner}/{repo}/contents/{+path}'
  // `{+path}` keeps the slashes; every segment is encoded here so '#', '?' and '%' stay literal.
  const params = {
    owner: client.owner,
    repo: client.repo,
    path: path.split('/').map(encodeURIComponent).join('/'),
    ref
  }
  try {
    const { data } = await client.octokit.request(route, params)
    const entry = data as { type?: string; encoding?: string; content?: string; size?: number }
    if (Array.isArray(data) || entry.type !== 'file') return undefined
    if (entry.encoding === 'base64' && (entry.content || entry.size === 0)) {
      return new Uint8Array(Buffer.from(entry.content ?? '', 'base64'))
    }
    const raw = await client.octokit.request(route, {
      ...params,
      mediaType: { format: 'raw' },
      request: { parseSuccessResponseBody: false }
    })
    return new Uint8Array(await new Response(raw.data as unknown as ReadableStream).arrayBuffer())
  } catch (error) {
    if (httpStatus(error) === 404) return undefined
    throw apiError(`reading ${path} at ${ref.slice(0, 12)}`, error)
  }
}
