/**
 * Pull request reviews and review comments (https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request,
 * https://docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request), on the diff the git database
 * gives a seeded pull request: the head (or `commit_id`) against its merge base with the base, 3 lines of context
 * as GitHub shows it. A comment's `line` (and `start_line`) must lie in a hunk of that diff, on the side it names,
 * the start in the same hunk as the line; else the whole review is refused, as GitHub does, with its words
 * ("Pull request review thread line must be part of the diff…": The-PR-Agent/pr-agent#592,
 * parkerbxyz/suggest-changes#48). Also the `patch` of each file in a pull request's file listing.
 */
import { structuredPatch } from 'diff'
import { failure, fields, notFound, paginate, type Reply } from './http.js'
import type { FakePull, FakePullFile, FakeReview, FakeReviewComment } from './types.js'
import { apiUrl, htmlUrl, userJson, type Route, type World } from './world.js'

const DOCS = 'https://docs.github.com/rest/pulls/reviews'
const COMMENTS_DOCS = 'https://docs.github.com/rest/pulls/comments'
const EVENTS = ['APPROVE', 'REQUEST_CHANGES', 'COMMENT']

interface FileDiff {
  filename: string
  status: 'added' | 'removed' | 'modified'
  patch: string
  /** Each hunk's lines on the head's side (context and added), by number. */
  rightHunks: Set<number>[]
  /** Each hunk's lines on the base's side (context and removed). */
  leftHunks: Set<number>[]
}

function unprocessable(
  errors: string[],
  docs = `${DOCS}#create-a-review-for-a-pull-request`
): Reply {
  return {
    status: 422,
    body: { message: 'Unprocessable Entity', errors, documentation_url: docs, status: '422' }
  }
}

/** The files `commit` changes since its merge base with the pull request's base, as GitHub diffs them. */
export function pullDiff(world: World, pull: FakePull, commit: string): FileDiff[] | undefined {
  const { git } = world.state
  const objects = git.objects
  if (!objects.has(commit, 'commit') || !objects.has(pull.base.sha, 'commit')) return undefined
  const ancestors = new Set(objects.ancestry(pull.base.sha))
  const base = objects.ancestry(commit).find((sha) => ancestors.has(sha))
  const before = base ? git.files(base) : new Map()
  const after = git.files(commit)
  const text = (sha: string | undefined) =>
    sha === undefined ? '' : (objects.get(sha)?.content.toString('utf8') ?? '')
  const diffs: FileDiff[] = []
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const [was, now] = [before.get(path), after.get(path)]
    if (was?.sha === now?.sha) continue
    const patch = structuredPatch(path, path, text(was?.sha), text(now?.sha), '', '', {
      context: 3
    })
    const rightHunks: Set<number>[] = []
    const leftHunks: Set<number>[] = []
    const lines: string[] = []
    for (const hunk of patch.hunks) {
      lines.push(
        `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
        ...hunk.lines
      )
      const right = new Set<number>()
      const left = new Set<number>()
      let [oldLine, newLine] = [hunk.oldStart, hunk.newStart]
      for (const line of hunk.lines) {
        if (line.startsWith('+')) right.add(newLine++)
        else if (line.startsWith('-')) left.add(oldLine++)
        else if (line.startsWith(' ')) {
          right.add(newLine++)
          left.add(oldLine++)
        }
      }
      rightHunks.push(right)
      leftHunks.push(left)
    }
    diffs.push({
      filename: path,
      status: !was ? 'added' : !now ? 'removed' : 'modified',
      patch: lines.join('\n'),
      rightHunks,
      leftHunks
    })
  }
  return diffs
}

/** A seeded pull request's files with their `patch`, when the git database holds its commits. */
export function pullFilesOf(world: World, pull: FakePull): FakePullFile[] | undefined {
  return pullDiff(world, pull, pull.head.sha)?.map(({ filename, status, patch }) => ({
    filename,
    status,
    patch
  }))
}

function reviewJson(world: World, review: FakeReview) {
  return {
    id: review.id,
    user: userJson(review.user),
    body: review.body,
    state: review.state,
    html_url: htmlUrl(world, `/pull/${review.pull}#pullrequestreview-${review.id}`),
    pull_request_url: apiUrl(world, `/pulls/${review.pull}`),
    commit_id: review.commit_id,
    submitted_at: review.submitted_at
  }
}

function commentJson(world: World, comment: FakeReviewComment) {
  return {
    url: apiUrl(world, `/pulls/comments/${comment.id}`),
    id: comment.id,
    pull_request_review_id: comment.review,
    diff_hunk: comment.diff_hunk,
    path: comment.path,
    commit_id: comment.commit_id,
    original_commit_id: comment.commit_id,
    user: userJson(comment.user),
    body: comment.body,
    created_at: comment.created_at,
    updated_at: comment.created_at,
    html_url: htmlUrl(world, `/pull/${comment.pull}#discussion_r${comment.id}`),
    pull_request_url: apiUrl(world, `/pulls/${comment.pull}`),
    start_line: comment.start_line ?? null,
    original_start_line: comment.start_line ?? null,
    start_side: comment.start_line === undefined ? null : comment.start_side,
    line: comment.line,
    original_line: comment.line,
    side: comment.side
  }
}

const SIDES = ['LEFT', 'RIGHT']

/** Where each draft comment goes, or GitHub's reasons to refuse the review. */
function placeComments(
  drafts: unknown[],
  diff: FileDiff[]
):
  | {
      placed: Omit<
        FakeReviewComment,
        'id' | 'review' | 'pull' | 'user' | 'created_at' | 'commit_id'
      >[]
    }
  | { errors: string[] } {
  const placed = []
  for (const raw of drafts) {
    const draft = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>
    if (typeof draft.path !== 'string' || typeof draft.body !== 'string') {
      return { errors: ['Path and body are required for each comment'] }
    }
    const side = draft.side ?? 'RIGHT'
    const startSide = draft.start_side ?? side
    if (!SIDES.includes(String(side)) || !SIDES.includes(String(startSide))) {
      return { errors: ['Side must be LEFT or RIGHT'] }
    }
    if (!Number.isInteger(draft.line)) return { errors: ['Line could not be resolved'] }
    const line = draft.line as number
    const start = draft.start_line === undefined ? undefined : (draft.start_line as number)
    const file = diff.find((f) => f.filename === draft.path)
    const hunks = side === 'RIGHT' ? file?.rightHunks : file?.leftHunks
    const hunk = hunks?.findIndex((lines) => lines.has(line)) ?? -1
    if (!file || hunk < 0) {
      return {
        errors: [
          "Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank"
        ]
      }
    }
    if (start !== undefined) {
      const startHunks = startSide === 'RIGHT' ? file.rightHunks : file.leftHunks
      if (!Number.isInteger(start) || start > line || !startHunks[hunk]?.has(start)) {
        return {
          errors: [
            'Pull request review thread start line must be part of the same hunk as the line.'
          ]
        }
      }
    }
    placed.push({
      path: draft.path,
      body: draft.body,
      line,
      side: String(side) as 'LEFT' | 'RIGHT',
      ...(start !== undefined && {
        start_line: start,
        start_side: String(startSide) as 'LEFT' | 'RIGHT'
      }),
      diff_hunk: file.patch
    })
  }
  return { placed }
}

function createReview(world: World, pull: FakePull, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}#create-a-review-for-a-pull-request`
  if (input.event !== undefined && !EVENTS.includes(String(input.event))) {
    return unprocessable([`Event must be one of ${EVENTS.join(', ')}`], docs)
  }
  const body = typeof input.body === 'string' ? input.body : ''
  const drafts = Array.isArray(input.comments) ? (input.comments as unknown[]) : []
  if (
    (input.event === 'COMMENT' || input.event === 'REQUEST_CHANGES') &&
    body === '' &&
    drafts.length === 0
  ) {
    return unprocessable(['Body is required'], docs)
  }
  const commit = typeof input.commit_id === 'string' ? input.commit_id : pull.head.sha
  const diff = pullDiff(world, pull, commit)
  if (!diff) return unprocessable(['Commit could not be resolved'], docs)
  const placing = placeComments(drafts, diff)
  if ('errors' in placing) return unprocessable(placing.errors, docs)
  const now = world.tick()
  const review: FakeReview = {
    id: world.nextId(),
    pull: pull.number,
    user: world.actor,
    body,
    state:
      input.event === 'APPROVE'
        ? 'APPROVED'
        : input.event === 'REQUEST_CHANGES'
          ? 'CHANGES_REQUESTED'
          : input.event === 'COMMENT'
            ? 'COMMENTED'
            : 'PENDING',
    commit_id: commit,
    submitted_at: now
  }
  world.state.reviews.push(review)
  for (const comment of placing.placed) {
    world.state.reviewComments.push({
      ...comment,
      id: world.nextId(),
      review: review.id,
      pull: pull.number,
      user: world.actor,
      commit_id: commit,
      created_at: now
    })
  }
  return { status: 200, body: reviewJson(world, review) }
}

function pullOf(world: World, number: string): FakePull | undefined {
  return world.state.pulls.get(Number(number))
}

export const reviewRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/pulls\/(\d+)\/reviews$/,
    scopes: ['pull-requests'],
    access: 'write',
    docs: `${DOCS}#create-a-review-for-a-pull-request`,
    handle: (req, [, number], world) => {
      const pull = pullOf(world, number!)
      if (!pull) return notFound(DOCS)
      if (pull.state !== 'open') return failure(422, 'Pull request is closed', DOCS)
      return createReview(world, pull, fields(req))
    }
  },
  {
    method: 'GET',
    path: /^\/pulls\/(\d+)\/reviews$/,
    scopes: ['pull-requests'],
    access: 'read',
    docs: `${DOCS}#list-reviews-for-a-pull-request`,
    handle: (req, [, number], world) =>
      paginate(
        req,
        world.state.reviews
          .filter((review) => review.pull === Number(number))
          .map((review) => reviewJson(world, review))
      )
  },
  {
    method: 'GET',
    path: /^\/pulls\/(\d+)\/comments$/,
    scopes: ['pull-requests'],
    access: 'read',
    docs: `${COMMENTS_DOCS}#list-review-comments-on-a-pull-request`,
    handle: (req, [, number], world) =>
      paginate(
        req,
        world.state.reviewComments
          .filter((comment) => comment.pull === Number(number))
          .map((comment) => commentJson(world, comment))
      )
  }
]
