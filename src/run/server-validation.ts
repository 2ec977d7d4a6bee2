import type { KestraApi } from '../kestra/api.js'
import type { RepoModel } from '../repo/model.js'
import { analyseAliases } from '../validate/aliases.js'
import type { Finding } from '../validate/finding.js'
import { serverFindings } from '../validate/server-findings.js'

/**
 * Sends every well-formed flow to the server's validate endpoint and maps its verdicts to lines. A flow whose
 * aliases expand without bound is already an error locally and is never sent (the server would expand it).
 */
export async function validateOnServer(api: KestraApi, model: RepoModel): Promise<Finding[]> {
  const flows = model.flows.filter(
    (flow) =>
      !flow.notAFlow &&
      flow.documents.length === 1 &&
      flow.documents[0]!.errors.length === 0 &&
      analyseAliases(flow.documents[0]!).safe
  )
  if (flows.length === 0) return []
  return serverFindings(flows, await api.validateFlows(flows.map((flow) => flow.source)))
}
