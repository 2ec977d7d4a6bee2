import { dashboards } from './dashboards/index.js'
import { filesWalk, namespaceFiles } from './files/index.js'
import { flows, flowsWalk } from './flows/index.js'

export * from './flows/index.js'
import { kv } from './kv/index.js'
import { tests } from './tests/index.js'
import type { Kind } from './kind.js'

/** The registry: every resource kind the action manages (docs/kinds.md). run/ hands them to each phase. */
export const KINDS: readonly Kind[] = [namespaceFiles, flows, dashboards, kv, tests]

/**
 * The kinds' parts of the run's one walk of the repository (docs/kinds.md#the-walk-two-kinds-share), as
 * each kind's gather part holds them: the walk lists and places each path, the kind whose place it is reads it.
 */
export const WALK = { ...flowsWalk, ...filesWalk }

/** The registry's decide parts, as decide/ takes them. */
export const DECIDE_KINDS = KINDS.map((kind) => kind.decide)

/** The registry's apply parts (kinds whose writes are their own), as apply/ takes them. */
export const APPLY_KINDS = KINDS.flatMap((kind) => (kind.apply ? [kind.apply] : []))

/** The registry's rollbacks: how each kind records and restores what a deploy changed. */
export const ROLLBACK_KINDS = KINDS.flatMap((kind) => (kind.rollback ? [kind.rollback] : []))
