import { COMMIT_MARKER_KEY } from '../../engine/record/marker.js'
import { DeployError } from '../../model/errors.js'
import { compareFindings, SEVERITY_ORDER, type Finding } from '../../model/finding.js'
import { parseFlowFile } from '../../model/flow-file.js'
import { namespaceFits } from '../../model/managed-namespaces.js'
import { deployableFlow, type FlowFile, type RepoModel } from '../../model/repository.js'
import type { Layout } from '../../model/settings.js'
import type { ServerAnswer } from './decide-server-findings.js'
import { sameStoredCheck, storedCheckOf, type StoredFlowCheck } from './decide-stored-checks.js'
import { flowKey } from '../../model/targets.js'
import { resolveVersioned, type KestraVersion, type VersionedFinding } from '../../model/version.js'
import { fitToSend } from '../../model/yaml-aliases.js'
import { FlowDocument } from './decide-document.js'
import {
  duplicateFlowFindings,
  flowIdentity,
  identityFindings,
  namespaceFolderFindings,
  versionedIdentityFindings,
  type FlowIdentity
} from './decide-flow-identity.js'
import { inputFindings } from './decide-inputs.js'
import { dayOfMonthLFindings, scheduleFindings } from './decide-schedules.js'
import { removedInKestra2Findings, V2 } from './decide-kestra2-removals.js'
import { executionLabelFindings, labelFindings } from './decide-labels.js'
import { pluginDefaultFindings, pluginDefaultsRefFindings } from './decide-plugin-defaults.js'
import { dashedReferenceFindings, referencesAndNamesOf } from './decide-references.js'
import { releaseKey, schemaTarget, type SchemaRelease } from './decide-schema-releases.js'
import { schemaFindings, schemaVerdict } from './decide-schema-verdict.js'
import { serverAnswerFindings, withoutRepeats } from './decide-server-findings.js'
import { constraintFindings } from './decide-task-constraints.js'
import { taskFindings } from './decide-task-ids.js'
import { taskTree, type TaskTree } from './decide-task-tree.js'
import { multipleDocumentFindings, syntaxFindings } from './decide-yaml-syntax.js'
import { repoFlowsOf } from './decide-repository.js'

interface ValidateOptions {
  layout?: Layout
  /** The target server's version when detected: rules Kestra added in a release follow it. */
  serverVersion?: KestraVersion
  /** The releases whose schema judges the flow, when known as it is checked (`schemaTarget`). */
  schema?: readonly SchemaRelease[]
}

/** What the flows' checks take of the run's walk (docs/kinds.md). */
export interface FlowsHeld extends ValidateOptions {
  model: RepoModel
  /** `checkFlow`'s results from the walk (same layout), so syntax trees are walked once. */
  checks?: ReadonlyMap<FlowFile, FlowCheck>
  serverAnswers?: readonly ServerAnswer[]
  /** The run's namespace prefix: where the flows are sent. */
  namespacePrefix?: string
}

/**
 * What a deploy stores of it (`versioned` resolved against the server's version later). `wellFormed`: one
 * YAML document that parses, with aliases that expand safely, fit to send to the server; `schema` set when
 * the releases were known as it was checked (`schemaVerdict`); `upgrade` (docs/upgrade.md) when the run
 * asks as it checks.
 */
export type FlowCheck = Omit<StoredFlowCheck, 'id' | 'namespace' | 'notAFlow' | 'otherKind'> & {
  /**
   * The file with every mechanical upgrade rewrite applied, when this run's check made `upgrade` and found one;
   * never stored (`storedCheckOf` takes the stored fields), so a reused check has it made when asked.
   */
  upgradeRewrite?: string
}

/**
 * A deploy that reused stored checks confirms them right before its first write
 * (docs/performance.md#a-deploy-confirms-before-it-writes). KV can be written by others: a stored entry
 * whose checks differ from those computed now stops the deploy with nothing written. Its upgrade readiness is
 * not confirmed: notices that never decide a write, which a plan shows from the same sealed entry.
 */
export async function confirmReusedChecks(
  reused: ReadonlyMap<FlowFile, StoredFlowCheck>,
  recheck: (flow: FlowFile, stored: StoredFlowCheck) => Promise<FlowCheck>
): Promise<void> {
  const differing: string[] = []
  for (const [flow, stored] of reused) {
    const parsed = parseFlowFile(flow)
    const made = storedCheckOf(parsed, await recheck(parsed, stored))
    if (!sameStoredCheck({ ...made, upgrade: undefined }, { ...stored, upgrade: undefined }))
      differing.push(flow.file)
  }
  if (differing.length === 0) return
  const shown = differing.sort().slice(0, 10)
  const more = differing.length > shown.length ? ` and ${differing.length - shown.length} more` : ''
  throw new DeployError(
    `Nothing was deployed: the checks stored with the commit marker (KV ${COMMIT_MARKER_KEY}) are not what this build computes for ${differing.length} flow file(s): ${shown.join(', ')}${more}. The marker was changed outside this action. Deploy again with full-plan: true, which checks every file and stores its own checks.`
  )
}

/** One flow file's own checks and references, from one reading of its document. */
export function checkFlow(flow: FlowFile, options: ValidateOptions = {}): FlowCheck {
  const check = ownChecks(flow, options)
  const target = options.schema ?? []
  if (!check.wellFormed || target.length === 0) return check
  const releases = target.map(releaseKey)
  return { ...check, schema: { releases, findings: schemaFindings(flow, target) } }
}

function ownChecks(flow: FlowFile, options: ValidateOptions): FlowCheck {
  const findings = [...syntaxFindings(flow), ...multipleDocumentFindings(flow)]
  const versioned: VersionedFinding[] = []
  const first = flow.documents[0]
  if (flow.notAFlow) {
    findings.push({
      severity: 'warning',
      file: flow.file,
      line: 1,
      column: 1,
      rule: 'not-a-flow',
      message:
        'Not a flow (no id and no tasks): skipped, not deployed. Move it out of the flows folder or add id, namespace and tasks'
    })
  }
  if (flow.notAFlow || !first) return { findings, versioned, wellFormed: false, references: [] }
  const document = new FlowDocument(flow, first)
  const tree = taskTree(document)
  const { references, names } = referencesAndNamesOf(document, tree)
  // A document that does not parse has no reliable structure: its syntax errors are the findings.
  if (first.errors.some((error) => error.code !== 'DUPLICATE_KEY')) {
    return { findings, versioned, wellFormed: false, references, names }
  }
  const wellFormed = fitToSend(flow, document.aliases)
  findings.push(
    ...document.aliases.problems.map((problem) =>
      document.finding('error', problem.node, 'yaml-alias', `YAML alias: ${problem.message}`)
    )
  )
  if (!document.root || !document.aliases.safe) {
    return { findings, versioned, wellFormed, references, names }
  }
  const inputs = inputFindings(document, tree)
  const constraints = constraintFindings(document, tree)
  const checked = byRelease([
    ...identityFindings(document),
    ...namespaceFolderFindings(document, options.layout),
    ...taskFindings(document, tree),
    ...constraints.fixed,
    ...listenerFindings(document),
    ...inputs.findings,
    ...labelFindings(document),
    ...executionLabelFindings(document, tree),
    ...dashedReferenceFindings(document, tree),
    ...scheduleFindings(document, tree),
    ...pluginDefaultsRefFindings(document, tree)
  ])
  findings.push(...checked.fixed)
  versioned.push(
    ...versionedIdentityFindings(document),
    ...inputs.versioned,
    ...pluginDefaultFindings(document),
    ...removedInKestra2Findings(document, tree),
    ...templateFindings(document, tree),
    ...dayOfMonthLFindings(document, tree),
    ...constraints.versioned,
    ...checked.versioned
  )
  return { findings, versioned, identity: flowIdentity(document), wellFormed, references, names }
}

export function readProblemFindings(model: RepoModel): Finding[] {
  return model.readProblems.map((problem) => ({
    severity: problem.severity,
    file: problem.file,
    line: problem.line ?? 1,
    rule: problem.rule ?? 'read',
    message: problem.message
  }))
}

/**
 * docs/resources.md#system-namespace: `system` is managed only when listed in `namespaces`; its
 * resources are left alone otherwise.
 */
export function unmanagedFindings(
  model: RepoModel,
  others: readonly { file: string; namespace: string }[]
): Finding[] {
  const managed = new Set(model.managedNamespaces)
  return [
    ...repoFlowsOf(model).filter((flow) => deployableFlow(flow) && namespaceFits(flow)),
    ...others
  ]
    .filter((resource) => !managed.has(resource.namespace!))
    .map((resource) => ({
      severity: 'warning',
      file: resource.file,
      line: 1,
      rule: 'unmanaged-namespace',
      message: `Namespace '${resource.namespace}' is not managed: list it in the namespaces input to deploy this resource (it is skipped).`
    }))
}

/**
 * Rules whose check Kestra added in a release, with no other change to what it accepts: an error on a
 * server at or after it and when no server is known, a warning on an older one (the releases and their
 * sources are in docs/validation-rules.md). `duplicate-trigger-id`: FlowValidator 0.12;
 * `schedule-timezone`: `TimezoneIdValidator` 0.14; `system-label`: 0.20; `dashed-reference`: 0.23;
 * `duplicate-preconditions`: 1.1 (the first releases whose core jar holds the check).
 */
const ERROR_SINCE: Readonly<Record<string, KestraVersion>> = {
  'duplicate-trigger-id': [0, 12, 0],
  'schedule-timezone': [0, 14, 0],
  'system-label': [0, 20, 0],
  'dashed-reference': [0, 23, 0],
  'duplicate-preconditions': [1, 1, 0]
}

function byRelease(findings: Finding[]): { fixed: Finding[]; versioned: VersionedFinding[] } {
  const since = ({ severity, rule }: Finding) =>
    severity === 'error' ? ERROR_SINCE[rule] : undefined
  return {
    fixed: findings.filter((finding) => !since(finding)),
    versioned: findings.flatMap((finding) => {
      const { severity: _, ...rest } = finding
      const from = since(finding)
      return from ? [{ finding: rest, since: from, whenUnknown: 'error' as const }] : []
    })
  }
}

/**
 * A listener without tasks: core 1.3.31 run refuses it ("listeners[0].tasks: must not be empty"; without `tasks`
 * at all it fails on a null list); 2.0.0 has no `listeners` (`removed-key`), so every release refuses the flow.
 */
function listenerFindings(document: FlowDocument): Finding[] {
  return document
    .items(document.get(document.root, 'listeners')?.value)
    .flatMap((listener, index) => {
      const tasks = document.get(listener, 'tasks')
      if (!document.map(listener) || document.items(tasks?.value).length > 0) return []
      return [
        document.finding(
          'error',
          tasks?.key ?? listener,
          'listener-tasks',
          `listeners[${index}] has no task: Kestra 1.3 refuses it ("listeners[${index}].tasks: must not be empty"), and 2.0 has no listeners. Add its tasks, or move them to \`afterExecution\``
        )
      ]
    })
}

const TEMPLATE_TYPES = new Set([
  'io.kestra.plugin.core.flow.Template',
  'io.kestra.core.tasks.flows.Template'
])

/**
 * A Template task on 1.x: refused unless the server enables templates, which it does not by default (core 1.3.31
 * run: "Templates are disabled, please check your configuration"). 2.0 has no Template (`removed-type`).
 */
function templateFindings(document: FlowDocument, tree: TaskTree): VersionedFinding[] {
  return tree.tasks.flatMap((task) =>
    task.type !== undefined && TEMPLATE_TYPES.has(task.type)
      ? [
          {
            ...document.versioned(
              V2,
              'warning',
              task.typeEntry?.value ?? task.at,
              'template-disabled',
              `Template '${task.id ?? task.path}': Kestra 1.x refuses it unless the server enables templates (\`kestra.templates.enabled\`, off by default: "Templates are disabled, please check your configuration"). Move the template's tasks into this flow or a subflow`
            ),
            silentFrom: V2
          }
        ]
      : []
  )
}

/**
 * The flows' findings (docs/validation.md): each flow's own checks (reused from the walk), versioned
 * rules resolved for the server's version, flows declared twice, and the server's verdicts.
 */
export function flowFindings(reading: FlowsHeld): Finding[] {
  const findings: Finding[] = []
  const identities: FlowIdentity[] = []
  const target = schemaTarget(reading.serverVersion)
  for (const flow of repoFlowsOf(reading.model)) {
    const check = reading.checks?.get(flow) ?? checkFlow(flow, reading)
    const own = [...check.findings, ...resolveVersioned(check.versioned, reading.serverVersion)]
    findings.push(...own)
    if (check.wellFormed && target.length > 0) {
      // A line a rule of ours already explains (with Kestra's reason) keeps that finding, unless the schema's is
      // graver there (a rule's warning where the target's schema refuses).
      const explained = new Map<number, number>()
      for (const { line, severity } of own) {
        explained.set(line, Math.min(explained.get(line) ?? 3, SEVERITY_ORDER[severity]))
      }
      findings.push(
        ...schemaVerdict(flow, check, target).filter(
          (finding) => SEVERITY_ORDER[finding.severity] < (explained.get(finding.line) ?? 3)
        )
      )
    }
    if (check.identity) identities.push(check.identity)
  }
  findings.push(...duplicateFlowFindings(identities))
  if (reading.serverAnswers) {
    const repositoryFlows = new Set(
      repoFlowsOf(reading.model).flatMap((flow) =>
        !flow.notAFlow && flow.namespace && flow.id ? [flowKey(flow.namespace, flow.id)] : []
      )
    )
    const server = serverAnswerFindings(reading.serverAnswers, repositoryFlows)
    findings.push(...withoutRepeats(server, findings))
  }
  return findings.sort(compareFindings)
}
