/**
 * The test suites kind's checks and plan (docs/tests.md#checks, docs/tests.md#plan) over their whole input
 * space: every suite of the repository and of the server gets exactly the action its sources call for, an
 * orphan is deleted only with `delete`, a prefix sends every suite under it, and a suite file missing any
 * field Kestra requires is an error on that field's line while a complete one has none.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_DIFF_LIMITS } from '../../../src/engine/plan/diff.js'
import { testsDecide, type HeldTests } from '../../../src/resources/test-suites/decide.js'
import { runs } from '../../../test-support/property-runs.js'

const RUNS = { numRuns: runs(200, 50) }
const NAMESPACES = ['company.team', 'company.ops']
const IDS = ['a', 'b', 'c', 'd_1']

function suite(namespace: string, id: string, expected: string): string {
  return `id: ${id}
namespace: ${namespace}
flowId: hello
testCases:
  - id: t
    type: io.kestra.core.tests.flow.UnitTest
    assertions:
      - value: x
        equalTo: ${JSON.stringify(expected)}
`
}

/** One suite in the repository, at the base commit and on the server: each absent or one of two versions. */
const WORLD = fc.array(
  fc.record({
    namespace: fc.constantFrom(...NAMESPACES),
    id: fc.constantFrom(...IDS),
    now: fc.constantFrom(undefined, 'v1', 'v2'),
    base: fc.constantFrom(undefined, 'v1', 'v2'),
    server: fc.constantFrom(undefined, 'v1', 'v2')
  }),
  { maxLength: 8 }
)

function build(
  world: {
    namespace: string
    id: string
    now?: string
    base?: string
    server?: string
  }[],
  prefix?: string
): { held: HeldTests; suites: Map<string, (typeof world)[number]> } {
  // The first draw of a suite is the one that counts.
  const suites = new Map<string, (typeof world)[number]>()
  for (const s of world)
    if (!suites.has(`${s.namespace}.${s.id}`)) suites.set(`${s.namespace}.${s.id}`, s)
  const sent = (ns: string) => (prefix ? `${prefix}.${ns}` : ns)
  const file = (s: (typeof world)[number], version: string) => ({
    file: `tests/${s.namespace}/${s.id}.yml`,
    text: suite(s.namespace, s.id, version)
  })
  const server = new Map<string, Map<string, string>>()
  for (const s of suites.values()) {
    if (!server.has(sent(s.namespace))) server.set(sent(s.namespace), new Map())
    if (s.server) {
      server.get(sent(s.namespace))!.set(s.id, suite(sent(s.namespace), s.id, s.server))
    }
  }
  const held: HeldTests = {
    files: [...suites.values()].filter((s) => s.now).map((s) => file(s, s.now!)),
    base: [...suites.values()].filter((s) => s.base).map((s) => file(s, s.base!)),
    extraNamespaces: [],
    server,
    ...(prefix && { prefix })
  }
  return { held, suites }
}

describe('test suites planned', () => {
  it('gives each suite the action its sources call for, and an orphan is deleted only with delete', () => {
    fc.assert(
      fc.property(
        WORLD,
        fc.boolean(),
        fc.constantFrom(undefined, 'pr-7'),
        (world, deleteEnabled, prefix) => {
          const { held, suites } = build(world, prefix)
          const changes = testsDecide.plan!(held, {
            deleteEnabled,
            scope: 'all',
            changedFiles: undefined,
            limits: DEFAULT_DIFF_LIMITS
          })
          const named = new Set([...suites.values()].filter((s) => s.now).map((s) => s.namespace))
          const expected = new Map<string, string>()
          for (const [key, s] of suites) {
            const orphan = s.server && !s.now && (s.base || named.has(s.namespace))
            const action = !s.server
              ? s.now && 'create'
              : s.now
                ? s.now === s.server
                  ? 'unchanged'
                  : 'update'
                : orphan
                  ? deleteEnabled
                    ? 'delete'
                    : 'orphaned'
                  : undefined
            if (action) expected.set(prefix ? `${prefix}.${key}` : key, action)
          }
          const actual = new Map(changes.map((c) => [`${c.namespace}.${c.id}`, c.action]))
          expect(actual).toEqual(expected)
          for (const change of changes) {
            if (change.action === 'create' || change.action === 'update') {
              expect(change.desired).toContain(`namespace: ${change.namespace}\n`)
              expect(change.diff).toBeDefined()
            }
          }
        }
      ),
      RUNS
    )
  })
})

describe('test suite files checked', () => {
  /** Each field Kestra requires, valid and not, as the lines of a file. */
  const FIELDS: Record<string, [valid: string, invalid: string]> = {
    id: ['id: a', 'id: "bad id"'],
    namespace: ['namespace: company.team', 'namespace: Company'],
    flowId: ['flowId: hello', "flowId: ''"],
    testCases: [
      'testCases:\n  - id: t\n    type: io.kestra.core.tests.flow.UnitTest\n    assertions: []',
      'testCases: []'
    ]
  }

  /** The flow the suites test, as the repository defines it. */
  const HELLO = 'flow company.team.hello'

  it('a complete suite has no finding; each field Kestra refuses is an error on its own line, in any order', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(Object.keys(FIELDS), { minLength: 4, maxLength: 4 }),
        fc.subarray(Object.keys(FIELDS)),
        (order, refused) => {
          const text = `${order.map((f) => FIELDS[f]![refused.includes(f) ? 1 : 0]).join('\n')}\n`
          const lines = text.split('\n')
          const findings = testsDecide.validate!(
            { files: [{ file: 'tests/a.yml', text }], extraNamespaces: [] },
            { has: (kind, namespace, name) => `${kind} ${namespace}.${name}` === HELLO }
          )
          const expected = refused
            .map((f) => `${lines.findIndex((l) => l.startsWith(`${f}:`)) + 1} ${f}`)
            .sort()
          expect(findings.map((f) => `${f.line} ${f.message.split(' ')[0]}`).sort()).toEqual(
            expected
          )
          expect(findings.every((f) => f.severity === 'error' && f.rule === 'test-suite')).toBe(
            true
          )
        }
      ),
      RUNS
    )
  })
})

describe('the flow a kept suite tests, once the plan is known', () => {
  const FLOW_IDS = ['hello', 'other']
  const ACTIONS = ['create', 'update', 'unchanged', 'delete', 'orphaned'] as const

  it('a repository suite gets an error where the plan deletes its flow, a warning where it orphans it, else nothing', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            namespace: fc.constantFrom(...NAMESPACES),
            id: fc.constantFrom(...IDS),
            flowId: fc.constantFrom(...FLOW_IDS)
          }),
          { selector: (s) => `${s.namespace}.${s.id}`, maxLength: 6 }
        ),
        fc.array(
          fc.record({
            namespace: fc.constantFrom(...NAMESPACES),
            id: fc.constantFrom(...FLOW_IDS),
            action: fc.constantFrom(...ACTIONS)
          }),
          { maxLength: 6 }
        ),
        fc.constantFrom(undefined, 'pr-3'),
        fc.boolean(),
        (suites, flows, prefix, asked) => {
          const held: HeldTests = {
            files: suites.map((s) => ({
              file: `tests/${s.namespace}/${s.id}.yml`,
              text: suite(s.namespace, s.id, 'v1').replace('flowId: hello', `flowId: ${s.flowId}`)
            })),
            extraNamespaces: [],
            ...(prefix && { prefix }),
            ...(asked && { testedOnServer: new Set<string>() })
          }
          const sent = (ns: string) => (prefix ? `${prefix}.${ns}` : ns)
          // One change a flow, the first drawn, as a plan holds it.
          const byFlow = new Map<string, (typeof flows)[number]>()
          for (const f of flows) {
            const key = `${sent(f.namespace)}/${f.id}`
            if (!byFlow.has(key)) byFlow.set(key, f)
          }
          const resources = [...byFlow.values()].map((f) => ({
            kind: 'flow' as const,
            namespace: sent(f.namespace),
            id: f.id,
            action: f.action
          }))
          const findings = testsDecide.reviewPlan!(held, { resources } as never)
          const expected = asked
            ? suites.flatMap((s) => {
                const action = byFlow.get(`${sent(s.namespace)}/${s.flowId}`)?.action
                const file = `tests/${s.namespace}/${s.id}.yml`
                if (action === 'delete') return [`error deletes-resource-in-use ${file}:3`]
                if (action === 'orphaned') return [`warning calls-removed-flow ${file}:3`]
                return []
              })
            : []
          expect(findings.map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}`).sort()).toEqual(
            expected.sort()
          )
        }
      ),
      RUNS
    )
  })
})
