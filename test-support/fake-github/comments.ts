/**
 * Issue comments, on issues and pull requests alike
 * (https://docs.github.com/rest/issues/comments): list, create, read, update, delete; a body is at most
 * 65,536 characters. A number the fake does not know as an issue is taken as a pull request's.
 */
import { fields, paginate, validationFailed, notFound, type Reply } from './http.js'
import type { FakeComment, FakeUser } from './types.js'
import { htmlUrl, type Route, type World } from './world.js'

export const MAX_COMMENT_LENGTH = 65536
const DOCS = 'https://docs.github.com/rest/issues/comments'

export function commentsOf(world: World, issue: number): FakeComment[] {
  let list = world.state.comments.get(issue)
  if (!list) world.state.comments.set(issue, (list = []))
  return list
}

export function addComment(world: World, issue: number, body: string, user: FakeUser) {
  const id = world.state.nextCommentId++
  const created = world.tick()
  const kind = world.state.issues.has(issue) ? 'issues' : 'pull'
  const comment: FakeComment = {
    id,
    body,
    user,
    html_url: htmlUrl(world, `/${kind}/${issue}#issuecomment-${id}`),
    created_at: created
  }
  commentsOf(world, issue).push(comment)
  const known = world.state.issues.get(issue)
  if (known) known.updated_at = created
  return comment
}

/** `body` too long or missing: GitHub's IssueComment validation errors. */
export function commentBodyProblem(body: unknown, resource = 'IssueComment'): Reply | undefined {
  if (typeof body !== 'string') {
    return validationFailed([{ resource, code: 'missing_field', field: 'body' }], DOCS)
  }
  if (body.length <= MAX_COMMENT_LENGTH) return undefined
  return validationFailed(
    [
      {
        resource,
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`
      }
    ],
    DOCS
  )
}

function findComment(world: World, id: number) {
  for (const list of world.state.comments.values()) {
    const index = list.findIndex((comment) => comment.id === id)
    if (index >= 0) return { list, index }
  }
  return undefined
}

const ON_ISSUES_OR_PULLS = ['issues', 'pull-requests'] as const

export const commentRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/issues\/(\d+)\/comments$/,
    scopes: [...ON_ISSUES_OR_PULLS],
    access: 'read',
    docs: `${DOCS}#list-issue-comments`,
    handle: (req, [, issue], world) => paginate(req, commentsOf(world, Number(issue)))
  },
  {
    method: 'POST',
    path: /^\/issues\/(\d+)\/comments$/,
    scopes: [...ON_ISSUES_OR_PULLS],
    access: 'write',
    docs: `${DOCS}#create-an-issue-comment`,
    handle: (req, [, issue], world) => {
      const body = fields(req).body
      const problem = commentBodyProblem(body)
      if (problem) return problem
      return { status: 201, body: addComment(world, Number(issue), String(body), world.actor) }
    }
  },
  {
    method: 'GET',
    path: /^\/issues\/comments\/(\d+)$/,
    scopes: [...ON_ISSUES_OR_PULLS],
    access: 'read',
    docs: `${DOCS}#get-an-issue-comment`,
    handle: (_req, [, id], world) => {
      const found = findComment(world, Number(id))
      return found ? { status: 200, body: found.list[found.index] } : notFound(DOCS)
    }
  },
  {
    method: 'PATCH',
    path: /^\/issues\/comments\/(\d+)$/,
    scopes: [...ON_ISSUES_OR_PULLS],
    access: 'write',
    docs: `${DOCS}#update-an-issue-comment`,
    handle: (req, [, id], world) => {
      const found = findComment(world, Number(id))
      if (!found) return notFound(DOCS)
      const body = fields(req).body
      const problem = commentBodyProblem(body)
      if (problem) return problem
      found.list[found.index].body = String(body)
      return { status: 200, body: found.list[found.index] }
    }
  },
  {
    method: 'DELETE',
    path: /^\/issues\/comments\/(\d+)$/,
    scopes: [...ON_ISSUES_OR_PULLS],
    access: 'write',
    docs: `${DOCS}#delete-an-issue-comment`,
    handle: (_req, [, id], world) => {
      const found = findComment(world, Number(id))
      if (!found) return notFound(DOCS)
      found.list.splice(found.index, 1)
      return { status: 204 }
    }
  }
]
