import {
  isMap,
  isScalar,
  LineCounter,
  parseAllDocuments,
  YAMLParseError,
  type Document
} from 'yaml'
import { normaliseText } from './content.js'
import type { FlowFile } from './repository.js'

type FlowInput = Pick<FlowFile, 'file' | 'rel' | 'raw' | 'expectedNamespace'>

/** Parses a flow file once, keeping positions. Never throws: YAML problems stay in `documents[i].errors`. */
export function parseFlowFile(input: FlowInput): FlowFile {
  // Line numbers stay those of the raw file: only a BOM and CRs go.
  const source = normaliseText(input.raw)
  const lineCounter = new LineCounter()
  const all = parseAllDocuments(source, { lineCounter, uniqueKeys: true, prettyErrors: false })
  // A trailing `---` or comment-only tail yields an empty document: not a second flow.
  const documents = (Array.isArray(all) ? all : [all]).filter(
    (doc, index) => index === 0 || doc.contents !== null || doc.errors.length > 0
  )
  const first = documents[0]
  if (first) forbiddenCharacterError(source, first)
  const contents = first?.contents
  const id = isMap(contents) ? scalarString(contents.get('id', true)) : undefined
  const namespace = isMap(contents) ? scalarString(contents.get('namespace', true)) : undefined
  const parsed = first !== undefined && first.errors.length === 0
  return {
    file: input.file,
    rel: input.rel,
    raw: input.raw,
    source,
    documents,
    lineCounter,
    id,
    namespace,
    expectedNamespace: input.expectedNamespace,
    notAFlow: parsed && (!isMap(contents) || (!contents.has('id') && !contents.has('tasks'))),
    otherKind: parsed ? otherKindOf(first) : undefined
  }
}

/** Checks reused: parsed only if its tree is asked for (docs/performance.md#incremental-planning). */
export function reusedFlowFile(
  input: FlowInput,
  known: Pick<FlowFile, 'id' | 'namespace' | 'notAFlow' | 'otherKind'> & { wellFormed: boolean }
): FlowFile {
  const flow = {
    file: input.file,
    rel: input.rel,
    raw: input.raw,
    source: normaliseText(input.raw),
    expectedNamespace: input.expectedNamespace,
    id: known.id,
    namespace: known.namespace,
    notAFlow: known.notAFlow,
    otherKind: known.otherKind,
    sendable: known.wellFormed
  } as FlowFile
  releaseSyntaxTree(flow)
  return flow
}

/**
 * Drops a checked flow's syntax tree (~13 kB a flow, most of a big repository's memory); a later rule re-parses.
 */
export function releaseSyntaxTree(flow: FlowFile): void {
  let parsed: FlowFile | undefined
  const parse = () => (parsed ??= parseFlowFile(flow))
  for (const field of ['documents', 'lineCounter'] as const) {
    Object.defineProperty(flow, field, {
      get: () => parse()[field],
      enumerable: true,
      configurable: true
    })
  }
}

/**
 * Not allowed in YAML (C0/C1 controls but tab, LF, CR, NEL; DEL; lone surrogates; U+FFFE/F); Kestra refuses them.
 */
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/u

/** The first forbidden character is a syntax error of the first document, at its position. */
function forbiddenCharacterError(source: string, document: Document.Parsed): void {
  const found = FORBIDDEN.exec(source)
  if (!found) return
  const code = `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
  document.errors.unshift(
    new YAMLParseError(
      [found.index, found.index + 1],
      'UNEXPECTED_TOKEN',
      `character ${code} is not allowed in YAML (a NUL or another control character); remove it`
    )
  )
}

/** A key at the start of a line: a top-level key of a block mapping, as flows are written. */
const TOP_LEVEL_KEY = Object.fromEntries(
  ['id', 'namespace', 'tasks', 'type'].map((key) => [
    key,
    new RegExp(`^(?:${key}|"${key}"|'${key}')[ \\t]*:(?:[ \\t]|$)`, 'm')
  ])
) as Record<'id' | 'namespace' | 'tasks' | 'type', RegExp>

/** What a YAML text holds, from its top-level keys without parsing (most YAML of a repository is not Kestra's). */
export function kindOfText(source: string): 'flow' | 'other-kind' | 'none' {
  const has = (key: keyof typeof TOP_LEVEL_KEY) => TOP_LEVEL_KEY[key].test(source)
  if (!has('id') || !has('namespace')) return 'none'
  if (has('type')) return 'other-kind'
  return has('tasks') ? 'flow' : 'none'
}

/** The top-level `type` of a document that is a mapping: another Kestra kind than a flow. */
function otherKindOf(document: Document.Parsed): string | undefined {
  const contents = document.contents
  if (!isMap(contents) || !contents.has('type')) return undefined
  return scalarString(contents.get('type', true)) ?? 'unknown'
}

function scalarString(node: unknown): string | undefined {
  if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
    return String(node.value)
  }
  return undefined
}
