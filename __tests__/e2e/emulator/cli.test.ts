import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../../test-support/runner.js'
import { flowSource, json } from '../../emulator/http.js'

describe('standalone emulator CLI', () => {
  it('prints its URL and serves the seed file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-cli-'))
    const seedFile = join(dir, 'seed.json')
    writeFileSync(
      seedFile,
      JSON.stringify({ flows: [{ namespace: 'team', id: 'a', source: flowSource('team', 'a') }] })
    )
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test-support/kestra-emulator/cli.ts',
        '--port',
        '0',
        '--version',
        '0.20.7',
        '--seed',
        seedFile
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
    )
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve)
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)))
      })
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(await json(await fetch(`${url}/api/v1/configs`))).toMatchObject({ version: '0.20.7' })
      const flows = await json<{ id: string }[]>(await fetch(`${url}/api/v1/flows/team`))
      expect(flows.map((f) => f.id)).toEqual(['a'])
    } finally {
      child.kill('SIGTERM')
    }
  })
})
