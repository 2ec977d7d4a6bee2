import { normaliseText } from './content.js'
import { withoutRevisionLine } from './flow-source.js'

/**
 * The text Kestra compares when deciding whether a flow changed: line endings normalised and the
 * first `revision: N` line removed (the server owns it), as its `isSameWithSource` does.
 */
export function comparableFlowSource(source: string): string {
  return withoutRevisionLine(normaliseText(source))
}
