import type { RunContext } from '../model/context.js'
import { DeployError } from '../model/errors.js'
import type { GitHubPort } from '../model/github.js'
import { resourceName, type Plan } from '../model/plan.js'
import { commentMarker, readPlanMarker } from '../model/markdown/comment-markers.js'

/**
 * `require-reviewed-plan`: the plan about to be applied must be the one shown in the merged PR's comment
 * (same fingerprint); otherwise nothing is deployed.
 */
export async function checkReviewedPlan(args: {
  plan: Plan
  context: RunContext
  github?: GitHubPort
  commentKey: string
  log(message: string): void
}): Promise<void> {
  const { plan, context, github } = args
  const refuse = (why: string) =>
    new DeployError(`require-reviewed-plan: ${why} Nothing was deployed.`)
  if (!github) throw refuse('no github-token to read the merged pull request.')
  const pr = await github.findMergedPullRequest(context.sha)
  if (!pr)
    throw refuse(
      `commit ${context.sha} did not come from a merged pull request, so no plan was reviewed.`
    )
  const comment = await github.findStickyComment(pr, commentMarker(args.commentKey))
  const reviewed = comment && readPlanMarker(comment.body)
  if (!reviewed)
    throw refuse(`pull request #${pr} has no plan comment (comment-key '${args.commentKey}').`)
  if (reviewed.fingerprint !== plan.fingerprint) {
    throw refuse(
      [
        `the plan differs from the one reviewed on pull request #${pr}.`,
        `  reviewed: ${reviewed.fingerprint} (commit ${reviewed.commit})`,
        `  now:      ${plan.fingerprint} (commit ${context.sha})`,
        'The server or the repository changed after the review. The plan now:',
        ...changeLines(plan),
        'Re-run the pull request workflow to review the current plan, then merge again (or re-run this one after it).'
      ].join('\n')
    )
  }
  args.log(
    `The plan matches the one reviewed on pull request #${pr} (${plan.fingerprint.slice(0, 12)}).`
  )
}

function changeLines(plan: Plan): string[] {
  const changes = plan.resources.filter((r) => r.action !== 'unchanged')
  if (changes.length === 0) return ['  (no changes)']
  return changes.map((r) => `  ${r.action} ${r.kind} ${resourceName(r)}`)
}
