/**
 * The SARIF 2.1.0 JSON schema, as Microsoft's SARIF SDK ships it on npm (`@microsoft/jest-sarif`, MIT,
 * `lib/schemas/sarif-2.1.0-rtm.5.json`, the schema of https://json.schemastore.org/sarif-2.1.0-rtm.5.json), read
 * by Ajv as the draft-04 schema it is. The OASIS errata01 text of the same schema
 * (https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json) is stricter in two
 * ways this one is not: a region needs `startLine`, `charOffset` or `byteOffset`, and some enums are typed as
 * strings; `sarifProblems` checks the first as well.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import ajvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'

const require = createRequire(import.meta.url)
const SCHEMA_FILE = join(
  dirname(require.resolve('@microsoft/jest-sarif/package.json')),
  'lib/schemas/sarif-2.1.0-rtm.5.json'
)

// CommonJS modules: their `default` is the class and the plugin.
const Ajv = ajvDraft04.default
const addFormats = ajvFormats.default

let validate: ReturnType<typeof compile> | undefined

/** What the schema (and errata01's region rule) finds wrong in a SARIF document; empty when it is valid. */
export function sarifProblems(document: unknown): string[] {
  const check = (validate ??= compile())
  const problems = check(document) ? [] : [JSON.stringify(check.errors, null, 2)]
  const runs = (document as { runs?: { results?: { locations?: unknown[] }[] }[] }).runs ?? []
  for (const result of runs.flatMap((run) => run.results ?? [])) {
    for (const location of result.locations ?? []) {
      const region = (location as { physicalLocation?: { region?: Record<string, unknown> } })
        .physicalLocation?.region
      if (region && !('startLine' in region || 'charOffset' in region || 'byteOffset' in region)) {
        problems.push(
          `a region without startLine, charOffset or byteOffset: ${JSON.stringify(region)}`
        )
      }
    }
  }
  return problems
}

function compile() {
  // The schema's own patterns are not all valid as Unicode regular expressions (`…]?$`).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })
  addFormats(ajv)
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object)
}
