import type { Node, YAMLMap } from 'yaml'
import type { Finding } from './finding.js'
import type { Entry, FlowDocument } from './flow-document.js'
import { dependencyProblems } from './dependencies.js'
import type { TaskTree } from './task-tree.js'

export const INPUT_ID_PATTERN = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/
export const INPUT_TYPES = new Set([
  'STRING',
  'ENUM',
  'SELECT',
  'MULTISELECT',
  'INT',
  'FLOAT',
  'BOOLEAN',
  'BOOL',
  'DATETIME',
  'DATE',
  'TIME',
  'DURATION',
  'FILE',
  'JSON',
  'URI',
  'SECRET',
  'ARRAY',
  'YAML',
  'EMAIL'
])
const SCHEDULE_TYPES = new Set([
  'io.kestra.plugin.core.trigger.Schedule',
  'io.kestra.core.models.triggers.types.Schedule'
])

export interface DeclaredInput {
  map: YAMLMap
  id?: string
  /** The `id:` (or deprecated `name:`) entry. */
  idEntry?: Entry
  type?: string
  required: boolean
  hasDefaults: boolean
}

export function declaredInputs(document: FlowDocument): DeclaredInput[] {
  const out: DeclaredInput[] = []
  for (const item of document.items(document.get(document.root, 'inputs')?.value)) {
    const map = document.map(item)
    if (!map) continue
    const idEntry = document.get(map, 'id') ?? document.get(map, 'name')
    const input: DeclaredInput = {
      map,
      required: document.string(document.get(map, 'required')?.value) !== 'false',
      hasDefaults: !document.isNull(document.get(map, 'defaults')?.value)
    }
    if (idEntry) {
      input.idEntry = idEntry
      const id = document.string(idEntry.value)
      if (id !== undefined) input.id = id
    }
    const type = document.string(document.get(map, 'type')?.value)
    if (type !== undefined) input.type = type
    out.push(input)
  }
  return out
}

/** Flow inputs and outputs: ids, types, duplicates, dependencies and type-specific rules. */
export function inputFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const inputs = declaredInputs(document)
  return [
    ...inputs.flatMap((input) => oneInputFindings(document, input)),
    ...duplicates(document, inputs, 'input'),
    ...dependsOnFindings(document, inputs),
    ...outputFindings(document),
    ...scheduleFindings(document, inputs, tree)
  ]
}

function oneInputFindings(document: FlowDocument, input: DeclaredInput): Finding[] {
  const findings: Finding[] = []
  const map = input.map
  const idNode: Node = input.idEntry?.key ?? map
  const label = input.id !== undefined ? `Input '${input.id}'` : 'Input'
  if (!input.idEntry) {
    findings.push(document.finding('error', map, 'input-id', 'Input has no `id`: add one'))
  } else {
    if (String(input.idEntry.key.value) === 'name' && !document.get(map, 'id')) {
      findings.push(
        document.finding(
          'warning',
          input.idEntry.key,
          'input-name-deprecated',
          `${label} uses the deprecated \`name:\`: rename the key to \`id:\``
        )
      )
    }
    if (input.id === undefined || !INPUT_ID_PATTERN.test(input.id)) {
      findings.push(
        document.finding(
          'error',
          idNode,
          'input-id',
          `Input id '${input.id ?? ''}' is invalid: use letters, digits, '.', '_' or '-' (no spaces), starting with a letter or digit`
        )
      )
    }
  }
  const typeEntry = document.get(map, 'type')
  if (!typeEntry) {
    findings.push(
      document.finding(
        'error',
        idNode,
        'input-type',
        `${label} has no \`type\`: add one, e.g. \`type: STRING\``
      )
    )
  } else if (input.type === undefined || !INPUT_TYPES.has(input.type)) {
    findings.push(
      document.finding(
        'error',
        typeEntry.value ?? typeEntry.key,
        'input-type',
        `Invalid type: ${input.type ?? ''}. Use one of ${[...INPUT_TYPES].join(', ')}`
      )
    )
  }
  const defaults = document.get(map, 'defaults')
  if (defaults && input.hasDefaults) {
    if (!input.required && document.get(map, 'required')) {
      findings.push(
        document.finding(
          'warning',
          defaults.key,
          'input-defaults-not-required',
          `${label} has \`required: false\` and \`defaults\`: newer Kestra rejects this ('Inputs with a default value must be required'). Remove \`required: false\``
        )
      )
    }
    if (document.get(map, 'prefill')) {
      findings.push(
        document.finding(
          'warning',
          defaults.key,
          'input-defaults-not-required',
          `${label} has both \`prefill\` and \`defaults\`: newer Kestra rejects this. Keep one`
        )
      )
    }
    if (input.type === 'FILE') {
      findings.push(
        document.finding(
          'error',
          defaults.key,
          'input-file-defaults',
          `${label}: no \`defaults\` can be set for inputs of type FILE. Remove \`defaults\``
        )
      )
    }
  }
  const itemType = document.get(map, 'itemType')
  const itemTypeValue = document.string(itemType?.value)
  if (
    input.type === 'ARRAY' &&
    itemType &&
    (itemTypeValue === 'ARRAY' || itemTypeValue === 'SECRET')
  ) {
    findings.push(
      document.finding(
        'error',
        itemType.value ?? itemType.key,
        'input-item-type',
        `${label}: \`itemType\` cannot be \`${itemTypeValue}\`. Use a scalar type such as STRING`
      )
    )
  }
  if (input.type === 'MULTISELECT' && document.get(map, 'values') && document.get(map, 'options')) {
    const options = document.get(map, 'options') as Entry
    findings.push(
      document.finding(
        'error',
        options.key,
        'input-multiselect',
        `${label}: you can't define both \`values\` and \`options\`. Keep \`values\` (\`options\` is deprecated)`
      )
    )
  }
  const validator = document.get(map, 'validator')
  const pattern = document.string(validator?.value)
  if (validator && pattern !== undefined && /(^|[^\\])(\\\\)*\\$/.test(pattern)) {
    findings.push(
      document.finding(
        'error',
        validator.value ?? validator.key,
        'input-validator',
        `${label}: \`validator\` is not a valid regular expression (it ends with a lone backslash). Escape it as \\\\`
      )
    )
  }
  return findings
}

function duplicates(
  document: FlowDocument,
  items: { id?: string; idEntry?: Entry }[],
  kind: 'input' | 'output'
): Finding[] {
  const seen = new Set<string>()
  const findings: Finding[] = []
  for (const item of items) {
    if (item.id === undefined || !item.idEntry) continue
    if (seen.has(item.id)) {
      findings.push(
        document.finding(
          'error',
          item.idEntry.key,
          `duplicate-${kind}-id`,
          `Duplicate ${kind} with name [${item.id}]: ${kind} ids must be unique. Rename or remove this one`
        )
      )
    }
    seen.add(item.id)
  }
  return findings
}

function dependsOnFindings(document: FlowDocument, inputs: DeclaredInput[]): Finding[] {
  const members = inputs.map((input) => ({
    id: input.id,
    dependsOn: document.get(document.get(input.map, 'dependsOn')?.value, 'inputs')?.value
  }))
  const { unknown, cycle } = dependencyProblems(document, members)
  const findings = unknown.map(({ node, name, member }) =>
    document.finding(
      'error',
      node,
      'input-depends-on',
      `Input with id '${inputs[member]!.id ?? ''}' depends on a non-existent input '${name}': fix the name or declare that input`
    )
  )
  if (cycle) {
    const input = inputs.find((candidate) => candidate.id === cycle[0])
    findings.push(
      document.finding(
        'error',
        input?.idEntry?.key ?? input?.map,
        'input-depends-on',
        `Cycle dependency between inputs: ${cycle.join(' → ')}. Remove one dependsOn entry`
      )
    )
  }
  return findings
}

function outputFindings(document: FlowDocument): Finding[] {
  const outputs: { id?: string; idEntry?: Entry }[] = []
  const findings: Finding[] = []
  for (const item of document.items(document.get(document.root, 'outputs')?.value)) {
    const map = document.map(item)
    if (!map) continue
    const idEntry = document.get(map, 'id')
    const id = document.string(idEntry?.value)
    if (!idEntry) {
      findings.push(document.finding('error', map, 'output-id', 'Flow output has no `id`: add one'))
    } else if (id === undefined || !INPUT_ID_PATTERN.test(id)) {
      findings.push(
        document.finding(
          'error',
          idEntry.key,
          'output-id',
          `Output id '${id ?? ''}' is invalid: use letters, digits, '.', '_' or '-', starting with a letter or digit`
        )
      )
    }
    outputs.push(id !== undefined && idEntry ? { id, idEntry } : {})
  }
  return [...findings, ...duplicates(document, outputs, 'output')]
}

/** Newer Kestra (PR #15090) refuses a Schedule that does not give every required input without default. */
function scheduleFindings(
  document: FlowDocument,
  inputs: DeclaredInput[],
  tree: TaskTree
): Finding[] {
  const needed = inputs.filter(
    (input) => input.id !== undefined && input.required && !input.hasDefaults
  )
  if (needed.length === 0) return []
  const findings: Finding[] = []
  for (const trigger of tree.triggers) {
    if (trigger.type === undefined || !SCHEDULE_TYPES.has(trigger.type)) continue
    const given = new Set(
      document.entries(document.get(trigger.map, 'inputs')?.value).map((e) => String(e.key.value))
    )
    const missing = needed.map((input) => input.id as string).filter((id) => !given.has(id))
    if (missing.length === 0) continue
    findings.push(
      document.finding(
        'warning',
        trigger.at,
        'schedule-missing-inputs',
        `Schedule trigger '${trigger.id ?? trigger.path}' does not supply required input(s) without defaults (${missing.join(', ')}): every scheduled run fails, and newer Kestra rejects the flow. Add them under the trigger's \`inputs\` or give them defaults`
      )
    )
  }
  return findings
}
