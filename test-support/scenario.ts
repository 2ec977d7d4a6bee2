/** Building blocks shared by end-to-end tests, the demo and the benchmark: events as GitHub sends them. */
import { createGitRepo, type FileSpec, type GitRepo } from './git-repo.js'
import { runAction } from './runner.js'

export const CREDENTIALS = { username: 'admin@example.com', password: 'S3cret-Kestra-pass' }

export function pullRequestEvent(
  repo: GitRepo,
  base: string,
  head: string,
  options: { number?: number; fork?: boolean } = {}
) {
  const number = options.number ?? 7
  return {
    eventName: 'pull_request',
    sha: head,
    payload: {
      action: 'synchronize',
      number,
      pull_request: {
        number,
        head: {
          sha: head,
          ref: 'feature',
          repo: { full_name: options.fork ? 'stranger/kestra-repo' : 'octo/kestra-repo' }
        },
        base: { sha: base, ref: 'main', repo: { full_name: 'octo/kestra-repo' } }
      }
    },
    workspace: repo.dir
  }
}

export function pushEvent(repo: GitRepo, before: string, after: string) {
  return {
    eventName: 'push',
    sha: after,
    ref: 'refs/heads/main',
    payload: { ref: 'refs/heads/main', before, after, forced: false, created: false },
    workspace: repo.dir
  }
}

export function dispatchEvent(repo: GitRepo, sha: string) {
  return {
    eventName: 'workflow_dispatch',
    sha,
    ref: 'refs/heads/main',
    payload: { ref: 'refs/heads/main', inputs: {} },
    workspace: repo.dir
  }
}

export function flow(namespace: string, id: string, extra = ''): string {
  return `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hello from ${id}${extra}\n`
}

/** A repository of `files`, validated by the bundled action as a `workflow_dispatch` in validate mode. */
export function validateFiles(
  files: Record<string, FileSpec>,
  inputs: Record<string, string> = {}
) {
  const repo = createGitRepo(files)
  return runAction({
    workspace: repo.dir,
    eventName: 'workflow_dispatch',
    sha: repo.head(),
    inputs: { mode: 'validate', ...inputs }
  })
}
