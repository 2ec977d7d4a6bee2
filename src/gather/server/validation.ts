import type { KestraApi } from '../../kestra/api.js'
import type { ServerValidation as ServerVerdict } from '../../model/kestra.js'
import { MAX_BATCH } from '../../kestra/validate.js'
import type { FlowFile } from '../../model/repository.js'
import type { Finding } from '../../model/finding.js'
import type { FlowCheck } from '../../decide/validate/index.js'
import { serverFindings } from '../../decide/validate/server-findings.js'

/**
 * The server's verdict on every well-formed flow, mapped back to lines. Flows are sent a batch at a
 * time as the repository loads, so most answers are in before it ends. A flow whose aliases expand
 * without bound is already an error locally and is never sent (the server would expand it).
 */
export class ServerValidation {
  private readonly waiting: FlowFile[] = []
  private readonly sent: Promise<{ flows: FlowFile[]; results: ServerVerdict[] }>[] = []

  constructor(private readonly api: KestraApi) {}

  /** A flow read from the repository, with its local checks: it goes with the next full batch. */
  add(flow: FlowFile, check: Pick<FlowCheck, 'wellFormed'>): void {
    if (!check.wellFormed) return
    this.waiting.push(flow)
    if (this.waiting.length === MAX_BATCH) this.send()
  }

  /**
   * Every added flow's findings; the last, partial batch leaves now. `repositoryFlows` (flow keys) are
   * the flows the repository holds: the server's warnings about those missing are dropped
   * (docs/validation.md#server-validation).
   */
  async findings(repositoryFlows: ReadonlySet<string>): Promise<Finding[]> {
    this.send()
    const answers = await Promise.all(this.sent)
    return answers.flatMap(({ flows, results }) => serverFindings(flows, results, repositoryFlows))
  }

  private send(): void {
    if (this.waiting.length === 0) return
    const flows = this.waiting.splice(0)
    const answer = this.api
      .validateFlows(flows.map((flow) => flow.source))
      .then((results) => ({ flows, results }))
    answer.catch(() => undefined) // awaited in findings()
    this.sent.push(answer)
  }
}
