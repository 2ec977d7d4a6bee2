/**
 * The flow schemas the build carries (generated/flow-schemas/) are what `npm run schemas` makes from
 * the released core jars now (docs/validation-rules.md#the-schema-of-each-release). It needs Java 21+ and Maven;
 * without them it is skipped, unless `KESTRA_CORE_REQUIRED=1` makes that a failure.
 */
import { describe, expect, it } from 'vitest'
import { coreRequired, coreUnavailable } from '../../test-support/kestra-core.js'
import { schemaFiles } from '../../scripts/flow-schemas.js'
import { committedFiles, SCHEMAS_DIR } from '../../scripts/flow-validators.js'

const unavailable = coreUnavailable()
if (unavailable && !coreRequired())
  console.log(`Flow schemas not regenerated (${unavailable}): skipped`)

describe('the bundled flow schemas', () => {
  it.skipIf(unavailable !== undefined && !coreRequired())(
    'are what npm run schemas makes from the released cores',
    async () => {
      expect(await schemaFiles()).toEqual(committedFiles(SCHEMAS_DIR))
    },
    900_000
  )
})
