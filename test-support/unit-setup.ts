/** Setup of the unit project: it starts no process (see spawn-guard.ts). */
import { afterEach } from 'vitest'
import { checkNoSpawnAttempts, refuseSpawns } from './spawn-guard.js'

refuseSpawns()
afterEach(checkNoSpawnAttempts)
