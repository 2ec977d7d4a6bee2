/** Talks to the fake GitHub as a client would: JSON in, status, JSON and headers out. */
import type { FakeGitHub } from '../../../test-support/fake-github.js'

/** JSON as a test reads it, field by field (the fake's shapes are what the tests check). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export interface Answer<T = Json> {
  status: number
  body: T
  headers: Headers
}

export const REPO = '/repos/octo/kestra-repo'

export function client(fake: () => FakeGitHub) {
  return async function api<T = Json>(
    method: string,
    path: string,
    body?: unknown
  ): Promise<Answer<T>> {
    const response = await fetch(fake().url + path, {
      method,
      headers: { authorization: 'token ghs_test', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await response.text()
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers
    }
  }
}
