import { type Plan, type ResourceChange, resourceName } from '../model/plan.js'
import {
  countsText,
  deletionsText,
  plural,
  tallyText,
  validationFailed
} from '../decide/render/headline.js'
import type { ReportInput } from '../decide/render/input.js'
import {
  type InvalidCount,
  invalidCounts,
  kindAbove,
  kindMarks
} from '../decide/render/resource.js'
import { inert, type Palette } from '../report/terminal-style.js'
import { ruleCounts } from '../decide/validate/verdict.js'
import { type DeployResult, type DeployStatus, outcomeCounts } from '../model/result.js'
import { readFileSync, writeFileSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import type { Upgrade } from '../run/upgrade.js'

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

/** The report as a terminal shows it: headline, verdict, target, the plan as a coloured diff, what the deploy wrote. */
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
      return p.green('Deployed: nothing to write, the server already holds this commit.')
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
  const byNamespace = new Map<string, ResourceChange[]>()
  for (const r of plan.resources) {
    const group = byNamespace.get(r.namespace) ?? []
    group.push(r)
    byNamespace.set(r.namespace, group)
  }
  let quiet = 0
  for (const [namespace, resources] of byNamespace) {
    const shown = resources.filter((r) => r.action !== 'unchanged')
    const unchanged = resources.length - shown.length
    if (shown.length === 0) {
      quiet++
      continue
    }
    lines.push(p.bold(`Namespace ${inert(namespace)}`))
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
      ...drifted.map((r) => `  ${r.kind} ${inert(resourceName(r))} (${r.action})`),
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
  if (r.drifted) parts.push(p.yellow('drifted'))
  if (r.remark !== undefined) parts.push(p.dim(inert(r.remark)))
  else if (r.action === 'orphaned') parts.push(p.dim('kept: --delete is off'))
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
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ENTITIES[name]!)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' }

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

/** `upgrade-check`'s list (docs/upgrade.md), compiler-style: `file:line: why`, the fix, then the counts. */
export function upgradeText(upgrade: Upgrade | undefined, written: boolean, p: Palette): string {
  if (!upgrade) return 'Upgrade readiness was not checked.\n'
  const { target, flows, loading, items } = upgrade.report
  const lines = items.map((item) => {
    const fix = item.mechanical
      ? written
        ? 'rewritten in place'
        : 'mechanical: `kestra-gitops upgrade-check --write` rewrites it'
      : `manual: see ${item.guide}`
    const level = item.mechanical && written ? p.green('fixed') : p.red('error')
    return `${item.file}:${item.line}: ${level}: ${item.message}\n  fix: ${fix}\n`
  })
  const manual = items.filter((item) => !item.mechanical)
  const left = written ? new Set(manual.map((item) => item.file)).size : flows - loading
  const files = upgrade.rewrites().length
  const done = written && files > 0 ? ` ${files} file(s) rewritten.` : ''
  const verdict =
    left === 0
      ? `Ready for Kestra ${target}: all ${flows} flow(s) would load${written ? ' now' : ''}.${done}`
      : `Not ready for Kestra ${target}: ${left} of ${flows} flow(s) would not load${written ? ' after the rewrites' : ''} (${items.length - manual.length} mechanical, ${manual.length} manual refusal(s)).${done}`
  return `${lines.join('')}${verdict}\n`
}

/** Writes each rewritten flow file in place under `workspace`, only when it still holds what was checked. */
export function writeRewrites(workspace: string, upgrade: Upgrade): string[] {
  const skipped: string[] = []
  for (const { file, raw, source } of upgrade.rewrites()) {
    const path = resolve(workspace, file)
    if (!path.startsWith(resolve(workspace) + sep)) {
      skipped.push(file)
      continue
    }
    if (readFileSync(path, 'utf8') !== raw) {
      skipped.push(file)
      continue
    }
    writeFileSync(path, source)
  }
  return skipped
}
