/**
 * Untrusted text with workflow commands in it at any position, drawn by fast-check: every command the runner
 * registers, in any case, in the `::name props::data` and legacy `##[name props]data` forms, after any line
 * break and any white space the runner trims, and the resumption of a stop the text itself began.
 */
import fc from 'fast-check'
import { REGISTERED_COMMANDS } from './workflow-commands.js'

/** What only injected text holds: a command carrying it is not the action's. */
export const MARKER = 'PWNED'

const LEADS = ['', '\n', '\r', '\r\n', '\n  ', '\n\t', '\n\u00a0', '\n\u0085', '\n\u3000', '\u2028']

const injected = fc
  .record({
    lead: fc.constantFrom(...LEADS),
    legacy: fc.boolean(),
    name: fc.constantFrom(...REGISTERED_COMMANDS, `${MARKER}-token`),
    upper: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
    properties: fc.constantFrom(
      '',
      ` file=${MARKER}.yml,line=1`,
      ` name=${MARKER}`,
      ` title=${MARKER}`
    ),
    n: fc.nat({ max: 9 })
  })
  .map(({ lead, legacy, name, upper, properties, n }) => {
    const cased = [...name].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join('')
    const data = name === 'stop-commands' ? `${MARKER}-token` : `${MARKER}-${n}`
    return legacy
      ? `${lead}##[${cased}${properties.replace(/,/g, ';')}]${data}`
      : `${lead}::${cased}${properties}::${data}`
  })

/** Text with commands embedded anywhere, and plain text between them. */
export const untrustedText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(injected, fc.string({ maxLength: 8 }), fc.constantFrom('\n', '\r', ' ::', '##[')),
    {
      minLength: 1,
      maxLength: 8
    }
  )
  .map((parts) => parts.join(''))
