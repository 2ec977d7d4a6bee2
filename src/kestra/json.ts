import { ApiError } from './errors.js'
import type { HttpResponse } from './transport.js'

/** The JSON body of a successful answer; an ApiError when it is not JSON (a proxy page, a wrong URL…). */
export function readJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(response.body))
  } catch {
    throw new ApiError({
      status: response.status,
      method: response.method,
      path: response.path,
      serverMessage: 'the answer is not JSON (is the server input the base URL of a Kestra server?)'
    })
  }
}

export function readJsonObject(response: HttpResponse): Record<string, unknown> {
  const value = readJson(response)
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return value as Record<string, unknown>
  }
  throw new ApiError({
    status: response.status,
    method: response.method,
    path: response.path,
    serverMessage: 'expected a JSON object in the answer'
  })
}

export function readJsonArray(response: HttpResponse): unknown[] {
  const value = readJson(response)
  if (Array.isArray(value)) return value
  throw new ApiError({
    status: response.status,
    method: response.method,
    path: response.path,
    serverMessage: 'expected a JSON array in the answer'
  })
}
