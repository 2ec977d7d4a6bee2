import * as core from '@actions/core'
import { readRunContext, resolveMode } from './context.js'
import { errorMessage } from './errors.js'
import { parseSettings, secretsOf, type InputName } from './settings.js'

export async function run(): Promise<void> {
  try {
    const settings = parseSettings((name: InputName) => core.getInput(name))
    for (const secret of secretsOf(settings)) core.setSecret(secret)
    const context = readRunContext()
    const mode = resolveMode(settings, context.eventName)
    core.setOutput('mode', mode)
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}
