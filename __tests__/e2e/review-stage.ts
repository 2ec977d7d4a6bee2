/**
 * The stage of the "caught at review" end-to-end tests (missing secrets and KV keys, executions not finished,
 * broken subflow contracts): an emulator seeded with the server's state, a fake GitHub, a repository with a
 * base commit and a change on a branch; the bundled action then plans the pull request or deploys the change.
 */
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo, type GitRepo } from '../../test-support/git-repo.js'
import {
  startEmulator,
  WRITE_ROUTES,
  type Emulator,
  type EmulatorOptions,
  type LoggedRequest,
  type SeedState
} from '../../test-support/kestra-emulator/index.js'
import { runAction, type RunResult } from '../../test-support/runner.js'
import { CREDENTIALS, dispatchEvent, pullRequestEvent } from '../../test-support/scenario.js'

export const NS = 'company.team'

export interface ReviewStage {
  kestra: Emulator
  github: FakeGitHub
  repo: GitRepo
  base: string
  head: string
  close(): Promise<void>
}

export interface PullRequestRun {
  result: RunResult
  /** The sticky comment's body ('' when none was written). */
  comment: string
}

type Files = Record<string, string | null>

/** Seeds the server, commits `before` on main and `after` on a branch. */
export async function reviewStage(
  before: Files,
  after: Files,
  server: SeedState = {},
  options: EmulatorOptions = {}
): Promise<ReviewStage> {
  const kestra = await startEmulator({ basicAuth: CREDENTIALS, ...options })
  const github = await startFakeGitHub()
  kestra.seed(server)
  const repo = createGitRepo(withReadme(before))
  const base = repo.head()
  repo.git('checkout', '-q', '-b', 'feature')
  const head = repo.commit(after)
  return {
    kestra,
    github,
    repo,
    base,
    head,
    close: async () => {
      kestra.onRequest(undefined)
      await kestra.close()
      await github.close()
    }
  }
}

/** Plans the pull request from main to the branch. */
export async function planPullRequest(
  stage: ReviewStage,
  inputs: Record<string, string> = {}
): Promise<PullRequestRun> {
  const result = await runAction({
    ...pullRequestEvent(stage.repo, stage.base, stage.head),
    githubApiUrl: stage.github.url,
    inputs: { server: stage.kestra.url, ...CREDENTIALS, ...inputs }
  })
  return { result, comment: stage.github.comments(7)[0]?.body ?? '' }
}

/** Deploys the branch's head (a `workflow_dispatch`). */
export function deployHead(
  stage: ReviewStage,
  inputs: Record<string, string> = {}
): Promise<RunResult> {
  return runAction({
    ...dispatchEvent(stage.repo, stage.head, { ref: 'refs/heads/feature' }),
    githubApiUrl: stage.github.url,
    inputs: { server: stage.kestra.url, ...CREDENTIALS, ...inputs }
  })
}

/** The requests that changed flows, files or KV entries. */
export function writes(kestra: Emulator): LoggedRequest[] {
  return kestra.requests.filter((request) => WRITE_ROUTES.includes(request.route))
}

/** A repository is never empty of files: the README keeps the base commit a commit. */
function withReadme(files: Files): Files {
  return { 'README.md': 'kestra\n', ...files }
}
