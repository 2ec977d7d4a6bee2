import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml'
import { parseFastYaml } from './fast-yaml.js'
import type { FlowFile } from './model.js'

/** Text as Kestra receives it from us: no BOM, LF line endings. Line numbers stay those of the raw file. */
export function normaliseSource(raw: string): string {
  return raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}

/**
 * Parses a flow file keeping positions. Never throws: YAML problems stay in `documents[i].errors`.
 * `fastYaml: false` skips the fast path (tests compare both).
 */
export function parseFlowFile(
  input: {
    file: string
    rel: string
    raw: string
    expectedNamespace?: string
  },
  options: { fastYaml?: boolean } = {}
): FlowFile {
  const source = normaliseSource(input.raw)
  const { documents: parsed, lineCounter } = parseDocuments(source, options.fastYaml ?? true)
  const first = parsed[0]
  const contents = first?.contents
  const id = isMap(contents) ? scalarString(contents.get('id', true)) : undefined
  const namespace = isMap(contents) ? scalarString(contents.get('namespace', true)) : undefined
  const notAFlow =
    first !== undefined &&
    first.errors.length === 0 &&
    (!isMap(contents) || (!contents.has('id') && !contents.has('tasks')))
  return {
    file: input.file,
    rel: input.rel,
    raw: input.raw,
    source,
    documents: parsed,
    lineCounter,
    id,
    namespace,
    expectedNamespace: input.expectedNamespace,
    notAFlow
  }
}

function parseDocuments(source: string, fast = true): Pick<FlowFile, 'documents' | 'lineCounter'> {
  const quick = fast ? parseFastYaml(source) : undefined
  if (quick) return quick
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(source, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false
  })
  const all = Array.isArray(documents) ? documents : [documents]
  // A trailing `---` or comment-only tail yields an empty document: not a second flow.
  const parsed = all.filter(
    (doc, index) => index === 0 || doc.contents !== null || doc.errors.length > 0
  )
  return { documents: parsed, lineCounter }
}

/**
 * Lets go of a flow's syntax trees, most of a large repository's memory, once the checks that walk
 * them are done: they are parsed again from `source`, identically, if something asks for them.
 */
export function releaseSyntaxTrees(flow: FlowFile): void {
  let parsed: Pick<FlowFile, 'documents' | 'lineCounter'> | undefined
  const again = () => (parsed ??= parseDocuments(flow.source))
  for (const key of ['documents', 'lineCounter'] as const) {
    Object.defineProperty(flow, key, {
      get: () => again()[key],
      configurable: true,
      enumerable: true
    })
  }
}

function scalarString(node: unknown): string | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
    return String(node.value)
  }
  return undefined
}

/** 1-based line/column of a character offset. */
export function positionOf(
  lineCounter: LineCounter,
  offset: number
): { line: number; column: number } {
  const pos = lineCounter.linePos(offset)
  return { line: pos.line, column: pos.col }
}
