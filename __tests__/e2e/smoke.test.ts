import { describe, expect, it } from 'vitest'
import { createGitRepo } from '../../test-support/git-repo.js'
import { runAction } from '../../test-support/runner.js'

describe('runner harness', () => {
  it('rejects an unknown mode naming the input and accepted values', async () => {
    const repo = createGitRepo({ 'README.md': 'x' })
    const result = await runAction({
      workspace: repo.dir,
      eventName: 'push',
      inputs: { mode: 'yolo' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(
      "::error::Input 'mode': 'yolo' is not accepted; use one of: auto, validate, plan, deploy"
    )
  })
})
