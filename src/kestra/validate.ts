import type { ServerValidation } from '../model/kestra.js'
import { parsedJson, readVerdict, unreadableVerdict } from './constraints.js'
import type { ScopedHttp } from './scoped-http.js'

/**
 * Flows a validation request carries: a repository's verdicts take few round trips, while one of 2,000 flows
 * still fills the 8 places of the default concurrency (docs/performance.md#where-the-requests-go).
 */
export const MAX_BATCH = 250

/** The server splits a YAML body on `\n+---\n*?`: a line starting with `---` starts a new document. */
const SEPARATOR_LINE = /(^|\n)---/

export class ValidateEndpoint {
  constructor(private readonly http: ScopedHttp) {}

  async validate(sources: string[]): Promise<ServerValidation[]> {
    const results = await Promise.all(
      planBatches(sources).map(async (batch) => {
        const response = await this.http.send({
          method: 'POST',
          path: '/flows/validate',
          route: '/flows/validate',
          readOnly: true,
          headers: { 'content-type': 'application/x-yaml' },
          body: batch.map((index) => sources[index]).join('\n---\n')
        })
        const text = new TextDecoder().decode(response.body)
        const items = parsedJson(text)
        if (Array.isArray(items)) return mapBatch(batch, items)
        const why = items === undefined ? 'it is not JSON' : 'it is not a list of verdicts'
        return batch.map((index) => ({
          ...emptyResult(index),
          errors: [{ message: unreadableVerdict(why, text) }]
        }))
      })
    )
    return results.flat().sort((a, b) => a.index - b.index)
  }
}

/**
 * Groups source indexes into requests of at most `max` documents. A source that the server would
 * itself split (a line starting with `---`) or that is blank goes alone, so answers map back by index.
 */
export function planBatches(sources: readonly string[], max = MAX_BATCH): number[][] {
  const batches: number[][] = []
  let current: number[] = []
  sources.forEach((source, index) => {
    if (SEPARATOR_LINE.test(source) || source.trim() === '') {
      batches.push([index])
      return
    }
    current.push(index)
    if (current.length === max) {
      batches.push(current)
      current = []
    }
  })
  if (current.length) batches.push(current)
  return batches
}

/**
 * One result per source of the batch; several answers for one source are merged. An answer the client
 * cannot read is an error of its flow, never "valid".
 */
function mapBatch(batch: number[], items: unknown[]): ServerValidation[] {
  const results = batch.map((index) => emptyResult(index))
  const answered = new Set<number>()
  items.forEach((item, position) => {
    const record = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>
    const index = typeof record.index === 'number' ? record.index : position
    const local = Math.max(0, Math.min(index, results.length - 1))
    answered.add(local)
    mergeInto(results[local]!, item)
  })
  results.forEach((result, position) => {
    if (!answered.has(position)) {
      result.errors.push({ message: 'the server returned no validation result for this flow' })
    }
  })
  return results
}

function emptyResult(index: number): ServerValidation {
  return { index, errors: [], outdated: false, deprecationPaths: [], warnings: [], infos: [] }
}

function mergeInto(target: ServerValidation, item: unknown): void {
  const verdict = readVerdict(item)
  if (!verdict.readable) {
    const answer = JSON.stringify(item) ?? String(item)
    target.errors.push({ message: unreadableVerdict(verdict.why, answer) })
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
