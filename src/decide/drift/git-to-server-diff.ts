import { FILE_HEADERS_ONLY, formatPatch, parsePatch, reversePatch } from 'diff'
import { NO_FILE } from '../plan/diff.js'

/**
 * The plan's diff reads from the server to the repository (what a deploy would do); drift reads the other
 * way, from Git to what Kestra holds (docs/drift.md#the-drift-issue). Within each run of changed lines the
 * removed ones come first, as a diff tool prints them. Pure.
 */
export function gitToServerDiff(planDiff: string, name: string): string {
  const [patch] = parsePatch(planDiff)
  if (!patch) return planDiff
  const reversed = reversePatch(patch)
  reversed.oldFileName = reversed.oldFileName === NO_FILE ? NO_FILE : `git/${name}`
  reversed.newFileName = reversed.newFileName === NO_FILE ? NO_FILE : `kestra/${name}`
  for (const hunk of reversed.hunks) hunk.lines = removalsFirst(hunk.lines)
  return formatPatch(reversed, FILE_HEADERS_ONLY)
}

/** Reorders each run of `-`/`+` lines (with their `\ No newline` notes) so that removals precede additions. */
function removalsFirst(lines: string[]): string[] {
  const out: string[] = []
  let removed: string[] = []
  let added: string[] = []
  let last: string[] | undefined
  const flush = () => {
    out.push(...removed, ...added)
    removed = []
    added = []
  }
  for (const line of lines) {
    if (line.startsWith('-')) (last = removed).push(line)
    else if (line.startsWith('+')) (last = added).push(line)
    else if (line.startsWith('\\') && last) last.push(line)
    else {
      flush()
      last = undefined
      out.push(line)
    }
  }
  flush()
  return out
}
