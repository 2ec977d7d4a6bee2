/**
 * The kv file (docs/kv.md#the-file) over its whole input space: what the drift pull request writes reads
 * back as the same keys and values, every key Kestra refuses or the action keeps for itself is an error on
 * its line, and a secret-like key's value reaches no text the plan shows (docs/kv.md#secret-like-keys).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DEFAULT_DIFF_LIMITS } from '../../../src/engine/plan/diff.js'
import {
  HIDDEN,
  isSecretLike,
  kvFileText,
  kvFindings,
  OWN_KEYS,
  parseKvFile,
  planKv,
  type KvValue
} from '../../../src/resources/kv/decide.js'
import { canonicalJson } from '../../../src/model/content.js'
import { runs } from '../../../test-support/property-runs.js'

const RUNS = { numRuns: runs(300, 50) }
const KEY = fc
  .stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,20}$/)
  .filter((key) => !key.toLowerCase().startsWith('kestra-gitops'))
const NUMBER = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  // Integers past 2^53 are refused (they would not read back the same): never drawn here.
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter((n) => !Number.isInteger(n) || Number.isSafeInteger(n))
)
const { json: tree } = fc.letrec<{ json: unknown }>((recur) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    NUMBER,
    fc.boolean(),
    fc.constant(null),
    fc.array(recur('json'), { maxLength: 4 }),
    fc.dictionary(fc.string(), recur('json'), { maxKeys: 4 })
  )
}))
const VALUE: fc.Arbitrary<KvValue> = fc.oneof(
  fc.string(),
  NUMBER,
  fc.boolean(),
  fc.array(tree, { maxLength: 4 }),
  fc.dictionary(fc.string(), tree, { maxKeys: 4 })
) as fc.Arbitrary<KvValue>
const ENTRIES = fc.uniqueArray(fc.tuple(KEY, VALUE), { selector: ([key]) => key, maxLength: 8 })

describe('the kv file', () => {
  it('reads back what it writes: every key and value, as Kestra compares them', () => {
    fc.assert(
      fc.property(ENTRIES, (entries) => {
        const { entries: read, problems } = parseKvFile(kvFileText(entries))
        expect(problems).toEqual([])
        const byKey = new Map(read.map((e) => [e.key, canonicalJson(e.value)]))
        expect(byKey).toEqual(new Map(entries.map(([key, value]) => [key, canonicalJson(value)])))
      }),
      RUNS
    )
  })

  it("refuses the action's own keys, in any case, and keys Kestra refuses, each on its line", () => {
    const own = fc.oneof(
      fc.constantFrom(...OWN_KEYS),
      fc
        .tuple(fc.stringMatching(/^[a-zA-Z0-9._-]{0,10}$/), fc.boolean())
        .map(([rest, upper]) => `${upper ? 'KESTRA-GITOPS' : 'kestra-gitops'}${rest}`)
    )
    const refused = fc
      .string({ minLength: 1 })
      .filter((key) => !/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/.test(key))
    fc.assert(
      fc.property(ENTRIES, fc.oneof(own, refused), fc.nat(), (entries, bad, at) => {
        const lines = kvFileText(entries.filter(([key]) => key !== bad)).split('\n')
        const before = entries.length === 0 ? [] : lines.slice(0, -1)
        const position = Math.min(at % (before.length + 1), before.length)
        // Inserted where a top-level key starts: never inside another key's nested value.
        const starts = [0, ...before.flatMap((l, i) => (/^\S/.test(l) ? [i] : [])), before.length]
        const line = starts.filter((i) => i <= position).pop()!
        const text = [...before.slice(0, line), `${JSON.stringify(bad)}: 1`, ...before.slice(line)]
        const { problems } = parseKvFile(`${text.join('\n')}\n`)
        expect(problems.map((p) => p.line)).toEqual([line + 1])
      }),
      RUNS
    )
  })

  it('refuses a value that cannot come back the same, on its line', () => {
    for (const [value, words] of [
      ['', 'empty value'],
      ['.inf', 'not a number'],
      ['.nan', 'not a number'],
      ['9007199254740993', 'too large'],
      ['[1, .inf]', 'not a number'],
      ['!!binary aGVsbG8=', 'not plain data']
    ]) {
      const { problems } = parseKvFile(`ok: 1\nbad: ${value}\n`)
      expect(problems, value).toHaveLength(1)
      expect(problems[0]!.line, value).toBe(2)
      expect(problems[0]!.message, value).toContain(words)
    }
    expect(parseKvFile('a: 1\na: 2\n').problems[0]!.line).toBe(2)
  })
})

describe('a secret-like key', () => {
  const CREDENTIAL = fc.constantFrom(
    'password',
    'passwd',
    'pwd',
    'secret',
    'token',
    'credentials',
    'apikey',
    'api_key',
    'privateKey',
    'client-secret',
    'auth',
    'jwt',
    'signing.key'
  )
  const WORD = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)
  const SECRET_KEY = fc
    .tuple(
      fc.array(WORD, { maxLength: 2 }),
      CREDENTIAL,
      fc.constantFrom('_', '.', '-'),
      fc.boolean()
    )
    .map(([words, credential, separator, upper]) => {
      const key = [...words, credential].join(separator)
      return upper ? key.toUpperCase() : key
    })

  it('is told by any word of its name that names a credential', () => {
    fc.assert(
      fc.property(SECRET_KEY, (key) => isSecretLike(key)),
      RUNS
    )
    for (const key of ['region', 'retries', 'base_url', 'max_keys', 'monkey', 'author'])
      expect(isSecretLike(key), key).toBe(false)
  })

  it('never shows its value, repository or server side, in any text the plan holds', () => {
    const text = (prefix: string) => fc.string({ minLength: 1 }).map((s) => `${prefix}-${s}`)
    fc.assert(
      fc.property(
        SECRET_KEY,
        text('r3po'),
        text('s3rv'),
        fc.boolean(),
        fc.boolean(),
        (key, repository, server, inRepository, deleteEnabled) => {
          fc.pre(
            /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/.test(key) &&
              !key.toLowerCase().startsWith('kestra-gitops')
          )
          const text = inRepository ? kvFileText([[key, repository]]) : '{}\n'
          const changes = planKv(
            {
              files: [{ file: 'kv/team.yml', namespace: 'team', text }],
              extraNamespaces: [],
              base: [{ file: 'kv/team.yml', namespace: 'team', text }],
              server: new Map([['team', new Map([[key, JSON.stringify(server)]])]])
            },
            { deleteEnabled, scope: 'all', changedFiles: undefined, limits: DEFAULT_DIFF_LIMITS }
          )
          expect(changes).toHaveLength(1)
          const [change] = changes
          expect(change!.secretLike).toBe(true)
          const shown = JSON.stringify([change!.diff, change!.remark, change!.serverFile])
          expect(shown).not.toContain(server)
          if (change!.action !== 'unchanged') expect(change!.diff).toContain(HIDDEN)
          // The server's value never goes to Git; the repository's own may stay in its file.
          if (!inRepository) expect(change!.serverFile).toBe('{}\n')
        }
      ),
      RUNS
    )
  })

  it('a key that is not secret-like shows its values in the diff', () => {
    const [change] = planKv(
      {
        files: [{ file: 'kv/team.yml', namespace: 'team', text: 'region: us\n' }],
        extraNamespaces: [],
        server: new Map([['team', new Map([['region', '"eu"']])]])
      },
      { deleteEnabled: false, scope: 'all', changedFiles: undefined, limits: DEFAULT_DIFF_LIMITS }
    )
    expect(change!.diff).toContain('-region: eu\n+region: us')
  })
})

describe('a kv file of the system namespace', () => {
  const held = (extraNamespaces: string[]) => ({
    files: [{ file: 'kv/system.yml', namespace: 'system', text: 'a: 1\n' }],
    extraNamespaces,
    server: new Map([['system', new Map<string, string>()]])
  })
  const options = {
    deleteEnabled: true,
    scope: 'all' as const,
    changedFiles: undefined,
    limits: DEFAULT_DIFF_LIMITS
  }

  it('is not deployed, with a warning, unless the namespaces input lists system', () => {
    expect(planKv(held([]), options)).toEqual([])
    expect(kvFindings(held([]))).toMatchObject([{ severity: 'warning', file: 'kv/system.yml' }])
    expect(planKv(held(['system']), options).map((c) => c.action)).toEqual(['create'])
    expect(kvFindings(held(['system']))).toEqual([])
  })
})
