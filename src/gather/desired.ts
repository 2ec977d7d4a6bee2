import type { ActualNamespace, DesiredFile, DesiredFlow } from '../model/plan-input.js'
import { MAX_FILE_BYTES } from '../model/content.js'
import { deployableFlow, type RepoModel } from '../model/repository.js'
import type { WalkParts } from './repo/load.js'
import { fileKey, flowKey } from '../model/targets.js'
import { mapLimit } from '../model/concurrency.js'

/** What the repository wants on the server; a file's bytes are read only where the server's differ. */
export async function desiredState(
  model: RepoModel,
  actual: ReadonlyMap<string, ActualNamespace> | undefined,
  { readFileBytes }: Pick<WalkParts, 'readFileBytes'>
): Promise<{ flows: DesiredFlow[]; files: DesiredFile[] }> {
  const managed = new Set(model.managedNamespaces)
  const flows = desiredFlows(model)
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
  return { flows, files }
}

/** The flows the repository wants on the server: the first file declaring an identity wins. */
export function desiredFlows(model: Pick<RepoModel, 'flows' | 'managedNamespaces'>): DesiredFlow[] {
  const managed = new Set(model.managedNamespaces)
  const seen = new Set<string>()
  const flows: DesiredFlow[] = []
  for (const flow of model.flows) {
    if (!deployableFlow(flow) || !managed.has(flow.namespace!)) continue
    const key = flowKey(flow.namespace!, flow.id!)
    if (seen.has(key)) continue
    seen.add(key)
    flows.push({ namespace: flow.namespace!, id: flow.id!, source: flow.source, file: flow.file })
  }
  return flows
}
