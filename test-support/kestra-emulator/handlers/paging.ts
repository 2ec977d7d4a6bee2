/** Paged search parameters as Kestra's controllers declare them: `@QueryValue @Min(1) int page, size`. */
import { queryValue, type RequestContext } from '../context.js'
import { illegalArgument, invalidEntity } from '../errors.js'
import { compare } from '../namespace-files.js'

export interface Page {
  page: number
  size: number
}

/**
 * `page` and `size` (defaults 1 and `defaultSize`); below 1 is the bean-validation 422 naming the
 * controller method's parameter, e.g. `searchFlows.page`.
 */
export function pageParams(ctx: RequestContext, method: string, defaultSize: number): Page {
  return {
    page: positive(ctx, method, 'page', 1),
    size: positive(ctx, method, 'size', defaultSize)
  }
}

export function slice<T>(items: T[], { page, size }: Page): T[] {
  return items.slice((page - 1) * size, page * size)
}

export interface SortKey {
  field: string
  sign: 1 | -1
}

/**
 * `sort=field:asc|desc` (comma-separated or repeated) as `PageableUtils` reads it: anything else, or a
 * field outside `fields` when given, is `Invalid sort parameter`. Returns the keys in order.
 */
export function sortKeys(ctx: RequestContext, fields?: string[]): SortKey[] {
  return ctx.query
    .getAll('sort')
    .flatMap((s) => s.split(','))
    .filter((s) => s !== '')
    .map((item) => {
      const match = /^([\w.]+):(asc|desc)$/.exec(item)
      if (!match || (fields && !fields.includes(match[1]))) {
        throw illegalArgument('Invalid sort parameter')
      }
      return { field: match[1], sign: match[2] === 'asc' ? 1 : -1 }
    })
}

/** Orders by each key in turn (code-point order on the field's text). */
export function byKeys<T>(
  keys: SortKey[],
  value: (item: T, field: string) => string
): (a: T, b: T) => number {
  return (a, b) => {
    for (const { field, sign } of keys) {
      const order = compare(value(a, field), value(b, field))
      if (order !== 0) return order * sign
    }
    return 0
  }
}

function positive(ctx: RequestContext, method: string, name: string, fallback: number): number {
  const raw = queryValue(ctx, name)
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    const path = `${method}.${name}`
    throw invalidEntity(`${path}: must be greater than or equal to 1`, [
      { message: 'must be greater than or equal to 1', path }
    ])
  }
  return value
}
