import { createInterface } from 'node:readline'
import { settingsTarget } from '../adapters/kestra/client.js'
import { countsText } from '../report/render/headline.js'
import { inert, type Palette } from '../report/terminal-style.js'
import type { Settings } from '../model/settings.js'
import { type Plan, resourceName } from '../model/plan.js'

export const CANCELLED = "Deploy cancelled: nothing was written (only 'yes' deploys)."

export const NO_TERMINAL =
  "deploy asks for 'yes' on a terminal before it writes, and stdin is not a terminal. Pass --auto-approve to deploy without the question (as in CI), or run 'kestra-gitops plan' first to see what it would change"

export function deployQuestion(plan: Plan, settings: Settings, p: Palette): string {
  const deletes = plan.resources.filter((r) => r.action === 'delete')
  const named = deletes.slice(0, 10).map((r) => `${r.kind} ${inert(resourceName(r))}`)
  const more = deletes.length > named.length ? `, and ${deletes.length - named.length} more` : ''
  const deleting =
    deletes.length > 0
      ? `\n${p.red(`It deletes ${deletes.length} resource(s)`)}: ${named.join(', ')}${more}.`
      : ''
  return `\nDeploy this plan (${countsText(plan.counts)}) to ${inert(settingsTarget(settings).server ?? '')}, tenant ${inert(settings.tenant)}?${deleting}\nOnly 'yes' deploys. Enter a value: `
}

export async function ask(
  io: { stdin?: NodeJS.ReadableStream; stderr: { write(text: string): unknown } },
  question: string
): Promise<string> {
  io.stderr.write(question)
  const lines = createInterface({ input: io.stdin!, terminal: false })
  try {
    for await (const line of lines) return line.trim()
    return ''
  } finally {
    lines.close()
  }
}
