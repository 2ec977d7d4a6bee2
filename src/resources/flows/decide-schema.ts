import { isMap, type Document, type LineCounter } from 'yaml'
import type { Finding } from '../../model/finding.js'
import { locateKestraPath } from '../../engine/validate/kestra-path.js'
import { entryOf, isRecord } from '../../model/content.js'
import { withFlowDefaults } from './decide-plugin-defaults.js'
import {
  bundledValidators,
  releaseKey,
  SCHEMA_RELEASES,
  validatorOf,
  type Release,
  type SchemaRelease
} from './decide-schema-releases.js'
import {
  ALWAYS_GETTERS,
  escapePointer,
  problems,
  REFUSES,
  shortType,
  unescapePointer,
  valueAt,
  type Problem,
  type Verdict
} from './decide-schema-problems.js'
import { coreFlowType, uncheckedAt } from './decide-task-tree.js'

/**
 * A flow checked against the JSON schema that a Kestra release generates for it with every core plugin
 * (docs/validation-rules.md#the-schema-of-each-release), read as that release reads a flow: unknown properties
 * refused, any string taken where a property is dynamic (Pebble), patterns matching the whole value, Jackson's
 * scalar coercion, `null` as absent, and the definition of a task, trigger, condition or input picked by its
 * `type` (a type outside the core is left alone). Ajv compiled each definition when the bundle was made
 * (scripts/flow-validators.ts, into generated/flow-validators/, a module each): a run loads the modules of the
 * definitions its flows use (`loadFlowValidators`) and makes their validators.
 */

/** One problem the schema of one or more releases finds. */
interface SchemaFinding {
  finding: Omit<Finding, 'severity'>
  pointer: string
  /** Each line (`1.3`, `2.0`) that judges it: it refuses it, or what decides. A line absent accepts it. */
  verdicts: Map<string, Verdict>
}

function flowValue(doc: Document): unknown {
  try {
    return boundValue(doc.toJS({ maxAliasCount: 100 }))
  } catch {
    return undefined
  }
}

/** The document's value as Kestra binds it: a key whose value is `null` is as absent. */
function boundValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(boundValue)
  if (value === null || typeof value !== 'object' || value instanceof Date) return value
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, sub]) => sub !== null)
      .map(([key, sub]) => [key, boundValue(sub)])
  )
}

/**
 * Each document's problems by release (`releaseKey`), judged once: a flow's check and its upgrade readiness
 * (`refusedBy`) both ask the releases up to the target's, and a document is never changed once parsed.
 */
const judgedOf = new WeakMap<Document, Map<string, Judged[]>>()

/**
 * What the schemas of the bundled releases (`only`, else every one) find in one flow document, each release
 * reading it as it reads a flow (docs/validation-rules.md#the-schema-of-each-release): 1.x with the flow's own
 * plugin defaults applied first. Each problem once, with each release's judgement of it.
 */
export function flowSchemaFindings(
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  only?: readonly SchemaRelease[]
): SchemaFinding[] {
  if (!isMap(doc.contents)) return []
  const judged = new Map<SchemaRelease, Judged[]>()
  let byRelease = judgedOf.get(doc)
  if (!byRelease) judgedOf.set(doc, (byRelease = new Map()))
  for (const release of only ?? SCHEMA_RELEASES) {
    let problems = byRelease.get(releaseKey(release))
    if (!problems) {
      // Ajv's coercion changes the data it validates: each release validates a value of its own.
      const data = flowValue(doc)
      if (data === undefined) return [] // an alias that does not resolve: the YAML rules say so
      byRelease.set(releaseKey(release), (problems = judge(release, data)))
    }
    judged.set(release, problems)
  }
  const byKey = new Map<string, SchemaFinding>()
  for (const [release, problems] of judged) {
    for (const problem of problems) {
      const seen = byKey.get(problem.key)
      if (seen) {
        seen.verdicts.set(release.line, problem.verdict)
        continue
      }
      const finding: Omit<Finding, 'severity'> = {
        file,
        ...(locateKestraPath(doc, lineCounter, problem.pointer) ?? { line: 1, column: 1 }),
        rule: 'core-schema',
        message: problem.message,
        ...(problem.fix && { fix: problem.fix })
      }
      byKey.set(problem.key, {
        finding,
        pointer: problem.pointer,
        verdicts: new Map([[release.line, problem.verdict]])
      })
    }
  }
  // A release that refuses an object the problem lies in (an unknown property, a type it does not have) refuses
  // the flow there too: core 2.0.0 has no `listeners`, so a listener's missing tasks are refused on both lines.
  for (const found of byKey.values()) {
    for (const [release, problems] of judged) {
      if (found.verdicts.has(release.line)) continue
      const covering = problems.find(
        (problem) =>
          problem.verdict === REFUSES &&
          problem.refusedObject !== undefined &&
          (found.pointer === problem.refusedObject ||
            found.pointer.startsWith(`${problem.refusedObject}/`))
      )
      if (covering) found.verdicts.set(release.line, REFUSES)
    }
  }
  return [...byKey.values()]
}

/** A release's problems with a flow, each with the release's judgement of it. */
interface Judged extends Problem {
  verdict: Verdict
  /** Where the problem makes the release refuse a whole object: an unknown property, a type it does not have. */
  refusedObject?: string
}

/** The keywords of bean validation (`@NotNull`, `@Pattern`, `@Size`…), which Kestra runs after Jackson has read the flow. */
const BEAN_VALIDATION = new Set([
  'required',
  'pattern',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minProperties',
  'maxProperties'
])

/** One release's problems with a flow's value, read as the release reads it. */
function judge(release: SchemaRelease, data: unknown): Judged[] {
  const meta = bundledValidators(release.version)
  const plugged = meta.properties[meta.root]?.includes('pluginDefaults') === true
  const applied = plugged
    ? withFlowDefaults(data, (type) => entryOf(meta.classes, type))
    : { data, added: new Set<string>() }
  const validate = validatorOf(release.version)
  const found = validate(applied.data) ? [] : problems(validate.errors ?? [], applied.data, release)
  const judged = found.flatMap((problem): Judged[] => {
    // Kestra reads the flow with its defaults leniently ("to ignore unknown properties that might be injecting
    // through default values": FlowService.validate, 1.3.31): a property only a default adds is not refused.
    if (problem.keyword === 'additionalProperties' && applied.added.has(problem.pointer)) return []
    const pointer = originalPointer(problem.pointer, applied.added)
    const fromDefaults = pointer !== problem.pointer
    return [
      {
        ...problem,
        pointer,
        message: fromDefaults
          ? `${problem.message} (as the flow's plugin defaults set it)`
          : problem.message,
        verdict: verdictOf(problem, release, applied.data, plugged)
      }
    ]
  })
  return plugged ? [...judged, ...pluginDefaultProblems(data, meta)] : judged
}

/** The deepest pointer of the flow as written on the way to `pointer`: a default's addition is located at what it was added to. */
function originalPointer(pointer: string, added: ReadonlySet<string>): string {
  const segments = pointer.split('/')
  for (let end = 1; end < segments.length; end++) {
    const prefix = segments.slice(0, end + 1).join('/')
    if (added.has(prefix)) return segments.slice(0, end).join('/')
  }
  return pointer
}

/**
 * How a release judges one of its schema's problems. It may still accept the flow where the schema cannot tell:
 * a required property of a plugin that a plugin default of the server may set (1.x injects instance and namespace
 * defaults before it validates a task; 2.0 has no plugin defaults), a task it does not check when it loads the
 * flow (`uncheckedAt`), and what a server newer than the bundled schema may have added.
 */
function verdictOf(
  problem: Problem,
  release: SchemaRelease,
  data: unknown,
  plugged: boolean
): Verdict {
  const { keyword, at } = problem
  if (BEAN_VALIDATION.has(keyword)) {
    const unchecked = uncheckedAt(taskPath(data, at))
    if (unchecked === 'switch-case' || (unchecked === 'dag-task' && plugged)) return unchecked
  }
  if (keyword === 'required' && plugged && insidePlugin(data, at)) return 'server-default'
  if (
    release.newer !== undefined &&
    (keyword === 'additionalProperties' || keyword === 'type-unknown' || keyword === 'enum')
  ) {
    return 'newer-server'
  }
  return REFUSES
}

/** Whether the value at `pointer` is a plugin (a mapping with a dotted `type`) or inside one. */
function insidePlugin(data: unknown, pointer: string): boolean {
  const segments = pointer.split('/').slice(1)
  for (let end = segments.length; end >= 0; end--) {
    const value = valueAt(data, segments.slice(0, end))
    if (isRecord(value) && typeof value.type === 'string' && value.type.includes('.')) return true
  }
  return false
}

/** The task path (`tasks[0].cases.a[0]`, as `TaskNode.path`) of a pointer's segments, far enough for `uncheckedAt`. */
function taskPath(data: unknown, pointer: string): string {
  const segments = pointer.split('/').slice(1).map(unescapePointer)
  let path = ''
  for (const [index, segment] of segments.entries()) {
    const owner = valueAt(data, segments.slice(0, index))
    const kind = isRecord(owner)
      ? coreFlowType(typeof owner.type === 'string' ? owner.type : undefined)
      : undefined
    if (segment === 'cases' && kind === 'Switch') path += '.cases.'
    else if (
      segment === 'task' &&
      /^\d+$/.test(segments[index - 1] ?? '') &&
      segments[index - 2] === 'tasks'
    ) {
      const dag = valueAt(data, segments.slice(0, index - 2))
      if (
        isRecord(dag) &&
        coreFlowType(typeof dag.type === 'string' ? dag.type : undefined) === 'Dag'
      ) {
        path += '].task.'
      }
    }
  }
  return path
}

/**
 * `PluginDefaultValidator` (1.3.31) on the flow's `pluginDefaults` and `taskDefaults`: a default of a class the
 * release has may only set properties the class has (its getters, named case-insensitively): "Invalid Plugin
 * Default: No property 'x' exists in plugin 'io.kestra.plugin.core.log.Log'".
 */
function pluginDefaultProblems(data: unknown, meta: Release): Judged[] {
  if (!isRecord(data)) return []
  return ['pluginDefaults', 'taskDefaults'].flatMap((key) => {
    const list = data[key]
    if (!Array.isArray(list)) return []
    return list.flatMap((item, index): Judged[] => {
      if (!isRecord(item) || typeof item.type !== 'string' || !isRecord(item.values)) return []
      const named = entryOf(meta.classes, item.type)
      const known = named === undefined ? undefined : entryOf(meta.properties, named)
      if (!known) return []
      const lower = new Set([...known, ...ALWAYS_GETTERS].map((name) => name.toLowerCase()))
      return Object.keys(item.values)
        .filter((name) => !lower.has(name.toLowerCase()))
        .map((name) => {
          const pointer = `/${key}/${index}/values/${escapePointer(name)}`
          return {
            keyword: 'plugin-default-property',
            at: `/${key}/${index}/values`,
            pointer,
            key: `${pointer}\u0000plugin-default-property`,
            message: `${key}[${index}] sets \`${name}\`, which \`${shortType(named!)}\` does not have: Kestra refuses the default ("Invalid Plugin Default: No property '${name}' exists in plugin '${item.type as string}'"). Remove it, or fix its name`,
            verdict: REFUSES
          }
        })
    })
  })
}

/**
 * What the bundled schema of `line` (`2.0`) refuses in a flow document, in that release's words, each said
 * `older` when an older bundled release's refuses it too: the others are what upgrading to that line breaks
 * (docs/upgrade.md#what-counts-as-refused).
 */
export function refusedBy(
  line: string,
  file: string,
  doc: Document,
  lineCounter: LineCounter
): { finding: Omit<Finding, 'severity'>; older: boolean }[] {
  const index = SCHEMA_RELEASES.findIndex((release) => release.line === line)
  if (index < 0) return []
  const judges = SCHEMA_RELEASES.slice(0, index + 1)
  return flowSchemaFindings(file, doc, lineCounter, judges).flatMap(({ finding, verdicts }) =>
    verdicts.get(line) === REFUSES
      ? [
          {
            finding,
            older: judges.some(
              (release) => release.line !== line && verdicts.get(release.line) === REFUSES
            )
          }
        ]
      : []
  )
}
