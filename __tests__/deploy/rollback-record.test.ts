import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../src/model/content.js'
import type { HistoryApi } from '../../src/kestra/api.js'
import {
  flowHash,
  RECORDED_BYTES_BUDGET,
  recordsOf,
  type RollbackPlan
} from '../../src/apply/rollback-plan.js'
import { parseRecord } from '../../src/apply/rollback-record.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const file = (path: string, before: Uint8Array | undefined, deployed: string | undefined) => ({
  namespace: 'team',
  resource: {
    kind: 'file' as const,
    path,
    before: before && { sha256: sha256Hex(before), size: before.length },
    deployed: deployed === undefined ? undefined : { sha256: sha256Hex(bytes(deployed)) }
  },
  previous: before
})

function plan(items: RollbackPlan['items']): RollbackPlan {
  return {
    repository: 'acme/flows',
    deployed: 'd'.repeat(40),
    items,
    unrestorable: [],
    markers: [
      {
        namespace: 'team',
        toward: { commit: 'b'.repeat(40), repository: 'acme/flows' },
        written: true
      }
    ]
  }
}

/** A server keeping file revisions (1.2+): revision n of each path holds `versions[path][n - 1]`. */
function history(versions: Record<string, string[]> | undefined): HistoryApi {
  return {
    flowRevisionSource: async () => undefined,
    fileRevisions: async (_ns, path) => versions?.[path]?.map((_, i) => i + 1),
    fileRevision: async (_ns, path, revision) => {
      const text = versions?.[path]?.[revision - 1]
      return text === undefined ? undefined : bytes(text)
    }
  }
}

describe('the rollback record', () => {
  it('names an updated file by the revision holding its previous bytes when the server keeps revisions', async () => {
    const records = await recordsOf(
      plan([file('/a.txt', bytes('v1'), 'v2'), file('/gone.txt', bytes('gone'), undefined)]),
      history({ '/a.txt': ['v0', 'v1', 'v2'] })
    )
    const [updated, deleted] = records.get('team')!.resources
    expect(updated).toMatchObject({ before: { revision: 2 } })
    expect(updated!.kind === 'file' && updated!.before?.bytes).toBeUndefined()
    // A deleted file has no readable revision: its bytes go in the record.
    expect(deleted!.kind === 'file' && deleted!.before?.bytes).toBe(
      Buffer.from('gone').toString('base64')
    )
  })

  it('keeps the bytes without revisions, within the budget; a file past it is only hashed', async () => {
    const big = new Uint8Array(RECORDED_BYTES_BUDGET - 10).fill(7)
    const records = await recordsOf(
      plan([file('/big.bin', big, 'x'), file('/small.txt', bytes('0123456789abc'), 'y')]),
      history(undefined)
    )
    const [kept, over] = records.get('team')!.resources
    expect(kept!.kind === 'file' && kept!.before?.bytes?.length).toBeGreaterThan(0)
    expect(over).toMatchObject({ before: { sha256: sha256Hex(bytes('0123456789abc')), size: 13 } })
    expect(over!.kind === 'file' && over!.before?.bytes).toBeUndefined()
  })

  it('reads back what it wrote, and refuses anything else', async () => {
    const source = 'id: a\nnamespace: team\ntasks: []\n'
    const records = await recordsOf(
      plan([
        {
          namespace: 'team',
          resource: { kind: 'flow', id: 'a', before: { revision: 3, sha256: flowHash(source) } },
          previous: source
        }
      ]),
      history(undefined)
    )
    const record = records.get('team')!
    expect(parseRecord(JSON.parse(JSON.stringify(record)))).toEqual(record)
    expect(parseRecord(JSON.stringify(record))).toEqual(record)
    expect(parseRecord({ ...record, format: 'kestra-gitops-rollback/2' })).toBeUndefined()
    expect(parseRecord({ ...record, resources: [{ kind: 'flow', id: 'a' }] })).toBeUndefined()
    expect(parseRecord({ ...record, toward: { commit: 'not a sha' } })).toBeUndefined()
    expect(parseRecord('hello')).toBeUndefined()
  })
})
