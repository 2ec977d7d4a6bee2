/** Real temporary git repositories as fixtures (the changesets/action habit). */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeFiles, type FileSpec } from './file-tree.js'

export type { FileSpec } from './file-tree.js'

export interface GitRepo {
  dir: string
  git(...args: string[]): string
  /** Writes (null deletes) the files and commits them; returns the new commit sha. */
  commit(files: Record<string, FileSpec>, message?: string): string
  /** Writes files without committing. */
  write(files: Record<string, FileSpec>): void
  head(): string
}

export function createGitRepo(files: Record<string, FileSpec> = {}): GitRepo {
  const dir = mkdtempSync(join(tmpdir(), 'kga-repo-'))
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_CONFIG_NOSYSTEM: '1'
      }
    }).trim()
  git('init', '-q', '-b', 'main')
  git('config', 'commit.gpgsign', 'false')
  const write = (specs: Record<string, FileSpec>) => writeFiles(dir, specs)
  const commit = (specs: Record<string, FileSpec>, message = 'change') => {
    write(specs)
    git('add', '-A')
    git('commit', '-q', '--allow-empty', '-m', message)
    return git('rev-parse', 'HEAD')
  }
  if (Object.keys(files).length > 0) commit(files, 'initial')
  return { dir, git, commit, write, head: () => git('rev-parse', 'HEAD') }
}
