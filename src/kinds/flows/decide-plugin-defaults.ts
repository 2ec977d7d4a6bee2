import type { Node } from 'yaml'
import type { Finding } from '../../model/finding.js'
import type { FlowDocument } from './decide-document.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import type { TaskTree } from './decide-task-tree.js'

/**
 * `TaskDefaultValidator` (0.16) then `PluginDefaultValidator`: a `values` map. Core 1.3.31 run refuses a default
 * without one ("…getValues() is null") and accepts a key of it whose value is null.
 */
const VALUES_CHECKED: KestraVersion = [0, 16, 0]

/**
 * The flow's `pluginDefaults` (or the pre-1.0 `taskDefaults`) entries: each needs a `values` map (a missing
 * `type` is the schema's). Whether the type and properties exist needs the server's plugins.
 */
export function pluginDefaultFindings(document: FlowDocument): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  for (const key of ['pluginDefaults', 'taskDefaults']) {
    document.items(document.get(document.root, key)?.value).forEach((item, index) => {
      const entry = document.map(item)
      if (!entry) return
      const where = `${key}[${index}]`
      const values = document.get(entry, 'values')
      if (!values || document.isNull(values.value)) {
        findings.push(
          document.versioned(
            VALUES_CHECKED,
            'error',
            values?.key ?? item,
            'plugin-default-values',
            `${where} has no \`values\`: Kestra rejects a plugin default without them ("No 'values' provided"). Add the property values or remove the entry`
          )
        )
      }
    })
  }
  return findings
}

/**
 * A plugin's `pluginDefaultsRef` (Kestra 2.0: `FlowPluginDefault.ref`, "apply this default only to
 * plugins that opt in via pluginDefaultsRef") that no `ref` of the flow's `pluginDefaults` names: a
 * warning, since a namespace or instance plugin default may have it. Unresolved, Kestra rejects the flow
 * (core 1.3.31 run: "pluginDefaultsRef: No plugin-defaults exists for pluginDefaultsRef: '…'"), which the server's validation reports.
 */
export function pluginDefaultsRefFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const refs = new Set(
    document
      .items(document.get(document.root, 'pluginDefaults')?.value)
      .map((item) => document.string(document.get(item, 'ref')?.value))
  )
  const findings: Finding[] = []
  const visit = (plugin: unknown) => {
    for (const entry of document.entries(plugin)) {
      if (String(entry.key.value) === 'pluginDefaultsRef') {
        const ref = document.string(entry.value)
        if (ref !== undefined && !refs.has(ref))
          findings.push(unresolved(document, entry.value, ref))
      } else if (document.get(entry.value, 'type')) {
        visit(entry.value) // a plugin inside the plugin: a task runner
      }
    }
  }
  for (const node of [...tree.tasks, ...tree.triggers]) visit(node.map)
  return findings
}

function unresolved(document: FlowDocument, node: Node | undefined, ref: string): Finding {
  return document.finding(
    'warning',
    node,
    'plugin-defaults-ref',
    `pluginDefaultsRef '${ref}' names no \`ref\` of this flow's pluginDefaults: unless a namespace or instance plugin default has it, Kestra rejects the flow. Add a pluginDefaults entry with \`ref: ${ref}\`, or fix the name`
  )
}
