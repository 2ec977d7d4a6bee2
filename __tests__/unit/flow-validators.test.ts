/**
 * The flow validators the build carries (generated/flow-validators/) are what `npm run validators` makes of the
 * committed schemas (docs/validation-rules.md#the-schema-of-each-release). A check of the source tree, as the
 * module generated from action.yml is: it runs in the house project (`npm run lint`, `npm test`), not in the unit
 * loop, where Ajv's standalone code of both schemas took a tenth of the loop's CPU time.
 */
import { describe, expect, it } from 'vitest'
import { committedFiles, VALIDATORS_DIR, validatorFiles } from '../../scripts/flow-validators.js'

describe('the bundled flow validators', () => {
  it('are what Ajv makes of the committed schemas (run `npm run validators` when this fails)', () => {
    expect(committedFiles(VALIDATORS_DIR)).toEqual(validatorFiles())
  })
})
