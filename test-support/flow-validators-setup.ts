/**
 * Loads every flow validator of every bundled release, as the setup of the projects whose tests call the
 * (synchronous) validation directly: a run loads those of the definitions its flows use before it validates them.
 */
import { FLOW_VALIDATORS } from '../generated/flow-validators/index.js'
import { loadFlowValidators, schemaTarget } from '../src/resources/flows/decide-schema-releases.js'

const types = await Promise.all(
  Object.values(FLOW_VALIDATORS).map(async (release) =>
    Object.keys((await release.facts()).FACTS.classes)
  )
)
await loadFlowValidators(schemaTarget(undefined), types.flat())
