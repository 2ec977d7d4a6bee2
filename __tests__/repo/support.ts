import { parseSettings, type InputName, type Settings } from '../../src/settings.js'

/** Settings as the runner would parse them from these inputs. */
export function settingsWith(inputs: Partial<Record<InputName, string>>): Settings {
  return parseSettings((name) => inputs[name] ?? '')
}

export function flow(id: string, namespace: string): string {
  return `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`
}
