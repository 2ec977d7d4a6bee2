import type { Finding } from '../../model/finding.js'
import type { FlowDocument } from './decide-document.js'
import { declaredInputs } from './decide-inputs.js'
import { blankStrings, expressions, templatedScalars } from './decide-pebble.js'
import type { TaskTree } from './decide-task-tree.js'

/**
 * `{{ inputs.my-input }}` / `{{ outputs.my-task.value }}` where `my-input` / `my-task` is a declared
 * id: Pebble reads the dash as a subtraction, and Kestra rejects it. Only declared dashed ids count,
 * so `{{ inputs.a - 1 }}` or `{{ inputs.a-b }}` with an input `a` are left alone.
 */
export function dashedReferenceFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const dashed = {
    inputs: new Set(
      declaredInputs(document).flatMap((input) => (input.id?.includes('-') ? [input.id] : []))
    ),
    outputs: new Set(tree.tasks.flatMap((task) => (task.id?.includes('-') ? [task.id] : [])))
  }
  if (dashed.inputs.size === 0 && dashed.outputs.size === 0) return []
  const findings: Finding[] = []
  const reference = /(?<![\w.\]'"])(inputs|outputs)\.([A-Za-z0-9_][A-Za-z0-9_-]*)/g
  for (const scalar of templatedScalars(document.doc)) {
    const value = scalar.value
    for (const expression of expressions(value)) {
      const body = blankStrings(expression.body)
      for (const match of body.matchAll(reference)) {
        const kind = match[1] as 'inputs' | 'outputs'
        const name = match[2] as string
        if (!dashed[kind].has(name)) continue
        const needle = match[0]
        const index = expression.start + match.index
        const occurrence = value.slice(0, index).split(needle).length - 1
        const kindName = kind === 'inputs' ? 'input' : 'output'
        findings.push(
          document.findingAt(
            'error',
            document.locateInScalar(scalar, needle, occurrence),
            'dashed-reference',
            `Invalid ${kindName} reference \`${needle}\`: Pebble reads '-' as a minus. Use bracket notation: ${kind}['${name}']`
          )
        )
      }
    }
  }
  return findings
}
