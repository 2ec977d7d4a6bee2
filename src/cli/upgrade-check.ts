import { readFileSync, writeFileSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import type { Palette } from '../report/terminal-style.js'
import type { Upgrade } from '../commands/upgrade.js'

/** `upgrade-check`'s list (docs/upgrade.md), compiler-style: `file:line: why`, the fix, then the counts. */
export function upgradeText(
  upgrade: Upgrade | undefined,
  written: { files: number } | undefined,
  p: Palette
): string {
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
  const done = written && written.files > 0 ? ` ${written.files} file(s) rewritten.` : ''
  const verdict =
    left === 0
      ? `Ready for Kestra ${target}: all ${flows} flow(s) would load${written ? ' now' : ''}.${done}`
      : `Not ready for Kestra ${target}: ${left} of ${flows} flow(s) would not load${written ? ' after the rewrites' : ''} (${items.length - manual.length} mechanical, ${manual.length} manual refusal(s)).${done}`
  const beyond = (upgrade.report.beyondFlows ?? []).map((note) => `${p.yellow('note')}: ${note}\n`)
  return `${lines.join('')}${beyond.join('')}${verdict}\n`
}

/** Writes each rewritten flow file in place under `workspace`, only when it still holds what was checked. */
export async function writeRewrites(
  workspace: string,
  upgrade: Upgrade
): Promise<{ files: number; skipped: string[] }> {
  const rewrites = await upgrade.rewrites()
  const skipped: string[] = []
  for (const { file, raw, source } of rewrites) {
    const path = resolve(workspace, file)
    if (!path.startsWith(resolve(workspace) + sep) || readFileSync(path, 'utf8') !== raw) {
      skipped.push(file)
      continue
    }
    writeFileSync(path, source)
  }
  return { files: rewrites.length, skipped }
}
