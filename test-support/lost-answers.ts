/**
 * Faults of the Kestra emulator that lose a write's answer: the k-th write request (and each retry of that
 * same request) is applied and then answered 502 by a proxy, or applied and then its connection reset, or
 * answered 502 without reaching Kestra. The client cannot tell which from what it receives.
 */
import { WRITE_ROUTES, type Fault, type LoggedRequest } from './kestra-emulator/index.js'

export type LostAnswer = 'applied, then 502' | 'not applied, 502' | 'applied, then reset'

export const LOST_ANSWERS: readonly LostAnswer[] = [
  'applied, then 502',
  'not applied, 502',
  'applied, then reset'
]

/** Attempts the action makes of one request (docs/guarantees.md#retries-and-deadlines). */
const ATTEMPTS = 4

/**
 * The k-th write request loses its answer, as `how` says. `attempts`: how many of its attempts do (all of
 * them by default, so the action never learns the outcome; 1: its retry goes through).
 */
export function lostAnswer(k: number, how: LostAnswer, attempts = ATTEMPTS): Fault {
  let seen = 0
  let target: string | undefined
  const key = (r: LoggedRequest) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`
  return {
    route: WRITE_ROUTES,
    times: attempts,
    where: (request) => {
      if (target !== undefined) return key(request) === target
      if (++seen !== k) return false
      target = key(request)
      return true
    },
    ...(how !== 'not applied, 502' && { afterHandling: true }),
    ...(how === 'applied, then reset' ? { reset: true } : { status: 502 })
  }
}
