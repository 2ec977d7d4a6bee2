import { isScalar, type Document, isPair, isSeq, visit, type YAMLMap } from 'yaml'
import type { FlowFile } from '../../model/repository.js'
import type { Finding } from '../../model/finding.js'
import { offsetPosition, type FlowDocument } from './decide-document.js'

/** Syntax errors, duplicate keys and parser warnings of one document, each at its exact position. */
export function yamlFindings(flow: FlowFile, doc: Document.Parsed): Finding[] {
  const findings: Finding[] = []
  const syntaxLines = new Set<number>()
  for (const error of doc.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY'
    const key = duplicate ? keyText(flow.source, error.pos[0]) : ''
    const position = offsetPosition(flow, skipBlank(flow.source, error.pos[0]))
    // One parse error tends to cascade into several on the same line: the first says the most.
    if (!duplicate && syntaxLines.has(position.line)) continue
    if (!duplicate) syntaxLines.add(position.line)
    // Engine 1.3.31 and 2.0.0: saving a flow with a duplicate key is refused ("Duplicate field"), while their
    // validate endpoint keeps the last value (docs/validation-rules.md).
    findings.push({
      severity: 'error',
      file: flow.file,
      ...position,
      rule: duplicate ? 'duplicate-key' : 'yaml-syntax',
      message: duplicate
        ? `Duplicate key${key ? ` '${key}'` : ''}: this mapping already has it above. Kestra refuses to save a flow with a duplicate key (its validate endpoint alone keeps the last value written${lastValue(flow.source, error.pos[0])}): remove the one you do not mean`
        : `YAML syntax error: ${error.message}. Fix the YAML (check indentation and quoting)`
    })
  }
  for (const warning of doc.warnings) {
    findings.push({
      severity: 'warning',
      file: flow.file,
      ...offsetPosition(flow, skipBlank(flow.source, warning.pos[0])),
      rule: 'yaml-warning',
      message: `YAML warning: ${warning.message}`
    })
  }
  return findings
}

/** Unknown anchors, recursive aliases and alias bombs. */
export function aliasFindings(document: FlowDocument): Finding[] {
  return document.aliases.problems.map((problem) =>
    document.finding('error', problem.node, 'yaml-alias', `YAML alias: ${problem.message}`)
  )
}

/** Every document after the first is an error on its `---` line: one flow file holds one flow. */
export function multipleDocumentFindings(flow: FlowFile): Finding[] {
  return flow.documents
    .slice(1)
    .filter((doc) => !isEmptyDocument(doc))
    .map((doc) => {
      const start = documentStart(flow.source, doc)
      return {
        severity: 'error',
        file: flow.file,
        ...offsetPosition(flow, start),
        rule: 'multiple-documents',
        message:
          'A flow file must hold exactly one YAML document: move this document (after `---`) into a file of its own'
      }
    })
}

export function notAFlowFinding(flow: FlowFile): Finding {
  return {
    severity: 'warning',
    file: flow.file,
    line: 1,
    column: 1,
    rule: 'not-a-flow',
    message:
      'Not a flow (no id and no tasks): skipped, not deployed. Move it out of the flows folder or add id, namespace and tasks'
  }
}

/** A bare trailing `---` parses as a document holding an empty scalar: not a second flow. */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const contents = doc.contents
  return (
    doc.errors.length === 0 &&
    (contents === null || (isScalar(contents) && contents.value === null && contents.source === ''))
  )
}

function documentStart(source: string, doc: Document.Parsed): number {
  const [start] = doc.range
  const contentStart = doc.contents?.range?.[0] ?? doc.range[1]
  const marker = /^---/gm
  marker.lastIndex = start
  const found = marker.exec(source)
  return found && found.index <= contentStart ? found.index : start
}

/** Parser errors sometimes start on the blank line before the culprit: point at the culprit. */
function skipBlank(source: string, offset: number): number {
  let at = offset
  while (at < source.length && /\s/.test(source[at] ?? '')) at++
  return at < source.length ? at : offset
}

/** ` (here, \`value\`)` when this occurrence is the last one and its value fits on its line; else nothing. */
function lastValue(source: string, offset: number): string {
  const end = source.indexOf('\n', offset)
  const line = source.slice(offset, end === -1 ? undefined : end)
  const value = /^[^:\n]{1,100}:[ \t]+([^\n#]{1,60})$/.exec(line)?.[1]?.trim()
  if (!value || value.includes('`')) return ''
  const key = keyText(source, offset)
  const later = source.slice(offset + line.length)
  const indent =
    /^[ \t-]*/.exec(source.slice(source.lastIndexOf('\n', offset) + 1, offset))?.[0].length ?? 0
  const again = new RegExp(
    `\\n[ \\t]{${indent}}${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*:`
  )
  return again.test(later) ? '' : ` (here, \`${value}\`)`
}

function keyText(source: string, offset: number): string {
  const match = /^[^:\n]{1,100}/.exec(source.slice(offset, offset + 120))
  return match ? match[0].trim().replace(/^["']|["']$/g, '') : ''
}

/**
 * `message: {{ name }}` is YAML for a flow mapping whose key is another mapping, not a string: Kestra
 * then fails to read the flow with an error that does not say why. Same for `{% … %}` (a syntax error)
 * and for a flow sequence item. Works on documents with syntax errors too: it explains them.
 */
export function unquotedPebbleFindings(flow: FlowFile, doc: Document.Parsed): Finding[] {
  const findings: Finding[] = []
  visit(doc, {
    Map(key, node, path) {
      if (!node.flow || !startsPebble(flow.source, node)) return undefined
      const [start = 0, end = start] = node.range ?? []
      const parent = path[path.length - 1]
      const inFlow = isSeq(parent) && parent.flow === true
      const expression = inFlow ? flow.source.slice(start, end) : expressionText(flow.source, start)
      const prefix =
        key === 'value' && isPair(parent) && isScalar(parent.key)
          ? `${String(parent.key.value)}: `
          : isSeq(parent) && !inFlow
            ? '- '
            : ''
      findings.push({
        severity: 'error',
        file: flow.file,
        ...offsetPosition(flow, start),
        rule: 'unquoted-pebble',
        message: `Unquoted Pebble expression: YAML reads \`${expression}\` as a mapping, not a string, and Kestra rejects the flow: quote the expression: ${prefix}${quoted(expression)}`
      })
      return visit.SKIP
    }
  })
  return findings
}

function startsPebble(source: string, node: YAMLMap): boolean {
  const start = node.range?.[0]
  return start !== undefined && /^\{[{%]/.test(source.slice(start, start + 2))
}

/** The expression as written: up to the end of its line, without a trailing ` # comment`. */
function expressionText(source: string, start: number): string {
  const end = source.indexOf('\n', start)
  const line = source.slice(start, end < 0 ? source.length : end)
  const comment = line.search(/\s#(?![^{]*[}%]\})/)
  return (comment < 0 ? line : line.slice(0, comment)).trimEnd()
}

function quoted(text: string): string {
  if (!text.includes('"') && !text.includes('\\')) return `"${text}"`
  return `'${text.replace(/'/g, "''")}'`
}
