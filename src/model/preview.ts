/**
 * A pull request's preview (docs/environments.md#previews): its namespaces `pr-<number>.*`, and the record
 * in each of them that says whose they are, so that another repository's pull request of the same number
 * on the same Kestra keeps its own.
 */

import { storedObject } from './commit-marker.js'

/** `pr-<number>`: the prefix of every preview namespace of the pull request. */
export function previewPrefix(number: number): string {
  return `pr-${number}`
}

/** The namespace belongs to the preview's prefix: it is `<prefix>.<something>`. Checked before every delete. */
export function inPreview(prefix: string, namespace: string): boolean {
  return namespace.startsWith(`${prefix}.`) && namespace.length > prefix.length + 1
}

/** KV key of the ownership record, next to the commit marker in each preview namespace. */
export const PREVIEW_OWNER_KEY = 'kestra-gitops-preview'

/** Whose preview a namespace holds: the repository (`owner/repo`) and its pull request. */
export interface PreviewOwner {
  repository: string
  pullRequest: number
}

/** `owner/name` as GitHub spells repository names; anything else is no record this action wrote. */
const REPOSITORY_NAME = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/

/** The record stored in KV, or undefined when absent or not one of ours. */
export function parsePreviewOwner(value: unknown): PreviewOwner | undefined {
  const parsed = storedObject(value)
  if (!parsed) return undefined
  const { repository, pullRequest } = parsed
  if (typeof repository !== 'string' || !REPOSITORY_NAME.test(repository)) return undefined
  if (typeof pullRequest !== 'number' || !Number.isSafeInteger(pullRequest)) return undefined
  return { repository, pullRequest }
}

/** Exactly the same repository name (as `GITHUB_REPOSITORY` spells it) and pull request. */
export function sameOwner(a: PreviewOwner, b: PreviewOwner): boolean {
  return a.repository === b.repository && a.pullRequest === b.pullRequest
}

export function describeOwner(owner: PreviewOwner): string {
  return `${owner.repository}'s pull request #${owner.pullRequest}`
}
