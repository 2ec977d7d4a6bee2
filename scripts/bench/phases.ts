import { parseSettings, INPUT_DEFAULTS } from '../../src/settings.js'
import { loadRepository } from '../../src/repo/load.js'
import { validateRepository } from '../../src/validate/index.js'
import { checkReferences } from '../../src/run/references.js'
import { baseFromGit } from '../../src/run/base.js'
import { desiredState } from '../../src/run/desired.js'
import { readProblemFindings } from '../../src/run/findings.js'
import { unmanagedFindings } from '../../src/run/unmanaged.js'
const dir = process.argv[2]!, base = process.argv[3]!
const settings = parseSettings((n) => (n === 'server' ? 'http://127.0.0.1:1' : INPUT_DEFAULTS[n]))
let t = performance.now()
const lap = (name: string) => { const now = performance.now(); console.log(name.padEnd(20), (now - t).toFixed(0)); t = now }
const model = await loadRepository(settings, dir); lap('load')
validateRepository(model, { layout: settings.layout }); lap('validate')
readProblemFindings(model); unmanagedFindings(model); lap('misc')
await checkReferences(model, undefined); lap('references')
await desiredState(model); lap('desired')
await baseFromGit(settings, dir, base); lap('baseFromGit')
