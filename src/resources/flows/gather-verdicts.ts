import type { KestraApi } from '../../adapters/kestra/api.js'
import {
  batchCount,
  FillingBatch,
  MAX_BATCH,
  MAX_BATCH_BYTES
} from '../../adapters/kestra/validate.js'
import { utf8Length } from '../../model/content.js'
import { type Outcome, settle, valueOf } from '../../model/outcome.js'
import type { FlowFile } from '../../model/repository.js'
import { fitToSend } from '../../model/yaml-aliases.js'
import type { ServerVerdicts, VerdictsInput, WalkRead } from '../../engine/snapshot/kind.js'
import type { FlowsHeld } from './decide-validate.js'
import { FLOW } from './decide-server-state.js'
import type { ServerAnswer } from './decide-server-findings.js'

/** The server's validation of the flows as the walk reads them (`GatherKind.verdicts`). */
export function flowsVerdicts({ kestra, concurrency }: VerdictsInput): FlowValidation {
  return new FlowValidation(kestra, concurrency)
}

/** What the flows' checks take of the walk: their own checks, and the server's verdicts on them. */
export function flowsOfWalk(walk: WalkRead): FlowsHeld {
  const checks = walk.checks.get(FLOW) as FlowsHeld['checks']
  const answers = walk.verdicts?.get(FLOW) as ServerAnswer[] | undefined
  return { ...walk, checks, ...(answers && { serverAnswers: answers }) }
}

/**
 * The server's verdict on every well-formed flow, sent a batch at a time as the repository loads. A flow whose
 * aliases expand without bound is already an error locally and is never sent (the server would expand it).
 */
export class FlowValidation implements ServerVerdicts {
  private readonly waiting: FlowFile[] = []
  /** The flows a request carries at most: `MAX_BATCH` until the walk tells how many there are. */
  private count = MAX_BATCH
  private filling = this.nextBatch()
  private readonly sent: Promise<Outcome<ServerAnswer>>[] = []

  constructor(
    private readonly api: KestraApi,
    private readonly concurrency: number
  ) {}

  /** How many flow files the repository holds: the batches not yet filling are sized for them. */
  placed(flowFiles: number): void {
    this.count = batchCount(flowFiles, this.concurrency)
    if (this.waiting.length === 0) this.filling = this.nextBatch()
  }

  add(resource: unknown): void {
    const flow = resource as FlowFile
    if (!fitToSend(flow)) return
    const bytes = utf8Length(flow.source)
    if (!this.filling.fits(bytes)) this.send()
    this.waiting.push(flow)
    this.filling.add(bytes)
    if (this.filling.full) this.send()
  }

  /** Every added flow's verdict; the last, partial batch leaves now. A failed batch throws here. */
  async answers(): Promise<ServerAnswer[]> {
    this.send()
    return Promise.all(this.sent.map(valueOf))
  }

  private send(): void {
    if (this.waiting.length === 0) return
    const flows = this.waiting.splice(0)
    this.filling = this.nextBatch()
    const answer = this.api
      .validateFlows(
        flows.map((flow) => flow.source),
        this.count
      )
      .then((results) => ({ flows, results }))
    this.sent.push(settle(answer))
  }

  private nextBatch(): FillingBatch {
    return new FillingBatch({ count: this.count, bytes: MAX_BATCH_BYTES })
  }
}
