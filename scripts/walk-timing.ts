/**
 * `npx tsx scripts/walk-timing.ts [--load PATH] [--layout L ...]`: times loadRepository on a generated
 * 20,000-file repository (2,000 flows and 8,000 namespace files in 20 namespace folders, 8,000 files in
 * node_modules, 2,000 in a .venv), median of 5 runs per layout. `--load` points at another copy of
 * src/layout/load.ts (e.g. an older commit's) to compare the same tree.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { scratchTmpdirUntilExit } from '../test-support/scratch.js'
import { scriptFlags } from './flags.js'

const USAGE = `npx tsx scripts/walk-timing.ts [--load PATH] [--layout L ...] [--runs N]
  --load PATH   the copy of src/layout/load.ts to time (default: this one), e.g. an older commit's
  --layout L    a layout to time, repeatable (default: tenant and anywhere)
  --runs N      runs per layout; the median is printed (default 5)`

const { values } = scriptFlags('walk-timing', USAGE, {
  load: { type: 'string', default: 'src/layout/load.ts' },
  layout: { type: 'string', multiple: true, default: ['tenant', 'anywhere'] },
  runs: { type: 'string', default: '5' }
})

scratchTmpdirUntilExit('kga-walk-')
const dir = mkdtempSync(join(tmpdir(), 'repo-'))
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(dir, rel)), { recursive: true })
  writeFileSync(join(dir, rel), text)
}
for (let n = 0; n < 20; n++) {
  const ns = `company.team${n}`
  for (let f = 0; f < 100; f++) {
    write(
      `${ns}/flows/flow${f}.yml`,
      `id: flow${f}\nnamespace: ${ns}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hello ${f}\n`
    )
  }
  for (let f = 0; f < 400; f++) write(`${ns}/files/dir${f % 10}/script${f}.py`, `print(${f})\n`)
}
for (let p = 0; p < 400; p++) {
  for (let f = 0; f < 20; f++) {
    const name = f === 0 ? 'package.json' : f === 1 ? 'config.yml' : `lib/file${f}.js`
    write(`node_modules/pkg${p}/${name}`, `// ${p} ${f}\n`)
  }
}
write('.venv/pyvenv.cfg', 'home = /usr/bin\n')
for (let f = 0; f < 1999; f++)
  write(`.venv/lib/python3.12/site-packages/p${f % 50}/m${f}.py`, '#\n')
write('.gitignore', 'node_modules/\n.venv/\n')
execFileSync('git', ['init', '-q'], { cwd: dir })

const { loadRepository } = (await import(pathToFileURL(resolve(values.load)).href)) as {
  loadRepository: (tree: unknown, settings: unknown, hooks: { walk: unknown }) => Promise<Loaded>
}
/** A model as a checkout's walk returns it: by kind (`byKind`), or, before that, with flows and files fields. */
interface Loaded {
  byKind?: ReadonlyMap<string, unknown[]>
  flows?: unknown[]
  files?: unknown[]
}
const placed = (model: Loaded, kind: 'flow' | 'file') =>
  (model.byKind ? model.byKind.get(kind) : kind === 'flow' ? model.flows : model.files) ?? []
// The kinds' parts of the walk, from the same checkout (a checkout before them ignores the argument): its src/ is
// the folder above the loader's own, and the work tree sits beside the loader in older ones.
const loader = resolve(values.load)
const src = loader.slice(0, loader.lastIndexOf('/src/') + '/src'.length)
const { WALK } = (await import(pathToFileURL(join(src, 'resources/registry.ts')).href)) as {
  WALK: unknown
}
const workTree = [join(src, 'adapters/git/work-tree.ts'), join(dirname(loader), 'work-tree.ts')]
const { WorkTree } = (await import(
  pathToFileURL(workTree.find((path) => existsSync(path))!).href
)) as {
  WorkTree: new (workspace: string, root: string) => unknown
}
const { parseSettings } = await import(pathToFileURL(join(src, 'config/settings.ts')).href)
const runs = Number(values.runs)
const times = new Map<string, number[]>(values.layout.map((layout) => [layout, []]))
let found = ''
for (let run = 0; run < runs; run++) {
  for (const layout of values.layout) {
    const settings = parseSettings((name: string) => (name === 'layout' ? layout : ''))
    const start = performance.now()
    const model = await loadRepository(new WorkTree(dir, settings.root), settings, { walk: WALK })
    times.get(layout)!.push(performance.now() - start)
    found +=
      run === 0
        ? `${layout}: ${placed(model, 'flow').length} flows, ${placed(model, 'file').length} files\n`
        : ''
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(found.trim())
for (const [layout, xs] of times) {
  const sorted = [...xs].sort((a, b) => a - b)
  console.log(
    `${layout}: median ${median(xs).toFixed(0)} ms (min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}) over ${xs.length} runs`
  )
}
