import { short } from '../../model/commit-marker.js'
import type { DriftBase } from '../../model/drift.js'
import type { OutsideGit, ResourceChange } from '../../model/plan.js'

/**
 * What was done outside Git, in the words every output uses (comment, job summary, text, `--json`): Kestra's UI is
 * where such edits are made, its API the other way in (docs/drift.md#the-uis-work-named).
 */
const DONE: Record<OutsideGit, string> = {
  deleted: "deleted in Kestra's UI",
  created: "created in Kestra's UI",
  edited: "edited in Kestra's UI",
  disabled: "disabled in Kestra's UI",
  enabled: "enabled in Kestra's UI",
  draft: "a draft is pending in Kestra's UI"
}

/** `disabled in Kestra's UI; deploying enables it again`: what was done, then what deploying does to it. */
export function uiWorkText(
  change: Pick<ResourceChange, 'action' | 'outside' | 'remark'>
): string | undefined {
  if (change.outside === undefined) return undefined
  return `${DONE[change.outside]}; ${consequence(change, change.outside)}`
}

function consequence(
  { action, remark }: Pick<ResourceChange, 'action' | 'remark'>,
  outside: OutsideGit
): string {
  if (action === 'create') return 'deploying re-creates it'
  if (action === 'delete') return 'deploying deletes it'
  // A remark says why it is kept (a folder that does not exist), not `delete`.
  if (action === 'orphaned') return remark === undefined ? 'kept (delete is off)' : 'kept'
  if (outside === 'disabled') return 'deploying enables it again'
  if (outside === 'enabled') return 'deploying disables it again'
  if (outside === 'draft') return "deploying saves Git's copy over it"
  return 'deploying overwrites it'
}

/** Namespaces named in a note at most; the rest are counted. */
const NAMED = 10

/** The notes saying what drift was measured against, and where it could not be (docs/drift.md#drift-by-default). */
export function driftBaseNotes(base: DriftBase | undefined): string[] {
  if (base === undefined) return []
  const notes: string[] = []
  const byCommit = groupBy(base.commits)
  const api = base.api ? ", read through GitHub's API as the checkout lacks it" : ''
  if (base.from === 'deployed') {
    if (byCommit.size === 1) {
      const [[commit, names]] = byCommit
      const which = base.unchecked.size === 0 ? '' : ` for ${named(names)}`
      notes.push(
        `Drift: compared with commit ${short(commit)}${which}, the commit Kestra was last deployed from (its commit marker).`
      )
    } else if (byCommit.size > 1) {
      const each = [...byCommit].map(([commit, names]) => `${short(commit)} (${named(names)})`)
      notes.push(
        `Drift: compared with the commit each namespace was last deployed from (its commit marker): ${each.join('; ')}.`
      )
    }
  } else if (byCommit.size > 0) {
    const [commit] = byCommit.keys()
    notes.push(`Drift: compared with ${EVENT_BASE[base.from]}, commit ${short(commit!)}${api}.`)
  }
  for (const [why, names] of groupBy(base.unchecked)) {
    notes.push(`Drift not checked for ${named(names)}: ${why}.`)
  }
  return notes
}

const EVENT_BASE: Record<Exclude<DriftBase['from'], 'deployed'>, string> = {
  'pull-request': "the pull request's base",
  push: 'the commit before the push',
  'base-flag': '--base'
}

function named(names: readonly string[]): string {
  const more = names.length > NAMED ? `, and ${names.length - NAMED} more` : ''
  return `${names.slice(0, NAMED).join(', ')}${more}`
}

/** Value → the keys holding it, both in sorted order. */
function groupBy(map: ReadonlyMap<string, string>): Map<string, string[]> {
  const groups = new Map<string, string[]>()
  for (const [key, value] of [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    groups.set(value, [...(groups.get(value) ?? []), key])
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
