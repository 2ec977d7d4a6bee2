import type { ACTION_INPUTS } from './action-yml.js'

const CREDENTIAL = 'credentials belong in secrets, passed by the workflow'
const PER_JOB = 'it belongs to one job, not to every run of the repository'

/** Inputs only a workflow may set, with why; others may come from the settings file (docs/inputs.md). */
export const WORKFLOW_ONLY = {
  mode: 'each workflow says what it does',
  username: CREDENTIAL,
  password: CREDENTIAL,
  'api-token': CREDENTIAL,
  'github-token': CREDENTIAL,
  'pull-request-token': CREDENTIAL,
  'seal-key': CREDENTIAL,
  environment: PER_JOB,
  'require-verified-in': PER_JOB,
  'reviewed-plan': PER_JOB
} as const

type WorkflowOnly = keyof typeof WORKFLOW_ONLY

/**
 * Defaults of the inputs the settings file may set: action.yml gives them none, since the runner passes a default
 * as if the workflow set it; only a blank input lets the file's value count (docs/inputs.md#settings-file).
 */
export const SETTING_DEFAULTS = {
  server: '',
  tenant: 'main',
  root: '.',
  namespace: '',
  layout: 'auto',
  flows: '',
  'namespace-files': '',
  namespaces: '',
  scope: 'all',
  delete: 'false',
  'max-deletions': '10',
  'allow-mass-deletion': 'false',
  'server-validation': 'true',
  'kestra-version': '',
  'fail-on': 'error',
  comment: 'true',
  'comment-key': 'default',
  'dry-run': 'false',
  'full-plan': 'false',
  'require-reviewed-plan': 'false',
  'allow-out-of-order': 'false',
  'timeout-seconds': '30',
  concurrency: '8',
  'running-executions': 'warn',
  'running-executions-timeout-seconds': '600',
  'smoke-flows': '',
  'smoke-timeout-seconds': '600',
  'drift-action': 'report',
  rollback: 'false',
  'namespace-prefix': '',
  'disable-triggers': 'false',
  preview: 'false',
  'read-only': 'false',
  'upgrade-check': 'auto',
  'upgrade-server': ''
} as const satisfies Record<Exclude<keyof typeof ACTION_INPUTS, WorkflowOnly>, string>
