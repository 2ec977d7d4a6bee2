/** Setup of the unit project: it starts no process (see spawn-guard.ts). */
import { afterEach } from 'vitest'
import { checkNoSpawnAttempts, refuseSpawns } from './spawn-guard.js'
// Unit tests call the (synchronous) validation directly: every validator is loaded, once per worker.
import './flow-validators-setup.js'

refuseSpawns()
afterEach(checkNoSpawnAttempts)
