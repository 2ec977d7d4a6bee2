import { readStored } from '../stored-record.js'
import { planRecordSchema, type PlanRecord } from '../plan-record.js'
import { linkTarget } from './escape.js'
import { scanLines } from './fence.js'

/** First line of our sticky comment (docs/comment.md#markers); keys keep to characters safe in an HTML comment. */
export function commentMarker(commentKey: string): string {
  const safeKey = commentKey.replace(/[^A-Za-z0-9._-]/g, '_').replace(/--+/g, '-')
  return `<!-- kestra-gitops:${safeKey} -->`
}

const PLAN_MARKER = /^<!-- kestra-gitops-plan: (\{.*\}) -->$/

/**
 * The hidden marker line: `<`, `>`, `@`, `--`'s first `-` and line separators written as JSON escapes, so no value
 * can end the HTML comment, mention anyone or break the line; it reads back to the same record.
 */
export function planMarkerLine(
  fingerprint: string,
  commit: string,
  record: Omit<PlanRecord, 'fingerprint' | 'commit'> = {}
): string {
  const json = JSON.stringify({ fingerprint, commit, ...record }).replace(
    /[<>@\u0085\u2028\u2029]|-(?=-)/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
  return `<!-- kestra-gitops-plan: ${json} -->`
}

const RUN_LINK = '<sub>[Workflow run]('

/** The comment's last line: a link to the workflow run (the only run-specific text). */
export function runLine(runUrl: string | undefined): string {
  if (!runUrl) return ''
  return `${RUN_LINK}${linkTarget(runUrl)})</sub>`
}

/** The body with `section`'s lines put in after a blank line, before the run link on the last line if any. */
export function beforeRunLine(body: string, section: readonly string[]): string {
  const lines = body.split('\n')
  const after = lines.at(-1)?.startsWith(RUN_LINK) ? ['', lines.pop()!] : []
  while (lines.length > 1 && lines.at(-1) === '') lines.pop()
  return [...lines, '', ...section, ...after].join('\n')
}

export const DEPLOYED_START = '<!-- kestra-gitops-deployed:start -->'
export const DEPLOYED_END = '<!-- kestra-gitops-deployed:end -->'

/** The recorded plan: the last marker line on its own, outside code fences and the Deployed section. */
export function readPlanMarker(body: string): PlanRecord | undefined {
  let found: PlanRecord | undefined
  let inDeployed = false
  for (const { text, inFence } of scanLines(body.replace(/\r\n?/g, '\n'))) {
    if (inFence) continue
    if (text === DEPLOYED_START) inDeployed = true
    else if (text === DEPLOYED_END) inDeployed = false
    else if (!inDeployed) found = parsePlanLine(text) ?? found
  }
  return found
}

/** The record of a marker line; fields that are not what a plan records are left out. */
function parsePlanLine(line: string): PlanRecord | undefined {
  const match = PLAN_MARKER.exec(line)
  const read = match && readStored('plan record', planRecordSchema, match[1])
  return read && 'value' in read ? read.value : undefined
}

/** GitHub rejects issue comments longer than this (JavaScript string length). */
export const COMMENT_LIMIT = 65_536
