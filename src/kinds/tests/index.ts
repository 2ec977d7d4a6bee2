import type { Kind } from '../kind.js'
import type { ResourceChanges } from '../../model/plan.js'
import { testsApply, testsRollback } from './apply.js'
import { testsDecide } from './decide.js'
import type { HeldTests } from './decide.js'
import { testsGather } from './gather.js'

/**
 * Kestra test suites as code (docs/tests.md): read, checked, planned, written and rolled back by this module
 * alone.
 */
export const tests: Kind<HeldTests, ResourceChanges['test']> = {
  gather: testsGather,
  decide: testsDecide,
  apply: testsApply,
  rollback: testsRollback
}
