import type { KestraApi } from '../../kestra/api.js'
import { mapLimit } from '../../model/concurrency.js'
import type { ActualNamespace } from '../../model/plan-input.js'
import type { FlowReference } from '../../model/references.js'
import { deployableFlow, type RepoModel } from '../../model/repository.js'
import type { KnownTargets } from '../../model/snapshot.js'

/**
 * Which targets of `read('…')` and of subflows exist, in the repository or on the server. Managed
 * namespaces are answered from the bulk server state; others with one request per target the repository
 * does not hold. decide/ turns the missing ones into findings.
 */
export async function knownTargets(
  model: RepoModel,
  refs: readonly FlowReference[],
  server?: { api: KestraApi; state?: ReadonlyMap<string, ActualNamespace> }
): Promise<KnownTargets> {
  const files = new Set(model.files.map((f) => `${f.namespace}\0${f.path}`))
  const flows = new Set(model.flows.filter(deployableFlow).map((f) => `${f.namespace}\0${f.id}`))
  for (const [namespace, actual] of server?.state ?? []) {
    for (const file of actual.files) files.add(`${namespace}\0${file.path}`)
    for (const flow of actual.flows) flows.add(`${namespace}\0${flow.id}`)
  }
  if (server) {
    const unresolved = uniqueTargets(refs).filter(
      (ref) => !(ref.kind === 'file' ? files : flows).has(targetOf(ref))
    )
    await mapLimit(unresolved, 8, async (ref) => {
      if (server.state?.has(ref.namespace)) return // the bulk read already answered for this namespace
      const exists =
        ref.kind === 'file'
          ? (await server.api.getFile(ref.namespace, ref.path)) !== undefined
          : (await server.api.getFlow(ref.namespace, ref.id)) !== undefined
      if (exists) (ref.kind === 'file' ? files : flows).add(targetOf(ref))
    })
  }
  return { files, flows }
}

function targetOf(ref: FlowReference): string {
  return ref.kind === 'file' ? `${ref.namespace}\0${ref.path}` : `${ref.namespace}\0${ref.id}`
}

function uniqueTargets(refs: readonly FlowReference[]): FlowReference[] {
  const seen = new Map<string, FlowReference>()
  for (const ref of refs) seen.set(`${ref.kind}\0${targetOf(ref)}`, ref)
  return [...seen.values()]
}
