import { escapeTextWithCode, linkTarget } from '../../model/markdown/escape.js'
import type { UpgradeReport } from '../../model/upgrade.js'

/** Items listed in the folded section; the CLI's `upgrade-check` lists them all. */
const SHOWN = 60

/**
 * The folded **Ready for Kestra 2.0?** section of the comment and the summary (docs/upgrade.md): notices
 * only, never part of the verdict or the plan's fingerprint.
 */
export function upgradeSection(report: UpgradeReport | undefined): string | undefined {
  if (!report) return undefined
  const { target, flows, loading, items } = report
  const refusing = flows - loading
  const headline =
    refusing === 0
      ? `all ${flows} managed flow(s) would load`
      : `${loading} of ${flows} managed flow(s) would load; ${refusing} would not`
  const mechanical = items.filter((item) => item.mechanical).length
  const lines = items.slice(0, SHOWN).map((item) => {
    const fix = item.mechanical
      ? 'mechanical: `kestra-gitops upgrade-check --write` or `mode: upgrade` rewrites it'
      : `manual: [migration guide](${linkTarget(item.guide)})`
    return `- ${escapeTextWithCode(`\`${item.file}:${item.line}\``)}: ${escapeTextWithCode(item.message)} (${fix})`
  })
  if (items.length > SHOWN)
    lines.push(`- …and ${items.length - SHOWN} more: run \`kestra-gitops upgrade-check\``)
  const tally =
    items.length === 0
      ? ''
      : `\n\n${items.length} refusal(s), ${mechanical} with a mechanical rewrite, ${items.length - mechanical} to rewrite by hand.\n\n${lines.join('\n')}`
  const beyond = (report.beyondFlows ?? []).map((note) => `- ${escapeTextWithCode(note)}`)
  const others = beyond.length === 0 ? '' : `\n\nBeyond flows:\n\n${beyond.join('\n')}`
  return `<details><summary>Ready for Kestra ${escapeTextWithCode(target)}? ${headline}${beyond.length > 0 ? `; ${beyond.length} note(s) beyond flows` : ''}</summary>${tally}${others}\n\n</details>`
}

export function upgradePullTitle(report: UpgradeReport): string {
  return `Ready for Kestra ${report.target}: the mechanical rewrites`
}

/**
 * The upgrade pull request's body (docs/upgrade.md#mode-upgrade), deterministic so that an identical run
 * leaves the pull request as it is.
 */
export function upgradePullBody(report: UpgradeReport, commentKey: string): string {
  const line = (item: UpgradeReport['items'][number]) =>
    `- ${escapeTextWithCode(`\`${item.file}:${item.line}\``)}: ${escapeTextWithCode(item.message)}`
  const done = report.items.filter((item) => item.mechanical)
  const manual = report.items.filter((item) => !item.mechanical)
  const key = commentKey === 'default' ? '' : ` (${escapeTextWithCode(commentKey)})`
  return [
    `<!-- kestra-gitops-upgrade: ${report.target} -->`,
    `### Ready for Kestra ${escapeTextWithCode(report.target)}?${key}`,
    `${report.loading} of ${report.flows} managed flow(s) load on Kestra ${escapeTextWithCode(report.target)} as they are. This pull request rewrites what is mechanical, keeping every task id, comment and line it does not change; nothing was written to Kestra.`,
    '#### Rewritten',
    done
      .slice(0, SHOWN * 4)
      .map(line)
      .join('\n') || 'Nothing.',
    '#### Left to rewrite by hand',
    [
      ...manual
        .slice(0, SHOWN * 2)
        .map((item) => `${line(item)} ([migration guide](${linkTarget(item.guide)}))`),
      ...(manual.length > SHOWN * 2 ? [`- …and ${manual.length - SHOWN * 2} more`] : [])
    ].join('\n') || 'Nothing: once merged, every managed flow loads on the target.'
  ].join('\n\n')
}
