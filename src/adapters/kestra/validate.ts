import { z } from 'zod'
import { utf8Length } from '../../model/content.js'
import type { ServerValidation } from '../../model/kestra.js'
import { missingVerdict, parsedJson, readVerdict, unreadableVerdict } from './constraints.js'
import { bodyText, type ScopedHttp, YAML } from './scoped-http.js'
import { BODY_LIMIT_REMEDY, bodyRefused } from './errors.js'

/**
 * Flows a validation request carries: few round trips, while 2,000 flows still fill the default concurrency's 8
 * places (docs/performance.md#where-the-requests-go). A larger repository's requests carry more: `batchCount`.
 */
export const MAX_BATCH = 250

/**
 * Flows each validation request carries: `MAX_BATCH`, or enough to fill each of the `concurrency` places once, so
 * 10,000 small flows take 8 requests, not 40; the body stays within `MAX_BATCH_BYTES` (which decides for large
 * flows).
 */
export function batchCount(flows: number, concurrency: number): number {
  return Math.max(MAX_BATCH, Math.ceil(flows / concurrency))
}

/**
 * A validation body's bytes, unless one flow alone is larger: half the 1 MiB nginx and ingress-nginx accept by
 * default, so large flows behind such a proxy are not refused (docs/kestra.md#validation-behind-a-proxy).
 */
export const MAX_BATCH_BYTES = 512 * 1024

const SEPARATOR = '\n---\n'

/** The server splits a YAML body on `\n+---\n*?`: a line starting with `---` starts a new document. */
const SEPARATOR_LINE = /(^|\n)---/

/** A batch as it fills: any source fits an empty one; a source the bound has no room for starts the next. */
export class FillingBatch {
  private count = 0
  private bytes = 0

  constructor(private readonly bound: { count: number; bytes: number }) {}

  fits(bytes: number): boolean {
    if (this.count === 0) return true
    return (
      this.count < this.bound.count && this.bytes + SEPARATOR.length + bytes <= this.bound.bytes
    )
  }

  get full(): boolean {
    return !this.fits(0)
  }

  add(bytes: number): void {
    this.bytes += (this.count === 0 ? 0 : SEPARATOR.length) + bytes
    this.count += 1
  }
}

export function validateApi(http: ScopedHttp) {
  /**
   * One request's verdicts. A body refused as too large (413, a proxy's lower limit) is sent again as two halves;
   * one flow refused alone is an error of that flow, which a deploy could not send either.
   */
  const validateBatch = async (sources: string[], batch: number[]): Promise<ServerValidation[]> => {
    const body = batch.map((index) => sources[index]).join(SEPARATOR)
    const response = await http.send({
      method: 'POST',
      route: '/flows/validate',
      readOnly: true,
      headers: YAML,
      body,
      allow: [413]
    })
    if (response.status === 413) {
      if (batch.length === 1) {
        const message = couldNotValidate(
          `${bodyRefused(response.sentBytes)} (413, the flow alone), and would refuse its deploy as well: ${BODY_LIMIT_REMEDY}`
        )
        return [{ ...emptyResult(batch[0]!), noVerdict: { cause: 'too large', message } }]
      }
      const half = Math.ceil(batch.length / 2)
      const halves = await Promise.all([
        validateBatch(sources, batch.slice(0, half)),
        validateBatch(sources, batch.slice(half))
      ])
      return halves.flat()
    }
    const text = bodyText(response.body)
    const items = parsedJson(text)
    if (Array.isArray(items)) return mapBatch(batch, items)
    const why = items === undefined ? 'it is not JSON' : 'it is not a list of verdicts'
    // One text for the whole request: the answer, kept whole, may be a page of megabytes.
    const noVerdict = unreadable(unreadableVerdict(why, text))
    return batch.map((index) => ({ ...emptyResult(index), noVerdict }))
  }
  return {
    /**
     * One result per source, in order, batched: at most `count` flows (`batchCount`) and MAX_BATCH_BYTES a
     * request.
     */
    async validateFlows(sources: string[], count = MAX_BATCH): Promise<ServerValidation[]> {
      const bound = { count, bytes: MAX_BATCH_BYTES }
      const results = await Promise.all(
        planBatches(sources, bound).map((batch) => validateBatch(sources, batch))
      )
      return results.flat().sort((a, b) => a.index - b.index)
    }
  }
}

/** The finding of a flow without a verdict: the server's answer, or a proxy, is at fault, not the flow. */
function couldNotValidate(why: string): string {
  return `Kestra could not validate this flow: ${why}.`
}

function unreadable(why: string): NonNullable<ServerValidation['noVerdict']> {
  return { cause: 'unreadable', message: couldNotValidate(why) }
}

/**
 * Source indexes grouped into requests within the bound (a larger flow alone). A source the server would itself
 * split (a line starting with `---`) or a blank one goes alone, so answers map back by index.
 */
export function planBatches(
  sources: readonly string[],
  bound = { count: MAX_BATCH, bytes: MAX_BATCH_BYTES }
): number[][] {
  const batches: number[][] = []
  let current: number[] = []
  let filling = new FillingBatch(bound)
  sources.forEach((source, index) => {
    if (SEPARATOR_LINE.test(source) || source.trim() === '') {
      batches.push([index])
      return
    }
    const bytes = utf8Length(source)
    if (!filling.fits(bytes)) {
      batches.push(current)
      current = []
      filling = new FillingBatch(bound)
    }
    current.push(index)
    filling.add(bytes)
  })
  if (current.length) batches.push(current)
  return batches
}

/**
 * One result per source of the batch, by each answer's `index` (else its position); a source sent alone takes
 * every answer, merged. An unreadable answer is an error of its flow, never "valid"; one whose index names no
 * source of the request is an error of every flow of it.
 */
function mapBatch(batch: number[], items: unknown[]): ServerValidation[] {
  const results = batch.map((index) => emptyResult(index))
  const answered = new Set<number>()
  items.forEach((item, position) => {
    const record = indexed.safeParse(item).data
    const index = record && 'index' in record ? record.index : position
    const local = results.length === 1 ? 0 : index
    if (typeof local !== 'number' || !Number.isInteger(local) || !(local in results)) {
      const why = `an answer names index ${JSON.stringify(index) ?? 'undefined'}, which no flow of the request has`
      const noVerdict = unreadable(unreadableVerdict(why, JSON.stringify(item) ?? String(item)))
      for (const result of results) result.noVerdict ??= noVerdict
      return
    }
    answered.add(local)
    mergeInto(results[local]!, item)
  })
  results.forEach((result, position) => {
    if (!answered.has(position)) result.noVerdict ??= unreadable(missingVerdict())
  })
  return results
}

const indexed = z.looseObject({ index: z.unknown().optional() })

function emptyResult(index: number): ServerValidation {
  return { index, errors: [], outdated: false, deprecationPaths: [], warnings: [], infos: [] }
}

function mergeInto(target: ServerValidation, item: unknown): void {
  const verdict = readVerdict(item)
  if (!verdict.readable) {
    const answer = JSON.stringify(item) ?? String(item)
    target.noVerdict ??= unreadable(unreadableVerdict(verdict.why, answer))
    return
  }
  const { record } = verdict
  target.errors.push(...verdict.errors)
  target.outdated ||= record.outdated === true
  target.deprecationPaths.push(...strings(record.deprecationPaths))
  target.warnings.push(...strings(record.warnings))
  target.infos.push(...strings(record.infos))
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
