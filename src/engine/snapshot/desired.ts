import type { ActualNamespace, DesiredFile, DesiredFlow } from '../../model/plan-input.js'
import { MAX_FILE_BYTES } from '../../model/content.js'
import { fileKey, flowKey } from '../../model/targets.js'
import { deployableFlow, type FlowFile, type RepoModel } from '../../model/repository.js'
import { mapLimit } from '../../model/concurrency.js'
import { type WalkParts } from './repo/load.js'

/** What the repository wants on the server; a file's bytes are read only where the server's differ. */
export async function desiredState(
  model: RepoModel,
  actual: ReadonlyMap<string, ActualNamespace> | undefined,
  { readFileBytes }: Pick<WalkParts, 'readFileBytes'>
): Promise<{ flows: DesiredFlow[]; files: DesiredFile[] }> {
  const managed = new Set(model.managedNamespaces)
  const safe = model.files.filter((entry) => !entry.symlinkEscapes && managed.has(entry.namespace))
  const held = new Map<string, string>()
  for (const [namespace, { files }] of actual ?? []) {
    for (const file of files) held.set(fileKey(namespace, file.path), file.summary.sha256)
  }
  const differing = safe.filter(
    (entry) =>
      entry.size <= MAX_FILE_BYTES &&
      held.get(fileKey(entry.namespace, entry.path)) !== entry.sha256
  )
  const bytes = new Map(
    await mapLimit(differing, 32, async (entry) => [entry, await readFileBytes(entry)] as const)
  )
  const files = safe.map((entry) => ({
    namespace: entry.namespace,
    path: entry.path,
    ...(bytes.has(entry) && { bytes: bytes.get(entry) }),
    sha256: entry.sha256,
    size: entry.size,
    binary: entry.binary,
    file: entry.file
  }))
  return { flows: desiredFlows(model), files }
}

/** The flows the repository wants on the server: the first file declaring an identity wins. */
export function desiredFlows(model: Pick<RepoModel, 'flows' | 'managedNamespaces'>): DesiredFlow[] {
  const managed = new Set(model.managedNamespaces)
  return [...firstDeclared(model.flows.filter((flow) => managed.has(flow.namespace!)))].map(
    ([, flow]) => ({
      namespace: flow.namespace!,
      id: flow.id!,
      source: flow.source,
      file: flow.file
    })
  )
}

/** Each deployable flow identity's first file, by flowKey. */
export function firstDeclared(flows: readonly FlowFile[]): Map<string, FlowFile> {
  const first = new Map<string, FlowFile>()
  for (const flow of flows.filter(deployableFlow)) {
    const key = flowKey(flow.namespace!, flow.id!)
    if (!first.has(key)) first.set(key, flow)
  }
  return first
}
