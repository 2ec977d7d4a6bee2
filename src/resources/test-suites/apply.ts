import { isEnterprise } from '../../model/kestra.js'
import {
  comparedVerdict,
  settled,
  type ApplyKind,
  type RollbackKind
} from '../../engine/apply/kind.js'
import { z } from 'zod'
import { embedText, restoreByHash } from '../../engine/apply/rollback.js'
import { recordedSchema, sha256Field } from '../../engine/apply/rollback-record.js'
import type { KestraApi } from '../../adapters/kestra/api.js'
import { normaliseText, sha256Hex } from '../../model/content.js'
import type { ResourceChanges } from '../../model/plan.js'

type TestChange = ResourceChanges['test']

/** Kestra's route for test suites, `P/tests` (docs/tests.md#edition). */
const TESTS_ROUTE = 'tests'

async function freshVerdict(api: KestraApi, change: TestChange, desired: string | undefined) {
  const source = await api.yamlResources(TESTS_ROUTE).get(change.namespace, change.id)
  const fresh = source === undefined ? undefined : normaliseText(source)
  const name = `test suite ${change.namespace}.${change.id}`
  return comparedVerdict(change, name, { fresh, planned: change.current?.source, desired })
}

/**
 * Writes test suites (docs/tests.md#deploy), each compared with the server's source right before; a failure is
 * the deploy's to report (`applyPlan`).
 */
export const testsApply: ApplyKind<TestChange> = {
  name: 'test',
  async write(change, api) {
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no source for this test suite' }
    }
    const verdict = await freshVerdict(api, change, change.desired)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    const suites = api.yamlResources(TESTS_ROUTE)
    if (change.action === 'create') await suites.create(change.desired)
    else if (!(await suites.update(change.namespace, change.id, change.desired))) {
      const message = `test suite ${change.namespace}.${change.id} was deleted on the server since the plan`
      return settled(change, { kind: 'moved', message })
    }
    return { change, result: change.action === 'create' ? 'created' : 'updated' }
  },
  async remove(change, api) {
    const verdict = await freshVerdict(api, change, undefined)
    if (verdict.kind !== 'as-planned') return settled(change, verdict)
    await api.yamlResources(TESTS_ROUTE).delete(change.namespace, change.id)
    return { change, result: 'deleted' }
  },
  // Enterprise only (docs/tests.md#edition): another edition is not asked.
  async held(namespace, api) {
    if (!isEnterprise((await api.info()).edition)) return []
    const suites = api.yamlResources(TESTS_ROUTE)
    return ((await suites.list(namespace)) ?? []).map((suite) => ({
      name: `test ${namespace}.${suite.id}`,
      remove: async () => {
        await suites.delete(namespace, suite.id)
      }
    }))
  }
}

/** A suite's source by its SHA-256; `source`, the text itself, when the record's budget allows. */
const testVersion = z.object({ sha256: sha256Field, source: z.string().optional() })

/** A test suite as a rollback records it (docs/tests.md#rollback). */
const recordedTest = recordedSchema('test', { id: z.string() }, testVersion)
type RecordedTest = z.infer<typeof recordedTest>

/** Test suites in a rollback (docs/tests.md#rollback): Kestra keeps no history of a suite. */
export const testsRollback: RollbackKind<TestChange, RecordedTest> = {
  name: 'test',
  recordOf(change, { result }) {
    const deleted = result === 'deleted' || change.action === 'delete'
    const before = change.current && { sha256: sha256Hex(change.current.source) }
    const deployed =
      !deleted && change.desired !== undefined ? { sha256: sha256Hex(change.desired) } : undefined
    return {
      resource: {
        kind: 'test',
        id: change.id,
        ...(before && { before }),
        ...(deployed && { deployed })
      },
      previous: change.current?.source
    }
  },
  nameOf: (resource, namespace) => `${namespace}.${resource.id}`,
  parse: (value) => recordedTest.safeParse(value).data,
  embed: (resource, previous) => embedText(resource, previous, 'source'),
  async restore(item, deployed, api) {
    const { namespace, resource } = item
    const suites = api.yamlResources(TESTS_ROUTE)
    const now = await suites.get(namespace, resource.id)
    const held = now === undefined ? {} : { sha256: sha256Hex(normaliseText(now)) }
    return restoreByHash(resource, held, deployed, {
      remove: () => suites.delete(namespace, resource.id),
      async putBack(before) {
        const source = typeof item.previous === 'string' ? item.previous : before.source
        if (source === undefined || sha256Hex(source) !== before.sha256) {
          throw new Error(
            'its previous source was too large to keep in the rollback record; restore it from Git'
          )
        }
        if (now === undefined) await suites.create(source)
        else await suites.update(namespace, resource.id, source)
        return 'previous source restored'
      }
    })
  }
}
