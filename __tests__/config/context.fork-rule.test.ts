/**
 * Who a pull request is (docs/github.md#fork-pull-requests): a pull request is this repository's only when
 * the head and the base repository provably are this repository; every other shape GitHub's payloads can
 * take (missing, null, another owner, another case, ids that disagree, a name without an owner) is a fork.
 * Checked through `readRunContext` over `pull_request`, `pull_request_target` and `workflow_run` payloads.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readRunContext } from '../../src/config/context.js'
import { runs } from '../../test-support/property-runs.js'

const THIS = 'octo/kestra-repo'
const THIS_ID = 4242
const dir = mkdtempSync(join(tmpdir(), 'kga-fork-rule-'))

type Shape = unknown
/** A key the payload leaves out. */
const MISSING = Symbol('missing')

const caseVariant = fc
  .array(fc.boolean(), { minLength: THIS.length, maxLength: THIS.length })
  .map((flips) => [...THIS].map((c, i) => (flips[i] ? c.toUpperCase() : c)).join(''))
  .filter((name) => name !== THIS)

const fullName = fc.oneof(
  fc.constant(THIS),
  fc.constant(THIS),
  fc.constantFrom(
    'stranger/kestra-repo',
    'kestra-repo',
    'octo/kestra-repo ',
    ' octo/kestra-repo',
    'octo/kestra-repo/x',
    'octo/kestra-repo.git',
    'octo/kestra',
    '',
    null,
    42,
    MISSING
  ),
  caseVariant,
  fc.string()
)

const id = fc.oneof(
  fc.constant(THIS_ID),
  fc.constant(THIS_ID),
  fc.constantFrom(THIS_ID + 1, String(THIS_ID), 0, -THIS_ID, THIS_ID + 0.5, null, MISSING),
  fc.integer()
)

const repositoryObject = fc
  .record({
    full_name: fullName,
    id,
    name: fc.constantFrom('kestra-repo', MISSING),
    fork: fc.constantFrom(true, false, MISSING),
    owner: fc.constantFrom({ login: 'octo' }, { login: 'stranger' }, MISSING)
  })
  .map((fields) =>
    Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== MISSING))
  )

/** Every shape a payload's `head.repo` / `base.repo` can take, and some it should not. */
const repositoryShape: fc.Arbitrary<Shape> = fc.oneof(
  { weight: 6, arbitrary: repositoryObject },
  {
    weight: 1,
    arbitrary: fc.constantFrom(MISSING, null, THIS, THIS_ID, [], [{ full_name: THIS }], true)
  }
)

/** Head and base: independent, or the same shape twice (as a same-repository pull request has them). */
const repositoryPair: fc.Arbitrary<[Shape, Shape]> = fc.oneof(
  fc.tuple(repositoryShape, repositoryShape),
  repositoryShape.map((shape): [Shape, Shape] => [shape, structuredCopy(shape)])
)

function structuredCopy(shape: Shape): Shape {
  return typeof shape === 'object' && shape !== null ? structuredClone(shape) : shape
}

/** Whether the payload says which repository this is (`repository`: the id is known only from it). */
const described = fc.constantFrom(true, false)

/**
 * The rule, written as the specification reads: each side an object whose identifying fields (present on
 * both sides or on neither) all name this repository, with at least one that proves it.
 */
function provablyThis(head: Shape, base: Shape, idKnown: boolean): boolean {
  const sides = [head, base]
  if (!sides.every((s) => s !== null && typeof s === 'object' && !Array.isArray(s))) return false
  const [h, b] = sides as Record<string, unknown>[]
  const present = (side: Record<string, unknown>, key: string) => key in side
  for (const key of ['full_name', 'id']) {
    if (present(h!, key) !== present(b!, key)) return false
  }
  const named = present(h!, 'full_name')
  const numbered = present(h!, 'id')
  if (named && !(h!.full_name === THIS && b!.full_name === THIS)) return false
  if (numbered) {
    if (h!.id !== b!.id || typeof h!.id !== 'number' || !Number.isSafeInteger(h!.id)) return false
    if ((h!.id as number) <= 0) return false
    if (idKnown && h!.id !== THIS_ID) return false
  }
  return named || (numbered && idKnown)
}

function put(target: Record<string, unknown>, key: string, value: Shape): Record<string, unknown> {
  if (value !== MISSING) target[key] = value
  return target
}

/** One payload file, written again for each context (a file per context left thousands to remove). */
const path = join(dir, 'event.json')
function contextOf(eventName: string, payload: object, env: Record<string, string> = {}) {
  writeFileSync(path, JSON.stringify(payload))
  return readRunContext({
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: path,
    GITHUB_REPOSITORY: THIS,
    GITHUB_SHA: 'merge',
    ...env
  })
}

function pullRequestPayload(head: Shape, base: Shape, idKnown: boolean) {
  return {
    action: 'opened',
    number: 7,
    pull_request: {
      number: 7,
      head: put({ sha: 'h', ref: 'feature' }, 'repo', head),
      base: put({ sha: 'b', ref: 'main' }, 'repo', base)
    },
    ...(idKnown && { repository: { id: THIS_ID, full_name: THIS } })
  }
}

/** Replaces one field of one side, or the side itself, by something else. */
const mutation = fc.record({
  side: fc.constantFrom('head', 'base'),
  change: fc.oneof(
    fc.record({ whole: fc.constantFrom(null, MISSING, [], THIS, THIS_ID) }),
    fc.record({ key: fc.constant('full_name'), value: fullName }),
    fc.record({ key: fc.constant('id'), value: id })
  )
})

describe('the fork rule', () => {
  for (const eventName of ['pull_request', 'pull_request_target']) {
    it(`${eventName}: same repository only when provably so, over every head/base shape`, () => {
      const seen = { same: 0, fork: 0 }
      fc.assert(
        fc.property(repositoryPair, described, ([head, base], idKnown) => {
          const context = contextOf(eventName, pullRequestPayload(head, base, idKnown))
          const same = provablyThis(head, base, idKnown)
          seen[same ? 'same' : 'fork']++
          expect(context.pullRequest?.fork).toBe(!same)
        }),
        { numRuns: runs(600, 200) }
      )
      // The generator reaches both verdicts, so the property is not carried by one of them.
      expect(seen.same).toBeGreaterThan(runs(20, 5))
      expect(seen.fork).toBeGreaterThan(runs(20, 5))
    })
  }

  it('a pair proven the same becomes a fork when any one field or side changes to anything else', () => {
    const proven = fc
      .tuple(repositoryObject, described)
      .filter(([repo, idKnown]) => provablyThis(repo, { ...repo }, idKnown))
    fc.assert(
      fc.property(proven, mutation, ([repo, idKnown], { side, change }) => {
        const sides: Record<string, Shape> = { head: { ...repo }, base: { ...repo } }
        if ('whole' in change) sides[side] = change.whole
        else {
          const target = sides[side] as Record<string, unknown>
          const before = target[change.key]
          fc.pre(change.value !== before && !(change.value === MISSING && before === undefined))
          if (change.value === MISSING) delete target[change.key]
          else target[change.key] = change.value
        }
        const context = contextOf(
          'pull_request_target',
          pullRequestPayload(sides.head, sides.base, idKnown)
        )
        expect(context.pullRequest?.fork).toBe(true)
      }),
      { numRuns: runs(400, 100) }
    )
  })

  it("GitHub's own shapes: the same repository, a fork, a deleted head repository", () => {
    const repository = (fullName: string, repoId: number, fork = false) => ({
      id: repoId,
      node_id: 'R_kgDO',
      name: fullName.split('/')[1],
      full_name: fullName,
      private: false,
      owner: { login: fullName.split('/')[0], type: 'User' },
      fork
    })
    const same = repository(THIS, THIS_ID)
    const fork = repository('stranger/kestra-repo', 9999, true)
    const forkOf = (head: Shape) =>
      contextOf('pull_request_target', pullRequestPayload(head, same, true)).pullRequest?.fork
    expect(forkOf(same)).toBe(false)
    // The base repository may itself be a fork of an upstream: `fork: true` says nothing about the PR.
    expect(forkOf({ ...same, fork: true })).toBe(false)
    expect(forkOf(fork)).toBe(true)
    expect(forkOf(null)).toBe(true)
    expect(forkOf(MISSING)).toBe(true)
    // The runner's GITHUB_REPOSITORY_ID must agree with the payload for an id to count.
    const mismatched = contextOf(
      'pull_request',
      pullRequestPayload({ id: THIS_ID }, { id: THIS_ID }, true),
      {
        GITHUB_REPOSITORY_ID: String(THIS_ID + 1)
      }
    )
    expect(mismatched.pullRequest?.fork).toBe(true)
    const agreeing = contextOf(
      'pull_request',
      pullRequestPayload({ id: THIS_ID }, { id: THIS_ID }, true),
      {
        GITHUB_REPOSITORY_ID: String(THIS_ID)
      }
    )
    expect(agreeing.pullRequest?.fork).toBe(false)
  })
})

describe('a pull request read from a workflow_run', () => {
  /** `pull_requests[]` entries name repositories by `id`, `url` and `name` only. */
  const entryRepo = (repoId: Shape) =>
    put({ url: 'https://api.github.com/repos/x', name: 'kestra-repo' }, 'id', repoId)

  it('the fork rule holds for the run and for its pull request entry, over every shape', () => {
    fc.assert(
      fc.property(
        repositoryShape,
        repositoryShape,
        id,
        fc.constantFrom('pull_request', 'pull_request_target'),
        (headRepository, runRepository, entryHeadId, event) => {
          const payload = {
            action: 'completed',
            repository: { id: THIS_ID, full_name: THIS },
            workflow_run: put(
              put(
                {
                  event,
                  head_sha: 'h',
                  head_branch: 'feature',
                  pull_requests: [
                    {
                      number: 7,
                      head: { ref: 'feature', sha: 'h', repo: entryRepo(entryHeadId) },
                      base: { ref: 'main', sha: 'b', repo: entryRepo(THIS_ID) }
                    }
                  ]
                },
                'head_repository',
                headRepository
              ),
              'repository',
              runRepository
            )
          }
          const context = contextOf('workflow_run', payload)
          expect(context.sha).toBe('h')
          expect(context.pullRequest?.number).toBe(7)
          const same =
            provablyThis(headRepository, runRepository, true) &&
            provablyThis(put({}, 'id', entryHeadId), { id: THIS_ID }, true)
          expect(context.pullRequest?.fork).toBe(!same)
        }
      ),
      { numRuns: runs(400, 100) }
    )
  })

  it("an entry that is not this repository's pull request for this head is not used; the run names its head to look up", () => {
    const run = (
      entries: unknown[],
      headRepository: unknown = { full_name: 'stranger/kestra-repo', owner: { login: 'stranger' } }
    ) =>
      contextOf('workflow_run', {
        repository: { id: THIS_ID, full_name: THIS },
        workflow_run: {
          event: 'pull_request',
          head_sha: 'h',
          head_branch: 'feature',
          head_repository: headRepository,
          repository: { id: THIS_ID, full_name: THIS },
          pull_requests: entries
        }
      })
    const entry = (headSha: string, baseId: number) => ({
      number: 7,
      head: { sha: headSha, repo: { id: 1 } },
      base: { sha: 'b', repo: { id: baseId } }
    })
    for (const entries of [[], [entry('other', THIS_ID)], [entry('h', THIS_ID + 1)]]) {
      const context = run(entries)
      expect(context.pullRequest).toBeUndefined()
      expect(context.runHead).toEqual({
        label: 'stranger:feature',
        repository: 'stranger/kestra-repo',
        sha: 'h'
      })
      expect(context.sha).toBe('h')
    }
    expect(run([], null).runHead).toBeUndefined()
    // A run that a push started is no pull request's.
    const push = contextOf('workflow_run', {
      workflow_run: { event: 'push', head_sha: 'h', head_branch: 'main', pull_requests: [] }
    })
    expect(push.pullRequest).toBeUndefined()
    expect(push.runHead).toBeUndefined()
  })
})
