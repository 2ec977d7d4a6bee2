import { readdirSync, readFileSync } from 'node:fs'
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

/**
 * A kind's name compared with a change's or an entry's kind (`kind === 'flow'`), or a field of the walk's two kinds
 * read (`model.flows`, `state.files`; a rest parameter `...files` is no field).
 */
const KIND_IN_CODE =
  /\bkind\s*[!=]==\s*'(flow|file|kv|dashboard|test|namespace-settings)'|(?<!\.\.)\.(flows|files)\b/

/** What engine/snapshot/ still reads of the walk's two kinds: its repository walk and server reads, to move into the kinds (docs/architecture.md). */
const STILL_TO_MOVE = 'src/engine/snapshot/'

function linesNamingAKind(file: string): string[] {
  return readFileSync(join(PROJECT_ROOT, file), 'utf8')
    .split('\n')
    .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
    .filter(({ line }) => !/^\s*(\*|\/\/|\/\*)/.test(line) && KIND_IN_CODE.test(line))
    .map(({ at }) => at)
}

describe('engine/ asks the kinds, it never names one in its code', () => {
  it("compares no change's kind with a kind's name and reads no kind's field, outside engine/snapshot/", () => {
    const files = filesUnder('src/engine').filter((file) => !file.startsWith(STILL_TO_MOVE))
    expect(files.flatMap(linesNamingAKind)).toEqual([])
  })

  it('the rule sees a kind named in code, and not a word that only looks like one', () => {
    for (const line of [
      "if (change.kind !== 'flow') return ''",
      "return change.kind === 'file' ? change.path : undefined",
      'for (const flow of model.flows) seen.add(flow.file)',
      'const held = state.get(namespace)?.files ?? []'
    ])
      expect(line).toMatch(KIND_IN_CODE)
    for (const line of [
      'export function touched(options: KindPlanOptions, ...files: string[]): boolean {',
      "if (entry.kind === 'folder') continue",
      'const flowsDone = done.length'
    ])
      expect(line).not.toMatch(KIND_IN_CODE)
  })
})
