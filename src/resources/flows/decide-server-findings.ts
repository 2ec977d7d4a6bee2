import { isPair, isScalar, visit } from 'yaml'
import type { Document } from 'yaml'
import { locateKestraPath } from '../../engine/validate/kestra-path.js'
import type { Finding, Severity } from '../../model/finding.js'
import type { ServerConstraint, ServerValidation } from '../../model/kestra.js'
import type { FlowFile, Position } from '../../model/repository.js'
import { flowKey } from '../../model/targets.js'
import { offsetPosition } from './decide-document.js'
import { EXECUTION_LOOP, executionLoopMessage } from './decide-loops.js'
import { collectReferences } from './decide-references.js'

/** One request's flows, with the server's verdict on each, in order (`GatherKind.verdicts`). */
export interface ServerAnswer {
  flows: FlowFile[]
  results: ServerValidation[]
}

/** The server's validation answer as findings on the flow's lines (docs/validation.md#server-validation). */

/** The server's words for a task or trigger without `type` (docs/validation.md#server-validation). */
const NULL_TYPE = /\bInvalid type: null\b/

/**
 * A task or trigger without `type` is the local rule's error on its own line: the server's `Invalid
 * type: null` for the same file is dropped (docs/validation.md#server-validation).
 */
export function withoutRepeats(server: Finding[], local: readonly Finding[]): Finding[] {
  const untyped = new Set(
    local
      .filter((f) => /^(task|trigger)-type$/.test(f.rule) && f.message.includes('has no `type`'))
      .map((f) => f.file)
  )
  return server.filter(
    (f) => !(f.rule === 'server-constraint' && NULL_TYPE.test(f.message) && untyped.has(f.file))
  )
}

/** FlowService `checkValidSubflows` [DEV]: its warning about a subflow target the server lacks. */
const SUBFLOW_NOT_FOUND = /^The subflow '(.+)' not found in namespace '(.+)'\.$/

/**
 * A warning that a subflow is missing is dropped when the repository holds that flow: it is deployed
 * with the rest (docs/validation.md#server-validation).
 */
export function serverFindings(
  flows: FlowFile[],
  results: ServerValidation[],
  repositoryFlows: ReadonlySet<string> = new Set()
): Finding[] {
  return flows.flatMap((flow, index) => {
    const result = results[index]
    if (!result) return []
    const warnings = result.warnings.filter((warning) => {
      const missing = SUBFLOW_NOT_FOUND.exec(warning.trim())
      return !missing || !repositoryFlows.has(flowKey(missing[2]!, missing[1]!))
    })
    return findingsOf(flow, { ...result, warnings })
  })
}

function findingsOf(flow: FlowFile, result: ServerValidation): Finding[] {
  const { errors, deprecationPaths, warnings, infos } = result
  const said = errors.length + deprecationPaths.length + warnings.length + infos.length
  // The syntax tree may have been released (a re-parse): only a flow with something to say needs it.
  if (said === 0 && !result.outdated && result.noVerdict === undefined) return []
  const doc = flow.documents[0]
  const id = (doc && locateKestraPath(doc, flow.lineCounter, 'id')) ?? { line: 1, column: 1 }
  const at = (path: string | undefined): Position =>
    (doc && path && locateKestraPath(doc, flow.lineCounter, path)) || id
  const offsetAt = (offset: number | undefined) =>
    offset === undefined ? undefined : offsetPosition(flow, offset)
  const finding = (severity: Severity, rule: string, at: Position, message: string) =>
    ({ severity, file: flow.file, ...at, rule, message, ...resourceOf(flow) }) satisfies Finding
  return [
    ...(result.noVerdict === undefined
      ? []
      : [
          finding(
            'error',
            result.noVerdict.cause === 'too large' ? 'server-refused' : 'server-constraint',
            id,
            result.noVerdict.message
          )
        ]),
    ...result.errors.map((error) => {
      const loop = LOOP.exec(error.message.trim())?.[1]?.split(' → ')
      if (loop) {
        return finding(
          'error',
          EXECUTION_LOOP,
          loopLink(flow, loop) ?? id,
          executionLoopMessage(loop)
        )
      }
      return finding(
        'error',
        'server-constraint',
        (doc && !(error.pointer ?? error.path) && offsetAt(namedValueOffset(doc, error.message))) ||
          at(error.pointer ?? error.path),
        constraintMessage(error)
      )
    }),
    ...result.deprecationPaths.map((path) =>
      finding(
        'warning',
        'server-deprecation',
        at(path),
        `\`${path}\` is deprecated on this Kestra server; replace it with its current equivalent (the plugin documentation names the replacement).`
      )
    ),
    ...result.warnings.map((warning) =>
      finding(
        'warning',
        'server-warning',
        at(undefined),
        `Kestra warns: ${sentence(warning)} Check the flow; the server accepts it as it is.`
      )
    ),
    ...result.infos.map((info) => {
      const replaced = /^(\S+) is replaced by (\S+)$/.exec(info.trim())
      if (!replaced)
        return finding('notice', 'server-info', at(undefined), `Kestra notes: ${sentence(info)}`)
      return finding(
        'notice',
        'server-info',
        (doc && offsetAt(scalarOffset(doc, replaced[1]!))) ?? at(undefined),
        `Kestra notes: \`${replaced[1]}\` is replaced by \`${replaced[2]}\`; use the new type name.`
      )
    }),
    ...(result.outdated
      ? [
          finding(
            'warning',
            'server-outdated',
            at('revision'),
            "The flow's `revision:` does not follow the server's latest revision; remove the `revision:` key (Kestra numbers revisions itself)."
          )
        ]
      : [])
  ]
}

/** Kestra 2.0's refusal of a flow on an execution loop (engine 2.0.0: `FlowService.throwOnCyclicDependency`). */
const LOOP =
  /^Cyclic flow dependency detected: (.+)\. Saving this flow would create an execution loop\.?$/

/**
 * Where the flow starts the loop Kestra names from it: its call of the next flow, else its Flow trigger on the one
 * before it.
 */
function loopLink(flow: FlowFile, loop: readonly string[]): Position | undefined {
  const links = collectReferences([flow]).filter((ref) => ref.kind === 'flow' && ref.unconditional)
  const naming = (via: string, name: string | undefined) =>
    links.find(
      (ref) => ref.kind === 'flow' && ref.via === via && `${ref.namespace}.${ref.id}` === name
    )
  const found = naming('subflow', loop[1]) ?? naming('flow-trigger', loop[loop.length - 2])
  return found && { line: found.line, column: found.column }
}

export function resourceOf({ namespace, id }: FlowFile): { resource?: string } {
  return namespace && id ? { resource: flowKey(namespace, id) } : {}
}

function constraintMessage(error: ServerConstraint): string {
  const where = error.path ?? error.pointer
  const fix = where ? `Fix the value at \`${where}\`` : 'Fix the flow'
  return `Kestra rejects this flow: ${sentence(error.message)} ${fix} (the server's plugins define the accepted types and properties).`
}

function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** The first scalar holding `value` (as the value of a `key` entry, when given). */
function scalarOffset(doc: Document, value: string, key?: string): number | undefined {
  let offset: number | undefined
  visit(doc, {
    Scalar(_, node, path) {
      const pair = path[path.length - 1]
      const keyed =
        key === undefined ||
        (isPair(pair) && pair.value === node && isScalar(pair.key) && pair.key.value === key)
      if (node.value === value && node.range && keyed) {
        offset = node.range[0]
        return visit.BREAK
      }
      return undefined
    }
  })
  return offset
}

/**
 * Where Kestra reports a problem without a path, the value or key naming it, where the fix goes: an
 * unknown plugin type (`Invalid type: io.x.Y`), an unresolved named plugin default (1.3's
 * `PluginDefaultsRefNotFoundException`), a plugin's unknown property (`Unrecognized field "x"`,
 * 2.0.0's answer for a removed property: docs/kestra.md#the-released-core-run).
 */
function namedValueOffset(doc: Document, message: string): number | undefined {
  const type = /Invalid type: ([A-Za-z_$][\w$.]*)/.exec(message)?.[1]
  if (type) return scalarOffset(doc, type)
  const field = /^Unrecognized field "([^"]+)"/.exec(message)?.[1]
  if (field) return nestedKeyOffset(doc, field)
  const ref = /pluginDefaultsRef '([^']*)'/.exec(message)?.[1]
  return ref === undefined ? undefined : scalarOffset(doc, ref, 'pluginDefaultsRef')
}

/** Below the flow's own keys, in document order, the order Kestra's parser meets them in. */
function nestedKeyOffset(doc: Document, name: string): number | undefined {
  let offset: number | undefined
  visit(doc, {
    Pair(_, pair, path) {
      if (path.length <= 2 || !isScalar(pair.key) || pair.key.value !== name) return undefined
      offset = pair.key.range?.[0]
      return visit.BREAK
    }
  })
  return offset
}

export function serverAnswerFindings(
  answers: readonly ServerAnswer[],
  repositoryFlows: ReadonlySet<string>
): Finding[] {
  return answers.flatMap(({ flows, results }) => serverFindings(flows, results, repositoryFlows))
}
