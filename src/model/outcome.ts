/**
 * A read that has ended, well or not: reads start early and are used later, so no rejection is left unhandled
 * meanwhile, and the user of the read decides what a failure means.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown }

export function settle<T>(pending: Promise<T>): Promise<Outcome<T>> {
  return pending.then(
    (value): Outcome<T> => ({ ok: true, value }),
    (error: unknown): Outcome<T> => ({ ok: false, error })
  )
}

/** The value of a read, or its error thrown where the value is needed. */
export async function valueOf<T>(outcome: Promise<Outcome<T>>): Promise<T> {
  return valueOfEnded(await outcome)
}

/** The value of a read that has ended (a snapshot holds them so), or its error thrown here. */
export function valueOfEnded<T>(ended: Outcome<T>): T {
  if (ended.ok) return ended.value
  throw ended.error
}
