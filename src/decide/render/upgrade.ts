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
  return `<details><summary>Ready for Kestra ${escapeTextWithCode(target)}? ${headline}</summary>${tally}\n\n</details>`
}
