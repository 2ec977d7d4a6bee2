import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import type { DecideKind, KindPlanOptions } from '../../engine/decide-kind.js'
import {
  actionOf,
  applyDiff,
  indexByFile,
  isDrifted,
  manages,
  touched
} from '../../engine/plan/build.js'
import { diffTexts } from '../../engine/plan/diff.js'
import { sha256Hex } from '../../model/content.js'
import type { Finding, Severity } from '../../model/finding.js'
import {
  heldNamespaceIsManaged,
  isKestraNamespace,
  SYSTEM_NAMESPACE
} from '../../model/namespaces.js'
import type { DefinedNames } from '../../model/names.js'
import type { ChangeBase, Plan, PlanAction } from '../../model/plan.js'
import { repositoryPath } from '../../model/repository-paths.js'

/** A Kestra test suite, by namespace and id (docs/tests.md). */
interface TestChange extends ChangeBase {
  kind: 'test'
  id: string
  /** The YAML sent (create/update/unchanged): the repository file's, its namespace under the run's prefix. */
  desired?: string
  /** The source the server keeps (update/delete/orphaned/unchanged); an object, as every kind's `current` is. */
  current?: { source: string }
}

declare module '../../model/plan.js' {
  interface ResourceChanges {
    test: TestChange
  }
}

/** `tests/**.yml` */
interface HeldTestFile {
  /** Workspace-relative path. */
  file: string
  text: string
}

export interface HeldTests {
  files: HeldTestFile[]
  /** YAML files under `tests/` not shaped like a test suite: skipped, with one notice. */
  skipped?: string[]
  base?: HeldTestFile[]
  /** The run's namespace prefix (a preview, a prefixed environment): suites are sent under it. */
  prefix?: string
  /** The `namespaces` input: `system` is managed only when it lists it. */
  extraNamespaces: readonly string[]
  /** id → source, by namespace as sent; undefined when not read or the server holds none. */
  server?: Map<string, Map<string, string>>
  /** The server's edition when it is not Enterprise: test suites are then checked, never deployed. */
  edition?: string
  /**
   * The flows the suites test that the server holds, `namespace/flowId` as sent; undefined when the server was
   * not asked (no server, or not Enterprise).
   */
  testedOnServer?: ReadonlySet<string>
}

type Suite = HeldTestFile & { namespace: string; id: string; flowId: string; flowIdLine: number }

/** `TestSuite`'s constraints on both lines (EE OpenAPI 1.3.0 and 2.0.0, docs/tests.md#checks). */
const ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/
const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/
const FLOW_ID_MAX = 100

/** A suite file's YAML and the fields Kestra requires, on their lines; the suite when it has none. */
function readSuite(file: HeldTestFile): { suite?: Suite; problems: [number, string][] } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(file.text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  const lineOf = (node: unknown) => {
    const range = (node as Node | null | undefined)?.range
    return range ? lineCounter.linePos(range[0]).line : 1
  }
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => [
        lineCounter.linePos(e.pos[0]).line,
        `not a test suite: ${e.message.split('\n')[0]}`
      ])
    }
  }
  if (!isMap(doc.contents)) {
    return { problems: [[1, 'a test suite is a mapping: id, namespace, flowId, testCases']] }
  }
  const root = doc.contents
  const problems: [number, string][] = []
  const text = (key: string, valid: (value: string) => boolean, rule: string) => {
    const value: unknown = root.get(key)
    const line = lineOf(root.get(key, true) ?? root)
    if (typeof value !== 'string' || value === '') problems.push([line, `${key} is required`])
    else if (!valid(value)) problems.push([line, `${key} ${rule}`])
    return typeof value === 'string' ? value : ''
  }
  const id = text(
    'id',
    (value) => ID.test(value),
    "starts with a letter or digit, then letters, digits, '_' or '-'"
  )
  const namespace = text(
    'namespace',
    isKestraNamespace,
    "is in lowercase letters, digits, '.', '_' or '-', at most 150 characters"
  )
  const flowId = text(
    'flowId',
    (value) => FLOW_ID.test(value) && value.length <= FLOW_ID_MAX,
    `names a flow: at most ${FLOW_ID_MAX} letters, digits, '.', '_' or '-'`
  )
  const flowIdLine = lineOf(root.get('flowId', true) ?? root)
  const cases = root.get('testCases', true)
  if (!isSeq(cases) || cases.items.length === 0) {
    problems.push([lineOf(cases ?? root), 'testCases lists at least one test case'])
  } else {
    for (const item of cases.items) {
      const missing = ['id', 'type', 'assertions'].filter((key) => !isMap(item) || !item.has(key))
      if (missing.length > 0) {
        problems.push([lineOf(item), `a test case needs ${missing.join(', ')}`])
      }
    }
  }
  return problems.length > 0
    ? { problems }
    : { suite: { file: file.file, namespace, id, flowId, flowIdLine, text: file.text }, problems }
}

/**
 * A suite whose flow is neither in the repository nor on the server, in the suite's namespace as sent: Kestra
 * refuses to save it (`TestSuiteValidator`, core 1.3.31 and 2.0.0: "Flow with id: '…' does not exist on
 * Namespace: '…'."), an error when the server was asked, else a warning (docs/tests.md#checks).
 */
function missingFlow(suite: Suite, held: HeldTests, defined: DefinedNames): Finding[] {
  const namespace = held.prefix ? `${held.prefix}.${suite.namespace}` : suite.namespace
  if (defined.has('flow', namespace, suite.flowId)) return []
  const asked = held.testedOnServer
  if (asked?.has(`${namespace}/${suite.flowId}`)) return []
  const where = asked
    ? 'in the repository nor on the server'
    : 'in the repository (the server was not asked)'
  return [
    {
      severity: asked ? 'error' : 'warning',
      file: suite.file,
      line: suite.flowIdLine,
      rule: 'test-flow',
      resource: `test:${namespace}/${suite.id}`,
      message: `flowId ${suite.flowId}: no flow ${namespace}.${suite.flowId} ${where}, and Kestra refuses a test suite whose flow does not exist in its namespace. Add the flow, or fix flowId or namespace`
    }
  ]
}

/**
 * A repository suite whose flow the plan deletes (an error, rule `deletes-resource-in-use`) or orphans (a warning,
 * `calls-removed-flow`): Kestra refuses to save a suite whose flow does not exist (`TestSuiteValidator`, core
 * 1.3.31 and 2.0.0), so the suite would be left testing nothing (docs/tests.md#checks). Only where the server was
 * asked for the suites' flows: elsewhere `missingFlow` already warns.
 */
function suitesOfGoneFlows(held: HeldTests, plan: Pick<Plan, 'resources'>): Finding[] {
  if (held.testedOnServer === undefined) return []
  const gone = new Map<string, PlanAction>()
  for (const r of plan.resources) {
    if (r.kind === 'flow' && (r.action === 'delete' || r.action === 'orphaned')) {
      gone.set(`${r.namespace}/${r.id}`, r.action)
    }
  }
  if (gone.size === 0) return []
  return [...suitesOf(held.files, held).values()].flatMap((suite): Finding[] => {
    const namespace = held.prefix ? `${held.prefix}.${suite.namespace}` : suite.namespace
    const action = gone.get(`${namespace}/${suite.flowId}`)
    if (action === undefined) return []
    const flow = `${namespace}.${suite.flowId}`
    const site = {
      file: suite.file,
      line: suite.flowIdLine,
      resource: `test:${namespace}/${suite.id}`
    }
    return [
      action === 'delete'
        ? {
            severity: 'error',
            ...site,
            rule: 'deletes-resource-in-use',
            message: `Test suite ${namespace}.${suite.id} tests flow ${flow}, which this deploy deletes (delete: true), so the suite would test a flow that is gone (Kestra refuses to save a suite whose flow does not exist). Keep ${flow} in the repository, or remove this suite first`
          }
        : {
            severity: 'warning',
            ...site,
            rule: 'calls-removed-flow',
            message: `Test suite ${namespace}.${suite.id} tests flow ${flow}, which the repository no longer holds: the server keeps it only because delete is false, and the next deploy with delete: true removes it. Remove the suite, or keep ${flow} in the repository`
          }
    ]
  })
}

/** Every test suite file's findings (docs/tests.md#checks). */
function testFindings(held: HeldTests, defined: DefinedNames): Finding[] {
  const seen = new Map<string, string>()
  const findings = held.files.flatMap((file): Finding[] => {
    const finding = (
      line: number,
      rule: string,
      message: string,
      severity: Severity = 'error'
    ) => ({
      severity,
      file: file.file,
      line,
      rule,
      message
    })
    const { suite, problems } = readSuite(file)
    if (!suite) return problems.map(([line, message]) => finding(line, 'test-suite', message))
    const key = `${suite.namespace}.${suite.id}`
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      return [
        finding(1, 'test-duplicate', `test suite ${key} is already in ${earlier}: keep one file`)
      ]
    }
    seen.set(key, file.file)
    if (!heldNamespaceIsManaged(suite.namespace, held.extraNamespaces)) {
      return [
        finding(
          1,
          'test-namespace',
          `not deployed: namespace ${SYSTEM_NAMESPACE} is managed only when the namespaces input lists it`,
          'warning'
        )
      ]
    }
    return missingFlow(suite, held, defined)
  })
  const skipped = held.skipped ?? []
  if (skipped.length > 0) {
    const named =
      skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? ` and ${skipped.length - 5} more` : '')
    findings.push({
      severity: 'notice',
      file: skipped[0]!,
      line: 1,
      rule: 'not-a-test-suite',
      message: `${skipped.length} YAML file(s) under tests/ are not Kestra test suites (a suite has flowId and testCases, and no top-level type) and were skipped: ${named}`
    })
  }
  if (held.edition !== undefined && held.files.length > 0) {
    findings.push({
      severity: 'warning',
      file: held.files[0]!.file,
      line: 1,
      rule: 'test-edition',
      message: `test suites are a Kestra Enterprise Edition feature and the server is ${held.edition}: the ${held.files.length} test suite file(s) are checked, never deployed`
    })
  }
  return findings
}

/** The valid suites of managed namespaces, by `namespace.id`, the first file of each kept. */
function suitesOf(files: readonly HeldTestFile[], held: HeldTests): Map<string, Suite> {
  const suites = files.flatMap((file) => readSuite(file).suite ?? [])
  const managed = suites.filter((s) => heldNamespaceIsManaged(s.namespace, held.extraNamespaces))
  return indexByFile(managed, (suite) => `${suite.namespace}.${suite.id}`)
}

function sentText(suite: Suite, prefix: string | undefined): string {
  if (!prefix) return suite.text
  const doc = parseDocument(suite.text)
  doc.set('namespace', `${prefix}.${suite.namespace}`)
  return doc.toString({ lineWidth: 0 })
}

/** The test suites' changes (docs/tests.md#plan). */
function planTests(held: HeldTests, options: KindPlanOptions): TestChange[] {
  const server = held.server
  if (!server) return []
  const sent = (namespace: string) => (held.prefix ? `${held.prefix}.${namespace}` : namespace)
  const now = suitesOf(held.files, held)
  const then = suitesOf(held.base ?? [], held)
  const named = new Set([...now.values()].map((s) => s.namespace))
  const changes: TestChange[] = []
  const consider = (namespace: string, id: string) => {
    const key = `${namespace}.${id}`
    const suite = now.get(key)
    const base = then.get(key)
    const current = server.get(sent(namespace))?.get(id)
    if (!touched(options, suite?.file, base?.file)) return
    if (!suite && !named.has(namespace) && !manages(options, sent(namespace))) return
    const desired = suite && sentText(suite, held.prefix)
    if (desired === undefined && current === undefined) return
    const action: PlanAction =
      current === undefined
        ? 'create'
        : actionOf(options, desired !== undefined, desired === current)
    const change: TestChange = {
      kind: 'test',
      namespace: sent(namespace),
      id,
      action,
      drifted: isDrifted(
        action,
        held.base !== undefined,
        base && sentText(base, held.prefix) !== current
      ),
      ...((suite ?? base) && { file: (suite ?? base)!.file }),
      ...(desired !== undefined && { desired }),
      ...(current !== undefined && { current: { source: current } })
    }
    if (action !== 'unchanged') {
      const name = `tests/${sent(namespace)}/${id}.yml`
      const after = action === 'delete' || action === 'orphaned' ? undefined : desired
      applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, current, after, options.limits))
    }
    changes.push(change)
  }
  const keys = new Set([...now.keys(), ...then.keys()])
  for (const namespace of named) {
    for (const id of server.get(sent(namespace))?.keys() ?? []) keys.add(`${namespace}.${id}`)
  }
  const split = (key: string): [string, string] => {
    const at = key.lastIndexOf('.')
    return [key.slice(0, at), key.slice(at + 1)]
  }
  for (const key of [...keys].sort()) consider(...split(key))
  return changes
}

/** Test suites in a plan (docs/tests.md). */
export const testsDecide: DecideKind<TestChange, HeldTests> = {
  name: 'test',
  order: 4,
  label: 'Test suites',
  idOf: (change) => change.id,
  planFileIdentity: (change) => ({ id: change.id }),
  fingerprintOf: (r) => [
    'test',
    r.namespace,
    r.id,
    r.action,
    r.desired === undefined ? null : sha256Hex(r.desired),
    r.current === undefined ? null : sha256Hex(r.current.source)
  ],
  validate: testFindings,
  reviewPlan: suitesOfGoneFlows,
  plan: (held, options) => (held ? planTests(held, options) : []),
  serverContent: (change) => change.current?.source,
  newPath: (change, shape) => ({
    path: repositoryPath(shape.rootRel, 'tests', change.namespace, `${change.id}.yml`)
  })
}
