/**
 * The system the model drives: Kestra (the emulator, of a line and an edition), GitHub (the fake, holding the
 * repository), the team's repository (a real git repository: main and pull request branches), and the action run
 * as the runner runs it for each event (its entry, in this process: `runActionInProcess`). What each run left is
 * kept whole, so that every invariant can read it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type FileSpec, type GitRepo } from '../../../test-support/git-repo.js'
import { runCli } from '../../../src/cli/run.js'
import { runActionInProcess } from '../../../test-support/in-process-action.js'
import { WRITE_ROUTES, type LoggedRequest } from '../../../test-support/kestra-emulator/index.js'
import type { RunResult } from '../../../test-support/runner.js'
import {
  dispatchEvent,
  pullRequestClosedEvent,
  pullRequestEvent,
  pushEvent,
  scheduleEvent
} from '../../../test-support/scenario.js'
import { namespacePool } from './generate.js'
import type { Kestra, ServerState } from './kestra.js'
import { treeOf, type Repository, type Team, type Tree } from './repository.js'

export type { ServerState } from './kestra.js'

/** A maintainer's own token: what they push to GitHub is theirs, not the action's. */
const MAINTAINER_TOKEN = 'ghp_maintainer0123456789'

export interface PullRequest {
  number: number
  branch: string
  base: string
  head: string
  repository: Repository
  open: boolean
}

export interface Run {
  event: string
  sha: string
  result: RunResult
  before: ServerState
  after: ServerState
  /** Kestra's write requests this run made; undefined on the engine, which logs none. */
  writes?: LoggedRequest[]
  /** The plan file's JSON, when the run wrote one. */
  planFile?: PlanFile
  /** The run met a failure the history injected. */
  faulty?: boolean
}

export interface PlanFile {
  fingerprint?: string
  mode?: string
  commit?: string
  resources: {
    kind: string
    namespace?: string
    id?: string
    path?: string
    key?: string
    action: string
    drifted?: boolean
  }[]
  findings: { severity: string; file?: string; line?: number; message: string }[]
}

export class World {
  private readonly trees = new Map<string, Tree>()
  private nextPull = 1
  readonly runs: Run[] = []
  readonly pulls: PullRequest[] = []

  private constructor(
    readonly team: Team,
    readonly kestra: Kestra,
    readonly github: FakeGitHub,
    readonly repo: GitRepo,
    public main: Repository
  ) {}

  /** A world whose main holds `repository`, on `kestra` (which the world closes with itself). */
  static async start(team: Team, repository: Repository, kestra: Kestra): Promise<World> {
    const github = await startFakeGitHub({
      tokens: { [MAINTAINER_TOKEN]: { user: { login: 'maintainer', type: 'User' } } }
    })
    const tree = treeOf(team, repository)
    const repo = createGitRepo(tree)
    const world = new World(team, kestra, github, repo, repository)
    world.trees.set(repo.head(), tree)
    github.seedFromRepository(repo.dir)
    return world
  }

  async close(): Promise<void> {
    await this.kestra.close()
    await this.github.close()
  }

  mainHead(): string {
    return this.repo.git('rev-parse', 'main')
  }

  treeAt(sha: string): Tree {
    const tree = this.trees.get(sha)
    if (!tree) throw new Error(`the model made no commit ${sha}`)
    return tree
  }

  /** Commits `repository` on `branch` (created from `from` when new); returns the commit. */
  private commitOn(
    branch: string,
    from: string,
    repository: Repository,
    message: string,
    readme?: string
  ): string {
    const exists = this.repo.git('branch', '--list', branch) !== ''
    this.repo.git('checkout', '-q', ...(exists ? [branch] : ['-b', branch, from]))
    const parent = this.repo.head()
    const before = this.treeAt(parent)
    const after = treeOf(this.team, repository)
    if (readme) after['README.md'] = readme
    const change: Record<string, FileSpec> = {}
    for (const path of Object.keys(before)) if (!(path in after)) change[path] = null
    for (const [path, content] of Object.entries(after)) change[path] = content
    const sha = this.repo.commit(change, message)
    this.trees.set(sha, after)
    this.repo.git('checkout', '-q', 'main')
    this.syncGitHub()
    return sha
  }

  /** GitHub holds what was pushed: the repository's objects and branches, and the branches only GitHub has. */
  private syncGitHub(): void {
    const refs = this.github.state.git.refs
    const onlyRemote = [...refs].filter(([name]) => name.startsWith('refs/heads/kestra-gitops/'))
    this.github.seedFromRepository(this.repo.dir)
    for (const [name, sha] of onlyRemote) if (!refs.has(name)) refs.set(name, sha)
  }

  commitMain(repository: Repository, message = 'change'): string {
    const sha = this.commitOn('main', 'main', repository, message)
    this.main = repository
    return sha
  }

  openPullRequest(repository: Repository): PullRequest {
    const number = this.nextPull++
    const base = this.mainHead()
    const branch = `feature-${number}`
    const head = this.commitOn(branch, base, repository, `pull request ${number}`)
    const pr = { number, branch, base, head, repository, open: true }
    this.pulls.push(pr)
    this.github.seedPull({
      number,
      head: { ref: branch, sha: head },
      base: { ref: 'main', sha: base }
    })
    this.setPullFiles(pr)
    return pr
  }

  pushPullRequest(pr: PullRequest, repository: Repository): void {
    pr.head = this.commitOn(pr.branch, pr.base, repository, `pull request ${pr.number} again`)
    pr.repository = repository
    const pull = this.github.state.pulls.get(pr.number)
    if (pull) pull.head.sha = pr.head
    this.setPullFiles(pr)
  }

  private setPullFiles(pr: PullRequest): void {
    const names = this.repo.git('diff', '--name-only', `${pr.base}...${pr.head}`)
    this.github.setPullFiles(pr.number, names ? names.split('\n') : [])
  }

  /**
   * Merges the pull request into main: fast-forward when main has not moved, else a merge commit that holds the
   * pull request's tree (the model's repositories are whole states: the branch's wins). Returns the push range.
   */
  merge(pr: PullRequest, fastForward: boolean): { before: string; after: string } {
    const before = this.mainHead()
    let after = pr.head
    if (!fastForward || before !== pr.base) {
      const tree = this.repo.git('rev-parse', `${pr.head}^{tree}`)
      after = this.repo.git(
        'commit-tree',
        tree,
        '-p',
        before,
        '-p',
        pr.head,
        '-m',
        `Merge pull request #${pr.number}`
      )
    }
    this.repo.git('update-ref', 'refs/heads/main', after)
    this.repo.git('reset', '-q', '--hard', 'main')
    this.trees.set(after, this.treeAt(pr.head))
    this.main = pr.repository
    pr.open = false
    this.github.setCommitPulls(after, [
      { number: pr.number, merged_at: '2026-01-02T00:00:00Z', merge_commit_sha: after }
    ])
    this.syncGitHub()
    return { before, after }
  }

  /** The action, run for one event with the workspace checked out at `sha`. */
  async run(
    event: { eventName: string; sha: string; ref?: string; payload: Record<string, unknown> },
    inputs: Record<string, string> = {}
  ): Promise<Run> {
    this.repo.git('checkout', '-q', '--detach', event.sha)
    const before = await this.serverState()
    const mark = this.kestra.requests?.length ?? 0
    let result: RunResult
    try {
      result = await runActionInProcess({
        ...event,
        workspace: this.repo.dir,
        githubApiUrl: this.github.url,
        inputs: { server: this.kestra.url, ...this.kestra.credentials, ...inputs }
      })
    } finally {
      this.repo.git('checkout', '-q', 'main')
    }
    const writes = this.kestra.requests?.slice(mark).filter((r) => WRITE_ROUTES.includes(r.route))
    const run: Run = {
      event: `${event.eventName}${inputs.mode ? ` (${inputs.mode})` : ''}`,
      sha: event.sha,
      result,
      before,
      after: await this.serverState(),
      writes,
      planFile: readPlanFile(result)
    }
    this.runs.push(run)
    return run
  }

  planPullRequest(pr: PullRequest, inputs: Record<string, string> = {}): Promise<Run> {
    return this.run(pullRequestEvent(this.repo, pr.base, pr.head, { number: pr.number }), inputs)
  }

  /** The pull request's `closed` event: merged into `mergeCommit`, or not merged. */
  closePullRequest(
    pr: PullRequest,
    inputs: Record<string, string> = {},
    mergeCommit?: string
  ): Promise<Run> {
    pr.open = false
    const merged = mergeCommit !== undefined
    return this.run(
      pullRequestClosedEvent(this.repo, pr.base, pr.head, {
        number: pr.number,
        merged,
        ...(merged && { mergeCommitSha: mergeCommit })
      }),
      inputs
    )
  }

  push(
    range: { before: string; after: string },
    inputs: Record<string, string> = {}
  ): Promise<Run> {
    return this.run(pushEvent(this.repo, range.before, range.after), inputs)
  }

  dispatch(sha: string, inputs: Record<string, string> = {}): Promise<Run> {
    return this.run(dispatchEvent(this.repo, sha), inputs)
  }

  schedule(inputs: Record<string, string>): Promise<Run> {
    return this.run(scheduleEvent(this.repo, this.mainHead()), inputs)
  }

  /** The head of a branch on GitHub, or undefined. */
  githubBranch(name: string): string | undefined {
    return this.github.state.git.refs.get(`refs/heads/${name}`)
  }

  /**
   * A maintainer amends the tip of a branch on GitHub (its message, trailers included, kept, a file changed), as
   * `git commit --amend && git push --force` does; returns the new tip.
   */
  async amendBranch(name: string, path: string, content: string): Promise<string> {
    const api = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${this.github.url}/repos/octo/kestra-repo${route}`, {
        method,
        headers: { authorization: `token ${MAINTAINER_TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      if (!response.ok)
        throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`)
      return (await response.json()) as Record<string, unknown>
    }
    const tip = this.githubBranch(name)!
    const commit = (await api('GET', `/git/commits/${tip}`)) as {
      message: string
      tree: { sha: string }
      parents: { sha: string }[]
    }
    const blob = await api('POST', '/git/blobs', { content, encoding: 'utf-8' })
    const tree = await api('POST', '/git/trees', {
      base_tree: commit.tree.sha,
      tree: [{ path, mode: '100644', type: 'blob', sha: blob.sha }]
    })
    const amended = await api('POST', '/git/commits', {
      message: commit.message,
      tree: tree.sha,
      parents: commit.parents.map((parent) => parent.sha)
    })
    await api('PATCH', `/git/refs/heads/${name}`, { sha: amended.sha, force: true })
    return amended.sha as string
  }

  /** Whether `ancestor` is `commit` or one of its ancestors, in GitHub's git database. */
  githubReaches(commit: string, ancestor: string): boolean {
    return commit === ancestor || this.github.state.git.objects.isAncestor(ancestor, commit)
  }

  /** A commit on a branch of its own from main's head (a change deployed from elsewhere); returns it. */
  sideCommit(): string {
    const number = this.nextPull++
    return this.commitOn(
      `side-${number}`,
      this.mainHead(),
      this.main,
      `side ${number}`,
      `side ${number}\n`
    )
  }

  /** The CLI's `plan --json` at main's head, in this process, as a person runs it at a terminal. */
  async cliPlanJson(
    server = this.kestra.url
  ): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    this.repo.git('checkout', '-q', '--detach', this.mainHead())
    let stdout = ''
    let stderr = ''
    try {
      const exitCode = await runCli(['plan', '--json'], {
        env: {
          KESTRA_URL: server,
          KESTRA_USERNAME: this.kestra.credentials.username,
          KESTRA_PASSWORD: this.kestra.credentials.password,
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: this.repo.dir
        },
        cwd: this.repo.dir,
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) }
      })
      return { exitCode, stdout, stderr }
    } finally {
      this.repo.git('checkout', '-q', 'main')
    }
  }

  /** The server's resources in every namespace this team and its previews may hold. */
  serverState(): Promise<ServerState> {
    const pool = namespacePool(this.team)
    const previews = this.pulls.flatMap((pr) =>
      pool.map((namespace) => `pr-${pr.number}.${namespace}`)
    )
    return this.kestra.state([...pool, ...previews])
  }
}

function readPlanFile(result: RunResult): PlanFile | undefined {
  const path = result.outputs['plan-file']
  if (!path || !existsSync(path)) return undefined
  return JSON.parse(readFileSync(path, 'utf8')) as PlanFile
}
