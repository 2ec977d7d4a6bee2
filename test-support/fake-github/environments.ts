/**
 * The repository's environments (https://docs.github.com/rest/deployments/environments#list-environments):
 * `{total_count, environments}`, paged; a deployment to a new name creates one. Reading them needs the
 * Actions permission (read), not Deployments.
 */
import { pageOf } from './http.js'
import { apiUrl, htmlUrl, type Route, type World } from './world.js'

export function ensureEnvironment(world: World, name: string): void {
  if (world.state.environments.has(name)) return
  const now = world.tick()
  world.state.environments.set(name, {
    id: world.nextId(),
    name,
    created_at: now,
    updated_at: now
  })
}

export const environmentRoutes: Route[] = [
  {
    method: 'GET',
    path: /^\/environments$/,
    scopes: ['actions'],
    access: 'read',
    docs: 'https://docs.github.com/rest/deployments/environments#list-environments',
    handle: (req, _match, world) => {
      const all = [...world.state.environments.values()]
      const { page, perPage, link } = pageOf(req, all.length)
      const environments = all.slice((page - 1) * perPage, page * perPage).map((e) => ({
        id: e.id,
        name: e.name,
        url: apiUrl(world, `/environments/${encodeURIComponent(e.name)}`),
        html_url: htmlUrl(world, `/deployments/activity_log?environments_filter=${e.name}`),
        created_at: e.created_at,
        updated_at: e.updated_at,
        protection_rules: [],
        deployment_branch_policy: null
      }))
      return { status: 200, body: { total_count: all.length, environments }, headers: link }
    }
  }
]
