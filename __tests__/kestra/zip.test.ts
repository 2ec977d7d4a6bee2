import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/kestra/errors.js'
import type { HttpResponse } from '../../src/kestra/transport.js'
import { readZip } from '../../src/kestra/zip.js'

function answer(body: Uint8Array): HttpResponse {
  return { method: 'GET', path: '/export', status: 200, headers: {}, body, attempts: 1 }
}

const text = new TextEncoder().encode('select 1;\n'.repeat(500))
const binary = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)

describe('readZip', () => {
  for (const level of [0, 6] as const) {
    it(`reads every file of a ${level === 0 ? 'stored' : 'deflated'} archive byte for byte, folders left out`, () => {
      const zip = zipSync(
        {
          'sql/q.sql': text,
          'img/logo.png': binary,
          'empty/': new Uint8Array(0),
          'ü.txt': new Uint8Array([1])
        },
        { level }
      )
      const entries = readZip(answer(zip))
      expect([...entries.keys()].sort()).toEqual(['img/logo.png', 'sql/q.sql', 'ü.txt'])
      expect(Buffer.from(entries.get('sql/q.sql')!).equals(Buffer.from(text))).toBe(true)
      expect(Buffer.from(entries.get('img/logo.png')!).equals(Buffer.from(binary))).toBe(true)
    })
  }

  it('reads an empty answer as no files', () => {
    expect(readZip(answer(new Uint8Array(0))).size).toBe(0)
  })

  it('says the answer is not a zip archive when it is not one', () => {
    const broken = zipSync({ 'a.txt': text }, { level: 0 }).subarray(0, 200)
    expect(() => readZip(answer(broken))).toThrow(ApiError)
    expect(() => readZip(answer(new TextEncoder().encode('<html>login</html>')))).toThrow(
      /not a readable zip archive/
    )
  })
})
