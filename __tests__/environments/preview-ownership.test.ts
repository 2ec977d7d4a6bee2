/**
 * Removing a preview (docs/environments.md#previews): only the namespaces inside the prefix that the
 * preview owns (its ownership record names it) are emptied, KV pairs included; another's and unrecorded
 * ones are left alone and named; one failed delete stops nothing else and is named, and a second run
 * finishes the job. The k-th delete fails, for every k.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ownedPreviewServer, removePreview } from '../../src/apply/preview.js'
import type { KestraApi, KestraServer, ListingsApi } from '../../src/kestra/api.js'
import { inPreview, parsePreviewOwner, PREVIEW_OWNER_KEY } from '../../src/model/preview.js'

const OURS = { repository: 'octo/kestra-repo', pullRequest: 7 }
const PREVIEW = { prefix: 'pr-7', owner: OURS }

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
      ['pr-7.a', ['kestra-gitops-commit', PREVIEW_OWNER_KEY, 'written-by-an-execution']],
      ['pr-7.a.b', ['kestra-gitops-commit', 'kestra-gitops-rollback', PREVIEW_OWNER_KEY]],
      ['a', ['kestra-gitops-commit']]
    ])
  }
}

/** The store behind the calls removal makes; the `failAt`-th delete (1-based) throws. */
function api(
  state: Store,
  failAt = 0,
  owners: Record<string, unknown> = {}
): { api: KestraApi & ListingsApi; deletes: string[] } {
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
    getKv: async (ns: string, key: string) =>
      state.kv.get(ns)?.has(key)
        ? key === PREVIEW_OWNER_KEY
          ? (owners[ns] ?? OURS)
          : {}
        : undefined,
    info: async () => ({ version: '1.3.25' }),
    kvKeys: async (namespaces: readonly string[]) =>
      namespaces.flatMap((ns) => list('kv', ns).map((key) => ({ namespace: ns, key }))),
    deleteFlow: async (ns: string, id: string) => remove('flows', ns, id),
    deleteFile: async (ns: string, path: string) => remove('files', ns, path),
    deleteKv: async (ns: string, key: string) => remove('kv', ns, key)
  }
  return { api: fake as unknown as KestraApi & ListingsApi, deletes }
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
    const result = await removePreview(kestra, PREVIEW, ASKED, options)
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
    const all = await removePreview(total, PREVIEW, ASKED, options)
    for (let k = 1; k <= all.deleted.length; k++) {
      const state = store()
      const before = outside(state)
      const { api: kestra, deletes } = api(state, k)
      const first = await removePreview(kestra, PREVIEW, ASKED, options)
      const failed = deletes[k - 1]!.split(' ')
      expect(first.failed.filter((f) => !f.startsWith('namespace '))).toHaveLength(1)
      // What failed stays, and so does its namespace's ownership record, for the re-run to find it ours.
      const kept = [
        `${failed[0]} ${failed[1]} ${failed[2]}`,
        `kv ${failed[1]} ${PREVIEW_OWNER_KEY}`
      ]
      expect(inside(state).sort()).toEqual([...new Set(kept)].sort())
      expect(outside(state)).toEqual(before)
      const again = await removePreview(api(state).api, PREVIEW, ASKED, options)
      expect(again.failed.filter((f) => !f.startsWith('namespace '))).toEqual([])
      expect(inside(state)).toEqual([])
      expect(outside(state)).toEqual(before)
    }
  })

  it("leaves another repository's namespace, an unreadable record and an unrecorded one as they are, and names each", async () => {
    const state = store()
    state.flows.set('pr-7.theirs', new Set(['sales']))
    state.kv.set('pr-7.theirs', new Set([PREVIEW_OWNER_KEY, 'kestra-gitops-commit']))
    state.flows.set('pr-7.odd', new Set(['x']))
    state.kv.set('pr-7.odd', new Set([PREVIEW_OWNER_KEY]))
    state.files.set('pr-7.old', new Set(['/q.sql']))
    state.kv.set('pr-7.old', new Set(['kestra-gitops-commit']))
    const owners = {
      'pr-7.theirs': { repository: 'other/repo', pullRequest: 7 },
      'pr-7.odd': 'not json'
    }
    const { api: kestra, deletes } = api(state, 0, owners)
    const result = await removePreview(
      kestra,
      PREVIEW,
      [...ASKED, 'pr-7.theirs', 'pr-7.odd', 'pr-7.old', 'pr-7.empty'],
      options
    )
    expect(deletes.filter((d) => /pr-7\.(theirs|odd|old|empty)\b/.test(d))).toEqual([])
    expect(result.leftAlone.sort()).toEqual([
      expect.stringMatching(
        /^pr-7\.odd: left as it is, its ownership record .* is not one this action wrote\.$/
      ),
      expect.stringMatching(
        /^pr-7\.old: left as it is, it holds resources but no ownership record/
      ),
      "pr-7.theirs: left as it is, it belongs to other/repo's pull request #7."
    ])
    // Ours are emptied, KV pairs included, the ownership record last in each.
    for (const ns of ['pr-7.a', 'pr-7.a.b']) {
      expect(state.kv.get(ns)?.size ?? 0).toBe(0)
      expect(deletes.filter((d) => d.split(' ')[1] === ns).at(-1)).toBe(
        `kv ${ns} ${PREVIEW_OWNER_KEY}`
      )
    }
  })
})

describe('the ownership record', () => {
  it('is read back from every form the server gives, and nothing else counts as one', () => {
    const record = { repository: 'octo/kestra-repo', pullRequest: 7 }
    expect(parsePreviewOwner(record)).toEqual(record)
    expect(parsePreviewOwner(JSON.stringify(record))).toEqual(record)
    for (const value of [
      undefined,
      null,
      'octo/kestra-repo',
      [record],
      { ...record, pullRequest: '7' },
      { ...record, pullRequest: 7.5 },
      { repository: '', pullRequest: 7 },
      { repository: 'octo', pullRequest: 7 },
      { repository: 'octo/kestra-repo\n::error::injected', pullRequest: 7 },
      { repository: `octo/${'x'.repeat(101)}`, pullRequest: 7 }
    ]) {
      expect(parsePreviewOwner(value)).toBeUndefined()
    }
  })
})

describe('removal over every arrangement of namespaces and owners', () => {
  const namespace = fc.constantFrom(
    'pr-7.a',
    'pr-7.a.b',
    'pr-7.c',
    'pr-7',
    'pr-70.a',
    'pr-7x.a',
    'a',
    'pr-8.a'
  )
  const owner = fc.constantFrom<unknown>(
    'none',
    OURS,
    { repository: 'other/repo', pullRequest: 7 },
    { repository: 'octo/kestra-repo', pullRequest: 70 },
    { repository: 'Octo/Kestra-Repo', pullRequest: 7 },
    'garbage'
  )
  const content = fc.record({
    flows: fc.subarray(['f1', 'f2']),
    files: fc.subarray(['/x.sql']),
    kv: fc.subarray(['kestra-gitops-commit', 'user-key'])
  })
  const arrangement = fc.dictionary(namespace, fc.record({ owner, content }))

  it('empties exactly the preview namespaces this pull request owns, names the others, touches nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(arrangement, async (layout) => {
        const state: Store = { flows: new Map(), files: new Map(), kv: new Map() }
        const owners: Record<string, unknown> = {}
        for (const [ns, { owner: recorded, content: held }] of Object.entries(layout)) {
          state.flows.set(ns, new Set(held.flows))
          state.files.set(ns, new Set(held.files))
          const keys = new Set(held.kv)
          if (recorded !== 'none') {
            keys.add(PREVIEW_OWNER_KEY)
            owners[ns] = recorded
          }
          state.kv.set(ns, keys)
        }
        const ours = (ns: string) =>
          inPreview('pr-7', ns) && JSON.stringify(owners[ns]) === JSON.stringify(OURS)
        const holds = (ns: string) =>
          (['flows', 'files', 'kv'] as const).some((kind) => (state[kind].get(ns)?.size ?? 0) > 0)
        const expectedLeft = Object.keys(layout)
          .filter((ns) => inPreview('pr-7', ns) && !ours(ns) && holds(ns))
          .sort()
        const snapshot = (keep: (ns: string) => boolean) =>
          (['flows', 'files', 'kv'] as const).flatMap((kind) =>
            [...state[kind]].flatMap(([ns, items]) =>
              keep(ns) ? [...items].map((item) => `${kind} ${ns} ${item}`) : []
            )
          )
        const untouched = snapshot((ns) => !ours(ns))
        const { api: kestra, deletes } = api(state, 0, owners)
        const result = await removePreview(kestra, PREVIEW, Object.keys(layout), options)
        expect(snapshot(ours)).toEqual([])
        expect(snapshot((ns) => !ours(ns))).toEqual(untouched)
        expect(deletes.every((d) => ours(d.split(' ')[1]!))).toBe(true)
        expect(result.deleted).toHaveLength(deletes.length)
        expect(result.leftAlone.map((line) => line.split(':')[0]).sort()).toEqual(expectedLeft)
      }),
      { numRuns: 300 }
    )
  })
})

describe("a preview deploy's writes", () => {
  type State = 'ours' | 'empty' | 'theirs' | 'unreadable' | 'unrecorded' | 'outside'
  const NAMESPACE: Record<State, string> = {
    ours: 'pr-7.ours',
    empty: 'pr-7.empty',
    theirs: 'pr-7.theirs',
    unreadable: 'pr-7.unreadable',
    unrecorded: 'pr-7.unrecorded',
    outside: 'pr-70.ours'
  }
  const RECORDS: Record<string, unknown> = {
    'pr-7.ours': OURS,
    'pr-70.ours': OURS,
    'pr-7.theirs': { repository: 'other/repo', pullRequest: 7 },
    'pr-7.unreadable': '{'
  }
  const WRITES = [
    'createFlow',
    'updateFlow',
    'deleteFlow',
    'uploadFile',
    'deleteFile',
    'putKv',
    'deleteKv',
    'startExecution'
  ] as const

  function server() {
    const calls: string[] = []
    const record =
      (name: string) =>
      async (...args: unknown[]) => {
        calls.push(`${name} ${String(name === 'createFlow' ? 'by source' : args[0])}`)
        return { namespace: '', id: 'x', revision: 1, source: '' }
      }
    const base = Object.fromEntries(WRITES.map((name) => [name, record(name)]))
    const fake = {
      ...base,
      putKv: async (ns: string, key: string, value: unknown) => {
        calls.push(
          `putKv ${ns}${key === PREVIEW_OWNER_KEY ? ` record ${JSON.stringify(value)}` : ''}`
        )
      },
      getKv: async (ns: string, key: string) =>
        key === PREVIEW_OWNER_KEY ? RECORDS[ns] : undefined,
      listFlows: async (ns: string) =>
        ns === 'pr-7.unrecorded' ? [{ namespace: ns, id: 'old', revision: 1, source: '' }] : [],
      listFiles: async () => [],
      info: async () => ({ version: '1.3.25' }),
      kvKeys: async () => []
    }
    return { server: fake as unknown as KestraServer, calls }
  }

  const call = (kestra: KestraServer, name: (typeof WRITES)[number], ns: string) => {
    switch (name) {
      case 'createFlow':
        return kestra.createFlow(`id: x\nnamespace: ${ns}\ntasks: []\n`)
      case 'updateFlow':
        return kestra.updateFlow(ns, 'x', '')
      case 'deleteFlow':
        return kestra.deleteFlow(ns, 'x')
      case 'uploadFile':
        return kestra.uploadFile(ns, '/x', new Uint8Array())
      case 'deleteFile':
        return kestra.deleteFile(ns, '/x')
      case 'putKv':
        return kestra.putKv(ns, 'k', 1)
      case 'deleteKv':
        return kestra.deleteKv(ns, 'k')
      case 'startExecution':
        return kestra.startExecution(ns, 'x', [], { labels: [] })
    }
  }

  for (const state of Object.keys(NAMESPACE) as State[]) {
    for (const name of WRITES) {
      const allowed = state === 'ours' || state === 'empty'
      it(`${name} in a namespace that is ${state}: ${allowed ? 'written' : 'refused, saying why'}`, async () => {
        const { server: api, calls } = server()
        const kestra = ownedPreviewServer(api, PREVIEW)
        const ns = NAMESPACE[state]
        const done = call(kestra, name, ns)
        if (allowed) {
          await done
          const claim = state === 'empty' ? [`putKv ${ns} record ${JSON.stringify(OURS)}`] : []
          expect(calls).toEqual([...claim, expect.stringMatching(new RegExp(`^${name} `))])
        } else {
          await expect(done).rejects.toThrow(
            state === 'outside' ? /not inside the preview prefix pr-7/ : /is not this one's/
          )
          expect(calls).toEqual([])
        }
      })
    }
  }
})
