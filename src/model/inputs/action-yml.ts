// Generated from action.yml by `npm run docs`: edit action.yml, not this file.
// The runner gives an input left out of the workflow its default as text; so do the settings. The inputs
// the settings file may set have none here: their defaults are in defaults.ts.

export const ACTION_INPUTS = {
  mode: {
    description:
      'What to do: auto (plan on pull requests, deploy on push and workflow_dispatch, plan otherwise), validate, plan, deploy, drift (on schedule or workflow_dispatch: plan the default branch against the server and keep one drift issue current), or upgrade (on workflow_dispatch: open one pull request with the mechanical rewrites for the next Kestra release).',
    default: 'auto'
  },
  server: {
    description: 'Kestra base URL, e.g. https://kestra.example.com. Empty: local validation only.',
    default: ''
  },
  tenant: {
    description:
      'Kestra tenant id. Servers with tenant-scoped API routes (/api/v1/<tenant>/...) and older ones are both supported, detected once per run.',
    default: ''
  },
  username: {
    description: 'Basic authentication user (Kestra OSS >= 0.24 requires it).',
    default: ''
  },
  password: { description: 'Basic authentication password. Pass it from a secret.', default: '' },
  'api-token': {
    description:
      'Bearer API token (Kestra Enterprise). Wins over basic authentication. Pass it from a secret.',
    default: ''
  },
  'github-token': {
    description: 'Token for the pull-request comment and the changed-file listing.',
    default: '${{ github.token }}'
  },
  root: { description: 'Folder holding the Kestra tree, relative to the workspace.', default: '' },
  namespace: {
    description:
      'Target namespace of the single-namespace layout (flows/ and files/ folders under root).',
    default: ''
  },
  layout: {
    description:
      'Repository layout: auto (namespace when the namespace input is set; tenant when the top-level folders holding flows/ are namespaces their flows use; else anywhere), tenant, namespace, anywhere (every flow document under root) or custom.',
    default: ''
  },
  flows: {
    description: 'Newline-separated globs of flow files, relative to root (custom layout).',
    default: ''
  },
  'namespace-files': {
    description:
      "Namespace file mappings, one per line: 'DIR -> NAMESPACE' or 'DIR -> NAMESPACE:/PREFIX', DIR relative to root.",
    default: ''
  },
  namespaces: {
    description:
      "Extra managed namespaces, newline- or comma-separated (list 'system' here to manage it).",
    default: ''
  },
  scope: {
    description:
      'all: plan every managed resource (drift included); changed: only resources whose files the pull request or push changed.',
    default: ''
  },
  delete: {
    description:
      'Delete server resources of managed namespaces that the repository no longer holds.',
    default: ''
  },
  'max-deletions': {
    description:
      'A plan that would delete more resources fails unless allow-mass-deletion is true.',
    default: ''
  },
  'allow-mass-deletion': {
    description: 'Allow a plan to delete more than max-deletions resources.',
    default: ''
  },
  'server-validation': {
    description: "Also validate flows with the server's validate endpoint when server is set.",
    default: ''
  },
  'kestra-version': {
    description:
      'The Kestra release to validate for when no server answers: 1.3 or 2.0, or a patch version of one such as 1.3.31 (any other value is an error naming the lines this build knows): a pull request from a fork, a CLI run without a server. The version probed from a server wins; a different line is a warning.',
    default: ''
  },
  'fail-on': { description: 'Which findings fail the step: error or warning.', default: '' },
  comment: { description: 'Post or update the sticky pull-request comment.', default: '' },
  'comment-key': {
    description:
      'Distinguishes the comments of several instances of the action in one pull request (e.g. staging, prod).',
    default: ''
  },
  'dry-run': { description: 'Never write to Kestra: deploy behaves as plan.', default: '' },
  'full-plan': {
    description:
      'Parse and check every flow file up front, in a plan or a deploy. Otherwise both reuse the checks of each flow file whose bytes the same build of the action already checked at the last deploy (stored with the commit marker in Kestra), and show the same plan and findings; a deploy checks every reused file again right before it writes anything.',
    default: ''
  },
  'require-reviewed-plan': {
    description:
      "On push, refuse to deploy when the plan differs from the one shown in the merged pull request's comment.",
    default: ''
  },
  'allow-out-of-order': {
    description:
      'On workflow_dispatch, deploy even when the commit is an ancestor of the one last deployed (a deliberate rollback). Ignored on other events.',
    default: ''
  },
  'timeout-seconds': {
    description: 'Timeout of each HTTP request to Kestra, in seconds, its whole answer included.',
    default: ''
  },
  concurrency: { description: 'Parallel requests to Kestra.', default: '' },
  'running-executions': {
    description:
      'What a deploy does about executions not finished (running, paused, queued…) of the flows it updates or deletes, read right before its first write: warn (proceed and report them), wait (for them to end, up to running-executions-timeout-seconds, then refuse) or fail (refuse, naming them with links).',
    default: ''
  },
  'running-executions-timeout-seconds': {
    description:
      'With running-executions: wait, how long to wait for the executions to end, in seconds; past it nothing is written and the step fails.',
    default: ''
  },
  'smoke-flows': {
    description:
      "Flows to execute once after a deploy that wrote anything, one per line: 'NAMESPACE.ID' optionally followed by inputs as key=value words. SUCCESS or WARNING passes.",
    default: ''
  },
  'smoke-timeout-seconds': {
    description:
      'How long the whole smoke phase may take, in seconds, from the first start to the last verdict (every request is cut to the time left); a timeout counts as a failure (the execution is left running).',
    default: ''
  },
  'drift-action': {
    description:
      'In mode drift: report (keep the drift issue current), revert (deploy Git over the drift, under every deploy guard) or pull-request (bring the edits made in Kestra back as one pull request from kestra-gitops/drift-<comment-key>).',
    default: ''
  },
  'pull-request-token': {
    description:
      "Token that writes the branch and opens or updates the pull requests this action makes (drift-action: pull-request), so that their checks run: GitHub starts no workflow for a pull request opened with github-token. A fine-grained personal access token or a GitHub App installation token with 'contents: write' and 'pull-requests: write' on this repository. Empty: github-token. Masked, used for nothing else.",
    default: ''
  },
  'seal-key': {
    description:
      "A secret of at least 32 random characters that keys the seal of what a deploy stores in Kestra's KV store beside the commit marker (the flow checks and file facts that later plans reuse), the same in every workflow that deploys or plans against the server. Empty: the key is derived from the Kestra credentials with scrypt, so nothing stored lets a reader of KV test password guesses faster than that. Pass it from a secret; masked, used for nothing else.",
    default: ''
  },
  rollback: {
    description:
      'When a smoke execution fails, or a write of this deploy failed, put every resource this deploy changed back as it was before the deploy, and the deployed-commit marker too.',
    default: ''
  },
  environment: {
    description:
      "Name of the environment this step deploys to (e.g. staging, production). A deploy then records a GitHub deployment of the commit there: in_progress, then success or failure after the writes and smoke runs; the job summary shows every environment's current commit. Needs 'deployments: write'.",
    default: ''
  },
  'require-verified-in': {
    description:
      'An environment name: deploy only a commit that has a successful GitHub deployment there, else refuse before any write, naming the commit that is verified there.',
    default: ''
  },
  'reviewed-plan': {
    description:
      "A plan fingerprint (e.g. the plan-fingerprint output of a plan job, passed through its job's outputs): deploy only if the plan computed now has exactly that fingerprint, else refuse before any write, naming what differs. How an approval gate approves the plan its reviewers saw.",
    default: ''
  },
  'namespace-prefix': {
    description:
      "Deploy every managed namespace N as '<prefix>.N': the flows' namespace, calls and Flow triggers into the repository's namespaces, namespace files and the commit marker. The repository is never changed.",
    default: ''
  },
  'disable-triggers': {
    description:
      'Deploy every flow with each trigger set disabled: true (for previews and staging).',
    default: ''
  },
  preview: {
    description:
      "On a pull request from this repository: also deploy the head into 'pr-<number>.<namespace>' with triggers off, run smoke-flows there and show it in the comment; on the pull request's closed event, delete everything in those namespaces.",
    default: ''
  },
  'read-only': {
    description:
      'Deploy every flow with the label system.readOnly: "true", added to the text sent, never to the repository, so that the Kestra UI refuses edits; turning the input off removes it (an update). Read-only wins over a flow\'s own system.readOnly (a warning on its line); a flow whose labels cannot take the label safely is refused before any write.',
    default: ''
  },
  'upgrade-check': {
    description:
      "Upgrade readiness: auto (when the server runs a line older than the newest long-term-support one, e.g. 1.3 while 2.0 is out, check every managed flow against that line), a version (2.0: check against it), or off. The comment and the job summary then show a folded 'Ready for Kestra 2.0?' section: notices only, never failing the step nor changing the plan's fingerprint.",
    default: ''
  },
  'upgrade-server': {
    description:
      'URL of a Kestra server already on the upgrade target (e.g. a staging Kestra on 2.0), reached with the same credentials: its validate endpoint decides what the target refuses instead of the rules shipped with this action.',
    default: ''
  }
} as const
export const ACTION_OUTPUTS = [
  'mode',
  'has-changes',
  'created',
  'updated',
  'deleted',
  'unchanged',
  'orphaned',
  'drifted',
  'errors',
  'warnings',
  'plan-file',
  'sarif-file',
  'plan-fingerprint',
  'comment-url',
  'deployed',
  'smoke',
  'rolled-back'
] as const
