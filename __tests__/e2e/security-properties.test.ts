/**
 * No output channel of the bundled action or of the CLI holds a credential in any form a reader can turn back
 * into it (docs/security.md), whatever the credential and wherever a careless server echoes it: in validation
 * verdicts, write errors, smoke-start errors and execution states, in any form (raw, percent, form, JSON,
 * HTML, Markdown, base64 of it or of `user:password` at any alignment), split across two lines, and sent in
 * two chunks. A property over drawn credentials with a fixed seed (KGA_PROPERTY_SEED to try others), a modest
 * number of runs: each one runs the bundle.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { credentialLeaks } from '../../test-support/credential-leaks.js'
import {
  executionState,
  refusedSmokeStart,
  refusedWrite,
  validationWarning
} from '../../test-support/echo-faults.js'
import { describeForm, encodeCredential, formSpec } from '../../test-support/credential-forms.js'
import type { Fault, SentCredentials } from '../../test-support/kestra-emulator/index.js'
import { runCli } from './cli/run-cli.js'
import { BASE, CHANGE, TEAM } from './reliability/scenario.js'
import { startStage, type Stage } from './reliability/stage.js'
import { actionSurfaces } from './output-surfaces.js'

const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)
const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 12)
const USERNAME = 'leak-user@example.com'
const OTHER_PASSWORD = 'Other-Str0ng-Passw0rd'

type Kind = 'password' | 'api-token' | 'github-token'
type Site = 'validation verdict' | 'write error' | 'smoke-start error' | 'execution state'

/** What an input can carry: core.getInput trims, an environment variable holds no NUL. */
const password = fc
  .string({ unit: 'binary', minLength: 8, maxLength: 24 })
  .filter((s) => !s.includes('\0') && s === s.trim())
/** Tokens travel in HTTP headers as they are: visible ASCII. */
const token = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 8,
  maxLength: 40
})

const drawn = fc.oneof(
  fc.record({ kind: fc.constant<Kind>('password'), credential: password }),
  fc.record({ kind: fc.constant<Kind>('api-token'), credential: token }),
  fc.record({ kind: fc.constant<Kind>('github-token'), credential: token.map((t) => `ghs_${t}`) })
)

const echo = fc.record({
  site: fc.constantFrom<Site>(
    'validation verdict',
    'write error',
    'smoke-start error',
    'execution state'
  ),
  form: formSpec,
  before: fc.string({ maxLength: 12 }),
  after: fc.string({ maxLength: 12 })
})

describe('credentials in any form, echoed anywhere, reach no output', () => {
  it('holds for drawn credentials, forms and echo sites (bundle and CLI)', async () => {
    await fc.assert(
      fc.asyncProperty(drawn, echo, async ({ kind, credential }, { site, form, before, after }) => {
        // What the server says: the credential the request carried (the GitHub token, which Kestra never
        // sees, as if pasted into a flow's input), in the drawn form, among other text.
        const said = (sent: SentCredentials) => {
          const echoed = kind === 'github-token' ? credential : (sent.password ?? sent.token ?? '')
          return `${before}${encodeCredential(form, echoed, USERNAME)}${after}`
        }
        const stage = await startStage({
          base: BASE,
          change: CHANGE,
          emulator: {
            basicAuth: {
              username: USERNAME,
              password: kind === 'password' ? credential : OTHER_PASSWORD
            },
            tokens: kind === 'api-token' ? [credential] : []
          }
        })
        try {
          const inputs = credentialInputs(kind, credential)
          inject(stage, site, said)
          const result =
            site === 'validation verdict'
              ? await stage.plan(inputs)
              : await stage.deploy({
                  ...inputs,
                  delete: 'true',
                  'smoke-flows': `${TEAM}.alpha`,
                  'smoke-timeout-seconds': '2'
                })
          const surfaces = actionSurfaces(result, stage.github)
          expect(surfaces.stdout, 'the echo reached the run').toMatch(echoTrace(site))
          if (site === 'validation verdict' && kind !== 'github-token') {
            for (const format of [['--format', 'markdown'], ['--format', 'json'], []]) {
              inject(stage, site, said)
              const cli = await runCli(
                stage.repo.dir,
                ['plan', '-v', ...format],
                cliEnv(stage, kind, credential)
              )
              surfaces[`CLI stdout ${format.join(' ') || 'text'}`] = cli.stdout
              surfaces[`CLI stderr ${format.join(' ') || 'text'}`] = cli.stderr
            }
          }
          const leaks = Object.entries(surfaces).flatMap(([where, output]) =>
            credentialLeaks(output, credential).map((found) => `${where}: ${found}`)
          )
          expect(leaks, `${kind} echoed as ${describeForm(form)} in a ${site}`).toEqual([])
        } finally {
          await stage.close()
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true }
    )
  }, 900_000)
})

function credentialInputs(kind: Kind, credential: string): Record<string, string> {
  if (kind === 'password') return { username: USERNAME, password: credential }
  if (kind === 'api-token') {
    return { username: USERNAME, password: OTHER_PASSWORD, 'api-token': credential }
  }
  return { username: USERNAME, password: OTHER_PASSWORD, 'github-token': credential }
}

function cliEnv(stage: Stage, kind: Kind, credential: string): Record<string, string> {
  return {
    KESTRA_URL: stage.kestra.url,
    KESTRA_USERNAME: USERNAME,
    KESTRA_PASSWORD: kind === 'password' ? credential : OTHER_PASSWORD,
    ...(kind === 'api-token' && { KESTRA_API_TOKEN: credential })
  }
}

/** The emulator echoes what `said` makes of the credentials at `site`; the body goes out in two chunks. */
function inject(stage: Stage, site: Site, said: (sent: SentCredentials) => string): void {
  const faults: Record<Site, Fault> = {
    'validation verdict': validationWarning((sent) => `deprecated property ${said(sent)}`),
    'write error': refusedWrite(said),
    'smoke-start error': refusedSmokeStart(said),
    'execution state': executionState(said)
  }
  stage.kestra.inject({ ...faults[site], splitAt: (body) => Math.floor(body.length / 2) })
}

function echoTrace(site: Site): RegExp {
  return {
    'validation verdict': /Kestra warns/,
    'write error': /flow company\.(team|data)\.\w+: failed/,
    'smoke-start error': /Smoke run of company\.team\.alpha could not start/,
    'execution state': /Smoke run of company\.team\.alpha, execution \w+:/
  }[site]
}
