import type { BaseResource, BaseSnapshot } from '../src/model/plan-input.js'

type Flows = Iterable<readonly [string, { source: string; file: string }]>
type Files = Iterable<readonly [string, { sha256: string; file: string }]>

/**
 * A base commit's snapshot from flows and namespace files keyed as their kinds key them (`flow:<ns>/<id>`,
 * `file:<ns>:<path>`): each record gets the namespace (and path) its kind's base holds.
 */
export function baseSnapshot({
  flows = [],
  files = []
}: {
  flows?: Flows
  files?: Files
}): BaseSnapshot {
  const flowBase = [...flows].map(([key, flow]) => {
    const namespace = key.slice('flow:'.length, key.lastIndexOf('/'))
    return [key, { namespace, ...flow }] as const
  })
  const fileBase = [...files].map(([key, file]) => {
    const rest = key.slice('file:'.length)
    const colon = rest.indexOf(':')
    return [key, { namespace: rest.slice(0, colon), path: rest.slice(colon + 1), ...file }] as const
  })
  return {
    byKind: new Map<string, ReadonlyMap<string, BaseResource>>([
      ['flow', new Map(flowBase)],
      ['file', new Map(fileBase)]
    ])
  }
}

/** What a base holds of a kind (`flow`, `file`), by key. */
export function baseOfKind<T extends BaseResource = BaseResource & Record<string, unknown>>(
  base: BaseSnapshot,
  kind: string
): ReadonlyMap<string, T> {
  return (base.byKind.get(kind) ?? new Map()) as ReadonlyMap<string, T>
}
