import type { ErrorObject } from 'ajv'
import ucs2length from 'ajv/dist/runtime/ucs2length.js'
import equal from 'ajv/dist/runtime/equal.js'
import { isAlias, isScalar, visit, type Document } from 'yaml'
import { atLeast, parseVersion, type KestraVersion } from '../../model/version.js'
import {
  FLOW_VALIDATORS,
  type MakeValidator,
  type Validate,
  type ValidatorFacts
} from '../../../generated/flow-validators/index.js'
import { entryOf, isRecord } from '../../model/content.js'

/**
 * The bundled releases' flow validators (docs/validation-rules.md#the-schema-of-each-release): which release
 * judges a server's flows, and each definition's validator, loaded from its generated module
 * (generated/flow-validators/) the first time a flow uses its type.
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
export const SCHEMA_RELEASES: readonly SchemaRelease[] = Object.keys(FLOW_VALIDATORS)
  .map((version) => ({ line: version.split('.').slice(0, 2).join('.'), version }))
  // Numerically, without Intl: its first use loads ICU's data, about 8 ms of every start.
  .sort((a, b) => (atLeast(parseVersion(a.version)!, parseVersion(b.version)!) ? 1 : -1))

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

export type Schema = { [key: string]: unknown }

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

export type Release = ValidatorFacts & { known: Set<string> }

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

export function bundledValidators(version: string): Release {
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
export function validatorOf(version: string): Validate {
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
