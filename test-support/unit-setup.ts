/** Setup of the unit project: it starts no process (see spawn-guard.ts). */
import { afterEach, vi } from 'vitest'
import { checkNoSpawnAttempts } from './spawn-guard.js'

vi.mock('node:child_process', async (importOriginal) => {
  const { refuseSpawns } = await import('./spawn-guard.js')
  return refuseSpawns(await importOriginal<object>())
})
vi.mock('child_process', async (importOriginal) => {
  const { refuseSpawns } = await import('./spawn-guard.js')
  return refuseSpawns(await importOriginal<object>())
})

afterEach(checkNoSpawnAttempts)
