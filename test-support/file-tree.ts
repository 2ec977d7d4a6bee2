/** Files on disk as fixtures, written without git. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** Content, a symbolic link, or null to delete. */
export type FileSpec = string | Uint8Array | { symlink: string } | null

export function writeFiles(dir: string, specs: Record<string, FileSpec>): void {
  for (const [path, spec] of Object.entries(specs)) {
    const abs = join(dir, path)
    if (spec === null) {
      rmSync(abs, { force: true, recursive: true })
      continue
    }
    mkdirSync(dirname(abs), { recursive: true })
    if (typeof spec === 'object' && 'symlink' in spec) symlinkSync(spec.symlink, abs)
    else writeFileSync(abs, spec)
  }
}

export interface WorkTree {
  dir: string
  write(files: Record<string, FileSpec>): void
}

/**
 * The work tree of a checkout as the action finds it: the files, and a `.git` folder holding a config (where
 * actions/checkout keeps the token), made without starting git. For tests of what reads the files on disk;
 * a test that needs commits uses `git-repo.ts` and is end to end.
 */
export function createWorkTree(files: Record<string, FileSpec> = {}): WorkTree {
  const dir = mkdtempSync(join(tmpdir(), 'kga-tree-'))
  writeFiles(dir, {
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.git/config': '[core]\n\trepositoryformatversion = 0\n\tbare = false\n',
    ...files
  })
  return { dir, write: (specs) => writeFiles(dir, specs) }
}
