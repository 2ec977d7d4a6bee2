import type { ErrorObject } from 'ajv'
import type { Finding } from '../../model/finding.js'
import { entryOf, isRecord } from '../../model/content.js'
import { editDistance } from '../../model/nearest.js'
import {
  bundledValidators,
  SCHEMA_RELEASES,
  type Schema,
  type SchemaRelease
} from './decide-schema-releases.js'

/** How the validators' errors become the problems a user reads: each on its property, in plain words. */
/** Getters every Java object has, which `PluginDefaultService.validateDefault` takes as properties. */
export const ALWAYS_GETTERS = ['class']

/** Each release's judgement: it refuses the flow, or whether it does depends on what only the server knows. */
export const REFUSES = 'refuses'
export type Verdict =
  typeof REFUSES | 'server-default' | 'switch-case' | 'dag-task' | 'newer-server'

export interface Problem {
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
export function problems(errors: ErrorObject[], data: unknown, release: SchemaRelease): Problem[] {
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

export function shortType(type: string): string {
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

export function valueAt(data: unknown, pointer: string | string[]): unknown {
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

export const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1')
export const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~')

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
