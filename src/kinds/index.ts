import { dashboards } from './dashboards/index.js'
import { filesWalk, namespaceFiles } from './files/index.js'
import { flows, flowsWalk } from './flows/index.js'

export * from './flows/index.js'
import { kv } from './kv/index.js'
import { tests } from './tests/index.js'
import type { Kind } from './kind.js'

/** The registry: every resource kind the action manages (docs/kinds.md). run/ hands them to each phase. */
export const KINDS: readonly Kind[] = [namespaceFiles, flows, dashboards, kv, tests]

/** The kinds' parts of the run's one walk of the repository (docs/kinds.md#the-walk-two-kinds-share). */
export const WALK = { ...flowsWalk, ...filesWalk }

export const DECIDE_KINDS = KINDS.map((kind) => kind.decide)

export const APPLY_KINDS = KINDS.flatMap((kind) => (kind.apply ? [kind.apply] : []))

export const ROLLBACK_KINDS = KINDS.flatMap((kind) => (kind.rollback ? [kind.rollback] : []))
