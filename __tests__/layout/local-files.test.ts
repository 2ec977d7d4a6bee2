import { describe, expect, it } from 'vitest'
import type { LocalFiles } from '../../src/model/sent-names.js'
import { createWorkTree } from '../../test-support/file-tree.js'
import { flow, loadWorkTree, settingsWith } from './support.js'

describe('local files, namespace by namespace', () => {
  it('gives each namespace its files once they are read, and none to a namespace without any', async () => {
    const repo = createWorkTree({
      'team/flows/a.yml': flow('a', 'team'),
      'team/files/q.sql': 'select 1',
      'team/files/sub/r.sql': 'select 2',
      'ops/files/run.sh': 'echo',
      'flowsonly/flows/b.yml': flow('b', 'flowsonly')
    })
    let local: LocalFiles | undefined
    let walkedFlows: number | undefined
    const settled: string[] = []
    const model = await loadWorkTree(settingsWith({}), repo.dir, {
      onWalked: ({ localFiles, placedFlows }) => {
        local = localFiles
        walkedFlows = placedFlows
        for (const namespace of ['team', 'ops']) {
          void localFiles.of(namespace).then(() => settled.push(namespace))
        }
      }
    })
    expect(settled.sort()).toEqual(['ops', 'team'])
    expect((await local!.of('team')).map((f) => f.path).sort()).toEqual(['/q.sql', '/sub/r.sql'])
    expect((await local!.of('ops')).map((f) => f.path)).toEqual(['/run.sh'])
    expect(await local!.of('flowsonly')).toEqual([])
    expect(model.files).toHaveLength(3)
    expect(walkedFlows).toBe(model.flows.length)
  })
})
