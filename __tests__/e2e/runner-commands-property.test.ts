/**
 * Untrusted text never becomes a workflow command (docs/security.md), through the bundled action: the
 * emulator answers with drawn text holding commands at any position (a 422 on a smoke start, a failed
 * write, validation warnings), and the runner's reading of the step's stdout (test-support/
 * workflow-commands.ts) finds only the action's own commands, its final error included. A fixed seed
 * (KGA_PROPERTY_SEED to try others) and a modest number of runs: each one runs the bundle.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  refusedSmokeStart,
  refusedWrite,
  validationWarning
} from '../../test-support/echo-faults.js'
import { MARKER, untrustedText } from '../../test-support/injected-commands.js'
import type { Fault } from '../../test-support/kestra-emulator/index.js'
import { foreignCommands, readRunnerCommands } from '../../test-support/workflow-commands.js'
import { BASE, CHANGE, TEAM } from './reliability/scenario.js'
import { startStage } from './reliability/stage.js'

const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)
const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 8)

type Site = 'smoke-start error' | 'write error' | 'validation warning'

describe('server text cannot command the runner', () => {
  it('leaves only the action’s own commands in its stdout', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Site>('smoke-start error', 'write error', 'validation warning'),
        untrustedText,
        async (site, text) => {
          const stage = await startStage({ base: BASE, change: CHANGE })
          try {
            stage.kestra.inject(fault(site, text))
            const result =
              site === 'validation warning'
                ? await stage.plan({ 'fail-on': 'warning' })
                : await stage.deploy({ delete: 'true', 'smoke-flows': `${TEAM}.alpha` })
            expect(result.exitCode, result.stdout).toBe(1)
            expect(foreignCommands(result.stdout, MARKER)).toEqual([])
            const errors = readRunnerCommands(result.stdout).commands.filter(
              (command) => command.name === 'error' && Object.keys(command.properties).length === 0
            )
            expect(errors, 'the step’s own final error reached the runner').toHaveLength(1)
          } finally {
            await stage.close()
          }
        }
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true }
    )
  }, 900_000)
})

function fault(site: Site, text: string): Fault {
  const say = () => text
  if (site === 'smoke-start error') return refusedSmokeStart(say)
  return site === 'write error' ? refusedWrite(say) : validationWarning(say)
}
