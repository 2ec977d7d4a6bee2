/** Setup of the unit project: it starts no process (see spawn-guard.ts). */
import { afterEach } from 'vitest'
import { loadFlowValidators, schemaTarget } from '../src/resources/flows/decide-schema.js'
import { checkNoSpawnAttempts, refuseSpawns } from './spawn-guard.js'

refuseSpawns()
afterEach(checkNoSpawnAttempts)

// Unit tests call the (synchronous) validation directly, which a run starts by loading the validators of the
// releases it validates for: every bundled release's, once per worker.
await loadFlowValidators(schemaTarget(undefined))
