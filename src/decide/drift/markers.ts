import { commentMarker } from '../../model/markdown/comment-markers.js'

/** The label every drift issue carries: how a run lists them (docs/drift.md#the-drift-issue). */
export const DRIFT_LABEL = 'kestra-gitops-drift'

/** First line of the drift issue of `commentKey`, with the key made safe as the comment's marker is. */
export function driftMarker(commentKey: string): string {
  return commentMarker(commentKey).replace('<!-- kestra-gitops:', '<!-- kestra-gitops-drift:')
}

/** First line of the drift pull request's body. */
export function driftPullMarker(commentKey: string): string {
  return commentMarker(commentKey).replace('<!-- kestra-gitops:', '<!-- kestra-gitops-drift-pr:')
}

/** The branch the drift pull request comes from. */
export function driftBranch(commentKey: string): string {
  return `kestra-gitops/drift-${commentKey}`
}

/** The trailer of every commit the action writes on the drift branch: a branch without it is someone's. */
export function driftCommitTrailer(commentKey: string): string {
  return `Kestra-GitOps-Drift: ${commentKey}`
}
