import { isPair, isScalar, isSeq, visit } from 'yaml'
import type { Document, YAMLMap } from 'yaml'
import type { FlowFile } from '../../model/repository.js'
import type { Finding } from '../../model/finding.js'
import { offsetPosition } from './decide-document.js'

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
