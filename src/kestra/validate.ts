import type { ServerConstraint, ServerValidation } from '../model/kestra.js'
import { splitConstraints } from './constraints.js'
import { readJsonArray } from './json.js'
import type { ScopedHttp } from './scoped-http.js'

export const MAX_BATCH = 100

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
          headers: { 'content-type': 'application/x-yaml' },
          body: batch.map((index) => sources[index]).join('\n---\n')
        })
        return mapBatch(batch, readJsonArray(response))
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

/** One result per source of the batch; several answers for one source are merged. */
function mapBatch(batch: number[], items: unknown[]): ServerValidation[] {
  const results = batch.map((index) => emptyResult(index))
  const answered = new Set<number>()
  items.forEach((item, position) => {
    const record = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>
    const index = typeof record.index === 'number' ? record.index : position
    const local = Math.max(0, Math.min(index, results.length - 1))
    answered.add(local)
    mergeInto(results[local]!, record)
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

function mergeInto(target: ServerValidation, record: Record<string, unknown>): void {
  if (typeof record.constraints === 'string' && record.constraints.trim()) {
    target.errors.push(...splitConstraints(record.constraints))
  }
  if (Array.isArray(record.errors)) target.errors.push(...record.errors.flatMap(toConstraint))
  target.outdated ||= record.outdated === true
  target.deprecationPaths.push(...strings(record.deprecationPaths))
  target.warnings.push(...strings(record.warnings))
  target.infos.push(...strings(record.infos))
}

function toConstraint(error: unknown): ServerConstraint[] {
  if (!error || typeof error !== 'object') return []
  const { detail, message, path, pointer } = error as Record<string, unknown>
  const text = typeof detail === 'string' ? detail : typeof message === 'string' ? message : ''
  if (!text) return []
  const constraint: ServerConstraint = { message: text }
  if (typeof path === 'string' && path) constraint.path = path
  if (typeof pointer === 'string' && pointer) constraint.pointer = pointer
  return [constraint]
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
