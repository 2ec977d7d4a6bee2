import { parseSettings, type InputName, type Settings } from '../../src/settings.js'

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
