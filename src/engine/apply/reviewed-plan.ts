import type { RunContext } from '../../model/context.js'
import { DeployError } from '../../model/errors.js'
import type { GitHubPort } from '../../model/github.js'
import { commentMarker, readPlanMarker } from '../../model/markdown/comment-markers.js'
import { resourceName, type Plan } from '../../model/plan.js'
import { planRecord, recordDifferences, type PlanRecord } from '../../model/plan-record.js'

interface ReviewCheck {
  plan: Plan
  context: RunContext
  /** The settings the plan now runs with, as a plan records them (`Settings.recorded`). */
  settings: Readonly<Record<string, string>>
  log(message: string): void
}

/**
 * `require-reviewed-plan`: the plan about to be applied must be the one shown in the merged PR's comment
 * (same fingerprint); otherwise nothing is deployed, and the refusal names the settings and resources
 * that differ from those the comment's marker recorded.
 */
export async function checkReviewedPlan(
  args: ReviewCheck & { github?: GitHubPort; commentKey: string }
): Promise<void> {
  const { plan, context, github } = args
  const refuse = (why: string) =>
    new DeployError(`require-reviewed-plan: ${why} Nothing was deployed.`)
  if (!github) throw refuse('no github-token to read the merged pull request.')
  const pr = await github.findMergedPullRequest(context.sha)
  if (!pr)
    throw refuse(
      `commit ${context.sha} did not come from a merged pull request, so no plan was reviewed.`
    )
  // Only the identity this token comments as writes the plan comment: a marker in anyone else's comment (another
  // App's bot, a person) is ignored and named (docs/guarantees.md#reviewed-plan).
  const found = await github.commentsByThisToken(pr, commentMarker(args.commentKey))
  const { identity } = found
  if (identity === undefined) {
    throw refuse(
      'GitHub would not say which identity github-token comments as (GraphQL viewer and GET /user both refused), so no plan comment can be trusted.'
    )
  }
  for (const other of found.others) {
    args.log(
      `Ignored a plan comment on pull request #${pr} by ${other.author} (${other.url}): only a comment by ${identity}, the identity github-token comments as, is a reviewed plan.`
    )
  }
  const comment = found.comments.find((candidate) => readPlanMarker(candidate.body))
  const reviewed = comment && readPlanMarker(comment.body)
  if (!reviewed) {
    const ignored =
      found.others.length > 0
        ? ` ${found.others.length} comment(s) by others carry the marker and were ignored (${[...new Set(found.others.map((other) => other.author))].join(', ')}).`
        : ''
    throw refuse(
      `pull request #${pr} has no plan comment by ${identity} (comment-key '${args.commentKey}').${ignored}`
    )
  }
  if (reviewed.fingerprint !== plan.fingerprint) {
    const now = planRecord(plan, context.sha, args.settings)
    const differences = recordDifferences(reviewed, now)
    throw refuse(
      [
        `the plan differs from the one reviewed on pull request #${pr}.`,
        `  reviewed: ${reviewed.fingerprint} (commit ${reviewed.commit})`,
        `  now:      ${plan.fingerprint} (commit ${context.sha})`,
        ...(differences.length > 0
          ? differences
          : [
              'The server or the repository changed after the review. The plan now:',
              ...changeLines(plan)
            ]),
        differences.some((line) => line.startsWith('Settings'))
          ? 'The pull request was planned with other settings than this deploy: keep the shared ones in kestra-gitops.yml (docs/inputs.md#settings-file) so that both jobs read them, then re-run the pull request workflow and merge again.'
          : 'Re-run the pull request workflow to review the current plan, then merge again (or re-run this one after it).'
      ].join('\n')
    )
  }
  args.log(
    `The plan matches the one reviewed on pull request #${pr} (${plan.fingerprint.slice(0, 12)}).`
  )
}

/**
 * `reviewed-plan`: the plan about to be applied must have exactly the fingerprint a reviewer approved
 * (the plan job's output); otherwise nothing is deployed.
 */
export function checkReviewedFingerprint(
  args: ReviewCheck & { reviewed: string; shown?: PlanRecord }
): void {
  const { plan, reviewed, context } = args
  if (reviewed === plan.fingerprint) {
    args.log(`The plan has the approved fingerprint (${plan.fingerprint.slice(0, 12)}).`)
    return
  }
  // The CLI's own plan, shown before `yes`, names what changed; a plan job's fingerprint alone cannot.
  const differences = args.shown
    ? recordDifferences(args.shown, planRecord(plan, context.sha, args.settings))
    : []
  const named = differences.map((line) =>
    line
      .replace(/reviewed plan/g, 'plan shown')
      .replace(/since the review\b/g, 'since it was shown')
      .replace(/\breviewed(?= as|,)|(?<=\()reviewed(?=\))/g, 'shown')
  )
  throw new DeployError(
    [
      `reviewed-plan: the plan computed now is not the approved one. Nothing was deployed.`,
      `  approved: ${reviewed}`,
      `  now:      ${plan.fingerprint} (commit ${context.sha})`,
      ...(context.local
        ? [
            ...(named.length > 0
              ? ['The server or the repository changed after the plan was shown.', ...named]
              : [
                  'The server or the repository changed after the plan was shown. The plan now:',
                  ...changeLines(plan)
                ]),
            'Run the deploy again (kestra-gitops deploy) to see the current plan and approve it.'
          ]
        : [
            'The server or the repository changed after the plan job ran (or the two jobs ran with other settings). The plan now:',
            ...changeLines(plan),
            "Compare it with the plan job's summary, then run the workflow again to plan and approve the current state."
          ])
    ].join('\n')
  )
}

function changeLines(plan: Plan): string[] {
  const changes = plan.resources.filter((r) => r.action !== 'unchanged')
  if (changes.length === 0) return ['  (no changes)']
  return changes.map((r) => `  ${r.action} ${r.kind} ${resourceName(r)}`)
}
