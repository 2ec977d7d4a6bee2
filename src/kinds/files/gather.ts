import type { GatherKind, WalkRead } from '../../gather/kind.js'

/** Namespace files are read by the run's one walk, with flows (docs/kinds.md#the-walk-two-kinds-share). */
export const filesGather: GatherKind<WalkRead> = { name: 'file', fromWalk: (walk) => walk }
