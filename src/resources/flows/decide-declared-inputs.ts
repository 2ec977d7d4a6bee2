import type { YAMLMap } from 'yaml'
import type { Entry, FlowDocument } from './decide-document.js'

/** The inputs a flow declares, a FORM's own inputs included, and how runs, triggers and `dependsOn` name each. */

export interface DeclaredInput {
  map: YAMLMap
  id?: string
  /** The `id:` or deprecated `name:` entry. */
  idEntry?: Entry
  type?: string
  required: boolean
  hasDefaults: boolean
  form?: DeclaredInput
}

export function declaredInputs(document: FlowDocument): DeclaredInput[] {
  return inputList(document, document.get(document.root, 'inputs')?.value)
}

function inputList(document: FlowDocument, list: unknown, form?: DeclaredInput): DeclaredInput[] {
  return document.items(list).flatMap((item) => {
    const map = document.map(item)
    if (!map) return []
    const idEntry = document.get(map, 'id') ?? document.get(map, 'name')
    return {
      map,
      id: document.string(idEntry?.value),
      idEntry,
      type: document.string(document.get(map, 'type')?.value),
      required: document.string(document.get(map, 'required')?.value) !== 'false',
      hasDefaults: !document.isNull(document.get(map, 'defaults')?.value),
      form
    }
  })
}

export function children(document: FlowDocument, form: DeclaredInput): DeclaredInput[] {
  return form.type === 'FORM'
    ? inputList(document, document.get(form.map, 'inputs')?.value, form)
    : []
}

export function everyInput(
  document: FlowDocument,
  inputs = declaredInputs(document)
): DeclaredInput[] {
  return inputs.flatMap((input) => [input, ...children(document, input)])
}

/** `form.child` for an input of a FORM, else the id: how runs, triggers and `dependsOn` name it. */
export function inputPath(input: DeclaredInput): string | undefined {
  if (input.id === undefined) return undefined
  return input.form ? `${input.form.id ?? ''}.${input.id}` : input.id
}
