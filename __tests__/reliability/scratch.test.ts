import { it } from 'vitest'
import { startStage } from './stage.js'
import { BASE, CHANGE } from './scenario.js'
it('scratch', async () => {
  let t = Date.now()
  const s = await startStage({ base: BASE, change: CHANGE })
  console.log('stage', Date.now() - t); t = Date.now()
  const p = await s.plan({ delete: 'true' })
  console.log('plan', Date.now() - t); t = Date.now()
  const d = await s.deploy({ delete: 'true' })
  console.log('deploy', Date.now() - t); t = Date.now()
  console.log(s.github.requests.map(r => r.method + ' ' + r.path).join('\n'))
  await s.close()
})
