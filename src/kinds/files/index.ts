import type { Kind } from '../kind.js'
import { filesDecide } from './decide.js'

export const namespaceFiles: Kind = { decide: filesDecide }
