/**
 * What git's index vouches for (docs/performance.md#what-a-plan-knows-without-reading): a file gets a blob id
 * only when its bytes are exactly that blob, whatever has happened to the work tree since the index was
 * written. Checked against real git, by hashing every file's bytes.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readIndexBlobs } from '../../../src/adapters/git/git.js'
import { createGitRepo, type GitRepo } from '../../../test-support/git-repo.js'

/** Git's id of a blob with these bytes. */
function blobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

function filesUnder(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === '.git') return []
    const path = join(dir, entry.name)
    return entry.isDirectory() ? filesUnder(path, root) : [relative(root, path)]
  })
}

/** Every file git vouches for has exactly the bytes of the blob it names. */
async function expectTruthful(repo: GitRepo, folder = repo.dir): Promise<Map<string, string>> {
  const index = await readIndexBlobs(folder)
  expect(index).toBeDefined()
  const vouched = new Map<string, string>()
  for (const rel of filesUnder(folder)) {
    const blob = index!.blobOf(rel)
    if (blob === undefined) continue
    expect(blob, rel).toBe(blobId(readFileSync(join(folder, rel))))
    vouched.set(rel, blob)
  }
  return vouched
}

const NAMES = [
  'flows/a.yml',
  'flows/b c.yml',
  'flows/ünï.yml',
  'files/x.sql',
  'files/d/y.sh',
  'top.yml'
]
const CONTENTS = [
  'id: a\n',
  'id: b\r\nx: 1\r\n',
  'id: c',
  '',
  'line\n'.repeat(3),
  'id: a\n'.toUpperCase()
]

type Step =
  | { op: 'rewrite'; name: string; content: string; keepTime: boolean }
  | { op: 'stage'; name: string; content: string }
  | { op: 'delete'; name: string }
  | { op: 'flag'; name: string; flag: '--assume-unchanged' | '--skip-worktree' }
  | { op: 'attributes'; line: string }
  | { op: 'autocrlf'; value: 'true' | 'input' | 'false' }
  | { op: 'commit' }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('rewrite' as const),
    name: fc.constantFrom(...NAMES),
    content: fc.constantFrom(...CONTENTS),
    keepTime: fc.boolean()
  }),
  fc.record({
    op: fc.constant('stage' as const),
    name: fc.constantFrom(...NAMES),
    content: fc.constantFrom(...CONTENTS)
  }),
  fc.record({ op: fc.constant('delete' as const), name: fc.constantFrom(...NAMES) }),
  fc.record({
    op: fc.constant('flag' as const),
    name: fc.constantFrom(...NAMES),
    flag: fc.constantFrom('--assume-unchanged' as const, '--skip-worktree' as const)
  }),
  fc.record({
    op: fc.constant('attributes' as const),
    line: fc.constantFrom(
      '*.yml text eol=crlf',
      '*.sql -text',
      '*.sh filter=fake',
      '* text=auto',
      '*.yml ident',
      '*.yml -crlf'
    )
  }),
  fc.record({
    op: fc.constant('autocrlf' as const),
    value: fc.constantFrom('true' as const, 'input' as const, 'false' as const)
  }),
  fc.record({ op: fc.constant('commit' as const) })
)

/** Git run with its complaints kept from the test's output; false when it refuses. */
function quietly(repo: GitRepo, ...args: string[]): boolean {
  try {
    execFileSync('git', args, { cwd: repo.dir, stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}

function apply(repo: GitRepo, s: Step): void {
  const path = (name: string) => join(repo.dir, name)
  const tracked = (name: string) => repo.git('ls-files', '--', name) !== ''
  switch (s.op) {
    case 'rewrite': {
      const before = (() => {
        try {
          return statSync(path(s.name))
        } catch {
          return undefined
        }
      })()
      repo.write({ [s.name]: s.content })
      // The same size and timestamps as before: only the bytes tell the change.
      if (s.keepTime && before) utimesSync(path(s.name), before.atime, before.mtime)
      return
    }
    case 'stage':
      repo.write({ [s.name]: s.content })
      quietly(repo, 'add', '--', s.name) // refused for a path outside the sparse checkout
      return
    case 'delete':
      rmSync(path(s.name), { force: true })
      return
    case 'flag':
      if (tracked(s.name)) repo.git('update-index', s.flag, '--', s.name)
      return
    case 'attributes':
      writeFileSync(path('.gitattributes'), `${s.line}\n`, { flag: 'a' })
      return
    case 'autocrlf':
      repo.git('config', 'core.autocrlf', s.value)
      return
    case 'commit':
      quietly(repo, 'add', '-A')
      quietly(repo, 'commit', '-q', '--allow-empty', '-m', 'step')
  }
}

/** A repository that neither warns of line endings nor advises on sparse checkouts. */
function quietRepo(files: Record<string, string>): GitRepo {
  const repo = createGitRepo()
  repo.git('config', 'core.safecrlf', 'false')
  repo.git('config', 'advice.updateSparsePath', 'false')
  repo.commit(files, 'initial')
  return repo
}

describe('the blobs git vouches for', () => {
  it('name exactly the bytes of every file, whatever happened to the work tree since', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const repo = quietRepo(Object.fromEntries(NAMES.map((name, i) => [name, CONTENTS[i]!])))
        try {
          for (const s of steps) apply(repo, s)
          await expectTruthful(repo)
          await expectTruthful(repo, join(repo.dir, 'flows'))
        } finally {
          rmSync(repo.dir, { recursive: true, force: true })
        }
      }),
      { numRuns: 40 }
    )
  })

  it('vouches for the clean files of a clean checkout, relative to the folder asked about', async () => {
    const repo = createGitRepo({
      'kestra/flows/a.yml': 'id: a\n',
      'kestra/files/b c.sql': 'select 1\n',
      'other.txt': 'x'
    })
    const vouched = await expectTruthful(repo, join(repo.dir, 'kestra'))
    expect([...vouched.keys()].sort()).toEqual(['files/b c.sql', 'flows/a.yml'])
  })

  it('does not vouch for a file changed after the index was written, even at the same size and time', async () => {
    const repo = createGitRepo({ 'a.yml': 'id: a\n' })
    const { atime, mtime } = statSync(join(repo.dir, 'a.yml'))
    writeFileSync(join(repo.dir, 'a.yml'), 'id: b\n')
    utimesSync(join(repo.dir, 'a.yml'), atime, mtime)
    expect((await readIndexBlobs(repo.dir))?.blobOf('a.yml')).toBeUndefined()
  })

  it('does not vouch for a file whose checkout converts it', async () => {
    const repo = quietRepo({
      'a.yml': 'id: a\n',
      'b.sql': 'x\n',
      '.gitattributes': '*.yml text eol=crlf\n'
    })
    const index = await readIndexBlobs(repo.dir)
    expect(index?.blobOf('a.yml')).toBeUndefined()
    expect(index?.blobOf('b.sql')).toBe(blobId(Buffer.from('x\n')))
    repo.git('config', 'core.autocrlf', 'true')
    expect((await readIndexBlobs(repo.dir))?.blobOf('b.sql')).toBeUndefined()
  })

  it('says nothing outside a repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kga-no-repo-'))
    try {
      writeFileSync(join(dir, 'a.yml'), 'id: a\n')
      expect(await readIndexBlobs(dir)).toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
