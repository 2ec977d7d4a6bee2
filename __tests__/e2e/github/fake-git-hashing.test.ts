import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../../test-support/fake-github.js'
import { createGitRepo, type FileSpec } from '../../../test-support/git-repo.js'
import { client, REPO } from '../../adapters/github/fake-http.js'

let fake: FakeGitHub
const api = client(() => fake)
afterEach(() => fake.close())

/** Name parts that stress git's tree order (`a.b` < `a/` < `a0`), case, spaces and UTF-8. */
const PARTS = ['a', 'a.b', 'a-b', 'a_b', 'a0', 'A', 'b c', 'é', 'z', '0']

interface Drawn {
  path: string
  mode: '100644' | '100755' | '120000'
  content: string
}

/** A deterministic pseudo-random set of files (no path both a file and a folder). */
function draw(seed: number, count: number): Drawn[] {
  let state = seed
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % n
  }
  const files = new Map<string, Drawn>()
  while (files.size < count) {
    const depth = 1 + next(3)
    const path = Array.from({ length: depth }, () => PARTS[next(PARTS.length)]).join('/')
    const clashes = [...files.keys()].some(
      (other) => other.startsWith(`${path}/`) || path.startsWith(`${other}/`) || other === path
    )
    if (clashes) continue
    const mode = (['100644', '100644', '100755', '120000'] as const)[next(4)]
    files.set(path, {
      path,
      mode,
      content: mode === '120000' ? `target-${next(9)}` : `v${next(99)}\n`
    })
  }
  return [...files.values()]
}

describe('fake GitHub: git object names over many trees', () => {
  it('names every tree built through the API as `git write-tree` names the same workspace', async () => {
    const mismatches: number[] = []
    for (const seed of [1, 7, 42, 2026, 99991]) {
      const repo = createGitRepo({ '.keep': '' })
      fake = await startFakeGitHub()
      fake.seedFromRepository(repo.dir)
      const files = draw(seed, 40)
      const base = (await api('GET', `${REPO}/git/trees/main`)).body.sha
      const built = await api('POST', `${REPO}/git/trees`, {
        base_tree: base,
        tree: files.map(({ path, mode, content }) => ({ path, mode, type: 'blob', content }))
      })
      const specs: Record<string, FileSpec> = {}
      for (const file of files) {
        specs[file.path] = file.mode === '120000' ? { symlink: file.content } : file.content
      }
      repo.write(specs)
      for (const file of files.filter((f) => f.mode === '100755')) {
        chmodSync(join(repo.dir, file.path), 0o755)
      }
      repo.git('add', '-A')
      if (built.body.sha !== repo.git('write-tree')) mismatches.push(seed)
      await fake.close()
    }
    fake = await startFakeGitHub()
    expect(mismatches).toEqual([])
  })
})
