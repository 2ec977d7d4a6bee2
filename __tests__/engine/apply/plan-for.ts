/** A minimal planner over what the server holds, so deploy tests do not depend on the real plan engine. */
import { createHash } from 'node:crypto'
import type {
  FileChange,
  FlowChange,
  Plan,
  PlanAction,
  ResourceChange
} from '../../../src/model/plan.js'
import { countPlan } from '../../../src/model/plan.js'
import type { Snapshot } from '../../../test-support/kestra-emulator/index.js'

export interface Desired {
  flows?: string[]
  files?: { namespace: string; path: string; content: string | Uint8Array }[]
}

export interface PlannedRun {
  plan: Plan
  managedNamespaces: string[]
  readDesiredFile: (change: FileChange) => Promise<Uint8Array>
}

export function planFor(
  server: { snapshot(): Snapshot },
  desired: Desired,
  options: { delete?: boolean; namespaces?: string[] } = {}
): PlannedRun {
  const state = server.snapshot()
  const live = state.flows.filter((f) => !f.deleted)
  const flows = (desired.flows ?? []).map((source) => ({
    source,
    namespace: /^namespace: (.+)$/m.exec(source)![1],
    id: /^id: (.+)$/m.exec(source)![1]
  }))
  const files = (desired.files ?? []).map((f) => ({ ...f, bytes: bytes(f.content) }))
  const managed = [
    ...new Set([
      ...flows.map((f) => f.namespace),
      ...files.map((f) => f.namespace),
      ...(options.namespaces ?? [])
    ])
  ].sort()
  const gone: PlanAction = options.delete ? 'delete' : 'orphaned'
  const resources: ResourceChange[] = []

  for (const f of flows) {
    const remote = live.find((r) => r.namespace === f.namespace && r.id === f.id)
    const current = remote && { source: remote.source, revision: remote.revision }
    const action = !remote ? 'create' : remote.source === f.source ? 'unchanged' : 'update'
    resources.push({
      kind: 'flow',
      namespace: f.namespace,
      id: f.id,
      action,
      file: `${f.namespace}/flows/${f.id}.yml`,
      drifted: false,
      desired: f.source,
      current
    } satisfies FlowChange)
  }
  for (const remote of live) {
    if (!managed.includes(remote.namespace)) continue
    if (flows.some((f) => f.namespace === remote.namespace && f.id === remote.id)) continue
    resources.push({
      kind: 'flow',
      namespace: remote.namespace,
      id: remote.id,
      action: gone,
      drifted: false,
      current: { source: remote.source, revision: remote.revision }
    } satisfies FlowChange)
  }
  for (const f of files) {
    const remote = state.files.find((r) => r.namespace === f.namespace && r.path === f.path)?.bytes
    const action = !remote ? 'create' : sha256(remote) === sha256(f.bytes) ? 'unchanged' : 'update'
    resources.push({
      kind: 'file',
      namespace: f.namespace,
      path: f.path,
      action,
      file: `${f.namespace}/files${f.path}`,
      drifted: false,
      desired: summary(f.bytes),
      current: remote && summary(remote),
      ...(action === 'update' && { previous: remote })
    } satisfies FileChange)
  }
  for (const { namespace, path, bytes: content } of state.files) {
    if (!managed.includes(namespace)) continue
    if (files.some((f) => f.namespace === namespace && f.path === path)) continue
    resources.push({
      kind: 'file',
      namespace,
      path,
      action: gone,
      drifted: false,
      current: summary(content),
      previous: content
    } satisfies FileChange)
  }

  resources.sort(
    (a, b) =>
      cmp(a.namespace, b.namespace) ||
      cmp(a.kind, b.kind) ||
      cmp(a.kind === 'file' ? a.path : a.id, b.kind === 'file' ? b.path : b.id)
  )
  const counts = countPlan(resources)
  const byPath = new Map(files.map((f) => [`${f.namespace}:${f.path}`, f.bytes]))
  return {
    plan: { resources, namespaces: managed, counts, fingerprint: 'test' },
    managedNamespaces: managed,
    readDesiredFile: async (change) => byPath.get(`${change.namespace}:${change.path}`)!
  }
}

export function flowSource(namespace: string, id: string, extra = ''): string {
  return `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi${extra}\n`
}

function bytes(content: string | Uint8Array): Uint8Array {
  return typeof content === 'string' ? new TextEncoder().encode(content) : content
}

function summary(content: Uint8Array) {
  return { sha256: sha256(content), size: content.length, binary: false }
}

function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex')
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
