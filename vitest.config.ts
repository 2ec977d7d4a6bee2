import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/**
 * Tests that spawn a process (the bundled action or CLI, git, the emulator's CLI): the end-to-end
 * project. Everything else is the unit project, the fast loop (`npm run test:unit`).
 */
const endToEnd = [
  '__tests__/e2e/**/*.test.ts',
  '__tests__/cli/cli.test.ts',
  '__tests__/cli/package.test.ts',
  '__tests__/cli/release-script.test.ts',
  '__tests__/emulator/cli.test.ts',
  '__tests__/security/secrets.test.ts',
  '__tests__/security/hostile-input.test.ts',
  '__tests__/reliability/fault-matrix.test.ts',
  '__tests__/reliability/trust.test.ts',
  '__tests__/readme.test.ts'
]

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One worker per core: most tests wait on a spawned action or the emulator, not on the CPU.
    maxWorkers: availableParallelism(),
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['__tests__/**/*.test.ts'], exclude: endToEnd }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: endToEnd,
          globalSetup: ['test-support/bundle-setup.ts']
        }
      }
    ]
  }
})
