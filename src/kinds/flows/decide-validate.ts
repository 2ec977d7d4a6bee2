import { deployableFlow, type FlowFile, type RepoModel } from '../../model/repository.js'
import { fitToSend } from '../../model/yaml-aliases.js'
import { dashedReferenceFindings } from './decide-pebble.js'
import type { Finding } from '../../model/finding.js'
import { FlowDocument } from './decide-document.js'
import {
  flowIdentity,
  identityFindings,
  namespaceFolderFindings,
  versionedIdentityFindings,
  type FlowIdentity,
  type Layout
} from './decide-identity.js'
import { inputFindings } from './decide-inputs.js'
import { executionLabelFindings, labelFindings } from './decide-labels.js'
import {
  coreTaskFindings,
  pluginDefaultFindings,
  pluginDefaultsRefFindings,
  taskFindings
} from './decide-tasks.js'
import { removedInTwoFindings } from './decide-removed-in-2-0.js'
import { referencesAndNamesOf } from './decide-references.js'
import type { FlowReference } from '../../model/references.js'
import type { NameReference } from '../../model/names.js'
import { scheduleFindings } from './decide-schedule-cron.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import type { ServerAnswer } from '../../model/snapshot.js'
import { taskTree } from './decide-task-tree.js'
import {
  unquotedPebbleFindings,
  aliasFindings,
  multipleDocumentFindings,
  notAFlowFinding,
  yamlFindings
} from './decide-yaml.js'
import { namespaceFits } from '../../model/managed-namespaces.js'
import { parseFlowFile } from '../../model/flow-file.js'
import { sameStoredCheck, storedCheckOf, type StoredFlowCheck } from '../../model/stored-checks.js'
import { DeployError } from '../../model/errors.js'
import { COMMIT_MARKER_KEY } from '../../model/commit-marker.js'
import { flowKey } from '../../model/targets.js'
import { flowSchemaFindings, type SchemaRelease } from './decide-schema.js'
import type { UpgradeItem } from '../../model/stored-checks.js'

export { collectReferences, referenceFindings } from './decide-references.js'

export type { KestraVersion } from '../../model/version.js'

interface ValidateOptions {
  layout?: Layout
  /** The target server's version when detected: rules Kestra added in a release follow it. */
  serverVersion?: KestraVersion
  /** The releases whose schema judges the flow, when known as it is checked (`schemaTarget`). */
  schema?: readonly SchemaRelease[]
}

/**
 * What the flows' checks take of the run's walk (docs/kinds.md): the repository as read, the flow checks
 * already run as it was read, the server's version and verdicts.
 */
export interface FlowsHeld extends ValidateOptions {
  model: RepoModel
  /**
   * `checkFlow`'s result for flows checked as they were read (with the same layout), so their syntax
   * trees are walked once; flows missing here are checked now.
   */
  checks?: ReadonlyMap<FlowFile, FlowCheck>
  /** The server's verdicts on the flows it validated (with server validation on). */
  serverAnswers?: readonly ServerAnswer[]
}

/** What the checks of one flow file leave: its findings, and what the checks across files need. */
export interface FlowCheck {
  findings: Finding[]
  /** Findings whose severity follows the server's version, resolved with the repository's checks. */
  versioned: VersionedFinding[]
  identity?: FlowIdentity
  /** One YAML document that parses, with aliases that expand safely: fit to send to the server. */
  wellFormed: boolean
  /** The flow's references to other flows and to namespace files (see `collectReferences`). */
  references: FlowReference[]
  /** Its `secret()` and `kv()` names (validate/names.ts); empty when the document does not parse. */
  names?: NameReference[]
  /** The released schemas' findings (`schemaVerdict`), when the releases were known as it was checked. */
  schema?: { releases: string[]; findings: Finding[] }
  /** What the newest LTS refuses in it (docs/upgrade.md), when the run asks as it checks. */
  upgrade?: UpgradeItem[]
}

/**
 * A deploy that reused stored checks confirms them right before its first write
 * (docs/performance.md#a-deploy-confirms-before-it-writes): each flow file whose checks were reused is
 * parsed and checked now, and its result must be exactly the stored one. KV can be written by others: a
 * stored entry that says anything else stops the deploy with nothing written.
 */
export function confirmReusedChecks(
  reused: ReadonlyMap<FlowFile, StoredFlowCheck>,
  recheck: (flow: FlowFile, stored: StoredFlowCheck) => FlowCheck
): void {
  const differing: string[] = []
  for (const [flow, stored] of reused) {
    const parsed = parseFlowFile(flow)
    if (!sameStoredCheck(storedCheckOf(parsed, recheck(parsed, stored)), stored)) {
      differing.push(flow.file)
    }
  }
  if (differing.length === 0) return
  const shown = differing.sort().slice(0, 10)
  const more = differing.length > shown.length ? ` and ${differing.length - shown.length} more` : ''
  throw new DeployError(
    `Nothing was deployed: the checks stored with the commit marker (KV ${COMMIT_MARKER_KEY}) are not what this build computes for ${differing.length} flow file(s): ${shown.join(', ')}${more}. The marker was changed outside this action. Deploy again with full-plan: true, which checks every file and stores its own checks.`
  )
}

/**
 * The checks of one flow file on its own, and its references, from one reading of its document: they
 * can run as soon as the file is parsed.
 */
export function checkFlow(flow: FlowFile, options: ValidateOptions = {}): FlowCheck {
  const check = ownChecks(flow, options)
  const target = options.schema ?? []
  if (!check.wellFormed || target.length === 0) return check
  const releases = target.map((release) => release.version)
  return { ...check, schema: { releases, findings: schemaFindings(flow, target) } }
}

/**
 * The released schemas' findings on a flow for the target releases: those its check holds when made for
 * the same releases (while its syntax tree was at hand, or stored by a deploy), else found now.
 */
export function schemaVerdict(
  flow: FlowFile,
  check: Pick<FlowCheck, 'schema'>,
  target: readonly SchemaRelease[]
): Finding[] {
  const releases = target.map((release) => release.version)
  const held = check.schema
  if (held && held.releases.join('\n') === releases.join('\n')) return held.findings
  return schemaFindings(flow, target)
}

/**
 * A flow's core plugins checked against the schema of each target release: an error where every one refuses
 * it, a warning naming the releases that do where only some do (docs/validation-rules.md#the-schema-of-each-release).
 */
function schemaFindings(flow: FlowFile, target: readonly SchemaRelease[]): Finding[] {
  const doc = flow.documents[0]
  if (!doc || doc.errors.some((error) => error.code !== 'DUPLICATE_KEY')) return []
  return flowSchemaFindings(flow.file, doc, flow.lineCounter, target).map(
    ({ finding, refusedBy }) => {
      const resource =
        flow.namespace && flow.id ? { resource: flowKey(flow.namespace, flow.id) } : {}
      if (refusedBy.length === target.length) return { severity: 'error', ...finding, ...resource }
      const accepting = target.filter((release) => !refusedBy.includes(release.line))
      return {
        severity: 'warning',
        ...finding,
        ...resource,
        message: `${finding.message} (Kestra ${refusedBy.join(', ')} refuses it; ${accepting.map((release) => release.line).join(', ')} accepts it: set kestra-version to the release you run.)`
      }
    }
  )
}

function ownChecks(flow: FlowFile, options: ValidateOptions): FlowCheck {
  const findings: Finding[] = syntaxFindings(flow)
  findings.push(...multipleDocumentFindings(flow))
  const versioned: VersionedFinding[] = []
  if (flow.notAFlow) {
    const notAFlow = notAFlowFinding(flow)
    return { findings: [...findings, notAFlow], versioned, wellFormed: false, references: [] }
  }
  const first = flow.documents[0]
  if (!first) return { findings, versioned, wellFormed: false, references: [] }
  const document = new FlowDocument(flow, first)
  const { references, names } = referencesAndNamesOf(document)
  // A document that does not parse has no reliable structure: its syntax errors are the findings.
  if (first.errors.some((error) => error.code !== 'DUPLICATE_KEY')) {
    return { findings, versioned, wellFormed: false, references, names }
  }
  const wellFormed = fitToSend(flow, document.aliases)
  findings.push(...aliasFindings(document))
  if (!document.root || !document.aliases.safe) {
    return { findings, versioned, wellFormed, references, names }
  }
  const tree = taskTree(document)
  const inputs = inputFindings(document, tree)
  const checked = byRelease([
    ...identityFindings(document),
    ...namespaceFolderFindings(document, options.layout),
    ...taskFindings(document, tree),
    ...coreTaskFindings(document, tree),
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
    ...removedInTwoFindings(document, tree),
    ...checked.versioned
  )
  return { findings, versioned, identity: flowIdentity(document), wellFormed, references, names }
}

/**
 * YAML problems of every document, and unquoted Pebble expressions: these explain the syntax errors
 * they cause on their line (`message: {{ a }} b`), which are then left out.
 */
function syntaxFindings(flow: FlowFile): Finding[] {
  const findings: Finding[] = []
  for (const doc of flow.documents) {
    const pebble = unquotedPebbleFindings(flow, doc)
    const explained = new Set(pebble.map((finding) => finding.line))
    findings.push(
      ...pebble,
      ...yamlFindings(flow, doc).filter(
        (finding) => finding.rule !== 'yaml-syntax' || !explained.has(finding.line)
      )
    )
  }
  return findings
}

/** The repository's read problems (a file that could not be read, a walk's limit…), as findings. */
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
export function unmanagedFindings(model: RepoModel): Finding[] {
  const managed = new Set(model.managedNamespaces)
  const message = (namespace: string) =>
    `Namespace '${namespace}' is not managed: list it in the namespaces input to deploy this resource (it is skipped).`
  return [
    ...model.flows
      .filter(
        (flow) => deployableFlow(flow) && namespaceFits(flow) && !managed.has(flow.namespace!)
      )
      .map((flow) => ({
        severity: 'warning' as const,
        file: flow.file,
        line: 1,
        rule: 'unmanaged-namespace',
        message: message(flow.namespace!)
      })),
    ...model.files
      .filter((file) => !managed.has(file.namespace))
      .map((file) => ({
        severity: 'warning' as const,
        file: file.file,
        line: 1,
        rule: 'unmanaged-namespace',
        message: message(file.namespace)
      }))
  ]
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

/** The errors of rules Kestra added in a release, turned into findings that follow the server's version. */
function byRelease(findings: Finding[]): {
  fixed: Finding[]
  versioned: VersionedFinding[]
} {
  const fixed: Finding[] = []
  const versioned: VersionedFinding[] = []
  for (const finding of findings) {
    const since = finding.severity === 'error' ? ERROR_SINCE[finding.rule] : undefined
    if (!since) {
      fixed.push(finding)
      continue
    }
    const { severity: _, ...rest } = finding
    versioned.push({ finding: rest, since, whenUnknown: 'error' })
  }
  return { fixed, versioned }
}
