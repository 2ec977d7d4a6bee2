/**
 * Hostile repository content, end to end. Each case plans on a pull request and deploys on push;
 * it must get a clear finding or be handled correctly, never crash the step, never break the comment, never
 * upload anywhere but the file's own path.
 */
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { runAction, type RunResult } from '../../../test-support/runner.js'
import { CREDENTIALS, flow, pullRequestEvent } from '../../../test-support/scenario.js'
import { matrixCell, printMatrix } from '../reliability/matrix.js'
import { serverDiff, startStage, WRITE_ROUTES, writesIn, type Stage } from '../reliability/stage.js'
import type { Tree } from '../../reliability/expected-state.js'
import { codeText, crashProblems, markdownProblems, uploadProblems } from '../../security/checks.js'

const NS = 'company.team'
const MARKER = '<!-- kestra-gitops:default -->'
const BASE: Tree = { [`${NS}/flows/base.yml`]: flow(NS, 'base') }

interface ExpectedFinding {
  severity: 'error' | 'warning' | 'notice'
  file: string
  line?: number
  message: RegExp
}

interface HostileCase {
  name: string
  change: Tree
  inputs?: Record<string, string>
  /** Findings the plan file must hold. */
  findings?: ExpectedFinding[]
  /** `blocked`: the deploy fails before any write; `deployed`: the server then equals the repository. */
  deploy: 'blocked' | 'deployed'
  /** Extra checks on what the case is about. */
  check?(stage: Stage, plan: RunResult, deploy: RunResult): void | Promise<void>
  /** What the table says when the case passes. */
  outcome: string
}

const ALIAS_BOMB = [
  'id: bomb',
  `namespace: ${NS}`,
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefgh'.split('').map((name, i) => {
    const previous = 'abcdefgh'[i]
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`
  }),
  'tasks:',
  '  - id: log',
  '    type: io.kestra.plugin.core.log.Log',
  '    message: boom',
  ''
].join('\n')

const HOSTILE_TEXT =
  '``` ```` </details> <!-- kestra-gitops:default --> @octocat @org/team <script>alert(1)</script> <img src=x>'
const BINARY = Uint8Array.from({ length: 512 }, (_, i) => i % 256)
const ZIP = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0, 0x21, 0x22])
const FIFTY_MB = ('y'.repeat(1023) + '\n').repeat(50 * 1024)

const CASES: HostileCase[] = [
  {
    name: 'malformed YAML',
    change: {
      [`${NS}/flows/broken.yml`]: `id: broken\nnamespace: ${NS}\ntasks:\n  - id: a\n    type: [unclosed\n`
    },
    findings: [{ severity: 'error', file: `${NS}/flows/broken.yml`, message: /YAML syntax error/ }],
    deploy: 'blocked',
    outcome: 'error with position; deploy blocked'
  },
  {
    name: 'duplicate keys',
    change: {
      [`${NS}/flows/dup.yml`]: `id: dup\nnamespace: ${NS}\nid: dup2\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: x\n`
    },
    // Engine 1.3.31 and 2.0.0 refuse to save it ("Duplicate field"); their validate alone keeps the last value.
    findings: [
      {
        severity: 'error',
        file: `${NS}/flows/dup.yml`,
        line: 3,
        message: /Duplicate key 'id'.*refuses to save.*last value written \(here, `dup2`\)/
      }
    ],
    deploy: 'blocked',
    outcome: 'error on the later key, naming the value validate keeps; deploy blocked'
  },
  {
    name: 'YAML alias bomb',
    change: { [`${NS}/flows/bomb.yml`]: ALIAS_BOMB },
    findings: [{ severity: 'error', file: `${NS}/flows/bomb.yml`, message: /alias bomb/ }],
    deploy: 'blocked',
    check: (stage) => {
      // Bounded locally, and never handed to the server to expand.
      const validate = stage.kestra.requests.filter((r) => r.route === 'flows.validate')
      for (const request of validate) {
        expect(request.status).toBe(200)
        expect(request.bodyBytes).toBeLessThan(ALIAS_BOMB.length)
      }
    },
    outcome: 'error, never sent to the server; blocked'
  },
  {
    name: '50 MB namespace file',
    change: { [`${NS}/files/data/big.csv`]: FIFTY_MB },
    findings: [
      {
        severity: 'warning',
        file: `${NS}/files/data/big.csv`,
        message: /Large upload: namespace file is 50 MiB/
      }
    ],
    deploy: 'deployed',
    check: (_stage, plan) => {
      const comment = plan.summary
      expect(comment).toMatch(/big\.csv.*diff omitted: too large/)
    },
    outcome: 'warning; stored byte for byte'
  },
  {
    name: 'binary namespace file',
    change: { [`${NS}/files/bin/blob.bin`]: BINARY },
    deploy: 'deployed',
    check: (stage) => {
      expect(stage.github.comments(7)[0]!.body).toMatch(/blob\.bin<\/b> · binary, 512 B/)
    },
    outcome: 'shown as binary; stored byte for byte'
  },
  {
    name: 'binary flow file',
    change: { [`${NS}/flows/blob.yml`]: BINARY },
    findings: [{ severity: 'error', file: `${NS}/flows/blob.yml`, message: /not valid UTF-8/ }],
    deploy: 'blocked',
    outcome: 'error: not UTF-8; blocked'
  },
  {
    name: 'invalid UTF-8 in a flow',
    change: {
      [`${NS}/flows/latin1.yml`]: Buffer.concat([
        Buffer.from(flow(NS, 'latin1')),
        Buffer.from('# caf'),
        Buffer.from([0xe9, 0x0a])
      ])
    },
    findings: [
      { severity: 'error', file: `${NS}/flows/latin1.yml`, line: 7, message: /not valid UTF-8/ }
    ],
    deploy: 'blocked',
    outcome: 'error on the line; blocked'
  },
  {
    name: 'invalid UTF-8 namespace file',
    change: { [`${NS}/files/latin1.txt`]: Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) },
    deploy: 'deployed',
    outcome: 'treated as binary; stored byte for byte'
  },
  {
    name: 'BOM and CRLF',
    change: {
      [`${NS}/flows/bom.yml`]: '\uFEFF' + flow(NS, 'bom'),
      [`${NS}/flows/crlf.yml`]: flow(NS, 'crlf').replace(/\n/g, '\r\n'),
      [`${NS}/files/crlf.txt`]: 'line 1\r\nline 2\r\n'
    },
    deploy: 'deployed',
    check: async (stage) => {
      const bom = stage.kestra.snapshot().flows.find((f) => f.id === 'bom')!
      expect(bom.source.startsWith('id: bom')).toBe(true)
      // Idempotent: the normalised sources compare equal, so a second deploy writes nothing.
      const mark = stage.kestra.requests.length
      const again = await stage.deploy()
      expect(again.exitCode, again.stdout).toBe(0)
      expect(writesIn(stage.since(mark))).toEqual([])
    },
    outcome: 'BOM stripped, LF; files kept byte for byte; re-run writes nothing'
  },
  {
    name: 'names with spaces, unicode, +, #, %',
    change: {
      [`${NS}/flows/my flow #1 + 100%.yml`]: flow(NS, 'spaced'),
      [`${NS}/files/with space/a b.txt`]: 'space\n',
      [`${NS}/files/ünï/cødé 日本.txt`]: 'unicode\n',
      [`${NS}/files/a+b.txt`]: 'plus\n',
      [`${NS}/files/hash#tag.txt`]: 'hash\n',
      [`${NS}/files/100%.txt`]: 'percent\n',
      [`${NS}/files/%2e%2e%2fescape.txt`]: 'encoded dots\n'
    },
    findings: [
      { severity: 'notice', file: `${NS}/files/a+b.txt`, message: /contains a space or '\+'/ },
      { severity: 'notice', file: `${NS}/files/with space/a b.txt`, message: /contains a space/ }
    ],
    deploy: 'deployed',
    outcome: 'notices for space/+; each stored at its own path'
  },
  {
    name: "a path with '..'",
    change: { [`${NS}/files/a..b.txt`]: 'dots\n' },
    findings: [{ severity: 'error', file: `${NS}/files/a..b.txt`, message: /contains '\.\.'/ }],
    deploy: 'blocked',
    outcome: 'error; blocked'
  },
  {
    name: "namespace-files mapping with '..'",
    change: { 'outside/secret.txt': 'not for Kestra\n' },
    inputs: { 'namespace-files': `../outside -> ${NS}` },
    deploy: 'blocked',
    check: (_stage, plan) => {
      expect(plan.exitCode).toBe(1)
      expect(plan.stdout).toMatch(/Input 'namespace-files': .*DIR must be a folder inside root/)
    },
    outcome: 'input refused; nothing read'
  },
  {
    name: "root outside the workspace ('..')",
    change: {},
    inputs: { root: '../..' },
    deploy: 'blocked',
    check: (_stage, plan) => {
      expect(plan.stdout).toMatch(
        /Input 'root': '\.\.\/\.\.' must be a folder inside the workspace/
      )
    },
    outcome: 'input refused; nothing read'
  },
  {
    name: 'symlink to a file outside root',
    change: {
      [`${NS}/files/passwd`]: { symlink: '/etc/passwd' },
      [`${NS}/flows/passwd.yml`]: { symlink: '/etc/passwd' },
      [`${NS}/files/up.txt`]: { symlink: '../../../../../../../etc/hostname' }
    },
    findings: [
      { severity: 'error', file: `${NS}/files/passwd`, message: /Symlink points outside root/ },
      { severity: 'error', file: `${NS}/files/up.txt`, message: /Symlink points outside root/ },
      {
        severity: 'error',
        file: `${NS}/flows/passwd.yml`,
        message: /points outside the root folder/
      }
    ],
    deploy: 'blocked',
    check: (stage, plan, deploy) => {
      const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!
      for (const text of [plan.everything, deploy.everything, stage.github.comments(7)[0]!.body]) {
        expect(text).not.toContain(passwd)
      }
    },
    outcome: 'errors; target never read; blocked'
  },
  {
    name: 'symlink to /',
    change: { [`${NS}/files/root`]: { symlink: '/' }, [`${NS}/flows/all`]: { symlink: '/' } },
    findings: [
      {
        severity: 'error',
        file: `${NS}/files/root`,
        message: /symbolic link to a folder \(it points outside the root folder\)/
      }
    ],
    deploy: 'blocked',
    outcome: 'error; never followed; blocked'
  },
  {
    name: 'symlink to .git inside the workspace',
    change: { [`${NS}/files/git-config`]: { symlink: '../../.git/config' } },
    findings: [
      { severity: 'error', file: `${NS}/files/git-config`, message: /Symlink points outside root/ }
    ],
    deploy: 'blocked',
    outcome: 'error (credentials live there); blocked'
  },
  {
    name: 'a .zip file',
    change: { [`${NS}/files/archives/bundle.zip`]: ZIP, [`${NS}/files/UPPER.ZIP`]: ZIP },
    deploy: 'deployed',
    check: (stage) => {
      const uploads = stage.kestra.requests.filter((r) => r.route === 'namespaces.files.upload')
      expect(uploads).toHaveLength(2)
    },
    outcome: 'uploaded under a non-.zip part name; not extracted'
  },
  {
    name: 'flow text with ```, </details>, the marker, @mentions, HTML',
    change: { [`${NS}/flows/hostile.yml`]: flow(NS, 'hostile', ` ${HOSTILE_TEXT}`) },
    deploy: 'deployed',
    check: (stage, plan) => {
      const body = stage.github.comments(7)[0]!.body
      expect(codeText(body)).toContain(HOSTILE_TEXT)
      expect(codeText(plan.summary)).toContain(HOSTILE_TEXT)
    },
    outcome: 'inside a longer fence; comment intact'
  }
]

afterAll(() => {
  console.log(
    printMatrix(
      'Hostile input: plan on pull_request, deploy on push',
      'repository content',
      CASES.map((c) => c.name),
      ['plan', 'deploy']
    )
  )
})

// Twenty repositories at once on the 2 cores: the 50 MB file's case took 62 s in CI, 11 s alone.
describe.concurrent('hostile repository content', { timeout: 240_000 }, () => {
  for (const hostile of CASES) {
    it(hostile.name, async () => {
      const stage = await startStage({ base: BASE, change: hostile.change })
      try {
        let plan: RunResult | undefined
        await matrixCell(hostile.name, 'plan', planOutcome(hostile), async () => {
          plan = await stage.plan(hostile.inputs)
          expectPlanHandled(stage, plan, hostile)
        })
        await matrixCell(hostile.name, 'deploy', hostile.outcome, async () => {
          const deploy = await stage.deploy(hostile.inputs)
          expectDeployHandled(stage, deploy, hostile)
          await hostile.check?.(stage, plan!, deploy)
        })
      } finally {
        await stage.close()
      }
    })
  }
})

function planOutcome(hostile: HostileCase): string {
  if (hostile.inputs && !hostile.findings) return 'input refused, no comment'
  if (hostile.findings?.some((f) => f.severity === 'error')) return 'error finding; comment intact'
  return 'planned; comment intact'
}

function expectPlanHandled(stage: Stage, plan: RunResult, hostile: HostileCase): void {
  expect(crashProblems(plan)).toEqual([])
  expect(writesIn(stage.kestra.requests, WRITE_ROUTES)).toEqual([])
  const comments = stage.github.comments(7)
  if (plan.outputs['plan-file'] === undefined) {
    // An input was refused before anything was read: no plan, no comment.
    expect(plan.exitCode).toBe(1)
    expect(comments).toEqual([])
    return
  }
  expect(comments).toHaveLength(1)
  expect(markdownProblems(comments[0]!.body, MARKER)).toEqual([])
  expect(markdownProblems(plan.summary)).toEqual([])
  const planFile = JSON.parse(readFileSync(plan.outputs['plan-file'], 'utf8')) as {
    findings: { severity: string; file: string; line: number; message: string }[]
  }
  for (const want of hostile.findings ?? []) {
    const found = planFile.findings.find(
      (f) =>
        f.severity === want.severity &&
        f.file === want.file &&
        want.message.test(f.message) &&
        (want.line === undefined || f.line === want.line)
    )
    expect(
      found,
      `${want.severity} on ${want.file}: ${JSON.stringify(planFile.findings)}`
    ).toBeDefined()
  }
  const errors = hostile.findings?.filter((f) => f.severity === 'error').length ?? 0
  expect(plan.exitCode, plan.stdout).toBe(errors > 0 ? 1 : 0)
}

function expectDeployHandled(stage: Stage, deploy: RunResult, hostile: HostileCase): void {
  expect(crashProblems(deploy)).toEqual([])
  expect(uploadProblems(stage.kestra.requests, stage.tree)).toEqual([])
  if (hostile.deploy === 'blocked') {
    expect(deploy.exitCode).toBe(1)
    expect(writesIn(stage.kestra.requests, WRITE_ROUTES)).toEqual([])
    expect(serverDiff(stage.kestra, BASE)).toEqual([])
    return
  }
  expect(deploy.exitCode, deploy.stdout).toBe(0)
  expect(deploy.outputs.deployed).toBe('true')
  expect(serverDiff(stage.kestra, stage.tree)).toEqual([])
}

// A plan and a deploy of 5,000 files each, two at once: more than the project's default minute on 2 busy cores.
describe.concurrent('5,000 files changed in one pull request', { timeout: 240_000 }, () => {
  const many: Tree = {}
  for (let i = 0; i < 5000; i++)
    many[`${NS}/files/many/f${String(i).padStart(4, '0')}.txt`] = `file ${i}\n`

  it('with git history: plans all 5,000 in a comment that fits, and deploys them', async () => {
    const stage = await startStage({ base: BASE, change: many })
    try {
      const plan = await stage.plan()
      expect(crashProblems(plan)).toEqual([])
      expect(plan.exitCode, plan.stdout).toBe(0)
      expect(plan.outputs.created).toBe('5000')
      const body = stage.github.comments(7)[0]!.body
      expect(markdownProblems(body, MARKER)).toEqual([])
      expect(body).toContain('5000 to create')
      expect(body).toMatch(/full plan is in the job summary/)
      expect(plan.stdout).not.toMatch(/Every file counts as changed/)

      const deploy = await stage.deploy()
      expect(deploy.exitCode, deploy.stdout.slice(-2000)).toBe(0)
      expect(uploadProblems(stage.kestra.requests, stage.tree)).toEqual([])
      expect(serverDiff(stage.kestra, stage.tree)).toEqual([])
    } finally {
      await stage.close()
    }
  })

  it('without local history for the base: GitHub lists 3,000, so every file counts as changed, with a note', async () => {
    const stage = await startStage({ base: BASE, change: many })
    try {
      stage.github.setPullFiles(7, Object.keys(many))
      // A base commit the checkout does not hold (a shallow clone): the changed files come from the API.
      const missingBase = 'b'.repeat(40)
      const plan = await runAction({
        ...pullRequestEvent(stage.repo, missingBase, stage.head),
        githubApiUrl: stage.github.url,
        inputs: { server: stage.kestra.url, ...CREDENTIALS }
      })
      expect(crashProblems(plan)).toEqual([])
      expect(plan.exitCode, plan.stdout).toBe(0)
      expect(plan.outputs.created).toBe('5000')
      const listed = stage.github.requests.filter((r) => /\/pulls\/7\/files$/.test(r.path))
      expect(listed.length).toBe(30)
      const note = /Every file counts as changed: .*more than 3,000 files, GitHub's listing limit/
      expect(plan.stdout).toMatch(note)
      expect(plan.summary).toMatch(note)
      const body = stage.github.comments(7)[0]!.body
      expect(body).toMatch(note)
      expect(markdownProblems(body, MARKER)).toEqual([])
    } finally {
      await stage.close()
    }
  })
})
