import { linkTarget } from './escape.js'
import { scanLines } from './lines.js'

/**
 * First line of our sticky comment (docs/comment.md#markers). Keys are kept to characters safe in an
 * HTML comment.
 */
export function commentMarker(commentKey: string): string {
  const safeKey = commentKey.replace(/[^A-Za-z0-9._-]/g, '_').replace(/--+/g, '-')
  return `<!-- kestra-gitops:${safeKey} -->`
}

const PLAN_MARKER = /^<!-- kestra-gitops-plan: (\{.*\}) -->$/

export function planMarkerLine(fingerprint: string, commit: string): string {
  return `<!-- kestra-gitops-plan: ${JSON.stringify({ fingerprint, commit })} -->`
}

const RUN_LINK = '<sub>[Workflow run]('

/** The comment's last line: a link to the workflow run (the only run-specific text). */
export function runLine(runUrl: string | undefined): string {
  if (!runUrl) return ''
  return `${RUN_LINK}${linkTarget(runUrl)})</sub>`
}

export function isRunLine(line: string): boolean {
  return line.startsWith(RUN_LINK)
}

export const DEPLOYED_START = '<!-- kestra-gitops-deployed:start -->'
export const DEPLOYED_END = '<!-- kestra-gitops-deployed:end -->'

/**
 * The plan our renderer recorded in a comment: the last marker line that stands on its own outside
 * code fences and outside the Deployed section. Lines inside diffs never qualify.
 */
export function readPlanMarker(body: string): { fingerprint: string; commit: string } | undefined {
  let found: { fingerprint: string; commit: string } | undefined
  let inDeployed = false
  for (const { text, inFence } of scanLines(body.replace(/\r\n?/g, '\n'))) {
    if (inFence) continue
    if (text === DEPLOYED_START) inDeployed = true
    else if (text === DEPLOYED_END) inDeployed = false
    else if (!inDeployed) found = parsePlanLine(text) ?? found
  }
  return found
}

function parsePlanLine(line: string): { fingerprint: string; commit: string } | undefined {
  const match = PLAN_MARKER.exec(line)
  if (!match) return undefined
  try {
    const value: unknown = JSON.parse(match[1]!)
    if (typeof value !== 'object' || value === null) return undefined
    const { fingerprint, commit } = value as Record<string, unknown>
    if (typeof fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(fingerprint)) return undefined
    if (typeof commit !== 'string') return undefined
    return { fingerprint, commit }
  } catch {
    return undefined
  }
}
