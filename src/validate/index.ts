import type { RepoModel } from '../repo/model.js'
import { coreTaskFindings } from './core-tasks.js'
import { dashedReferenceFindings } from './expressions.js'
import { compareFindings, type Finding } from './finding.js'
import { FlowDocument } from './flow-document.js'
import {
  duplicateFlowFindings,
  identityFindings,
  namespaceFolderFindings,
  type Layout
} from './identity.js'
import { inputFindings } from './inputs.js'
import { labelFindings } from './labels.js'
import { namespaceFileFindings } from './namespace-files.js'
import { taskTree } from './task-tree.js'
import { taskFindings } from './tasks.js'
import { aliasFindings, multipleDocumentFindings, notAFlowFinding, yamlFindings } from './yaml.js'

export { nodePosition } from './flow-document.js'
export {
  collectReferences,
  knownFrom,
  referenceFindings,
  type FlowReference,
  type KnownResources
} from './references.js'

export interface ValidateOptions {
  layout?: Layout
}

/**
 * Every check that needs no server, over all flows and namespace files of the repository, plus the
 * model's read problems. Reference checks are separate (see `referenceFindings`). Sorted, deterministic.
 */
export function validateRepository(model: RepoModel, options: ValidateOptions = {}): Finding[] {
  const findings: Finding[] = []
  const documents: FlowDocument[] = []
  for (const flow of model.flows) {
    for (const doc of flow.documents) findings.push(...yamlFindings(flow, doc))
    findings.push(...multipleDocumentFindings(flow))
    if (flow.notAFlow) {
      findings.push(notAFlowFinding(flow))
      continue
    }
    const first = flow.documents[0]
    // A document that does not parse has no reliable structure: its syntax errors are the findings.
    if (!first || first.errors.some((error) => error.code !== 'DUPLICATE_KEY')) continue
    const document = new FlowDocument(flow, first)
    findings.push(...aliasFindings(document))
    if (!document.root || !document.aliases.safe) continue
    documents.push(document)
    const tree = taskTree(document)
    findings.push(
      ...identityFindings(document),
      ...namespaceFolderFindings(document, options.layout),
      ...taskFindings(document, tree),
      ...coreTaskFindings(document, tree),
      ...inputFindings(document, tree),
      ...labelFindings(document),
      ...dashedReferenceFindings(document, tree)
    )
  }
  findings.push(...duplicateFlowFindings(documents))
  for (const file of model.files) findings.push(...namespaceFileFindings(file))
  for (const problem of model.readProblems) {
    findings.push({
      severity: problem.severity,
      file: problem.file,
      line: problem.line ?? 1,
      rule: 'read-problem',
      message: problem.message
    })
  }
  return findings.sort(compareFindings)
}
