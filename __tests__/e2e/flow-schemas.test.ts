/**
 * The flow schemas the bundle carries (src/resources/flows/decide-schemas.ts) are what `npm run schemas` makes from
 * the released core jars now (docs/validation-rules.md#the-schema-of-each-release). It needs Java 21+ and Maven;
 * without them it is skipped, unless `KESTRA_CORE_REQUIRED=1` makes that a failure.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { coreRequired, coreUnavailable } from '../../test-support/kestra-core.js'
import { SCHEMAS_MODULE, schemasModule } from '../../scripts/flow-schemas.js'

const unavailable = coreUnavailable()
if (unavailable && !coreRequired())
  console.log(`Flow schemas not regenerated (${unavailable}): skipped`)

describe('the bundled flow schemas', () => {
  it.skipIf(unavailable !== undefined && !coreRequired())(
    'are what npm run schemas makes from the released cores',
    async () => {
      expect(await schemasModule()).toBe(readFileSync(SCHEMAS_MODULE, 'utf8'))
    },
    900_000
  )
})
