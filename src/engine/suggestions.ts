import { diffLines } from 'diff'
import { compareCodeUnits, sha256Hex } from '../model/content.js'
import type { Finding, FindingFix } from '../model/finding.js'
import type { ChangedLines, Suggestion } from '../model/suggestion.js'

/** A file with every mechanical upgrade rewrite applied (docs/upgrade.md): the text read, the text rewritten. */
interface Rewrite {
  file: string
  raw: string
  source: string
}

interface SuggestInput {
  findings: readonly Finding[]
  /** The text of each file the fixes name, as checked (line breaks as LF). */
  texts: ReadonlyMap<string, string>
  rewrites: readonly Rewrite[]
  /** Why each rewritten line is rewritten: the upgrade's mechanical items, by file and line. */
  rewriteReasons: readonly { file: string; line: number; message: string }[]
  /** The release the rewrites are for, e.g. `2.0`. */
  upgradeTarget?: string
  /** The lines the pull request changed: nothing else is suggested on. */
  changed: ChangedLines
}

/**
 * The mechanical fixes a pull request can take with one click (docs/suggested-changes.md): the fixes of the findings
 * (a quoted Pebble expression, a property renamed as the schema suggests) and the hunks of the upgrade rewrites,
 * each only where every line it replaces is a line the pull request changed, with the text the checks read. In file
 * and line order; of two that touch the same line, the first.
 */
export function suggestedChanges(input: SuggestInput): Suggestion[] {
  const found = [...fixSuggestions(input), ...rewriteSuggestions(input)]
    .filter((s) => onChangedLines(s, input.changed))
    .sort(
      (a, b) =>
        compareCodeUnits(a.file, b.file) ||
        a.startLine - b.startLine ||
        a.endLine - b.endLine ||
        compareCodeUnits(a.rule, b.rule)
    )
  const kept: Omit<Suggestion, 'key'>[] = []
  for (const suggestion of found) {
    const last = kept.at(-1)
    if (last && last.file === suggestion.file && last.endLine >= suggestion.startLine) continue
    kept.push(suggestion)
  }
  // The same fix of the same text, counted in order, is the same suggestion in the next run.
  const seen = new Map<string, number>()
  return kept.map((s) => {
    const same = JSON.stringify([s.file, s.rule, s.original, s.lines])
    const occurrence = seen.get(same) ?? 0
    seen.set(same, occurrence + 1)
    return { ...s, key: sha256Hex(`${same}#${occurrence}`).slice(0, 16) }
  })
}

function onChangedLines(suggestion: Omit<Suggestion, 'key'>, changed: ChangedLines): boolean {
  const lines = changed.get(suggestion.file)
  return (
    lines !== undefined &&
    suggestion.original.every((text, i) => lines.get(suggestion.startLine + i) === text)
  )
}

/** The findings' fixes, those of one line together (right to left, none overlapping). */
function fixSuggestions({ findings, texts }: SuggestInput): Omit<Suggestion, 'key'>[] {
  const byLine = new Map<string, (Finding & { fix: FindingFix })[]>()
  for (const finding of findings) {
    const { fix } = finding
    if (!fix || fix.text === '' || /[\r\n]/.test(fix.text + fix.with)) continue
    const at = `${finding.file}\0${finding.line}`
    byLine.set(at, [...(byLine.get(at) ?? []), { ...finding, fix }])
  }
  const out: Omit<Suggestion, 'key'>[] = []
  for (const fixes of byLine.values()) {
    const { file, line } = fixes[0]!
    const original = texts.get(file)?.split('\n')[line - 1]
    if (original === undefined) continue
    let text = original
    let limit = Infinity
    const applied: Finding[] = []
    const unique = [...new Map(fixes.map((f) => [f.column ?? 1, f])).values()]
    for (const finding of unique.sort((a, b) => (b.column ?? 1) - (a.column ?? 1))) {
      const start = (finding.column ?? 1) - 1
      const end = start + finding.fix.text.length
      if (end > limit || !original.startsWith(finding.fix.text, start)) continue
      text = text.slice(0, start) + finding.fix.with + text.slice(end)
      limit = start
      applied.unshift(finding)
    }
    if (applied.length === 0 || text === original) continue
    out.push({
      file,
      startLine: line,
      endLine: line,
      original: [original],
      lines: [text],
      rule: applied[0]!.rule,
      message: applied.map((f) => f.message).join('\n')
    })
  }
  return out
}

/**
 * Each hunk of each upgrade rewrite as a suggestion: the lines it replaces and what replaces them; a hunk that only
 * inserts takes the line above it (or below, at the top of the file) with it, as a suggestion replaces lines, and
 * hunks that then share a line are one suggestion.
 */
function rewriteSuggestions(input: SuggestInput): Omit<Suggestion, 'key'>[] {
  const out: Omit<Suggestion, 'key'>[] = []
  for (const rewrite of input.rewrites) {
    const before = asLines(rewrite.raw)
    const after = asLines(rewrite.source)
    // Each hunk as 0-based ranges [from, to) of the lines before and after.
    const hunks: { old: [number, number]; now: [number, number] }[] = []
    let [oldAt, newAt] = [0, 0]
    let open: { old: [number, number]; now: [number, number] } | undefined
    for (const part of diffLines(`${before.join('\n')}\n`, `${after.join('\n')}\n`)) {
      const count = part.value.replace(/\n$/, '').split('\n').length
      if (!part.added && !part.removed) {
        open = undefined
        oldAt += count
        newAt += count
        continue
      }
      if (!open) hunks.push((open = { old: [oldAt, oldAt], now: [newAt, newAt] }))
      if (part.added) open.now[1] = newAt += count
      else open.old[1] = oldAt += count
    }
    const anchored = hunks.flatMap((hunk) => {
      if (hunk.old[0] < hunk.old[1]) return [hunk]
      if (before.length === 0) return []
      // The unchanged line above (or, at the top, below) maps to the line beside the inserted ones.
      return hunk.old[0] > 0
        ? [{ old: [hunk.old[0] - 1, hunk.old[1]], now: [hunk.now[0] - 1, hunk.now[1]] }]
        : [{ old: [0, 1], now: [hunk.now[0], hunk.now[1] + 1] }]
    })
    const merged: typeof anchored = []
    for (const hunk of anchored) {
      const last = merged.at(-1)
      if (last && hunk.old[0] < last.old[1]) {
        last.old[1] = Math.max(last.old[1], hunk.old[1])
        last.now[1] = Math.max(last.now[1], hunk.now[1])
      } else merged.push({ old: [...hunk.old], now: [...hunk.now] })
    }
    for (const { old, now } of merged) {
      out.push({
        file: rewrite.file,
        startLine: old[0] + 1,
        endLine: old[1],
        original: before.slice(old[0], old[1]),
        lines: after.slice(now[0], now[1]),
        rule: 'upgrade-rewrite',
        message: rewriteReason(input, rewrite.file, old[0] + 1, old[1])
      })
    }
  }
  return out
}

function rewriteReason(input: SuggestInput, file: string, from: number, to: number): string {
  const reasons = input.rewriteReasons
    .filter((item) => item.file === file && item.line >= from && item.line <= to)
    .map((item) => (/[.!?]$/.test(item.message) ? item.message : `${item.message}.`))
  const target = input.upgradeTarget ? `Kestra ${input.upgradeTarget}` : 'The next Kestra release'
  return reasons.length > 0
    ? `${target} refuses this: ${[...new Set(reasons)].join(' ')} The mechanical rewrite of \`kestra-gitops upgrade-check --write\` fixes it.`
    : `Part of the mechanical rewrite for ${target} (\`kestra-gitops upgrade-check --write\`), which the release's core accepts.`
}

/** A file's lines as the checks read them: BOM removed, CRLF and CR as LF, no last empty line. */
function asLines(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
