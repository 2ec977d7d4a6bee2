/**
 * Removing a preview (docs/environments.md#previews): every delete checks the prefix, one failed delete
 * stops nothing else and is named, and a second run finishes the job. The k-th delete fails, for every k.
 */
import { describe, expect, it } from 'vitest'
import { inPreview, removePreview } from '../../src/apply/preview-removal.js'
import type { KestraApi } from '../../src/kestra/api.js'

interface Store {
  flows: Map<string, Set<string>>
  files: Map<string, Set<string>>
  kv: Map<string, Set<string>>
}

function store(): Store {
  const of = (entries: [string, string[]][]) =>
    new Map(entries.map(([ns, items]) => [ns, new Set(items)]))
  return {
    flows: of([
      ['pr-7.a', ['one', 'two']],
      ['pr-7.a.b', ['three']],
      ['pr-70.a', ['other']],
      ['a', ['prod']]
    ]),
    files: of([
      ['pr-7.a', ['/x.sql', '/y.sql']],
      ['a', ['/x.sql']]
    ]),
    kv: of([
      ['pr-7.a', ['kestra-gitops-commit']],
      ['pr-7.a.b', ['kestra-gitops-commit', 'kestra-gitops-rollback']],
      ['a', ['kestra-gitops-commit']]
    ])
  }
}

/** The store behind the calls removal makes; the `failAt`-th delete (1-based) throws. */
function api(state: Store, failAt = 0): { api: KestraApi; deletes: string[] } {
  const deletes: string[] = []
  let count = 0
  const remove = (kind: keyof Store, ns: string, item: string) => {
    count++
    deletes.push(`${kind} ${ns} ${item}`)
    if (count === failAt) throw new Error('Kestra answered 500')
    state[kind].get(ns)?.delete(item)
  }
  const list = (kind: keyof Store, ns: string) => [...(state[kind].get(ns) ?? [])]
  const fake = {
    listFlows: async (ns: string) =>
      list('flows', ns).map((id) => ({ namespace: ns, id, revision: 1, source: '' })),
    listFiles: async (ns: string) =>
      list('files', ns).map((path) => ({ path, bytes: new Uint8Array() })),
    getKv: async (ns: string, key: string) => (state.kv.get(ns)?.has(key) ? {} : undefined),
    deleteFlow: async (ns: string, id: string) => remove('flows', ns, id),
    deleteFile: async (ns: string, path: string) => remove('files', ns, path),
    deleteKv: async (ns: string, key: string) => remove('kv', ns, key)
  }
  return { api: fake as unknown as KestraApi, deletes }
}

const ASKED = ['pr-7.a', 'pr-7.a.b', 'pr-70.a', 'a', 'pr-7']
const options = { concurrency: 2, log: () => undefined }

function outside(state: Store): string[] {
  return (['flows', 'files', 'kv'] as const).flatMap((kind) =>
    [...state[kind]].flatMap(([ns, items]) =>
      inPreview('pr-7', ns) ? [] : [...items].map((item) => `${kind} ${ns} ${item}`)
    )
  )
}

function inside(state: Store): string[] {
  return (['flows', 'files', 'kv'] as const).flatMap((kind) =>
    [...state[kind]].flatMap(([ns, items]) =>
      inPreview('pr-7', ns) ? [...items].map((item) => `${kind} ${ns} ${item}`) : []
    )
  )
}

describe('removing a preview', () => {
  it('deletes everything inside the prefix and refuses every namespace outside it', async () => {
    const state = store()
    const before = outside(state)
    const { api: kestra, deletes } = api(state)
    const result = await removePreview(kestra, 'pr-7', ASKED, options)
    expect(inside(state)).toEqual([])
    expect(outside(state)).toEqual(before)
    expect(deletes.every((d) => d.split(' ')[1]!.startsWith('pr-7.'))).toBe(true)
    expect(result.deleted).toHaveLength(deletes.length)
    expect(result.failed.sort()).toEqual(
      ['a', 'pr-7', 'pr-70.a']
        .map((ns) => `namespace ${ns}: refused, it is not inside the preview prefix pr-7.`)
        .sort()
    )
  })

  it('names the one delete that failed, does all the others, and a re-run finishes (fail the k-th delete, every k)', async () => {
    const total = api(store()).api
    const all = await removePreview(total, 'pr-7', ASKED, options)
    for (let k = 1; k <= all.deleted.length; k++) {
      const state = store()
      const before = outside(state)
      const { api: kestra, deletes } = api(state, k)
      const first = await removePreview(kestra, 'pr-7', ASKED, options)
      const failed = deletes[k - 1]!.split(' ')
      expect(first.failed.filter((f) => !f.startsWith('namespace '))).toHaveLength(1)
      expect(inside(state)).toEqual([`${failed[0]} ${failed[1]} ${failed[2]}`])
      expect(outside(state)).toEqual(before)
      const again = await removePreview(api(state).api, 'pr-7', ASKED, options)
      expect(again.failed.filter((f) => !f.startsWith('namespace '))).toEqual([])
      expect(inside(state)).toEqual([])
      expect(outside(state)).toEqual(before)
    }
  })
})
