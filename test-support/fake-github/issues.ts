/**
 * Issues (https://docs.github.com/rest/issues/issues): create, get, update, list. The list holds pull
 * requests too ("GitHub's REST API considers every pull request an issue"), marked by a `pull_request`
 * key; only open ones unless `state` says otherwise. A repository with issues turned off answers 410.
 */
import { commentBodyProblem, commentsOf } from './comments.js'
import {
  failure,
  fields,
  isRecord,
  missingField,
  notFound,
  notOneOf,
  paginate,
  type Reply
} from './http.js'
import { pullJson } from './pulls.js'
import type { FakeIssue, FakePull } from './types.js'
import { apiUrl, htmlUrl, userJson, type Route, type World } from './world.js'

const DOCS = 'https://docs.github.com/rest/issues/issues'
const STATES = ['open', 'closed'] as const
const LIST_STATES = ['open', 'closed', 'all'] as const
const STATE_REASONS = ['completed', 'not_planned', 'duplicate', 'reopened'] as const

function labelJson(world: World, name: string) {
  return {
    id: labelId(name),
    name,
    url: apiUrl(world, `/labels/${encodeURIComponent(name)}`),
    color: 'ededed',
    default: false,
    description: null
  }
}

/** A stable id per label name (GitHub creates a label the first time an issue names it). */
function labelId(name: string): number {
  let hash = 7
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007
  return hash
}

function issueJson(world: World, issue: FakeIssue) {
  return {
    url: apiUrl(world, `/issues/${issue.number}`),
    html_url: htmlUrl(world, `/issues/${issue.number}`),
    id: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    user: userJson(issue.user),
    labels: issue.labels.map((name) => labelJson(world, name)),
    state: issue.state,
    state_reason: issue.state_reason,
    locked: false,
    comments: commentsOf(world, issue.number).length,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at
  }
}

/** A pull request as the issue endpoints show it. */
function pullAsIssue(world: World, pull: FakePull) {
  const json = pullJson(world, pull)
  return {
    url: apiUrl(world, `/issues/${pull.number}`),
    html_url: json.html_url,
    id: pull.id,
    number: pull.number,
    title: pull.title,
    body: pull.body,
    user: json.user,
    labels: [],
    state: pull.state,
    state_reason: null,
    locked: false,
    comments: commentsOf(world, pull.number).length,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    pull_request: {
      url: json.url,
      html_url: json.html_url,
      diff_url: `${json.html_url}.diff`,
      patch_url: `${json.html_url}.patch`,
      merged_at: null
    }
  }
}

/** `labels` as names: strings, or `{name}` objects. */
function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return []
  return value.map((label) => (isRecord(label) ? String(label.name) : String(label)))
}

function create(world: World, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}#create-an-issue`
  if (typeof input.title !== 'string' && typeof input.title !== 'number') {
    return missingField('title', docs)
  }
  if (input.body !== undefined && input.body !== null) {
    const problem = commentBodyProblem(input.body, 'Issue')
    if (problem) return problem
  }
  const now = world.tick()
  const issue: FakeIssue = {
    id: world.nextId(),
    number: world.nextNumber(),
    title: String(input.title),
    body: typeof input.body === 'string' ? input.body : null,
    labels: [...new Set(labelNames(input.labels))],
    state: 'open',
    state_reason: null,
    user: world.actor,
    created_at: now,
    updated_at: now,
    closed_at: null
  }
  world.state.issues.set(issue.number, issue)
  return { status: 201, body: issueJson(world, issue) }
}

/** `state_reason` is ignored unless `state` changes; closing defaults it to `completed`. */
function update(world: World, issue: FakeIssue, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}#update-an-issue`
  if (input.state !== undefined && !STATES.includes(input.state as 'open')) {
    return notOneOf('state', input.state, STATES, docs)
  }
  const reason = input.state_reason
  if (reason !== undefined && reason !== null && !STATE_REASONS.includes(reason as 'completed')) {
    return notOneOf('state_reason', reason, STATE_REASONS, docs)
  }
  if (typeof input.body === 'string') {
    const problem = commentBodyProblem(input.body, 'Issue')
    if (problem) return problem
    issue.body = input.body
  }
  if (typeof input.title === 'string' || typeof input.title === 'number') {
    issue.title = String(input.title)
  }
  if (Array.isArray(input.labels)) issue.labels = [...new Set(labelNames(input.labels))]
  issue.updated_at = world.tick()
  if (input.state !== undefined && input.state !== issue.state) {
    issue.state = input.state as FakeIssue['state']
    issue.closed_at = issue.state === 'closed' ? issue.updated_at : null
    const fallback = issue.state === 'closed' ? 'completed' : 'reopened'
    issue.state_reason = typeof reason === 'string' ? reason : fallback
  }
  return { status: 200, body: issueJson(world, issue) }
}

function list(world: World, query: Record<string, string>): Reply | unknown[] {
  const state = query.state ?? 'open'
  if (!LIST_STATES.includes(state as 'open')) {
    return notOneOf('state', state, LIST_STATES, `${DOCS}#list-repository-issues`)
  }
  const wanted = query.labels ? query.labels.split(',').map((label) => label.trim()) : []
  const issues = [...world.state.issues.values()]
    .filter((issue) => wanted.every((label) => issue.labels.includes(label)))
    .map((issue) => issueJson(world, issue))
  const pulls = wanted.length > 0 ? [] : [...world.state.pulls.values()]
  const all = [...issues, ...pulls.map((pull) => pullAsIssue(world, pull))].filter(
    (item) => state === 'all' || item.state === state
  )
  const ascending = query.direction === 'asc'
  return all.sort((a, b) => (ascending ? a.number - b.number : b.number - a.number))
}

function disabled(world: World, docs: string): Reply | undefined {
  return world.hasIssues ? undefined : failure(410, 'Issues are disabled for this repo', docs)
}

export const issueRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/issues$/,
    scopes: ['issues'],
    access: 'write',
    docs: `${DOCS}#create-an-issue`,
    handle: (req, _match, world) =>
      disabled(world, `${DOCS}#create-an-issue`) ?? create(world, fields(req))
  },
  {
    method: 'GET',
    path: /^\/issues$/,
    scopes: ['issues'],
    access: 'read',
    docs: `${DOCS}#list-repository-issues`,
    handle: (req, _match, world) => {
      const found = list(world, req.query)
      return Array.isArray(found) ? paginate(req, found) : found
    }
  },
  {
    method: 'GET',
    path: /^\/issues\/(\d+)$/,
    scopes: ['issues'],
    access: 'read',
    docs: `${DOCS}#get-an-issue`,
    handle: (_req, [, number], world) => {
      const issue = world.state.issues.get(Number(number))
      if (issue) return disabled(world, DOCS) ?? { status: 200, body: issueJson(world, issue) }
      const pull = world.state.pulls.get(Number(number))
      return pull ? { status: 200, body: pullAsIssue(world, pull) } : notFound(DOCS)
    }
  },
  {
    method: 'PATCH',
    path: /^\/issues\/(\d+)$/,
    scopes: ['issues'],
    access: 'write',
    docs: `${DOCS}#update-an-issue`,
    handle: (req, [, number], world) => {
      const issue = world.state.issues.get(Number(number))
      if (!issue) return notFound(`${DOCS}#update-an-issue`)
      return disabled(world, `${DOCS}#update-an-issue`) ?? update(world, issue, fields(req))
    }
  }
]
