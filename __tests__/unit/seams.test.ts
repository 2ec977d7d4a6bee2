/**
 * Adapters by system (docs/architecture.md): each scan below reads src/ and fails on a line that reaches a
 * system from outside its adapter folder, or branches on the mode's name outside the one place that turns
 * the mode into the run's work (src/config/target.ts).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../test-support/runner.js'

/** Every line of src/ that matches, as `path:line: text`, outside the folders or files allowed. */
function linesMatching(pattern: RegExp, allowed: readonly string[]): string[] {
  const source = join(PROJECT_ROOT, 'src')
  const found: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.ts')) {
        const rel = relative(PROJECT_ROOT, path).split('\\').join('/')
        if (allowed.some((prefix) => rel.startsWith(prefix))) continue
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((text, index) => {
            if (pattern.test(text)) found.push(`${rel}:${index + 1}: ${text.trim()}`)
          })
      }
    }
  }
  walk(source)
  return found
}

/** An Octokit call: `octokit.rest…`, `.paginate(`, `.request(`, `.graphql(`. */
const GITHUB_CALL =
  /\boctokit\b.*\.(rest|paginate|request|graphql)\b|\.rest\.(repos|issues|pulls|git)\./
/** A comparison with, or a switch on, the mode's name (git's file modes are other modes). */
const MODE_NAME = `['"](auto|validate|plan|deploy|drift|upgrade)['"]`
const MODE_BRANCH = new RegExp(
  `\\bmode\\s*[!=]==\\s*${MODE_NAME}|${MODE_NAME}\\s*[!=]==\\s*[\\w.]*\\bmode\\b|switch\\s*\\([^)]*\\bmode\\)`
)

/** A read, write or removal of the commit marker's KV entry. */
const MARKER_ACCESS = /\b(getKv|putKv|deleteKv)\([^)]*\bCOMMIT_MARKER_KEY\b/

/** A read of the settings' Kestra server URL. */
const SERVER_SETTING = /\bsettings\??\.server\b/

describe('adapters by system', () => {
  it('calls GitHub only from src/adapters/github/', () => {
    expect(linesMatching(GITHUB_CALL, ['src/adapters/github/'])).toEqual([])
  })

  it("branches on the mode only where the mode becomes the run's work", () => {
    expect(linesMatching(MODE_BRANCH, ['src/config/target.ts'])).toEqual([])
  })

  it('reads the Kestra server from the settings only in src/adapters/kestra/', () => {
    const allowed = ['src/adapters/kestra/']
    expect(linesMatching(SERVER_SETTING, allowed)).toEqual([])
  })

  it('reads and writes the commit marker only in src/engine/record/', () => {
    expect(linesMatching(MARKER_ACCESS, ['src/engine/record/'])).toEqual([])
  })

  it('the scans catch what they look for', () => {
    expect(MARKER_ACCESS.test('await api.putKv(namespace, COMMIT_MARKER_KEY, value)')).toBe(true)
    expect(MARKER_ACCESS.test('const value = await api.getKv(namespace, COMMIT_MARKER_KEY)')).toBe(
      true
    )
    expect(MARKER_ACCESS.test('api.deleteKv(namespace, ROLLBACK_RECORD_KEY)')).toBe(false)
    expect(SERVER_SETTING.test("namespaceUrl(settings.server ?? '', tenant)")).toBe(true)
    expect(SERVER_SETTING.test('input.settings.serverValidation')).toBe(false)
    expect(GITHUB_CALL.test('await client.octokit.rest.pulls.create({})')).toBe(true)
    expect(GITHUB_CALL.test('octokit.paginate(octokit.rest.issues.listForRepo)')).toBe(true)
    expect(GITHUB_CALL.test("const mode = 'x'")).toBe(false)
    expect(MODE_BRANCH.test("if (mode === 'deploy')")).toBe(true)
    expect(MODE_BRANCH.test("input.mode !== 'validate' ? a : b")).toBe(true)
    expect(MODE_BRANCH.test('switch (settings.mode) {')).toBe(true)
    expect(MODE_BRANCH.test("'plan' === args.mode")).toBe(true)
    expect(MODE_BRANCH.test('report.mode,')).toBe(false)
    expect(MODE_BRANCH.test("mode === '100644'")).toBe(false)
  })
})
