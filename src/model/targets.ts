import type { Finding } from './finding.js'
import type { ResourceChange } from './plan.js'

/**
 * The names under which a change meets a finding (`changeTargets` meets `findingTargets`): its key or its file.
 */
export function changeTargets(change: ResourceChange): string[] {
  const key = `resource ${resourceKey(change)}`
  return change.file === undefined ? [key] : [key, `file ${change.file}`]
}

export function findingTargets(finding: Finding): string[] {
  const file = `file ${finding.file}`
  return finding.resource === undefined ? [file] : [file, `resource ${finding.resource}`]
}

export function resourceKey(change: ResourceChange): string {
  if (change.kind === 'file') return fileKey(change.namespace, change.path)
  if (change.kind === 'flow') return flowKey(change.namespace, change.id)
  // Another kind's resource is keyed by its kind, namespace and id (`kv:<ns>/<key>`), a tenant-wide one by
  // its kind and id (`dashboard:<id>`): never one of another kind with the same id.
  return change.namespace === ''
    ? `${change.kind}:${change.id}`
    : `${change.kind}:${change.namespace}/${change.id}`
}

/** The key of a flow in plans, findings and deploy order: `flow:<namespace>/<id>`. */
export function flowKey(namespace: string, id: string): string {
  return `flow:${namespace}/${id}`
}

/** The key of a namespace file: `file:<namespace>:<path>`. */
export function fileKey(namespace: string, path: string): string {
  return `file:${namespace}:${path}`
}

/** The key of a flow's pinned revision: `<flowKey>@<revision>`. */
export function pinnedKey(targetKey: string, revision: number): string {
  return `${targetKey}@${revision}`
}
