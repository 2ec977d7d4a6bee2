/**
 * Every reader of a format that crosses into the action from outside, fed anything: the settings file
 * (docs/inputs.md#settings-file), the event payload the runner writes, and GitHub's answers. Each gives a valid
 * value or a refusal naming what it read, never a crash (the records stored in Kestra: stored-records.test.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { readRunContext } from '../../src/config/context.js'
import { ActionError, SettingsFileError } from '../../src/model/errors.js'
import { inputNames } from '../../src/model/inputs/declared.js'
import { parseSettingsFile } from '../../src/model/inputs/settings-file.js'
import type { Octokit } from '../../src/adapters/github/octokit.js'
import { createGitHub } from '../../src/adapters/github/rest-github.js'
import { runs } from '../../test-support/property-runs.js'

const FILE = 'kestra-gitops.yml'

/** JSON, and objects keyed by the names a reader looks for, holding anything. */
function shaped(keys: readonly string[]): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.jsonValue({ maxDepth: 2 }),
      fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 6 }),
      fc.array(tie('value'), { maxLength: 3 })
    )
  }))
  return value
}

describe('the settings file, whatever it holds', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    shaped([...inputNames(), 'x', '']).map((value) => stringify(value)),
    fc
      .array(fc.tuple(fc.constantFrom(...inputNames()), fc.string({ maxLength: 30 })), {
        maxLength: 5
      })
      .map((lines) => lines.map(([key, value]) => `${key}: ${value}`).join('\n'))
  )

  it('is read, or refused on a line of the file, never thrown on otherwise', () => {
    fc.assert(
      fc.property(text, (source) => {
        try {
          const file = parseSettingsFile(FILE, source)
          for (const setting of file.values.values()) expect(typeof setting.text).toBe('string')
        } catch (error) {
          expect(error).toBeInstanceOf(SettingsFileError)
          const { line, message } = error as SettingsFileError
          expect(line).toBeGreaterThanOrEqual(1)
          expect(line).toBeLessThanOrEqual(source.split(/\r\n|\r|\n/).length + 1)
          expect(message.startsWith(`${FILE}:${line}: `)).toBe(true)
        }
      }),
      { numRuns: runs(2000, 100) }
    )
  })
})

describe('the event payload, whatever it holds', () => {
  const payload = shaped([
    'number',
    'action',
    'pull_request',
    'head',
    'base',
    'sha',
    'repo',
    'id',
    'full_name',
    'merge_group',
    'head_sha',
    'base_sha',
    'workflow_run',
    'event',
    'pull_requests',
    'head_repository',
    'repository',
    'owner',
    'login',
    'head_branch',
    'before',
    'after',
    'ref',
    'default_branch',
    'changed_files'
  ])
  const events = ['pull_request', 'pull_request_target', 'merge_group', 'workflow_run', 'push']

  it('is a run context of the right types, or refused naming the payload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kga-payload-'))
    fc.assert(
      fc.property(payload, fc.constantFrom(...events), (value, eventName) => {
        const path = join(dir, 'event.json')
        writeFileSync(path, JSON.stringify(value))
        const env = {
          GITHUB_EVENT_NAME: eventName,
          GITHUB_EVENT_PATH: path,
          GITHUB_REPOSITORY: 'o/r',
          GITHUB_SHA: 'merge'
        }
        try {
          const context = readRunContext(env)
          expect(typeof context.sha).toBe('string')
          const pull = context.pullRequest
          if (pull) {
            expect(typeof pull.number).toBe('number')
            expect([typeof pull.headSha, typeof pull.baseSha, typeof pull.fork]).toEqual([
              'string',
              'string',
              'boolean'
            ])
          }
          if (context.push)
            expect(Object.values(context.push).map((v) => typeof v)).toEqual([
              'string',
              'string',
              'string'
            ])
          if (context.defaultBranch !== undefined)
            expect(typeof context.defaultBranch).toBe('string')
        } catch (error) {
          expect(error).toBeInstanceOf(ActionError)
          expect((error as Error).message).toMatch(
            /^The event payload \(GITHUB_EVENT_PATH=.*\) is not a JSON object/
          )
        }
      }),
      { numRuns: runs(2000, 100) }
    )
  })
})

describe("GitHub's answers, whatever they hold", () => {
  /** The port over an Octokit whose answer to reading a pull request is `data`. */
  const answering = (data: unknown) =>
    createGitHub(
      {
        rest: { pulls: { get: () => Promise.resolve({ status: 200, data }) } }
      } as unknown as Octokit,
      { owner: 'o', repo: 'r' }
    )
  const REFUSAL =
    /^GitHub's answer to GET \/repos\/\{owner\}\/\{repo\}\/pulls\/\{pull_number\} lacks /

  it('names the request and the field an answer lacks', async () => {
    const answer = { number: 5, state: 'open', head: { repo: null }, base: { sha: 'b' } }
    await expect(answering(answer).pullRequest(5)).rejects.toThrow(
      "GitHub's answer to GET /repos/{owner}/{repo}/pulls/{pull_number} lacks head.sha"
    )
  })

  it('is a pull request of the right types, or refused naming the request', async () => {
    const pull = shaped(['number', 'state', 'head', 'base', 'sha', 'repo', 'id', 'full_name'])
    await fc.assert(
      fc.asyncProperty(pull, async (data) => {
        try {
          const read = (await answering(data).pullRequest(5))!
          expect(Number.isSafeInteger(read.number)).toBe(true)
          expect(['open', 'closed']).toContain(read.state)
          expect([typeof read.headSha, typeof read.baseSha]).toEqual(['string', 'string'])
        } catch (error) {
          expect(error).toBeInstanceOf(ActionError)
          expect((error as Error).message).toMatch(REFUSAL)
        }
      }),
      { numRuns: runs(2000, 100) }
    )
  })
})
