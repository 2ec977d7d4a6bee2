import { readdirSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/**
 * The split is a rule by folder. `__tests__/e2e/` is the end-to-end project: its tests spawn processes (the
 * fresh bundle of the action or CLI, git, npm, scripts). Every other test is the unit project, the fast loop
 * (`npm run test:unit`): its setup makes starting a process throw (test-support/spawn-guard.ts).
 */
const END_TO_END = '__tests__/e2e/**'
/**
 * The engine project: end-to-end tests against Kestra's own engine of each released line, started once for the
 * run by its setup (test-support/engine-setup.ts), skipped without Java 21+ and Maven.
 */
const ENGINE = '__tests__/e2e/engine/**'
/**
 * The properties project: the unit test files whose properties try a share of their inputs in the unit loop
 * (`runs(full, unit)` of test-support/property-runs.ts) run again with every run, as part of `npm test`.
 */
const ROOT = fileURLToPath(new URL('.', import.meta.url))
const FULL_PROPERTIES = readdirSync(join(ROOT, '__tests__'), { recursive: true, encoding: 'utf8' })
  .map((path) => `__tests__/${path.split(sep).join('/')}`)
  .filter((path) => path.endsWith('.test.ts') && !path.startsWith('__tests__/e2e/'))
  .filter((path) =>
    readFileSync(join(ROOT, path), 'utf8').includes('test-support/property-runs.js')
  )
/**
 * The house project: the checks that read the source tree itself, as the import rule of `npm run lint` does
 * (dependency-cruiser, TypeScript's checker over run/, the docs/ citations of every file, the module generated
 * from action.yml, the validators generated from the flow schemas). `npm run lint` runs them, as does `npm test`;
 * the unit loop is behaviour.
 */
const HOUSE = [
  '__tests__/unit/action-yml.test.ts',
  '__tests__/unit/architecture.test.ts',
  '__tests__/unit/flow-validators.test.ts',
  '__tests__/unit/run-shape.test.ts',
  '__tests__/docs/citations.test.ts'
]
/**
 * The core project: end-to-end files that ask the released Kestra core of each line what it accepts. Its setup
 * (test-support/core-setup.ts) starts each core once for the run; skipped without Java 21+ and Maven.
 */
const CORE = [
  '__tests__/e2e/core-judged-validator.test.ts',
  '__tests__/e2e/flow-link-shapes.test.ts',
  '__tests__/e2e/kestra-core.test.ts',
  '__tests__/e2e/upgrade-core.test.ts',
  '__tests__/e2e/upgrade-judge.test.ts',
  '__tests__/e2e/upgrade.test.ts'
]

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One worker per core: most tests wait on a spawned action or the emulator, not on the CPU.
    maxWorkers: availableParallelism(),
    reporters: ['default'],
    // The generated validators (8 MB of plain modules that import nothing, each project's setup loads them all)
    // are imported by Node itself, not transformed by Vite and evaluated by its module runner.
    server: { deps: { external: [/\/generated\/flow-validators\//] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['__tests__/**/*.test.ts'],
          exclude: [END_TO_END, ...HOUSE],
          globalSetup: ['test-support/scratch-setup.ts'],
          setupFiles: ['test-support/unit-setup.ts', 'test-support/flow-validators-setup.ts'],
          // A worker evaluates src/ once for all its files, not once per file (two thirds of the project's
          // CPU time). Safe because no module keeps state between tests; the setup runs again for each file.
          isolate: false,
          // A package's module is read as Node reads it, not through vitest's Proxy that lends a CommonJS module's
          // default export its named ones: every call into `yaml` went through that Proxy's `get` (five files that
          // parse many flows took about 7 % less CPU time without it).
          deps: { interopDefault: false },
          // Each module is transformed once and kept in node_modules/.experimental-vitest-cache, keyed by its
          // text: a second run transforms only what changed (a sixth of the main process's CPU time).
          experimental: { fsModuleCache: true }
        }
      },
      {
        extends: true,
        test: {
          name: 'house',
          include: HOUSE,
          globalSetup: ['test-support/scratch-setup.ts'],
          setupFiles: ['test-support/unit-setup.ts', 'test-support/flow-validators-setup.ts'],
          isolate: false
        }
      },
      {
        extends: true,
        test: {
          name: 'properties',
          include: FULL_PROPERTIES,
          globalSetup: ['test-support/scratch-setup.ts'],
          setupFiles: ['test-support/unit-setup.ts', 'test-support/flow-validators-setup.ts'],
          env: { KGA_FULL_RUNS: '1' },
          isolate: false,
          deps: { interopDefault: false },
          // Every run of a heavy property, beside the end-to-end project on the same 2 cores.
          testTimeout: 240_000
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: [`${END_TO_END}/*.test.ts`],
          exclude: [ENGINE, ...CORE],
          globalSetup: ['test-support/scratch-setup.ts', 'test-support/bundle-setup.ts'],
          setupFiles: ['test-support/flow-validators-setup.ts']
        }
      },
      {
        extends: true,
        test: {
          name: 'core',
          include: CORE,
          globalSetup: [
            'test-support/scratch-setup.ts',
            'test-support/bundle-setup.ts',
            'test-support/core-setup.ts'
          ],
          setupFiles: ['test-support/flow-validators-setup.ts'],
          hookTimeout: 300_000
        }
      },
      {
        extends: true,
        test: {
          name: 'engine',
          include: [`${ENGINE}/*.test.ts`],
          globalSetup: [
            'test-support/scratch-setup.ts',
            'test-support/bundle-setup.ts',
            'test-support/engine-setup.ts'
          ],
          setupFiles: ['test-support/flow-validators-setup.ts'],
          // Kestra's engine runs executions and writes to H2 on the same 2 cores as the action.
          testTimeout: 240_000,
          hookTimeout: 240_000
        }
      }
    ]
  }
})
