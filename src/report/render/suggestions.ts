import { escapeTextWithCode } from '../../model/markdown/escape.js'
import { fence } from '../../model/markdown/fence.js'
import {
  MAX_SUGGESTIONS_PER_RUN,
  type Suggestion,
  suggestionMarker,
  type SuggestionsReport
} from '../../model/suggestion.js'

/**
 * One suggested change as its review comment says it (docs/suggested-changes.md): the marker, why, and a
 * `suggestion` block GitHub applies with "Commit suggestion". `message` is shown as the output edge shows text.
 */
export function suggestionComment(suggestion: Suggestion, message: string): string {
  return [
    suggestionMarker(suggestion.key),
    `**Kestra GitOps** · \`${suggestion.rule}\`: ${escapeTextWithCode(message)}`,
    '',
    fence(suggestion.lines.join('\n'), 'suggestion')
  ].join('\n')
}

/** The review that holds a run's new suggestions. */
export function suggestionsReviewBody(count: number): string {
  return `Kestra GitOps: ${count} mechanical fix(es) of lines this pull request changed, each one click to apply ("Commit suggestion"). The plan comment lists any past the ${MAX_SUGGESTIONS_PER_RUN} a run offers here.`
}

/** Listed past the bound in the comment; the job summary has room for more. */
const LISTED = 30

/**
 * The comment's and the summary's word on the suggested changes: how many are on the pull request's lines, and
 * those past the bound, each as the lines it replaces and their replacement.
 */
export function suggestionsSection(report: SuggestionsReport | undefined): string | undefined {
  if (!report || (report.offered === 0 && report.more.length === 0)) return undefined
  const head = `${report.offered} mechanical fix(es) are offered as suggested changes on this pull request's lines (review comments: "Commit suggestion" applies one).`
  if (report.more.length === 0) return head
  const items = report.more.slice(0, LISTED).map((s) => {
    const diff = [...s.original.map((l) => `-${l}`), ...s.lines.map((l) => `+${l}`)].join('\n')
    const where = `\`${s.file}:${s.startLine}${s.endLine > s.startLine ? `-${s.endLine}` : ''}\``
    return `${escapeTextWithCode(where)} (${escapeTextWithCode(`\`${s.rule}\``)}):\n\n${fence(diff, 'diff')}`
  })
  const rest =
    report.more.length > LISTED
      ? `\n\n…and ${report.more.length - LISTED} more: run \`kestra-gitops validate\` on the branch.`
      : ''
  return `<details><summary>${head} ${report.more.length} more, past the ${MAX_SUGGESTIONS_PER_RUN} a run posts</summary>\n\n${items.join('\n\n')}${rest}\n\n</details>`
}
