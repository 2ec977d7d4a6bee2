import { comparedVerdict, settled, type ApplyKind, type RollbackKind } from '../../apply/kind.js'
import { z } from 'zod'
import { sha256Field, textRollback } from '../../apply/rollback.js'
import type { KestraApi } from '../../kestra/api.js'
import { failureMarks } from '../../kestra/errors.js'
import { normaliseText, sha256Hex } from '../../model/content.js'
import { errorMessage } from '../../model/errors.js'
import type { ResourceChanges } from '../../model/plan.js'
import type { ResourceResult } from '../../model/result.js'

type TestChange = ResourceChanges['test']

/** Kestra's route for test suites, `P/tests` (docs/tests.md#edition). */
const TESTS_ROUTE = 'tests'

async function freshVerdict(api: KestraApi, change: TestChange, desired: string | undefined) {
  const source = await api.yamlResources(TESTS_ROUTE).get(change.namespace, change.id)
  const fresh = source === undefined ? undefined : normaliseText(source)
  const name = `test suite ${change.namespace}.${change.id}`
  return comparedVerdict(change, name, { fresh, planned: change.current?.source, desired })
}

function failed(change: TestChange, error: unknown): ResourceResult {
  return { change, result: 'failed', message: errorMessage(error), ...failureMarks(error) }
}

/** Writes test suites (docs/tests.md#deploy), each compared with the server's source right before. */
export const testsApply: ApplyKind<TestChange> = {
  name: 'test',
  async write(change, api) {
    if (change.desired === undefined) {
      return { change, result: 'failed', message: 'the plan holds no source for this test suite' }
    }
    try {
      const verdict = await freshVerdict(api, change, change.desired)
      if (verdict.kind !== 'as-planned') return settled(change, verdict)
      const suites = api.yamlResources(TESTS_ROUTE)
      if (change.action === 'create') await suites.create(change.desired)
      else if (!(await suites.update(change.namespace, change.id, change.desired))) {
        return settled(change, {
          kind: 'moved',
          message: `test suite ${change.namespace}.${change.id} was deleted on the server since the plan`
        })
      }
      return { change, result: change.action === 'create' ? 'created' : 'updated' }
    } catch (error) {
      return failed(change, error)
    }
  },
  async remove(change, api) {
    try {
      const verdict = await freshVerdict(api, change, undefined)
      if (verdict.kind !== 'as-planned') return settled(change, verdict)
      await api.yamlResources(TESTS_ROUTE).delete(change.namespace, change.id)
      return { change, result: 'deleted' }
    } catch (error) {
      return failed(change, error)
    }
  }
}

/** A suite's source by its SHA-256; `source`, the text itself, when the record's budget allows. */
const testVersion = z.object({ sha256: sha256Field, source: z.string().optional() })

/** A test suite as a rollback records it (docs/tests.md#rollback). */
const recordedTest = z.object({
  kind: z.literal('test'),
  id: z.string(),
  before: testVersion.optional(),
  deployed: testVersion.optional()
})
type RecordedTest = z.infer<typeof recordedTest>

/** Test suites in a rollback (docs/tests.md#rollback): Kestra keeps no history of a suite. */
export const testsRollback: RollbackKind<TestChange, RecordedTest> = textRollback({
  name: 'test',
  schema: recordedTest,
  field: 'source',
  what: 'source',
  identity: (change) => ({ id: change.id }),
  texts: (change) => ({ current: change.current?.source, desired: change.desired }),
  nameOf: (resource, namespace) => `${namespace}.${resource.id}`,
  async held({ namespace, resource }, api) {
    const now = await api.yamlResources(TESTS_ROUTE).get(namespace, resource.id)
    return now === undefined ? undefined : sha256Hex(normaliseText(now))
  },
  // Put back only over what the deploy wrote: absent when the deploy deleted it.
  async put({ namespace, resource }, source, api) {
    const suites = api.yamlResources(TESTS_ROUTE)
    if (!resource.deployed) await suites.create(source)
    else await suites.update(namespace, resource.id, source)
  },
  async remove({ namespace, resource }, api) {
    await api.yamlResources(TESTS_ROUTE).delete(namespace, resource.id)
  }
})
