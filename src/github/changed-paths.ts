import { z } from 'zod'
import { apiError, httpStatus, readAnswer } from './errors.js'
import type { ChangedPath, ChangedPathList, CompareResult } from '../model/github.js'
import type { RepoClient } from './octokit.js'

const PER_PAGE = 100
/** GitHub lists at most this many files of a pull request. */
const PR_FILES_CAP = 3000
/** A compare lists at most this many files. */
const COMPARE_FILES_CAP = 300

/** A changed file as GitHub lists it: its path, and the one it had before a rename. */
const changedFile = z
  .object({ filename: z.string(), previous_filename: z.string().optional() })
  .transform(({ filename, previous_filename }): ChangedPath =>
    previous_filename ? { path: filename, previousPath: previous_filename } : { path: filename }
  )

const comparison = z.object({
  files: z.array(changedFile).default([]),
  status: z.enum(['ahead', 'behind', 'diverged', 'identical'])
})

/** A path's contents: a file's, inline when under 1 MB (anything else, a folder's listing, is no file). */
const contents = z.union([
  z.object({
    type: z.literal('file'),
    encoding: z.string().optional().catch(undefined),
    content: z.string().optional().catch(undefined),
    size: z.number().optional().catch(undefined)
  }),
  z.unknown().transform(() => undefined)
])

/**
 * Pages by number and stops on a short page: past the cap GitHub answers empty pages while its Link
 * header still points further, so following `rel="next"` would only waste requests.
 */
export async function listPullRequestFiles(
  client: RepoClient,
  pr: number
): Promise<ChangedPathList> {
  const files: ChangedPath[] = []
  try {
    for (let page = 1; files.length < PR_FILES_CAP; page++) {
      const { data } = await client.octokit.rest.pulls.listFiles({
        owner: client.owner,
        repo: client.repo,
        pull_number: pr,
        per_page: PER_PAGE,
        page
      })
      const listed = readAnswer(
        'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
        z.array(changedFile),
        data
      )
      files.push(...listed)
      if (listed.length < PER_PAGE) break
    }
  } catch (error) {
    throw apiError(`listing the files of pull request #${pr}`, error)
  }
  return { files, truncated: files.length >= PR_FILES_CAP }
}

export async function compareCommits(
  client: RepoClient,
  base: string,
  head: string
): Promise<CompareResult> {
  let response
  try {
    response = await client.octokit.rest.repos.compareCommitsWithBasehead({
      owner: client.owner,
      repo: client.repo,
      basehead: `${base}...${head}`
    })
  } catch (error) {
    throw apiError(`comparing ${base.slice(0, 12)}...${head.slice(0, 12)}`, error)
  }
  const { files, status } = readAnswer(
    'GET /repos/{owner}/{repo}/compare/{basehead}',
    comparison,
    response.data
  )
  return { files, truncated: files.length >= COMPARE_FILES_CAP, status }
}

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
    const entry = readAnswer(route, contents, data)
    if (!entry) return undefined
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
