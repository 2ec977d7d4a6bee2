import type { KestraApi } from '../kestra/api.js'
import type { RepoModel } from '../repo/model.js'
import type { Finding } from '../validate/finding.js'
import { checkFlow, type ValidateOptions } from '../validate/index.js'
import { serverFindings } from '../validate/server-findings.js'

/**
 * Sends every well-formed flow to the server's validate endpoint and maps its verdicts to lines. A flow whose
 * aliases expand without bound is already an error locally and is never sent (the server would expand it).
 */
export async function validateOnServer(
  api: KestraApi,
  model: RepoModel,
  options: ValidateOptions
): Promise<Finding[]> {
  const flows = model.flows.filter((flow) => checkFlow(flow, options).wellFormed)
  if (flows.length === 0) return []
  return serverFindings(flows, await api.validateFlows(flows.map((flow) => flow.source)))
}
