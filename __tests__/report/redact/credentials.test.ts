/**
 * docs/security.md, over the whole input space: a credential of any characters, written in any form a reader
 * decodes (and split across two lines), anywhere in untrusted text, reaches no output channel; a credential
 * inside a public name leaves that name intact; bounds cut at a character boundary.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { credentialLeaks } from '../../../test-support/credential-leaks.js'
import {
  BYTE_FORMS,
  describeForm,
  encodeCredential,
  formSpec
} from '../../../test-support/credential-forms.js'
import { credentialsFrom } from '../../../src/report/redact/credentials.js'
import {
  hiddenCharacters,
  MIN_REDACTED_CHARACTERS,
  weakCredentialWarning
} from '../../../src/report/output-edge.js'
import { bounded, OutputEdge } from '../../../src/report/output-edge.js'
import { utf16Patterns, utf16Spans } from '../../../src/report/redact/text-encodings.js'
import { CHANNELS } from './channels.js'
import { runs } from '../../../test-support/property-runs.js'
import { anyCodePoint } from '../../../test-support/code-points.js'

const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 300)
const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)
const USERNAME = 'leak-user@example.com'
const NAMES = ['kestra-gitops', 'octo/kestra-repo', 'https://github.com', 'company.team', 'main']

/** Any characters at all: controls, astral, combining marks, escapes' own introducers. */
const anyCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('\\', '&', '%', '+', ' ', '"', '<', '_', '#', ';', 'u') },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) }
)
const credential = fc
  .array(anyCharacter, { minLength: 1, maxLength: 40 })
  .map((characters) => characters.join(''))
const surrounding = fc.string({ unit: fc.oneof(anyCharacter, fc.constant('\n')), maxLength: 16 })

describe('redaction over decoded text, at every channel', () => {
  it('writes forms that the reader decodes: the detector finds each one alone', () => {
    fc.assert(
      fc.property(credential, formSpec, (secret, form) => {
        fc.pre(hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
        // UTF-16 read as UTF-8 keeps only what is valid UTF-8: ASCII survives, the rest may not.
        fc.pre(!BYTE_FORMS.includes(form.form) || /^[\x01-\x7f]*$/.test(secret))
        // A reader joining split lines drops the indentation after the break: white space there is ambiguous.
        fc.pre(!form.split || !/[ \t]/.test(secret))
        const written = encodeCredential(form, secret, USERNAME)
        expect(credentialLeaks(written, secret), describeForm(form)).not.toEqual([])
      }),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
  })

  it('leaves no decodable form of a credential in any channel', () => {
    fc.assert(
      fc.property(
        credential,
        formSpec,
        surrounding,
        surrounding,
        fc.constantFrom(...Object.keys(CHANNELS)),
        (secret, form, before, after, channelName) => {
          fc.pre(hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
          fc.pre(!NAMES.some((name) => name.includes(secret)))
          const edge = new OutputEdge(
            credentialsFrom([['password', secret]], { username: USERNAME, password: secret }),
            NAMES
          )
          const channel = CHANNELS[channelName]!
          // Without the credential the channel shows nothing that reads as it: a leak is the echo's.
          fc.pre(credentialLeaks(channel(edge, `${before}·${after}`), secret).length === 0)
          const output = channel(
            edge,
            `${before}${encodeCredential(form, secret, USERNAME)}${after}`
          )
          expect(
            credentialLeaks(output, secret),
            `${describeForm(form)} in the ${channelName}`
          ).toEqual([])
        }
      ),
      { numRuns: runs(RUNS * 4, 30), seed: SEED }
    )
  })

  it('keeps a public name whole when a credential lies inside it, and redacts the credential elsewhere', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES.filter((name) => name.length > 5)),
        fc.nat(),
        fc.nat(),
        formSpec,
        (name, from, length, form) => {
          // A part of the name, not all of it: every occurrence of a whole name is that name.
          const start = from % (name.length - 4)
          const secret = name.slice(start, start + 4 + (length % (name.length - start - 4)))
          fc.pre(secret !== name)
          fc.pre(hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
          const edge = new OutputEdge(credentialsFrom([['password', secret]]), NAMES)
          const text = `url ${name}/x and ${encodeCredential(form, secret)} alone`
          const shown = edge.text(text)
          expect(shown).toContain(`url ${name}/x and `)
          expect(credentialLeaks(shown.replace(name, ''), secret)).toEqual([])
        }
      ),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
  })

  it('warns once about a short credential or one inside a public name, naming only the inputs', () => {
    fc.assert(
      fc.property(credential, fc.constantFrom(...NAMES), (secret, name) => {
        const inName = name.slice(1, -1)
        const warning = weakCredentialWarning(
          credentialsFrom([
            ['password', secret],
            ['api-token', inName]
          ]),
          NAMES
        )!
        const passwordWeak = hiddenCharacters(secret) < 8 || NAMES.some((n) => n.includes(secret))
        expect(warning).toMatch(
          passwordWeak
            ? /^Weak credential \(password, api-token\)/
            : /^Weak credential \(api-token\)/
        )
        // The same words whatever the values: the warning cannot tell a reader anything about them.
        const other = weakCredentialWarning(
          credentialsFrom([
            ['password', passwordWeak ? sameClass(secret) : 'A-long-random-Pa55word'],
            ['api-token', sameClass(inName)]
          ]),
          NAMES
        )
        expect(warning).toBe(other)
      }),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
    const strong = credentialsFrom([['password', 'A-long-random-Pa55word']])
    expect(weakCredentialWarning(strong, NAMES)).toBeUndefined()
  })
})

describe('the shortcuts redaction takes', () => {
  it('finds a UTF-16 spelling holding a NUL byte only in text holding U+0000, so the others suffice elsewhere', () => {
    fc.assert(
      fc.property(credential, surrounding, surrounding, (secret, before, after) => {
        const patterns = utf16Patterns([secret])
        const withoutNul = patterns.filter((pattern) => !pattern.includes(0))
        for (const spelled of patterns) {
          const text = `${before}${spelled.toString('utf8')}${after}`
          const all = utf16Spans(text, patterns)
          if (!text.includes('\0')) expect(utf16Spans(text, withoutNul)).toEqual(all)
        }
      }),
      { numRuns: runs(RUNS * 4, 100), seed: SEED }
    )
  })

  it('shows every repeated string of a value as it shows it alone', () => {
    fc.assert(
      fc.property(
        credential,
        fc.array(surrounding, { minLength: 1, maxLength: 6 }),
        (secret, parts) => {
          fc.pre(hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
          const edge = new OutputEdge(credentialsFrom([['password', secret]]), NAMES)
          const texts = parts.flatMap((part) => [part, `${part}${secret}`, part])
          const shown = edge.shown({ texts, again: { texts }, diff: texts[1] })
          expect(shown.texts).toEqual(texts.map((text) => edge.message(text)))
          expect(shown.again.texts).toEqual(shown.texts)
          expect(shown.diff).toBe(edge.text(texts[1]!))
        }
      ),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
  })

  it('shows a string again as a fresh edge shows it, after the run learns a public name too', () => {
    const secret = 'Tr0ub4dor-3'
    const name = `team-${secret}-flows`
    const edge = new OutputEdge(credentialsFrom([['password', secret]]), NAMES)
    expect(edge.shown({ namespace: name })).toEqual({ namespace: 'team-***-flows' })
    // Shown once already: the same string is redacted the same way, not taken as shown before whatever changed.
    expect(edge.shown([name])).toEqual(['team-***-flows'])
    edge.learn([name])
    const fresh = new OutputEdge(credentialsFrom([['password', secret]]), [...NAMES, name])
    expect(edge.shown({ namespace: name })).toEqual(fresh.shown({ namespace: name }))
    expect(edge.shown({ namespace: name })).toEqual({ namespace: name })
  })
})

describe('bounds', () => {
  it('cut text at a character boundary within the limit, with a note, and leave short text alone', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: anyCodePoint, maxLength: 3000 }),
        fc.integer({ min: 4, max: 4096 }),
        (text, bytes) => {
          const cut = bounded(text, bytes)
          if (Buffer.byteLength(text) <= bytes) {
            expect(cut).toBe(text)
            return
          }
          const kept = cut.slice(0, cut.lastIndexOf(' … [cut at '))
          expect(text.startsWith(kept)).toBe(true)
          expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(bytes)
          expect(Buffer.byteLength(text.slice(0, kept.length + 2))).toBeGreaterThan(bytes)
          expect(cut).toMatch(/ … \[cut at [\d.]+ KiB of [\d,]+ bytes\]$/)
        }
      ),
      { numRuns: runs(RUNS, 100), seed: SEED }
    )
  })

  it('cut a 30 MB server warning to 2 KiB in an annotation and 4 KiB in a log line', () => {
    const edge = new OutputEdge(credentialsFrom([]))
    const huge = 'w'.repeat(30 * 1024 * 1024)
    for (const line of CHANNELS.annotation!(edge, huge).split('\n').filter(Boolean)) {
      expect(Buffer.byteLength(line)).toBeLessThan(2048 + 200)
    }
    for (const line of CHANNELS['log line']!(edge, huge).split('\n').filter(Boolean)) {
      expect(Buffer.byteLength(line)).toBeLessThan(4096 + 100)
    }
  })
})

/** A different weak value that redaction treats alike (hidden or not). */
function sameClass(secret: string): string {
  return hiddenCharacters(secret) < MIN_REDACTED_CHARACTERS ? 'x' : 'xyzw'
}
