import { gunzipSync } from 'node:zlib'
import { Ajv, type ErrorObject, type FuncKeywordDefinition, type ValidateFunction } from 'ajv'
import { isMap, type Document, type LineCounter } from 'yaml'
import type { Finding } from '../../model/finding.js'
import type { KestraVersion } from '../../model/version.js'
import { locateKestraPath } from '../../decide/validate/kestra-path.js'
import { FLOW_SCHEMAS } from './decide-schemas.js'
import { isRecord } from '../../model/content.js'

/**
 * A flow checked against the JSON schema that a Kestra release generates for it with every core plugin
 * (docs/validation-rules.md#the-schema-of-each-release), read as that release reads a flow: unknown properties
 * refused, any string taken where a property is dynamic (Pebble), patterns matching the whole value, Jackson's
 * scalar coercion, `null` as absent, and the definition of a task, trigger, condition or input picked by its
 * `type` (a type outside the core is left alone).
 */

/** A release whose schema is bundled, as its line (`1.3`, `2.0`) names it to the user. */
export interface SchemaRelease {
  line: string
  version: string
}

/** The bundled releases, oldest first. */
const SCHEMA_RELEASES: readonly SchemaRelease[] = Object.keys(FLOW_SCHEMAS)
  .map((version) => ({ line: version.split('.').slice(0, 2).join('.'), version }))
  .sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true }))

/** One problem the schema of one or more releases finds. */
interface SchemaFinding {
  finding: Omit<Finding, 'severity'>
  /** The lines (`1.3`, `2.0`) whose schema refuses it. */
  refusedBy: string[]
}

/** Keys that only document a schema: dropped before it is compiled (Ajv would carry them for nothing). */
const ANNOTATIONS = new Set([
  'markdownDescription',
  'title',
  'description',
  'default',
  'examples',
  '$group',
  '$metrics',
  '$deprecated',
  '$secret',
  '$internalStorageURI',
  '$beta',
  '$required'
])

/**
 * Java's `Duration.parse` (what Kestra's Jackson reads a duration with): `PT0.5S` is one, which ajv-formats'
 * duration refuses. The other formats the schemas name are read by Jackson's Java time types and URI, whose
 * leniency no regular expression states: they are not checked here (no false error).
 */
const JAVA_DURATION =
  /^[-+]?P(?:[-+]?\d+D)?(?:T(?:[-+]?\d+H)?(?:[-+]?\d+M)?(?:[-+]?\d+(?:[.,]\d{0,9})?S)?)?$/i

/** The keyword a union of plugin definitions becomes: a type's name → its definition's `$ref`. */
const BY_TYPE = 'x-kestra-by-type'

const compiled = new Map<string, ValidateFunction>()

/**
 * The release's validator. The schema is read once a run; a definition is compiled the first time a flow uses
 * its type (compiling all of a release's 120–190 definitions takes seconds).
 */
function validatorOf(version: string): ValidateFunction {
  let validate = compiled.get(version)
  if (validate) return validate
  const packed = FLOW_SCHEMAS[version]
  if (packed === undefined) throw new Error(`No flow schema bundled for Kestra ${version}`)
  const schema = JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')) as Schema
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    coerceTypes: 'array',
    validateSchema: false,
    inlineRefs: false,
    formats: {
      duration: (text: string) => text.length > 1 && JAVA_DURATION.test(text),
      uri: true,
      date: true,
      time: true,
      'date-time': true,
      'partial-time': true
    }
  })
  // Each definition its own schema, `$ref`s by name: compiling one compiles what it refers to, not the file.
  const base = `kestra-${version}/`
  const byType: FuncKeywordDefinition['validate'] & { errors?: Partial<ErrorObject>[] } = (
    choices: Record<string, string>,
    data: unknown,
    _parent?: unknown,
    context?: { instancePath?: string }
  ) => {
    const type = isRecord(data) ? data.type : undefined
    const name =
      typeof type === 'string' && Object.hasOwn(choices, type) ? choices[type] : undefined
    if (name === undefined && typeof type === 'string' && !typesOf(version).has(type)) {
      const elsewhere = SCHEMA_RELEASES.filter((release) => typesOf(release.version).has(type))
      if (elsewhere.length === 0) return true // a plugin outside the core: the server's verdict decides
      // core 1.3.31 run: "Invalid type: io.kestra.plugin.core.flow.Loop" (2.0's), as 2.0.0 for 1.3's ForEach.
      byType.errors = [
        {
          keyword: 'type',
          instancePath: `${context?.instancePath ?? ''}/type`,
          params: { type },
          message: `is a type Kestra ${version.split('.').slice(0, 2).join('.')} does not have (only ${elsewhere.map((release) => release.line).join(', ')}): "Invalid type"`
        }
      ]
      return false
    }
    const definition = name === undefined ? undefined : ajv.getSchema(`${base}${name}`)
    if (!definition || definition(data)) return true
    byType.errors = (definition.errors ?? []).map((error) => ({
      ...error,
      instancePath: `${context?.instancePath ?? ''}${error.instancePath}`
    }))
    return false
  }
  ajv.addKeyword({ keyword: BY_TYPE, schemaType: 'object', errors: true, validate: byType })
  const aliases = ALIASES[version.split('.')[0]!] ?? []
  for (const [name, definition] of Object.entries(
    readAsKestra(schema.definitions ?? {}, aliases)
  )) {
    ajv.addSchema(definition, `${base}${name}`)
  }
  const root = String(schema.$ref).replace('#/definitions/', '')
  validate = ajv.getSchema(`${base}${root}`)!
  compiled.set(version, validate)
  return validate
}

type Schema = { [key: string]: unknown; definitions?: Record<string, Schema> }

const types = new Map<string, Set<string>>()

/** Every plugin type (class or alias) the release's core has: the `type` names of its schema's definitions. */
function typesOf(version: string): Set<string> {
  let known = types.get(version)
  if (known) return known
  const schema = JSON.parse(
    gunzipSync(Buffer.from(FLOW_SCHEMAS[version]!, 'base64')).toString('utf8')
  ) as Schema
  known = new Set(
    Object.values(schema.definitions ?? {}).flatMap((definition) => {
      const type = (definition.properties as Record<string, Schema> | undefined)?.type
      const names = type?.const !== undefined ? [type.const] : type?.enum
      return Array.isArray(names) ? names.map(String).filter((name) => name.includes('.')) : []
    })
  )
  types.set(version, known)
  return known
}

/** The schema turned into what the release's reading of a flow accepts (see the module's comment). */
function readAsKestra(
  generated: Record<string, Schema>,
  aliases: readonly PropertyAlias[]
): Record<string, Schema> {
  const definitions = Object.fromEntries(
    Object.entries(generated).map(([name, definition]) => [
      name,
      withAliases(name, flattened(definition, generated), aliases)
    ])
  )
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite)
    if (node === null || typeof node !== 'object') return node
    const schema = node as Schema
    const byType = typeUnion(schema, definitions)
    if (byType) return { [BY_TYPE]: byType }
    const out: Schema = {}
    for (const [key, value] of Object.entries(schema)) {
      if (ANNOTATIONS.has(key) || key === '$dynamic') continue
      if (key === 'properties') {
        out[key] = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([name, sub]) => [
            name,
            rewrite(sub)
          ])
        )
      } else if (key === '$ref' && typeof value === 'string') {
        out.$ref = value.replace('#/definitions/', '')
      } else if (key === 'pattern' && typeof value === 'string') {
        const anchored = wholeValue(value)
        if (anchored !== undefined) out.pattern = anchored
      } else {
        out[key] = rewrite(value)
      }
    }
    // Kestra's Jackson refuses a property its class does not declare ("Unrecognized field").
    if (out.properties !== undefined && out.additionalProperties === undefined) {
      out.additionalProperties = false
    }
    // A dynamic property is rendered when the task runs: core 1.3.31 and 2.0.0 run accept any value there at
    // validate time, a mapping where a string is declared included (the released cores judge, below).
    if (isDynamic(schema)) return {}
    return out
  }
  return Object.fromEntries(
    Object.entries(definitions).map(([name, definition]) => [name, rewrite(definition) as Schema])
  )
}

/**
 * A definition written as an `allOf` of a base definition and the part that adds its `type` (`Constant-2` is
 * `Constant-1` plus `type: constant`) as one object schema, so that its properties are known in one place and
 * an undeclared one can be refused. Any other `allOf` is kept.
 */
function flattened(definition: Schema, definitions: Record<string, Schema>, depth = 0): Schema {
  const parts = definition.allOf
  if (!Array.isArray(parts) || depth > 8) return definition
  const properties: Record<string, unknown> = {}
  const required = new Set<string>()
  for (const part of parts as Schema[]) {
    const ref = typeof part.$ref === 'string' ? part.$ref.replace('#/definitions/', '') : undefined
    const resolved =
      ref === undefined
        ? part
        : definitions[ref] && flattened(definitions[ref], definitions, depth + 1)
    if (!resolved || resolved.allOf !== undefined || resolved.anyOf !== undefined) return definition
    if (resolved.type !== undefined && resolved.type !== 'object') return definition
    Object.assign(properties, resolved.properties ?? {})
    for (const name of (resolved.required as string[] | undefined) ?? []) required.add(name)
  }
  const { allOf: _, ...rest } = definition
  return {
    ...rest,
    type: 'object',
    properties,
    ...(required.size > 0 && { required: [...required] })
  }
}

/** A property name that a release's Jackson also binds (`@JsonAlias`), which its schema does not list. */
interface PropertyAlias {
  /** Which definitions: a part of their name. */
  definitions: string
  property: string
  alias: string
}

/**
 * The aliases each line still binds, measured with its core: core 1.3.31 run: a retry's `maxAttempt` and an
 * input's `name` are accepted (2.0.0 refuses both: "Unrecognized field").
 */
const ALIASES: Readonly<Record<string, readonly PropertyAlias[]>> = {
  '1': [
    { definitions: '.retrys.', property: 'maxAttempts', alias: 'maxAttempt' },
    { definitions: '.flows.input.', property: 'id', alias: 'name' }
  ]
}

/** The definition with the release's aliases of its properties: either name binds, and satisfies `required`. */
function withAliases(name: string, definition: Schema, aliases: readonly PropertyAlias[]): Schema {
  const properties = definition.properties as Record<string, unknown> | undefined
  const fitting = aliases.filter(
    (alias) => name.includes(alias.definitions) && properties?.[alias.property] !== undefined
  )
  if (fitting.length === 0) return definition
  const required = ((definition.required as string[] | undefined) ?? []).filter(
    (property) => !fitting.some((alias) => alias.property === property)
  )
  return {
    ...definition,
    properties: {
      ...properties,
      ...Object.fromEntries(fitting.map((alias) => [alias.alias, properties![alias.property]]))
    },
    required
  }
}

function isDynamic(schema: Schema): boolean {
  if (schema.$dynamic === true) return true
  return (
    Array.isArray(schema.allOf) && schema.allOf.some((part) => (part as Schema)?.$dynamic === true)
  )
}

/** Java matches a pattern against the whole value, JSON Schema anywhere in it. */
function wholeValue(pattern: string): string | undefined {
  const anchored = `^(?:${pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '')})$`
  try {
    new RegExp(anchored, 'u')
    return anchored
  } catch {
    return undefined // a Java construct JavaScript lacks: not checked rather than misread
  }
}

/**
 * An `anyOf` of plugin definitions told apart by their `type` (tasks, triggers, conditions, inputs…): each name
 * a definition takes (its class and aliases) → that definition. The value's own type picks the one that applies,
 * rather than an `anyOf` reporting every choice's complaint; a type no choice names (a plugin outside the core)
 * gets no finding about its properties.
 */
function typeUnion(
  schema: Schema,
  definitions: Record<string, Schema>
): Record<string, string> | undefined {
  const choices = schema.anyOf
  if (!Array.isArray(choices) || choices.length < 2) return undefined
  const byName: Record<string, string> = {}
  const claimedBy = new Map<string, number>()
  for (const choice of choices as Schema[]) {
    const name = (typeof choice.$ref === 'string' ? choice.$ref : refOfAllOf(choice))?.replace(
      '#/definitions/',
      ''
    )
    const properties = name
      ? (definitions[name]?.properties as Record<string, Schema> | undefined)
      : undefined
    const type = properties?.type
    const names = type?.const !== undefined ? [type.const] : type?.enum
    if (!name || !Array.isArray(names)) return undefined
    // A definition that takes every input type (2.0's `ReusableInputsInput`, told by its `ref`) yields each
    // name to the definition made for it.
    for (const typeName of names.map(String)) {
      if ((claimedBy.get(typeName) ?? Infinity) <= names.length) continue
      byName[typeName] = name
      claimedBy.set(typeName, names.length)
    }
  }
  return byName
}

function refOfAllOf(choice: Schema): string | undefined {
  if (!Array.isArray(choice.allOf)) return undefined
  const ref = (choice.allOf as Schema[]).find((part) => typeof part.$ref === 'string')?.$ref
  return typeof ref === 'string' ? ref : undefined
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
      const position = locateKestraPath(doc, lineCounter, problem.pointer) ?? { line: 1, column: 1 }
      const finding: Omit<Finding, 'severity'> = {
        file,
        ...position,
        rule: 'core-schema',
        message: problem.message
      }
      const key = problem.key
      const seen = byKey.get(key)
      if (seen) seen.refusedBy.push(release.line)
      else byKey.set(key, { finding, refusedBy: [release.line] })
    }
  }
  return [...byKey.values()]
}

interface Problem {
  pointer: string
  message: string
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
        message: `${owner.label} has no property \`${name}\`${near ? `: did you mean \`${near}\`?` : `; remove it${known.length ? ` (its properties: ${list(known)})` : ''}.`}`
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
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(name.length / 3))
    ? best
    : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]!
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
