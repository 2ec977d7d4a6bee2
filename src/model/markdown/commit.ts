import { short } from '../commit-marker.js'
import { escapeText, linkTarget } from './escape.js'

/**
 * A commit as every report spells it: the short sha in code, linked to the commit on GitHub when the
 * repository's address is known. One spelling for the plan's commit and the deployed one.
 */
export function commitText(sha: string, repositoryUrl?: string): string {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return escapeText(short(sha)) || 'unknown'
  const text = `\`${short(sha)}\``
  return repositoryUrl ? `[${text}](${linkTarget(`${repositoryUrl}/commit/${sha}`)})` : text
}

/** `2026-11-23 17:47 UTC` for an ISO 8601 instant: what a reader takes in at a glance. */
export function readableUtc(iso: string): string {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) return escapeText(iso)
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}
