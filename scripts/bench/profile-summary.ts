/**
 * Sums V8 CPU profiles (.cpuprofile, as `npm run bench -- --cpu-prof DIR` writes them) by function:
 * self time (the function itself) and total time (it or anything it called, counted once per sample
 * even when it recurses). With two folders, compares them function by function (key: name and
 * source file, not line, so that two builds line up).
 * Its flags: USAGE below (`--help`).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { existsSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SourceMapConsumer } from 'source-map-js'
import { scriptFlags } from '../flags.js'

const USAGE = `npx tsx scripts/bench/profile-summary.ts [flags] DIR [DIR2]
  --top N        rows shown (default 40)
  --by WHAT      function, name, file or package (default function)
  --callers RE   time under the outermost frame matching RE, by the nearest frame of src/ above it
  --under RE     self times of the samples only whose stack holds a frame matching RE
  --timeline MS  instead: each DIR's first profile in windows of MS ms, what share was busy and the frames
                 of src/ nearest the running code that took most of it (where a run's time went, in order)`

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

interface Sums {
  /** key → milliseconds */
  self: Map<string, number>
  total: Map<string, number>
  /** --callers RE: time under the outermost frame matching RE, by the nearest frame of src/ above it */
  callers: Map<string, number>
  sampledMs: number
  profiles: number
}

const { values: flags, positionals } = scriptFlags(
  'profile-summary',
  USAGE,
  {
    top: { type: 'string', default: '40' },
    by: { type: 'string', default: 'function' },
    callers: { type: 'string' },
    under: { type: 'string' },
    timeline: { type: 'string' }
  },
  { positionals: true }
)
const TOP = Number(flags.top)
/** --under RE: self times of the samples only whose stack holds a frame matching RE. */
const under = flags.under === undefined ? undefined : new RegExp(flags.under)
const callers = flags.callers === undefined ? undefined : new RegExp(flags.callers)

/** A bundle file's source map, where one lies beside it (the minified vendor chunk needs it). */
const maps = new Map<string, SourceMapConsumer | undefined>()
function mapOf(url: string): SourceMapConsumer | undefined {
  if (!maps.has(url)) {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url
    maps.set(
      url,
      existsSync(`${path}.map`)
        ? new SourceMapConsumer(JSON.parse(readFileSync(`${path}.map`, 'utf8')))
        : undefined
    )
  }
  return maps.get(url)
}

/** The original source's package or file, e.g. `zod/v4/core/schemas.js` or `src/engine/plan/plan.ts`. */
function shortSource(source: string): string {
  const modules = source.lastIndexOf('node_modules/')
  if (modules >= 0) return source.slice(modules + 'node_modules/'.length)
  const src = source.lastIndexOf('src/')
  return src >= 0 ? source.slice(src) : basename(source)
}

/** A library's package (`zod`, `@actions/core`), our code's folder (`src/engine/plan`), else the file. */
function packageOf(file: string): string {
  const parts = file.split('/')
  if (parts[0] === 'src') return parts.slice(0, Math.min(3, parts.length - 1)).join('/')
  if (parts.length > 1) return parts[0]!.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
  return file
}

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame
  let name = functionName || '(anonymous)'
  let file = url ? basename(url) : ''
  const map = url ? mapOf(url) : undefined
  if (map) {
    const original = map.originalPositionFor({ line: lineNumber + 1, column: columnNumber })
    if (original.source) {
      file = shortSource(original.source)
      if (original.name) name = original.name
      else if (/^[A-Za-z_$]{1,2}$/.test(name)) name = `${name}@${original.line}`
    }
  }
  if (flags.by === 'file') return file || `(${name})`
  if (flags.by === 'package') return packageOf(file) || `(${name})`
  // By name alone, our own code lines up across a move of files; libraries keep their package.
  if (flags.by === 'name') return file.startsWith('src/') ? name : `${name} ${packageOf(file)}`
  return `${name} ${file}`
}

function profilesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(dir, name))
}

function sum(dir: string): Sums {
  const sums: Sums = {
    self: new Map(),
    total: new Map(),
    callers: new Map(),
    sampledMs: 0,
    profiles: 0
  }
  for (const file of profilesIn(dir)) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
    sums.profiles++
    const byId = new Map(profile.nodes.map((node) => [node.id, node]))
    const parent = new Map<number, number>()
    for (const node of profile.nodes)
      for (const child of node.children ?? []) parent.set(child, node.id)
    // Each node's stack of keys, computed once.
    const stacks = new Map<number, string[]>()
    const stackOf = (id: number): string[] => {
      const known = stacks.get(id)
      if (known) return known
      const up = parent.get(id)
      const keys = [...new Set([...(up === undefined ? [] : stackOf(up)), keyOf(byId.get(id)!)])]
      stacks.set(id, keys)
      return keys
    }
    const fullStackOf = (id: number): string[] => {
      const keys: string[] = []
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        keys.unshift(keyOf(byId.get(at)!))
      }
      return keys
    }
    profile.samples.forEach((id, i) => {
      if (under && !stackOf(id).some((k) => under.test(k))) return
      const ms = (profile.timeDeltas[i] ?? 0) / 1000
      const key = keyOf(byId.get(id)!)
      sums.sampledMs += ms
      sums.self.set(key, (sums.self.get(key) ?? 0) + ms)
      for (const k of stackOf(id)) sums.total.set(k, (sums.total.get(k) ?? 0) + ms)
      if (callers) {
        const stack = fullStackOf(id)
        const at = stack.findIndex((k) => callers.test(k))
        if (at >= 0) {
          const caller =
            stack.slice(0, at).findLast((k) => / src\//.test(k) && !callers.test(k)) ?? '(none)'
          sums.callers.set(caller, (sums.callers.get(caller) ?? 0) + ms)
        }
      }
    })
  }
  return sums
}

const ms = (value: number | undefined) => ((value ?? 0) / 1000).toFixed(2).padStart(7)
const per = (sums: Sums) => (value: number | undefined) => (value ?? 0) / sums.profiles

function top(map: Map<string, number>, by: (key: string) => number): string[] {
  return [...map.keys()].sort((a, b) => by(b) - by(a)).slice(0, TOP)
}

/**
 * `--timeline MS`: a profile in windows of MS ms, each with its busy share and the three frames of our code nearest
 * the running code that took most of its busy time.
 */
function timeline(dir: string, windowMs: number): void {
  const file = profilesIn(dir)[0]
  if (!file) throw new Error(`no .cpuprofile under ${dir}`)
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id)
  const ours = new Map<number, string>()
  const oursOf = (id: number): string => {
    const known = ours.get(id)
    if (known !== undefined) return known
    const key = keyOf(byId.get(id)!)
    const up = parent.get(id)
    const found = / src\//.test(key) ? key : up === undefined ? '(not our code)' : oursOf(up)
    ours.set(id, found)
    return found
  }
  console.log(`${file}: windows of ${windowMs} ms`)
  let at = 0
  let window = 0
  let busy = 0
  let byFrame = new Map<string, number>()
  const flush = () => {
    const tops = [...byFrame]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 3)
      .map(([key, us]) => `${key} ${(us / 1000).toFixed(0)} ms`)
    const start = ((window * windowMs) / 1000).toFixed(2).padStart(7)
    console.log(
      `${start} s  busy ${((busy / 10 / windowMs) | 0).toString().padStart(3)} %  ${tops.join(' · ')}`
    )
    byFrame = new Map()
    busy = 0
  }
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0
    at += us
    while (at >= (window + 1) * windowMs * 1000) {
      flush()
      window++
    }
    if (byId.get(id)!.callFrame.functionName === '(idle)') return
    busy += us
    const frame = oursOf(id)
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + us)
  })
  flush()
}

if (flags.timeline !== undefined) {
  for (const dir of positionals) timeline(dir, Number(flags.timeline))
  process.exit(0)
}

const [first, second] = positionals.map(sum) as [Sums, Sums | undefined]
if (!first)
  throw new Error(
    'usage: profile-summary.ts [--top N] [--by function|name|file|package] DIR [DIR2]'
  )
const idle = (sums: Sums) => sums.self.get('(idle) ') ?? 0
for (const [i, sums] of [first, second].entries()) {
  if (!sums) continue
  console.log(
    `${positionals[i]}: ${sums.profiles} profile(s), per profile ${ms(sums.sampledMs / sums.profiles)} s sampled, ` +
      `${ms((sums.sampledMs - idle(sums)) / sums.profiles)} s busy`
  )
}
if (!second) {
  const p = per(first)
  for (const kind of callers ? (['callers'] as const) : (['self', 'total'] as const)) {
    console.log(`\n${kind} s (per profile)`)
    for (const key of top(first[kind], (k) => first[kind].get(k)!)) {
      console.log(`${ms(p(first[kind].get(key)))}  ${key}`)
    }
  }
} else {
  const [p1, p2] = [per(first), per(second)]
  for (const kind of callers ? (['callers'] as const) : (['self', 'total'] as const)) {
    const keys = new Set([...first[kind].keys(), ...second[kind].keys()])
    const delta = (k: string) => p2(second[kind].get(k)) - p1(first[kind].get(k))
    const merged = new Map([...keys].map((k) => [k, delta(k)]))
    console.log(`\n${kind} s (per profile): before  after  Δ  — by |Δ|`)
    for (const key of top(merged, (k) => Math.abs(merged.get(k)!))) {
      console.log(
        `${ms(p1(first[kind].get(key)))} ${ms(p2(second[kind].get(key)))} ${ms(merged.get(key))}  ${key}`
      )
    }
  }
}
