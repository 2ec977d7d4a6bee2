import type { KestraApi } from '../../kestra/api.js'
import type { ActualNamespace } from '../../model/plan-input.js'
import { mapLimit } from '../../model/concurrency.js'
import type { RepoModel } from '../../model/repository.js'
import type { Finding } from '../../model/finding.js'
import { referenceFindings, type FlowReference } from '../../decide/validate/references.js'
import { deployableFlow } from '../../model/repository.js'

/**
 * `read('…')` of namespace files and subflow targets must exist in the repository or on the server.
 * Managed namespaces are answered from the bulk server state; others with one request per missing target.
 */
export async function checkReferences(
  model: RepoModel,
  refs: FlowReference[],
  server?: { api: KestraApi; state?: Map<string, ActualNamespace> }
): Promise<Finding[]> {
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
  return referenceFindings(
    refs,
    {
      hasFile: (namespace, path) => files.has(`${namespace}\0${path}`),
      hasFlow: (namespace, id) => flows.has(`${namespace}\0${id}`)
    },
    server !== undefined
  )
}

function targetOf(ref: FlowReference): string {
  return ref.kind === 'file' ? `${ref.namespace}\0${ref.path}` : `${ref.namespace}\0${ref.id}`
}

function uniqueTargets(refs: FlowReference[]): FlowReference[] {
  const seen = new Map<string, FlowReference>()
  for (const ref of refs) seen.set(`${ref.kind}\0${targetOf(ref)}`, ref)
  return [...seen.values()]
}
