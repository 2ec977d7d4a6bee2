import type { Kind } from '../kind.js'
import { filesDecide } from './decide.js'

/** Namespace files: checked by this module; read and written by the pipeline's code still (docs/kinds.md). */
export const namespaceFiles: Kind = { decide: filesDecide }
