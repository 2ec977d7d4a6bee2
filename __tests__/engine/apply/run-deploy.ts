import { deploy, type DeployDeps } from '../../../src/engine/apply/deploy.js'
import type { DeployResult } from '../../../src/model/result.js'
import { resourceName } from '../../../src/model/plan.js'
import type { KestraApi } from '../../../src/adapters/kestra/api.js'
import { APPLY_KINDS } from '../../../src/resources/registry.js'
import type { PlannedRun } from './plan-for.js'

export const COMMIT = 'a'.repeat(40)

export const SETTINGS: DeployDeps['settings'] = {
  maxDeletions: 10,
  extraNamespaces: [],
  concurrency: 4
}

export const TARGET: DeployDeps['target'] = {
  delete: true,
  allowMassDeletion: false,
  allowOutOfOrder: false
}

export function runDeploy(
  api: KestraApi,
  planned: PlannedRun,
  over: Partial<DeployDeps> = {}
): Promise<DeployResult> {
  return deploy(planned.plan, {
    api,
    findings: [],
    refs: [],
    readDesiredFile: planned.readDesiredFile,
    kinds: APPLY_KINDS,
    settings: SETTINGS,
    target: TARGET,
    managedNamespaces: planned.managedNamespaces,
    commit: COMMIT,
    repository: 'acme/flows',
    isAncestor: async () => undefined,
    ...over
  })
}

/** `result` per resource name, e.g. { 'team.a': 'created', 'team:/x.py': 'updated' }. */
export function outcomes(result: DeployResult): Record<string, string> {
  return Object.fromEntries(result.resources.map((r) => [resourceName(r.change), r.result]))
}
