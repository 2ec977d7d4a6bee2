/** The repository change every fault-matrix cell plans or deploys: two namespaces, every kind of write. */
import { flow } from '../../../test-support/scenario.js'
import type { Tree } from '../../reliability/expected-state.js'

export const TEAM = 'company.team'
export const DATA = 'company.data'

export const BASE: Tree = {
  [`${TEAM}/flows/alpha.yml`]: flow(TEAM, 'alpha'),
  [`${TEAM}/flows/beta.yml`]: flow(TEAM, 'beta'),
  [`${TEAM}/flows/gone.yml`]: flow(TEAM, 'gone'),
  [`${TEAM}/files/scripts/etl.py`]: 'print("etl v1")\n',
  [`${DATA}/flows/load.yml`]: flow(DATA, 'load')
}

export const CHANGE: Tree = {
  [`${TEAM}/flows/alpha.yml`]: flow(TEAM, 'alpha', ' v2'),
  [`${TEAM}/flows/gamma.yml`]: flow(TEAM, 'gamma'),
  [`${TEAM}/flows/gone.yml`]: null,
  [`${TEAM}/files/scripts/etl.py`]: 'print("etl v2")\n',
  [`${TEAM}/files/sql/query.sql`]: 'select 1;\n',
  [`${DATA}/flows/load.yml`]: flow(DATA, 'load', ' v2'),
  [`${DATA}/flows/extra.yml`]: flow(DATA, 'extra'),
  [`${DATA}/files/README.md`]: '# data\n'
}

/** The plan of BASE → CHANGE with `delete: true`. */
export const PLAN_COUNTS = { created: '4', updated: '3', deleted: '1', unchanged: '1' }

/** Every resource the deploy writes, as the step names them. */
export const WRITTEN_RESOURCES = [
  `flow:${TEAM}/alpha`,
  `flow:${TEAM}/gamma`,
  `flow:${TEAM}/gone`,
  `file:${TEAM}:/scripts/etl.py`,
  `file:${TEAM}:/sql/query.sql`,
  `flow:${DATA}/load`,
  `flow:${DATA}/extra`,
  `file:${DATA}:/README.md`
]
