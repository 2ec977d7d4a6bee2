/** Where the shared Kestra flow corpus is: `KESTRA_CORPUS`, else `../shared/corpus` beside the project. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PROJECT_ROOT } from './runner.js'

export const CORPUS_DIR = process.env.KESTRA_CORPUS ?? resolve(PROJECT_ROOT, '../shared/corpus')
export const CORPUS_PRESENT = existsSync(join(CORPUS_DIR, 'MANIFEST.tsv'))
if (!CORPUS_PRESENT) console.log(`Kestra corpus not found at ${CORPUS_DIR}: corpus tests skipped`)
