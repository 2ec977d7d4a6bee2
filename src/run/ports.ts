import type { DeploymentsPort } from '../model/deployments-port.js'
import type { DriftGitHub } from '../model/drift-port.js'
import type { GitHubPort } from '../model/github.js'
import type { KestraServer } from '../kestra/api.js'
import type { FlowCheck, SchemaRelease } from '../kinds/index.js'
import type { FlowFile } from '../model/repository.js'
import type { OutputEdge } from '../report/output-edge.js'
import type { Reporter } from '../report/reporter.js'
import type { RunContext } from '../model/context.js'
import type { Layout, Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'

/** What a run talks to: the action and the CLI each build these, the tests build them over fakes. */
export interface RunPorts {
  reporter: Reporter
  /** With the `server` input. */
  kestra?: KestraServer
  /** With the `upgrade-server` input: asked only its version and verdicts (docs/upgrade.md). */
  upgradeServer?: KestraServer
  github?: GitHubPort
  /** docs/environments.md */
  deployments?: DeploymentsPort
  /** docs/drift.md */
  drift?: DriftGitHub
  /** Where text leaves the run (docs/security.md): renderers get `edge.shown(data)`, never raw data. */
  edge: OutputEdge
  now(): Date
  /** The action's and the CLI's bundle check flow files on a second thread too (docs/performance.md#a-second-thread). */
  checkThread?: CheckThread
}

/** What each flow file's check holds besides its own rules' findings, decided once the server's version is known. */
export interface ChecksAsked {
  layout: Layout
  /** The releases whose schema judges the flows (docs/validation-rules.md#the-schema-of-each-release). */
  schema: readonly SchemaRelease[]
  /** Whether its upgrade readiness is asked (docs/upgrade.md). */
  upgrade: boolean
}

/**
 * Checks a flow file as `flowCheck` does, beside the main thread: undefined when it takes no more now, an
 * answer of undefined when it could not check it (the main thread then does).
 */
export interface CheckThread {
  check(flow: FlowFile, asked: ChecksAsked): Promise<FlowCheck | undefined> | undefined
}

/** What each step of one target's run takes: the target holds the run's work (`target.work`). */
export interface TargetRun {
  settings: Settings
  target: Target
  context: RunContext
  ports: RunPorts
}
