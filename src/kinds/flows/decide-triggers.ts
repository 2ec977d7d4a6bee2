import { z } from 'zod'
import { Cron } from 'croner'
import { parseFlowFile } from '../../model/flow-file.js'
import { topLevelText } from '../../model/flow-source.js'
import { cronProblem } from './decide-schedule-cron.js'
import type { TriggerChange } from '../../model/plan.js'

interface TriggerState {
  id: string
  type: string
  disabled: boolean
  cron?: string
  withSeconds?: boolean
  timezone?: string
}

interface FlowTriggers {
  disabled: boolean
  triggers: TriggerState[]
}

/**
 * What changes in an updated flow's triggers and `disabled` flag between the server's source and the
 * repository's, in words (docs/impact.md#trigger-changes). A cron that changes gets its next run after
 * `reference` (the planned commit's time: the same for every run of the commit). Created and deleted
 * flows show every trigger in their diff already. Pure; sources are parsed only when their trigger text
 * differs.
 */
export function triggerChanges(
  before: string,
  after: string,
  reference: Date | undefined
): TriggerChange[] {
  if (!mentionsTriggers(before) && !mentionsTriggers(after)) return []
  const region = topLevelText(before, TRIGGER_KEYS)
  if (region !== undefined && region === topLevelText(after, TRIGGER_KEYS)) return []
  const old = readTriggers(before)
  const now = readTriggers(after)
  if (!old || !now) return []
  const changes: TriggerChange[] = []
  if (old.disabled !== now.disabled) {
    changes.push({ text: now.disabled ? 'flow disabled' : 'flow enabled' })
  }
  const previous = new Map(old.triggers.map((t) => [t.id, t]))
  const next = new Map(now.triggers.map((t) => [t.id, t]))
  for (const trigger of now.triggers) {
    const was = previous.get(trigger.id)
    if (!was) {
      changes.push(withNextRun(`trigger ${trigger.id} (${describe(trigger)}) added`, trigger))
      continue
    }
    const name = `trigger ${trigger.id}`
    if (was.type !== trigger.type) {
      changes.push({ text: `${name} type ${shortType(was.type)} → ${shortType(trigger.type)}` })
    }
    if (was.disabled !== trigger.disabled) {
      changes.push({ text: `${name} ${trigger.disabled ? 'disabled' : 'enabled'}` })
    }
    if (was.cron !== trigger.cron) {
      changes.push(
        withNextRun(`${name} cron ${quoted(was.cron)} → ${quoted(trigger.cron)}`, trigger)
      )
    }
    if (was.timezone !== trigger.timezone) {
      const text = `${name} timezone ${was.timezone ?? 'server default'} → ${trigger.timezone ?? 'server default'}`
      changes.push(was.cron !== trigger.cron ? { text } : withNextRun(text, trigger))
    }
  }
  for (const trigger of old.triggers) {
    if (!next.has(trigger.id)) {
      changes.push({ text: `trigger ${trigger.id} (${describe(trigger)}) removed` })
    }
  }
  return changes

  function withNextRun(text: string, trigger: TriggerState): TriggerChange {
    const run = trigger.disabled || now!.disabled ? undefined : nextRun(trigger, reference)
    return run ? { text, nextRun: run } : { text }
  }
}

/** Cheap test before parsing: a source without these words has no triggers and is not disabled. */
function mentionsTriggers(source: string): boolean {
  return source.includes('triggers') || source.includes('disabled')
}

/** The top-level keys that decide the triggers and the flow's `disabled` flag. */
const TRIGGER_KEYS: ReadonlySet<string> = new Set(['triggers', 'disabled'])

function readTriggers(source: string): FlowTriggers | undefined {
  let root: unknown
  try {
    const doc = parseFlowFile({ file: '', rel: '', raw: source }).documents[0]
    if (!doc || doc.errors.length > 0) return undefined
    root = doc.toJS({ maxAliasCount: 1000 })
  } catch {
    return undefined
  }
  const flow = flowTriggers.safeParse(root).data
  if (!flow) return undefined
  const triggers: TriggerState[] = []
  flow.triggers.forEach((item, index) => {
    if (!item) return
    const text = (value: unknown) =>
      typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
    triggers.push({
      id: text(item.id) ?? `#${index + 1}`,
      type: text(item.type) ?? 'unknown',
      disabled: item.disabled === true,
      cron: text(item.cron),
      withSeconds: item.withSeconds === true || item.withSeconds === 'true',
      timezone: text(item.timezone)
    })
  })
  return { disabled: flow.disabled === true, triggers }
}

function describe(trigger: TriggerState): string {
  const parts = [shortType(trigger.type)]
  if (trigger.cron !== undefined) parts.push(`cron ${quoted(trigger.cron)}`)
  if (trigger.timezone !== undefined) parts.push(trigger.timezone)
  if (trigger.disabled) parts.push('disabled')
  return parts.join(', ')
}

function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1)
}

function quoted(value: string | undefined): string {
  return value === undefined ? 'none' : `"${value}"`
}

/**
 * `2025-01-02 08:00 Europe/Paris`: the first run strictly after `reference`, in the trigger's timezone
 * (UTC when it names none: the server's default zone is not known here). Undefined when Kestra would
 * reject the cron (see `cronProblem`: never a next run for it), when it is not a literal cron, or when
 * no reference time is known.
 */
export function nextRun(
  trigger: { cron?: string; withSeconds?: boolean; timezone?: string },
  reference: Date | undefined
): string | undefined {
  if (reference === undefined || trigger.cron === undefined) return undefined
  if (cronProblem(trigger.cron, trigger.withSeconds === true)) return undefined
  const zone = trigger.timezone ?? 'UTC'
  try {
    const at = new Cron(trigger.cron, { timezone: zone }).nextRun(reference)
    if (!at) return undefined
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23'
      })
        .formatToParts(at)
        .map((part) => [part.type, part.value])
    )
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`
  } catch {
    return undefined
  }
}

/** What a flow's triggers are read from: its `disabled`, and each trigger that is a mapping. */
const mapping = z.record(z.string(), z.unknown())
const flowTriggers = z.looseObject({
  disabled: z.unknown().optional(),
  triggers: z
    .array(z.unknown().transform((item) => mapping.safeParse(item).data))
    .catch([])
    .default([])
})
