import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseSettings } from '../../src/config/settings.js'
import { plainTarget, previewTarget } from '../../src/config/target.js'
import type { InputName } from '../../src/model/inputs/declared.js'
import { runs } from '../../test-support/property-runs.js'

const namespace = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}(\.[a-z][a-z0-9_]{0,8}){0,2}$/)
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)

/** Inputs whose values hold arrays and objects: the parts a shallow freeze would leave writable. */
const inputs = fc.record({
  namespaces: fc.array(namespace, { maxLength: 4 }).map((list) => list.join('\n')),
  'smoke-flows': fc
    .array(
      // An input given twice is refused (docs/smoke-and-rollback.md): each flow's keys are distinct.
      fc.tuple(
        namespace,
        word,
        fc.uniqueArray(fc.tuple(word, word), { maxLength: 2, selector: ([key]) => key })
      ),
      {
        maxLength: 3
      }
    )
    .map((flows) =>
      flows
        .map(([ns, id, pairs]) => [`${ns}.${id}`, ...pairs.map(([k, v]) => `${k}=${v}`)].join(' '))
        .join('\n')
    ),
  'namespace-files': fc
    .array(fc.tuple(word, namespace), { maxLength: 3 })
    .map((maps) => maps.map(([dir, ns]) => `${dir} -> ${ns}`).join('\n')),
  'namespace-prefix': fc.oneof(fc.constant(''), word),
  'api-token': fc.oneof(fc.constant(''), word)
})

/** Every object or array reachable from `value`, with its path. */
function* reachable(value: unknown, path = '$'): Generator<[string, object]> {
  if (value === null || typeof value !== 'object') return
  yield [path, value]
  for (const [key, held] of Object.entries(value)) yield* reachable(held, `${path}.${key}`)
}

/** Every way of changing `held` in place: set, add, delete a property, push to an array. */
function writes(held: object): (() => void)[] {
  const target = held as Record<string, unknown>
  const [first] = Object.keys(held)
  return [
    () => void (target.added = 1),
    ...(first === undefined ? [] : [() => void (target[first] = 1), () => delete target[first]]),
    ...(Array.isArray(held) ? [() => void held.push(1)] : [])
  ]
}

describe('the settings and the targets never change', () => {
  it('every write into the settings, or a target built from them, throws, at any depth', () => {
    fc.assert(
      fc.property(
        inputs,
        fc.constantFrom('push', 'pull_request', 'workflow_dispatch'),
        (given, eventName) => {
          const settings = parseSettings(
            (name: InputName) => given[name as keyof typeof given] ?? ''
          )
          const built = {
            settings,
            plain: plainTarget(settings, { eventName }, true),
            preview: previewTarget(settings, 'pr-7', ['gone'])
          }
          let seen = 0
          for (const [path, held] of reachable(built.settings)) {
            seen++
            expect(Object.isFrozen(held), path).toBe(true)
            for (const write of writes(held)) expect(write, path).toThrow(TypeError)
          }
          for (const [path, held] of [...reachable(built.plain), ...reachable(built.preview)]) {
            expect(Object.isFrozen(held), path).toBe(true)
            for (const write of writes(held)) expect(write, path).toThrow(TypeError)
          }
          expect(seen).toBeGreaterThan(4)
        }
      ),
      { numRuns: runs(60, 20) }
    )
  })

  it('a preview is a target beside the settings: they keep what the workflow set', () => {
    const settings = parseSettings((name) => (name === 'smoke-flows' ? 'team.check' : ''))
    const preview = previewTarget(settings, 'pr-7', [])
    expect(preview).toMatchObject({
      work: { mode: 'deploy' },
      namespacePrefix: 'pr-7',
      delete: true
    })
    expect(preview.smokeFlows[0]!.namespace).toBe('pr-7.team')
    expect(settings).toMatchObject({ namespacePrefix: '', delete: false, mode: 'auto' })
    expect(settings.smokeFlows[0]!.namespace).toBe('team')
  })
})
