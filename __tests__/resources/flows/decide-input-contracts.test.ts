/**
 * What a subflow input refuses when the task runs (docs/kestra.md#subflow-inputs): numbers that parse, dates
 * that exist, any text for a BOOLEAN or a STRING; `required` is true unless set to false.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  declaredInputs,
  refusal,
  sameInputs,
  type DeclaredInput
} from '../../../src/resources/flows/decide-input-contracts.js'

const input = (type: string, extra: Partial<DeclaredInput> = {}): DeclaredInput => ({
  id: 'x',
  type,
  required: true,
  hasDefaults: false,
  ...extra
})

describe('literal values against an input type', () => {
  it('INT takes every 32-bit integer and refuses any text that is not one', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        expect(refusal(input('INT'), String(n))).toBeUndefined()
        expect(refusal(input('INT'), `${n}x`)).toBeDefined()
        expect(refusal(input('INT'), `${n}.5`)).toBeDefined()
        expect(refusal(input('INT'), String(n < 0 ? n - 2 ** 32 : n + 2 ** 32))).toBeDefined()
      })
    )
  })

  it('BOOLEAN and STRING refuse nothing', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(refusal(input('BOOLEAN'), text)).toBeUndefined()
        expect(refusal(input('STRING'), text)).toBeUndefined()
      })
    )
  })

  it('DATE takes the days that exist', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
        (d) => {
          expect(refusal(input('DATE'), d.toISOString().slice(0, 10))).toBeUndefined()
          expect(refusal(input('DATETIME'), d.toISOString())).toBeUndefined()
        }
      )
    )
    expect(refusal(input('DATE'), '2026-02-30')).toBeDefined()
  })

  it('a closed ENUM refuses other values; min and max bound numbers', () => {
    expect(refusal(input('ENUM', { values: ['a', 'b'] }), 'c')).toBeDefined()
    expect(refusal(input('ENUM', { values: ['a', 'b'] }), 'a')).toBeUndefined()
    expect(refusal(input('INT', { min: 1, max: 3 }), '4')).toMatch(/max 3/)
  })
})

describe('declared inputs', () => {
  it('required unless set to false; defaults, name or id; a reordering of keys is the same contract', () => {
    const a =
      'id: f\nnamespace: n\ninputs:\n  - id: r\n    type: STRING\n  - name: o\n    type: INT\n    required: false\n    defaults: 1\n'
    const b =
      'id: f\nnamespace: n\ninputs:\n  - type: STRING\n    id: r\n  - name: o\n    required: false\n    type: INT\n    defaults: 1\n'
    expect(declaredInputs(a)).toEqual([
      { id: 'r', type: 'STRING', required: true, hasDefaults: false },
      { id: 'o', type: 'INT', required: false, hasDefaults: true }
    ])
    expect(sameInputs(a, b)).toBe(true)
  })
})
