export const USAGE = `Usage: kestra-gitops <validate|plan|deploy> [options]

Runs the kestra-gitops action's engine on a local checkout: the same checks, plan and deploy
as in GitHub Actions, for previewing a plan or for other CI systems.

Commands:
  validate                 check flows and namespace files (server checks too with a server)
  plan                     validate, then show what a deploy would change; writes nothing
  deploy                   validate, plan, then apply the plan to Kestra

Options (the action's inputs of the same name):
  --server URL             Kestra base URL (default: $KESTRA_URL)
  --tenant ID              tenant id (default: main)
  --root DIR               folder holding the Kestra tree (default: .)
  --namespace NS           target namespace of the single-namespace layout
  --layout L               auto, tenant, namespace, anywhere or custom (default: auto)
  --flows GLOB             flow files of the custom layout (repeatable)
  --namespace-files MAP    'DIR -> NAMESPACE[:/PREFIX]' (repeatable)
  --namespaces NS[,NS]     extra managed namespaces (repeatable)
  --scope S                all or changed (default: all; changed needs --base)
  --delete                 delete server resources the repository no longer holds
  --max-deletions N        refuse a plan deleting more (default: 10)
  --allow-mass-deletion    lift --max-deletions
  --no-server-validation   skip the server's validate endpoint
  --fail-on LEVEL          error or warning (default: error)
  --dry-run                deploy only plans
  --timeout-seconds N      per HTTP request (default: 30)
  --concurrency N          parallel requests to Kestra (default: 8)
  --comment-key KEY        key of the PR comment marker (default: default)
  --base REF               git ref the change starts from: files changed since it count as
                           changed, and server copies that differ from it are drift

Output:
  --format F               text, markdown (the PR comment) or json (default: text)
  --json                   same as --format json
  --color, --no-color      force ANSI colours on or off (default: on for a terminal
                           unless NO_COLOR is set)
  -v, --verbose            also print each step's detail (one line per resource written)
                           and the action's outputs
  -h, --help               show this text

Environment (credentials are read only from here, never from flags):
  KESTRA_URL               default for --server
  KESTRA_USERNAME          basic authentication user
  KESTRA_PASSWORD          basic authentication password
  KESTRA_API_TOKEN         bearer token (Enterprise); wins over basic authentication

Exit status: 0 success, 1 validation errors or a failed deploy, 2 usage error.
`
