import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseErrorBody } from '../../../src/adapters/kestra/errors.js'
import { isTenantScoped } from '../../../src/adapters/kestra/api-version.js'
import { parseVersion } from '../../../src/model/version.js'
import { uploadFileName } from '../../../src/adapters/kestra/files.js'
import { withoutRevisionLine } from '../../../src/model/flow-source.js'
import {
  backoffMs,
  retryAfterMs,
  retryPolicy,
  transientReason
} from '../../../src/adapters/kestra/transport.js'
import { formBody } from '../../../src/adapters/kestra/transport.js'
import { parseMultipart } from '../../../test-support/kestra-emulator/multipart.js'
import { runs } from '../../../test-support/property-runs.js'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('parseErrorBody', () => {
  it('reads a Micronaut JsonError with its embedded violations', () => {
    const body = {
      message: 'Invalid entity: flow.id: Flow id already exists',
      _embedded: { errors: [{ message: 'Flow id already exists', path: 'flow.id' }] }
    }
    expect(parseErrorBody(bytes(JSON.stringify(body)), 'HTTP 422')).toEqual({
      message: 'Invalid entity: flow.id: Flow id already exists',
      violations: [{ message: 'Flow id already exists', path: 'flow.id' }]
    })
  })

  it('reads problem+json detail, then title, then the violations', () => {
    const problem = {
      title: 'Invalid entity',
      detail: 'Validation failed',
      errors: [{ detail: 'bad', pointer: '/id', path: 'id' }]
    }
    expect(parseErrorBody(bytes(JSON.stringify(problem)), 'x')).toEqual({
      message: 'Validation failed: id: bad',
      violations: [{ message: 'bad', pointer: '/id', path: 'id' }]
    })
    expect(parseErrorBody(bytes('{"title":"Forbidden"}'), 'x').message).toBe('Forbidden')
    expect(
      parseErrorBody(bytes('{"_embedded":{"errors":[{"message":"m","path":"p"}]}}'), 'x').message
    ).toBe('p: m')
  })

  it('tolerates empty and HTML bodies', () => {
    expect(parseErrorBody(new Uint8Array(), 'HTTP 404').message).toBe('HTTP 404')
    expect(parseErrorBody(bytes('<html><body>Bad gateway</body></html>'), 'HTTP 502').message).toBe(
      'HTTP 502'
    )
    expect(parseErrorBody(bytes('plain words'), 'HTTP 500').message).toBe('plain words')
  })
})

describe('era', () => {
  it('parses versions', () => {
    expect(parseVersion('1.3.0-SNAPSHOT')).toEqual([1, 3, 0])
    expect(parseVersion('0.20.7')).toEqual([0, 20, 7])
    expect(parseVersion('develop')).toBeUndefined()
    expect(parseVersion(undefined)).toBeUndefined()
  })

  it('scopes routes by tenant from 0.23, and before only for an EE tenant', () => {
    expect(isTenantScoped([0, 22, 9], 'OSS', 'main')).toBe(false)
    expect(isTenantScoped([0, 23, 0], 'OSS', 'main')).toBe(true)
    expect(isTenantScoped([1, 3, 2], 'OSS', 'main')).toBe(true)
    expect(isTenantScoped([0, 20, 0], 'EE', 'acme')).toBe(true)
    expect(isTenantScoped([0, 20, 0], 'EE', 'main')).toBe(false)
  })
})

describe('retry helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000)
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs('soon')).toBeUndefined()
    expect(retryAfterMs(undefined)).toBeUndefined()
  })

  it('backs off exponentially with jitter, capped', () => {
    const policy = retryPolicy({ baseDelayMs: 500 })
    expect(backoffMs(policy, 1, () => 1)).toBe(500)
    expect(backoffMs(policy, 3, () => 1)).toBe(2000)
    expect(backoffMs(policy, 3, () => 0)).toBe(1000)
    expect(backoffMs(policy, 20, () => 1)).toBe(15_000)
    expect(policy).toEqual({ maxAttempts: 4, maxWaitMs: 60_000, baseDelayMs: 500 })
  })

  it('recognises transient network failures, also as a cause', () => {
    expect(transientReason(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(
      'ECONNRESET'
    )
    expect(
      transientReason(
        new Error('fetch failed', {
          cause: Object.assign(new Error('y'), { code: 'UND_ERR_SOCKET' })
        })
      )
    ).toBe('UND_ERR_SOCKET')
    expect(transientReason(new Error('socket hang up'))).toBe('socket hang up')
    expect(
      transientReason(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
    ).toBeUndefined()
  })
})

describe('uploads', () => {
  it('never sends a multipart file name ending in .zip', () => {
    expect(uploadFileName('/data/archive.zip')).toBe('archive.zip.upload')
    expect(uploadFileName('/data/ARCHIVE.ZIP')).toBe('ARCHIVE.ZIP.upload')
    expect(uploadFileName('/scripts/run.py')).toBe('run.py')
    expect(uploadFileName('/')).toBe('file')
  })
})

describe('multipart bodies (undici FormData), read back as the emulator reads Kestra uploads', () => {
  /** Names and file names as Kestra reads them: quotes and line breaks escaped as browsers do. */
  const escaped = (text: string) =>
    text.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
  const name = fc.string({ minLength: 1 }).filter((text) => !/[\r\n]/.test(text))

  it('keeps any file part byte for byte, whatever the bytes hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), name, async (bytes, filename) => {
        const { contentType, body } = await formBody([['fileContent', new Blob([bytes]), filename]])
        const parts = parseMultipart(Buffer.from(body), contentType)
        expect(parts).toEqual([
          {
            name: 'fileContent',
            filename: escaped(filename),
            contentType: 'application/octet-stream',
            data: Buffer.from(bytes)
          }
        ])
      }),
      { numRuns: runs(300, 80) }
    )
  })

  it('keeps any text fields in order, their line breaks sent as CRLF', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(name, fc.string())), async (fields) => {
        const { contentType, body } = await formBody(fields)
        const parts = parseMultipart(Buffer.from(body), contentType)
        expect(parts.map((part) => [part.name, part.data.toString('utf8')])).toEqual(
          fields.map(([field, value]) => [escaped(field), value.replace(/\r\n|\r|\n/g, '\r\n')])
        )
      }),
      { numRuns: runs(300, 80) }
    )
  })
})

describe('withoutRevisionLine', () => {
  it('removes only the first revision line', () => {
    expect(withoutRevisionLine('id: a\nrevision: 4\nx: 1\nrevision: 5\n')).toBe(
      'id: a\nx: 1\nrevision: 5\n'
    )
    expect(withoutRevisionLine('id: a\n  revision: 4\n')).toBe('id: a\n  revision: 4\n')
  })
})
