/**
 * A script's flags, read strictly by Node's `util.parseArgs`: `--help` (or `-h`) prints the script's usage and
 * exits 0; a flag it does not know, or one missing its value, is said on one line and exits 2 before the script
 * does anything.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

export function scriptFlags<const O extends Options>(
  script: string,
  usage: string,
  options: O,
  {
    args = process.argv.slice(2),
    positionals = false
  }: { args?: string[]; positionals?: boolean } = {}
) {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage)
    process.exit(0)
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals })
  } catch (error) {
    process.stderr.write(`${script}: ${(error as Error).message}; --help lists the flags\n`)
    process.exit(2)
  }
}
