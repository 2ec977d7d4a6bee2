/**
 * What the drift pull request commits to Git (docs/drift.md#the-drift-pull-request, docs/security.md), over
 * the whole input space: a credential of any characters, in any form a reader decodes (YAML escapes per
 * character, escaped line breaks, folds, JSON, HTML, percent, base64, split across lines), inside a flow's
 * source or a namespace file stored in any text encoding the action detects (UTF-8 with or without a BOM,
 * UTF-16LE/BE with or without one), never reaches a written blob in any form the test reader decodes from
 * the bytes; such a resource is named as not brought back instead. A resource without a credential is
 * written byte for byte: the check decides on the real bytes, never on a redacted copy.
 */
import { readByLayout } from '../../../src/resources/resource.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { driftTree } from '../../../src/engine/drift/reports.js'
import type { DriftedResource } from '../../../src/model/drift.js'
import { credentialsFrom } from '../../../src/report/redact/credentials.js'
import { hiddenCharacters, MIN_REDACTED_CHARACTERS } from '../../../src/report/output-edge.js'
import { OutputEdge } from '../../../src/report/output-edge.js'
import { readBackOf } from '../../../src/layout/read-back.js'
import { credentialLeaksInBytes } from '../../../test-support/credential-leaks.js'
import {
  BYTE_FORMS,
  describeForm,
  encodeCredential,
  formSpec
} from '../../../test-support/credential-forms.js'
import { settingsWith } from '../../layout/support.js'
import { fileDrift, flowDrift } from './fixtures.js'
import { DECIDE_KINDS, KINDS } from '../../../src/resources/registry.js'
import { runs } from '../../../test-support/property-runs.js'
import { anyCodePoint } from '../../../test-support/code-points.js'

const RUNS = Number(process.env.KGA_PROPERTY_RUNS ?? 300)
const SEED = Number(process.env.KGA_PROPERTY_SEED ?? 24_2026)
const NS = 'company.team'
const USERNAME = 'leak-user@example.com'

const ENCODINGS = ['utf8', 'utf8-bom', 'utf16le', 'utf16le-bom', 'utf16be', 'utf16be-bom'] as const
type Encoding = (typeof ENCODINGS)[number]

function encode(text: string, encoding: Encoding): Uint8Array {
  const bom = encoding.endsWith('-bom')
  if (encoding.startsWith('utf8')) return Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf8')
  const le = Buffer.from(`${bom ? '\ufeff' : ''}${text}`, 'utf16le')
  return encoding.startsWith('utf16be') ? le.swap16() : le
}

const anyCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('\\', '"', "'", ' ', '-', 'x', 'u', 'N', '_') },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) }
)
const credential = fc
  .array(anyCharacter, { minLength: 1, maxLength: 30 })
  .map((characters) => characters.join(''))
const surrounding = fc.string({ unit: fc.oneof(anyCharacter, fc.constant('\n')), maxLength: 12 })

const settings = settingsWith({ layout: 'tenant' })

function tree(items: DriftedResource[], serverFiles: Map<string, Uint8Array>, edge: OutputEdge) {
  return driftTree({
    items,
    serverCopies: serverFiles,
    holdsCredential: (bytes) => edge.holdsCredential(bytes),
    readByLayout: readByLayout(KINDS),
    kinds: DECIDE_KINDS,
    shape: {
      layout: 'tenant',
      rootRel: '',
      mappings: [],
      flowFiles: [{ file: `${NS}/flows/solo.yml`, namespace: NS }],
      paths: new Set([`${NS}/flows/solo.yml`, `${NS}/files/data.txt`]),
      readBack: readBackOf(settings, 'tenant', '')
    }
  })
}

describe('the drift pull request commits no credential, in any form or encoding', () => {
  it('leaves every form of a credential, in a flow or a file of any encoding, out of the written blobs', () => {
    fc.assert(
      fc.property(
        credential,
        formSpec,
        fc.constantFrom(...ENCODINGS),
        surrounding,
        surrounding,
        (secret, form, encoding, before, after) => {
          fc.pre(hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
          fc.pre(!BYTE_FORMS.includes(form.form))
          const edge = new OutputEdge(
            credentialsFrom([['password', secret]], { username: USERNAME, password: secret })
          )
          const spelled = encodeCredential(form, secret, USERNAME)
          const fileText = `${before}${spelled}${after}`
          const flowSource = `id: solo\nnamespace: ${NS}\ndescription: "${spelled}"\ntasks: []\n`
          // Without the credential, nothing reads as it: a leak is the spelling's.
          fc.pre(
            credentialLeaksInBytes(encode(`${before}·${after}`, encoding), secret).length === 0
          )
          const file = fileDrift(NS, '/data.txt', 'edited', {
            file: `${NS}/files/data.txt`,
            bytes: encode(fileText, encoding)
          })
          const flow = flowDrift(NS, 'solo', 'edited', {
            file: `${NS}/flows/solo.yml`,
            source: flowSource
          })
          const harmless = fileDrift(NS, '/clean.txt', 'only-in-kestra')
          const clean = encode(`${before}·${after}`, encoding)
          const { writes, notBroughtBack } = tree(
            [file, flow, harmless],
            new Map([[harmless.name, clean]]),
            edge
          )
          const where = `${describeForm(form)} in ${encoding}`
          for (const write of writes) {
            if (!write.content) continue
            expect(
              credentialLeaksInBytes(write.content, secret),
              `${where}: ${write.path}`
            ).toEqual([])
          }
          // Each resource whose bytes spell it is named instead; the clean one is written as it is.
          for (const item of [file, flow]) {
            const written = writes.some((w) => w.name === item.name)
            const named = notBroughtBack.find((n) => n.name === item.name)
            expect(written || /credential/.test(named?.reason ?? ''), where).toBe(true)
          }
          expect(writes.find((w) => w.name === harmless.name)?.content).toEqual(clean)
        }
      ),
      { numRuns: runs(RUNS, 80), seed: SEED }
    )
  })

  it('refuses the two cases seen: a YAML escaped line break in a flow, a UTF-16LE file', () => {
    const password = 'Kestra-Pa' + 'ssw0rd-42'
    const edge = new OutputEdge(credentialsFrom([['password', password]]))
    const flow = flowDrift(NS, 'solo', 'edited', {
      file: `${NS}/flows/solo.yml`,
      source: `id: solo\nnamespace: ${NS}\ndescription: "Kestra-Pa\\\n  ssw0rd-42"\ntasks: []\n`
    })
    const file = fileDrift(NS, '/data.txt', 'edited', {
      file: `${NS}/files/data.txt`,
      bytes: encode(`token=${password}\n`, 'utf16le')
    })
    const { writes, notBroughtBack } = tree([flow, file], new Map(), edge)
    expect(writes).toEqual([])
    expect(notBroughtBack.map((n) => [n.name, n.reason])).toEqual([
      [`${NS}.solo`, 'its content in Kestra holds a credential of this run: never written to Git'],
      [
        `${NS}:/data.txt`,
        'its content in Kestra holds a credential of this run: never written to Git'
      ]
    ])
  })
})
