/**
 * The released Kestra lines whose own code the tests run: the newest release of each long-term-support line
 * that Maven Central serves with its platform BOM (1.3.32 and later 1.3 jars exist, their BOM does not).
 * The core judge (`kestra-core.ts`), the schema generator and the engine (`kestra-engine.ts`) all take their
 * versions from here; docs/kestra.md says why these two.
 */
export const KESTRA_RELEASES = { '1.3': '1.3.31', '2.0': '2.0.0' } as const

export type KestraLine = keyof typeof KESTRA_RELEASES

export const KESTRA_LINES = Object.keys(KESTRA_RELEASES) as KestraLine[]
