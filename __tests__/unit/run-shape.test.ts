/**
 * commands/ wires the phases (docs/architecture.md): each of its functions reads as a short sequence of
 * phase calls, and it hands no function to gather/ or apply/ that would read or write inside them,
 * except where a reason below says why that function must run there.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../test-support/runner.js'
import {
  functionLengths,
  MAX_MODE_LINES,
  phaseCallbacks,
  type Callback
} from '../../test-support/run-shape.js'

/** The functions commands/ may hand to a phase, by the callee and the field, with why. */
const ALLOWED: { callee: RegExp; field: string; reason: string }[] = [
  {
    callee: /./,
    field: '.log',
    reason:
      "a line for the run's log (the Reporter's info): text leaving the run, no phase's read or write"
  },
  {
    callee: /^deploy$/,
    field: '.onResult',
    reason:
      "each result's log line as it is written (report/'s writeLog): no read or write of a phase"
  },
  {
    callee: /^(runSmoke|guardUnfinished)$/,
    field: '.now',
    reason: 'the clock: nothing read or written'
  },
  {
    callee: /^(runSmoke|guardUnfinished)$/,
    field: '.sleep',
    reason: 'a timer between two polls: nothing read or written'
  },
  {
    callee: /^runSmoke$/,
    field: '.link',
    reason: "pure: an execution's address in the Kestra UI"
  },
  {
    callee: /^deploy$/,
    field: '.readDesiredFile',
    reason:
      'a deploy writes thousands of files: each one is read from the repository right before its write, not all held in memory'
  },
  {
    callee: /^deploy$/,
    field: '.isAncestor',
    reason:
      'made by apply/ (ancestryChecker): whether the deployed commit is older, read right before the first write (docs/guarantees.md)'
  },
  {
    callee: /^deploy$/,
    field: '.beforeWrites',
    reason:
      'the executions guard reads right before the first write (docs/caught-at-review.md#executions-not-finished): a read made earlier could not keep it true'
  },
  {
    callee: /^deploy$/,
    field: '.confirmReused',
    reason:
      'the stored flow checks a deploy reused are confirmed only when it is about to write (docs/performance.md#a-deploy-confirms-before-it-writes): called earlier, a no-change re-deploy would parse every flow for nothing'
  },
  {
    callee: /^guardUnfinished$/,
    field: '.read',
    reason: 'the same guard: its reads, again until none is running (`wait`)'
  }
]

function unexplained(found: Callback[]): Callback[] {
  return found.filter(
    ({ callee, argument }) =>
      !ALLOWED.some(
        (allowed) => allowed.callee.test(callee) && argument.endsWith(` → ${allowed.field}`)
      )
  )
}

const fixtures: string[] = []
afterAll(() => {
  for (const root of fixtures) rmSync(root, { recursive: true, force: true })
})

/** A project of these files (paths under src/), written to a temporary folder. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'run-shape-'))
  fixtures.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

const PHASES = {
  'src/engine/snapshot/read.ts': [
    'export interface Reading { onFlow?: (flow: string) => boolean; paths: string[] }',
    'export function gather(input: Reading): string[] { return input.paths }'
  ].join('\n'),
  'src/engine/apply/write.ts':
    'export function apply(plan: string[], done?: () => void): void { done?.() }'
}

describe('commands/ (docs/architecture.md)', () => {
  it(`has no function longer than ${MAX_MODE_LINES} lines`, () => {
    const lengths = functionLengths(PROJECT_ROOT)
    expect(lengths.length).toBeGreaterThan(30)
    expect(lengths.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['execute', 'check', 'planMode', 'applyMode', 'driftMode'])
    )
    expect(lengths.filter(({ lines }) => lines > MAX_MODE_LINES)).toEqual([])
  })

  it('hands gather/ and apply/ no function, but where a reason is written', () => {
    const found = phaseCallbacks(PROJECT_ROOT)
    expect(unexplained(found)).toEqual([])
    // Every allowance is still needed: a reason nothing uses any more goes.
    const used = ALLOWED.filter((allowed) =>
      found.some((f) => allowed.callee.test(f.callee) && f.argument.endsWith(` → ${allowed.field}`))
    )
    expect(used).toEqual(ALLOWED)
  })

  it('a function over the limit fails, one at it passes', () => {
    const body = (lines: number) =>
      Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i}`)
    const root = project({
      'src/commands/mode.ts': [
        'export function long(): void {',
        ...body(MAX_MODE_LINES + 1),
        '}',
        'export const fits = (): void => {',
        ...body(MAX_MODE_LINES),
        '}'
      ].join('\n')
    })
    expect(functionLengths(root).map(({ name, lines }) => [name, lines])).toEqual([
      ['long', MAX_MODE_LINES + 1],
      ['fits', MAX_MODE_LINES]
    ])
  })

  it('finds a function handed to a phase: as an argument, in a field, or named elsewhere', () => {
    const root = project({
      ...PHASES,
      'src/commands/mode.ts': [
        "import { gather } from '../engine/snapshot/read.js'",
        "import { apply } from '../engine/apply/write.js'",
        'const check = (flow: string) => flow.length > 0',
        'function fields() { return { paths: [], onFlow: check } }',
        'export function mode(): void {',
        "  const paths = gather({ paths: ['a'], onFlow: (flow) => flow !== '' })",
        '  gather(fields())',
        '  apply(paths, () => undefined)',
        '  apply(paths)',
        '  gather({ paths })',
        '}'
      ].join('\n')
    })
    expect(
      phaseCallbacks(root).map(({ line, callee, argument }) => [line, callee, argument])
    ).toEqual([
      [6, 'gather', "{ paths: ['a'], onFlow: (flow) => flow !== '' } → .onFlow"],
      [7, 'gather', 'fields() → .onFlow'],
      [8, 'apply', '() => undefined']
    ])
  })
})
