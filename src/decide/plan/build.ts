import type { DecideKind, KindPlanOptions } from '../kind.js'
import type { RemoteFlow } from '../../model/kestra.js'
import { fileKey, flowKey } from '../../model/keys.js'
import { decodeText } from '../../model/content.js'
import { countPlan } from '../../model/plan.js'
import { DEFAULT_DIFF_LIMITS, diffTexts, type TextDiff } from './diff.js'
import type { DiffLimits } from '../../model/plan-input.js'
import { changeDigest, fingerprint } from './fingerprint.js'
import type { DesiredFile, DesiredFlow, PlanInput, ServerFile } from '../../model/plan-input.js'
import { normaliseText } from '../../model/content.js'
import { comparableFlowSource } from '../../model/normalise.js'
import { changeOrder } from './order.js'
import { compareCodeUnits } from '../../model/compare.js'
import type { FileChange, FlowChange, Plan, PlanAction, ResourceChange } from '../../model/plan.js'

/**
 * Compares what the repository declares with what the server holds. Pure: no I/O. A kind with its own
 * plan (`DecideKind.plan`) adds its changes from what it gathered (`held`, by kind name).
 */
export function buildPlan(
  input: PlanInput,
  kinds: readonly DecideKind[],
  held: ReadonlyMap<string, unknown> = new Map()
): Plan {
  const limits: DiffLimits = { ...DEFAULT_DIFF_LIMITS, ...input.diffLimits }
  const desiredFlows = indexByFile(input.desired.flows, (f) => flowKey(f.namespace, f.id))
  const desiredFiles = indexByFile(input.desired.files, (f) => fileKey(f.namespace, f.path))
  const namespaces = [
    ...new Set([
      ...input.namespaces,
      ...input.desired.flows.map((f) => f.namespace),
      ...input.desired.files.map((f) => f.namespace)
    ])
  ].sort(compareCodeUnits)

  const actualFlows = new Map<string, RemoteFlow & { namespace: string }>()
  const actualFiles = new Map<string, { namespace: string; file: ServerFile }>()
  for (const namespace of new Set(input.namespaces)) {
    const held = input.actual.get(namespace)
    for (const flow of held?.flows ?? [])
      actualFlows.set(flowKey(namespace, flow.id), { ...flow, namespace })
    for (const file of held?.files ?? [])
      actualFiles.set(fileKey(namespace, file.path), { namespace, file })
  }

  const inScope = scopeFilter(input, desiredFlows, desiredFiles)
  const action = (desired: boolean, same: boolean): PlanAction =>
    desired ? (same ? 'unchanged' : 'update') : input.deleteEnabled ? 'delete' : 'orphaned'
  const resources: ResourceChange[] = []

  for (const key of new Set([...desiredFlows.keys(), ...actualFlows.keys()])) {
    if (!inScope(key)) continue
    const desired = desiredFlows.get(key)
    const server = actualFlows.get(key)
    const base = input.base?.flows.get(key)
    if (desired && !server) {
      resources.push(flowChange(desired, 'create', limits))
      continue
    }
    if (!server) continue
    const serverComparable = comparableFlowSource(server.source)
    const desiredComparable = desired && comparableFlowSource(desired.source)
    const change = flowChange(
      desired ?? server,
      action(desired !== undefined, desiredComparable === serverComparable),
      limits,
      server
    )
    change.drifted = isDrifted(
      change.action,
      input.base !== undefined,
      base && comparableFlowSource(base.source) !== serverComparable
    )
    resources.push(change)
  }

  for (const key of new Set([...desiredFiles.keys(), ...actualFiles.keys()])) {
    if (!inScope(key)) continue
    const desired = desiredFiles.get(key)
    const server = actualFiles.get(key)
    if (desired && !server) {
      resources.push(fileChange(desired.namespace, desired.path, 'create', limits, desired))
      continue
    }
    if (!server) continue
    const current = server.file.summary
    const change = fileChange(
      server.namespace,
      server.file.path,
      action(desired !== undefined, desired?.sha256 === current.sha256),
      limits,
      desired,
      server.file
    )
    const base = input.base?.files.get(key)
    change.drifted = isDrifted(
      change.action,
      input.base !== undefined,
      base && base.sha256 !== current.sha256
    )
    resources.push(change)
  }

  const options: KindPlanOptions = {
    deleteEnabled: input.deleteEnabled,
    scope: input.scope,
    changedFiles: input.changedFiles,
    limits
  }
  for (const kind of kinds) {
    if (kind.plan && held.has(kind.name)) resources.push(...kind.plan(held.get(kind.name), options))
  }
  resources.sort(changeOrder(kinds))
  for (const change of resources) {
    if (change.action !== 'unchanged') change.digest = changeDigest(change, kinds)
  }
  return {
    resources,
    namespaces,
    counts: countPlan(resources),
    fingerprint: fingerprint(resources, kinds)
  }
}

/** One entry per identity; when two files declare the same one, the first path wins. */
function indexByFile<T extends { file: string }>(
  items: T[],
  keyOf: (item: T) => string
): Map<string, T> {
  const index = new Map<string, T>()
  for (const item of [...items].sort((a, b) => compareCodeUnits(a.file, b.file))) {
    const key = keyOf(item)
    if (!index.has(key)) index.set(key, item)
  }
  return index
}

/**
 * `changed` scope: resources whose repository file changed, plus those that a changed path held at
 * the base commit and the head no longer declares (file removed or renamed, flow id changed).
 */
function scopeFilter(
  input: PlanInput,
  desiredFlows: Map<string, DesiredFlow>,
  desiredFiles: Map<string, DesiredFile>
): (key: string) => boolean {
  const changed = input.changedFiles
  if (input.scope === 'all' || changed === undefined) return () => true
  const touched = new Set<string>()
  for (const desired of [desiredFlows, desiredFiles] as Map<string, { file: string }>[]) {
    for (const [key, { file }] of desired) if (changed.has(file)) touched.add(key)
  }
  for (const [base, desired] of [
    [input.base?.flows, desiredFlows],
    [input.base?.files, desiredFiles]
  ] as const) {
    for (const [key, { file }] of base ?? []) {
      if (changed.has(file) && !desired.has(key)) touched.add(key)
    }
  }
  return (key) => touched.has(key)
}

/**
 * The server copy differs from the base commit's. For an update, absence from the base counts as
 * a difference (created outside Git); without any base snapshot nothing can be called drift.
 */
function isDrifted(
  action: PlanAction,
  hasBase: boolean,
  differsFromBase: boolean | undefined
): boolean {
  if (!hasBase || action === 'create' || action === 'unchanged') return false
  return differsFromBase ?? action === 'update'
}

function flowChange(
  subject: { namespace: string; id: string; source: string; file?: string },
  action: PlanAction,
  limits: DiffLimits,
  server?: RemoteFlow
): FlowChange {
  const { namespace, id } = subject
  const desired = action === 'create' || action === 'update' || action === 'unchanged'
  const change: FlowChange = {
    kind: 'flow',
    namespace,
    id,
    action,
    drifted: false,
    ...(desired && subject.file !== undefined && { file: subject.file }),
    ...(desired && { desired: normaliseText(subject.source) }),
    ...(server && { current: { source: server.source, revision: server.revision } })
  }
  const name = `${namespace}/${id}`
  if (action === 'create') {
    applyDiff(change, diffTexts('', `b/${name}`, undefined, change.desired, limits))
  } else if (action === 'update' && server) {
    const before = comparableFlowSource(server.source)
    const after = comparableFlowSource(subject.source)
    applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits))
  } else if (action === 'delete' && server) {
    applyDiff(change, diffTexts(`a/${name}`, '', normaliseText(server.source), undefined, limits))
  }
  return change
}

function fileChange(
  namespace: string,
  path: string,
  action: PlanAction,
  limits: DiffLimits,
  desired?: DesiredFile,
  server?: ServerFile
): FileChange {
  const keepsDesired = action === 'create' || action === 'update' || action === 'unchanged'
  const change: FileChange = {
    kind: 'file',
    namespace,
    path,
    action,
    drifted: false,
    ...(keepsDesired && desired && { file: desired.file }),
    ...(keepsDesired &&
      desired && {
        desired: { sha256: desired.sha256, size: desired.size, binary: desired.binary }
      }),
    ...(server && { current: server.summary })
  }
  if (action !== 'create' && action !== 'update' && action !== 'delete') return change
  if (action !== 'create' && server?.bytes) change.previous = server.bytes
  if ((action !== 'create' && !server?.bytes) || (action !== 'delete' && !desired?.bytes)) {
    throw new Error(
      `internal error: the content of ${namespace}${path} was dropped before its diff`
    )
  }
  const before = action === 'create' ? undefined : textOf(server?.bytes)
  const after = action === 'delete' ? undefined : desired?.binary ? null : textOf(desired?.bytes)
  if (before === null || after === null) {
    change.diffOmitted = 'binary'
    return change
  }
  const name = `${namespace}${path}`
  applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits))
  return change
}

function applyDiff(change: ResourceChange, result: TextDiff): void {
  change.additions = result.additions
  change.deletions = result.deletions
  if (result.diff !== undefined) change.diff = result.diff
  if (result.tooLarge) change.diffOmitted = 'too-large'
}

/** Decoded text, or null for binary content. */
function textOf(bytes: Uint8Array | undefined): string | null {
  return bytes === undefined ? null : (decodeText(bytes) ?? null)
}
