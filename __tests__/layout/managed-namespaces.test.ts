import { describe, expect, it } from 'vitest'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

describe('managed namespaces', () => {
  const repo = createWorkTree({
    'flows/a.yml': flow('a', 'company.team'),
    'flows/child.yml': flow('child', 'company.team.child'),
    'flows/broken.yml': 'id: broken\nnamespace: Not Valid!\ntasks: []\n',
    'flows/unparsable.yml': 'id: [oops\n',
    'system/flows/s.yml': flow('s', 'system'),
    'files/x.txt': 'x'
  })

  it('holds each declared namespace, falling back to the folder one when it is unusable or breaks the layout, plus the listed ones', async () => {
    const tenant = createWorkTree({
      'company.team/flows/a.yml': flow('a', 'company.team'),
      'company.team/flows/child.yml': flow('child', 'company.team.child'),
      'fallback/flows/broken.yml': 'id: broken\nnamespace: Not Valid!\ntasks: []\n',
      'parsefail/flows/unparsable.yml': 'id: [oops\n',
      'mismatch/flows/m.yml': flow('m', 'elsewhere')
    })
    const revealed: string[] = []
    const model = await loadWorkTree(settingsWith({ namespaces: 'zeta, alpha' }), tenant.dir, {
      onNamespace: (namespace) => revealed.push(namespace)
    })
    // Revealed while loading, each once: exactly the managed ones.
    expect(revealed.slice(0, 2)).toEqual(['alpha', 'zeta'])
    expect([...revealed].sort()).toEqual(model.managedNamespaces)
    expect(model.managedNamespaces).toEqual([
      'alpha',
      'company.team',
      'company.team.child',
      'fallback',
      'mismatch',
      'parsefail',
      'zeta'
    ])
  })

  it('holds the namespace input for flows without a usable namespace', async () => {
    const model = await loadWorkTree(settingsWith({ namespace: 'company.team' }), repo.dir)
    expect(model.managedNamespaces).toEqual(['company.team', 'company.team.child'])
  })

  it('manages system only when the namespaces input lists it', async () => {
    const settings = settingsWith({
      layout: 'custom',
      flows: 'system/flows/*.yml',
      'namespace-files': 'files -> system'
    })
    const revealed: string[] = []
    const model = await loadWorkTree(settings, repo.dir, {
      onNamespace: (ns) => revealed.push(ns)
    })
    expect(model.managedNamespaces).toEqual([])
    expect(revealed).toEqual([])
    const listed = settingsWith({
      layout: 'custom',
      flows: 'system/flows/*.yml',
      namespaces: 'system'
    })
    expect((await loadWorkTree(listed, repo.dir)).managedNamespaces).toEqual(['system'])
  })

  it('does not manage a parent namespace for a child namespace flow', async () => {
    const model = await loadWorkTree(
      settingsWith({ layout: 'custom', flows: 'flows/child.yml' }),
      repo.dir
    )
    expect(model.managedNamespaces).toEqual(['company.team.child'])
  })
})
