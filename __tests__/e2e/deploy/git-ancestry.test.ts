import { afterAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import { gitIsAncestor } from '../../../src/adapters/git/ancestry.js'
import { createGitRepo } from '../../../test-support/git-repo.js'

const repo = createGitRepo({ 'team/flows/a.yml': 'v1' })
const A = repo.head()
const B = repo.commit({ 'team/flows/a.yml': 'v2' })
const C = repo.commit({ 'team/flows/a.yml': 'v3' })
const isAncestor = gitIsAncestor(repo.dir)
afterAll(() => rmSync(repo.dir, { recursive: true, force: true }))

const UNKNOWN = 'f'.repeat(40)

describe('gitIsAncestor', () => {
  it('answers from the checkout and says when it cannot tell', async () => {
    expect(await isAncestor(A, B)).toBe(true)
    expect(await isAncestor(B, B)).toBe(true)
    expect(await isAncestor(C, A)).toBe(false)
    expect(await isAncestor(A, UNKNOWN)).toBeUndefined()
    expect(await isAncestor('--help', A)).toBeUndefined()
  })
})
