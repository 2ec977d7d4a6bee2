/**
 * The README's `npm run demo`, the bench and the loading's timing run end to end, and each leaves nothing in the
 * temporary folder: what they make goes in a folder of their own, removed when they end
 * (docs/architecture.md#tests).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../test-support/runner.js'

/** Runs a script with a temporary folder of its own, and lists what it leaves in that folder. */
function runScript(script: string, args: string[] = []) {
  const temp = mkdtempSync(join(tmpdir(), 'script-temp-'))
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TMPDIR: temp, TMP: temp, TEMP: temp }
  })
  // tsx keeps its compile cache there: one folder, made before the script runs and reused by every later run.
  return { ...result, temp, left: readdirSync(temp).filter((name) => !/^tsx-\d+$/.test(name)) }
}

describe('the scripts', () => {
  it('npm run demo plans the pull request, deploys the merge, and leaves no folder behind', () => {
    const result = runScript('scripts/demo.ts')
    expect(result.status, result.stderr).toBe(0)
    // Each step told in a line or two, the comment rendered as a reviewer sees it, not as Markdown.
    expect(result.stdout).toMatch(/^2\. Pull request #7 brings examples/m)
    expect(result.stdout).toMatch(
      /^ {3}exit code 0; 1 created, 4 updated, 3 unchanged, 1 orphaned, 1 drifted/m
    )
    expect(result.stdout).toMatch(/^▸ 🟡 update flow company\.team\.cleanup · \+1 −1 · rev 1 → 2/m)
    expect(result.stdout).not.toContain('<details>')
    expect(result.stdout).toMatch(/^3\. The pull request is merged/m)
    expect(result.stdout).toContain('### Kestra deploy: ✅ applied')
    const page = join(PROJECT_ROOT, '.demo', 'comment.html')
    expect(result.stdout).toContain(page)
    const html = readFileSync(page, 'utf8')
    expect(html).toContain('<h3>Kestra plan: 1 to create, 4 to update')
    expect(html).toMatch(/<details><summary>🟡 update flow <b>company\.team\.cleanup<\/b>/)
    expect(result.stdout.split('\n').length).toBeLessThan(150)
    expect(result.left).toEqual([])
  })

  it('a small bench sitting, its per-resource baseline included, leaves only its record in the temporary folder', () => {
    // The record's default place is the temporary folder itself: it stays, and nothing else does. The baseline
    // refuses to measure a plan other than the action's (its fingerprint), as `npm run bench` runs it.
    const result = runScript('scripts/bench.ts', [
      ...['--flows', '20', '--files', '20', '--namespaces', '2', '--changed', '2', '--runs', '1'],
      ...['--scale', 'none', '--changed-sweep', 'none', '--no-first-deploy'],
      ...['--node', 'local', '--input', 'upgrade-check=off']
    ])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('Every run also takes `upgrade-check: off` (--input).')
    expect(result.stdout).toMatch(
      /\| Per-resource baseline \(same plan, one request per flow and file/
    )
    expect(result.left).toEqual(['kestra-gitops-bench'])
    const record = join(result.temp, 'kestra-gitops-bench', 'results.json')
    expect(JSON.parse(readFileSync(record, 'utf8'))).toBeTypeOf('object')
  })

  it('the bench refuses an --input it sets itself, a token, one that is not NAME=VALUE or not in action.yml, or one with --kestra, before it runs anything', () => {
    for (const [args, said] of [
      [['--input', 'password=x'], 'bench: --input password: the bench sets it'],
      [['--input', 'github-token=x'], 'bench: --input github-token: a token'],
      [['--input', 'upgrade-check'], 'bench: --input "upgrade-check": expected NAME=VALUE'],
      [['--input', 'upgrade-chek=off'], 'bench: --input upgrade-chek: not an input of action.yml'],
      [
        ['--input', 'upgrade-check=off', '--kestra', 'engine:1.3.31'],
        "bench: --input: for the emulator's scenarios, not --kestra"
      ]
    ] as const) {
      const result = runScript('scripts/bench.ts', [...args])
      expect(result.status).toBe(2)
      expect(result.stderr).toContain(said)
      expect(result.left).toEqual([])
    }
  })

  it.each([
    ['scripts/demo.ts', 'npm run demo -- [--verbose] [--screenshot[=PNG]]'],
    ['scripts/explore.ts', 'npm run explore -- [--minutes N]'],
    ['scripts/bench.ts', 'npm run bench -- [flags]'],
    ['scripts/walk-timing.ts', 'npx tsx scripts/walk-timing.ts'],
    ['scripts/bench/profile-summary.ts', 'npx tsx scripts/bench/profile-summary.ts [flags] DIR']
  ])(
    '%s: --help prints its usage; a flag it does not know stops it with exit 2 before it runs anything',
    (script, usage) => {
      const help = runScript(script, ['--help'])
      expect(help.status, help.stderr).toBe(0)
      expect(help.stdout.slice(0, usage.length)).toBe(usage)
      expect(help.left).toEqual([])
      // A value where a flag was expected (`--screenshot x.png` took the default picture, and wrote over it).
      for (const args of [['--bogus'], ['--verbose', 'x.png']]) {
        const wrong = runScript(script, args)
        expect(wrong.status, `${script} ${args.join(' ')}`).toBe(2)
        expect(wrong.stderr).toContain('--help lists the flags')
        expect(wrong.stdout).toBe('')
        expect(wrong.left).toEqual([])
      }
    }
  )

  it('npm run explore refuses a --minutes that is not a positive number before it explores', () => {
    for (const minutes of ['0', 'ten']) {
      const result = runScript('scripts/explore.ts', ['--minutes', minutes])
      expect(result.status).toBe(2)
      expect(result.stderr).toContain(
        `explore: --minutes ${minutes}: expected a positive number of minutes`
      )
      expect(result.stdout).toBe('')
      expect(result.left).toEqual([])
    }
  })

  it('scripts/walk-timing.ts times the loading of its generated repository and leaves no folder behind', () => {
    const result = runScript('scripts/walk-timing.ts', ['--runs', '1', '--layout', 'tenant'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout).toContain('tenant: 2000 flows, 8000 files')
    expect(result.stdout).toMatch(/tenant: median \d+ ms/)
    expect(result.left).toEqual([])
  })
})
