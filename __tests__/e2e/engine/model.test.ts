/**
 * The model of the whole system replayed on Kestra's own engine of each released line (docs/guarantees.md#what-always-holds): histories of the
 * model's generator, OSS (the engine's edition), without dashboards (the tenant's, shared by every test of the run)
 * and without injected faults (the engine has none), each event checked against the same invariants as on the
 * emulator. Each history's namespaces are its own (`space`), so that histories and other tests never meet.
 */
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, inject, it } from 'vitest'
import { team } from '../model/generate.js'
import { histories, playHistory } from '../model/history.js'
import { engineKestra } from '../model/kestra.js'

const engines = inject('kestraEngines')
const RUNS = Number(process.env.KGA_MODEL_ENGINE_RUNS ?? 3)

describe.skipIf(engines.length === 0).each(engines)(
  'the model on Kestra engine $version',
  (engine) => {
    it(
      `${engine.version}: generated team histories keep every invariant`,
      async () => {
        const line = engine.version.startsWith('2.') ? ('2.0' as const) : ('1.3' as const)
        const teams = team.map((t) => {
          const space = `m${randomBytes(3).toString('hex')}.`
          return {
            ...t,
            space,
            root: `${space}${t.root}`,
            line,
            edition: 'OSS' as const,
            dashboards: false
          }
        })
        await fc.assert(
          fc.asyncProperty(histories(teams, { faults: false, maxCommands: 8 }), async (history) => {
            await playHistory(history, engineKestra(engine))
          }),
          { seed: 92, numRuns: RUNS }
        )
      },
      30 * 60_000
    )
  }
)
