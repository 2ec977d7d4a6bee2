import type { ServerConstraint } from '../model/kestra.js'

interface ErrorBody {
  message: string
  violations: ServerConstraint[]
}

/**
 * Reads an error answer of any Kestra era: Micronaut `JsonError` (`message`, `_embedded.errors`),
 * RFC 9457 problem+json (`detail`, `title`, `errors`), a bare status, or an HTML page from a proxy. The
 * message is kept whole: the output edge cuts it once redacted, so no cut can leave part of a credential.
 */
export function parseErrorBody(body: Uint8Array, statusText: string): ErrorBody {
  const text = new TextDecoder().decode(body).trim()
  const json = parseJson(text)
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>
    const violations = [
      ...readViolations((record._embedded as Record<string, unknown> | undefined)?.errors),
      ...readViolations(record.errors)
    ]
    const main = firstString(record.message, record.detail, record.title)
    const missing = violations.filter((v) => !main?.includes(v.message)).map(violationText)
    const message = [main, missing.join(', ')].filter(Boolean).join(': ')
    return { message: message || statusText, violations }
  }
  if (text === '' || text.startsWith('<')) return { message: statusText, violations: [] }
  return { message: text, violations: [] }
}

function parseJson(text: string): unknown {
  if (!text.startsWith('{')) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function readViolations(list: unknown): ServerConstraint[] {
  if (!Array.isArray(list)) return []
  return list.flatMap((item): ServerConstraint[] => {
    if (!item || typeof item !== 'object') return []
    const record = item as Record<string, unknown>
    const message = firstString(record.message, record.detail)
    if (!message) return []
    const violation: ServerConstraint = { message }
    if (typeof record.path === 'string' && record.path) violation.path = record.path
    if (typeof record.pointer === 'string' && record.pointer) violation.pointer = record.pointer
    return [violation]
  })
}

function violationText(violation: ServerConstraint): string {
  return violation.path ? `${violation.path}: ${violation.message}` : violation.message
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value.trim()) return value.trim()
  return undefined
}
