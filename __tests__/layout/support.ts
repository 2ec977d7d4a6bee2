import { resolve } from 'node:path'
import { loadAtCommit } from '../../src/layout/work-tree-reuse.js'
import { GitTree } from '../../src/adapters/git/git-tree.js'
import { loadRepository, type LoadHooks } from '../../src/layout/load.js'
import { walkedOf, type Walked } from '../../src/layout/walked.js'
import { WALK } from '../../src/resources/registry.js'
import type { RepoModel } from '../../src/model/repository.js'
import { WorkTree } from '../../src/adapters/git/work-tree.js'
import { readIndexBlobs } from '../../src/adapters/git/git.js'
import { parseSettings } from '../../src/config/settings.js'
import { type InputName } from '../../src/model/inputs/declared.js'
import { type Settings } from '../../src/model/settings.js'

/**
 * Settings as the runner would parse them from these inputs, the layout `tenant` unless given (or the
 * namespace input is): what `auto` chooses is tested on its own (choose-layout.test.ts).
 */
export function settingsWith(inputs: Partial<Record<InputName, string>>): Settings {
  const layout = inputs.namespace ? '' : 'tenant'
  return parseSettings((name) => inputs[name] ?? (name === 'layout' ? layout : ''))
}

export function flow(id: string, namespace: string): string {
  return `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
}

/** A model as the walk read it, with what it placed as flows and as namespace files beside it. */
export type Loaded = RepoModel & Walked

function withWalked(model: RepoModel): Loaded {
  return { ...model, ...walkedOf(model, WALK) }
}

/** The work tree under `workspace` read as a run reads it. */
export async function loadWorkTree(
  settings: Settings,
  workspace: string,
  hooks: Omit<LoadHooks, 'walk'> = {},
  { indexed = false }: { indexed?: boolean } = {}
): Promise<Loaded> {
  const index = indexed ? readIndexBlobs(resolve(workspace, settings.root)) : undefined
  const tree = new WorkTree(workspace, settings.root, index)
  return withWalked(await loadRepository(tree, settings, { walk: WALK, ...hooks }))
}

/**
 * Commit `sha` read as a run reads the base commit; with `current` (the work tree's model), files the
 * work tree holds unchanged are taken from it. Undefined when the commit is not in the history.
 */
export async function loadCommit(
  settings: Settings,
  workspace: string,
  sha: string,
  current?: RepoModel
): Promise<Loaded | undefined> {
  const tree = await GitTree.open(workspace, sha, settings.root)
  if (!tree) return undefined
  try {
    return withWalked(
      current
        ? await loadAtCommit(tree, settings, { current, walk: WALK })
        : await loadRepository(tree, settings, { walk: WALK })
    )
  } finally {
    await tree.close()
  }
}
