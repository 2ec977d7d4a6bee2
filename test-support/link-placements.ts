/**
 * Placements of a symbolic link on the way to `root` (docs/inputs.md#reading-inputs): which of root's folders
 * is the link, a chain of links or one, relative or absolute targets, and where the chain ends. For the unit
 * property and the one through the bundled CLI.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import fc from 'fast-check'

/** A flow in the folder outside the workspace: its text must never reach any output. */
export const OUTSIDE_FLOW =
  'id: outside_secret\nnamespace: team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: OUTSIDE-MARKER-7f3a\n'

const INSIDE_FLOW =
  'id: inside\nnamespace: team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n'

/** Where a link's chain ends. */
type Ending = 'outside' | 'inside' | 'nowhere' | 'loop' | 'workspace-parent'

export interface LinkPlacement {
  /** Root's folders, e.g. ['a', 'b', 'c']. */
  root: string[]
  /** Which of them is a link (the first link on the way). */
  at: number
  /** Links before the end: 0 is a direct link, 2 a chain of three. */
  chain: number
  absolute: boolean
  ending: Ending
}

export const linkPlacements = fc.record({
  root: fc.array(fc.constantFrom('kestra', 'src', 'flows', 'a.b'), { minLength: 1, maxLength: 3 }),
  at: fc.nat(),
  chain: fc.nat({ max: 2 }),
  absolute: fc.boolean(),
  ending: fc.constantFrom<Ending>('outside', 'inside', 'nowhere', 'loop', 'workspace-parent')
})

/** A workspace and a folder beside it; root's folder at `at` is a link whose chain ends as asked. */
export function buildLinkPlacement(placement: LinkPlacement) {
  const top = mkdtempSync(join(tmpdir(), 'kga-links-'))
  const workspace = join(top, 'workspace')
  const outside = join(top, 'outside')
  mkdirSync(join(outside, 'team', 'flows'), { recursive: true })
  writeFileSync(join(outside, 'team', 'flows', 'secret.yml'), OUTSIDE_FLOW)
  mkdirSync(join(workspace, 'real', 'x', 'y', 'z'), { recursive: true })
  const at = Math.min(placement.at, placement.root.length - 1)
  const onTheWay = placement.root.slice(0, at)
  const linkDir = join(workspace, ...onTheWay)
  mkdirSync(linkDir, { recursive: true })
  const ends: Record<Ending, string> = {
    outside,
    inside: join(workspace, 'real'),
    nowhere: join(workspace, 'missing'),
    loop: join(linkDir, 'loop-end'),
    'workspace-parent': top
  }
  // The rest of root under the end, so that a root that stays inside exists.
  const rest = placement.root.slice(at + 1)
  if (placement.ending === 'inside' || placement.ending === 'outside') {
    mkdirSync(join(ends[placement.ending], ...rest), { recursive: true })
    writeFileSync(
      join(ends[placement.ending], ...rest, 'flow.yml'),
      placement.ending === 'outside' ? OUTSIDE_FLOW : INSIDE_FLOW
    )
  }
  const chain = Array.from({ length: placement.chain }, (_, i) => join(workspace, `hop-${i}`))
  const hops = [join(linkDir, placement.root[at]!), ...chain]
  const target = (from: string, to: string) =>
    placement.absolute ? to : relative(dirname(from), to) || '.'
  hops.forEach((hop, i) => symlinkSync(target(hop, hops[i + 1] ?? ends[placement.ending]), hop))
  if (placement.ending === 'loop') symlinkSync(target(ends.loop, hops[0]!), ends.loop)
  return {
    workspace,
    outside,
    root: placement.root.join('/'),
    link: placement.root.slice(0, at + 1).join('/'),
    escapes: placement.ending !== 'inside',
    done: () => rmSync(top, { recursive: true, force: true })
  }
}
