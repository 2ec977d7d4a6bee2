import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
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

function linesNamingAKind(file: string): string[] {
  return readFileSync(join(PROJECT_ROOT, file), 'utf8')
    .split('\n')
    .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
    .filter(({ line }) => !/^\s*(\*|\/\/|\/\*)/.test(line) && KIND_IN_CODE.test(line))
    .map(({ at }) => at)
}

describe('engine/ asks the kinds, it never names one in its code', () => {
  it("compares no change's kind with a kind's name and reads no kind's field", () => {
    expect(filesUnder('src/engine').flatMap(linesNamingAKind)).toEqual([])
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

/** A type or field a kind owns: its resources as read (`FlowFile`), as held on the server, or a field named after one. */
const KIND_SHAPED =
  /\b(FlowFile|NamespaceFileEntry|RemoteFlow|ServerFile|ServerAnswer|FlowCheck|NameListings)\b|^(flows|files)$/

/** The fields of interface `name` in `source` whose name or type is a kind's. */
function kindShapedFields(source: string, name: string): string[] {
  const file = ts.createSourceFile('records.ts', source, ts.ScriptTarget.Latest, true)
  const found = file.statements.find(
    (node): node is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(node) && node.name.text === name
  )
  if (!found) throw new Error(`no interface ${name}`)
  return found.members.flatMap((member) => {
    const field = member.name?.getText(file) ?? ''
    const type = ts.isPropertySignature(member) ? (member.type?.getText(file) ?? '') : ''
    return KIND_SHAPED.test(field) || KIND_SHAPED.test(type) ? [`${name}.${field}`] : []
  })
}

describe('what a run reads and checks is kept by kind (docs/kinds.md#what-the-repository-holds)', () => {
  const records = [
    ['src/model/repository.ts', 'RepoModel'],
    ['src/model/snapshot.ts', 'Snapshot'],
    ['src/commands/check.ts', 'Checked'],
    ['src/engine/snapshot/gather.ts', 'GatherResult'],
    ['src/engine/snapshot/kind.ts', 'WalkRead'],
    ['src/engine/snapshot/kind.ts', 'ReviewInput']
  ] as const

  it('the repository as read, what the walk hands the kinds, the snapshot and the checks have no field shaped by a kind', () => {
    const shaped = records.flatMap(([file, name]) =>
      kindShapedFields(readFileSync(join(PROJECT_ROOT, file), 'utf8'), name)
    )
    expect(shaped).toEqual([])
  })

  it('the rule sees a field named after a kind, or typed by one', () => {
    const before = `export interface RepoModel {
  rootRel: string
  flows: FlowFile[]
  files: NamespaceFileEntry[]
  held: ReadonlyMap<string, RemoteFlow[]>
  byKind: ReadonlyMap<string, unknown>
}`
    expect(kindShapedFields(before, 'RepoModel')).toEqual([
      'RepoModel.flows',
      'RepoModel.files',
      'RepoModel.held'
    ])
    const walkBefore = `export interface WalkRead {
  checks: ReadonlyMap<FlowFile, Omit<StoredFlowCheck, 'id'>>
  serverAnswers?: readonly ServerAnswer[]
  listings?: Outcome<NameListings>
  reviews?: ReadonlyMap<string, unknown>
}`
    expect(kindShapedFields(walkBefore, 'WalkRead')).toEqual([
      'WalkRead.checks',
      'WalkRead.serverAnswers',
      'WalkRead.listings'
    ])
  })
})
