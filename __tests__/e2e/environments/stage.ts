/**
 * What the environment tests share (docs/environments.md): a Kestra emulator, a fake GitHub that knows the
 * repository's commits (deployments need them), and views of the server as a user sees it.
 */
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import type { GitRepo } from '../../../test-support/git-repo.js'
import {
  startEmulator,
  WRITE_ROUTES,
  type Emulator
} from '../../../test-support/kestra-emulator/index.js'
import { CREDENTIALS } from '../../../test-support/scenario.js'

export const RUN_URL = 'https://github.com/octo/kestra-repo/actions/runs/4242'

export interface Servers {
  kestra: Emulator
  github: FakeGitHub
}

export async function startServers(): Promise<Servers> {
  return {
    kestra: await startEmulator({ basicAuth: CREDENTIALS }),
    github: await startFakeGitHub()
  }
}

export async function stopServers(servers: Partial<Servers> | undefined): Promise<void> {
  await servers?.kestra?.close()
  await servers?.github?.close()
}

/** The fake GitHub learns the repository's commits and branches (a deployment's ref must exist). */
export function publish(github: FakeGitHub, repo: GitRepo): void {
  github.seedFromRepository(repo.dir)
}

/** Pull request #`number` from this repository's `feature` branch, open, as GitHub holds it. */
export function openPullRequest(github: FakeGitHub, base: string, head: string, number = 7): void {
  github.seedPull({ number, head: { ref: 'feature', sha: head }, base: { ref: 'main', sha: base } })
}

export interface ServerView {
  flows: { namespace: string; id: string; source: string }[]
  files: { namespace: string; path: string; text: string }[]
  kv: { namespace: string; key: string; value: unknown }[]
}

/** Live flows, files and KV entries of the namespaces `keep` selects, sorted. */
export function serverView(kestra: Emulator, keep: (namespace: string) => boolean): ServerView {
  const snapshot = kestra.snapshot()
  const by =
    <T extends { namespace: string }>(key: (item: T) => string) =>
    (a: T, b: T) =>
      `${a.namespace} ${key(a)}` < `${b.namespace} ${key(b)}` ? -1 : 1
  return {
    flows: snapshot.flows
      .filter((f) => !f.deleted && keep(f.namespace))
      .map((f) => ({ namespace: f.namespace, id: f.id, source: f.source }))
      .sort(by((f) => f.id)),
    files: snapshot.files
      .filter((f) => keep(f.namespace))
      .map((f) => ({ namespace: f.namespace, path: f.path, text: f.bytes.toString('utf8') }))
      .sort(by((f) => f.path)),
    kv: snapshot.kv
      .filter((entry) => keep(entry.namespace))
      .map((entry) => ({ namespace: entry.namespace, key: entry.key, value: entry.value }))
      .sort(by((entry) => entry.key))
  }
}

/** `pr-7.company.team` and `pr-7` itself are PR 7's; `pr-70.company.team` is not. */
export function inPrefix(prefix: string): (namespace: string) => boolean {
  return (namespace) => namespace.startsWith(`${prefix}.`)
}

export function notInPrefix(prefix: string): (namespace: string) => boolean {
  const inside = inPrefix(prefix)
  return (namespace) => !inside(namespace)
}

/** The writes the emulator logged (flows, files, KV), as `METHOD route namespace`. */
export function kestraWrites(kestra: Emulator): string[] {
  return kestra.requests
    .filter((r) => WRITE_ROUTES.includes(r.route))
    .map((r) => {
      // A create names its namespace in the flow it sends.
      const named = /^namespace:\s*["']?([^"'\s]+)/m.exec(r.text ?? '')?.[1]
      const namespace = r.params.namespace ?? named
      return `${r.method} ${r.route} ${namespace ?? '?'}`
    })
}

export interface RecordedDeployment {
  environment: string
  sha: string
  task: string
  transient: boolean
  production: boolean
  payload: unknown
  /** Oldest first: state, environment_url, log_url, description. */
  statuses: { state: string; environmentUrl: string; logUrl: string; description: string }[]
}

/** The deployments the fake GitHub holds, oldest first, with their statuses. */
export function deployments(github: FakeGitHub): RecordedDeployment[] {
  return github.state.deployments.map((d) => ({
    environment: d.environment,
    sha: d.sha,
    task: d.task,
    transient: d.transient_environment,
    production: d.production_environment,
    payload: d.payload,
    statuses: (github.state.deploymentStatuses.get(d.id) ?? []).map((s) => ({
      state: s.state,
      environmentUrl: s.environment_url,
      logUrl: s.log_url,
      description: s.description
    }))
  }))
}

/** The GitHub calls of a run, as `METHOD path` without the repository prefix. */
export function githubCalls(github: FakeGitHub, from = 0): string[] {
  return github.requests
    .slice(from)
    .map((r) => `${r.method} ${r.path.replace(/^\/repos\/octo\/kestra-repo/, '')}`)
}
