/**
 * Kestra's lookup rules for `kv()` and `secret()` over the namespace space
 * (docs/caught-at-review.md#secrets-and-kv-keys): a key is found in the flow's namespace or a parent
 * (never a child or a sibling), only in the named namespace when one is given; a listing the server could
 * not give raises no finding, only one notice.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkNames, deletedKeysInUse } from '../../../src/resources/flows/decide-missing-names.js'
import type { Plan } from '../../../src/model/plan.js'
import { kvLookupScopes, type NameReference } from '../../../src/model/names.js'

const SEGMENT = fc.constantFrom('a', 'b', 'ab', 'team', 'teamx')
const NAMESPACE = fc.array(SEGMENT, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'))

function ref(
  kind: 'secret' | 'kv',
  name: string,
  flowNamespace: string,
  namespace?: string
): NameReference {
  return {
    kind,
    name,
    flowNamespace,
    ...(namespace !== undefined && { namespace }),
    file: 'f.yml',
    line: 3,
    column: 5,
    fromFlow: `flow:${flowNamespace}/f`
  }
}

/** `held` is a parent of (or is) `ns`, by dotted segments. */
function isScope(held: string, ns: string): boolean {
  return ns === held || ns.startsWith(`${held}.`)
}

describe('KV lookup', () => {
  it('a key is found in the namespace or a parent, and only there; an explicit namespace only in itself', () => {
    fc.assert(
      fc.property(
        NAMESPACE,
        NAMESPACE,
        fc.option(NAMESPACE, { nil: undefined }),
        (flowNs, held, explicit) => {
          const { findings } = checkNames([ref('kv', 'k', flowNs, explicit)], {
            kv: { listed: true, value: { [held]: ['k'] } }
          })
          const found = explicit === undefined ? isScope(held, flowNs) : held === explicit
          expect(findings.length).toBe(found ? 0 : 1)
        }
      )
    )
  })

  it("before 0.22 (no inheritance): a key is found in the flow's own namespace only, and the warning says kv() gives null", () => {
    fc.assert(
      fc.property(
        NAMESPACE,
        NAMESPACE,
        fc.option(NAMESPACE, { nil: undefined }),
        (flowNs, held, explicit) => {
          const { findings } = checkNames([ref('kv', 'k', flowNs, explicit)], {
            kv: { listed: true, value: { [held]: ['k'] } },
            kvOwnNamespaceOnly: true
          })
          const found = held === (explicit ?? flowNs)
          expect(findings.length).toBe(found ? 0 : 1)
          if (!found) {
            expect(findings[0]!.message).toContain('gives the task null')
            expect(findings[0]!.message).not.toContain('parent namespaces')
          }
        }
      )
    )
  })

  it('kvLookupScopes walks the dotted parents, nearest first, unless the server looks in the own namespace only', () => {
    const r = ref('kv', 'k', 'a.b.c')
    expect(kvLookupScopes(r)).toEqual(['a.b.c', 'a.b', 'a'])
    expect(kvLookupScopes(r, true)).toEqual(['a.b.c'])
    expect(kvLookupScopes(ref('kv', 'k', 'a.b.c', 'x'), false)).toEqual(['x'])
  })
})

describe('secret lookup', () => {
  it('OSS: one tenant-wide list, names ignoring case, whatever the namespace', () => {
    fc.assert(
      fc.property(NAMESPACE, fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/), (ns, name) => {
        const listed = { listed: true as const, value: { tenant: [name.toUpperCase()] } }
        expect(
          checkNames([ref('secret', name.toLowerCase(), ns)], { secrets: listed }).findings
        ).toEqual([])
        expect(
          checkNames([ref('secret', `${name}X`, ns)], { secrets: listed }).findings
        ).toHaveLength(1)
      })
    )
  })

  it('Enterprise: the set the namespace looked in sees', () => {
    const listings = {
      secrets: { listed: true as const, value: { byNamespace: { 'a.b': ['OWN', 'FROM_A'] } } }
    }
    expect(checkNames([ref('secret', 'FROM_A', 'a.b')], listings).findings).toEqual([])
    expect(checkNames([ref('secret', 'OTHER', 'a.b')], listings).findings).toHaveLength(1)
  })
})

describe('a listing the server could not give', () => {
  it('raises no finding, one notice naming the names and why', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('secret' as const, 'kv' as const),
            fc.stringMatching(/^[A-Z][A-Z_]{0,6}$/)
          ),
          {
            minLength: 1,
            maxLength: 8
          }
        ),
        (calls) => {
          const refs = calls.map(([kind, name]) => ref(kind, name, 'a.b'))
          const { findings, checked } = checkNames(refs, {
            secrets: { listed: false, reason: 'no permission to list them: 403' },
            kv: { listed: false, reason: 'no permission to list them: 403' }
          })
          expect(checked).toBe(0)
          expect(findings).toHaveLength(1)
          expect(findings[0]!.severity).toBe('notice')
          for (const [, name] of calls) expect(findings[0]!.message).toContain(name)
        }
      )
    )
  })
})

describe('a KV key the plan deletes', () => {
  const KEYS = fc.constantFrom('k', 'j')
  const planDeleting = (deleted: readonly [string, string][], flowsDeleted: string[] = []) =>
    ({
      resources: [
        ...deleted.map(([namespace, id]) => ({ kind: 'kv', namespace, id, action: 'delete' })),
        ...flowsDeleted.map((namespace) => ({ kind: 'flow', namespace, id: 'f', action: 'delete' }))
      ]
    }) as unknown as Plan
  const listed = (held: readonly [string, string][]) => ({
    ok: true as const,
    value: {
      kv: {
        listed: true as const,
        value: Object.fromEntries(
          [...new Set(held.map(([ns]) => ns))].map((ns) => [
            ns,
            held.filter(([n]) => n === ns).map(([, key]) => key)
          ])
        )
      }
    }
  })
  const definedBy = (keys: readonly [string, string][]) => ({
    has: (kind: string, namespace: string, name: string) =>
      kind === 'kv' && keys.some(([n, k]) => n === namespace && k === name)
  })

  // Held keys mostly in the flow's own namespace and its parents, where a lookup meets them.
  const NEAR = NAMESPACE.chain((flowNs) => {
    const scope = fc.oneof(fc.constantFrom(...kvLookupScopes(ref('kv', 'k', flowNs))), NAMESPACE)
    const held = fc.uniqueArray(fc.tuple(scope, KEYS), {
      selector: ([n, k]) => `${n}/${k}`,
      maxLength: 6
    })
    return fc.tuple(fc.constant(flowNs), held, held)
  })

  it('is an error on each kv() that then finds it in no namespace Kestra looks in, and only there', () => {
    fc.assert(
      fc.property(
        NEAR,
        fc.option(NAMESPACE, { nil: undefined }),
        KEYS,
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        ([flowNs, server, repository], explicit, key, deleting) => {
          const deleted = server.filter(
            ([n, k], i) => deleting[i] && !repository.some(([rn, rk]) => rn === n && rk === k)
          )
          const gone = new Set(deleted.map(([n, k]) => `${n}/${k}`))
          const scopes = kvLookupScopes(ref('kv', key, flowNs, explicit))
          const after = [...server.filter(([n, k]) => !gone.has(`${n}/${k}`)), ...repository]
          const broken =
            scopes.some((ns) => gone.has(`${ns}/${key}`)) &&
            !scopes.some((ns) => after.some(([n, k]) => n === ns && k === key))
          const findings = deletedKeysInUse(
            [ref('kv', key, flowNs, explicit)],
            planDeleting(deleted),
            listed(server),
            definedBy(repository)
          )
          expect(findings.length).toBe(broken ? 1 : 0)
          if (broken) {
            expect(findings[0]).toMatchObject({
              severity: 'error',
              rule: 'deletes-resource-in-use',
              line: 3
            })
            expect(findings[0]!.message).toContain(`kv('${key}')`)
          }
        }
      ),
      { numRuns: 500 }
    )
  })

  it('is a warning where the server could not list whether a parent holds it, an error with an explicit namespace', () => {
    const unlisted = { ok: true as const, value: { kv: { listed: false as const, reason: '403' } } }
    const plan = planDeleting([['a.b', 'k']])
    expect(deletedKeysInUse([ref('kv', 'k', 'a.b')], plan, unlisted)).toMatchObject([
      {
        severity: 'warning',
        rule: 'deletes-resource-in-use',
        message: expect.stringContaining('unless a parent namespace holds the key')
      }
    ])
    expect(deletedKeysInUse([ref('kv', 'k', 'x', 'a.b')], plan, unlisted)).toMatchObject([
      { severity: 'error' }
    ])
    expect(deletedKeysInUse([ref('kv', 'k', 'a.b')], plan, undefined)).toMatchObject([
      { severity: 'warning' }
    ])
  })

  it('is a warning where Kestra gives null for a missing key (before 0.22); nothing for a flow the plan deletes, or a secret', () => {
    const plan = planDeleting([['a.b', 'k']], ['a.b'])
    const ownOnly = {
      ok: true as const,
      value: { kv: { listed: true as const, value: {} }, kvOwnNamespaceOnly: true as const }
    }
    expect(deletedKeysInUse([ref('kv', 'k', 'x', 'a.b')], plan, ownOnly)).toMatchObject([
      { severity: 'warning', message: expect.stringContaining('would give the task null') }
    ])
    expect(deletedKeysInUse([ref('kv', 'k', 'a.b')], plan, listed([]))).toEqual([])
    expect(deletedKeysInUse([ref('secret', 'k', 'x', 'a.b')], plan, listed([]))).toEqual([])
  })
})
