/** Setup of the unit project: it starts no process (see spawn-guard.ts). */
import { afterEach } from 'vitest'
import { FLOW_VALIDATORS } from '../generated/flow-validators/index.js'
import { loadFlowValidators, schemaTarget } from '../src/resources/flows/decide-schema.js'
import { checkNoSpawnAttempts, refuseSpawns } from './spawn-guard.js'

refuseSpawns()
afterEach(checkNoSpawnAttempts)

// Unit tests call the (synchronous) validation directly, which a run starts by loading the validators of the
// definitions its flows use: every bundled release's, of every type, once per worker.
const types = await Promise.all(
  Object.values(FLOW_VALIDATORS).map(async (release) =>
    Object.keys((await release.facts()).FACTS.classes)
  )
)
await loadFlowValidators(schemaTarget(undefined), types.flat())
