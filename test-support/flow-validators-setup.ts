/**
 * Setup of the projects whose tests call the (synchronous) flow validation directly (unit, house, properties,
 * core): a run starts by loading the validators of the releases it validates for; these tests load every bundled
 * release's, once per worker.
 */
import { loadFlowValidators, schemaTarget } from '../src/resources/flows/decide-schema.js'

await loadFlowValidators(schemaTarget(undefined))
