/**
 * A stage for end-to-end fault and hostile-input tests: one Kestra emulator, one fake GitHub API and one
 * git repository per case, so cases run concurrently without sharing a server.
 */
import {
  startFakeGitHub,
  type FakeGitHub,
  type FakeGitHubOptions
} from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type LoggedRequest,
  type SeedState,
  WRITE_ROUTES
} from '../../../test-support/kestra-emulator/index.js'
import { runAction, type RunResult } from '../../../test-support/runner.js'
import { CREDENTIALS, pullRequestEvent, pushEvent } from '../../../test-support/scenario.js'
import { expectedState, seedOf, type Tree } from '../../reliability/expected-state.js'

export { WRITE_ROUTES }
/** Writes of resources (the KV deployed-commit marker is bookkeeping, not a resource). */
export const RESOURCE_WRITE_ROUTES = WRITE_ROUTES.filter((route) => !route.startsWith('kv.'))

export interface StageOptions {
  /** The repository at the base commit; the server is seeded with exactly this content. */
  base: Tree
  /** Changes committed on top of the base (null deletes). */
  change: Tree
  emulator?: EmulatorOptions
  /** Server content besides the base tree (e.g. drift or foreign namespaces). */
  seed?: SeedState
  /** Seed the server from the base tree (default true). */
  seedFromBase?: boolean
  /** The fake GitHub's (e.g. who the workflow's token acts as). */
  github?: FakeGitHubOptions
}

export interface Stage {
  kestra: Emulator
  github: FakeGitHub
  repo: GitRepo
  base: string
  head: string
  /** The repository content at head. */
  tree: Tree
  /** Plans on pull_request #7 (base...head). */
  plan(inputs?: Record<string, string>): Promise<RunResult>
  /** Deploys on push (base..head). */
  deploy(inputs?: Record<string, string>): Promise<RunResult>
  /** Kestra requests logged after the first `mark` (a length of `kestra.requests` taken earlier). */
  since(mark: number): LoggedRequest[]
  close(): Promise<void>
}

export async function startStage(options: StageOptions): Promise<Stage> {
  const kestra = await startEmulator({ basicAuth: CREDENTIALS, ...options.emulator })
  const github = await startFakeGitHub(options.github)
  const repo = createGitRepo(options.base)
  const base = repo.head()
  if (options.seedFromBase !== false) kestra.seed(seedOf(options.base))
  if (options.seed) kestra.seed(options.seed)
  const head = repo.commit(options.change, 'change')
  const tree: Tree = { ...options.base }
  for (const [path, spec] of Object.entries(options.change)) {
    if (spec === null) delete tree[path]
    else tree[path] = spec
  }
  const connection = (inputs: Record<string, string>) => ({
    githubApiUrl: github.url,
    timeoutMs: 90_000,
    inputs: { server: kestra.url, ...CREDENTIALS, ...inputs }
  })
  return {
    kestra,
    github,
    repo,
    base,
    head,
    tree,
    plan: (inputs = {}) =>
      runAction({ ...pullRequestEvent(repo, base, head), ...connection(inputs) }),
    deploy: (inputs = {}) => runAction({ ...pushEvent(repo, base, head), ...connection(inputs) }),
    since: (mark) => kestra.requests.slice(mark),
    close: async () => {
      kestra.onRequest(undefined)
      await kestra.close()
      await github.close()
    }
  }
}

/**
 * Differences between the server and the repository in the namespaces the repository manages; empty
 * when the server equals the repository.
 */
export function serverDiff(kestra: Emulator, tree: Tree, namespaces?: string[]): string[] {
  const expected = expectedState(tree)
  const managed = new Set(
    namespaces ?? [...expected.flows, ...expected.files].map((r) => r.namespace)
  )
  const snapshot = kestra.snapshot()
  const diffs: string[] = []
  const liveFlows = new Map(
    snapshot.flows
      .filter((f) => !f.deleted && managed.has(f.namespace))
      .map((f) => [`${f.namespace}.${f.id}`, f.source])
  )
  for (const want of expected.flows) {
    const key = `${want.namespace}.${want.id}`
    const have = liveFlows.get(key)
    if (have === undefined) diffs.push(`flow ${key} missing on the server`)
    else if (have !== want.source) diffs.push(`flow ${key} differs on the server`)
    liveFlows.delete(key)
  }
  for (const key of liveFlows.keys()) diffs.push(`flow ${key} on the server, not in the repository`)
  const files = new Map(
    snapshot.files
      .filter((f) => managed.has(f.namespace))
      .map((f) => [`${f.namespace}:${f.path}`, f.bytes])
  )
  for (const want of expected.files) {
    const key = `${want.namespace}:${want.path}`
    const have = files.get(key)
    if (have === undefined) diffs.push(`file ${key} missing on the server`)
    else if (!Buffer.from(want.bytes).equals(have)) diffs.push(`file ${key} differs on the server`)
    files.delete(key)
  }
  for (const key of files.keys()) diffs.push(`file ${key} on the server, not in the repository`)
  return diffs
}

export function writesIn(
  requests: LoggedRequest[],
  routes: readonly string[] = RESOURCE_WRITE_ROUTES
): LoggedRequest[] {
  return requests.filter((r) => routes.includes(r.route))
}

/** The runner's annotations and the step's failure (`::error::` without a file) as one text. */
export function failureText(result: RunResult): string {
  return result.annotations
    .filter((a) => a.severity === 'error' && a.file === undefined)
    .map((a) => a.message)
    .join('\n')
}
