import { describe, expect, it } from 'vitest'
import { deletionRefusals } from '../../../src/engine/apply/deploy-guards.js'
import type { Plan, ResourceChange } from '../../../src/model/plan.js'

function deletion(namespace: string, id: string): ResourceChange {
  return {
    kind: 'flow',
    namespace,
    id,
    action: 'delete',
    drifted: false,
    current: { source: `id: ${id}`, revision: 1 }
  }
}
function plan(resources: ResourceChange[]): Plan {
  const counts = {
    create: 0,
    update: 0,
    delete: resources.length,
    orphaned: 0,
    unchanged: 0,
    drifted: 0
  }
  return { resources, namespaces: [], counts, fingerprint: 'x' }
}
const settings = { maxDeletions: 10, extraNamespaces: [] as string[] }
const target = { delete: true, allowMassDeletion: false }

describe('deletionRefusals', () => {
  it('allows deletions in managed namespaces with delete: true', () => {
    expect(deletionRefusals(plan([deletion('team', 'a')]), settings, target, ['team'])).toEqual([])
  })

  it('refuses deletions when the delete input is false', () => {
    const refusals = deletionRefusals(
      plan([deletion('team', 'a')]),
      settings,
      { ...target, delete: false },
      ['team']
    )
    expect(refusals).toEqual([expect.stringContaining('team.a')])
    expect(refusals[0]).toContain('delete input is false')
  })

  it('refuses deletions in namespaces the repository does not manage', () => {
    const refusals = deletionRefusals(plan([deletion('other', 'a')]), settings, target, ['team'])
    expect(refusals).toEqual([expect.stringContaining('Refusing to delete other.a')])
  })

  it('counts a namespace managed when the repository declares any resource there: a kv file alone will do', () => {
    const kept: ResourceChange = {
      kind: 'kv',
      namespace: 'ops',
      id: 'region',
      action: 'unchanged',
      drifted: false
    } as ResourceChange
    const extra = { ...deletion('ops', 'extra'), kind: 'kv' } as ResourceChange
    expect(deletionRefusals(plan([kept, extra]), settings, target, ['team'])).toEqual([])
    // A namespace whose every change is a removal is one the repository left: never touched.
    expect(deletionRefusals(plan([extra]), settings, target, ['team'])).toEqual([
      expect.stringContaining('Refusing to delete ops.extra')
    ])
  })

  it('protects system unless listed in the namespaces input; its children are ordinary namespaces', () => {
    const p = plan([deletion('system', 'a'), deletion('system.child', 'b')])
    const managed = ['system', 'system.child']
    const refused = deletionRefusals(p, settings, target, managed)
    expect(refused).toHaveLength(1)
    expect(refused[0]).toContain('system.a')
    expect(refused[0]).not.toContain('system.child.b')
    expect(
      deletionRefusals(p, { ...settings, extraNamespaces: ['system'] }, target, managed)
    ).toEqual([])
  })

  it('refuses more deletions than max-deletions unless allow-mass-deletion is set', () => {
    const eleven = plan(Array.from({ length: 11 }, (_, i) => deletion('team', `f${i}`)))
    const [refusal] = deletionRefusals(eleven, settings, target, ['team'])
    expect(refusal).toContain('deletes 11 resources')
    expect(refusal).toContain('max-deletions (10)')
    expect(refusal).toContain('allow-mass-deletion: true')
    expect(
      deletionRefusals(eleven, settings, { ...target, allowMassDeletion: true }, ['team'])
    ).toEqual([])
    expect(deletionRefusals(eleven, { ...settings, maxDeletions: 11 }, target, ['team'])).toEqual(
      []
    )
  })
})
