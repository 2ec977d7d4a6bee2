/** Preview namespaces `pr-<number>.*`, each recording whose it is (docs/environments.md#previews). */

import { z } from 'zod'
import { readStored } from './stored-record.js'

export function previewPrefix(number: number): string {
  return `pr-${number}`
}

/** The namespace belongs to the preview's prefix: it is `<prefix>.<something>`. Checked before every delete. */
export function inPreview(prefix: string, namespace: string): boolean {
  return namespace.startsWith(`${prefix}.`) && namespace.length > prefix.length + 1
}

/** KV key of the ownership record, next to the commit marker in each preview namespace. */
export const PREVIEW_OWNER_KEY = 'kestra-gitops-preview'

/** `owner/name` as GitHub spells repository names; anything else is no record this action wrote. */
const REPOSITORY_NAME = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/

/** The ownership record, format 1: whose preview a namespace holds, the repository and its pull request. */
const previewOwner = z.object({
  repository: z.string().regex(REPOSITORY_NAME),
  pullRequest: z.int()
})
export type PreviewOwner = z.infer<typeof previewOwner>

export function readPreviewOwner(value: unknown): { value: PreviewOwner } | { refused: string } {
  return readStored('preview ownership record', previewOwner, value)
}

/** Exactly the same repository name (as `GITHUB_REPOSITORY` spells it) and pull request. */
export function sameOwner(a: PreviewOwner, b: PreviewOwner): boolean {
  return a.repository === b.repository && a.pullRequest === b.pullRequest
}

export function describeOwner(owner: PreviewOwner): string {
  return `${owner.repository}'s pull request #${owner.pullRequest}`
}
