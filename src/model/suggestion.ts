/**
 * Mechanical fixes offered as GitHub suggested changes on a pull request's own lines (docs/suggested-changes.md).
 */

/** The lines a pull request added or changed, per file: line number (1-based, the head's) → its text. */
export type ChangedLines = ReadonlyMap<string, ReadonlyMap<number, string>>

export interface Suggestion {
  /** Repository-relative, '/'-separated. */
  file: string
  /** The lines replaced, `startLine` to `endLine` (1-based, inclusive), every one a line the pull request changed. */
  startLine: number
  endLine: number
  /** The text of the lines replaced, as the pull request has them. */
  original: string[]
  /** What replaces them. */
  lines: string[]
  rule: string
  /** Why, in the words of the finding or the rewrite. */
  message: string
  /** The same fix of the same text keeps its key from run to run: it is posted once. */
  key: string
}

/** Suggestions posted as review comments per run at most; the rest are listed in the comment. */
export const MAX_SUGGESTIONS_PER_RUN = 10

/** The suggestions of a run, as the comment and the job summary tell them. */
export interface SuggestionsReport {
  /** How many are offered as suggested changes on the pull request's lines (at most the bound). */
  offered: number
  /** Those past the bound: listed, not posted. */
  more: readonly Suggestion[]
}

/**
 * The head's lines a unified diff adds (`+` lines), by line number: GitHub's `patch` of a pull request file, or one
 * file's part of `git diff`. Lines of `\ No newline at end of file` are not lines.
 */
export function addedLines(patch: string): Map<number, string> {
  const added = new Map<number, string>()
  let line = 0
  for (const text of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text)
    if (hunk) {
      line = Number(hunk[1])
      continue
    }
    if (line === 0) continue
    if (text.startsWith('+')) added.set(line++, text.slice(1).replace(/\r$/, ''))
    else if (text.startsWith(' ')) line++
  }
  return added
}

/** A review comment offering one suggestion, as the action posts it: its marker names the suggestion's key. */
interface ReviewSuggestion {
  key: string
  file: string
  startLine: number
  endLine: number
  /** The comment's Markdown, its first line the marker. */
  body: string
}

export type SuggestOutcome =
  /** `posted`: new review comments; `already`: posted by an earlier run (this token's own). */
  | { status: 'reviewed'; posted: number; already: number; url?: string }
  /** The token may not write review comments (a fork's, or no `pull-requests: write`); `message` says so. */
  | { status: 'forbidden'; message: string }
  /** GitHub refused the review (a line outside its diff: 422); nothing was posted. */
  | { status: 'refused'; message: string }

/** Review comments with suggested changes (docs/suggested-changes.md), through GitHub's pull request reviews API. */
export interface ReviewPort {
  /** The `patch` of each file of the pull request as GitHub lists it (none for a binary or too large a diff). */
  pullRequestPatches(pr: number): Promise<Map<string, string>>
  /**
   * Posts, as one review of `commit`, the suggestions this token has not posted on the pull request before (found by
   * their marker among the review comments this token's own identity wrote).
   */
  suggest(
    pr: number,
    commit: string,
    review: { body: string; comments: readonly ReviewSuggestion[] }
  ): Promise<SuggestOutcome>
}

/** The hidden first line of a suggestion's review comment: how a later run knows it was posted. */
export function suggestionMarker(key: string): string {
  return `<!-- kestra-gitops-suggestion: ${key} -->`
}
