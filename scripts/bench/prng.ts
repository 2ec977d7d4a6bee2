/** A small seeded PRNG (mulberry32): the synthetic repository is the same on every run. */
export interface Prng {
  /** Integer in [0, max). */
  int(max: number): number
  pick<T>(items: readonly T[]): T
  weighted<T>(choices: readonly (readonly [T, number])[]): T
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (max: number) => Math.floor(next() * max)
  return {
    int,
    pick: (items) => items[int(items.length)]!,
    weighted(choices) {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0)
      let roll = next() * total
      for (const [value, weight] of choices) {
        roll -= weight
        if (roll < 0) return value
      }
      return choices[choices.length - 1]![0]
    }
  }
}
