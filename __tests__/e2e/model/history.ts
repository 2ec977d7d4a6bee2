/**
 * One history of a team: its main deployed once, then each event of the history played and checked
 * (`events.ts`), on the Kestra given. Shared by the model's own run on the emulator and its replay on Kestra's
 * engine.
 */
import fc from 'fast-check'
import { commandsFor, type Model } from './events.js'
import { repositoryArbitrary } from './generate.js'
import {
  deployHolds,
  deploySucceeds,
  noSecretShown,
  onlyManagedWritten,
  receiptSaysWhatWasWritten,
  reportsAgree,
  writesArePlanned
} from './invariants.js'
import type { Kestra } from './kestra.js'
import { namespacesOf, type Repository, type Team } from './repository.js'
import { World } from './world.js'

export type History = [Team, Repository, Iterable<fc.AsyncCommand<Model, World, false>>]

export function histories(
  teams: fc.Arbitrary<Team>,
  options: { faults: boolean; maxCommands: number }
): fc.Arbitrary<History> {
  return teams.chain((t) =>
    fc.tuple(
      fc.constant(t),
      repositoryArbitrary(t),
      fc.commands(commandsFor(t, options), { maxCommands: options.maxCommands, size: 'medium' })
    )
  )
}

export async function playHistory(
  [t, repository, commands]: History,
  kestra: Kestra
): Promise<World> {
  const world = await World.start(t, repository, kestra)
  try {
    const model: Model = { team: t, main: repository, settled: false, marked: false, foreign: [] }
    // The team's main is deployed once before the history starts, checked as every deploy is.
    const githubMark = world.github.requests.length
    const first = await world.dispatch(world.mainHead())
    noSecretShown(world, first, githubMark)
    onlyManagedWritten(first, namespacesOf(repository))
    deploySucceeds(world, first, repository)
    deployHolds(world, first, repository, undefined)
    writesArePlanned(first)
    reportsAgree(first, undefined)
    receiptSaysWhatWasWritten(first)
    if (first.result.exitCode === 0) {
      model.deployed = { sha: world.mainHead(), repository }
      model.settled = true
      model.marked = true
    }
    await fc.asyncModelRun(() => ({ model, real: world }), commands)
    if (process.env.KGA_MODEL_TRACE) console.log(trace(world))
    return world
  } finally {
    await world.close()
  }
}

/** One line per history: its team and each run's event and exit code, with a failed run's first error. */
function trace(world: World): string {
  const { line, edition, layout } = world.team
  const runs = world.runs.map((run) => {
    const error = run.result.exitCode
      ? ` (${/::error::([^%\n]*)/.exec(run.result.stdout)?.[1]?.slice(0, 120)})`
      : ''
    return `${run.event}→${run.result.exitCode}${error}`
  })
  return `${line} ${edition} ${layout}: ${runs.length} runs: ${runs.join(', ')}`
}
