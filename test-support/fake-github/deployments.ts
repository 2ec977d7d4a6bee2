/**
 * Deployments and their statuses (https://docs.github.com/rest/deployments/deployments, …/statuses),
 * from the REST description of each operation:
 * - create: `ref` is a branch, tag or SHA (an unknown one is a 422 `No ref found for: <ref>`); with
 *   `auto_merge` (default true) a branch behind the default branch is merged into (202) or, when the
 *   merge conflicts, refused with 409 `Conflict merging <default> into <ref>`; a SHA or tag behind it
 *   cannot take a merge and gets the same 409 (deploy an older commit with `auto_merge: false`); `required_contexts` (default:
 *   every context of the commit's statuses) must all be `success`, else 409 `Conflict: Commit status
 *   checks failed for <ref>.`; `environment` defaults to `production`, `production_environment` to
 *   whether it is `production`; a new environment name creates the environment.
 * - statuses: `state` one of error, failure, inactive, in_progress, queued, pending, success;
 *   `log_url` sets `target_url` too; `environment` defaults to the previous status's, then the
 *   deployment's; `auto_inactive` (default true) adds an `inactive` status to every prior
 *   non-transient, non-production deployment of the same environment whose state is `success` when a
 *   new `success` is created. Listed newest first.
 */
import { ensureEnvironment } from './environments.js'
import { mergeInto } from './git-refs.js'
import {
  failure,
  fields,
  invalidRequest,
  missingField,
  notFound,
  notOneOf,
  paginate,
  validationFailed,
  type Reply
} from './http.js'
import type { FakeDeployment, FakeDeploymentStatus } from './types.js'
import { apiUrl, userJson, type Route, type World } from './world.js'

const DOCS = 'https://docs.github.com/rest/deployments'
const STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success'
] as const
const MAX_STATUS_DESCRIPTION = 140

function deploymentJson(world: World, d: FakeDeployment) {
  return {
    url: apiUrl(world, `/deployments/${d.id}`),
    id: d.id,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.original_environment,
    environment: d.environment,
    description: d.description,
    creator: userJson(d.creator),
    created_at: d.created_at,
    updated_at: d.updated_at,
    statuses_url: apiUrl(world, `/deployments/${d.id}/statuses`),
    repository_url: apiUrl(world, ''),
    transient_environment: d.transient_environment,
    production_environment: d.production_environment
  }
}

function statusJson(world: World, s: FakeDeploymentStatus) {
  return {
    url: apiUrl(world, `/deployments/${s.deployment_id}/statuses/${s.id}`),
    id: s.id,
    state: s.state,
    creator: userJson(s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.target_url,
    created_at: s.created_at,
    updated_at: s.updated_at,
    deployment_url: apiUrl(world, `/deployments/${s.deployment_id}`),
    repository_url: apiUrl(world, ''),
    environment_url: s.environment_url,
    log_url: s.log_url
  }
}

/** The 409 when a required context is not `success` (missing counts as not). */
function failedChecks(
  world: World,
  sha: string,
  ref: string,
  required: unknown
): Reply | undefined {
  const statuses = world.state.commitStatuses.get(sha) ?? []
  const contexts = Array.isArray(required)
    ? required.map(String)
    : [...new Set(statuses.map((s) => s.context))]
  const latest = (context: string) => statuses.filter((s) => s.context === context).at(-1)?.state
  if (contexts.every((context) => latest(context) === 'success')) return undefined
  return failure(409, `Conflict: Commit status checks failed for ${ref}.`, `${DOCS}/deployments`)
}

function create(world: World, input: Record<string, unknown>): Reply {
  const docs = `${DOCS}/deployments#create-a-deployment`
  if (typeof input.ref !== 'string') return missingField('ref', docs)
  const { ref } = input
  const { git } = world.state
  const sha = git.resolveCommit(ref)
  if (!sha) return failure(422, `No ref found for: ${ref}`, docs)
  const defaultBranch = git.defaultBranch
  const defaultHead = git.refs.get(`refs/heads/${defaultBranch}`)
  if (input.auto_merge !== false && defaultHead && !git.objects.isAncestor(defaultHead, sha)) {
    const merged = git.branch(ref) ? mergeInto(world, ref, defaultHead) : undefined
    if (!merged) return failure(409, `Conflict merging ${defaultBranch} into ${ref}`, docs)
    return {
      status: 202,
      body: { message: `Auto-merged ${defaultBranch} into ${ref} on deployment.` }
    }
  }
  const checks = failedChecks(world, sha, ref, input.required_contexts)
  if (checks) return checks
  const environment = typeof input.environment === 'string' ? input.environment : 'production'
  const now = world.tick()
  const deployment: FakeDeployment = {
    id: world.nextId(),
    sha,
    ref,
    task: typeof input.task === 'string' ? input.task : 'deploy',
    payload: input.payload ?? {},
    original_environment: environment,
    environment,
    description: typeof input.description === 'string' ? input.description : '',
    creator: world.actor,
    created_at: now,
    updated_at: now,
    transient_environment: input.transient_environment === true,
    production_environment:
      typeof input.production_environment === 'boolean'
        ? input.production_environment
        : environment === 'production'
  }
  ensureEnvironment(world, environment)
  world.state.deployments.push(deployment)
  world.state.deploymentStatuses.set(deployment.id, [])
  return { status: 201, body: deploymentJson(world, deployment) }
}

function latestState(world: World, deployment: FakeDeployment): string | undefined {
  return world.state.deploymentStatuses.get(deployment.id)?.at(-1)?.state
}

function addStatus(
  world: World,
  deployment: FakeDeployment,
  input: Record<string, unknown>
): FakeDeploymentStatus {
  const history = world.state.deploymentStatuses.get(deployment.id)!
  const environment =
    typeof input.environment === 'string'
      ? input.environment
      : (history.at(-1)?.environment ?? deployment.environment)
  const url = (value: unknown) => (typeof value === 'string' ? value : '')
  const logUrl = url(input.log_url) || url(input.target_url)
  const now = world.tick()
  const status: FakeDeploymentStatus = {
    id: world.nextId(),
    deployment_id: deployment.id,
    state: String(input.state),
    description: url(input.description),
    environment,
    target_url: logUrl,
    log_url: logUrl,
    environment_url: url(input.environment_url),
    creator: world.actor,
    created_at: now,
    updated_at: now
  }
  history.push(status)
  Object.assign(deployment, { environment, updated_at: now })
  ensureEnvironment(world, environment)
  return status
}

function createStatus(world: World, deployment: FakeDeployment, input: Record<string, unknown>) {
  const docs = `${DOCS}/statuses#create-a-deployment-status`
  if (input.state === undefined) return missingField('state', docs)
  if (!STATES.includes(input.state as 'success'))
    return notOneOf('state', input.state, STATES, docs)
  if (typeof input.description === 'string' && input.description.length > MAX_STATUS_DESCRIPTION) {
    return validationFailed(
      [
        {
          resource: 'DeploymentStatus',
          code: 'custom',
          field: 'description',
          message: `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)`
        }
      ],
      docs
    )
  }
  if (input.auto_inactive !== undefined && typeof input.auto_inactive !== 'boolean') {
    return invalidRequest(
      `For 'properties/auto_inactive', ${JSON.stringify(input.auto_inactive)} is not a boolean.`,
      docs
    )
  }
  const status = addStatus(world, deployment, input)
  if (status.state === 'success' && input.auto_inactive !== false) {
    for (const prior of world.state.deployments) {
      if (
        prior.id < deployment.id &&
        prior.environment === status.environment &&
        !prior.transient_environment &&
        !prior.production_environment &&
        latestState(world, prior) === 'success'
      ) {
        addStatus(world, prior, { state: 'inactive' })
      }
    }
  }
  return { status: 201, body: statusJson(world, status) }
}

function listDeployments(world: World, query: Record<string, string>) {
  const filters = ['sha', 'ref', 'task', 'environment'] as const
  return world.state.deployments
    .filter((d) => filters.every((name) => query[name] === undefined || d[name] === query[name]))
    .reverse()
    .map((d) => deploymentJson(world, d))
}

function deploymentOf(world: World, id: string): FakeDeployment | undefined {
  return world.state.deployments.find((d) => d.id === Number(id))
}

export const deploymentRoutes: Route[] = [
  {
    method: 'POST',
    path: /^\/deployments$/,
    scopes: ['deployments'],
    access: 'write',
    docs: `${DOCS}/deployments#create-a-deployment`,
    handle: (req, _match, world) => create(world, fields(req))
  },
  {
    method: 'GET',
    path: /^\/deployments$/,
    scopes: ['deployments'],
    access: 'read',
    docs: `${DOCS}/deployments#list-deployments`,
    handle: (req, _match, world) => paginate(req, listDeployments(world, req.query))
  },
  {
    method: 'GET',
    path: /^\/deployments\/(\d+)$/,
    scopes: ['deployments'],
    access: 'read',
    docs: `${DOCS}/deployments#get-a-deployment`,
    handle: (_req, [, id], world) => {
      const deployment = deploymentOf(world, id)
      return deployment
        ? { status: 200, body: deploymentJson(world, deployment) }
        : notFound(`${DOCS}/deployments#get-a-deployment`)
    }
  },
  {
    method: 'POST',
    path: /^\/deployments\/(\d+)\/statuses$/,
    scopes: ['deployments'],
    access: 'write',
    docs: `${DOCS}/statuses#create-a-deployment-status`,
    handle: (req, [, id], world) => {
      const deployment = deploymentOf(world, id)
      if (!deployment) return notFound(`${DOCS}/statuses#create-a-deployment-status`)
      return createStatus(world, deployment, fields(req))
    }
  },
  {
    method: 'GET',
    path: /^\/deployments\/(\d+)\/statuses$/,
    scopes: ['deployments'],
    access: 'read',
    docs: `${DOCS}/statuses#list-deployment-statuses`,
    handle: (req, [, id], world) => {
      const deployment = deploymentOf(world, id)
      if (!deployment) return notFound(`${DOCS}/statuses#list-deployment-statuses`)
      const newestFirst = [...world.state.deploymentStatuses.get(deployment.id)!].reverse()
      return paginate(
        req,
        newestFirst.map((status) => statusJson(world, status))
      )
    }
  }
]
