import type { Kind } from '../kind.js'
import { flowsDecide } from './decide.js'

/** Flows: checked by this module; read and written by the pipeline's code still (docs/kinds.md). */
export const flows: Kind = { decide: flowsDecide }
