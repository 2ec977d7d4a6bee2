import { gunzipSync } from 'node:zlib'
import type { ErrorObject } from 'ajv'
import ucs2length from 'ajv/dist/runtime/ucs2length.js'
import equal from 'ajv/dist/runtime/equal.js'
import { isMap, type Document, type LineCounter } from 'yaml'
import type { Finding } from '../../model/finding.js'
import { atLeast, parseVersion, type KestraVersion } from '../../model/version.js'
import { locateKestraPath } from '../../decide/validate/kestra-path.js'
import { FLOW_VALIDATORS } from './decide-validators.js'
import { isRecord } from '../../model/content.js'
import { editDistance } from '../../model/nearest.js'

/**
 * A flow checked against the JSON schema that a Kestra release generates for it with every core plugin
 * (docs/validation-rules.md#the-schema-of-each-release), read as that release reads a flow: unknown properties
 * refused, any string taken where a property is dynamic (Pebble), patterns matching the whole value, Jackson's
 * scalar coercion, `null` as absent, and the definition of a task, trigger, condition or input picked by its
 * `type` (a type outside the core is left alone). Ajv compiled each definition when the bundle was made
 * (scripts/flow-validators.ts); a run evaluates the code of those its flows use.
 */

/** A release whose schema is bundled, as its line (`1.3`, `2.0`) names it to the user. */
export interface SchemaRelease {
  line: string
  version: string
}

/** The bundled releases, oldest first. */
const SCHEMA_RELEASES: readonly SchemaRelease[] = Object.keys(FLOW_VALIDATORS)
  .map((version) => ({ line: version.split('.').slice(0, 2).join('.'), version }))
  // Numerically, without Intl: its first use loads ICU's data, about 8 ms of every start.
  .sort((a, b) => (atLeast(parseVersion(a.version)!, parseVersion(b.version)!) ? 1 : -1))

/** One problem the schema of one or more releases finds. */
interface SchemaFinding {
  finding: Omit<Finding, 'severity'>
  /** The lines (`1.3`, `2.0`) whose schema refuses it. */
  refusedBy: string[]
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
 * A release's schema as `npm run schemas` writes it (scripts/flow-schemas.ts): already read as that release reads
 * a flow (the module's comment).
 */
export interface BundledSchema {
  /** The flow's definition. */
  root: string
  /** Every plugin type (class or alias) the release's core has. */
  types: string[]
  definitions: Record<string, Schema>
}

/**
 * A release's validators as `npm run validators` writes them: this line of JSON, then the code of each definition,
 * at the bytes `code` gives.
 */
export interface BundledValidators {
  root: string
  types: string[]
  code: Record<string, [start: number, end: number]>
}

/** What a validator's code is given: Ajv's helpers, the pick by `type`, the formats. */
export const VALIDATOR_PARAMETERS = ['runtime', 'byType', 'formats'] as const

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }

type Release = BundledValidators & { known: Set<string>; codeOf(name: string): string | undefined }

const bundled = new Map<string, Release>()

function bundledValidators(version: string): Release {
  let found = bundled.get(version)
  if (found) return found
  const packed = FLOW_VALIDATORS[version]
  if (packed === undefined) throw new Error(`No flow schema bundled for Kestra ${version}`)
  const bytes = gunzipSync(Buffer.from(packed, 'base64'))
  const header = bytes.indexOf(0x0a)
  const validators = JSON.parse(bytes.toString('utf8', 0, header)) as BundledValidators
  const codeOf = (name: string) => {
    if (!Object.hasOwn(validators.code, name)) return undefined
    const [start, end] = validators.code[name]!
    return bytes.toString('utf8', header + 1 + start, header + 1 + end)
  }
  bundled.set(version, (found = { ...validators, known: new Set(validators.types), codeOf }))
  return found
}

const compiled = new Map<string, Validate>()

/** The release's validator; each definition's code is evaluated the first time a flow uses its type. */
function validatorOf(version: string): Validate {
  let validate = compiled.get(version)
  if (validate) return validate
  const release = bundledValidators(version)
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
          keyword: 'type',
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
  const evaluated = new Map<string, Validate>()
  const use = (name: string): Validate | undefined => {
    let found = evaluated.get(name)
    const code = found ? undefined : release.codeOf(name)
    if (code === undefined) return found
    // Code Ajv generated from the bundled schema when the bundle was made (scripts/flow-validators.ts).
    const make = new Function(...VALIDATOR_PARAMETERS, code)
    evaluated.set(name, (found = make(runtime, byType, FORMATS) as Validate))
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
 * What the schemas of the bundled releases (`only`, else every one) find in one flow document. Each problem
 * once, with the releases that refuse it.
 */
export function flowSchemaFindings(
  file: string,
  doc: Document,
  lineCounter: LineCounter,
  only?: readonly SchemaRelease[]
): SchemaFinding[] {
  if (!isMap(doc.contents)) return []
  const byKey = new Map<string, SchemaFinding>()
  for (const release of only ?? SCHEMA_RELEASES) {
    const data = flowValue(doc)
    if (data === undefined) return [] // an alias that does not resolve: the YAML rules say so
    const validate = validatorOf(release.version)
    if (validate(data)) continue
    for (const problem of problems(validate.errors ?? [], data)) {
      const finding: Omit<Finding, 'severity'> = {
        file,
        ...(locateKestraPath(doc, lineCounter, problem.pointer) ?? { line: 1, column: 1 }),
        rule: 'core-schema',
        message: problem.message,
        ...(problem.fix && { fix: problem.fix })
      }
      const seen = byKey.get(problem.key)
      if (seen) seen.refusedBy.push(release.line)
      else byKey.set(problem.key, { finding, refusedBy: [release.line] })
    }
  }
  return [...byKey.values()]
}

interface Problem {
  pointer: string
  message: string
  /** A property named as the schema suggests (docs/suggested-changes.md). */
  fix?: Finding['fix']
  /** The same problem whatever the release: its place, keyword and parameters. */
  key: string
}

/** Ajv's errors as the user's problems: one per place, the branches of a failed `anyOf` folded into it. */
function problems(errors: ErrorObject[], data: unknown): Problem[] {
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
    const problem = {
      ...problemOf(error, data),
      key: `${error.instancePath}\u0000${error.keyword}\u0000${JSON.stringify(error.params)}`
    }
    out.set(problem.key, problem)
  }
  return [...out.values()]
}

function problemOf(error: ErrorObject, data: unknown): Omit<Problem, 'key'> {
  const at = error.instancePath
  const owner = ownerOf(data, at)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty)
      const known = Object.keys(
        ((error.parentSchema as Schema | undefined)?.properties ?? {}) as object
      )
      const near = closest(name, known)
      return {
        pointer: `${at}/${escapePointer(name)}`,
        message: `${owner.label} has no property \`${name}\`${near ? `: did you mean \`${near}\`?` : `; remove it${known.length ? ` (its properties: ${list(known)})` : ''}.`}`,
        ...(near && { fix: { text: name, with: near } })
      }
    }
    case 'required': {
      const name = String(params.missingProperty)
      return {
        pointer: at,
        message: `${owner.label} needs the property \`${name}\`: add it (a null value counts as missing).`
      }
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String)
      const value = String(valueAt(data, at))
      const near = closest(value, allowed)
      return {
        pointer: at,
        message: `${propertyLabel(owner, at)} is \`${value}\`, not one of ${list(allowed)}${near ? `: did you mean \`${near}\`?` : '.'}`
      }
    }
    case 'anyOf':
    case 'oneOf':
      return {
        pointer: at,
        message: `${propertyLabel(owner, at)} has a shape ${owner.label === 'The flow' ? 'Kestra' : owner.label} does not take: check the plugin documentation for its accepted forms.`
      }
    default:
      return {
        pointer: at,
        message: `${propertyLabel(owner, at)} ${error.message ?? 'is not valid'}.`
      }
  }
}

/** The object that holds the property at a pointer: its plugin's short type when it has one. */
function ownerOf(data: unknown, pointer: string): { label: string; at: string } {
  const segments = pointer.split('/').slice(1)
  for (let end = segments.length; end >= 0; end--) {
    const path = segments.slice(0, end)
    const value = valueAt(data, path.length ? `/${path.join('/')}` : '')
    if (isRecord(value)) {
      const type = value.type
      if (typeof type === 'string' && type.includes('.')) {
        return { label: `\`${type.slice(type.lastIndexOf('.') + 1)}\``, at: path.join('/') }
      }
    }
  }
  return { label: 'The flow', at: '' }
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
    if (value === null || typeof value !== 'object') return undefined
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
 * for a later major; none for 0.x, whose flows the bundled schemas do not describe.
 */
function releaseFor(version: KestraVersion): SchemaRelease | undefined {
  const [major] = version
  if (major < 1) return undefined
  return SCHEMA_RELEASES.filter((release) => Number(release.version.split('.')[0]) <= major).at(-1)
}

/** The bundled releases of these versions, oldest first. */
export function schemaReleases(versions: readonly string[]): SchemaRelease[] {
  return SCHEMA_RELEASES.filter((release) => versions.includes(release.version))
}

/** The releases whose schema judges the flows: the target's, else every bundled one (docs/validation-rules.md). */
export function schemaTarget(version: KestraVersion | undefined): readonly SchemaRelease[] {
  if (version === undefined) return SCHEMA_RELEASES
  const release = releaseFor(version)
  return release ? [release] : []
}
