import type { Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import type { FlowDocument } from './flow-document.js'

const LABEL_KEY_PATTERN = /^\p{Ll}[\p{L}0-9._-]*$/u
const SYSTEM_PREFIX = 'system.'
const READ_ONLY = 'system.readOnly'

/** Labels as a map (`key: value`) or a list of `{key, value}`: reserved `system.` keys and key format. */
export function labelFindings(document: FlowDocument): Finding[] {
  const labels = document.get(document.root, 'labels')
  if (!labels) return []
  const pairs: { key: string; node: Node }[] = []
  for (const entry of document.entries(labels.value)) {
    pairs.push({ key: String(entry.key.value), node: entry.key })
  }
  for (const item of document.items(labels.value)) {
    const keyEntry = document.get(item, 'key')
    const key = document.string(keyEntry?.value)
    if (keyEntry && key !== undefined) pairs.push({ key, node: keyEntry.value ?? keyEntry.key })
  }
  const findings: Finding[] = []
  for (const { key, node } of pairs) {
    if (key.startsWith(SYSTEM_PREFIX) && key !== READ_ONLY) {
      findings.push(
        document.finding(
          'error',
          node,
          'system-label',
          `Label '${key}': system labels can only be set by Kestra itself (only ${READ_ONLY} is allowed). Rename the label`
        )
      )
    } else if (!key.startsWith(SYSTEM_PREFIX) && !LABEL_KEY_PATTERN.test(key)) {
      findings.push(
        document.finding(
          'warning',
          node,
          'label-key',
          `Label key '${key}' does not start with a lower-case letter followed by letters, digits, '.', '_' or '-': Kestra 1.2+ rejects it. Rename the label`
        )
      )
    }
  }
  return findings
}
