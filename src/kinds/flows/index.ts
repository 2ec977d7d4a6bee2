import type { Kind } from '../kind.js'
import { flowsDecide } from './decide.js'

export const flows: Kind = { decide: flowsDecide }
