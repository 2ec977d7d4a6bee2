import type { InputValues } from './inputs/declared.js'
import type { PlanRecord } from './plan-record.js'

export type Mode = Exclude<InputValues['mode'], 'auto'>
export type Layout = Exclude<InputValues['layout'], 'auto'>

export type Auth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }

type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name

export type CamelCased<Values> = {
  [Name in keyof Values & string as CamelCase<Name>]: Values[Name]
}

/** The inputs the settings hold in another form than their value under their camelCase name. */
type Reshaped =
  | 'username'
  | 'password'
  | 'api-token'
  | 'github-token'
  | 'pull-request-token'
  | 'seal-key'
  | 'flows'
  | 'namespaces'

/** Every input's value under its camelCase name, and the reshaped ones; parsed once, by config/settings.ts. */
export type Settings = DeepReadonly<SettingsFields>

/** Read-only all the way down: the settings are frozen so (config/settings.ts). */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T

interface SettingsFields extends CamelCased<Omit<InputValues, Reshaped>> {
  auth: Auth
  githubToken?: string
  /** Writes the branch and pull requests the action opens, else githubToken (docs/drift.md). */
  pullRequestToken?: string
  /** Keys the seal of what deploys store beside the commit marker, else the credentials (src/engine/record/seal.ts). */
  sealKey?: string
  /** Why `layout` is what it is, once `auto` is resolved. */
  layoutReason?: string
  flowGlobs: InputValues['flows']
  extraNamespaces: InputValues['namespaces']
  /** What a plan records (docs/comment.md#markers): file-settable inputs not at their default; no credential. */
  recorded: Record<string, string>
  /** The plan the CLI showed before `yes` (with `reviewedPlan`): a refusal names what changed since. */
  shownPlan?: PlanRecord
}
