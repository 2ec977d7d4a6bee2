import { describe, expect, it } from 'vitest'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

describe('tenant layout', () => {
  const repo = createWorkTree({
    'kestra/company.team/flows/hello.yml': flow('hello', 'company.team'),
    'kestra/company.team/flows/etl/nested.yaml': flow('nested', 'company.team.etl'),
    'kestra/company.team/flows/README.md': '# not a flow\n',
    'kestra/company.team/files/scripts/run.py': 'print(1)\n',
    'kestra/company.team/files/top.sql': 'select 1\n',
    'kestra/company.team/other/ignored.yml': flow('ignored', 'company.team'),
    'kestra/Not_A_Namespace/flows/skipped.yml': flow('skipped', 'x'),
    'kestra/other/flows/o.yml': flow('o', 'other'),
    'outside/flows/x.yml': flow('x', 'outside')
  })

  it('reads <namespace>/flows/** as flows expecting the folder namespace', async () => {
    const model = await loadWorkTree(settingsWith({ root: 'kestra' }), repo.dir)
    expect(model.rootRel).toBe('kestra')
    expect(model.flows.map((f) => [f.file, f.rel, f.expectedNamespace, f.namespace])).toEqual([
      [
        'kestra/company.team/flows/etl/nested.yaml',
        'company.team/flows/etl/nested.yaml',
        'company.team',
        'company.team.etl'
      ],
      [
        'kestra/company.team/flows/hello.yml',
        'company.team/flows/hello.yml',
        'company.team',
        'company.team'
      ],
      ['kestra/other/flows/o.yml', 'other/flows/o.yml', 'other', 'other']
    ])
    expect(model.readProblems).toEqual([
      {
        severity: 'warning',
        file: 'kestra/Not_A_Namespace',
        message: expect.stringContaining("'Not_A_Namespace' is not a namespace name")
      },
      {
        severity: 'warning',
        file: 'kestra/Not_A_Namespace/flows/skipped.yml',
        message:
          '2 flow file(s) under root are not read by the tenant layout: ' +
          'kestra/Not_A_Namespace/flows/skipped.yml, kestra/company.team/other/ignored.yml. ' +
          'Move them to <namespace>/flows/, or set layout: anywhere to read every flow'
      }
    ])
  })

  it('reads <namespace>/files/** as namespace files at /<rest>', async () => {
    const model = await loadWorkTree(settingsWith({ root: 'kestra' }), repo.dir)
    expect(model.files.map((f) => [f.file, f.namespace, f.path])).toEqual([
      ['kestra/company.team/files/scripts/run.py', 'company.team', '/scripts/run.py'],
      ['kestra/company.team/files/top.sql', 'company.team', '/top.sql']
    ])
    expect(model.managedNamespaces).toEqual(['company.team', 'company.team.etl', 'other'])
  })

  it('adds namespace-files mappings to the default folders', async () => {
    const withMapping = createWorkTree({
      'team/flows/a.yml': flow('a', 'team'),
      'team/files/x.txt': 'x',
      'shared/sql/q.sql': 'select 1',
      'assets/logo.txt': 'logo'
    })
    const model = await loadWorkTree(
      settingsWith({ 'namespace-files': 'shared -> team:/lib\nassets/ -> company' }),
      withMapping.dir
    )
    expect(model.rootRel).toBe('')
    expect(model.files.map((f) => [f.file, f.namespace, f.path])).toEqual([
      ['assets/logo.txt', 'company', '/logo.txt'],
      ['shared/sql/q.sql', 'team', '/lib/sql/q.sql'],
      ['team/files/x.txt', 'team', '/x.txt']
    ])
    expect(model.flows.map((f) => f.file)).toEqual(['team/flows/a.yml'])
    expect(model.managedNamespaces).toEqual(['company', 'team'])
  })
})

describe('namespace layout', () => {
  it('reads flows/** and files/** for the namespace input', async () => {
    const repo = createWorkTree({
      'flows/a.yml': flow('a', 'prod.sales'),
      'flows/sub/b.yaml': flow('b', 'prod.sales.eu'),
      'flows/notes.txt': 'not a flow',
      'files/data/c.csv': 'a,b\n1,2\n',
      'docs/readme.md': 'ignored'
    })
    const model = await loadWorkTree(settingsWith({ namespace: 'prod.sales' }), repo.dir)
    expect(model.flows.map((f) => [f.file, f.expectedNamespace])).toEqual([
      ['flows/a.yml', 'prod.sales'],
      ['flows/sub/b.yaml', 'prod.sales']
    ])
    expect(model.files.map((f) => [f.file, f.namespace, f.path])).toEqual([
      ['files/data/c.csv', 'prod.sales', '/data/c.csv']
    ])
    expect(model.managedNamespaces).toEqual(['prod.sales', 'prod.sales.eu'])
  })
})

describe('custom layout', () => {
  const repo = createWorkTree({
    'pipelines/a/one.yml': flow('one', 'a'),
    'pipelines/a/draft.yml': flow('draft', 'a'),
    'pipelines/a/deep/two.yml': flow('two', 'a'),
    'pipelines/b/three.yaml': flow('three', 'b'),
    'pipelines/b/readme.md': '# readme',
    'lib/util.py': 'pass\n',
    'tenant/flows/t.yml': flow('t', 'tenant')
  })

  it('takes flows only from the globs (negations exclude), with no expected namespace', async () => {
    const model = await loadWorkTree(
      settingsWith({
        layout: 'custom',
        flows: 'pipelines/*/*.yml\npipelines/**/*.yaml\n!pipelines/a/draft.yml'
      }),
      repo.dir
    )
    expect(model.flows.map((f) => [f.file, f.expectedNamespace])).toEqual([
      ['pipelines/a/one.yml', undefined],
      ['pipelines/b/three.yaml', undefined]
    ])
    expect(model.files).toEqual([])
  })

  it('takes namespace files only from the mappings', async () => {
    const model = await loadWorkTree(
      settingsWith({ layout: 'custom', 'namespace-files': 'lib -> a:/lib' }),
      repo.dir
    )
    expect(model.flows).toEqual([])
    expect(model.files.map((f) => [f.file, f.rel, f.namespace, f.path])).toEqual([
      ['lib/util.py', 'lib/util.py', 'a', '/lib/util.py']
    ])
  })

  it('lets the deeper of two nested mappings place a file', async () => {
    const model = await loadWorkTree(
      settingsWith({ layout: 'custom', 'namespace-files': 'pipelines -> a\npipelines/b -> b:/x' }),
      repo.dir
    )
    expect(model.files.map((f) => [f.file, f.namespace, f.path])).toEqual([
      ['pipelines/a/deep/two.yml', 'a', '/a/deep/two.yml'],
      ['pipelines/a/draft.yml', 'a', '/a/draft.yml'],
      ['pipelines/a/one.yml', 'a', '/a/one.yml'],
      ['pipelines/b/readme.md', 'b', '/x/readme.md'],
      ['pipelines/b/three.yaml', 'b', '/x/three.yaml']
    ])
  })

  it('keeps a file matched by both a flow glob and a mapping as a flow, with a warning', async () => {
    const model = await loadWorkTree(
      settingsWith({
        layout: 'custom',
        flows: 'pipelines/b/*.yaml',
        'namespace-files': 'pipelines/b -> b'
      }),
      repo.dir
    )
    expect(model.flows.map((f) => f.file)).toEqual(['pipelines/b/three.yaml'])
    expect(model.files.map((f) => f.file)).toEqual(['pipelines/b/readme.md'])
    expect(model.readProblems).toEqual([
      {
        severity: 'warning',
        file: 'pipelines/a/deep/two.yml',
        message: expect.stringMatching(
          /^4 flow file\(s\) under root are not matched by the flows globs \(pipelines\/b\/\*.yaml\): pipelines\/a\/deep\/two.yml, .*tenant\/flows\/t.yml. Widen the globs, or set layout: anywhere/
        )
      },
      {
        severity: 'warning',
        file: 'pipelines/b/three.yaml',
        message: expect.stringContaining('read as a flow and not uploaded as a namespace file')
      }
    ])
  })
})

describe('root folder', () => {
  it('reports a root that does not exist', async () => {
    const repo = createWorkTree({ 'a.txt': 'a' })
    const model = await loadWorkTree(settingsWith({ root: 'kestra' }), repo.dir)
    expect(model.readProblems).toEqual([
      {
        severity: 'error',
        file: 'kestra',
        rule: 'missing-folder',
        message: expect.stringContaining("'kestra' does not exist")
      }
    ])
  })
})
