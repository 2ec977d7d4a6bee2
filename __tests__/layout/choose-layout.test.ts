import { describe, expect, it } from 'vitest'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chooseLayout, decideLayout } from '../../src/layout/choose-layout.js'
import { IgnoreRules } from '../../src/adapters/git/ignore-rules.js'
import { createWorkTree } from '../../test-support/file-tree.js'
import { WorkTree } from '../../src/adapters/git/work-tree.js'
import { flow } from './support.js'

describe('decideLayout (auto without a namespace input)', () => {
  it('is anywhere when no top-level folder holds flows/ or files/', () => {
    expect(decideLayout([])).toEqual({
      layout: 'anywhere',
      reason: expect.stringContaining(
        'no top-level <namespace>/flows/ or <namespace>/files/ folder'
      )
    })
  })

  it('is tenant when every such folder is a namespace that one of its flows declares', () => {
    const chosen = decideLayout([
      { name: 'company.team', declaresOwnNamespace: true },
      { name: 'company.data', declaresOwnNamespace: true }
    ])
    expect(chosen).toEqual({
      layout: 'tenant',
      reason:
        'the top-level folders company.team, company.data are namespaces that their flows declare'
    })
  })

  it('is anywhere when one folder is not a namespace name, or none of its flows uses it', () => {
    expect(
      decideLayout([
        { name: 'company.team', declaresOwnNamespace: true },
        { name: 'Lesson 3', declaresOwnNamespace: false }
      ])
    ).toEqual({ layout: 'anywhere', reason: expect.stringContaining("'Lesson 3/' holds flows/") })
    expect(
      decideLayout([
        { name: 'company.team', declaresOwnNamespace: true },
        { name: 'kestra', declaresOwnNamespace: false }
      ])
    ).toEqual({
      layout: 'anywhere',
      reason: expect.stringContaining("no flow in 'kestra/flows/' declares namespace kestra")
    })
  })
})

describe('chooseLayout', () => {
  const choose = (
    files: Record<string, string>,
    inputs: { layout?: string; namespace?: string } = {}
  ) => {
    const repo = createWorkTree(files)
    const settings = {
      layout: (inputs.layout ?? 'auto') as 'auto',
      namespace: inputs.namespace,
      namespaceFiles: [],
      flowGlobs: []
    }
    const tree = new WorkTree(repo.dir, '.')
    return chooseLayout(settings, tree, new IgnoreRules(tree))
  }

  it('keeps an explicit layout, and takes namespace when the namespace input is set', async () => {
    expect(await choose({}, { layout: 'custom' })).toEqual({
      layout: 'custom',
      reason: 'set by the layout input'
    })
    expect(await choose({ 'x/flows/a.yml': flow('a', 'y') }, { namespace: 'team' })).toEqual({
      layout: 'namespace',
      reason: 'the namespace input is set'
    })
  })

  it('reads the namespace of the flows under each top-level folder, a child namespace counting', async () => {
    expect(
      (
        await choose({
          'team/flows/deep/a.yml': flow('a', 'team.etl'),
          'team/files/q.sql': 'select 1',
          'data/flows/b.yaml': `# a comment\nid: b\nnamespace: "data"\ntasks: []\n`
        })
      ).layout
    ).toBe('tenant')
    expect(
      (
        await choose({
          'team/flows/a.yml': flow('a', 'team'),
          'kestra/flows/b.yml': flow('b', 'acme')
        })
      ).layout
    ).toBe('anywhere')
    // A folder with only files/ has no flow declaring it.
    expect((await choose({ 'team/files/q.sql': 'select 1' })).layout).toBe('anywhere')
  })

  it('counts no empty folder, which no commit holds: the flows/ a removed flow leaves behind is not there', async () => {
    const files = { 'team/flows/a.yml': flow('a', 'team') }
    const repo = createWorkTree(files)
    // A flow deleted with `rm` (not `git rm`) leaves its folders; a fresh checkout of the commit has none.
    mkdirSync(join(repo.dir, 'ops/flows/nested'), { recursive: true })
    mkdirSync(join(repo.dir, 'ops/files'), { recursive: true })
    const settings = {
      layout: 'auto' as const,
      namespace: undefined,
      namespaceFiles: [],
      flowGlobs: []
    }
    const tree = new WorkTree(repo.dir, '.')
    expect(await chooseLayout(settings, tree, new IgnoreRules(tree))).toEqual(await choose(files))
    expect((await choose(files)).layout).toBe('tenant')
  })

  it('ignores dot-folders and what .kestraignore excludes', async () => {
    const chosen = await choose({
      'team/flows/a.yml': flow('a', 'team'),
      '.github/flows/x.yml': flow('x', 'other'),
      'legacy/flows/old.yml': flow('old', 'elsewhere'),
      '.kestraignore': 'legacy/\n'
    })
    expect(chosen.layout).toBe('tenant')
  })
})
