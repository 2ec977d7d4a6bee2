import type { DeploymentsPort } from '../model/deployments-port.js'
import type { DriftGitHub } from '../model/drift-port.js'
import type { GitHubPort } from '../model/github.js'
import type { KestraServer } from '../kestra/api.js'
import type { OutputEdge } from '../report/output-edge.js'
import type { Reporter } from '../report/reporter.js'
import type { RunContext } from '../model/context.js'
import type { Settings } from '../model/settings.js'
import type { Target } from '../model/target.js'

/** What a run talks to: the action and the CLI each build these, the tests build them over fakes. */
export interface RunPorts {
  reporter: Reporter
  /** Present when the `server` input is set. */
  kestra?: KestraServer
  /** Present when the `upgrade-server` input is set: asked only its version and verdicts (docs/upgrade.md). */
  upgradeServer?: KestraServer
  /** Present when a GitHub token is available. */
  github?: GitHubPort
  /** GitHub deployments (docs/environments.md), present when a GitHub token is available. */
  deployments?: DeploymentsPort
  /** The drift issue, branch and pull request (docs/drift.md); present when a GitHub token is available. */
  drift?: DriftGitHub
  /**
   * Where text leaves the run (docs/security.md): renderers get `edge.shown(data)`, never the raw data the
   * run decided on. The reporter and the GitHub port above already stand behind it.
   */
  edge: OutputEdge
  now(): Date
}

/** What each step of one target's run takes: the target holds the run's work (`target.work`). */
export interface TargetRun {
  settings: Settings
  target: Target
  context: RunContext
  ports: RunPorts
}
