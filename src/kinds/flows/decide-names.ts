import type { LiteralCall } from './decide-literal-calls.js'
import type { NameReference } from '../../model/names.js'

/** The Pebble functions that name a secret or a KV key (docs/caught-at-review.md#secrets-and-kv-keys). */
export const NAME_FUNCTIONS = ['secret', 'kv'] as const

/**
 * Pebble's argument order: `secret(key, namespace, subkey, full)` and `kv(key, namespace, errorOnMissing)`
 * (docs/kestra.md#secrets, #kv-inheritance). A call whose name or namespace is computed cannot be
 * checked, and `kv(…, errorOnMissing=false)` reads a missing key as `null`: those are left out.
 */
export function nameReferences(
  calls: readonly LiteralCall[],
  flow: { file: string; namespace: string; fromFlow: string }
): NameReference[] {
  return calls.flatMap((call): NameReference[] => {
    if (call.name !== 'secret' && call.name !== 'kv') return []
    const { positional, named } = call.args
    const name = named.has('key') ? named.get('key') : positional[0]
    const namespace = named.has('namespace') ? named.get('namespace') : positional[1]
    if (name === undefined || name === null || name === '' || namespace === null) return []
    if (call.name === 'kv' && allowsMissing(call)) return []
    return [
      {
        kind: call.name,
        name,
        ...(namespace !== undefined && { namespace }),
        flowNamespace: flow.namespace,
        file: flow.file,
        ...call.position,
        fromFlow: flow.fromFlow
      }
    ]
  })
}

/** `errorOnMissing` given and not the literal `true` (a computed one may be false: no finding then). */
function allowsMissing(call: LiteralCall): boolean {
  const raw = call.args.raw.get('errorOnMissing') ?? call.args.rawPositional[2]
  return raw !== undefined && raw.trim() !== 'true'
}
