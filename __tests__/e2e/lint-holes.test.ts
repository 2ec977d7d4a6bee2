/**
 * The import rule has no hole (docs/architecture.md): each deliberate breach below, added as a temporary file
 * to a copy of src/, makes the import step of `npm run lint` fail, naming the rule it breaks. The clean tree
 * passing is `__tests__/unit/architecture.test.ts`.
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { writeFiles, type FileSpec } from '../../test-support/file-tree.js'
import { PROJECT_ROOT } from '../../test-support/runner.js'

const run = promisify(execFile)

/** The dependency-cruiser half of `npm run lint`, as package.json spells it. */
function importRuleCommand(): string[] {
  const scripts = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts as {
    lint: string
  }
  const step = scripts.lint
    .split('&&')
    .map((s) => s.trim())
    .find((s) => s.startsWith('depcruise '))
  if (step === undefined) throw new Error('package.json: the lint script runs no depcruise step')
  return step.split(/\s+/).slice(1)
}

const copies: string[] = []
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

/** A copy of the project's sources and lint configuration, plus `extra` files. */
async function copyWith(extra: Record<string, FileSpec>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kga-lint-hole-'))
  copies.push(dir)
  for (const name of [
    'src',
    'generated',
    '.dependency-cruiser.cjs',
    'eslint.config.mjs',
    'tsconfig.json',
    'package.json'
  ]) {
    cpSync(join(PROJECT_ROOT, name), join(dir, name), { recursive: true })
  }
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'))
  writeFiles(dir, extra)
  return dir
}

/** Runs the lint's import step over src/ plus `extra` files; returns its exit code and output. */
async function lintWith(
  extra: Record<string, FileSpec>
): Promise<{ code: number; output: string }> {
  const dir = await copyWith(extra)
  const bin = join(PROJECT_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...importRuleCommand()], {
      cwd: dir
    })
    return { code: 0, output: stdout + stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, output: failed.stdout + failed.stderr }
  }
}

/** eslint over `path` holding `lines`, in a copy of the project; its failure, or undefined when it passed. */
async function eslintFails(
  path: string,
  lines: string[]
): Promise<{ code: number; stdout: string } | undefined> {
  const dir = await copyWith({ [path]: [...lines, ''].join('\n') })
  const bin = join(PROJECT_ROOT, 'node_modules/eslint/bin/eslint.js')
  return run(process.execPath, [bin, path], { cwd: dir }).then(
    () => undefined,
    (error: { code: number; stdout: string }) => error
  )
}

const HOLES: { name: string; files: Record<string, FileSpec>; rule: RegExp }[] = [
  {
    name: 'a back-edge (decide imports apply)',
    files: {
      'src/engine/plan/zz-hole.ts':
        "import { deploy } from '../apply/deploy.js'\nexport const zz = deploy\n"
    },
    rule: /error not-in-allowed: src\/engine\/plan\/zz-hole\.ts → src\/engine\/apply\/deploy\.ts/
  },
  {
    name: 'a cycle',
    files: {
      'src/model/zz-a.ts': "import { b } from './zz-b.js'\nexport const a = (): unknown => b\n",
      'src/model/zz-b.ts': "import { a } from './zz-a.js'\nexport const b = (): unknown => a\n"
    },
    rule: /error no-circular: src\/model\/zz-(a|b)\.ts/
  },
  {
    name: 'node:fs/promises in decide',
    files: {
      'src/engine/plan/zz-hole.ts':
        "import { readFile } from 'node:fs/promises'\nexport const zz = readFile\n"
    },
    rule: /error pure-no-io-builtins: src\/engine\/plan\/zz-hole\.ts → fs\/promises/
  },
  {
    name: 'I/O in model/, reachable from decide',
    files: {
      'src/model/zz-io.ts':
        "import { readFileSync } from 'fs'\nexport const zzRead = readFileSync\n",
      'src/engine/plan/zz-hole.ts':
        "import { zzRead } from '../../model/zz-io.js'\nexport const zz = zzRead\n"
    },
    rule: /error pure-no-io-reachable: src\/engine\/plan\/zz-hole\.ts → fs/
  },
  {
    name: 'createRequire (node:module) in decide',
    files: {
      'src/engine/plan/zz-hole.ts':
        "import { createRequire } from 'node:module'\nexport const zz = createRequire(import.meta.url)\n"
    },
    rule: /error pure-no-io-builtins: src\/engine\/plan\/zz-hole\.ts → module/
  },
  {
    name: 'an HTTP client in a kind’s decide part',
    files: {
      'src/resources/flows/decide-zz.ts':
        "import { request } from 'undici'\nexport const zz = request\n"
    },
    rule: /error pure-no-io-packages: src\/resources\/flows\/decide-zz\.ts → \S*node_modules\/undici/
  },
  {
    name: 'a kind imported by decide/',
    files: {
      'src/engine/plan/zz-hole.ts':
        "import { flowsDecide } from '../../resources/flows/decide.js'\nexport const zz = flowsDecide\n"
    },
    rule: /error phases-name-no-kind: src\/engine\/plan\/zz-hole\.ts → src\/resources\/flows\/decide\.ts/
  },
  {
    name: "a kind's part importing another kind's",
    files: {
      'src/resources/namespace-files/decide-zz.ts':
        "import { flowsDecide } from '../flows/decide.js'\nexport const zz = flowsDecide\n"
    },
    rule: /error kind-not-another-kind: src\/resources\/namespace-files\/decide-zz\.ts → src\/resources\/flows\/decide\.ts/
  },
  {
    name: 'a file written by run/ itself',
    files: {
      'src/commands/zz-hole.ts':
        "import { writeFileSync } from 'node:fs'\nexport const zz = writeFileSync\n"
    },
    rule: /error commands-wire-only: src\/commands\/zz-hole\.ts → fs/
  },
  {
    name: 'a process started outside the git adapter',
    files: {
      'src/engine/snapshot/zz-hole.ts':
        "import { spawn } from 'node:child_process'\nexport const zz = spawn\n"
    },
    rule: /error processes-only-in-git-adapter: src\/engine\/snapshot\/zz-hole\.ts → child_process/
  },
  {
    name: 'generated code that imports ours',
    files: {
      'generated/zz-hole.js':
        "import { parseVersion } from '../src/model/version.js'\nexport const zz = parseVersion\n"
    },
    rule: /error not-in-allowed: generated\/zz-hole\.js → src\/model\/version\.ts/
  },
  {
    name: 'the validators of a release imported by commands/, around the kind',
    files: {
      'src/commands/zz-hole.ts':
        "import { FLOW_VALIDATORS } from '../../generated/flow-validators/index.js'\nexport const zz = FLOW_VALIDATORS\n"
    },
    rule: /error not-in-allowed: src\/commands\/zz-hole\.ts → generated\/flow-validators\/index\.js/
  },
  {
    name: 'an entry that starts a run by execute() itself',
    files: {
      'src/cli/zz-hole.ts':
        "import { execute } from '../commands/execute.js'\nexport const zz = execute\n"
    },
    rule: /error one-entry: src\/cli\/zz-hole\.ts → src\/commands\/execute\.ts/
  }
]

describe('npm run lint fails on each hole of the import rule', () => {
  it.each(HOLES)('$name', async ({ files, rule }) => {
    const { code, output } = await lintWith(files)
    expect(output).toMatch(rule)
    expect(code).not.toBe(0)
  })

  it('what imports cannot show: a global that reads (process, fetch) or a computed import in decide', async () => {
    const failed = await eslintFails('src/engine/plan/zz-hole.ts', [
      'export const env = (): unknown => process.env.HOME',
      "export const get = (): unknown => fetch('http://127.0.0.1:1')",
      'export const load = (name: string): unknown => import(name)'
    ])
    expect(failed?.code).toBe(1)
    for (const what of ["'process'", "'fetch'", 'no dynamic import'])
      expect(failed?.stdout).toContain(what)
  })

  it('code in a string, anywhere in src/: new Function, eval, a timer given a string', async () => {
    const failed = await eslintFails('src/commands/zz-hole.ts', [
      "export const made = new Function('data', 'return data')",
      "export const run = (): unknown => eval('1 + 1')",
      "export const later = (): unknown => setTimeout('run()', 1)"
    ])
    expect(failed?.code).toBe(1)
    for (const rule of ['no-new-func', 'no-eval', 'no-implied-eval'])
      expect(failed?.stdout).toContain(rule)
  })

  it('a file over 500 lines, anywhere in src/', async () => {
    const failed = await eslintFails(
      'src/model/zz-hole.ts',
      Array.from({ length: 501 }, (_, i) => `export const line${i} = ${i}`)
    )
    expect(failed?.code).toBe(1)
    expect(failed?.stdout).toContain('max-lines')
  })

  it('a copy of the settings with a field overridden, anywhere in src/', async () => {
    const failed = await eslintFails('src/commands/zz-hole.ts', [
      "import type { Settings } from '../model/settings.js'",
      'export const a = (settings: Settings) => ({ ...settings, delete: true })',
      'export const b = (args: { settings: Settings }) => ({ scope: "all", ...args.settings })'
    ])
    expect(failed?.code).toBe(1)
    expect(failed?.stdout.match(/The settings never change/g)).toHaveLength(2)
  })
})
