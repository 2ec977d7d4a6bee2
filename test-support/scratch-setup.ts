/**
 * Global setup of both projects: every temporary folder of the run goes under one folder (`KGA_SCRATCH`),
 * removed when the run ends. The first project's setup makes it; the other's finds it.
 */
import { scratchTmpdir } from './scratch.js'

export default function setup(): () => void {
  if (process.env.KGA_SCRATCH) return () => {}
  const scratch = scratchTmpdir('kga-tests-')
  process.env.KGA_SCRATCH = scratch.dir
  return scratch.remove
}
