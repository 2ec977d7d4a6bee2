import { namespaceFiles } from './files/index.js'
import { flows } from './flows/index.js'
import type { Kind } from './kind.js'

/** The registry: every resource kind the action manages (docs/kinds.md). run/ hands them to each phase. */
export const KINDS: readonly Kind[] = [namespaceFiles, flows]

/** The registry's decide parts, as decide/ takes them. */
export const DECIDE_KINDS = KINDS.map((kind) => kind.decide)
