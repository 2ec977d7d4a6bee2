import type { Finding } from './finding.js'
import { flowKey, fileKey } from './keys.js'
import type { ResourceChange } from './plan.js'

/**
 * A finding concerns a resource through its key or through the resource's repository file: these are the
 * names under which each side can be matched (`changeTargets(c)` meets `findingTargets(f)`).
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
