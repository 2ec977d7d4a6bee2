import { parseFlowFile } from '../../../src/model/flow-file.js'
import type { FlowFile, NamespaceFileEntry, RepoModel } from '../../../src/model/repository.js'
import { compareFindings, type Finding } from '../../../src/model/finding.js'
import {
  readProblemFindings,
  type FlowsHeld
} from '../../../src/resources/flows/decide-validate.js'
import type { KestraVersion } from '../../../src/model/version.js'
import { namespaceFiles } from '../../../src/resources/registry.js'
import { flows } from '../../../src/resources/flows/index.js'
import { repoModel } from '../../../test-support/repo-model.js'

export function flow(raw: string, file = 'flows/flow.yml', expectedNamespace?: string): FlowFile {
  return parseFlowFile({
    file,
    rel: file,
    raw,
    ...(expectedNamespace ? { expectedNamespace } : {})
  })
}

export function model(flows: FlowFile[], files: NamespaceFileEntry[] = []): RepoModel {
  return repoModel({ workspace: '/ws', root: '/ws', flows, files })
}

/** Every local check of a repository, as a run makes them: its read problems and each kind's findings. */
export function validateRepository(
  repository: RepoModel,
  options: Omit<FlowsHeld, 'model'> = {}
): Finding[] {
  const reading: FlowsHeld = { model: repository, ...options }
  return [
    ...readProblemFindings(repository),
    ...[namespaceFiles, flows].flatMap(
      (kind) => kind.decide.validate?.(reading, { has: () => false }) ?? []
    )
  ].sort(compareFindings)
}

/** Findings of one flow file given as lines (joined with '\n'). */
export function check(
  lines: string[],
  file = 'flows/flow.yml',
  expectedNamespace?: string
): Finding[] {
  return validateRepository(model([flow(lines.join('\n') + '\n', file, expectedNamespace)]))
}

/** Findings of one flow file validated for a server of the given version. */
export function checkOn(version: KestraVersion, lines: string[]): Finding[] {
  return validateRepository(model([flow(lines.join('\n') + '\n')]), { serverVersion: version })
}

export function rules(findings: Finding[]): string[] {
  return findings.map(
    (finding) => `${finding.severity} ${finding.rule} ${finding.line}:${finding.column}`
  )
}

export const MINIMAL = [
  'id: hello',
  'namespace: company.team',
  'tasks:',
  '  - id: log',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: hi'
]
