import type { DecideKind } from '../../decide/kind.js'
import type { FileChange } from '../../model/plan.js'
import type { RepositoryReading } from '../../decide/validate/index.js'
import { fileFindings } from './decide-checks.js'
import { planFiles } from './decide-plan.js'

/** Namespace files in a plan: before the flows that read them, by path. */
export const filesDecide: DecideKind<FileChange, RepositoryReading> = {
  name: 'file',
  order: 0,
  pipelineReading: true,
  idOf: (change) => change.path,
  planFileIdentity: (change) => ({ path: change.path }),
  planFileDetails: () => ({}),
  fingerprintOf: (r) => [
    'file',
    r.namespace,
    r.path,
    r.action,
    r.desired?.sha256 ?? null,
    null,
    r.current?.sha256 ?? null
  ],
  validate: fileFindings,
  plan: (_reading, options) => planFiles(options)
}
