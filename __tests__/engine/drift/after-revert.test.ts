/** The drift a revert leaves (docs/drift.md#revert), compared with the deploy's result resource by resource. */
import { describe, expect, it } from 'vitest'
import { remainingDrift } from '../../../src/engine/drift/drifted.js'
import type { ResourceOutcome } from '../../../src/model/result.js'
import { fileDrift, flowDrift } from './fixtures.js'

const NS = 'company.team'
const items = [
  flowDrift(NS, 'edited', 'edited', { file: 'a.yml' }),
  flowDrift(NS, 'kept', 'only-in-kestra'),
  fileDrift(NS, '/f.txt', 'deleted-in-kestra', { file: 'f.txt' })
]

function results(edited: ResourceOutcome, file: ResourceOutcome, message?: string) {
  return [
    { change: items[0]!.change, result: edited, ...(message && { message }) },
    { change: items[1]!.change, result: 'unchanged' as const },
    { change: items[2]!.change, result: file }
  ]
}

describe('remainingDrift', () => {
  it('drops what the revert wrote or found done, keeps the orphan with why', () => {
    const left = remainingDrift(items, { resources: results('updated', 'created') })
    expect(left.map((i) => [i.name, i.note])).toEqual([
      [`${NS}.kept`, 'kept: delete is false, so the revert keeps what only Kestra holds']
    ])
    expect(remainingDrift(items, { resources: results('unchanged', 'created') })).toHaveLength(1)
  })

  it('names a conflict, a failure and a skip with the server’s reason', () => {
    for (const outcome of ['conflict', 'failed', 'skipped'] as const) {
      const left = remainingDrift(items, { resources: results(outcome, 'created', 'moved') })
      expect(left[0]).toMatchObject({ name: `${NS}.edited`, note: `${outcome}: moved` })
    }
  })

  it('keeps everything after a refusal or a rollback', () => {
    expect(
      remainingDrift(items, { refused: 'a newer commit is deployed' }).map((i) => i.note)
    ).toEqual(Array(3).fill('not reverted: a newer commit is deployed'))
    expect(
      remainingDrift(items, { resources: results('updated', 'created'), rolledBack: true })
    ).toHaveLength(3)
  })
})
