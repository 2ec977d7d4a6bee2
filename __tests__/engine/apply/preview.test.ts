/**
 * Removing a preview (docs/environments.md#previews): only the namespaces inside the prefix that the
 * preview owns (its ownership record names it) are emptied, KV pairs included; another's and unrecorded
 * ones are left alone and named; one failed delete stops nothing else and is named, and a second run
 * finishes the job. The k-th delete fails, for every k.
 */
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { ownedPreviewServer, removePreview } from '../../../src/engine/apply/preview.js'
import { APPLY_KINDS } from '../../../src/resources/registry.js'
import type { KestraServer } from '../../../src/adapters/kestra/api.js'
import { inPreview, readPreviewOwner, PREVIEW_OWNER_KEY } from '../../../src/model/preview.js'
import { WRITE_ROUTES, type LoggedRequest } from '../../../test-support/kestra-emulator/index.js'
import { emulatedClient } from '../../adapters/kestra/test-server.js'
import { cases, runs } from '../../../test-support/property-runs.js'

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

const flowSource = (namespace: string, id: string) =>
  `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`

const opened: (() => Promise<void>)[] = []
async function closeOpened(): Promise<void> {
  await Promise.all(opened.splice(0).map((close) => close()))
}
afterEach(closeOpened)

/**
 * The emulator holding `state` (an ownership record is `owners[namespace]`, this pull request's when not
 * given) and the client removal talks to. `failAt`: the k-th delete (1-based) is refused with a 403.
 * `state()` reads the server back in the same shape; `deletes()` lists every delete it received, in order.
 */
async function kestraHolding(state: Store, failAt = 0, owners: Record<string, unknown> = {}) {
  const { emulator, client, close } = await emulatedClient('1.3.2')
  opened.push(close)
  const entries = (kind: keyof Store) =>
    [...state[kind]].flatMap(([namespace, items]) =>
      [...items].map((item) => ({ namespace, item }))
    )
  emulator.seed({
    flows: entries('flows').map(({ namespace, item: id }) => ({
      namespace,
      id,
      source: flowSource(namespace, id)
    })),
    files: entries('files').map(({ namespace, item: path }) => ({ namespace, path, content: 'x' })),
    kv: entries('kv').map(({ namespace, item: key }) => ({
      namespace,
      key,
      value: key === PREVIEW_OWNER_KEY ? (owners[namespace] ?? OURS) : 'v'
    }))
  })
  if (failAt > 0) {
    emulator.inject({
      method: 'DELETE',
      skip: failAt - 1,
      status: 403,
      body: { message: 'Forbidden' }
    })
  }
  const described = (request: LoggedRequest) => {
    const item =
      request.route === 'flows.delete'
        ? `flows ${request.params.id}`
        : request.route === 'kv.delete'
          ? `kv ${request.params.key}`
          : `files ${String(request.query.path)}`
    const [kind, name] = item.split(' ')
    return `${kind} ${request.params.namespace} ${name}`
  }
  return {
    client,
    deletes: () => emulator.requests.filter((r) => r.method === 'DELETE').map(described),
    state: (): Store => {
      const held = emulator.snapshot()
      const read: Store = { flows: new Map(), files: new Map(), kv: new Map() }
      const add = (kind: keyof Store, namespace: string, item: string) => {
        if (!read[kind].has(namespace)) read[kind].set(namespace, new Set())
        read[kind].get(namespace)!.add(item)
      }
      for (const flow of held.flows) if (!flow.deleted) add('flows', flow.namespace, flow.id)
      for (const file of held.files) add('files', file.namespace, file.path)
      for (const kv of held.kv) add('kv', kv.namespace, kv.key)
      return read
    }
  }
}

const ASKED = ['pr-7.a', 'pr-7.a.b', 'pr-70.a', 'a', 'pr-7']
const options = { concurrency: 2, log: () => undefined }

function outside(state: Store): string[] {
  return (['flows', 'files', 'kv'] as const)
    .flatMap((kind) =>
      [...state[kind]].flatMap(([ns, items]) =>
        inPreview('pr-7', ns) ? [] : [...items].map((item) => `${kind} ${ns} ${item}`)
      )
    )
    .sort()
}

function inside(state: Store): string[] {
  return (['flows', 'files', 'kv'] as const)
    .flatMap((kind) =>
      [...state[kind]].flatMap(([ns, items]) =>
        inPreview('pr-7', ns) ? [...items].map((item) => `${kind} ${ns} ${item}`) : []
      )
    )
    .sort()
}

/** k = 1 to `count`: every delete failing in turn (a first, a last and two between in the unit loop). */
function everyDelete(count: number): number[] {
  return cases(
    Array.from({ length: count }, (_, i) => i + 1),
    4
  )
}

describe('removing a preview', () => {
  it('deletes everything inside the prefix and refuses every namespace outside it', async () => {
    const before = outside(store())
    const kestra = await kestraHolding(store())
    const result = await removePreview(kestra.client, PREVIEW, APPLY_KINDS, ASKED, options)
    expect(inside(kestra.state())).toEqual([])
    expect(outside(kestra.state())).toEqual(before)
    expect(kestra.deletes().every((d) => d.split(' ')[1]!.startsWith('pr-7.'))).toBe(true)
    expect(result.deleted).toHaveLength(kestra.deletes().length)
    expect(result.failed.sort()).toEqual(
      ['a', 'pr-7', 'pr-70.a']
        .map((ns) => `namespace ${ns}: refused, it is not inside the preview prefix pr-7.`)
        .sort()
    )
  })

  it("on Enterprise, deletes the namespace its settings made after what it holds, before its ownership record, and leaves another's", async () => {
    const { emulator, client, close } = await emulatedClient('1.3.2', 'EE')
    opened.push(close)
    emulator.seed({
      namespaces: [
        { id: 'pr-7.a', description: 'made by the preview' },
        { id: 'pr-7.theirs', description: 'another pull request' },
        { id: 'a', description: 'production' }
      ],
      flows: [{ namespace: 'pr-7.b', id: 'one', source: flowSource('pr-7.b', 'one') }],
      kv: [
        { namespace: 'pr-7.a', key: 'region', value: 'eu' },
        { namespace: 'pr-7.a', key: PREVIEW_OWNER_KEY, value: OURS },
        { namespace: 'pr-7.b', key: PREVIEW_OWNER_KEY, value: OURS },
        { namespace: 'pr-7.theirs', key: PREVIEW_OWNER_KEY, value: { ...OURS, pullRequest: 8 } }
      ]
    })
    const asked = ['pr-7.a', 'pr-7.b', 'pr-7.theirs', 'a']
    const result = await removePreview(client, PREVIEW, APPLY_KINDS, asked, options)
    expect(emulator.namespaces().map((entity) => entity.id)).toEqual(['a', 'pr-7.theirs'])
    expect(result.deleted.filter((name) => name.includes('pr-7.a'))).toEqual([
      'kv pr-7.a:region',
      'namespace pr-7.a',
      `kv pr-7.a:${PREVIEW_OWNER_KEY}`
    ])
    expect(result.deleted).toContain('flow pr-7.b.one')
    expect(result.leftAlone.map((line) => line.split(':')[0])).toEqual(['pr-7.theirs'])
  })

  it('names the one delete that failed, does all the others, and a re-run finishes (fail the k-th delete, every k)', async () => {
    const total = await kestraHolding(store())
    const all = await removePreview(total.client, PREVIEW, APPLY_KINDS, ASKED, options)
    expect(all.deleted.length).toBeGreaterThan(5)
    const before = outside(store())
    for (const k of everyDelete(all.deleted.length)) {
      const kestra = await kestraHolding(store(), k)
      const first = await removePreview(kestra.client, PREVIEW, APPLY_KINDS, ASKED, options)
      const failed = kestra.deletes()[k - 1]!.split(' ')
      expect(first.failed.filter((f) => !f.startsWith('namespace '))).toEqual([
        expect.stringContaining('Forbidden')
      ])
      // What failed stays, and so does its namespace's ownership record, for the re-run to find it ours.
      const kept = [
        `${failed[0]} ${failed[1]} ${failed[2]}`,
        `kv ${failed[1]} ${PREVIEW_OWNER_KEY}`
      ]
      expect(inside(kestra.state())).toEqual([...new Set(kept)].sort())
      expect(outside(kestra.state())).toEqual(before)
      const again = await removePreview(kestra.client, PREVIEW, APPLY_KINDS, ASKED, options)
      expect(again.failed.filter((f) => !f.startsWith('namespace '))).toEqual([])
      expect(inside(kestra.state())).toEqual([])
      expect(outside(kestra.state())).toEqual(before)
    }
  })

  /** pr-7.a is this preview's; below it, namespaces made in the UI hold no record of their own. */
  function withChildren(): Store {
    const state = store()
    state.flows.set('pr-7.a.sub', new Set(['made_in_ui']))
    state.files.set('pr-7.a.sub', new Set(['/ui.sql']))
    state.kv.set('pr-7.a.sub', new Set(['ui-key']))
    state.flows.set('pr-7.a.sub.deep', new Set(['deeper']))
    return state
  }
  const CHILDREN = [...ASKED, 'pr-7.a.sub', 'pr-7.a.sub.deep']

  it("removes a child namespace made under the preview's own, with its flows, files and KV, and a re-run finishes (fail the k-th delete, every k)", async () => {
    const before = outside(withChildren())
    const total = await kestraHolding(withChildren())
    const all = await removePreview(total.client, PREVIEW, APPLY_KINDS, CHILDREN, options)
    expect(inside(total.state())).toEqual([])
    expect(all.leftAlone).toEqual([])
    for (const gone of [
      'flow pr-7.a.sub.made_in_ui',
      'file pr-7.a.sub:/ui.sql',
      'kv pr-7.a.sub:ui-key',
      'flow pr-7.a.sub.deep.deeper'
    ]) {
      expect(all.deleted).toContain(gone)
    }
    for (const k of everyDelete(all.deleted.length)) {
      const kestra = await kestraHolding(withChildren(), k)
      const first = await removePreview(kestra.client, PREVIEW, APPLY_KINDS, CHILDREN, options)
      expect(first.failed.filter((f) => !f.startsWith('namespace '))).toEqual([
        expect.stringContaining('Forbidden')
      ])
      // The record that makes the children ours stays while any of them holds something.
      const failedIn = kestra.deletes()[k - 1]!.split(' ')[1]!
      if (failedIn.startsWith('pr-7.a.sub')) {
        expect(inside(kestra.state())).toContain(`kv pr-7.a ${PREVIEW_OWNER_KEY}`)
      }
      const again = await removePreview(kestra.client, PREVIEW, APPLY_KINDS, CHILDREN, options)
      expect(again.failed.filter((f) => !f.startsWith('namespace '))).toEqual([])
      expect(again.leftAlone).toEqual([])
      expect(inside(kestra.state())).toEqual([])
      expect(outside(kestra.state())).toEqual(before)
    }
  })

  it("leaves a child below another pull request's namespace, naming whose it is", async () => {
    const state = withChildren()
    state.flows.set('pr-7.theirs.sub', new Set(['x']))
    state.kv.set('pr-7.theirs', new Set([PREVIEW_OWNER_KEY]))
    state.kv.set('pr-7.a.sub.deep', new Set([PREVIEW_OWNER_KEY]))
    const kestra = await kestraHolding(state, 0, {
      'pr-7.theirs': { repository: 'other/repo', pullRequest: 7 },
      // A child's own record of another pull request wins over the parent's.
      'pr-7.a.sub.deep': { repository: 'other/repo', pullRequest: 7 }
    })
    const result = await removePreview(
      kestra.client,
      PREVIEW,
      APPLY_KINDS,
      [...CHILDREN, 'pr-7.theirs', 'pr-7.theirs.sub'],
      options
    )
    expect(result.leftAlone.sort()).toEqual([
      "pr-7.a.sub.deep: left as it is, it belongs to other/repo's pull request #7.",
      "pr-7.theirs.sub: left as it is, it lies below pr-7.theirs, and it belongs to other/repo's pull request #7.",
      "pr-7.theirs: left as it is, it belongs to other/repo's pull request #7."
    ])
    expect(inside(kestra.state()).sort()).toEqual([
      'flows pr-7.a.sub.deep deeper',
      'flows pr-7.theirs.sub x',
      `kv pr-7.a.sub.deep ${PREVIEW_OWNER_KEY}`,
      `kv pr-7.theirs ${PREVIEW_OWNER_KEY}`
    ])
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
    const kestra = await kestraHolding(state, 0, owners)
    const result = await removePreview(
      kestra.client,
      PREVIEW,
      APPLY_KINDS,
      [...ASKED, 'pr-7.theirs', 'pr-7.odd', 'pr-7.old', 'pr-7.empty'],
      options
    )
    const deletes = kestra.deletes()
    expect(deletes.filter((d) => /pr-7\.(theirs|odd|old|empty)\b/.test(d))).toEqual([])
    expect(result.leftAlone.sort()).toEqual([
      expect.stringMatching(
        /^pr-7\.odd: left as it is, its ownership record .* is not one this version of the action can read \(preview ownership record: .*\)\.$/
      ),
      expect.stringMatching(
        /^pr-7\.old: left as it is, it holds resources but no ownership record/
      ),
      "pr-7.theirs: left as it is, it belongs to other/repo's pull request #7."
    ])
    // Ours are emptied, KV pairs included, the ownership record last in each.
    for (const ns of ['pr-7.a', 'pr-7.a.b']) {
      expect(kestra.state().kv.get(ns)?.size ?? 0).toBe(0)
      expect(deletes.filter((d) => d.split(' ')[1] === ns).at(-1)).toBe(
        `kv ${ns} ${PREVIEW_OWNER_KEY}`
      )
    }
  })
})

describe('the ownership record', () => {
  it('is read back from every form the server gives, and nothing else counts as one', () => {
    const record = { repository: 'octo/kestra-repo', pullRequest: 7 }
    expect(readPreviewOwner(record)).toEqual({ value: record })
    expect(readPreviewOwner(JSON.stringify(record))).toEqual({ value: record })
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
      expect(readPreviewOwner(value)).toEqual({
        refused: expect.stringMatching(
          /^preview ownership record: (not JSON|.* is not what this action writes)$/
        )
      })
    }
  })
})

describe('removal over every arrangement of namespaces and owners', () => {
  const namespace = fc.constantFrom(
    'pr-7.a',
    'pr-7.a.b',
    'pr-7.a.b.c',
    'pr-7.c',
    'pr-7.c.d',
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

  it('empties exactly the preview namespaces this pull request owns (by their own record, else the nearest one above them in the preview), names the others, touches nothing else', async () => {
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
        // The namespace's own record, else the nearest one above it inside the prefix, decides.
        const recordOf = (ns: string): unknown => {
          for (let at = ns; inPreview('pr-7', at); at = at.slice(0, at.lastIndexOf('.'))) {
            if (at in owners) return owners[at]
          }
          return undefined
        }
        const ours = (ns: string) =>
          inPreview('pr-7', ns) && JSON.stringify(recordOf(ns)) === JSON.stringify(OURS)
        const holds = (ns: string) =>
          (['flows', 'files', 'kv'] as const).some((kind) => (state[kind].get(ns)?.size ?? 0) > 0)
        const expectedLeft = Object.keys(layout)
          .filter((ns) => inPreview('pr-7', ns) && !ours(ns) && holds(ns))
          .sort()
        const snapshot = (held: Store, keep: (ns: string) => boolean) =>
          (['flows', 'files', 'kv'] as const)
            .flatMap((kind) =>
              [...held[kind]].flatMap(([ns, items]) =>
                keep(ns) ? [...items].map((item) => `${kind} ${ns} ${item}`) : []
              )
            )
            .sort()
        const untouched = snapshot(state, (ns) => !ours(ns))
        try {
          const kestra = await kestraHolding(state, 0, owners)
          const result = await removePreview(
            kestra.client,
            PREVIEW,
            APPLY_KINDS,
            Object.keys(layout),
            options
          )
          expect(snapshot(kestra.state(), ours)).toEqual([])
          expect(snapshot(kestra.state(), (ns) => !ours(ns))).toEqual(untouched)
          expect(kestra.deletes().every((d) => ours(d.split(' ')[1]!))).toBe(true)
          expect(result.deleted).toHaveLength(kestra.deletes().length)
          expect(result.leftAlone.map((line) => line.split(':')[0]).sort()).toEqual(expectedLeft)
        } finally {
          await closeOpened()
        }
      }),
      { numRuns: runs(150, 8) }
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
    'startExecution',
    'createNamespace',
    'updateNamespace',
    'deleteNamespace'
  ] as const

  const ROUTE: Record<(typeof WRITES)[number], string> = {
    createFlow: 'flows.create',
    updateFlow: 'flows.update',
    deleteFlow: 'flows.delete',
    uploadFile: 'namespaces.files.upload',
    deleteFile: 'namespaces.files.delete',
    putKv: 'kv.put',
    deleteKv: 'kv.delete',
    startExecution: 'executions.create',
    createNamespace: 'namespaces.create',
    updateNamespace: 'namespaces.update',
    deleteNamespace: 'namespaces.delete'
  }

  /**
   * The emulator (Enterprise, which keeps namespaces) with the records above, a flow in the unrecorded namespace,
   * and in ours a flow, a file and a KV pair for the writes to change; `writes()` lists the writes it received
   * (a claim with its record).
   */
  async function server() {
    const { emulator, client, close } = await emulatedClient('1.3.2', 'EE')
    opened.push(close)
    emulator.seed({
      flows: [
        { namespace: 'pr-7.unrecorded', id: 'old', source: flowSource('pr-7.unrecorded', 'old') },
        { namespace: 'pr-7.ours', id: 'x', source: flowSource('pr-7.ours', 'x') }
      ],
      files: [{ namespace: 'pr-7.ours', path: '/x', content: 'x' }],
      kv: [
        ...Object.entries(RECORDS).map(([namespace, value]) => ({
          namespace,
          key: PREVIEW_OWNER_KEY,
          value
        })),
        { namespace: 'pr-7.ours', key: 'k', value: 'v' }
      ]
    })
    const writes = () =>
      emulator.requests
        .filter((r) => [...WRITE_ROUTES, 'executions.create'].includes(r.route))
        .map((r) =>
          r.route === 'kv.put' && r.params.key === PREVIEW_OWNER_KEY
            ? `claim ${r.params.namespace} ${r.text}`
            : r.route
        )
    return { server: client as KestraServer, writes }
  }

  const call = (kestra: KestraServer, name: (typeof WRITES)[number], ns: string) => {
    switch (name) {
      case 'createFlow':
        return kestra.createFlow(flowSource(ns, 'y'))
      case 'updateFlow':
        return kestra.updateFlow(ns, 'x', flowSource(ns, 'x').replace('hi', 'changed'))
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
      case 'createNamespace':
        return kestra.jsonEntities('namespaces').create({ id: ns, description: 'd' })
      case 'updateNamespace':
        return kestra.jsonEntities('namespaces').update(ns, { id: ns, description: 'd' })
      case 'deleteNamespace':
        return kestra.jsonEntities('namespaces').delete(ns)
    }
  }

  for (const state of Object.keys(NAMESPACE) as State[]) {
    for (const name of WRITES) {
      const allowed = state === 'ours' || state === 'empty'
      it(`${name} in a namespace that is ${state}: ${allowed ? 'written' : 'refused, saying why'}`, async () => {
        const { server: api, writes } = await server()
        const kestra = ownedPreviewServer(api, PREVIEW, APPLY_KINDS)
        const ns = NAMESPACE[state]
        const done = call(kestra, name, ns)
        if (allowed) {
          // In the empty namespace, a change of a flow that is not there reaches the server, which answers 404.
          if (state === 'empty' && ['updateFlow', 'deleteFlow', 'startExecution'].includes(name)) {
            await expect(done).rejects.toThrow(/404/)
          } else await done
          const claim = state === 'empty' ? [`claim ${ns} ${JSON.stringify(OURS)}`] : []
          expect(writes()).toEqual([...claim, ROUTE[name]])
        } else {
          await expect(done).rejects.toThrow(
            state === 'outside' ? /not inside the preview prefix pr-7/ : /is not this one's/
          )
          expect(writes()).toEqual([])
        }
      })
    }
  }
})
