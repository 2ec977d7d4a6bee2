import type { ChangeBase } from '../../model/plan.js'

/** A Kestra test suite, by namespace and id (docs/tests.md). */
interface TestSuiteChange extends ChangeBase {
  kind: 'test'
  id: string
  /** The YAML sent (create/update/unchanged): the repository file's, its namespace under the run's prefix. */
  desired?: string
  /** The source the server keeps (update/delete/orphaned/unchanged); an object, as every kind's `current` is. */
  current?: { source: string }
}

declare module '../../model/plan.js' {
  interface ResourceChanges {
    test: TestSuiteChange
  }
}

/** A test suite file of the repository: `tests/**.yml`. */
export interface HeldTestFile {
  /** Workspace-relative path. */
  file: string
  text: string
}

/** What the test suites kind's decide part takes (what its gather part reads, docs/tests.md). */
export interface HeldTests {
  files: HeldTestFile[]
  /** The base commit's test suite files, when the event has a base commit git holds. */
  base?: HeldTestFile[]
  /** The run's namespace prefix (a preview, a prefixed environment): suites are sent under it. */
  prefix?: string
  /** The `namespaces` input: `system` is managed only when it lists it. */
  extraNamespaces: readonly string[]
  /**
   * The server's suites (id → source) of each namespace the repository's suites name, by namespace as sent;
   * undefined when the run does not read the server, or the server cannot hold test suites.
   */
  server?: Map<string, Map<string, string>>
  /** The server's edition when it is not Enterprise: test suites are then checked, never deployed. */
  edition?: string
}
