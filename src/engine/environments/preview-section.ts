import { escapeText, linkTarget } from '../../model/markdown/escape.js'
import { beforeRunLine } from '../../model/markdown/comment-markers.js'

const START = '<!-- kestra-gitops-preview -->'
const END = '<!-- /kestra-gitops-preview -->'

/** The comment's Preview section after a preview deploy (docs/environments.md#previews). */
export function previewSection(input: {
  commit: string
  links: readonly { namespace: string; url: string }[]
  /** The preview's own deploy report (results, smoke runs), already rendered from shown data. */
  receipt: string
  /** Set when the preview could not be deployed: why. */
  failure?: string
  /** What the preview leaves out and why (tenant-wide dashboards), shown text. */
  notes?: readonly string[]
}): string {
  const lines = [
    '### Preview',
    '',
    input.failure
      ? `❌ The preview of \`${input.commit.slice(0, 7)}\` failed (triggers disabled): ${escapeText(input.failure)}`
      : `Commit \`${input.commit.slice(0, 7)}\` runs in its own namespaces, triggers disabled:`,
    '',
    ...input.links.map((link) => `- [${escapeText(link.namespace)}](${linkTarget(link.url)})`)
  ]
  for (const note of input.notes ?? []) lines.push('', `ℹ️ ${escapeText(note)}`)
  if (input.receipt.trim()) lines.push('', input.receipt.trim())
  return lines.join('\n')
}

/**
 * The Preview section once the pull request closed; `leftAlone` names the namespaces inside the prefix that
 * were not this preview's (shown text, with why).
 */
export function previewRemovedSection(
  namespaces: readonly string[],
  deleted: number,
  leftAlone: readonly string[] = []
): string {
  const lines = [
    '### Preview',
    '',
    `Preview removed: ${deleted} resource(s) deleted from ${namespaces.length} preview namespace(s)${namespaces.length ? ` (${namespaces.map((n) => `\`${escapeText(n)}\``).join(', ')})` : ''}.`
  ]
  if (leftAlone.length > 0) {
    lines.push('', "Not this preview's, so left as they are:", '')
    lines.push(...leftAlone.map((line) => `- ${escapeText(line)}`))
  }
  return lines.join('\n')
}

/** Why a pull request has no preview. */
export function noPreviewSection(reason: string): string {
  return ['### Preview', '', `No preview: ${escapeText(reason)}`].join('\n')
}

/**
 * The comment with its Preview section put in (or replaced), before the run link on the last line.
 * Idempotent.
 */
export function upsertPreviewSection(body: string, section: string): string {
  let plain = body.replace(/\r\n?/g, '\n')
  const start = plain.indexOf(`\n${START}\n`)
  const end = plain.indexOf(`\n${END}`)
  if (start >= 0 && end > start) {
    plain = plain.slice(0, start) + plain.slice(end + END.length + 1)
  }
  return beforeRunLine(plain, [START, section.trim(), END])
}
