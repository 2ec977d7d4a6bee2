import { errorMessage } from '../../model/errors.js'
import type { ChangedFiles } from '../../model/plan-input.js'
import { git, gitOrThrow } from '../../adapters/git/git.js'
import { onPullRequest, type RunContext } from '../../model/context.js'
import type { ChangedPath, GitHubPort } from '../../model/github.js'

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i
const ZERO_SHA = /^0+$/
const FULL_HISTORY_HINT = 'fetch history with actions/checkout `fetch-depth: 0` for an exact list'

/**
 * Which files a PR or push changed (docs/modes.md#changed-files): from local git history when it holds both
 * commits, else the GitHub API, else "everything" with the reason. Git gets argument arrays and validated commit
 * ids only; paths are read NUL-separated.
 */
export async function detectChangedFiles(
  context: RunContext,
  { workspace, github }: { workspace: string; github?: GitHubPort }
): Promise<ChangedFiles> {
  const { pullRequest: pr, push } = context
  if (onPullRequest(context)) {
    if (!pr) return all(`the ${context.eventName} event names no pull request`)
    return changedBetween(
      workspace,
      [pr.baseSha, pr.headSha],
      [`${pr.baseSha}...${pr.headSha}`],
      `the PR's base and head commits are not in the local history (shallow clone)`,
      github &&
        (async (gitProblem) => {
          const listed = await github.listPullRequestFiles(pr.number)
          if (listed.truncated) {
            return all(
              `the PR changes more than 3,000 files, GitHub's listing limit; ${FULL_HISTORY_HINT}`
            )
          }
          if (pr.changedFiles !== undefined && listed.paths.length < pr.changedFiles) {
            return all(
              `GitHub listed ${listed.paths.length} of the PR's ${pr.changedFiles} changed files; ${FULL_HISTORY_HINT}`
            )
          }
          return fromApi(listed.paths, `${gitProblem}; listed through the GitHub API`)
        })
    )
  }
  if (context.eventName !== 'push') {
    return all(
      context.local ? 'no --base was given' : `${context.eventName} treats every file as changed`
    )
  }
  if (!push || !SHA.test(push.after)) return all('the push event names no commit range')
  if (ZERO_SHA.test(push.after)) return all('the push deleted the branch')
  if (ZERO_SHA.test(push.before) || !push.before) {
    return all('the push created a new branch, so there is no previous commit to compare with')
  }
  const short = push.before.slice(0, 12)
  const missing = `the previous commit ${short} is not in the local history (force push or shallow clone)`
  // Two-dot: what the tree looks like now against what it was, right even after a force push.
  const pair: [string, string] = [push.before, push.after]
  return changedBetween(
    workspace,
    pair,
    pair,
    missing,
    github &&
      (async (gitProblem) => {
        const compared = await github.compareCommits(push.before, push.after)
        if (compared.status !== 'ahead' && compared.status !== 'identical') {
          // The compare is three-dot (since the merge base): after a force push it misses reverted files.
          return all(`the push rewrote history (${short} is not an ancestor of the pushed commit)`)
        }
        if (compared.truncated) {
          return all(
            `the push changes more than 300 files, GitHub's compare limit; ${FULL_HISTORY_HINT}`
          )
        }
        return fromApi(compared.paths, `${gitProblem}; compared through the GitHub API`)
      })
  )
}

/**
 * The files git lists as changed between two commits. When git fails, and both commits are at hand (looked for
 * only then: the usual run starts one git process), that failure is the problem, else `missing`: GitHub's list
 * is asked then, else every file counts as changed.
 */
async function changedBetween(
  workspace: string,
  [from, to]: [string, string],
  revisions: string[],
  missing: string,
  fromGitHub: ((gitProblem: string) => Promise<ChangedFiles>) | undefined
): Promise<ChangedFiles> {
  let gitProblem = missing
  if (SHA.test(from) && SHA.test(to)) {
    try {
      return { kind: 'list', paths: await gitDiff(workspace, revisions), source: 'git' }
    } catch (error) {
      const hasCommit = async (sha: string) =>
        (await git(workspace, ['cat-file', '-e', `${sha}^{commit}`])) !== undefined
      if ((await hasCommit(from)) && (await hasCommit(to))) {
        gitProblem = `git diff failed (${errorMessage(error).split('\n', 1)[0]})`
      }
    }
  }
  if (!fromGitHub)
    return all(`${gitProblem} and no GitHub token is available; ${FULL_HISTORY_HINT}`)
  try {
    return await fromGitHub(gitProblem)
  } catch (error) {
    return all(`${gitProblem} and ${errorMessage(error)}`)
  }
}

/** `git diff --name-status -z -M`: entries are STATUS\0PATH\0, renames and copies STATUS\0OLD\0NEW\0. */
async function gitDiff(workspace: string, revisions: string[]): Promise<Set<string>> {
  const output = await gitOrThrow(workspace, [
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

function fromApi(files: ChangedPath[], note: string): ChangedFiles {
  const paths = new Set(files.flatMap((file) => [file.path, file.previousPath ?? []].flat()))
  return { kind: 'list', paths, source: 'api', note }
}

function all(reason: string): ChangedFiles {
  return { kind: 'all', reason }
}

/** The commit the change starts from: the PR base, or the push's `before` (none for a new branch). */
export function baseCommit(context: RunContext): string | undefined {
  const sha = context.pullRequest?.baseSha || context.push?.before
  return sha && !ZERO_SHA.test(sha) ? sha : undefined
}
