/**
 * `npm run validators`: each bundled release's flow schema (src/resources/flows/decide-schemas.ts) compiled by Ajv
 * once, here, into a validator per definition, written compressed into src/resources/flows/decide-validators.ts,
 * which the bundle carries: a run evaluates the validators its flows use instead of running Ajv's compiler
 * (docs/validation-rules.md#the-schema-of-each-release). `npm run schemas` runs it after writing the schemas;
 * `--check` writes nothing and fails when the committed module is not what this run makes.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { Ajv, _, Name, str, type KeywordCxt } from 'ajv'
import namesModule from 'ajv/dist/compile/names.js'
import { extendErrors } from 'ajv/dist/compile/errors.js'
import standaloneModule from 'ajv/dist/standalone/index.js'
import { FLOW_SCHEMAS } from '../src/resources/flows/decide-schemas.js'
import { FLOW_VALIDATORS } from '../src/resources/flows/decide-validators.js'
import {
  BY_TYPE,
  CHECKED_FORMATS,
  VALIDATOR_PARAMETERS,
  commonJsDefault,
  type BundledSchema,
  type BundledValidators
} from '../src/resources/flows/decide-schema.js'
import { PROJECT_ROOT } from '../test-support/runner.js'

const names = commonJsDefault(namesModule) as typeof namesModule.default
const standaloneCode = commonJsDefault(standaloneModule) as typeof standaloneModule.default

const VALIDATORS_MODULE = join(PROJECT_ROOT, 'src/resources/flows/decide-validators.ts')

/** What the generated code calls that is not its own: given by the run (`VALIDATOR_PARAMETERS`). */
const [RUNTIME, BY_TYPE_CALL, FORMATS] = VALIDATOR_PARAMETERS.map((name) => new Name(name))

/** Ajv's helpers the generated code `require`s, as the run gives them. */
const RUNTIME_HELPERS: Record<string, string> = {
  'require("ajv/dist/runtime/ucs2length").default': `${RUNTIME}.ucs2length`,
  'require("ajv/dist/runtime/equal").default': `${RUNTIME}.equal`
}

/**
 * One release's validators: the definitions' code, each with those its `$ref`s reach, read as the release reads a
 * flow (docs/validation-rules.md#the-schema-of-each-release).
 */
function validatorsOf(schema: BundledSchema): string {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    coerceTypes: 'array',
    validateSchema: false,
    inlineRefs: false,
    code: { source: true, formats: _`${FORMATS}` },
    formats: {
      ...Object.fromEntries(CHECKED_FORMATS.map((format) => [format, () => true])),
      uri: true,
      date: true,
      time: true,
      'date-time': true,
      'partial-time': true
    }
  })
  // The definition of a plugin is picked by its `type` when the flow is checked: the run's `byType` does it and
  // returns its errors, which join the others as Ajv joins a function keyword's.
  ajv.addKeyword({
    keyword: BY_TYPE,
    schemaType: 'object',
    trackErrors: true,
    code(cxt: KeywordCxt) {
      const { gen, data, it } = cxt
      const path = str`${names.instancePath}${it.errorPath}`
      gen.if(_`!${BY_TYPE_CALL}(${cxt.schemaValue}, ${data}, ${path})`, () => {
        gen
          .assign(
            names.vErrors,
            _`${names.vErrors} === null ? ${BY_TYPE_CALL}.errors : ${names.vErrors}.concat(${BY_TYPE_CALL}.errors)`
          )
          .assign(names.errors, _`${names.vErrors}.length`)
        extendErrors(cxt)
      })
    }
  })
  for (const [name, definition] of Object.entries(schema.definitions)) {
    ajv.addSchema(definition, name)
  }
  const code: Record<string, string> = {}
  for (const name of Object.keys(schema.definitions).sort()) {
    const module = standaloneCode(ajv, ajv.getSchema(name)!)
    const exported =
      /^"use strict";module\.exports = (validate\d+);module\.exports\.default = \1;/.exec(module)
    if (!exported) throw new Error(`Ajv's standalone code for ${name} has an unexpected start`)
    let body = module.slice(exported[0].length)
    for (const [helper, given] of Object.entries(RUNTIME_HELPERS))
      body = body.replaceAll(helper, given)
    if (body.includes('require('))
      throw new Error(`${name}'s validator requires a module the run does not give`)
    code[name] = `"use strict";${body}return ${exported[1]};`
  }
  // The code after a one-line index of where each definition's is (in bytes): a run reads only the code it uses.
  let at = 0
  const index: BundledValidators['code'] = {}
  for (const [name, text] of Object.entries(code)) {
    index[name] = [at, (at += Buffer.byteLength(text))]
  }
  const header: BundledValidators = {
    root: schema.root,
    types: schema.types,
    ...typesAndProperties(schema),
    code: index
  }
  return `${JSON.stringify(header)}\n${Object.values(code).join('')}`
}

/**
 * Each plugin type (class or alias) of the schema's type unions → its definition, and the property names of
 * those definitions and of the flow's: what the run reads without the code (plugin defaults, which release has a
 * property).
 */
function typesAndProperties(
  schema: BundledSchema
): Pick<BundledValidators, 'classes' | 'properties'> {
  const classes: Record<string, string> = {}
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk)
    if (node === null || typeof node !== 'object') return
    for (const [key, value] of Object.entries(node)) {
      if (key === BY_TYPE) Object.assign(classes, value)
      else walk(value)
    }
  }
  walk(schema.definitions)
  const named = [schema.root, ...new Set(Object.values(classes))].sort()
  const properties = Object.fromEntries(
    named.map((name) => [
      name,
      Object.keys((schema.definitions[name]?.properties ?? {}) as object).sort()
    ])
  )
  return {
    classes: Object.fromEntries(Object.entries(classes).sort(([a], [b]) => (a < b ? -1 : 1))),
    properties
  }
}

/** Per release (its schema as `npm run schemas` writes it), its validators: what the module holds once gunzipped. */
export function validatorsText(
  schemas: Readonly<Record<string, string>> = FLOW_SCHEMAS
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(schemas).map(([version, packed]) => [
      version,
      validatorsOf(JSON.parse(gunzipped(packed)) as BundledSchema)
    ])
  )
}

/** The committed validators, per release, once gunzipped: compared as text, whatever zlib wrote the bytes. */
export function committedValidatorsText(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(FLOW_VALIDATORS).map(([version, packed]) => [version, gunzipped(packed)])
  )
}

function gunzipped(packed: string): string {
  return gunzipSync(Buffer.from(packed, 'base64')).toString('utf8')
}

/** The module's text: per release, its validators gzipped (level 9, no name, no time), base64. */
function validatorsModule(texts: Record<string, string>): string {
  const lines = Object.entries(texts).map(
    ([version, text]) => `  '${version}': '${gzipSync(text, { level: 9 }).toString('base64')}'`
  )
  return [
    '// Generated by `npm run validators` (scripts/flow-validators.ts): do not edit.',
    "// Per Kestra release, the validators Ajv's standalone code makes of each definition of its flow schema",
    "// (decide-schemas.ts): a line of JSON (root, plugin types, where each definition's code is), the code;",
    '// gzip, base64.',
    'export const FLOW_VALIDATORS: Readonly<Record<string, string>> = {',
    lines.join(',\n'),
    '}',
    ''
  ].join('\n')
}

/**
 * Writes the module made of these schemas (those committed unless `npm run schemas` gives the ones it just made),
 * or with `--check` fails when the committed one holds other validators.
 */
export function writeValidatorsModule(check: boolean, schemas = FLOW_SCHEMAS): void {
  const texts = validatorsText(schemas)
  if (!check) writeFileSync(VALIDATORS_MODULE, validatorsModule(texts))
  else if (JSON.stringify(committedValidatorsText()) !== JSON.stringify(texts)) {
    console.error(
      `${VALIDATORS_MODULE} is not what \`npm run validators\` makes: run it and commit the result.`
    )
    process.exit(1)
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeValidatorsModule(process.argv.includes('--check'))
}
