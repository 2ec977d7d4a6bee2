/**
 * The snapshot gather/ hands decide/ is plain (docs/architecture.md): every read in it has ended, no
 * promise at any depth. A type-level test, checked by `npm run typecheck`; the runtime half shows the
 * checker sees a promise where one is.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { Snapshot } from '../../src/model/snapshot.js'

type Deeper<Depth extends unknown[]> = [...Depth, unknown]

/** `true` when a promise is reachable in `T` (through fields, arrays, maps and sets), else `false`. */
type HoldsPromise<T, Depth extends unknown[] = []> = Depth['length'] extends 8
  ? false
  : T extends PromiseLike<unknown>
    ? true
    : T extends (...args: never[]) => unknown
      ? false
      : T extends ReadonlyMap<infer K, infer V>
        ? HoldsPromise<K, Deeper<Depth>> | HoldsPromise<V, Deeper<Depth>>
        : T extends ReadonlySet<infer V>
          ? HoldsPromise<V, Deeper<Depth>>
          : T extends readonly (infer E)[]
            ? HoldsPromise<E, Deeper<Depth>>
            : T extends object
              ? { [K in keyof T]-?: HoldsPromise<T[K], Deeper<Depth>> }[keyof T]
              : false

/** Whether a promise is reachable anywhere in `T`. */
type Holds<T> = true extends HoldsPromise<T> ? true : false

describe('the snapshot', () => {
  it('holds no promise at any depth: gather ends every read before decide starts', () => {
    expectTypeOf<Holds<Snapshot>>().toEqualTypeOf<false>()
    // The check sees a promise wherever one is.
    expectTypeOf<Holds<{ a: { b: readonly Promise<1>[] } }>>().toEqualTypeOf<true>()
    expectTypeOf<Holds<{ a?: ReadonlyMap<string, Promise<1>> }>>().toEqualTypeOf<true>()
    expectTypeOf<Holds<Omit<Snapshot, 'base'> & { base: Promise<1> }>>().toEqualTypeOf<true>()
  })
})
