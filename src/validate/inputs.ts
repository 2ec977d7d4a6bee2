import type { Node, YAMLMap } from 'yaml'
import type { Finding } from './finding.js'
import type { Entry, FlowDocument } from './flow-document.js'
import { dependencyProblems } from './dependencies.js'
import type { KestraVersion, VersionedFinding } from './server-version.js'
import { SCHEDULE_TYPES } from './schedule-cron.js'
import type { TaskTree } from './task-tree.js'

export const INPUT_ID_PATTERN = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/
/**
 * Input types of current Kestra (`Input`'s `@JsonSubTypes`, develop after 1.3). Kestra adds types over
 * its releases: one outside this list is a warning, and the server decides.
 */
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
  'EMAIL',
  'FORM'
])
/** `InputValidator`: defaults with `required: false`, or with `prefill`, are rejected since 1.1. */
const PREFILL_RELEASE: KestraVersion = [1, 1, 0]
const FILE_DEFAULT_URI = /^(file|nsfile):\/\//

export interface DeclaredInput {
  map: YAMLMap
  id?: string
  /** The `id:` (or deprecated `name:`) entry. */
  idEntry?: Entry
  type?: string
  required: boolean
  hasDefaults: boolean
  /** The FORM holding this input, for an input of a FORM's `inputs`. */
  form?: DeclaredInput
}

/** The flow's top-level inputs (a FORM counts as one). */
export function declaredInputs(document: FlowDocument): DeclaredInput[] {
  return inputList(document, document.get(document.root, 'inputs')?.value)
}

function inputList(document: FlowDocument, list: unknown, form?: DeclaredInput): DeclaredInput[] {
  const out: DeclaredInput[] = []
  for (const item of document.items(list)) {
    const map = document.map(item)
    if (!map) continue
    const idEntry = document.get(map, 'id') ?? document.get(map, 'name')
    const input: DeclaredInput = {
      map,
      required: document.string(document.get(map, 'required')?.value) !== 'false',
      hasDefaults: !document.isNull(document.get(map, 'defaults')?.value)
    }
    if (form) input.form = form
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

/** A FORM's own inputs. */
function children(document: FlowDocument, form: DeclaredInput): DeclaredInput[] {
  return form.type === 'FORM'
    ? inputList(document, document.get(form.map, 'inputs')?.value, form)
    : []
}

/** Every input declared: the top-level ones and those inside FORMs. */
function everyInput(document: FlowDocument, inputs = declaredInputs(document)): DeclaredInput[] {
  return inputs.flatMap((input) => [input, ...children(document, input)])
}

/** Every input a run resolves: FORMs replaced by their inputs (Kestra's `Input.expandToLeaves`). */
function leafInputs(document: FlowDocument, inputs: DeclaredInput[]): DeclaredInput[] {
  return inputs.flatMap((input) => (input.type === 'FORM' ? children(document, input) : [input]))
}

/** `form.child` for an input of a FORM, else the id: how runs, triggers and `dependsOn` name it. */
function inputPath(input: DeclaredInput): string | undefined {
  if (input.id === undefined) return undefined
  return input.form ? `${input.form.id ?? ''}.${input.id}` : input.id
}

/** Flow inputs and outputs: ids, types, duplicates, dependencies and type-specific rules. */
export function inputFindings(document: FlowDocument, tree: TaskTree): Finding[] {
  const inputs = declaredInputs(document)
  return [
    ...everyInput(document, inputs).flatMap((input) => oneInputFindings(document, input)),
    ...inputs.flatMap((input) => formFindings(document, input)),
    ...duplicates(document, inputs, 'input'),
    ...pathFindings(document, leafInputs(document, inputs)),
    ...dependsOnFindings(document, inputs),
    ...outputFindings(document),
    ...scheduleFindings(document, leafInputs(document, inputs), tree)
  ]
}

/** `InputValidator`'s combinations of `defaults`, `required` and `prefill` (Kestra 1.1+). */
export function versionedInputFindings(document: FlowDocument): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  for (const input of everyInput(document)) {
    const defaults = document.get(input.map, 'defaults')
    if (!defaults || !input.hasDefaults) continue
    const label = inputLabel(input)
    if (!input.required) {
      findings.push(
        document.versioned(
          PREFILL_RELEASE,
          'warning',
          document.get(input.map, 'required')?.key ?? defaults.key,
          'input-defaults-optional',
          `${label} has \`defaults\` and \`required: false\`: Kestra 1.1+ rejects this ('Inputs with a default value must be required, since the default is always applied'). Remove \`required: false\`, or replace \`defaults\` with \`prefill\` to keep the input optional`
        )
      )
    }
    const prefill = document.get(input.map, 'prefill')
    if (prefill && !document.isNull(prefill.value)) {
      findings.push(
        document.versioned(
          PREFILL_RELEASE,
          'warning',
          prefill.key,
          'input-defaults-prefill',
          `${label} has both \`defaults\` and \`prefill\`: Kestra 1.1+ rejects this ('Inputs with a default value cannot also have a prefill'). Keep one of them`
        )
      )
    }
  }
  return findings
}

function inputLabel(input: DeclaredInput): string {
  const path = inputPath(input)
  return path !== undefined ? `Input '${path}'` : 'Input'
}

function oneInputFindings(document: FlowDocument, input: DeclaredInput): Finding[] {
  const findings: Finding[] = []
  const map = input.map
  const idNode: Node = input.idEntry?.key ?? map
  const label = inputLabel(input)
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
  if (!typeEntry || document.isNull(typeEntry.value)) {
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
        'warning',
        typeEntry.value ?? typeEntry.key,
        'input-type',
        `Input type '${input.type ?? ''}' is not one this action knows (${[...INPUT_TYPES].join(', ')}). If your Kestra is newer than this action the server decides; otherwise fix the type`
      )
    )
  }
  const defaults = document.get(map, 'defaults')
  const literal = document.string(defaults?.value)
  if (
    defaults &&
    input.type === 'FILE' &&
    literal !== undefined &&
    !/\{[{%]/.test(literal) &&
    !FILE_DEFAULT_URI.test(literal)
  ) {
    findings.push(
      document.finding(
        'error',
        defaults.value ?? defaults.key,
        'input-file-defaults',
        `${label}: a FILE input's \`defaults\` can only be a file:// or nsfile:// URI (e.g. nsfile:///data/input.csv), not '${literal}'. Fix the URI or remove \`defaults\``
      )
    )
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

/**
 * FORM rules of Kestra's develop line after 1.3 (`InputValidator`, `FormInput`): no defaults or
 * prefill, no FORM inside a FORM, an `inputs` list. Warnings: which 1.3.x release enforces them is not
 * known.
 */
function formFindings(document: FlowDocument, form: DeclaredInput): Finding[] {
  if (form.type !== 'FORM') return []
  const findings: Finding[] = []
  const label = inputLabel(form)
  for (const key of ['defaults', 'prefill']) {
    const entry = document.get(form.map, key)
    if (!entry || document.isNull(entry.value)) continue
    findings.push(
      document.finding(
        'warning',
        entry.key,
        'input-form',
        `${label} is a FORM: it groups other inputs and cannot declare \`${key}\` (Kestra rejects it). Set \`${key}\` on the inputs inside the form`
      )
    )
  }
  const inputs = document.get(form.map, 'inputs')
  if (!inputs || document.isNull(inputs.value)) {
    findings.push(
      document.finding(
        'warning',
        form.idEntry?.key ?? form.map,
        'input-form',
        `${label} is a FORM without \`inputs\`: list the inputs it groups`
      )
    )
  }
  for (const child of children(document, form)) {
    if (child.type !== 'FORM') continue
    findings.push(
      document.finding(
        'warning',
        document.get(child.map, 'type')?.value ?? child.map,
        'input-form',
        `${inputLabel(child)} is a FORM inside the FORM '${form.id ?? ''}': forms cannot be nested (Kestra rejects it). Move its inputs into '${form.id ?? ''}' or make it a top-level FORM`
      )
    )
  }
  return findings
}

/** Expanded input paths (`form.child`) that repeat, or where one is nested under another. */
function pathFindings(document: FlowDocument, leaves: DeclaredInput[]): Finding[] {
  const findings: Finding[] = []
  const seen = new Map<string, DeclaredInput>()
  for (const leaf of leaves) {
    const path = inputPath(leaf)
    if (path === undefined) continue
    const at = leaf.idEntry?.key ?? leaf.map
    if (seen.has(path) && path.includes('.')) {
      findings.push(
        document.finding(
          'warning',
          at,
          'input-path',
          `Duplicate input path [${path}]: another input (in a FORM or with a dotted id) resolves to the same path. Rename one`
        )
      )
      continue
    }
    const clash = [...seen.keys()].find(
      (other) => other.startsWith(`${path}.`) || path.startsWith(`${other}.`)
    )
    if (clash !== undefined && (leaf.form || seen.get(clash)?.form)) {
      findings.push(
        document.finding(
          'warning',
          at,
          'input-path',
          `Input path '${path}' conflicts with '${clash}': one cannot be nested under the other. Rename one`
        )
      )
    }
    seen.set(path, leaf)
  }
  return findings
}

/**
 * `dependsOn.inputs` must name inputs, with no cycle. Inside FORMs, inputs are named by their dotted
 * path (`form.child`): a bare sibling id or a FORM's own id is a warning, as Kestra's develop line
 * rejects it and older releases' handling is not known.
 */
function dependsOnFindings(document: FlowDocument, inputs: DeclaredInput[]): Finding[] {
  const leaves = leafInputs(document, inputs)
  const members = leaves.map((input) => ({
    id: inputPath(input),
    dependsOn: document.get(document.get(input.map, 'dependsOn')?.value, 'inputs')?.value
  }))
  const looseNames = new Set(
    inputs.flatMap((input) =>
      input.type === 'FORM' ? [input.id, ...children(document, input).map((c) => c.id)] : []
    )
  )
  const { unknown, cycle } = dependencyProblems(document, members)
  const findings = unknown.map(({ node, name, member }) =>
    looseNames.has(name)
      ? document.finding(
          'warning',
          node,
          'input-depends-on',
          `Input '${members[member]!.id ?? ''}' depends on '${name}', which is a FORM or an input inside one: name an input by its full dotted path (e.g. 'form.input')`
        )
      : document.finding(
          'error',
          node,
          'input-depends-on',
          `Input with id '${members[member]!.id ?? ''}' depends on a non-existent input '${name}': fix the name or declare that input`
        )
  )
  if (cycle) {
    const input = leaves.find((candidate) => inputPath(candidate) === cycle[0])
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

/**
 * Newer Kestra (PR #15090) refuses a Schedule that does not give every required input without default;
 * inputs of a FORM are given by their dotted path.
 */
function scheduleFindings(
  document: FlowDocument,
  leaves: DeclaredInput[],
  tree: TaskTree
): Finding[] {
  const needed = leaves.filter(
    (input) => inputPath(input) !== undefined && input.required && !input.hasDefaults
  )
  if (needed.length === 0) return []
  const findings: Finding[] = []
  for (const trigger of tree.triggers) {
    if (trigger.type === undefined || !SCHEDULE_TYPES.has(trigger.type)) continue
    const given = new Set(
      document.entries(document.get(trigger.map, 'inputs')?.value).map((e) => String(e.key.value))
    )
    const missing = needed.map((input) => inputPath(input) as string).filter((id) => !given.has(id))
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
