import type { RunContext } from '../model/context.js'
import { planFilePath } from './plan-file.js'
import type { Settings } from '../model/settings.js'

/** The action's own name: the start of its markers, plan file, annotation titles and KV keys. */
const ACTION_NAME = 'kestra-gitops'

/**
 * The names a run shows as they are, known before it reads anything (docs/security.md): repository, servers,
 * tenant, namespaces, comment key, computed paths, commits. A credential inside one is that name, not a leak.
 */
export function publicNames(
  settings: Settings,
  context: RunContext,
  kestra: { server: string | undefined; upgradeServer: string | undefined }
): string[] {
  const repository = context.owner && context.repo ? `${context.owner}/${context.repo}` : ''
  return [
    ACTION_NAME,
    repository,
    context.owner,
    context.repo,
    context.serverUrl,
    repository && `${context.serverUrl}/${repository}`,
    context.apiUrl,
    kestra.server ?? '',
    kestra.upgradeServer ?? '',
    settings.tenant,
    settings.commentKey,
    settings.namespace ?? '',
    ...settings.extraNamespaces,
    ...settings.namespaceFiles.map((mapping) => mapping.namespace),
    context.workspace,
    context.runnerTemp,
    planFilePath(context.runnerTemp, settings.commentKey),
    context.sha,
    context.pullRequest?.baseSha ?? '',
    context.push?.before ?? ''
  ].filter((name) => name !== '')
}
