import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../test-support/runner.js'

/** A kind's word in a file's name: flows, namespace files, dashboards, KV pairs (docs/kinds.md). */
const KIND_WORD = /flow|namespace-?files?|dashboard|(^|[-.])kv([-.]|$)/i

function filesUnder(dir: string): string[] {
  return readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name))
      : [
          relative(PROJECT_ROOT, join(PROJECT_ROOT, dir, entry.name))
            .split('\\')
            .join('/')
        ]
  )
}

describe('gather/, decide/ and apply/ name no kind (docs/architecture.md)', () => {
  const files = ['src/engine', 'src/report/render'].flatMap(filesUnder)

  it('no file of theirs is named after a kind', () => {
    const named = files.filter((file) => KIND_WORD.test(file.split('/').pop()!))
    expect(named).toEqual([])
  })

  it("the rule sees a kind's word in a file's name", () => {
    for (const name of [
      'flow-rewrite.ts',
      'namespace-files.ts',
      'dashboards.ts',
      'kv.ts',
      'read-kv.ts'
    ])
      expect(name).toMatch(KIND_WORD)
    for (const name of ['build.ts', 'kind.ts', 'work-tree.ts']) expect(name).not.toMatch(KIND_WORD)
  })
})
