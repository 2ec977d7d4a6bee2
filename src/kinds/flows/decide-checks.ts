import type { ServerAnswer } from '../../model/snapshot.js'
import { isPair, isScalar, visit, type Document, type LineCounter } from 'yaml'
import type { ServerConstraint, ServerValidation } from '../../model/kestra.js'
import type { FlowFile, Position } from '../../model/repository.js'
import { flowKey } from '../../model/targets.js'
import { type Finding, type Severity, compareFindings } from '../../model/finding.js'
import { resolveVersioned } from '../../model/version.js'
import { schemaTarget } from './decide-schema.js'

import {
  checkFlow,
  duplicateFlowFindings,
  schemaVerdict,
  type FlowIdentity,
  type FlowsHeld
} from './decide-validate.js'
import { locateKestraPath } from '../../decide/validate/kestra-path.js'

/**
 * The flows' findings (docs/validation.md): each flow's own checks (reused from the walk), versioned
 * rules resolved for the server's version, flows declared twice, and the server's verdicts.
 */
export function flowFindings(reading: FlowsHeld): Finding[] {
  const findings: Finding[] = []
  const identities: FlowIdentity[] = []
  const target = schemaTarget(reading.serverVersion)
  for (const flow of reading.model.flows) {
    const check = reading.checks?.get(flow) ?? checkFlow(flow, reading)
    const own = [...check.findings, ...resolveVersioned(check.versioned, reading.serverVersion)]
    findings.push(...own)
    if (check.wellFormed && target.length > 0) {
      // A line a rule of ours already explains (with Kestra's reason) keeps that one finding.
      const explained = new Set(own.map((finding) => finding.line))
      findings.push(
        ...schemaVerdict(flow, check, target).filter((finding) => !explained.has(finding.line))
      )
    }
    if (check.identity) identities.push(check.identity)
  }
  findings.push(...duplicateFlowFindings(identities))
  if (reading.serverAnswers) {
    const server = serverAnswerFindings(reading.serverAnswers, repositoryFlows(reading))
    findings.push(...withoutRepeats(server, findings))
  }
  return findings.sort(compareFindings)
}

/** The server's words for a task or trigger without `type` (docs/validation.md#server-validation). */
const NULL_TYPE = /\bInvalid type: null\b/

/**
 * A task or trigger without `type` is the local rule's error on its own line: the server's `Invalid
 * type: null` for the same file is dropped (docs/validation.md#server-validation).
 */
function withoutRepeats(server: Finding[], local: readonly Finding[]): Finding[] {
  const untyped = new Set(
    local
      .filter((f) => /^(task|trigger)-type$/.test(f.rule) && f.message.includes('has no `type`'))
      .map((f) => f.file)
  )
  return server.filter(
    (f) => !(f.rule === 'server-constraint' && NULL_TYPE.test(f.message) && untyped.has(f.file))
  )
}

function repositoryFlows({ model }: FlowsHeld): Set<string> {
  return new Set(
    model.flows.flatMap((flow) =>
      !flow.notAFlow && flow.namespace && flow.id ? [flowKey(flow.namespace, flow.id)] : []
    )
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
  const clean =
    result.errors.length + result.deprecationPaths.length + result.warnings.length === 0 &&
    result.infos.length === 0 &&
    !result.outdated &&
    result.noVerdict === undefined
  // The syntax tree may have been released (a re-parse): only a flow with something to say needs it.
  if (clean) return []
  const doc = flow.documents[0]
  const at = (path: string | undefined): Position => {
    const found = doc && path ? locateKestraPath(doc, flow.lineCounter, path) : undefined
    return found ?? idPosition(doc, flow.lineCounter)
  }
  const finding = (severity: Severity, rule: string, position: Position, message: string) => {
    const item: Finding = { severity, file: flow.file, ...position, rule, message }
    if (flow.namespace && flow.id) item.resource = flowKey(flow.namespace, flow.id)
    return item
  }
  return [
    ...(result.noVerdict === undefined
      ? []
      : [
          finding(
            'error',
            result.noVerdict.cause === 'too large' ? 'server-refused' : 'server-constraint',
            idPosition(doc, flow.lineCounter),
            result.noVerdict.message
          )
        ]),
    ...result.errors.map((error) =>
      finding(
        'error',
        'server-constraint',
        (doc &&
          !(error.pointer ?? error.path) &&
          namedValuePosition(doc, flow.lineCounter, error.message)) ||
          at(error.pointer ?? error.path),
        constraintMessage(error)
      )
    ),
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
        (doc && scalarPosition(doc, flow.lineCounter, replaced[1]!)) ?? at(undefined),
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

function constraintMessage(error: ServerConstraint): string {
  const where = error.path ?? error.pointer
  const fix = where ? `Fix the value at \`${where}\`` : 'Fix the flow'
  return `Kestra rejects this flow: ${sentence(error.message)} ${fix} (the server's plugins define the accepted types and properties).`
}

function sentence(text: string): string {
  const trimmed = text.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

function idPosition(doc: Document | undefined, lineCounter: LineCounter): Position {
  return (doc && locateKestraPath(doc, lineCounter, 'id')) ?? { line: 1, column: 1 }
}

/** The first scalar holding `value` (as the value of a `key` entry, when given). */
function scalarPosition(
  doc: Document,
  lineCounter: LineCounter,
  value: string,
  key?: string
): Position | undefined {
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
  if (offset === undefined) return undefined
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

/**
 * Where Kestra reports a problem without a path, the value or key naming it, where the fix goes: an
 * unknown plugin type (`Invalid type: io.x.Y`), an unresolved named plugin default (1.3's
 * `PluginDefaultsRefNotFoundException`), a plugin's unknown property (`Unrecognized field "x"`,
 * 2.0.0's answer for a removed property: docs/kestra.md#the-released-core-run).
 */
function namedValuePosition(
  doc: Document,
  lineCounter: LineCounter,
  message: string
): Position | undefined {
  const type = /Invalid type: ([A-Za-z_$][\w$.]*)/.exec(message)?.[1]
  if (type) return scalarPosition(doc, lineCounter, type)
  const field = /^Unrecognized field "([^"]+)"/.exec(message)?.[1]
  if (field) return nestedKeyPosition(doc, lineCounter, field)
  const ref = /pluginDefaultsRef '([^']*)'/.exec(message)?.[1]
  return ref === undefined ? undefined : scalarPosition(doc, lineCounter, ref, 'pluginDefaultsRef')
}

/** Below the flow's own keys, in document order, the order Kestra's parser meets them in. */
function nestedKeyPosition(
  doc: Document,
  lineCounter: LineCounter,
  name: string
): Position | undefined {
  let offset: number | undefined
  visit(doc, {
    Pair(_, pair, path) {
      if (path.length <= 2 || !isScalar(pair.key) || pair.key.value !== name) return undefined
      offset = pair.key.range?.[0]
      return visit.BREAK
    }
  })
  if (offset === undefined) return undefined
  const { line, col } = lineCounter.linePos(offset)
  return { line, column: col }
}

export function serverAnswerFindings(
  answers: readonly ServerAnswer[],
  repositoryFlows: ReadonlySet<string>
): Finding[] {
  return answers.flatMap(({ flows, results }) => serverFindings(flows, results, repositoryFlows))
}
