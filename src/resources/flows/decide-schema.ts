import type { ErrorObject } from 'ajv'
import ucs2length from 'ajv/dist/runtime/ucs2length.js'
import equal from 'ajv/dist/runtime/equal.js'
import { isAlias, isMap, isScalar, visit, type Document, type LineCounter } from 'yaml'
import type { Finding } from '../../model/finding.js'
import { atLeast, parseVersion, type KestraVersion } from '../../model/version.js'
import { locateKestraPath } from '../../engine/validate/kestra-path.js'
import {
  FLOW_VALIDATORS,
  type MakeValidator,
  type Validate,
  type ValidatorFacts
} from '../../../generated/flow-validators/index.js'
import { entryOf, isRecord } from '../../model/content.js'
import { editDistance } from '../../model/nearest.js'
import { withFlowDefaults } from './decide-plugin-defaults.js'
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

/** A release whose schema is bundled, as its line (`1.3`, `2.0`) names it to the user. */
export interface SchemaRelease {
  line: string
  version: string
  /**
   * The version of a server newer than `version` that this schema judges (a later patch or minor of its line, a
   * later major): what the schema does not know is the server's to decide.
   */
  newer?: string
}

/** The bundled releases, oldest first. */
const SCHEMA_RELEASES: readonly SchemaRelease[] = Object.keys(FLOW_VALIDATORS)
  .map((version) => ({ line: version.split('.').slice(0, 2).join('.'), version }))
  // Numerically, without Intl: its first use loads ICU's data, about 8 ms of every start.
  .sort((a, b) => (atLeast(parseVersion(a.version)!, parseVersion(b.version)!) ? 1 : -1))

/** One problem the schema of one or more releases finds. */
interface SchemaFinding {
  finding: Omit<Finding, 'severity'>
  pointer: string
  /** Each line (`1.3`, `2.0`) that judges it: it refuses it, or what decides. A line absent accepts it. */
  verdicts: Map<string, Verdict>
}

/**
 * Java's `Duration.parse` (what Kestra's Jackson reads a duration with): `PT0.5S` is one, which ajv-formats'
 * duration refuses. The other formats the schemas name are read by Jackson's Java time types and URI, whose
 * leniency no regular expression states: they are not checked (no false error).
 */
const JAVA_DURATION =
  /^[-+]?P(?:[-+]?\d+D)?(?:T(?:[-+]?\d+H)?(?:[-+]?\d+M)?(?:[-+]?\d+(?:[.,]\d{0,9})?S)?)?$/i

const FORMATS: Readonly<Record<string, (text: string) => boolean>> = {
  duration: (text) => text.length > 1 && JAVA_DURATION.test(text)
}

/** The formats the validators check, each with the function above. */
export const CHECKED_FORMATS = Object.keys(FORMATS)

/** The keyword a union of plugin definitions becomes: a type's name → its definition's name. */
export const BY_TYPE = 'x-kestra-by-type'

type Schema = { [key: string]: unknown }

/**
 * A release's schema as `npm run schemas` writes it (scripts/flow-schemas.ts, generated/flow-schemas/): already
 * read as that release reads a flow (the module's comment).
 */
export interface BundledSchema {
  /** The flow's definition. */
  root: string
  /** Every plugin type (class or alias) the release's core has. */
  types: string[]
  definitions: Record<string, Schema>
}

/** What a validator's function is given: Ajv's helpers, the pick by `type`, the formats. */
export const VALIDATOR_PARAMETERS = ['runtime', 'byType', 'formats'] as const

type Release = ValidatorFacts & { known: Set<string> }

/** Each bundled release's facts, once loaded. */
const facts = new Map<string, Release>()
/** Each release's validator of each definition loaded so far, by release and definition. */
const loaded = new Map<string, Map<string, MakeValidator>>()

/**
 * Loads what validating flows that name these `types` takes for these releases: every bundled release's facts
 * (small: which release has a type or a property), and of each of these releases the validator of the flow's
 * definition and of each type's, a module each (docs/performance.md#the-bundle). The validation itself is
 * synchronous: the run awaits this before it validates a flow, with its types (`flowTypes`), and before it
 * validates a text it made (an upgrade's rewrite), with the types that text can name.
 */
export async function loadFlowValidators(
  releases: readonly SchemaRelease[],
  types: Iterable<string> = []
): Promise<void> {
  await Promise.all(
    SCHEMA_RELEASES.map(async ({ version }) => {
      if (facts.has(version)) return
      const { FACTS } = await FLOW_VALIDATORS[version]!.facts()
      facts.set(version, { ...FACTS, known: new Set(FACTS.types) })
    })
  )
  const named = [...types]
  await Promise.all(
    releases.flatMap(({ version }) => {
      const release = facts.get(version)!
      const made = loaded.get(version) ?? new Map<string, MakeValidator>()
      loaded.set(version, made)
      const definitions = new Set([
        release.root,
        ...named.flatMap((type) => {
          const definition = entryOf(release.classes, type)
          return definition === undefined ? [] : [definition]
        })
      ])
      return [...definitions]
        .filter((name) => !made.has(name))
        .map(async (name) => {
          made.set(name, (await FLOW_VALIDATORS[version]!.definitions[name]!()).default)
        })
    })
  )
}

/**
 * Every type the flows' documents name: each string value of a `type` key, anywhere (a task's, a trigger's, an
 * input's, a retry's, a plugin default's), an alias's too. What validating them takes (`loadFlowValidators`).
 */
export function flowTypes(docs: Iterable<Document | undefined>): Set<string> {
  const types = new Set<string>()
  for (const doc of docs) {
    if (!doc) continue
    visit(doc, {
      Pair(_, pair) {
        if (!isScalar(pair.key) || pair.key.value !== 'type') return
        const value = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value
        if (isScalar(value) && typeof value.value === 'string') types.add(value.value)
      }
    })
  }
  return types
}

function bundledValidators(version: string): Release {
  const found = facts.get(version)
  if (found === undefined) throw notLoaded(version)
  return found
}

function notLoaded(version: string, definition?: string): Error {
  return new Error(
    `The flow validator${definition === undefined ? 's' : ` of ${definition}`} of Kestra ${version} ${definition === undefined ? 'are' : 'is'} not loaded: await loadFlowValidators with the flow's types before validating it`
  )
}

const compiled = new Map<string, Validate>()

/**
 * The release's validator; each definition's validator is made the first time a flow uses its type, from its
 * module, which must have been loaded (`loadFlowValidators`).
 */
function validatorOf(version: string): Validate {
  let validate = compiled.get(version)
  if (validate) return validate
  const release = bundledValidators(version)
  const made = loaded.get(version)
  if (made === undefined) throw notLoaded(version)
  const runtime = { ucs2length: commonJsDefault(ucs2length), equal: commonJsDefault(equal) }
  const byType = (
    choices: Record<string, string>,
    data: unknown,
    instancePath: string
  ): boolean => {
    const type = isRecord(data) ? data.type : undefined
    const name =
      typeof type === 'string' && Object.hasOwn(choices, type) ? choices[type] : undefined
    if (name === undefined && typeof type === 'string' && !release.known.has(type)) {
      const elsewhere = SCHEMA_RELEASES.filter((other) =>
        bundledValidators(other.version).known.has(type)
      )
      if (elsewhere.length === 0) return true // a plugin outside the core: the server's verdict decides
      // core 1.3.31 run: "Invalid type: io.kestra.plugin.core.flow.Loop" (2.0's), as 2.0.0 for 1.3's ForEach.
      byType.errors = [
        {
          keyword: 'type-unknown',
          instancePath: `${instancePath}/type`,
          params: { type },
          message: `is a type Kestra ${version.split('.').slice(0, 2).join('.')} does not have (only ${elsewhere.map((other) => other.line).join(', ')}): "Invalid type"`
        }
      ]
      return false
    }
    const definition = name === undefined ? undefined : use(name)
    if (!definition || definition(data)) return true
    byType.errors = (definition.errors ?? []).map((error) => ({
      ...error,
      instancePath: `${instancePath}${error.instancePath}`
    }))
    return false
  }
  byType.errors = [] as Partial<ErrorObject>[]
  const used = new Map<string, Validate>()
  const use = (name: string): Validate | undefined => {
    let found = used.get(name)
    if (found || !Object.hasOwn(FLOW_VALIDATORS[version]!.definitions, name)) return found
    const make = made.get(name)
    if (make === undefined) throw notLoaded(version, name)
    used.set(name, (found = make(runtime, byType, FORMATS)))
    return found
  }
  validate = use(release.root)!
  compiled.set(version, validate)
  return validate
}

/** A CommonJS module's `default`: Node gives its exports, a bundler or tsx the `default` itself. */
export function commonJsDefault(module: unknown): unknown {
  return isRecord(module) && '__esModule' in module ? module.default : module
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
  for (const release of only ?? SCHEMA_RELEASES) {
    // Ajv's coercion changes the data it validates: each release validates a value of its own.
    const data = flowValue(doc)
    if (data === undefined) return [] // an alias that does not resolve: the YAML rules say so
    judged.set(release, judge(release, data))
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

/** Getters every Java object has, which `PluginDefaultService.validateDefault` takes as properties. */
const ALWAYS_GETTERS = ['class']

/** Each release's judgement: it refuses the flow, or whether it does depends on what only the server knows. */
const REFUSES = 'refuses'
export type Verdict =
  typeof REFUSES | 'server-default' | 'switch-case' | 'dag-task' | 'newer-server'

interface Problem {
  keyword: string
  /** The object the problem is about (Ajv's instance path). */
  at: string
  /** Where it is shown. */
  pointer: string
  message: string
  /** A property named as the schema suggests (docs/suggested-changes.md). */
  fix?: Finding['fix']
  /** The same problem whatever the release: its place, keyword and parameters. */
  key: string
  refusedObject?: string
  /** The property a `required` problem finds missing. */
  missing?: string
}

/** Ajv's errors as the user's problems: one per place, the branches of a failed `anyOf` folded into it. */
function problems(errors: ErrorObject[], data: unknown, release: SchemaRelease): Problem[] {
  const folded = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf')
  const inFolded = (error: ErrorObject) =>
    folded.some(
      (parent) =>
        parent !== error &&
        error.schemaPath.startsWith(`${parent.schemaPath}/`) &&
        error.instancePath.startsWith(parent.instancePath)
    )
  const out = new Map<string, Problem>()
  for (const error of errors) {
    if (error.keyword === 'if' || error.keyword === 'then' || error.keyword === 'else') continue
    if (inFolded(error)) continue
    const problem = problemOf(error, data, release)
    out.set(problem.key, problem)
  }
  // One finding per fact: a required property missing because it is misspelt is said by the misspelling's
  // "did you mean", not again as missing.
  const misspelt = new Set(
    [...out.values()].flatMap((p) => (p.fix ? [`${p.at}\u0000${p.fix.with}`] : []))
  )
  return [...out.values()].filter(
    (p) => p.keyword !== 'required' || !misspelt.has(`${p.at}\u0000${p.missing}`)
  )
}

/** The parameters that say which problem it is, the same whatever the release (an enum's values are not). */
function problemKey(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  const said =
    error.keyword === 'enum'
      ? ''
      : JSON.stringify(params.additionalProperty ?? params.missingProperty ?? params)
  return `${error.instancePath}\u0000${error.keyword}\u0000${said}`
}

function problemOf(error: ErrorObject, data: unknown, release: SchemaRelease): Problem {
  const at = error.instancePath
  const owner = ownerOf(data, at)
  const params = error.params as Record<string, unknown>
  const base = { keyword: error.keyword, at, key: problemKey(error) }
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty)
      const properties = ((error.parentSchema as Schema | undefined)?.properties ?? {}) as Record<
        string,
        Schema
      >
      const pointer = `${at}/${escapePointer(name)}`
      const holder = holderLabel(at, owner)
      const elsewhere = releasesHaving(data, at, name, release)
      const value = valueAt(data, pointer)
      const near =
        elsewhere.length > 0
          ? undefined
          : closest(
              name,
              Object.keys(properties).filter((known) => takes(properties[known], value))
            )
      const known = Object.keys(properties)
      const message =
        elsewhere.length > 0
          ? `${holder} has no property \`${name}\` on Kestra ${release.line} (Kestra ${elsewhere.join(', ')} has it).`
          : `${holder} has no property \`${name}\`${near ? `: did you mean \`${near}\`?` : `; remove it${known.length ? ` (its properties: ${list(known)})` : ''}.`}`
      return {
        ...base,
        pointer,
        message,
        refusedObject: pointer,
        ...(near && { fix: { text: name, with: near } })
      }
    }
    case 'required': {
      const name = String(params.missingProperty)
      return {
        ...base,
        missing: name,
        pointer: at,
        message: `${holderLabel(at, owner)} needs the property \`${name}\`: add it (a null value counts as missing).`
      }
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String)
      const value = String(valueAt(data, at))
      const near = closest(value, allowed)
      return {
        ...base,
        pointer: at,
        message: `${propertyLabel(owner, at)} is \`${value}\`, not one of ${list(allowed)}${near ? `: did you mean \`${near}\`?` : '.'}`
      }
    }
    case 'type-unknown':
      return {
        ...base,
        pointer: at,
        message: `${propertyLabel(owner, at)} ${error.message ?? 'is not valid'}.`,
        refusedObject: at.replace(/\/type$/, '')
      }
    case 'anyOf':
    case 'oneOf':
      return {
        ...base,
        pointer: at,
        message: `${propertyLabel(owner, at)} has a shape ${owner.label === 'The flow' ? 'Kestra' : owner.label} does not take: check the plugin documentation for its accepted forms.`
      }
    default:
      return {
        ...base,
        pointer: at,
        message: `${propertyLabel(owner, at)} ${error.message ?? 'is not valid'}.`
      }
  }
}

/**
 * The other bundled lines whose definition of the object at `at` (the flow's, or its plugin type's) has the
 * property: a name one release has is not a misspelling in another (`allowFailed`, which 2.0 moved).
 */
function releasesHaving(data: unknown, at: string, name: string, release: SchemaRelease): string[] {
  const object = valueAt(data, at)
  const type = isRecord(object) && typeof object.type === 'string' ? object.type : undefined
  return SCHEMA_RELEASES.filter((other) => {
    if (other.line === release.line) return false
    const meta = bundledValidators(other.version)
    const definition = at === '' ? meta.root : type && entryOf(meta.classes, type)
    const properties = definition ? entryOf(meta.properties, definition) : undefined
    return properties?.includes(name) === true
  }).map((other) => other.line)
}

/** Whether a property's schema takes a value of this JSON type (a property of any type takes any). */
function takes(schema: Schema | undefined, value: unknown): boolean {
  const types = declaredTypes(schema)
  if (types.size === 0) return true
  const kind = Array.isArray(value)
    ? 'array'
    : value === null
      ? 'null'
      : typeof value === 'object'
        ? 'object'
        : typeof value
  if (kind === 'number')
    return types.has('number') || (types.has('integer') && Number.isInteger(value))
  return types.has(kind)
}

function declaredTypes(schema: Schema | undefined): Set<string> {
  const types = new Set<string>()
  if (!schema) return types
  const own = schema.type
  for (const type of Array.isArray(own) ? own : own === undefined ? [] : [own])
    types.add(String(type))
  for (const key of ['anyOf', 'oneOf']) {
    const branches = schema[key]
    if (!Array.isArray(branches)) continue
    for (const branch of branches as Schema[]) {
      const inner = declaredTypes(branch)
      // A branch that takes anything (a `$ref`, a dynamic property) makes the whole take anything.
      if (inner.size === 0) return new Set()
      for (const type of inner) types.add(type)
    }
  }
  return types
}

/**
 * The object that holds the property at a pointer, named so the user finds it: a plugin by its short type and
 * its id (`Log` 'hello'), an input or an output by its id, else the flow.
 */
function ownerOf(data: unknown, pointer: string): { label: string; at: string } {
  const segments = pointer.split('/').slice(1)
  for (let end = segments.length; end >= 0; end--) {
    const path = segments.slice(0, end)
    const value = valueAt(data, path.length ? `/${path.join('/')}` : '')
    const label = isRecord(value) ? objectLabel(value, path) : undefined
    if (label) return { label, at: path.join('/') }
  }
  return { label: 'The flow', at: '' }
}

function objectLabel(value: Record<string, unknown>, path: string[]): string | undefined {
  const id =
    typeof value.id === 'string'
      ? value.id
      : typeof value.name === 'string'
        ? value.name
        : undefined
  const type = value.type
  if (typeof type === 'string' && type.includes('.')) {
    return `\`${shortType(type)}\`${id !== undefined ? ` '${id}'` : ''}`
  }
  const list = path.at(-2)
  if (list === 'inputs' || list === 'onResume')
    return id !== undefined ? `Input '${id}'` : 'An input'
  if (list === 'outputs' && path.length === 2)
    return id !== undefined ? `Output '${id}'` : 'An output'
  return undefined
}

/** The object at `at` as the holder of a missing or unknown property: itself when it is named, else its path. */
function holderLabel(at: string, owner: { label: string; at: string }): string {
  return at.split('/').slice(1).join('/') === owner.at ? owner.label : propertyLabel(owner, at)
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1)
}

function propertyLabel(owner: { label: string; at: string }, pointer: string): string {
  const rest = pointer
    .split('/')
    .slice(1)
    .slice(owner.at ? owner.at.split('/').length : 0)
    .map(unescapePointer)
  const property = rest.reduce(
    (path, segment) =>
      /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment,
    ''
  )
  if (!property) return owner.label
  return owner.label === 'The flow' ? `\`${property}\`` : `${owner.label}'s \`${property}\``
}

function valueAt(data: unknown, pointer: string | string[]): unknown {
  const segments =
    typeof pointer === 'string' ? pointer.split('/').slice(1).map(unescapePointer) : pointer
  let value = data
  for (const segment of segments) {
    if (!isRecord(value) && !Array.isArray(value)) return undefined
    if (!Object.hasOwn(value, segment)) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1')
const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~')

function list(names: string[]): string {
  const shown = names.slice(0, 12).map((name) => `\`${name}\``)
  return names.length > 12 ? `${shown.join(', ')}…` : shown.join(', ')
}

/** The known name nearest to a misspelt one, when it is near enough to be what was meant. */
function closest(name: string, known: readonly string[]): string | undefined {
  const distance = (candidate: string) => editDistance(name.toLowerCase(), candidate.toLowerCase())
  // A stable sort: of the nearest, the first known.
  const best = [...known].sort((a, b) => distance(a) - distance(b))[0]
  const near = best !== undefined && distance(best) <= Math.max(1, Math.floor(name.length / 3))
  return near ? best : undefined
}

/**
 * The bundled release whose schema judges a server of this version: its line's (1.x: 1.3, 2.x: 2.0), the newest
 * for a later major; none for 0.x, whose flows the bundled schemas do not describe. A server newer than that
 * release (2.0.9 for the bundled 2.0.0, a 2.1, a 3.0) is named with it: what the schema does not know is the
 * server's to decide.
 */
function releaseFor(version: KestraVersion): SchemaRelease | undefined {
  const [major] = version
  if (major < 1) return undefined
  const release = SCHEMA_RELEASES.filter(
    (bundled) => Number(bundled.version.split('.')[0]) <= major
  ).at(-1)
  if (!release || !newerThan(version, release)) return release
  return { ...release, newer: version.join('.') }
}

/** Whether a server of this version is newer than the release whose schema this build carries. */
function newerThan(version: KestraVersion, release: SchemaRelease): boolean {
  const bundled = parseVersion(release.version)!
  return atLeast(version, bundled) && version.join('.') !== bundled.join('.')
}

/** How the releases a check was made for are stored with it: each version, and a newer server's after `>`. */
export function releaseKey(release: SchemaRelease): string {
  return release.newer === undefined ? release.version : `${release.version}>${release.newer}`
}

/** The bundled releases of these keys (`releaseKey`), oldest first. */
export function schemaReleases(keys: readonly string[]): SchemaRelease[] {
  return SCHEMA_RELEASES.flatMap((release) => {
    const key = keys.find((candidate) => candidate.split('>')[0] === release.version)
    const newer = key?.split('>')[1]
    return key === undefined ? [] : [newer === undefined ? release : { ...release, newer }]
  })
}

/** The releases whose schema judges the flows: the target's, else every bundled one (docs/validation-rules.md). */
export function schemaTarget(version: KestraVersion | undefined): readonly SchemaRelease[] {
  if (version === undefined) return SCHEMA_RELEASES
  const release = releaseFor(version)
  return release ? [release] : []
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
