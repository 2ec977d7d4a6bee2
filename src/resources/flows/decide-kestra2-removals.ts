import type { Node } from 'yaml'
import { entryOf } from '../../model/content.js'
import type { KestraVersion, VersionedFinding } from '../../model/version.js'
import { FlowDocument } from './decide-document.js'
import { everyInput } from './decide-declared-inputs.js'
import {
  coreFlowType,
  FLOW_TRIGGER_TYPES,
  type TaskNode,
  type TaskTree
} from './decide-task-tree.js'

/**
 * What Kestra 2.0 no longer has that 1.3 accepts: core task types, pre-0.17 aliases, properties, input
 * types (docs/upgrade.md).
 */

/** Kestra 2.0: `Flow` has no `listeners` nor `taskDefaults` field any more (core 2.0.0, run). */
export const V2: KestraVersion = [2, 0, 0]

/**
 * Each entry refused by the released 2.0.0 core and held by 1.3.34's (docs/kestra.md, "What the
 * released 2.0.0 refuses that 1.3 accepts"): an error on 2.0+, nothing before, a notice when no
 * server is known.
 */
const USE_LOOP =
  'rewrite it with `io.kestra.plugin.core.flow.Loop`, which replaces it in Kestra 2.0'

/** Core task types 2.0.0 no longer has, and what to use instead (1.3.34's own deprecation texts). */
export const REMOVED_TASKS: Readonly<Record<string, string>> = {
  'io.kestra.plugin.core.flow.ForEach': USE_LOOP,
  'io.kestra.plugin.core.flow.ForEachItem': USE_LOOP,
  'io.kestra.plugin.core.flow.EachSequential': USE_LOOP,
  'io.kestra.plugin.core.flow.EachParallel': USE_LOOP,
  'io.kestra.plugin.core.flow.Template':
    'templates are gone: move the template’s tasks into this flow or into a subflow',
  'io.kestra.plugin.core.debug.Echo': 'use `io.kestra.plugin.core.log.Log`',
  'io.kestra.plugin.core.execution.Count':
    'use `io.kestra.plugin.kestra.executions.Count` of the Kestra plugin',
  'io.kestra.plugin.core.execution.Resume':
    'use `io.kestra.plugin.kestra.executions.Resume` of the Kestra plugin',
  'io.kestra.plugin.core.trigger.Toggle':
    'use `io.kestra.plugin.kestra.triggers.Toggle` of the Kestra plugin',
  'io.kestra.plugin.core.log.Fetch':
    'use `io.kestra.plugin.kestra.logs.Fetch` of the Kestra plugin',
  'io.kestra.plugin.core.state.Get': 'use the KV store: `io.kestra.plugin.core.kv.Get`',
  'io.kestra.plugin.core.state.Set': 'use the KV store: `io.kestra.plugin.core.kv.Set`',
  'io.kestra.plugin.core.state.Delete': 'use the KV store: `io.kestra.plugin.core.kv.Delete`',
  'io.kestra.plugin.core.storage.LocalFiles':
    'use the `inputFiles` of a `io.kestra.plugin.core.flow.WorkingDirectory` or of a script task'
}

/**
 * Pre-0.17 names 1.3.34's plugins still answer to (`@Plugin` aliases): `io.kestra.core.tasks.<key>`
 * or `io.kestra.core.models.triggers.types.<key>` → `io.kestra.plugin.core.<value>`.
 */
const ALIASES: Readonly<Record<string, string>> = {
  'debugs.Echo': 'debug.Echo',
  'debugs.Return': 'debug.Return',
  'executions.Counts': 'execution.Count',
  'executions.Fail': 'execution.Fail',
  'executions.Labels': 'execution.Labels',
  'flows.AllowFailure': 'flow.AllowFailure',
  'flows.Dag': 'flow.Dag',
  'flows.EachParallel': 'flow.EachParallel',
  'flows.EachSequential': 'flow.EachSequential',
  'flows.Flow': 'flow.Subflow',
  'flows.ForEachItem': 'flow.ForEachItem',
  'flows.If': 'flow.If',
  'flows.Parallel': 'flow.Parallel',
  'flows.Pause': 'flow.Pause',
  'flows.Sequential': 'flow.Sequential',
  'flows.Subflow': 'flow.Subflow',
  'flows.Switch': 'flow.Switch',
  'flows.Template': 'flow.Template',
  'flows.Worker': 'flow.WorkingDirectory',
  'flows.WorkingDirectory': 'flow.WorkingDirectory',
  'log.Fetch': 'log.Fetch',
  'log.Log': 'log.Log',
  'states.Delete': 'state.Delete',
  'states.Get': 'state.Get',
  'states.Set': 'state.Set',
  'storages.Concat': 'storage.Concat',
  'storages.DeduplicateItems': 'storage.DeduplicateItems',
  'storages.Delete': 'storage.Delete',
  'storages.FilterItems': 'storage.FilterItems',
  'storages.LocalFiles': 'storage.LocalFiles',
  'storages.Purge': 'execution.PurgeExecutions',
  'storages.PurgeExecution': 'storage.PurgeCurrentExecutionFiles',
  'storages.Reverse': 'storage.Reverse',
  'storages.Size': 'storage.Size',
  'storages.Split': 'storage.Split',
  'templating.TemplatedTask': 'templating.TemplatedTask',
  'trigger.Toggle': 'trigger.Toggle',
  Flow: 'trigger.Flow',
  Schedule: 'trigger.Schedule',
  Webhook: 'trigger.Webhook'
}
const TASK_ALIAS = 'io.kestra.core.tasks.'
const TRIGGER_ALIAS = 'io.kestra.core.models.triggers.types.'

/** The input types 2.0.0's `Type` enum dropped, and what replaces each (the core jars' `Type` enums). */
const REMOVED_INPUT_TYPES: Readonly<Record<string, string>> = {
  BOOLEAN: 'Use `type: BOOL`, which replaces it (Kestra 0.23 and later)',
  ENUM: 'Use `type: SELECT` with the same `values`, which replaces it'
}

/** Flow properties 2.0.0's `Flow` no longer has. */
const REMOVED_FLOW_KEYS: Readonly<Record<string, string>> = {
  pluginDefaults:
    'Kestra 2.0 has no flow-level plugin defaults: set these values on the tasks themselves',
  workerGroup: 'Kestra 2.0 flows choose their workers with `workerSelector`'
}

/** Task and trigger properties 2.0.0's `Task` and `AbstractTrigger` no longer have. */
const REMOVED_PLUGIN_KEYS: Readonly<Record<string, string>> = {
  workerGroup: 'Kestra 2.0 chooses workers with `workerSelector`',
  pluginDefaultsRef: 'Kestra 2.0 has no plugin defaults to refer to: set the values on the task'
}
const REMOVED_TRIGGER_KEYS: Readonly<Record<string, string>> = {
  conditions: 'Kestra 2.0 triggers take a `when` expression instead: rewrite the conditions as one'
}
const REMOVED_FLOW_TRIGGER_KEYS: Readonly<Record<string, string>> = {
  preconditions:
    'Kestra 2.0’s Flow trigger names the flows it waits for in `dependsOn` (with `window` and `mode`)'
}

/** Pause properties 2.0.0's `Pause` no longer has (its class; 1.3.31's marks `delay` deprecated). */
const REMOVED_PAUSE_KEYS: Readonly<Record<string, string>> = {
  delay:
    'Use `pauseDuration`, which 1.3 already takes for it ("Deprecated: use `pauseDuration` instead")',
  tasks: 'A 2.0 Pause holds no tasks: move them after the Pause'
}
/** Retry properties 2.0.0's `AbstractRetry` no longer has (1.3.31's reads `maxAttempt` as `maxAttempts`). */
const REMOVED_RETRY_KEYS: Readonly<Record<string, string>> = {
  maxAttempt: 'Use `maxAttempts`, the name 1.3 already reads it as'
}

export function removedInKestra2Findings(
  document: FlowDocument,
  tree: TaskTree
): VersionedFinding[] {
  const findings: VersionedFinding[] = []
  const property = (owner: Node, removed: Readonly<Record<string, string>>, where: string) => {
    for (const entry of document.entries(owner)) {
      const key = String(entry.key.value)
      if (!Object.hasOwn(removed, key)) continue
      findings.push(
        document.onlyFrom(
          V2,
          entry.key,
          'removed-property',
          `\`${key}\`${where}: Kestra 2.0 rejects it as an unknown property. ${removed[key] as string}`
        )
      )
    }
  }
  property(document.root as Node, REMOVED_FLOW_KEYS, '')
  const retry = (owner: Node, where: string) => {
    const policy = document.get(owner, 'retry')?.value
    if (policy) property(policy, REMOVED_RETRY_KEYS, ` in the retry${where}`)
  }
  retry(document.root as Node, ' of the flow')
  for (const task of tree.tasks) {
    const where = ` on task '${task.id ?? task.path}'`
    property(task.map, REMOVED_PLUGIN_KEYS, where)
    if (coreFlowType(task.type) === 'Pause') property(task.map, REMOVED_PAUSE_KEYS, where)
    retry(task.map, ` of task '${task.id ?? task.path}'`)
    findings.push(...typeFindings(document, task))
  }
  for (const trigger of tree.triggers) {
    const where = ` on trigger '${trigger.id ?? trigger.path}'`
    property(trigger.map, { ...REMOVED_PLUGIN_KEYS, ...REMOVED_TRIGGER_KEYS }, where)
    if (FLOW_TRIGGER_TYPES.has(trigger.type ?? '')) {
      property(trigger.map, REMOVED_FLOW_TRIGGER_KEYS, where)
    }
    findings.push(...typeFindings(document, trigger))
  }
  findings.push(...inputTypeFindings(document, tree))
  return findings
}

function typeFindings(document: FlowDocument, node: TaskNode): VersionedFinding[] {
  const type = node.type
  if (type === undefined || !node.typeEntry) return []
  const aliased = aliasTarget(type)
  const then = entryOf(REMOVED_TASKS, aliased ?? type)
  const message =
    aliased === undefined
      ? then && `\`${type}\`: Kestra 2.0 has no such task (Invalid type): ${then}`
      : `\`${type}\` is a pre-0.17 name: Kestra 2.0 rejects it (Invalid type). ${
          then
            ? `It names \`${aliased}\`, which 2.0 has no more either: ${then}`
            : `Use \`${aliased}\`, the class it names, which every release since 0.20 accepts`
        }`
  if (message === undefined) return []
  const at = node.typeEntry.value ?? node.typeEntry.key
  return [document.onlyFrom(V2, at, 'removed-type', message)]
}

/** The class a pre-0.17 alias names, or undefined when the type is not one of 1.3.34's aliases. */
export function aliasTarget(type: string): string | undefined {
  const key = type.startsWith(TASK_ALIAS)
    ? type.slice(TASK_ALIAS.length)
    : type.startsWith(TRIGGER_ALIAS) && !type.slice(TRIGGER_ALIAS.length).includes('.')
      ? type.slice(TRIGGER_ALIAS.length)
      : undefined
  if (key === undefined || !Object.hasOwn(ALIASES, key)) return undefined
  return `io.kestra.plugin.core.${ALIASES[key] as string}`
}

/**
 * The `type` entries that name one of Kestra's `Type`s: of the flow's inputs, a FORM's inputs, a Pause's
 * `onResume` inputs, and the flow's outputs, each with what it types.
 */
export function inputTypeEntries(document: FlowDocument, tree: TaskTree) {
  const typeOf = (what: 'Input' | 'Output') => (item: Node) => ({
    what,
    entry: document.get(item, 'type')
  })
  return [
    ...everyInput(document).map((input) => typeOf('Input')(input.map)),
    ...tree.tasks
      .filter((task) => coreFlowType(task.type) === 'Pause')
      .flatMap((task) => document.items(document.get(task.map, 'onResume')?.value))
      .map(typeOf('Input')),
    ...document.items(document.get(document.root, 'outputs')?.value).map(typeOf('Output'))
  ]
}

/**
 * 2.0.0's `Type` has no BOOLEAN nor ENUM: core 2.0.0 run refuses them for an input ("Invalid type: BOOLEAN") and for
 * a flow output ("Cannot deserialize value of type `io.kestra.core.models.flows.Type` from String \"BOOLEAN\"").
 */
function inputTypeFindings(document: FlowDocument, tree: TaskTree): VersionedFinding[] {
  return inputTypeEntries(document, tree).flatMap(({ what, entry }) => {
    const type = document.string(entry?.value)
    const instead = type === undefined ? undefined : entryOf(REMOVED_INPUT_TYPES, type)
    if (!entry || instead === undefined) return []
    return document.onlyFrom(
      V2,
      entry.value ?? entry.key,
      'removed-input-type',
      `${what} type ${type}: Kestra 2.0 rejects it (its \`Type\` has no ${type}). ${instead}`
    )
  })
}
