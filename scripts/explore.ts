/**
 * `npm run explore -- --minutes N`: plays the model of the whole system (__tests__/e2e/model/) with random seeds
 * for N minutes (default 10). Each history that breaks an invariant is shrunk by fast-check and its counterexample
 * (the seed, the replay path, the history and the invariant it broke) is written to a file under the folder it
 * prints; exploring then goes on with a new seed until the time is up. A counterexample is kept as a named test in
 * __tests__/e2e/model/regressions.test.ts once its fix lands.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { scriptFlags } from './flags.js'

const USAGE = `npm run explore -- [--minutes N]
  --minutes N   how long to play new histories of the model (default 10); each counterexample goes to a file`

const { values } = scriptFlags('explore', USAGE, { minutes: { type: 'string', default: '10' } })
const minutes = Number(values.minutes)
if (!Number.isFinite(minutes) || minutes <= 0) {
  process.stderr.write(
    `explore: --minutes ${values.minutes}: expected a positive number of minutes\n`
  )
  process.exit(2)
}
const until = Date.now() + minutes * 60_000
const out = mkdtempSync(join(tmpdir(), 'kestra-gitops-explore-'))
console.log(`Exploring for ${minutes} minute(s); counterexamples go to ${out}`)
let found = 0
let rounds = 0
while (Date.now() < until - 30_000) {
  rounds++
  const seed = Math.floor(Math.random() * 2 ** 31)
  const left = Math.max(1, Math.floor((until - Date.now()) / 60_000))
  const started = Date.now()
  const run = spawnSync(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--project',
      'e2e',
      '__tests__/e2e/model/model.test.ts'
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      // The model runs the action from src/ in the test's process: no bundle to build first.
      env: {
        ...process.env,
        KGA_MODEL_SEED: String(seed),
        KGA_MODEL_MINUTES: String(left),
        KGA_DIST_DIR: join(process.cwd(), 'dist')
      }
    }
  )
  const text = `${run.stdout}\n${run.stderr}`
  const seconds = Math.round((Date.now() - started) / 1000)
  if (run.status === 0) {
    console.log(`seed ${seed}: no invariant broken (${seconds} s)`)
    continue
  }
  found++
  const file = join(out, `counterexample-${found}-seed-${seed}.txt`)
  writeFileSync(file, text)
  const broken = /invariant "([^"]+)" broken/.exec(text)?.[1] ?? 'the run failed (see the file)'
  console.log(`seed ${seed}: ${broken} (${seconds} s) -> ${file}`)
}
console.log(`${rounds} round(s), ${found} counterexample(s) in ${out}`)
process.exit(found > 0 ? 1 : 0)
