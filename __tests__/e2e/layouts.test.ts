/**
 * Repositories shaped as Kestra users keep them (docs/layouts.md#auto), planned on a pull request with no
 * layout input at all (only the server), through the bundled action against the emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/fake-github.js'
import { createGitRepo } from '../../test-support/git-repo.js'
import { startEmulator, type Emulator } from '../../test-support/kestra-emulator/index.js'
import { runAction } from '../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../test-support/scenario.js'

const DOCKER_COMPOSE = `services:
  kestra:
    image: kestra/kestra:latest
    command: server standalone
    ports:
      - "8080:8080"
  postgres:
    image: postgres:16
`
/** Non-flow YAML with `id` keys, as repositories hold them next to flows. */
const SERVICE_CONFIG = `id: billing-service
port: 8080
routes:
  - id: health
    path: /health
`
const CI_WORKFLOW = `name: CI
on: [pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - id: checkout
        uses: actions/checkout@v4
`
function app(namespace: string, id: string): string {
  return `id: ${id}\ntype: io.kestra.plugin.ee.apps.App\nnamespace: ${namespace}\ndisplayName: Form for ${id}\nflowId: ${id}\nlayout:\n  - on: OPEN\n    blocks:\n      - type: io.kestra.plugin.ee.apps.core.blocks.Markdown\n        content: hello\n`
}

interface Shape {
  name: string
  files: Record<string, string>
  /** Flow identities (namespace.id) the plan must create. */
  flows: string[]
  layout: 'tenant' | 'anywhere'
  /** Non-flow kinds the notice counts. */
  otherKinds?: number
}

const SHAPES: Shape[] = [
  {
    name: 'flows at the repository root, next to docker-compose.yml and other YAML',
    files: {
      'hello.yml': flow('demo', 'hello'),
      'etl.yaml': flow('demo', 'etl'),
      'report.yml': flow('demo.reports', 'report'),
      'docker-compose.yml': DOCKER_COMPOSE,
      'config.yml': SERVICE_CONFIG,
      '.github/workflows/ci.yml': CI_WORKFLOW,
      'README.md': '# My Kestra flows\n'
    },
    flows: ['demo.hello', 'demo.etl', 'demo.reports.report'],
    layout: 'anywhere'
  },
  {
    name: 'src/<namespace>/*.yaml with no flows/ level',
    files: {
      'src/company.sales/orders.yaml': flow('company.sales', 'orders'),
      'src/company.sales/invoices.yaml': flow('company.sales', 'invoices'),
      'src/company.hr/onboarding.yaml': flow('company.hr', 'onboarding'),
      'src/company.hr/config.yml': SERVICE_CONFIG,
      'requirements.txt': 'kestra==0.20.0\n'
    },
    flows: ['company.sales.orders', 'company.sales.invoices', 'company.hr.onboarding'],
    layout: 'anywhere'
  },
  {
    name: 'kestra/flows/ and src/flows/ holding a namespace unrelated to the folder name',
    files: {
      'kestra/flows/ingest.yml': flow('acme.data', 'ingest'),
      'kestra/flows/transform.yml': flow('acme.data', 'transform'),
      'src/flows/notify.yml': flow('acme.ops', 'notify'),
      'kestra/docker-compose.yml': DOCKER_COMPOSE,
      'src/app.py': 'print("app")\n'
    },
    flows: ['acme.data.ingest', 'acme.data.transform', 'acme.ops.notify'],
    layout: 'anywhere'
  },
  {
    name: 'flows/<env>/<area>/*.yml',
    files: {
      'flows/dev/sales/daily.yml': flow('dev.sales', 'daily'),
      'flows/dev/marketing/campaign.yml': flow('dev.marketing', 'campaign'),
      'flows/prod/sales/daily.yml': flow('prod.sales', 'daily'),
      'flows/prod/sales/values.yml': 'id: defaults\nregion: eu-west-1\n',
      'docker-compose.yml': DOCKER_COMPOSE
    },
    flows: ['dev.sales.daily', 'dev.marketing.campaign', 'prod.sales.daily'],
    layout: 'anywhere'
  },
  {
    name: 'a course repository, each lesson folder with its own flows/',
    files: {
      '01-getting-started/flows/hello.yml': flow('course.intro', 'hello'),
      '01-getting-started/flows/inputs.yml': flow('course.intro', 'inputs'),
      '01-getting-started/README.md': '# Lesson 1\n',
      '02-triggers/flows/schedule.yml': flow('course.triggers', 'schedule'),
      '02-triggers/docker-compose.yml': DOCKER_COMPOSE,
      'Lesson 3/flows/subflow.yml': flow('course.subflows', 'parent')
    },
    flows: [
      'course.intro.hello',
      'course.intro.inputs',
      'course.triggers.schedule',
      'course.subflows.parent'
    ],
    layout: 'anywhere'
  },
  {
    name: "Kestra git-sync's _flows/ with the rest of the repository beside it",
    files: {
      '_flows/company.team.hello.yml': flow('company.team', 'hello'),
      '_flows/company.team.etl.yml': flow('company.team', 'etl'),
      'scripts/etl.py': 'print("etl")\n',
      'queries/orders.sql': 'select * from orders\n'
    },
    flows: ['company.team.hello', 'company.team.etl'],
    layout: 'anywhere'
  },
  {
    name: 'an EE App with the same id as a flow, and a dashboard, in the flows folder',
    files: {
      'flows/request.yml': flow('company.team', 'request'),
      'flows/approve.yml': flow('company.team', 'approve'),
      'flows/request-app.yml': app('company.team', 'request'),
      'flows/dashboard.yml': `id: overview\ntype: io.kestra.plugin.ee.dashboards.Dashboard\nnamespace: company.team\ntitle: Overview\ncharts: []\n`
    },
    flows: ['company.team.request', 'company.team.approve'],
    layout: 'anywhere',
    otherKinds: 2
  },
  {
    name: 'one <namespace>.<id>.yaml file at the root',
    files: {
      'company.team.hello.yaml': flow('company.team', 'hello'),
      'README.md': '# hello\n'
    },
    flows: ['company.team.hello'],
    layout: 'anywhere'
  },
  {
    name: 'the tenant layout, an App among its flows',
    files: {
      'company.team/flows/hello.yml': flow('company.team', 'hello'),
      'company.team/flows/hello-app.yml': app('company.team', 'hello'),
      'company.team/files/run.py': 'print(1)\n',
      'company.data/flows/etl.yml': flow('company.data.etl', 'etl')
    },
    flows: ['company.team.hello', 'company.data.etl.etl'],
    layout: 'tenant',
    otherKinds: 1
  }
]

let kestra: Emulator
let github: FakeGitHub

beforeAll(async () => {
  kestra = await startEmulator({ basicAuth: CREDENTIALS })
  github = await startFakeGitHub()
})

afterAll(async () => {
  await kestra?.close()
  await github?.close()
})

describe('repository shapes, found with no layout input', () => {
  it.each(SHAPES.map((shape, index) => [shape.name, shape, index] as const))(
    '%s',
    async (_name, shape, index) => {
      const repo = createGitRepo({ LICENSE: 'MIT\n' })
      const base = repo.head()
      const head = repo.commit(shape.files)
      const number = 100 + index
      const result = await runAction({
        ...pullRequestEvent(repo, base, head, { number }),
        githubApiUrl: github.url,
        inputs: { server: kestra.url, ...CREDENTIALS }
      })
      const log = result.stdout + result.stderr
      expect(result.exitCode, log).toBe(0)
      expect(result.outputs, log).toMatchObject({
        errors: '0',
        warnings: '0',
        created: String(shape.flows.length + (shape.layout === 'tenant' ? 1 : 0))
      })
      // The layout is said in the first lines of the log with its reason, and on the comment's server line
      // without it (under the headline it read like a problem: docs/comment.md#what-reviewers-see).
      const logLines = result.stdout.split('\n').filter((line) => !line.startsWith('::'))
      expect(logLines.slice(0, 2).join('\n')).toContain(`Layout: ${shape.layout} (`)
      const body = github.comments(number)[0]!.body
      expect(body).toMatch(new RegExp(`\\*\\*Layout\\*\\* ${shape.layout}$`, 'm'))
      for (const identity of shape.flows) expect(body).toContain(identity)
      const notices = result.annotations.filter((a) => a.severity === 'notice')
      expect(notices.map((a) => a.message)).toEqual(
        shape.otherKinds
          ? [expect.stringContaining(`${shape.otherKinds} YAML file(s) of other Kestra kinds`)]
          : []
      )
    }
  )

  it('fails a repository holding no flow at all, naming the layout and how to choose another', async () => {
    const repo = createGitRepo({
      'docker-compose.yml': DOCKER_COMPOSE,
      'config.yml': SERVICE_CONFIG,
      'README.md': '# nothing for Kestra here\n'
    })
    const result = await runAction({
      workspace: repo.dir,
      eventName: 'workflow_dispatch',
      sha: repo.head(),
      inputs: { mode: 'validate' }
    })
    expect(result.exitCode).toBe(1)
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: '.',
        message: expect.stringMatching(
          /^No flow or namespace file found: the anywhere layout \(no top-level .*\) looked in every folder under root '\.'\. Set namespace .*layout .*root/
        )
      })
    )
    expect(result.summary).toContain('**Layout** anywhere')
  })
})
