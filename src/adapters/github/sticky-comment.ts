import { z } from 'zod'
import { apiError, httpStatus, isPermissionError, readAnswer } from './errors.js'
import type {
  AuthoredComments,
  CommentOutcome,
  GitHubPort,
  StickyComment
} from '../../model/github.js'
import { repoOf, type RepoClient } from './octokit.js'
import { scanLines, type Fence } from '../../model/markdown/fence.js'

const COMMENT_PERMISSION_HELP =
  'The token cannot write PR comments. Grant `permissions: pull-requests: write` to the job; ' +
  "fork PRs get a read-only token — see README 'Fork pull requests'."

/** An author as GitHub names one (null: a deleted account). */
export const author = z.object({ login: z.string(), type: z.string() }).nullable()

const comment = z.object({
  id: z.int(),
  body: z.string().nullish(),
  html_url: z.string(),
  user: author
})
type ListedComment = z.infer<typeof comment>

/**
 * One comment per issue and marker (docs/comment.md#sticky-comment): updated in place, racing duplicates deleted.
 * Only the comments of the identity this token acts as count (GraphQL `viewer`, `tokenIdentity`): anyone else's
 * comment that carries the marker, another App's included, is never edited, deleted or read.
 */
export function stickyComments(
  client: RepoClient
): Pick<
  GitHubPort,
  | 'findStickyComment'
  | 'stickyComments'
  | 'commentsByThisToken'
  | 'upsertStickyComment'
  | 'updateComment'
> {
  const { octokit } = client
  const repo = repoOf(client)
  // The author GitHub gave a comment this token created: the token's identity, whatever `viewer` says.
  let learned: string | undefined

  const all = async (issue: number, marker: string): Promise<StickyComment[]> => {
    try {
      return (await matching(issue, marker)).map(toSticky)
    } catch (error) {
      throw apiError(`reading the comments of #${issue}`, error)
    }
  }

  const guard = async (
    operation: string,
    action: () => Promise<CommentOutcome>
  ): Promise<CommentOutcome> => {
    try {
      return await action()
    } catch (error) {
      if (isPermissionError(error)) return { status: 'forbidden', message: COMMENT_PERMISSION_HELP }
      throw apiError(operation, error)
    }
  }

  const rewrite = async (comment: ListedComment, text: string): Promise<CommentOutcome> =>
    comment.body === text ? outcome('unchanged', comment) : patch(comment.id, text)

  const patch = async (id: number, text: string, sent?: () => void): Promise<CommentOutcome> => {
    const updated = await send(
      text,
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
      (body) =>
        octokit.rest.issues.updateComment({
          ...repo,
          comment_id: id,
          body,
          ...(sent && { request: { sent } })
        })
    )
    return outcome('updated', updated)
  }

  /** Sends `body`; if GitHub finds it too long, once more shortened (fences and details closed). */
  const send = async (
    body: string,
    request: string,
    call: (body: string) => Promise<{ data: unknown }>
  ): Promise<ListedComment> => {
    let answer
    try {
      answer = await call(body)
    } catch (error) {
      if (!isBodyTooLong(error)) throw error
      answer = await call(truncateCommentBody(body))
    }
    return readAnswer(request, comment, answer.data)
  }

  const deleteAll = async (comments: readonly { id: number }[]): Promise<void> => {
    for (const comment of comments) {
      try {
        await octokit.rest.issues.deleteComment({ ...repo, comment_id: comment.id })
      } catch (error) {
        // The racing run deleted it first.
        if (httpStatus(error) !== 404) throw error
      }
    }
  }

  /** This token's comments with the marker, oldest first; none while its identity is unknown. */
  const matching = async (
    issue: number,
    marker: string,
    sent?: () => void
  ): Promise<ListedComment[]> => {
    const list = octokit.rest.issues.listComments
    // Pagination passes a page's request only its method, URL and headers: `sent` rides on each page's call.
    const route = Object.assign(
      (page: NonNullable<Parameters<typeof list>[0]>) =>
        list({ ...page, ...(sent && { request: { sent } }) }),
      { endpoint: list.endpoint }
    ) as typeof list
    const found = await marked(issue, marker, route)
    // Asked only when some comment carries the marker.
    const who = found.length > 0 ? (learned ?? (await tokenIdentity(client))) : undefined
    return found.filter((comment) => comment.user?.login === who).sort((a, b) => a.id - b.id)
  }

  /** Every comment of the issue whose first line carries `marker`, whoever wrote it. */
  const marked = async (
    issue: number,
    marker: string,
    route = octokit.rest.issues.listComments
  ): Promise<ListedComment[]> => {
    const comments = readAnswer(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      z.array(comment),
      await octokit.paginate(route, { ...repo, issue_number: issue, per_page: 100 })
    )
    return comments.filter((comment) => firstLine(comment.body).startsWith(marker))
  }

  return {
    findStickyComment: async (issue, marker) => (await all(issue, marker))[0],
    stickyComments: all,
    /** Split by author: the identity this token comments as (`tokenIdentity`, read once), oldest first, and others. */
    async commentsByThisToken(issue, marker): Promise<AuthoredComments> {
      try {
        const who = await tokenIdentity(client)
        const found = await marked(issue, marker)
        const own = found.filter((comment) => who !== undefined && comment.user?.login === who)
        return {
          identity: who,
          comments: own.sort((a, b) => a.id - b.id).map(toSticky),
          others: found
            .filter((comment) => !own.includes(comment))
            .map((comment) => ({
              author: comment.user?.login ?? '(deleted user)',
              url: comment.html_url
            }))
        }
      } catch (error) {
        throw apiError(`reading the comments of #${issue}`, error)
      }
    },
    upsertStickyComment(issue, marker, body, seen = [], sent) {
      const text = firstLine(body).startsWith(marker) ? body : `${marker}\n${body}`
      return guard(`writing the comment on #${issue}`, async () => {
        // Found earlier in this run: the oldest rewritten in place (unless gone since), the others deleted. Text
        // equal to what was seen is read again before it counts as unchanged: another run may have written since.
        const [oldest, ...others] = seen
        if (oldest && oldest.body !== text) {
          const rewritten = await patch(oldest.id, text, sent).catch((error: unknown) => {
            if (httpStatus(error) === 404) return undefined
            throw error
          })
          if (rewritten) {
            await deleteAll(others)
            return rewritten
          }
        }
        const existing = await matching(issue, marker, sent)
        if (existing.length > 0) {
          await deleteAll(existing.slice(1))
          return rewrite(existing[0], text)
        }
        const created = await send(
          text,
          'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
          (body) => octokit.rest.issues.createComment({ ...repo, issue_number: issue, body })
        )
        learned ??= created.user?.login
        // Another run may have created one at the same time: the oldest survives.
        const [survivor, ...duplicates] = await matching(issue, marker)
        await deleteAll(duplicates)
        if (!survivor || survivor.id === created.id) return outcome('created', created)
        return rewrite(survivor, text)
      })
    },
    updateComment: (id, body) => guard(`updating comment ${id}`, () => patch(id, body))
  }
}

/**
 * The items written by the identity this token acts as (`tokenIdentity`): never another App's or a person's. While
 * GitHub will not say who the token is, none can be told from a copy: that is an error, never a guess.
 */
export function writtenByThisToken(client: RepoClient) {
  return async <T extends { user: z.infer<typeof author> }>(items: readonly T[]): Promise<T[]> => {
    if (items.length === 0) return []
    const who = await tokenIdentity(client)
    if (who === undefined) {
      throw new Error(
        'GitHub would not say which identity the token acts as (GraphQL viewer and GET /user both refused), so what it wrote cannot be told from copies by others'
      )
    }
    return items.filter((item) => item.user?.login === who)
  }
}

export function firstLine(body: string | null | undefined): string {
  return (body ?? '').split('\n', 1)[0].trim()
}

function toSticky(comment: ListedComment): StickyComment {
  return { id: comment.id, body: comment.body ?? '', url: comment.html_url }
}

function outcome(
  status: 'created' | 'updated' | 'unchanged',
  comment: { id: number; html_url: string }
): CommentOutcome {
  return { status, id: comment.id, url: comment.html_url }
}

function isBodyTooLong(error: unknown): boolean {
  if (httpStatus(error) !== 422) return false
  const data = (error as { response?: { data?: unknown } }).response?.data
  return /too long/i.test(`${(error as Error).message} ${JSON.stringify(data ?? '')}`)
}

/** Comfortably under GitHub's 65,536 limit, whatever unit GitHub counts in. */
const SAFE_COMMENT_LENGTH = 60_000

export const TRUNCATION_NOTE =
  '…*[Comment truncated: GitHub limits comments to 65,536 characters. The job summary holds the full plan.]*'

/** Hidden machine-readable lines (the marker, the plan fingerprint) survive truncation. */
const HIDDEN_LINE = /^<!-- kestra-gitops[\w-]*:.*-->$/

interface LineState {
  fence?: Fence
  details: number
  /** The line is Markdown text (not inside a fenced block). */
  outsideFence: boolean
}

/**
 * Last resort when GitHub rejects a body as too long (the renderer keeps under it): the retry is accepted whole.
 */
export function truncateCommentBody(body: string, maxLength = SAFE_COMMENT_LENGTH): string {
  if (body.length <= maxLength) return body
  const lines = body.split('\n')
  const states = scan(lines)
  const hidden = lines.map((line, i) => states[i].outsideFence && HIDDEN_LINE.test(line))
  // hiddenAfter[i]: the length the hidden lines from line i on add to the output.
  const hiddenAfter = new Array<number>(lines.length + 1).fill(0)
  for (let i = lines.length - 1; i >= 0; i--) {
    hiddenAfter[i] = hiddenAfter[i + 1] + (hidden[i] ? lines[i].length + 1 : 0)
  }
  let keep = 0
  let length = 0
  for (; keep < lines.length; keep++) {
    const next = length + lines[keep].length + 1
    const tail = closers(states[keep]).length + TRUNCATION_NOTE.length + hiddenAfter[keep + 1] + 2
    if (next + tail > maxLength) break
    length = next
  }
  const head = lines.slice(0, keep).join('\n')
  const closing = keep > 0 ? closers(states[keep - 1]) : ''
  const kept = lines.flatMap((line, i) => (i >= keep && hidden[i] ? [`\n${line}`] : []))
  return `${head}${closing}\n\n${TRUNCATION_NOTE}${kept.join('')}`
}

function scan(lines: string[]): LineState[] {
  let details = 0
  return scanLines(lines.join('\n')).map(({ text: line, inFence, open }) => {
    if (inFence) return { fence: open, details, outsideFence: false }
    details += (line.match(/<details[\s>]/gi) ?? []).length
    details = Math.max(0, details - (line.match(/<\/details>/gi) ?? []).length)
    return { details, outsideFence: true }
  })
}

function closers(state: LineState): string {
  let text = state.fence ? `\n${state.fence.char.repeat(state.fence.length)}` : ''
  for (let i = 0; i < state.details; i++) text += '\n\n</details>'
  return text
}

/** The author GITHUB_TOKEN comments and writes as. */
const ACTIONS_BOT_LOGIN = 'github-actions[bot]'

const login = z.object({ login: z.string().min(1) })

/** The token's own user, for a person's token; an App installation token (GITHUB_TOKEN) cannot read it. */
function viewerLogin(client: RepoClient): Promise<string | undefined> {
  return client.octokit.rest.users.getAuthenticated().then(
    (response) => login.safeParse(response.data).data?.login,
    () => undefined
  )
}

const identities = new WeakMap<object, Promise<string | undefined>>()

/**
 * The login a token acts as (docs/github.md#comments), asked once per client: GraphQL's `viewer`, which answers an
 * App installation token (`<app>[bot]`, GITHUB_TOKEN's `github-actions[bot]`) as well as a person's; else
 * `GET /user`, which only a person's token may read; else undefined.
 */
export function tokenIdentity(client: RepoClient): Promise<string | undefined> {
  let known = identities.get(client.octokit)
  if (!known) identities.set(client.octokit, (known = tokenLogin(client)))
  return known
}

async function tokenLogin(client: RepoClient): Promise<string | undefined> {
  try {
    const answer = await client.octokit.graphql('query { viewer { login } }')
    const viewer = z.object({ viewer: login }).safeParse(answer).data?.viewer.login
    if (viewer) return viewer
  } catch {
    // GraphQL refused (a server without it, or a token it does not take): REST may still say.
  }
  return viewerLogin(client)
}

/** A client and the input its token came from: a refusal names that input (docs/drift.md#permissions). */
export interface NamedClient extends RepoClient {
  token: 'github-token' | 'pull-request-token'
}

/**
 * Why GitHub refused `doing` with this client's token (401 or 403/404): the token, the identity it acts as and
 * the permission it lacks, in the words of its kind (App installation, GITHUB_TOKEN, a person's token).
 */
export async function tokenRefusal(
  client: NamedClient,
  status: number | undefined,
  doing: string,
  permission: 'Contents' | 'Pull requests'
): Promise<string> {
  const repository = `${client.owner}/${client.repo}`
  const { token } = client
  if (status === 401) {
    return `GitHub refused ${token} (401 Bad credentials) while ${doing}: the token is expired, revoked or not a token. Put a valid one in the secret that ${token} is given.`
  }
  const identity = await tokenIdentity(client)
  const scope = permission === 'Contents' ? 'contents' : 'pull-requests'
  const lacks = `lacks '${permission}: Read and write' on ${repository}`
  if (identity === ACTIONS_BOT_LOGIN) {
    return `${token} acts as ${identity} (the workflow's GITHUB_TOKEN), which ${lacks} while ${doing}: grant \`permissions: ${scope}: write\` to the job (docs/drift.md#permissions).`
  }
  if (identity?.endsWith('[bot]')) {
    return `${token} acts as ${identity}, a GitHub App installation, which ${lacks} while ${doing}: give the App the repository permission '${permission}: Read and write' and install it on ${repository}; the job's \`permissions:\` do not apply to it (docs/drift.md#permissions).`
  }
  if (identity) {
    return `${token} acts as ${identity} (a personal access token), which ${lacks} while ${doing}: a fine-grained token needs the repository permission '${permission}: Read and write' on ${repository} (a classic token the \`repo\` scope), and ${identity} needs write access to the repository (docs/drift.md#permissions).`
  }
  return `${token} ${lacks} while ${doing}, and GitHub would not say who it acts as: an App's installation needs the repository permission '${permission}: Read and write' and the App installed on ${repository}; a person's fine-grained token the same permission (a classic token the \`repo\` scope) (docs/drift.md#permissions).`
}
