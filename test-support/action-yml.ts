import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { PROJECT_ROOT } from './runner.js'

export interface DeclaredInput {
  description: string
  /** As the runner gives it: text, '' when action.yml declares none. */
  default: string
}

/** action.yml's inputs, read from the file itself, in its order. */
export function declaredInputs(): Record<string, DeclaredInput> {
  const action = parse(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string; default?: unknown }>
  }
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [
      name,
      { description: spec.description, default: String(spec.default ?? '') }
    ])
  )
}
