/**
 * Which files a PR or push changed (docs/modes.md#changed-files): from the local git history when it
 * holds both commits, else from the GitHub API, else "everything" with the reason. Git runs through
 * execFile with argument arrays and only ever receives validated commit ids; paths are read
 * NUL-separated.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { onPullRequest, type RunContext } from '../model/context.js'
import { errorMessage } from '../model/errors.js'
import type { ChangedPath, GitHubPort } from '../model/github.js'
import type { ChangedFiles } from '../model/plan-input.js'

interface DetectChangedFilesOptions {
  /** The git working tree (GITHUB_WORKSPACE). */
  workspace: string
  github?: GitHubPort
}

const run = promisify(execFile)
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i
const ZERO_SHA = /^0+$/
const FULL_HISTORY_HINT = 'fetch history with actions/checkout `fetch-depth: 0` for an exact list'

export async function detectChangedFiles(
  context: RunContext,
  options: DetectChangedFilesOptions
): Promise<ChangedFiles> {
  if (onPullRequest(context)) return pullRequestChanges(context, options)
  if (context.eventName === 'push') return pushChanges(context, options)
  return all(`${context.eventName} events treat every file as changed`)
}

async function pullRequestChanges(
  context: RunContext,
  { workspace, github }: DetectChangedFilesOptions
): Promise<ChangedFiles> {
  const pr = context.pullRequest
  if (!pr) return all(`the ${context.eventName} event names no pull request`)
  const listed = await changedInGit(workspace, [pr.baseSha, pr.headSha], (base, head) => [
    `${base}...${head}`
  ])
  if (listed.ok) return listed.value
  const gitProblem =
    listed.problem ?? `the PR's base and head commits are not in the local history (shallow clone)`
  if (!github) return all(`${gitProblem} and no GitHub token is available; ${FULL_HISTORY_HINT}`)
  let files
  try {
    files = await github.listPullRequestFiles(pr.number)
  } catch (error) {
    return all(`${gitProblem} and ${errorMessage(error)}`)
  }
  if (files.truncated) {
    return all(`the PR changes more than 3,000 files, GitHub's listing limit; ${FULL_HISTORY_HINT}`)
  }
  if (pr.changedFiles !== undefined && files.files.length < pr.changedFiles) {
    return all(
      `GitHub listed ${files.files.length} of the PR's ${pr.changedFiles} changed files; ${FULL_HISTORY_HINT}`
    )
  }
  return fromApi(files.files, `${gitProblem}; listed through the GitHub API`)
}

async function pushChanges(
  context: RunContext,
  { workspace, github }: DetectChangedFilesOptions
): Promise<ChangedFiles> {
  const push = context.push
  if (!push || !SHA.test(push.after)) return all('the push event names no commit range')
  if (ZERO_SHA.test(push.after)) return all('the push deleted the branch')
  if (ZERO_SHA.test(push.before) || !push.before) {
    return all('the push created a new branch, so there is no previous commit to compare with')
  }
  const short = push.before.slice(0, 12)
  // Two-dot: what the tree looks like now against what it was, right even after a force push.
  const listed = await changedInGit(workspace, [push.before, push.after], (before, after) => [
    before,
    after
  ])
  if (listed.ok) return listed.value
  const gitProblem =
    listed.problem ??
    `the previous commit ${short} is not in the local history (force push or shallow clone)`
  if (!github) return all(`${gitProblem} and no GitHub token is available; ${FULL_HISTORY_HINT}`)
  let compared
  try {
    compared = await github.compareCommits(push.before, push.after)
  } catch (error) {
    return all(`${gitProblem} and ${errorMessage(error)}`)
  }
  if (compared.status !== 'ahead' && compared.status !== 'identical') {
    // The compare is three-dot (since the merge base): after a force push it misses reverted files.
    return all(`the push rewrote history (${short} is not an ancestor of the pushed commit)`)
  }
  if (compared.truncated) {
    return all(`the push changes more than 300 files, GitHub's compare limit; ${FULL_HISTORY_HINT}`)
  }
  return fromApi(compared.files, `${gitProblem}; compared through the GitHub API`)
}

/**
 * The files git lists as changed between two commits; when it cannot, why: `problem` when git failed with both
 * commits at hand, none when one of them is missing. The commits are looked for only after a failure: the
 * usual run starts one git process.
 */
async function changedInGit(
  workspace: string,
  [from, to]: [string, string],
  revisions: (from: string, to: string) => string[]
): Promise<{ ok: true; value: ChangedFiles } | { ok: false; problem?: string }> {
  if (!SHA.test(from) || !SHA.test(to)) return { ok: false }
  try {
    return { ok: true, value: fromGit(await gitDiff(workspace, revisions(from, to))) }
  } catch (error) {
    const present = (await hasCommit(workspace, from)) && (await hasCommit(workspace, to))
    if (!present) return { ok: false }
    return { ok: false, problem: `git diff failed (${firstLine(errorMessage(error))})` }
  }
}

async function hasCommit(workspace: string, sha: string): Promise<boolean> {
  if (!SHA.test(sha)) return false
  try {
    await git(workspace, ['cat-file', '-e', `${sha}^{commit}`])
    return true
  } catch {
    return false
  }
}

/** `git diff --name-status -z -M`: entries are STATUS\0PATH\0, renames and copies STATUS\0OLD\0NEW\0. */
async function gitDiff(workspace: string, revisions: string[]): Promise<Set<string>> {
  const output = await git(workspace, [
    'diff',
    '--name-status',
    '-z',
    '-M',
    '--no-color',
    '--no-ext-diff',
    '--relative',
    ...revisions,
    '--'
  ])
  const fields = output.split('\0')
  const paths = new Set<string>()
  for (let i = 0; i < fields.length;) {
    const status = fields[i++]
    if (!status) continue
    if (status[0] === 'R' || status[0] === 'C') paths.add(fields[i++])
    paths.add(fields[i++])
  }
  return paths
}

async function git(workspace: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd: workspace,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
  })
  return stdout
}

function fromGit(paths: Set<string>): ChangedFiles {
  return { kind: 'list', paths, source: 'git' }
}

function fromApi(files: ChangedPath[], note: string): ChangedFiles {
  const paths = new Set<string>()
  for (const file of files) {
    paths.add(file.path)
    if (file.previousPath) paths.add(file.previousPath)
  }
  return { kind: 'list', paths, source: 'api', note }
}

function all(reason: string): ChangedFiles {
  return { kind: 'all', reason }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]
}
