import { Cron } from 'croner'
import { z } from 'zod'
import { jsonObject } from '../../model/content.js'
import { parseFlowFile } from '../../model/flow-file.js'
import { topLevelText } from '../../model/flow-source.js'
import type { TriggerChange } from '../../model/plan.js'
import { cronProblem } from './decide-schedules.js'

/** What an updated flow's triggers and `disabled` change, in words, and when a changed cron runs next. */

interface TriggerState {
  id: string
  type: string
  disabled: boolean
  cron?: string
  withSeconds?: boolean
  timezone?: string
}

/**
 * An updated flow's trigger and `disabled` changes in words (docs/impact.md#trigger-changes); a changed
 * cron's next run follows `reference`, the planned commit's time. Sources are parsed only when their
 * trigger text differs.
 */
export function triggerChanges(
  before: string,
  after: string,
  reference: Date | undefined
): TriggerChange[] {
  if (![before, after].some((source) => /triggers|disabled/.test(source))) return []
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
  for (const trigger of old.triggers.filter((t) => !now.triggers.some((n) => n.id === t.id))) {
    changes.push({ text: `trigger ${trigger.id} (${describe(trigger)}) removed` })
  }
  return changes

  function withNextRun(text: string, trigger: TriggerState): TriggerChange {
    const run = trigger.disabled || now!.disabled ? undefined : nextRun(trigger, reference)
    return run ? { text, nextRun: run } : { text }
  }
}

const TRIGGER_KEYS: ReadonlySet<string> = new Set(['triggers', 'disabled'])

function readTriggers(source: string): { disabled: boolean; triggers: TriggerState[] } | undefined {
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
 * `2025-01-02 08:00 Europe/Paris`: the first run after `reference` in the trigger's zone (UTC when
 * it names none); none for a cron Kestra rejects (`cronProblem`) or without a reference.
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

const flowTriggers = z.looseObject({
  disabled: z.unknown().optional(),
  triggers: z
    .array(z.unknown().transform((item) => jsonObject.safeParse(item).data))
    .catch([])
    .default([])
})
