import { run } from './main.js'

// Awaited: a run left waiting on nothing ends with exit code 13 (a failed step), never a silent 0.
await run()
