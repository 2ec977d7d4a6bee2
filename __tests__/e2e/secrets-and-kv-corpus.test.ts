/**
 * No false finding over real flows (docs/caught-at-review.md): the shared corpus's valid flows, planned by
 * the bundled action against a server that defines every secret and KV key they name, raise no missing-name
 * finding; against a server that defines none, each literal reference is one. The names are read here with
 * a plain pattern of this test's own, not with the action's scanner.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CORPUS_DIR, CORPUS_PRESENT } from '../../test-support/corpus.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import {
  startEmulator,
  type Emulator,
  type SeedState
} from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS } from '../../test-support/scenario.js'

/** The valid flows of the corpus (not the v0.16 copies of the same fixtures) and the GitOps repository's. */
const FOLDERS = [
  'kestra-valid/kestra-io+kestra',
  'kestra-valid/kestra-io+examples',
  'gitops-repos/anna-geller+kestra-ci-cd/flows'
]
const MISSING = /(secret|KV key) \S+ is not defined for namespace/

let kestra: Emulator | undefined
afterEach(async () => {
  await kestra?.close()
  kestra = undefined
})

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return yamlFiles(path)
    return /\.ya?ml$/.test(name) ? [path] : []
  })
}

/** Every secret name, KV key and namespace the corpus's text names with a literal. */
function namesIn(texts: string[]): SeedState {
  const secrets = new Set<string>()
  const keys = new Set<string>()
  const namespaces = new Set<string>()
  for (const text of texts) {
    for (const [, , name] of text.matchAll(/secret\(\s*(['"])([^'"]+)\1/g)) secrets.add(name!)
    for (const [, , key, rest] of text.matchAll(/kv\(\s*(['"])([^'"]+)\1([^)]*)\)/g)) {
      keys.add(key!)
      const explicit = /(['"])([^'"]+)\1/.exec(rest!)
      if (explicit) namespaces.add(explicit[2]!)
    }
    for (const [, namespace] of text.matchAll(/^namespace:\s*["']?([\w.-]+)/gm)) {
      namespaces.add(namespace!)
    }
  }
  return {
    secrets: [...secrets].map((key) => ({ key })),
    kv: [...namespaces].flatMap((namespace) =>
      [...keys].map((key) => ({ namespace, key, value: 'defined' }))
    )
  }
}

async function planCorpus(server: SeedState) {
  const files = FOLDERS.flatMap((folder) => yamlFiles(join(CORPUS_DIR, folder)))
  const repo = createGitRepo(
    Object.fromEntries(
      files.map((path) => [relative(CORPUS_DIR, path), readFileSync(path, 'utf8')])
    )
  )
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  kestra.seed(server)
  const result = await runAction({
    workspace: repo.dir,
    eventName: 'workflow_dispatch',
    sha: repo.head(),
    inputs: {
      server: kestra.url,
      ...CREDENTIALS,
      mode: 'plan',
      layout: 'anywhere',
      'server-validation': 'false'
    },
    timeoutMs: 120_000
  })
  const plan = JSON.parse(readFileSync(result.outputs['plan-file']!, 'utf8')) as {
    findings: { message: string }[]
  }
  await kestra.close()
  kestra = undefined
  return { result, missing: plan.findings.filter((f) => MISSING.test(f.message)) }
}

describe.runIf(CORPUS_PRESENT)('secrets and KV keys over the shared corpus', () => {
  it('every name defined: no finding; none defined: one for each reference', async () => {
    const texts = FOLDERS.flatMap((folder) => yamlFiles(join(CORPUS_DIR, folder))).map((path) =>
      readFileSync(path, 'utf8')
    )
    const defined = await planCorpus(namesIn(texts))
    expect(defined.missing).toEqual([])
    const checked = /(\d+) secret and KV reference\(s\) checked/.exec(defined.result.stdout)
    expect(Number(checked?.[1])).toBeGreaterThan(100)

    const undefinedNames = await planCorpus({})
    expect(undefinedNames.missing.length).toBeGreaterThan(100)
  }, 240_000)
})
