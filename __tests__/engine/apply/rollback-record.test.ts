import { describe, expect, it } from 'vitest'
import { sha256Hex } from '../../../src/model/content.js'
import type { HistoryApi } from '../../../src/adapters/kestra/api.js'
import {
  RECORDED_BYTES_BUDGET,
  readRecord,
  recordsOf as recordsOfKinds,
  type RollbackPlan
} from '../../../src/engine/apply/rollback-record.js'
import { flowHash } from '../../../src/resources/flows/apply.js'
import { ROLLBACK_KINDS } from '../../../src/resources/registry.js'

const recordsOf = (plan: RollbackPlan, api: HistoryApi) => recordsOfKinds(plan, api, ROLLBACK_KINDS)
const parseRecord = (value: unknown) => {
  const read = readRecord(value, ROLLBACK_KINDS)
  return 'value' in read ? read.value : undefined
}
/** A recorded file's bytes, when the record carries them. */
const bytesOf = (resource: object | undefined) =>
  (resource as { before?: { bytes?: string } } | undefined)?.before?.bytes

const bytes = (text: string) => new TextEncoder().encode(text)
const file = (path: string, before: Uint8Array | undefined, deployed: string | undefined) => ({
  namespace: 'team',
  name: `team:${path}`,
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
    expect(bytesOf(updated)).toBeUndefined()
    // A deleted file has no readable revision: its bytes go in the record.
    expect(bytesOf(deleted)).toBe(Buffer.from('gone').toString('base64'))
  })

  it('keeps the bytes without revisions, within the budget; a file past it is only hashed', async () => {
    const big = new Uint8Array(RECORDED_BYTES_BUDGET - 10).fill(7)
    const records = await recordsOf(
      plan([file('/big.bin', big, 'x'), file('/small.txt', bytes('0123456789abc'), 'y')]),
      history(undefined)
    )
    const [kept, over] = records.get('team')!.resources
    expect(bytesOf(kept)?.length).toBeGreaterThan(0)
    expect(over).toMatchObject({ before: { sha256: sha256Hex(bytes('0123456789abc')), size: 13 } })
    expect(bytesOf(over)).toBeUndefined()
  })

  it('reads back what it wrote, and refuses anything else', async () => {
    const source = 'id: a\nnamespace: team\ntasks: []\n'
    const resource = { kind: 'flow', id: 'a', before: { revision: 3, sha256: flowHash(source) } }
    const records = await recordsOf(
      plan([
        {
          namespace: 'team',
          name: 'team.a',
          resource,
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
