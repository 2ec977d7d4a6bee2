import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff'
import type { DiffLimits } from '../../model/plan-input.js'

export const DEFAULT_DIFF_LIMITS: DiffLimits = {
  maxChars: 200_000,
  maxLines: 5_000,
  maxEdits: 1_000
}

export interface TextDiff {
  /** Unified diff with file headers and 3 lines of context; undefined when summarised. */
  diff?: string
  additions: number
  deletions: number
  tooLarge: boolean
}

/** `/dev/null` stands for an absent side (creation or deletion). */
export const NO_FILE = '/dev/null'

/** Unified diff of two texts (undefined: no such side), or, past the limits, only line counts. */
export function diffTexts(
  oldName: string,
  newName: string,
  oldText: string | undefined,
  newText: string | undefined,
  limits: DiffLimits = DEFAULT_DIFF_LIMITS
): TextDiff {
  const before = oldText ?? ''
  const after = newText ?? ''
  const oldLines = splitLines(before)
  const newLines = splitLines(after)
  const exceeds = (text: string, lines: string[]): boolean =>
    text.length > limits.maxChars || lines.length > limits.maxLines
  if (exceeds(before, oldLines) || exceeds(after, newLines)) {
    return { ...countLineChanges(oldLines, newLines), tooLarge: true }
  }
  const patch = structuredPatch(
    oldText === undefined ? NO_FILE : oldName,
    newText === undefined ? NO_FILE : newName,
    before,
    after,
    undefined,
    undefined,
    { context: 3, maxEditLength: limits.maxEdits }
  )
  if (!patch) return { ...countLineChanges(oldLines, newLines), tooLarge: true }
  let additions = 0
  let deletions = 0
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) additions++
      else if (line.startsWith('-')) deletions++
    }
  }
  const diff = patch.hunks.length > 0 ? formatPatch(patch, FILE_HEADERS_ONLY) : undefined
  return { diff, additions, deletions, tooLarge: false }
}

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * Lines only in the new text and lines only in the old one, matched as multisets: a linear
 * lower bound of what a real diff reports, good enough for a summary of huge content.
 */
function countLineChanges(
  oldLines: string[],
  newLines: string[]
): { additions: number; deletions: number } {
  const remaining = new Map<string, number>()
  for (const line of oldLines) remaining.set(line, (remaining.get(line) ?? 0) + 1)
  let additions = 0
  for (const line of newLines) {
    const left = remaining.get(line) ?? 0
    if (left > 0) remaining.set(line, left - 1)
    else additions++
  }
  return { additions, deletions: oldLines.length - (newLines.length - additions) }
}
