import { onPullRequest, type RunContext } from '../model/context.js'
import { errorMessage } from '../model/errors.js'
import {
  type ChangedLines,
  MAX_SUGGESTIONS_PER_RUN,
  type Suggestion,
  type SuggestionsReport
} from '../model/suggestion.js'
import { suggestedChanges } from '../engine/suggestions.js'
import { suggestionComment, suggestionsReviewBody } from '../report/render/suggestions.js'
import { changedLinesFromGit, changedLinesFromPatches } from '../engine/snapshot/changed-lines.js'
import type { Checked } from './check.js'
import type { RunPorts } from './ports.js'
import type { Upgrade } from './upgrade.js'
import { repoFlowsOf } from '../resources/registry.js'

interface SuggestArgs {
  /** The `comment` input: without the comment, no suggestion either. */
  comment: boolean
  context: RunContext
  ports: RunPorts
  checked: Checked
  upgrade: Upgrade | undefined
}

export interface Suggesting {
  report: SuggestionsReport
  /** Posts the offered ones as one review, each once across runs; says in the log what came of it. */
  post(): Promise<void>
}

/**
 * A pull request's mechanical fixes as GitHub suggested changes (docs/suggested-changes.md): found before the
 * comment is written, so that it lists those past the bound, and posted after it. Undefined when the run is no
 * open pull request's, writes no comment (`comment: false`), or has no fix on a line the pull request changed.
 */
export async function suggestions(args: SuggestArgs): Promise<Suggesting | undefined> {
  const { context, ports, checked, upgrade } = args
  const pr = context.pullRequest
  if (!pr || !onPullRequest(context) || context.eventName === 'merge_group') return undefined
  if (pr.action === 'closed' || !args.comment) return undefined
  const { changed } = checked
  const inChange = (file: string) => changed.kind !== 'list' || changed.paths.has(file)
  const fixes = checked.findings.filter((finding) => finding.fix && inChange(finding.file))
  const reasons = (upgrade?.report.items ?? []).filter((i) => i.mechanical && inChange(i.file))
  if (fixes.length === 0 && reasons.length === 0) return undefined
  // Rewritten only when a changed file has a mechanical rewrite: the texts are made on demand.
  const rewrites = reasons.length > 0 ? await upgrade!.rewrites(inChange) : []
  const files = new Set([...fixes.map((f) => f.file), ...rewrites.map((r) => r.file)])
  const lines = await changedLinesOf(context, ports, pr.number, files)
  if (!lines) return undefined
  const texts = new Map(
    repoFlowsOf(checked.model)
      .filter((f) => files.has(f.file))
      .map((f) => [f.file, f.source])
  )
  const found = suggestedChanges({
    findings: fixes,
    texts,
    rewrites,
    rewriteReasons: reasons,
    upgradeTarget: upgrade?.report.target,
    changed: lines
  })
  if (found.length === 0) return undefined
  const offered = found.slice(0, MAX_SUGGESTIONS_PER_RUN)
  return {
    report: { offered: offered.length, more: found.slice(MAX_SUGGESTIONS_PER_RUN) },
    post: () => post(args, pr.number, pr.headSha, offered)
  }
}

/** The lines the pull request changed in `files`: local git, else GitHub's patches; undefined when neither says. */
async function changedLinesOf(
  context: RunContext,
  ports: RunPorts,
  pr: number,
  files: ReadonlySet<string>
): Promise<ChangedLines | undefined> {
  const { pullRequest } = context
  const local = await changedLinesFromGit(
    context.workspace,
    [pullRequest!.baseSha, pullRequest!.headSha],
    files
  )
  if (local) return local
  if (!ports.review) return undefined
  try {
    return changedLinesFromPatches(await ports.review.pullRequestPatches(pr), files)
  } catch (error) {
    ports.reporter.warning(
      `The lines pull request #${pr} changed could not be read, so no fix is offered as a suggested change: ${errorMessage(error)}`
    )
    return undefined
  }
}

async function post(args: SuggestArgs, pr: number, commit: string, offered: Suggestion[]) {
  const { reporter, review, edge } = args.ports
  if (!review) {
    const where = offered.map((s) => `${s.file}:${s.startLine}`).join(', ')
    reporter.warning(
      `No github-token: ${offered.length} mechanical fix(es) were not offered as suggested changes: ${where}.`
    )
    return
  }
  const comments = offered.map((s) => ({
    key: s.key,
    file: s.file,
    startLine: s.startLine,
    endLine: s.endLine,
    body: suggestionComment(s, edge.message(s.message))
  }))
  let outcome
  try {
    outcome = await review.suggest(pr, commit, {
      body: suggestionsReviewBody(comments.length),
      comments
    })
  } catch (error) {
    // An extra to the review: its failure is said, never the run's.
    reporter.warning(`The suggested changes on #${pr} were not posted: ${errorMessage(error)}`)
    return
  }
  const where = offered.map((s) => `${s.file}:${s.startLine}`).join(', ')
  if (outcome.status === 'forbidden') reporter.warning(`${outcome.message} Not offered: ${where}.`)
  else if (outcome.status === 'refused') {
    reporter.warning(
      `GitHub refused the suggested changes on #${pr}, so none was posted (${where}): ${outcome.message}`
    )
  } else {
    const url = outcome.url ? `: ${outcome.url}` : ''
    reporter.info(
      `Suggested changes on #${pr}: ${outcome.posted} posted, ${outcome.already} already there${url}`
    )
  }
}
