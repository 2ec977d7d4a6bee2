import type { GatherKind, WalkRead } from '../../gather/kind.js'

/** Flows are read by the run's one walk, with namespace files (docs/kinds.md#the-walk-two-kinds-share). */
export const flowsGather: GatherKind<WalkRead> = { name: 'flow', fromWalk: (walk) => walk }
