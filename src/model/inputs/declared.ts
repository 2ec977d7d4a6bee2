import { ACTION_INPUTS } from './action-yml.js'
import { INPUT_PARSERS } from './parsers.js'
import { plainParser, type InputParser, type ParsedBy, type PlainValue } from './value-kinds.js'

export type InputName = keyof typeof ACTION_INPUTS

type DeclaredDefault<Name extends InputName> = (typeof ACTION_INPUTS)[Name]['default']

export type InputValues = {
  [Name in InputName]: Name extends keyof typeof INPUT_PARSERS
    ? ParsedBy<(typeof INPUT_PARSERS)[Name]>
    : PlainValue<DeclaredDefault<Name>>
}

/** The inputs in action.yml's order, the order their errors are looked for in. */
export function inputNames(): InputName[] {
  return Object.keys(ACTION_INPUTS) as InputName[]
}

/**
 * The text a blank input stands for: its action.yml default. A default the runner evaluates
 * (`${{ github.token }}`) is known only on the runner, which passes its value: elsewhere it is ''.
 */
export function defaultOf(name: InputName): string {
  const declared: string = ACTION_INPUTS[name].default
  return declared.includes('${{') ? '' : declared
}

export function parserOf(name: InputName): InputParser<unknown> {
  return Object.hasOwn(INPUT_PARSERS, name)
    ? INPUT_PARSERS[name as keyof typeof INPUT_PARSERS]
    : plainParser(defaultOf(name))
}
