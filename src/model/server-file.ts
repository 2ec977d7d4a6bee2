import { summaryOf } from './content.js'
import type { ServerFile } from './plan-input.js'
import type { FileContentSummary } from './plan.js'

/** A server file as the plan keeps it: summarised, with its bytes only when a diff may show them. */
export function serverFile(
  path: string,
  bytes: Uint8Array,
  keepBytes: (summary: FileContentSummary) => boolean
): ServerFile {
  const summary = summaryOf(bytes)
  return keepBytes(summary) ? { path, summary, bytes } : { path, summary }
}
