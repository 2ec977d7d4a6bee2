/**
 * Every command of the README runs in a test, as written. Its workflows run in `workflows-as-written.test.ts`
 * (the plan and deploy workflows with the settings file in `readme-quick-start.test.ts` too), the lines of "Try
 * it against Kestra" in `engine/readme-engine.test.ts`; here, every workflow's pin and inputs, and the CLI's
 * lines through the bundled CLI, the `deploy` on a terminal answering `yes`. Two lines need the real GitHub and
 * are not run: the `git ls-remote` that finds a commit to pin and the `npm install` from it
 * (`__tests__/e2e/cli/package.test.ts` packs and installs the same package from this checkout). `npm ci && npm run demo` is `__tests__/e2e/scripts.test.ts`'s, `npm test` is CI.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createGitRepo } from '../../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../../test-support/kestra-emulator/index.js'
import { PROJECT_ROOT } from '../../../test-support/runner.js'
import { CREDENTIALS, flow } from '../../../test-support/scenario.js'
import { runCli, runCliOnTerminal } from '../cli/run-cli.js'
import { readmeWorkflow } from './workflow-runner.js'

const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8')
const BLOCKS = [...README.matchAll(/^```(\w+)\n([^]*?)^```$/gm)].map((m) => ({
  lang: m[1]!,
  text: m[2]!
}))

interface Step {
  uses?: string
  with?: Record<string, string>
}

/** The action's step of a workflow and the event that starts it. */
function workflow(name: string): { events: string[]; step: Required<Step> } {
  const parsed = readmeWorkflow(`.github/workflows/${name}`)
  // A workflow's `with:` values are the strings GitHub reads (their expressions resolved below).
  const steps = Object.values(parsed.jobs).flatMap((job) => job.steps) as Step[]
  const step = steps.find((s) => s.uses?.startsWith('kestra-gitops/kestra-gitops-action@'))
  if (!step?.uses || !step.with) throw new Error(`${name}: no step of this action`)
  return { events: Object.keys(parsed.on), step: step as Required<Step> }
}

const NS = 'company.team'
const ACTION_INPUTS = Object.keys(
  (parse(readFileSync(join(PROJECT_ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs
)

let kestra: Emulator | undefined
afterEach(async () => {
  await kestra?.close()
  kestra = undefined
})

describe("the README's workflows", () => {
  it('pins a commit in every workflow, and gives only inputs action.yml declares', () => {
    for (const name of ['kestra-plan.yml', 'kestra-deploy.yml', 'kestra-drift.yml']) {
      const { step } = workflow(name)
      expect(step.uses).toBe('kestra-gitops/kestra-gitops-action@<commit-sha>')
      for (const input of Object.keys(step.with)) expect(ACTION_INPUTS).toContain(input)
    }
    expect(README).toMatch(/^## Pin a version$/m)
  })
})

describe("the README's CLI lines", () => {
  it('validate, plan, plan --json and deploy run as written, the deploy after yes', async () => {
    kestra = await startEmulator({ basicAuth: CREDENTIALS })
    const block = BLOCKS.find((b) => b.lang === 'sh' && b.text.includes('kestra-gitops validate'))!
    const lines = block.text.split('\n').filter((line) => line.trim())
    const exported = lines.find((line) => line.startsWith('export '))!
    expect(exported).toBe(
      'export KESTRA_URL=https://kestra.example.com KESTRA_USERNAME=me@example.com KESTRA_PASSWORD=…'
    )
    const env = {
      KESTRA_URL: kestra.url,
      KESTRA_USERNAME: CREDENTIALS.username,
      KESTRA_PASSWORD: CREDENTIALS.password
    }
    const repo = createGitRepo({ [`kestra/flows/${NS}/hello.yml`]: flow(NS, 'hello') })
    repo.git('update-ref', 'refs/remotes/origin/main', repo.head())
    repo.commit({ [`kestra/flows/${NS}/report.yml`]: flow(NS, 'report') }, 'report')
    const commands = lines
      .filter((line) => line.startsWith('kestra-gitops '))
      .map((line) =>
        line
          .replace(/\s+#.*$/, '')
          .split(/\s+/)
          .slice(1)
      )
    expect(commands.map((c) => c[0])).toEqual(['validate', 'plan', 'plan', 'deploy'])
    expect(lines.filter((line) => !line.startsWith('kestra-gitops ') && line !== exported)).toEqual(
      ['npm install --global github:kestra-gitops/kestra-gitops-action#<commit-sha>']
    )
    for (const args of commands) {
      if (args[0] === 'deploy') {
        const { exitCode, output } = await runCliOnTerminal(repo.dir, args, env, 'yes')
        expect(exitCode, output).toBe(0)
        expect(output).toContain('Kestra deploy: applied, 2 created')
        continue
      }
      const result = await runCli(repo.dir, args, env)
      expect(result.exitCode, `${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0)
      if (args.includes('--json')) {
        const document = JSON.parse(result.stdout) as {
          format_version: number
          resources: unknown[]
        }
        expect(document.format_version).toBe(1)
        expect(document.resources).toHaveLength(2)
      }
    }
    expect(
      kestra
        .snapshot()
        .flows.map((f) => f.id)
        .sort()
    ).toEqual(['hello', 'report'])
  })
})
