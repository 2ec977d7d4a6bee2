import type { Node } from 'yaml'
import type { Finding, Severity } from '../../model/finding.js'
import { repeats, type Entry, type FlowDocument } from './decide-document.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import { dependencyProblems } from './decide-depends-on.js'
import { SCHEDULE_TYPES } from './decide-schedules.js'
import type { TaskTree } from './decide-task-tree.js'
import {
  children,
  declaredInputs,
  everyInput,
  inputPath,
  type DeclaredInput
} from './decide-declared-inputs.js'

const INPUT_ID_PATTERN = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/
/**
 * Input types of current Kestra (`Input`'s `@JsonSubTypes`, develop after 1.3). Kestra adds types over
 * its releases: one outside this list is a warning, and the server decides.
 */
const INPUT_TYPES = new Set([
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
  'FORM',
  // 2.0.0's `Type` enum (the released core jar)
  'ION',
  'REUSABLE_INPUTS'
])
/**
 * `InputValidator`: defaults with `required: false`, or with `prefill`, are rejected since 1.1; core 1.3.31 and
 * 2.0.0 run refuse both, so they are errors when no server is known.
 */
const PREFILL_RELEASE: KestraVersion = [1, 1, 0]
/** 2.0.0's inputs have no `name` (core 2.0.0 run: "Unrecognized field \"name\""); 1.x reads it as the id. */
const NAME_REMOVED: KestraVersion = [2, 0, 0]
/**
 * `ArrayInputValidator` and `MultiselectInputValidator`, the same list in 1.3.31 and 2.0.0 (whose `Type` has no
 * ENUM at all): "`itemType` cannot be SELECT".
 */
const REFUSED_ITEM_TYPES = new Set(['ARRAY', 'SECRET', 'MULTISELECT', 'SELECT', 'ENUM'])
/**
 * FORM and its rules arrive together in Kestra 1.3.25's core jar (`Type` has FORM, 2.0.0's
 * `InputValidator`, `FlowValidator`'s dotted paths and `dependsOn` graph); 1.3.22's has none. A broken
 * FORM is an error where FORM is known (no server, 1.3.25+), a warning on an older server.
 */
const FORM_RELEASE: KestraVersion = [1, 3, 25]
/** `FlowValidator.findMissingInputsForTriggers`: first in the 2.0.0 core jar (not in 1.3.34's). */
const TRIGGER_INPUTS_RELEASE: KestraVersion = [2, 0, 0]
/** 2.0.0's `AbstractWebhookTrigger` (1.3.34's `Webhook` has no `inputs`). */
const WEBHOOK_TYPES = new Set([
  'io.kestra.plugin.core.trigger.Webhook',
  'io.kestra.core.models.triggers.types.Webhook'
])
const FILE_DEFAULT_URI = /^(file|nsfile):\/\//

/**
 * `versioned`: the findings whose severity follows the server's version: `InputValidator`'s
 * `defaults`/`required`/`prefill` (1.1+) and the FORM rules (2.0).
 */
export function inputFindings(
  document: FlowDocument,
  tree: TaskTree
): { findings: Finding[]; versioned: VersionedFinding[] } {
  const inputs = declaredInputs(document)
  // Every input a run resolves: FORMs replaced by their inputs (Kestra's `Input.expandToLeaves`).
  const leaves = inputs.flatMap((input) =>
    input.type === 'FORM' ? children(document, input) : [input]
  )
  const dependencies = dependsOnFindings(document, inputs, leaves)
  return {
    findings: [
      ...everyInput(document, inputs).flatMap((input) => oneInputFindings(document, input)),
      ...duplicates(document, inputs, 'input'),
      ...dependencies.fixed,
      ...outputFindings(document)
    ],
    versioned: [
      ...nameFindings(document, everyInput(document, inputs)),
      ...defaultsFindings(document, inputs),
      ...inputs.flatMap((input) => formFindings(document, input)),
      ...pathFindings(document, leaves),
      ...dependencies.onForms,
      ...triggerInputFindings(document, leaves, tree)
    ]
  }
}

function defaultsFindings(document: FlowDocument, inputs: DeclaredInput[]): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  const add = (node: Node, rule: string, message: string) =>
    findings.push(document.versioned(PREFILL_RELEASE, 'error', node, rule, message))
  for (const input of everyInput(document, inputs)) {
    const defaults = document.get(input.map, 'defaults')
    if (!defaults || !input.hasDefaults) continue
    const label = inputLabel(input)
    if (!input.required) {
      add(
        document.get(input.map, 'required')?.key ?? defaults.key,
        'input-defaults-optional',
        `${label} has \`defaults\` and \`required: false\`: Kestra 1.1 and later refuse it ("Inputs with a default value must be required, since the default is always applied"). Remove \`required: false\`, or replace \`defaults\` with \`prefill\` to keep the input optional`
      )
    }
    const prefill = document.get(input.map, 'prefill')
    if (prefill && !document.isNull(prefill.value)) {
      add(
        prefill.key,
        'input-defaults-prefill',
        `${label} has both \`defaults\` and \`prefill\`: Kestra 1.1 and later refuse it ("Inputs with a default value cannot also have a prefill"). Keep one of them`
      )
    }
  }
  return findings
}

/**
 * An input written with `name:` and no `id:`: 1.x reads it as the id (deprecated), 2.0.0 refuses it (core 2.0.0
 * run: "Unrecognized field \"name\" (class io.kestra.core.models.flows.input.StringInput)").
 */
function nameFindings(document: FlowDocument, inputs: DeclaredInput[]): VersionedFinding[] {
  return inputs.flatMap((input) =>
    input.idEntry && String(input.idEntry.key.value) === 'name' && !document.get(input.map, 'id')
      ? [
          document.versioned(
            NAME_REMOVED,
            'warning',
            input.idEntry.key,
            'input-name-deprecated',
            `${inputLabel(input)} is named with \`name:\`: Kestra 2.0 refuses it (Unrecognized field "name"), 1.x reads it as the deprecated spelling of \`id:\`. Rename the key to \`id:\``
          )
        ]
      : []
  )
}

function inputLabel(input: DeclaredInput): string {
  const path = inputPath(input)
  return path !== undefined ? `Input '${path}'` : 'Input'
}

function oneInputFindings(document: FlowDocument, input: DeclaredInput): Finding[] {
  const findings: Finding[] = []
  const add = (...args: Parameters<FlowDocument['finding']>) =>
    findings.push(document.finding(...args))
  const map = input.map
  const idNode: Node = input.idEntry?.key ?? map
  const label = inputLabel(input)
  if (!input.idEntry) {
    add('error', map, 'input-id', 'Input has no `id`: add one')
  } else {
    if (input.id === undefined || !INPUT_ID_PATTERN.test(input.id)) {
      add(
        'error',
        idNode,
        'input-id',
        `Input id '${input.id ?? ''}' is invalid: use letters, digits, '.', '_' or '-' (no spaces), starting with a letter or digit`
      )
    }
  }
  const typeEntry = document.get(map, 'type')
  if (!typeEntry || document.isNull(typeEntry.value)) {
    add('error', idNode, 'input-type', `${label} has no \`type\`: add one, e.g. \`type: STRING\``)
  } else if (input.type === undefined || !INPUT_TYPES.has(input.type)) {
    add(
      'warning',
      typeEntry.value ?? typeEntry.key,
      'input-type',
      `Input type '${input.type ?? ''}' is not one this action knows (${[...INPUT_TYPES].join(', ')}). If your Kestra is newer than this action the server decides; otherwise fix the type`
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
    add(
      'error',
      defaults.value ?? defaults.key,
      'input-file-defaults',
      `${label}: a FILE input's \`defaults\` can only be a file:// or nsfile:// URI (e.g. nsfile:///data/input.csv), not '${literal}'. Fix the URI or remove \`defaults\``
    )
  }
  const itemType = document.get(map, 'itemType')
  const itemTypeValue = document.string(itemType?.value)
  if (
    (input.type === 'ARRAY' || input.type === 'MULTISELECT') &&
    itemType &&
    itemTypeValue !== undefined &&
    REFUSED_ITEM_TYPES.has(itemTypeValue)
  ) {
    add(
      'error',
      itemType.value ?? itemType.key,
      'input-item-type',
      `${label}: Kestra refuses this \`itemType\` ("\`itemType\` cannot be ${itemTypeValue}"). Use a scalar type such as STRING`
    )
  }
  const options =
    input.type === 'MULTISELECT' && document.get(map, 'values') && document.get(map, 'options')
  if (options) {
    // Core 1.3.31 run: the flow loads; `MultiselectInput.validate` refuses each execution's value.
    add(
      'warning',
      options.key,
      'input-multiselect',
      `${label}: Kestra 1.3 loads the flow but fails every execution that gives this input ("you can't define both \`values\` and \`options\`"), and Kestra 2.0 has no \`options\`. Keep \`values\``
    )
  }
  const validator = document.get(map, 'validator')
  const pattern = document.string(validator?.value)
  if (validator && pattern !== undefined && /(^|[^\\])(\\\\)*\\$/.test(pattern)) {
    add(
      'error',
      validator.value ?? validator.key,
      'input-validator',
      `${label}: \`validator\` is not a valid regular expression (it ends with a lone backslash). Escape it as \\\\`
    )
  }
  return findings
}

function duplicates(
  document: FlowDocument,
  items: { id?: string; idEntry?: Entry }[],
  kind: 'input' | 'output'
): Finding[] {
  return repeats(items, (item) => (item.idEntry ? item.id : undefined)).map(([item]) =>
    document.finding(
      'error',
      item.idEntry?.key,
      `duplicate-${kind}-id`,
      `Duplicate ${kind} with name [${item.id}]: ${kind} ids must be unique. Rename or remove this one`
    )
  )
}

/**
 * `InputValidator` (2.0): "A FORM input groups other inputs and cannot declare a default value or a
 * prefill.", "A FORM input cannot contain another FORM input"; `FormInput.inputs` is `@NotNull`.
 */
function formFindings(document: FlowDocument, form: DeclaredInput): VersionedFinding[] {
  if (form.type !== 'FORM') return []
  const findings: VersionedFinding[] = []
  const label = inputLabel(form)
  const add = (node: Node | null | undefined, message: string) =>
    findings.push(document.versioned(FORM_RELEASE, 'error', node, 'input-form', message))
  for (const key of ['defaults', 'prefill']) {
    const entry = document.get(form.map, key)
    if (!entry || document.isNull(entry.value)) continue
    add(
      entry.key,
      `${label} is a FORM: it groups other inputs and cannot declare \`${key}\` (Kestra 2.0 rejects it). Set \`${key}\` on the inputs inside the form`
    )
  }
  const inputs = document.get(form.map, 'inputs')
  if (!inputs || document.isNull(inputs.value)) {
    add(
      form.idEntry?.key ?? form.map,
      `${label} is a FORM without \`inputs\`: list the inputs it groups`
    )
  }
  for (const child of children(document, form)) {
    if (child.type !== 'FORM') continue
    add(
      document.get(child.map, 'type')?.value ?? child.map,
      `${inputLabel(child)} is a FORM inside the FORM '${form.id ?? ''}': forms cannot be nested (Kestra 2.0 rejects it). Move its inputs into '${form.id ?? ''}' or make it a top-level FORM`
    )
  }
  return findings
}

/**
 * `FlowValidator` (2.0) over the expanded paths (`form.child`): a path declared twice or nested under
 * another; with a FORM involved an error unless the server is older (`input-path`), between plain dotted
 * ids a warning when no server is known (`input-dotted-path`).
 */
function pathFindings(document: FlowDocument, leaves: DeclaredInput[]): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  const seen = new Map<string, DeclaredInput>()
  for (const leaf of leaves) {
    const path = inputPath(leaf)
    if (path === undefined) continue
    const add = (severity: Severity, rule: string, message: string) =>
      findings.push(
        document.versioned(FORM_RELEASE, severity, leaf.idEntry?.key ?? leaf.map, rule, message)
      )
    const other = seen.get(path)
    if (other && (leaf.form || other.form)) {
      add(
        'error',
        'input-path',
        `Duplicate input path [${path}]: another input (in a FORM or with a dotted id) resolves to the same path (Kestra 2.0 rejects it). Rename one`
      )
      continue
    }
    const clash = [...seen.keys()].find(
      (known) => known.startsWith(`${path}.`) || path.startsWith(`${known}.`)
    )
    if (clash !== undefined) {
      const withForm = leaf.form !== undefined || seen.get(clash)?.form !== undefined
      add(
        'error',
        withForm ? 'input-path' : 'input-dotted-path',
        `Input path '${path}' conflicts with '${clash}': one cannot be nested under the other (Kestra 2.0 rejects it). Rename one`
      )
    }
    seen.set(path, leaf)
  }
  return findings
}

/**
 * `dependsOn.inputs` must name inputs, with no cycle (`FlowValidator.checkFlowInputsDependencyGraph`).
 * Inputs inside FORMs are named by their dotted path (`form.child`): on 2.0 the graph holds the dotted
 * paths only, so a bare sibling id or a FORM's own id is "a non-existent input" (`onForms`, versioned).
 */
function dependsOnFindings(
  document: FlowDocument,
  inputs: DeclaredInput[],
  leaves: DeclaredInput[]
): { fixed: Finding[]; onForms: VersionedFinding[] } {
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
  const fixed: Finding[] = []
  const onForms: VersionedFinding[] = []
  for (const { node, name, member } of unknown) {
    const id = members[member]!.id ?? ''
    if (looseNames.has(name)) {
      onForms.push(
        document.versioned(
          FORM_RELEASE,
          'error',
          node,
          'input-form-depends-on',
          `Input '${id}' depends on '${name}', which is a FORM or an input inside one: Kestra 2.0 knows it only by its full dotted path (e.g. 'form.input') and rejects the flow ("depends on a non-existent input"). Write the dotted path`
        )
      )
    } else {
      fixed.push(
        document.finding(
          'error',
          node,
          'input-depends-on',
          `Input with id '${id}' depends on a non-existent input '${name}': fix the name or declare that input`
        )
      )
    }
  }
  if (cycle) {
    const input = leaves.find((candidate) => inputPath(candidate) === cycle[0])
    fixed.push(
      document.finding(
        'error',
        input?.idEntry?.key ?? input?.map,
        'input-depends-on',
        `Cycle dependency between inputs: ${cycle.join(' → ')}. Remove one dependsOn entry`
      )
    )
  }
  return { fixed, onForms }
}

function outputFindings(document: FlowDocument): Finding[] {
  const outputs = document.items(document.get(document.root, 'outputs')?.value).flatMap((item) => {
    const map = document.map(item)
    const idEntry = map && document.get(map, 'id')
    return map ? [{ map, idEntry, id: document.string(idEntry?.value) }] : []
  })
  return [
    ...outputs.flatMap(({ map, idEntry, id }) =>
      !idEntry
        ? [document.finding('error', map, 'output-id', 'Flow output has no `id`: add one')]
        : id === undefined || !INPUT_ID_PATTERN.test(id)
          ? [
              document.finding(
                'error',
                idEntry.key,
                'output-id',
                `Output id '${id ?? ''}' is invalid: use letters, digits, '.', '_' or '-', starting with a letter or digit`
              )
            ]
          : []
    ),
    ...duplicates(document, outputs, 'output')
  ]
}

/**
 * Kestra 2.0.0 refuses a Schedule or Webhook trigger that does not give every required input without
 * default (`FlowValidator.findMissingInputsForTriggers`); before 2.0 every scheduled run fails.
 */
function triggerInputFindings(
  document: FlowDocument,
  leaves: DeclaredInput[],
  tree: TaskTree
): VersionedFinding[] {
  const needed = leaves.filter(
    (input) => inputPath(input) !== undefined && input.required && !input.hasDefaults
  )
  if (needed.length === 0) return []
  return tree.triggers.flatMap((trigger) => {
    const schedule = trigger.type !== undefined && SCHEDULE_TYPES.has(trigger.type)
    const webhook = trigger.type !== undefined && WEBHOOK_TYPES.has(trigger.type)
    if (!schedule && !webhook) return []
    const given = new Set(
      document.entries(document.get(trigger.map, 'inputs')?.value).map((e) => String(e.key.value))
    )
    const missing = needed.map((input) => inputPath(input) as string).filter((id) => !given.has(id))
    if (missing.length === 0) return []
    const name = `'${trigger.id ?? trigger.path}'`
    const fix = "Add them under the trigger's `inputs` or give them defaults"
    return [
      schedule
        ? document.versioned(
            TRIGGER_INPUTS_RELEASE,
            'warning',
            trigger.at,
            'schedule-missing-inputs',
            `Schedule trigger ${name} does not supply required input(s) without defaults (${missing.join(', ')}): every scheduled run fails, and Kestra 2.0 rejects the flow. ${fix}`
          )
        : document.onlyFrom(
            TRIGGER_INPUTS_RELEASE,
            trigger.at,
            'webhook-missing-inputs',
            `Webhook trigger ${name} does not supply required input(s) without defaults (${missing.join(', ')}): Kestra 2.0 rejects the flow. ${fix}`
          )
    ]
  })
}
