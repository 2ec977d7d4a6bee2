/**
 * `npm run schemas`: the JSON schema of a flow with every core plugin, as each release in
 * test-support/kestra-releases.ts generates it (Kestra's own `JsonSchemaGenerator`, run by the released core:
 * test-support/kestra-core/CoreValidation.java, GET /flow-schema), written to generated/flow-schemas/<version>.json
 * (docs/validation-rules.md#the-schema-of-each-release).
 * Then it compiles them into validators, as `npm run validators` does (scripts/flow-validators.ts). `--check` writes
 * nothing and fails when a committed file is not what this run makes.
 */
import { startKestraCore } from '../test-support/kestra-core.js'
import { KESTRA_RELEASES } from '../test-support/kestra-releases.js'
import { generatedBy, SCHEMAS_DIR, writeGenerated, writeValidators } from './flow-validators.js'
import { BY_TYPE, type BundledSchema } from '../src/resources/flows/decide-schema-releases.js'

/** Keys sorted at every depth: the same schema gives the same bytes whatever order Jackson wrote. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])])
  )
}

/** Per release, its schema as that release reads a flow (`asKestraReads`), keys sorted at every depth. */
async function releaseSchemas(): Promise<Record<string, BundledSchema>> {
  const schemas: Record<string, BundledSchema> = {}
  for (const version of Object.values(KESTRA_RELEASES)) {
    const core = await startKestraCore(version)
    try {
      const response = await fetch(`${core.url}/flow-schema`)
      if (!response.ok)
        throw new Error(`Kestra core ${version}: /flow-schema answered ${response.status}`)
      schemas[version] = canonical(
        asKestraReads((await response.json()) as Schema, version)
      ) as BundledSchema
      console.log(`${version}: ${JSON.stringify(schemas[version]).length} bytes of JSON`)
    } finally {
      core.stop()
    }
  }
  return schemas
}

/**
 * The files `npm run schemas` writes into generated/flow-schemas/, by name: of these schemas or of those the
 * released cores make now, one JSON file a release (a JSON file has no comment: its `$comment` says who writes it).
 */
export async function schemaFiles(
  schemas?: Record<string, BundledSchema>
): Promise<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(schemas ?? (await releaseSchemas())).map(([version, schema]) => [
      `${version}.json`,
      `${JSON.stringify({ $comment: schemaComment(version), ...schema }, null, 2)}\n`
    ])
  )
}

function schemaComment(version: string): string {
  return [
    ...generatedBy('npm run schemas', 'scripts/flow-schemas.ts', [
      `Kestra ${version}'s flow JSON schema with every core plugin, as the release's`,
      'io.kestra.core.docs.JsonSchemaGenerator.schemas(Flow.class, false) makes it, read as the release reads',
      'a flow (asKestraReads), keys sorted.'
    ])
  ]
    .map((line) => line.replace(/^\/\/ /, ''))
    .join(' ')
}

type Schema = { [key: string]: unknown; definitions?: Record<string, Schema> }

/**
 * The generated schema as the release reads a flow (src/resources/flows/decide-schema.ts): made here once rather than
 * by every run, which then only parses and compiles it.
 */
function asKestraReads(generated: Schema, version: string): BundledSchema {
  const definitions = generated.definitions ?? {}
  const types = Object.values(definitions).flatMap((definition) => {
    const type = (definition.properties as Record<string, Schema> | undefined)?.type
    const names = type?.const !== undefined ? [type.const] : type?.enum
    return Array.isArray(names) ? names.map(String).filter((name) => name.includes('.')) : []
  })
  return {
    root: String(generated.$ref).replace('#/definitions/', ''),
    types: [...new Set(types)].sort(),
    definitions: readAsKestra(definitions, ALIASES[version.split('.')[0]!] ?? [])
  }
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

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const check = process.argv.includes('--check')
  const schemas = await releaseSchemas()
  writeGenerated(SCHEMAS_DIR, await schemaFiles(schemas), check, 'npm run schemas')
  writeValidators(check, schemas)
}
