import { z } from 'zod'
import { jsonObject } from './content.js'

const versioned = z.looseObject({ version: z.unknown().optional() })

/**
 * What the action stores in Kestra, read back as untrusted (docs/performance.md#what-kv-can-do-to-it): JSON or
 * its text (older servers, someone else's value), then its schema. Format 1 has no `version` field; another
 * version or a value the schema does not fit is refused by name, never a crash.
 */
export function readStored<T>(
  name: string,
  schema: z.ZodType<T>,
  value: unknown
): { value: T } | { refused: string } {
  let parsed = value
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value)
    } catch {
      return { refused: `${name}: not JSON` }
    }
  }
  const version = versioned.safeParse(parsed).data?.version
  if (version !== undefined && version !== 1) {
    return { refused: `${name} v${Number.isSafeInteger(version) ? version : '?'}: unsupported` }
  }
  const read = schema.safeParse(parsed)
  if (read.success) return { value: read.data }
  return {
    refused: `${name}: ${fieldOf(read.error) || 'the value'} is not what this action writes`
  }
}

/** The field a schema refused, as `a.0.b`; keys are untrusted text, so only a plain word is shown, else `*`. */
export function fieldOf(error: z.ZodError): string {
  return (error.issues[0]?.path ?? [])
    .slice(0, 8)
    .map((key) =>
      typeof key === 'number' || /^[A-Za-z_]\w{0,39}$/.test(String(key)) ? String(key) : '*'
    )
    .join('.')
}

/** A stored JSON object whatever it holds (it may hold more than the marker), or undefined. */
export function storedObject(value: unknown): Record<string, unknown> | undefined {
  const read = readStored('value', jsonObject, value)
  return 'value' in read ? read.value : undefined
}
