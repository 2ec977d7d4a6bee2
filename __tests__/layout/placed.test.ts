import { describe, expect, it } from 'vitest'
import type { NamespaceFileEntry } from '../../src/model/repository.js'
import type { Placed } from '../../src/model/sent-names.js'
import { placedOf } from '../../src/layout/walked.js'
import { SentRewrite } from '../../src/resources/flows/decide-sent.js'
import { WALK } from '../../src/resources/registry.js'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

const pathsOf = async (placed: Placed, namespace: string) =>
  ((await placed.of(WALK.fileKind, namespace)) as NamespaceFileEntry[]).map((f) => f.path).sort()

describe('what the walk places, namespace by namespace', () => {
  const tree = () =>
    createWorkTree({
      'team/flows/a.yml': flow('a', 'team'),
      'team/files/q.sql': 'select 1',
      'team/files/sub/r.sql': 'select 2',
      'ops/files/run.sh': 'echo',
      'flowsonly/flows/b.yml': flow('b', 'flowsonly')
    })

  it('gives each namespace its files once they are read, and none to a namespace without any', async () => {
    let placed: Placed | undefined
    let walkedFlows: number | undefined
    const settled: string[] = []
    const model = await loadWorkTree(settingsWith({}), tree().dir, {
      onWalked: (walked) => {
        placed = walked.placed
        walkedFlows = walked.placedFlows
        for (const namespace of ['team', 'ops']) {
          void walked.placed.of(WALK.fileKind, namespace).then(() => settled.push(namespace))
        }
      }
    })
    expect(settled.sort()).toEqual(['ops', 'team'])
    expect(await pathsOf(placed!, 'team')).toEqual(['/q.sql', '/sub/r.sql'])
    expect(await pathsOf(placed!, 'ops')).toEqual(['/run.sh'])
    expect(await placed!.of(WALK.fileKind, 'flowsonly')).toEqual([])
    expect(model.files).toHaveLength(3)
    expect(walkedFlows).toBe(model.flows.length)
    // A flow says its namespace once parsed: the walk cannot place flows before the model is whole.
    await expect(placed!.of(WALK.flowKind, 'team')).rejects.toThrow(/once the repository is read/)
    // A kind the walk does not place has nothing placed, as in a whole model below.
    expect(await placed!.of('kv', 'team')).toEqual([])
  })

  it('places every kind of the walk in a whole model, and nothing of another kind', async () => {
    const model = await loadWorkTree(settingsWith({}), tree().dir)
    const placed = placedOf(model, WALK)
    expect(await pathsOf(placed, 'team')).toEqual(['/q.sql', '/sub/r.sql'])
    const flows = (await placed.of(WALK.flowKind, 'flowsonly')) as { id?: string }[]
    expect(flows.map((f) => f.id)).toEqual(['b'])
    expect(await placed.of('kv', 'team')).toEqual([])
  })

  it('a prefix sends each namespace under its sent name, and places nothing in another', async () => {
    const model = await loadWorkTree(settingsWith({}), tree().dir)
    const sent = new SentRewrite({
      namespacePrefix: 'pr-7',
      disableTriggers: false,
      readOnly: false
    }).placed(placedOf(model, WALK))
    expect(await pathsOf(sent, 'pr-7.team')).toEqual(['/q.sql', '/sub/r.sql'])
    expect(await sent.of(WALK.fileKind, 'team')).toEqual([])
  })
})
