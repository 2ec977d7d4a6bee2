import type { RepoModel } from '../../model/repository.js'
import type { Finding } from '../../model/finding.js'
import { namespaceFits } from '../../model/managed-namespaces.js'
import { deployableFlow } from '../../model/repository.js'

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
