/**
 * A stage for the drift watch: a repository deployed to a Kestra emulator, a fake GitHub that holds the same
 * repository in its git database, edits made "in the UI" through Kestra's own API (as the UI saves them), and
 * `mode: drift` runs of the bundled action on `schedule` or `workflow_dispatch`.
 */
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import type { FakeGitHubOptions, FakeIssue } from '../../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'
import {
  startEmulator,
  WRITE_ROUTES,
  type Emulator,
  type EmulatorOptions,
  type LoggedRequest,
  type SeedState
} from '../../../test-support/kestra-emulator/index.js'
import { runAction, type RunResult } from '../../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, flow, scheduleEvent } from '../../../test-support/scenario.js'
import { seedOf, type Tree } from '../../reliability/expected-state.js'

export const NS = 'company.team'
export const ANALYTICS = 'company.team.analytics'

/** A tenant-layout repository: flows in a nested folder too, a namespace file, a second namespace. */
export function tenantTree(): Tree {
  return {
    'README.md': '# Kestra flows\n',
    [`${NS}/flows/solo.yml`]: flow(NS, 'solo'),
    [`${NS}/flows/other.yml`]: flow(NS, 'other'),
    [`${NS}/flows/nested/deep.yaml`]: flow(NS, 'deep'),
    [`${NS}/files/scripts/run.py`]: 'print("run")\n',
    [`${ANALYTICS}/flows/report.yml`]: flow(ANALYTICS, 'report')
  }
}

export interface DriftStageOptions {
  /** The repository (tenant layout unless `inputs` say otherwise); default `tenantTree()`. */
  tree?: Tree
  github?: FakeGitHubOptions
  /**
   * What the server holds at the start; default: the tenant-layout repository's flows and files, as a deploy
   * of it would leave them.
   */
  seed?: SeedState
  /** The emulated server (default: the emulator's). */
  emulator?: EmulatorOptions
}

export interface DriftStage {
  kestra: Emulator
  github: FakeGitHub
  repo: GitRepo
  head: string
  ui: KestraUi
  /** A scheduled `mode: drift` run on the default branch's head. */
  drift(inputs?: Record<string, string>): Promise<RunResult>
  /** A `workflow_dispatch` `mode: drift` run, on `ref` (default the default branch). */
  dispatch(inputs?: Record<string, string>, ref?: string): Promise<RunResult>
  /** Kestra's writes of flows, files and KV made by the last run (each run clears the log first). */
  kestraWrites(): LoggedRequest[]
  /** The drift issues carrying the marker of `commentKey`, by number. */
  driftIssues(commentKey?: string): FakeIssue[]
  /** GitHub requests (method and path) made since `mark` (a length of `github.requests`). */
  githubCalls(mark?: number): string[]
  close(): Promise<void>
}

export function driftMarker(commentKey = 'default'): string {
  return `<!-- kestra-gitops-drift:${commentKey} -->`
}

export async function startDriftStage(options: DriftStageOptions = {}): Promise<DriftStage> {
  const tree = options.tree ?? tenantTree()
  const kestra = await startEmulator({ basicAuth: CREDENTIALS, ...options.emulator })
  const github = await startFakeGitHub(options.github)
  const repo = createGitRepo(tree)
  const head = repo.head()
  github.seedFromRepository(repo.dir)
  kestra.seed(options.seed ?? seedOf(tree))
  const connection = (inputs: Record<string, string>) => ({
    githubApiUrl: github.url,
    timeoutMs: 90_000,
    inputs: { server: kestra.url, ...CREDENTIALS, mode: 'drift', ...inputs }
  })
  return {
    kestra,
    github,
    repo,
    head,
    ui: new KestraUi(kestra.url),
    // Each run starts a fresh Kestra log: what it shows afterwards is the action's doing, not the UI's.
    drift: (inputs = {}) => {
      kestra.clearLog()
      return runAction({ ...scheduleEvent(repo, head), ...connection(inputs) })
    },
    dispatch: (inputs = {}, ref?: string) => {
      kestra.clearLog()
      return runAction({ ...dispatchEvent(repo, repo.head(), { ref }), ...connection(inputs) })
    },
    kestraWrites: () => kestra.requests.filter((r) => WRITE_ROUTES.includes(r.route)),
    driftIssues: (commentKey = 'default') =>
      [...github.state.issues.values()]
        .filter((issue) => (issue.body ?? '').split('\n', 1)[0] === driftMarker(commentKey))
        .sort((a, b) => a.number - b.number),
    // The one GraphQL query, `viewer`, is a read: who the token is (docs/github.md#comments).
    githubCalls: (mark = 0) =>
      github.requests
        .slice(mark)
        .filter((r) => r.path !== '/graphql')
        .map((r) => `${r.method} ${r.path.replace(/^\/repos\/[^/]+\/[^/]+/, '')}`),
    close: async () => {
      await kestra.close()
      await github.close()
    }
  }
}

/** Edits made outside Git, sent as Kestra's UI sends them (the same REST routes, basic auth). */
export class KestraUi {
  private readonly api: string
  private readonly auth: string

  constructor(url: string, credentials: { username: string; password: string } = CREDENTIALS) {
    this.api = `${url}/api/v1/main`
    this.auth = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
  }

  /** Saves the flow's new source (the editor's Save); answers the stored revision and its date. */
  async editFlow(namespace: string, id: string, source: string): Promise<SavedFlow> {
    return this.saved(
      await this.send('PUT', `/flows/${namespace}/${id}`, source, 'application/x-yaml')
    )
  }

  async createFlow(source: string): Promise<SavedFlow> {
    return this.saved(await this.send('POST', '/flows', source, 'application/x-yaml'))
  }

  /**
   * The flow list's Disable (or Enable): Kestra writes `disabled: true` (or false) into the stored source
   * (FlowController.setFlowsDisableByIds → FlowService.injectDisabled), sent here as the new source.
   */
  async disableFlow(namespace: string, id: string, disabled = true): Promise<SavedFlow> {
    const response = await this.send('GET', `/flows/${namespace}/${id}?source=true`)
    const { source } = (await response.json()) as { source: string }
    return this.editFlow(namespace, id, injectDisabled(source, disabled))
  }

  async deleteFlow(namespace: string, id: string): Promise<void> {
    await this.send('DELETE', `/flows/${namespace}/${id}`)
  }

  async uploadFile(namespace: string, path: string, content: string | Uint8Array): Promise<void> {
    const form = new FormData()
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content)
    form.append('fileContent', new Blob([bytes]), path.slice(path.lastIndexOf('/') + 1))
    const query = `?path=${encodeURIComponent(path)}`
    await this.send('POST', `/namespaces/${namespace}/files${query}`, form)
  }

  /** Saves a dashboard's new YAML (the dashboard editor's Save). */
  async editDashboard(id: string, source: string): Promise<void> {
    await this.send('PUT', `/dashboards/${encodeURIComponent(id)}`, source, 'application/x-yaml')
  }

  async createDashboard(source: string): Promise<void> {
    await this.send('POST', '/dashboards', source, 'application/x-yaml')
  }

  async deleteDashboard(id: string): Promise<void> {
    await this.send('DELETE', `/dashboards/${encodeURIComponent(id)}`)
  }

  /** Saves a KV pair's value (the KV store's editor), sent as JSON as the UI sends it. */
  async putKv(namespace: string, key: string, value: unknown): Promise<void> {
    await this.send(
      'PUT',
      `/namespaces/${namespace}/kv/${key}`,
      JSON.stringify(value),
      'text/plain'
    )
  }

  async deleteKv(namespace: string, key: string): Promise<void> {
    await this.send('DELETE', `/namespaces/${namespace}/kv/${key}`)
  }

  /** Enterprise's namespace page: its description saved, every other field as held (a new entity when none). */
  async editNamespace(namespace: string, description: string): Promise<void> {
    const path = `/namespaces/${namespace}`
    const held = await fetch(this.api + path, { headers: { authorization: this.auth } })
    const entity = held.ok ? ((await held.json()) as Record<string, unknown>) : undefined
    const json = JSON.stringify({ ...entity, id: namespace, deleted: false, description })
    if (entity) await this.send('PUT', path, json, 'application/json')
    else await this.send('POST', '/namespaces', json, 'application/json')
  }

  async deleteFile(namespace: string, path: string): Promise<void> {
    await this.send('DELETE', `/namespaces/${namespace}/files?path=${encodeURIComponent(path)}`)
  }

  private async send(
    method: string,
    path: string,
    body?: string | FormData,
    contentType?: string
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: this.auth }
    if (contentType) headers['content-type'] = contentType
    const response = await fetch(this.api + path, { method, headers, body })
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    }
    return response
  }

  private async saved(response: Response): Promise<SavedFlow> {
    const json = (await response.json()) as { revision: number; updated: string; source: string }
    return { revision: json.revision, updated: json.updated, source: json.source }
  }
}

/** Kestra's FlowService.injectDisabled: the `disabled:` line of the other value replaced, else one appended. */
export function injectDisabled(source: string, disabled: boolean): string {
  const other = new RegExp(`^disabled\\s*:\\s*${!disabled}\\s*`, 'm')
  if (other.test(source)) return source.replace(new RegExp(other, 'gm'), `disabled: ${disabled}\n`)
  return `${source}\ndisabled: ${disabled}`
}

export interface SavedFlow {
  revision: number
  /** ISO-8601, as Kestra 1.x records it. */
  updated: string
  source: string
}

/** How reports show a revision's date: minutes, UTC (`2026-01-01 10:02 UTC`). */
export function shownDate(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** `git ls-tree -r` of a commit in the workspace: path → blob sha. */
export function workspaceTree(repo: GitRepo, commit: string): Map<string, string> {
  return new Map(
    repo
      .git('ls-tree', '-r', commit)
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t')
        return [path!, meta!.split(' ')[2]!]
      })
  )
}

/** The fake's tree of a branch, recursively: path → blob sha. */
export function branchTree(github: FakeGitHub, branch: string): Map<string, string> {
  const { git } = github.state
  const commit = git.resolveCommit(branch)
  if (!commit) throw new Error(`no branch ${branch}`)
  const files = git.objects.flatten(git.objects.readCommit(commit).tree)
  return new Map([...files].map(([path, entry]) => [path, entry.sha]))
}

/** A blob's text in the fake's git database. */
export function blobText(github: FakeGitHub, sha: string): string {
  return github.state.git.objects.get(sha)!.content.toString('utf8')
}

/** What a failed expectation prints: the run's log. */
export function log(result: RunResult): string {
  return `${result.stdout}\n${result.stderr}`
}
