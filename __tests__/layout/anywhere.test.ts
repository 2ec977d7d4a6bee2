import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

const anywhere = (inputs: Record<string, string> = {}) =>
  settingsWith({ layout: 'anywhere', ...inputs })

describe('anywhere layout', () => {
  it('reads every flow document under root, its namespace from its YAML, and nothing else', async () => {
    const repo = createWorkTree({
      'hello.yml': flow('hello', 'demo'),
      'src/company.sales/orders.yaml': flow('orders', 'company.sales'),
      'docker-compose.yml': 'services:\n  db:\n    image: postgres\n',
      'config.yml': 'id: service\nnamespace: not-kestra\nport: 80\n',
      'broken.yml': 'key: [unclosed\n',
      'binary.yml': Buffer.from([0xff, 0xfe, 0x00]),
      'notes.md': 'id: x\n'
    })
    const model = await loadWorkTree(anywhere(), repo.dir)
    expect(model.layout).toEqual({ layout: 'anywhere', reason: 'set by the layout input' })
    expect(model.flows.map((f) => [f.file, f.namespace, f.expectedNamespace])).toEqual([
      ['hello.yml', 'demo', undefined],
      ['src/company.sales/orders.yaml', 'company.sales', undefined]
    ])
    expect(model.files).toEqual([])
    expect(model.readProblems).toEqual([])
  })

  it('keeps a broken flow document as a flow, so its syntax error is reported', async () => {
    const repo = createWorkTree({ 'flows/a.yml': 'id: a\nnamespace: t\ntasks:\n  - id: [x\n' })
    const model = await loadWorkTree(anywhere(), repo.dir)
    expect(model.flows.map((f) => [f.file, f.documents[0]!.errors.length > 0])).toEqual([
      ['flows/a.yml', true]
    ])
  })

  it('skips other Kestra kinds with one notice, never as a flow', async () => {
    const app = 'id: hello\ntype: io.kestra.plugin.ee.apps.App\nnamespace: demo\nlayout: []\n'
    const repo = createWorkTree({
      'flows/hello.yml': flow('hello', 'demo'),
      'apps/hello.yml': app,
      'apps/other.yml': app.replace('id: hello', 'id: other')
    })
    const model = await loadWorkTree(anywhere(), repo.dir)
    expect(model.flows.map((f) => f.file)).toEqual(['flows/hello.yml'])
    expect(model.readProblems).toEqual([
      {
        severity: 'notice',
        file: 'apps/hello.yml',
        message:
          '2 YAML file(s) of other Kestra kinds than flows (top-level type: io.kestra.plugin.ee.apps.App) ' +
          'were skipped: apps/hello.yml, apps/other.yml. The action deploys flows and namespace files only'
      }
    ])
  })

  it('never walks dependencies, virtual environments or what .gitignore excludes', async () => {
    const repo = createWorkTree({
      'flows/a.yml': flow('a', 'demo'),
      '.gitignore': 'build/\n*.generated.yml\n',
      'app/flow.generated.yml': flow('generated', 'demo')
    })
    const untracked = {
      'node_modules/pkg/flow.yml': flow('dep', 'demo'),
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/lib/flow.yml': flow('venv', 'demo'),
      'venv/flow.yml': flow('venv2', 'demo'),
      'build/flow.yml': flow('built', 'demo')
    }
    for (const [path, text] of Object.entries(untracked)) {
      mkdirSync(join(repo.dir, path, '..'), { recursive: true })
      writeFileSync(join(repo.dir, path), text)
    }
    const model = await loadWorkTree(anywhere(), repo.dir)
    expect(model.flows.map((f) => f.file)).toEqual(['flows/a.yml'])
  })

  it('takes namespace files only from the mappings, a flow document in a mapped folder staying a flow', async () => {
    const repo = createWorkTree({
      '_flows/hello.yml': flow('hello', 'demo'),
      'scripts/run.py': 'print(1)\n',
      'scripts/values.yml': 'id: values\nsize: 3\n',
      'scripts/inner.yml': flow('inner', 'demo')
    })
    const model = await loadWorkTree(anywhere({ 'namespace-files': 'scripts -> demo' }), repo.dir)
    expect(model.flows.map((f) => f.file)).toEqual(['_flows/hello.yml', 'scripts/inner.yml'])
    expect(model.files.map((f) => [f.file, f.path])).toEqual([
      ['scripts/run.py', '/run.py'],
      ['scripts/values.yml', '/values.yml']
    ])
    expect(model.readProblems).toEqual([])
  })
})

describe('auto', () => {
  it('reads flows/hello.yml at the root of a repository with no input', async () => {
    const repo = createWorkTree({ 'flows/hello.yml': flow('hello', 'company.team') })
    const model = await loadWorkTree(settingsWith({ layout: 'auto' }), repo.dir)
    expect(model.layout.layout).toBe('anywhere')
    expect(model.flows.map((f) => f.file)).toEqual(['flows/hello.yml'])
  })

  it('skips an App under a tenant flows folder with the run notice, not as a flow', async () => {
    const repo = createWorkTree({
      'team/flows/a.yml': flow('a', 'team'),
      'team/flows/app.yml': 'id: a\ntype: io.kestra.plugin.ee.apps.App\nnamespace: team\n'
    })
    const model = await loadWorkTree(settingsWith({ layout: 'auto' }), repo.dir)
    expect(model.layout.layout).toBe('tenant')
    expect(model.flows.map((f) => f.file)).toEqual(['team/flows/a.yml'])
    expect(model.readProblems.map((p) => p.severity)).toEqual(['notice'])
  })
})
