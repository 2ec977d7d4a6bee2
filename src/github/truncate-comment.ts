/**
 * Last-resort shortening of a comment body that GitHub rejected as too long. The renderer already keeps
 * bodies under the limit; this only guarantees the retry is accepted and still renders correctly.
 */

import { scanLines, type Fence } from '../model/markdown/fence.js'

/** Comfortably under GitHub's 65,536 limit, whatever unit GitHub counts in. */
const SAFE_COMMENT_LENGTH = 60_000

export const TRUNCATION_NOTE =
  '…*[Comment truncated: GitHub limits comments to 65,536 characters. The job summary holds the full plan.]*'

/** Hidden machine-readable lines (the marker, the plan fingerprint) survive truncation. */
const HIDDEN_LINE = /^<!-- kestra-gitops[\w-]*:.*-->$/

interface LineState {
  /** The fence still open after this line. */
  fence?: Fence
  /** `<details>` still open after this line. */
  details: number
  /** The line is Markdown text (not inside a fenced block). */
  outsideFence: boolean
}

export function truncateCommentBody(body: string, maxLength = SAFE_COMMENT_LENGTH): string {
  if (body.length <= maxLength) return body
  const lines = body.split('\n')
  const states = scan(lines)
  const hiddenAfter = hiddenLengthsFrom(lines, states)
  let keep = 0
  let length = 0
  for (; keep < lines.length; keep++) {
    const next = length + lines[keep].length + 1
    const tail = closers(states[keep]).length + TRUNCATION_NOTE.length + hiddenAfter[keep + 1] + 2
    if (next + tail > maxLength) break
    length = next
  }
  const head = lines.slice(0, keep).join('\n')
  const closing = keep > 0 ? closers(states[keep - 1]) : ''
  const hidden = keptHiddenLines(lines, states, keep)
  return `${head}${closing}\n\n${TRUNCATION_NOTE}${hidden}`
}

function scan(lines: string[]): LineState[] {
  let details = 0
  return scanLines(lines.join('\n')).map(({ text: line, inFence, open }) => {
    if (inFence) return { fence: open, details, outsideFence: false }
    details += (line.match(/<details[\s>]/gi) ?? []).length
    details = Math.max(0, details - (line.match(/<\/details>/gi) ?? []).length)
    return { details, outsideFence: true }
  })
}

function closers(state: LineState): string {
  let text = state.fence ? `\n${state.fence.char.repeat(state.fence.length)}` : ''
  for (let i = 0; i < state.details; i++) text += '\n\n</details>'
  return text
}

/** hiddenLengthsFrom(...)[i]: the length the hidden lines from line i on add to the output. */
function hiddenLengthsFrom(lines: string[], states: LineState[]): number[] {
  const lengths = new Array<number>(lines.length + 1).fill(0)
  for (let i = lines.length - 1; i >= 0; i--) {
    const hidden = states[i].outsideFence && HIDDEN_LINE.test(lines[i])
    lengths[i] = lengths[i + 1] + (hidden ? lines[i].length + 1 : 0)
  }
  return lengths
}

function keptHiddenLines(lines: string[], states: LineState[], from: number): string {
  let text = ''
  for (let i = from; i < lines.length; i++) {
    if (states[i].outsideFence && HIDDEN_LINE.test(lines[i])) text += `\n${lines[i]}`
  }
  return text
}
