import {
  countsText,
  deletionsText,
  plural,
  tallyText,
  validationFailed
} from '../report/render/headline.js'
import { uiWorkText } from '../report/render/ui-work.js'
import {
  type DeployResult,
  type DeployStatus,
  markersRecorded,
  outcomeCounts
} from '../model/result.js'
import type { ReportInput } from '../report/render/input.js'
import { inert, type Palette } from '../report/terminal-style.js'
import { ruleCounts } from '../engine/validate/verdict.js'
import { type Plan, type ResourceChange, resourceName } from '../model/plan.js'
import {
  type InvalidCount,
  invalidCounts,
  kindAbove,
  kindMarks
} from '../report/render/resource.js'

const MARK: Record<ResourceChange['action'], { sign: string; colour: keyof Palette }> = {
  create: { sign: '+', colour: 'green' },
  update: { sign: '~', colour: 'yellow' },
  delete: { sign: '-', colour: 'red' },
  orphaned: { sign: '!', colour: 'dim' },
  unchanged: { sign: '=', colour: 'dim' }
}

const DEPLOY_STATUS: Record<DeployStatus, string> = {
  applied: 'applied',
  'nothing-to-do': 'up to date',
  refused: 'not deployed',
  failed: 'failed'
}

/**
 * The report as a terminal shows it: headline, verdict, target, the plan as a coloured diff, what was deployed.
 */
export function reportText(
  report: ReportInput,
  p: Palette,
  deployment?: DeployResult,
  { diffs = true }: { diffs?: boolean } = {}
): string {
  const target = `server ${report.server ? inert(report.server) : 'none'} · tenant ${inert(report.tenant)} · commit ${report.commit.slice(0, 7) || 'unknown'}`
  const counts = ruleCounts(report.findings)
  const deletions = report.plan && deletionsText(report.plan)
  const lines = [
    p.bold(headline(report, deployment)),
    ...(deletions ? [`${p.red(deletions.counts)}: ${inert(deletions.names)}`] : []),
    verdict(report, p),
    ...(counts ? [p.dim(counts)] : []),
    p.dim(target)
  ]
  for (const note of report.notes ?? []) lines.push(p.dim(inert(note)))
  if (report.plan) {
    const invalid = invalidCounts(report.findings)
    lines.push('', ...planLines(report.plan, { kinds: report.kinds, invalid, p, diffs }))
  }
  if (deployment) lines.push(deployedLine(deployment, p))
  return `${lines.join('\n')}\n`
}

function headline(report: ReportInput, deployment: DeployResult | undefined): string {
  if (deployment) {
    const detail = outcomeCounts(deployment.resources).join(', ')
    return `Kestra deploy: ${DEPLOY_STATUS[deployment.status]}${detail ? `, ${detail}` : ''}`
  }
  return report.plan ? `Kestra plan: ${countsText(report.plan.counts)}` : 'Kestra validation'
}

function deployedLine(deployment: DeployResult, p: Palette): string {
  switch (deployment.status) {
    case 'applied':
      return p.green(`Deployed: ${deployment.applied} resource(s) written.`)
    case 'nothing-to-do':
      return p.green(
        deployment.markedNamespaces.length > 0
          ? `Deployed: no resource to write. ${markersRecorded(deployment)}.`
          : 'Deployed: nothing to write, the server already holds this commit.'
      )
    case 'refused':
      return p.yellow(`Not deployed: ${inert(deployment.refusal ?? 'a newer commit is deployed')}`)
    case 'failed':
      return p.red(
        `Deploy incomplete: ${outcomeCounts(deployment.resources).join(', ')} (${deployment.applied} resource(s) written).`
      )
  }
}

function verdict(report: ReportInput, p: Palette): string {
  const tally = tallyText(report.findings)
  return validationFailed(report.findings, report.failOn)
    ? `${p.red('Validation failed')}: ${tally}`
    : `${p.green('Validation passed')}: ${tally}`
}

interface PlanTextOptions {
  kinds: ReportInput['kinds']
  invalid: InvalidCount
  p: Palette
  /** Print each resource's diff (not when the plan was shown already, above a deploy's question). */
  diffs: boolean
}

function planLines(plan: Plan, options: PlanTextOptions): string[] {
  const { p, diffs } = options
  const lines: string[] = []
  // A namespace's resources under its name; a tenant-wide kind's under its own heading (`Dashboards`), as the
  // comment groups them.
  const byNamespace = new Map<string, ResourceChange[]>()
  const headingOf = (r: ResourceChange) => r.section ?? `Namespace ${r.namespace}`
  for (const r of plan.resources) byNamespace.set(headingOf(r), byNamespace.get(headingOf(r)) ?? [])
  for (const r of plan.resources) byNamespace.get(headingOf(r))!.push(r)
  let quiet = 0
  for (const [heading, resources] of byNamespace) {
    const shown = resources.filter((r) => r.action !== 'unchanged')
    const unchanged = resources.length - shown.length
    if (shown.length === 0) {
      quiet++
      continue
    }
    lines.push(p.bold(inert(heading)))
    for (const r of shown) {
      lines.push(`  ${resourceLine(r, options)}`)
      if (r.action !== 'orphaned') lines.push(...aboveLines(r, options.kinds))
      if (diffs && r.action !== 'orphaned' && r.diff !== undefined) {
        lines.push(...diffLines(r.diff, p))
      }
    }
    if (unchanged > 0) lines.push(p.dim(`  ${unchanged} unchanged`))
    lines.push('')
  }
  if (byNamespace.size === quiet) {
    lines.push('No changes: the server already matches the repository.', '')
  } else if (quiet > 0) {
    lines.push(p.dim(`No changes in ${quiet} other namespace(s).`), '')
  }
  const drifted = plan.resources.filter((r) => r.drifted)
  if (drifted.length > 0) {
    lines.push(
      p.yellow(
        'Drift: the server copy of these resources was changed outside Git since the base commit; deploying overwrites (or deletes) those edits.'
      ),
      ...drifted.map((r) => {
        const ui = uiWorkText(r)
        return `  ${r.kind} ${inert(resourceName(r))}${ui ? `: ${ui}` : ` (${r.action})`}`
      }),
      ''
    )
  }
  lines.push(p.dim(`Plan fingerprint: ${plan.fingerprint}`))
  return lines
}

function resourceLine(r: ResourceChange, { kinds, invalid, p }: PlanTextOptions): string {
  const mark = MARK[r.action]
  const parts = [
    p[mark.colour](`${mark.sign} ${r.action} ${r.kind} ${p.bold(inert(resourceName(r)))}`)
  ]
  const findings = invalid(r)
  if (findings !== undefined) {
    parts.push(p.red(`invalid (${plural(findings, 'finding')})`))
  }
  if (r.additions !== undefined && r.deletions !== undefined) {
    const counts = `${p.green(`+${r.additions}`)} ${p.red(`-${r.deletions}`)}`
    parts.push(r.diffOmitted === 'too-large' ? `${counts} (diff too large to show)` : counts)
  }
  parts.push(...kindMarks(kinds, r).map(inert))
  const ui = uiWorkText(r)
  if (r.drifted) parts.push(p.yellow(ui ? `drifted: ${ui}` : 'drifted'))
  if (r.remark !== undefined) parts.push(p.dim(inert(r.remark)))
  else if (r.action === 'orphaned' && !ui) parts.push(p.dim('kept: --delete is off'))
  return parts.join(' · ')
}

/** What the comment says above the resource's diff (callers, triggers, missing names…), as plain lines. */
function aboveLines(r: ResourceChange, kinds: ReportInput['kinds']): string[] {
  return kindAbove(kinds, r).flatMap((paragraph) =>
    paragraph.split('\n').map((line) => `      ${inert(plainText(line))}`)
  )
}

/** Escaped Markdown (`escapeText`, `<code>`, `**bold**`) as the text it stands for. */
function plainText(markdown: string): string {
  return markdown
    .replace(/<\/?code>/g, '')
    .replace(/\*\*/g, '')
    .replace(/@&#8203;/g, '@')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&(amp|lt|gt|quot);/g, (_, name: 'amp' | 'lt' | 'gt' | 'quot') => ENTITIES[name])
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"' }

function diffLines(diff: string, p: Palette): string[] {
  const lines = diff.replace(/\n$/, '').split('\n')
  return lines.map((line) => {
    const text = `      ${inert(line)}`
    if (line.startsWith('+++') || line.startsWith('---')) return p.bold(text)
    if (line.startsWith('@@')) return p.cyan(text)
    if (line.startsWith('+')) return p.green(text)
    if (line.startsWith('-')) return p.red(text)
    return line.startsWith('\\') ? p.dim(text) : text
  })
}
