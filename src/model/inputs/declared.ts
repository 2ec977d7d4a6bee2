import { ACTION_INPUTS } from './action-yml.js'
import { SETTING_DEFAULTS, WORKFLOW_ONLY } from './defaults.js'
import {
  INPUT_PARSERS,
  plainParser,
  type InputParser,
  type ParsedBy,
  type PlainValue
} from './parsers.js'

export type InputName = keyof typeof ACTION_INPUTS

type DeclaredDefault<Name extends InputName> = Name extends keyof typeof SETTING_DEFAULTS
  ? (typeof SETTING_DEFAULTS)[Name]
  : (typeof ACTION_INPUTS)[Name]['default']

export type InputValues = {
  [Name in InputName]: Name extends keyof typeof INPUT_PARSERS
    ? ParsedBy<(typeof INPUT_PARSERS)[Name]>
    : PlainValue<DeclaredDefault<Name>>
}

/** The inputs in action.yml's order, the order their errors are looked for in. */
export function inputNames(): InputName[] {
  return Object.keys(ACTION_INPUTS) as InputName[]
}

/** Whether the settings file may set `name` (docs/inputs.md#settings-file). */
export function fileMaySet(name: string): name is InputName {
  return Object.hasOwn(ACTION_INPUTS, name) && !Object.hasOwn(WORKFLOW_ONLY, name)
}

/** A blank input's default; one the runner evaluates (`${{ github.token }}`) is '' off the runner. */
export function defaultOf(name: InputName): string {
  const declared: string = Object.hasOwn(SETTING_DEFAULTS, name)
    ? SETTING_DEFAULTS[name as keyof typeof SETTING_DEFAULTS]
    : ACTION_INPUTS[name].default
  return declared.includes('${{') ? '' : declared
}

export function parserOf(name: InputName): InputParser<unknown> {
  return Object.hasOwn(INPUT_PARSERS, name)
    ? INPUT_PARSERS[name as keyof typeof INPUT_PARSERS]
    : plainParser(defaultOf(name))
}
