import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { c as countsText, f as findingCounts, r as resourceName, a as formatBytes, p as parseSettings, C as ConfigError, s as secretsOf, b as clientForSettings, e as execute, d as errorMessage, g as renderComment, h as failureMessage, t as tally } from './chunks/execute.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import 'node:buffer';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:crypto';
import 'node:worker_threads';
import 'node:url';
import 'node:async_hooks';
import 'node:console';
import 'node:fs/promises';
import 'node:timers';
import 'node:dns';
import 'module';
import 'node:timers/promises';
import './chunks/eval-worker.js';
import 'node:module';
import 'process';
import 'buffer';

function style(open, close) {
    return (text) => (text === '' ? text : `\u001b[${open}m${text}\u001b[${close}m`);
}
const COLOURS = {
    red: style(31, 39),
    green: style(32, 39),
    yellow: style(33, 39),
    blue: style(34, 39),
    cyan: style(36, 39),
    dim: style(2, 22),
    bold: style(1, 22)
};
const PLAIN = {
    red: (t) => t,
    green: (t) => t,
    yellow: (t) => t,
    blue: (t) => t,
    cyan: (t) => t,
    dim: (t) => t,
    bold: (t) => t
};
function palette(colour) {
    return colour ? COLOURS : PLAIN;
}
/** https://no-color.org: NO_COLOR set to a non-empty value disables colour unless forced. */
function wantsColour(forced, isTerminal, env) {
    return forced ?? (isTerminal && !env.NO_COLOR);
}
// C0 controls except tab and newline, DEL and C1 controls: a flow or file name could otherwise
// move the cursor, rewrite earlier lines or change the terminal's title.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Repository and server text made inert for a terminal: control characters shown as \xNN. */
function inert(text) {
    return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function terminalReporter(options) {
    const { palette: p } = options;
    const outputs = {};
    return {
        info: (message) => options.log(`${inert(message)}\n`),
        warning: (message) => options.log(`${p.yellow('warning')} ${inert(message)}\n`),
        annotate(findings) {
            for (const finding of findings)
                options.findings(`${findingLine(finding, p)}\n`);
        },
        setOutput(name, value) {
            outputs[name] = String(value);
        },
        // The job summary is for GitHub; the CLI prints its own rendering of the same report.
        writeSummary: async () => undefined,
        outputs: () => ({ ...outputs })
    };
}
const SEVERITY_STYLE = {
    error: 'red',
    warning: 'yellow',
    notice: 'blue'
};
/** `file:line:col severity message [rule]`, the shape editors and CI log parsers recognise. */
function findingLine(finding, p) {
    const position = `${finding.line}${finding.column === undefined ? '' : `:${finding.column}`}`;
    const severity = p[SEVERITY_STYLE[finding.severity]](finding.severity);
    return `${p.bold(`${inert(finding.file)}:${position}`)} ${severity} ${inert(finding.message)} ${p.dim(`[${finding.rule}]`)}`;
}
/** The outputs as `name: value` lines, as the action would set them. */
function outputLines(outputs, p) {
    const entries = Object.entries(outputs);
    const width = Math.max(0, ...entries.map(([name]) => name.length));
    return entries
        .map(([name, value]) => `${p.dim(`${name}:`.padEnd(width + 1))} ${value}\n`)
        .join('');
}

/** A command line the CLI cannot run: exit status 2 with the usage text. */
class UsageError extends Error {
    name = 'UsageError';
}
/** Flags that mirror an action input of the same name. */
const INPUT_FLAGS = {
    server: 'value',
    tenant: 'value',
    root: 'value',
    namespace: 'value',
    layout: 'value',
    flows: 'list',
    'namespace-files': 'list',
    namespaces: 'list',
    scope: 'value',
    delete: 'switch',
    'max-deletions': 'value',
    'allow-mass-deletion': 'switch',
    'server-validation': 'switch',
    'fail-on': 'value',
    'dry-run': 'switch',
    'timeout-seconds': 'value',
    concurrency: 'value',
    'comment-key': 'value'
};
/** The action's credential inputs: refused as flags, where shell history and `ps` would keep them. */
const CREDENTIAL_FLAGS = ['username', 'password', 'api-token', 'token'];
const COMMANDS = ['validate', 'plan', 'deploy'];
const FORMATS = ['text', 'markdown', 'json'];
/**
 * Parses `<command> [flags]`. Value flags take `--name value` or `--name=value`; list flags repeat;
 * switches take `--name`, `--no-name` or `--name=true|false`.
 */
function parseArgs(argv) {
    const args = { help: false, inputs: {}, format: 'text' };
    const positionals = [];
    const lists = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--') {
            positionals.push(...argv.slice(i + 1));
            break;
        }
        if (arg === '-h' || arg === '--help') {
            args.help = true;
            continue;
        }
        if (!arg.startsWith('--')) {
            if (arg.startsWith('-') && arg !== '-')
                throw new UsageError(`unknown option '${arg}'`);
            positionals.push(arg);
            continue;
        }
        const eq = arg.indexOf('=');
        const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
        const inline = eq === -1 ? undefined : arg.slice(eq + 1);
        const takeValue = () => {
            if (inline !== undefined)
                return inline;
            const next = argv[i + 1];
            if (next === undefined)
                throw new UsageError(`option '--${name}' needs a value`);
            i++;
            return next;
        };
        if (name === 'format') {
            const value = takeValue();
            if (!FORMATS.includes(value)) {
                throw new UsageError(`--format '${value}' is not accepted; use ${FORMATS.join(', ')}`);
            }
            args.format = value;
        }
        else if (name === 'json') {
            if (switchValue(name, inline))
                args.format = 'json';
        }
        else if (name === 'color' || name === 'no-color') {
            args.color = switchValue(name, inline) === (name === 'color');
        }
        else if (name === 'base') {
            args.base = takeValue();
        }
        else {
            const negated = name.startsWith('no-') && INPUT_FLAGS[name.slice(3)] === 'switch';
            const input = (negated ? name.slice(3) : name);
            const kind = INPUT_FLAGS[input];
            if (CREDENTIAL_FLAGS.includes(name)) {
                throw new UsageError('credentials are read from the environment only: set KESTRA_USERNAME and KESTRA_PASSWORD, or KESTRA_API_TOKEN');
            }
            if (kind === undefined)
                throw new UsageError(`unknown option '--${name}'`);
            if (kind === 'switch') {
                args.inputs[input] = String(switchValue(name, inline) !== negated);
            }
            else if (kind === 'list') {
                (lists[input] ??= []).push(takeValue());
            }
            else {
                args.inputs[input] = takeValue();
            }
        }
    }
    for (const [input, values] of Object.entries(lists)) {
        args.inputs[input] = values.join('\n');
    }
    const [command, ...extra] = positionals;
    if (command !== undefined && command !== 'help') {
        if (!COMMANDS.includes(command)) {
            throw new UsageError(`unknown command '${command}'; use ${COMMANDS.join(', ')}`);
        }
        args.command = command;
    }
    else if (command === 'help') {
        args.help = true;
    }
    if (extra.length > 0)
        throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (!args.command && !args.help)
        throw new UsageError('name a command: validate, plan or deploy');
    return args;
}
function switchValue(name, inline) {
    if (inline === undefined || inline === 'true')
        return true;
    if (inline === 'false')
        return false;
    throw new UsageError(`option '--${name}' takes no value, or true/false`);
}

const run = promisify(execFile);
/**
 * A run on a local checkout. Without `base` it is like `workflow_dispatch`: every file counts as
 * changed. With `base` it is like a push from that ref to HEAD: the committed changes since it
 * are the changed files and the repository at the base commit is what drift is measured against.
 */
async function localRunContext(options) {
    const { cwd, env } = options;
    const head = await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}']);
    const [owner, repo] = await repositoryName(cwd, env);
    const context = {
        eventName: 'workflow_dispatch',
        workspace: cwd,
        runnerTemp: options.runnerTemp,
        sha: head ?? '',
        owner,
        repo,
        serverUrl: 'https://github.com',
        apiUrl: 'https://api.github.com',
        runId: ''
    };
    if (options.base === undefined)
        return context;
    if (!head)
        throw new UsageError('--base needs a git repository with at least one commit');
    // The ref is a single argument after --end-of-options: never an option, never a shell word.
    if (options.base.startsWith('-'))
        throw new UsageError(`--base '${options.base}' is not a git ref`);
    const before = await git(cwd, [
        'rev-parse',
        '--verify',
        '--end-of-options',
        `${options.base}^{commit}`
    ]);
    if (!before)
        throw new UsageError(`--base '${options.base}' names no commit of this repository`);
    return { ...context, eventName: 'push', push: { before, after: head, ref: '' } };
}
/** Paths under `root` with uncommitted changes (untracked files included). */
async function uncommittedPaths(cwd, root) {
    const status = await git(cwd, ['status', '--porcelain', '-z', '--', root]);
    return (status ?? '').split('\0').filter(Boolean);
}
/**
 * `owner/repo` as the action sees it, so deploy markers written here and in GitHub Actions agree:
 * GITHUB_REPOSITORY, else the last two path segments of the `origin` remote, else the folder name.
 */
async function repositoryName(cwd, env) {
    const fromEnv = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY ?? '');
    if (fromEnv)
        return [fromEnv[1], fromEnv[2]];
    // Userinfo (a token in an https remote) is dropped before anything is taken from the URL.
    const remote = (await git(cwd, ['config', '--get', 'remote.origin.url']))?.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
    const fromRemote = /([^/:@\s]+)\/([^/:@\s]+?)(?:\.git)?\/?$/.exec(remote ?? '');
    if (fromRemote)
        return [fromRemote[1], fromRemote[2]];
    const toplevel = await git(cwd, ['rev-parse', '--show-toplevel']);
    return ['', (toplevel ?? cwd).split(/[\\/]/).pop() ?? ''];
}
/** Trimmed stdout, or undefined when git fails or is missing. */
async function git(cwd, args) {
    try {
        const { stdout } = await run('git', args, {
            cwd,
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
            env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
        });
        return stdout.trim() || undefined;
    }
    catch {
        return undefined;
    }
}

const MARK = {
    create: { sign: '+', colour: 'green' },
    update: { sign: '~', colour: 'yellow' },
    delete: { sign: '-', colour: 'red' },
    orphaned: { sign: '!', colour: 'dim' },
    unchanged: { sign: '=', colour: 'dim' }
};
/** The report as a terminal would show it: verdict, target, then the plan as a coloured diff. */
function reportText(report, p) {
    const target = `server ${report.server ? inert(report.server) : 'none'} · tenant ${inert(report.tenant)} · commit ${report.commit.slice(0, 7) || 'unknown'}`;
    const lines = [
        p.bold(report.plan ? `Kestra plan: ${countsText(report.plan.counts)}` : 'Kestra validation'),
        verdict(report, p),
        p.dim(target)
    ];
    for (const note of report.notes ?? [])
        lines.push(p.dim(inert(note)));
    if (report.plan)
        lines.push('', ...planLines(report.plan, p));
    return `${lines.join('\n')}\n`;
}
function verdict(report, p) {
    const counts = findingCounts(report.findings);
    const failed = counts.error > 0 || (report.failOn === 'warning' && counts.warning > 0);
    const tally = `${counts.error} error(s), ${counts.warning} warning(s)${counts.notice ? `, ${counts.notice} notice(s)` : ''}`;
    return failed
        ? `${p.red('Validation failed')}: ${tally}`
        : `${p.green('Validation passed')}: ${tally}`;
}
function planLines(plan, p) {
    const lines = [];
    const byNamespace = new Map();
    for (const r of plan.resources) {
        const group = byNamespace.get(r.namespace) ?? [];
        group.push(r);
        byNamespace.set(r.namespace, group);
    }
    let quiet = 0;
    for (const [namespace, resources] of byNamespace) {
        const shown = resources.filter((r) => r.action !== 'unchanged');
        const unchanged = resources.length - shown.length;
        if (shown.length === 0) {
            quiet++;
            continue;
        }
        lines.push(p.bold(`Namespace ${inert(namespace)}`));
        for (const r of shown) {
            lines.push(`  ${resourceLine(r, p)}`);
            if (r.action !== 'orphaned' && r.diff !== undefined)
                lines.push(...diffLines(r.diff, p));
        }
        if (unchanged > 0)
            lines.push(p.dim(`  ${unchanged} unchanged`));
        lines.push('');
    }
    if (byNamespace.size === quiet) {
        lines.push('No changes: the server already matches the repository.', '');
    }
    else if (quiet > 0) {
        lines.push(p.dim(`No changes in ${quiet} other namespace(s).`), '');
    }
    const drifted = plan.resources.filter((r) => r.drifted);
    if (drifted.length > 0) {
        lines.push(p.yellow('Drift: the server copy of these resources was changed outside Git since the base commit; deploying overwrites (or deletes) those edits.'), ...drifted.map((r) => `  ${r.kind} ${inert(resourceName(r))} (${r.action})`), '');
    }
    lines.push(p.dim(`Plan fingerprint: ${plan.fingerprint}`));
    return lines;
}
function resourceLine(r, p) {
    const mark = MARK[r.action];
    const parts = [
        p[mark.colour](`${mark.sign} ${r.action} ${r.kind} ${p.bold(inert(resourceName(r)))}`)
    ];
    if (r.diffOmitted === 'binary' && r.kind === 'file') {
        const sides = [r.current, r.action === 'delete' ? undefined : r.desired].flatMap((s) => s ? [s] : []);
        parts.push(`binary, ${sides.map((s) => formatBytes(s.size)).join(' → ')}`);
    }
    else if (r.additions !== undefined && r.deletions !== undefined) {
        const counts = `${p.green(`+${r.additions}`)} ${p.red(`-${r.deletions}`)}`;
        parts.push(r.diffOmitted === 'too-large' ? `${counts} (diff too large to show)` : counts);
    }
    if (r.kind === 'flow' && r.current) {
        parts.push(r.action === 'update'
            ? `rev ${r.current.revision} → ${r.current.revision + 1}`
            : `rev ${r.current.revision}`);
    }
    if (r.drifted)
        parts.push(p.yellow('drifted'));
    if (r.action === 'orphaned')
        parts.push(p.dim('kept: --delete is off'));
    return parts.join(' · ');
}
function diffLines(diff, p) {
    const lines = diff.replace(/\n$/, '').split('\n');
    return lines.map((line) => {
        const text = `      ${inert(line)}`;
        if (line.startsWith('+++') || line.startsWith('---'))
            return p.bold(text);
        if (line.startsWith('@@'))
            return p.cyan(text);
        if (line.startsWith('+'))
            return p.green(text);
        if (line.startsWith('-'))
            return p.red(text);
        return line.startsWith('\\') ? p.dim(text) : text;
    });
}

/** Credentials come only from the environment: flags would leave them in shell history and `ps`. */
const CREDENTIAL_VARIABLES = {
    username: 'KESTRA_USERNAME',
    password: 'KESTRA_PASSWORD',
    'api-token': 'KESTRA_API_TOKEN'
};
/** The action's settings from the command line and the environment; bad values are usage errors. */
function cliSettings(args, env) {
    const read = (name) => {
        if (name === 'mode')
            return args.command ?? '';
        if (name === 'server')
            return args.inputs.server ?? env.KESTRA_URL ?? '';
        if (name in CREDENTIAL_VARIABLES)
            return env[CREDENTIAL_VARIABLES[name]] ?? '';
        // No pull request here: nothing to comment on, no reviewed plan to check.
        if (name === 'comment' || name === 'require-reviewed-plan' || name === 'allow-out-of-order')
            return 'false';
        if (name === 'github-token')
            return '';
        return args.inputs[name] ?? '';
    };
    try {
        return parseSettings(read);
    }
    catch (error) {
        if (!(error instanceof ConfigError))
            throw error;
        const detail = error.message.replace(/^Input '[^']*': /, '');
        throw new UsageError(`${sourceOf(error.input, args)}: ${detail}`);
    }
}
function sourceOf(input, args) {
    if (input in CREDENTIAL_VARIABLES)
        return CREDENTIAL_VARIABLES[input];
    if (input === 'server' && args.inputs.server === undefined)
        return 'KESTRA_URL';
    return `--${input}`;
}

const USAGE = `Usage: kestra-gitops <validate|plan|deploy> [options]

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
  --layout L               auto, tenant, namespace or custom (default: auto)
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
  -h, --help               show this text

Environment (credentials are read only from here, never from flags):
  KESTRA_URL               default for --server
  KESTRA_USERNAME          basic authentication user
  KESTRA_PASSWORD          basic authentication password
  KESTRA_API_TOKEN         bearer token (Enterprise); wins over basic authentication

Exit status: 0 success, 1 validation errors or a failed deploy, 2 usage error.
`;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
/**
 * `kestra-gitops <validate|plan|deploy> [flags]`: the action's engine on a local checkout. The result
 * (findings and plan, the PR comment's Markdown, or JSON) goes to stdout, progress to stderr.
 */
async function runCli(argv, io = processIo()) {
    // Raw secrets are masked from the start, so not even a settings error can show them.
    let secrets = [io.env.KESTRA_PASSWORD, io.env.KESTRA_API_TOKEN].filter((s) => s !== undefined && s.length >= 4);
    const mask = (text) => secrets.reduce((t, secret) => t.split(secret).join('***'), text);
    const out = (text) => void io.stdout.write(mask(text));
    const err = (text) => void io.stderr.write(mask(text));
    let args;
    try {
        args = parseArgs(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        return usageFailure(err, error);
    }
    if (args.help) {
        out(USAGE);
        return EXIT_OK;
    }
    const p = palette(wantsColour(args.color, Boolean(io.stdout.isTTY), io.env));
    let kestra;
    try {
        const settings = cliSettings(args, io.env);
        secrets = [...new Set([...secrets, ...secretsOf(settings)])];
        if (args.command !== 'validate' && !settings.server) {
            throw new UsageError(`${args.command} needs the Kestra server: --server URL or KESTRA_URL`);
        }
        const reporter = terminalReporter({
            log: err,
            findings: args.format === 'text' ? out : err,
            palette: p
        });
        const context = await localRunContext({
            cwd: io.cwd,
            env: io.env,
            // The plan file goes to a private folder: a fixed name in the shared temp folder could be
            // a symlink planted by another user.
            runnerTemp: args.command === 'validate' ? tmpdir() : mkdtempSync(join(tmpdir(), 'kestra-gitops-')),
            base: args.base
        });
        if (args.command === 'deploy' && !settings.dryRun) {
            if (!context.sha) {
                throw new UsageError('deploy records the deployed commit in Kestra: run it in a git checkout with at least one commit');
            }
            const dirty = await uncommittedPaths(io.cwd, settings.root);
            if (dirty.length > 0) {
                reporter.warning(`${dirty.length} uncommitted change(s) under ${settings.root}: the working tree is deployed, recorded as commit ${context.sha.slice(0, 12)}.`);
            }
        }
        kestra = clientForSettings(settings, (message) => reporter.info(message), 'kestra-gitops-cli');
        const outcome = await execute(settings, context, {
            reporter,
            kestra,
            now: () => new Date()
        });
        out(formatResult(args, settings, outcome, reporter.outputs(), p));
        if (outcome.failure) {
            err(`${p.red('error')} ${inert(cliFailure(outcome))}\n`);
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }
    catch (error) {
        if (error instanceof UsageError)
            return usageFailure(err, error);
        err(`${p.red('error')} ${inert(errorMessage(error))}\n`);
        return EXIT_FAILED;
    }
    finally {
        await kestra?.close();
    }
}
function formatResult(args, settings, outcome, outputs, p) {
    const report = outcome.report;
    if (args.format === 'markdown') {
        return `${renderComment({ ...report, commentKey: settings.commentKey })}\n`;
    }
    if (args.format === 'json') {
        const json = {
            outputs,
            findings: report.findings,
            failure: outcome.failure && cliFailure(outcome)
        };
        return `${JSON.stringify(json, null, 2)}\n`;
    }
    return `${reportText(report, p)}\n${outputLines(outputs, p)}`;
}
/** The run's failure in CLI words: the action's validation message points at annotations. */
function cliFailure(outcome) {
    const { findings, failOn = 'error' } = outcome.report;
    if (outcome.failure !== failureMessage(findings, failOn))
        return outcome.failure ?? '';
    const { errors, warnings } = tally(findings);
    return errors > 0
        ? `Validation found ${errors} error(s): fix them and run again.`
        : `Validation found ${warnings} warning(s) and --fail-on is warning.`;
}
function usageFailure(err, error) {
    err(`kestra-gitops: ${inert(error.message)}\nRun 'kestra-gitops --help' for usage.\n`);
    return EXIT_USAGE;
}
function processIo() {
    // `kestra-gitops plan | head`: once the reader is gone, the rest of the output is dropped, but a
    // deploy under way is not cut short.
    process.stdout.on('error', (error) => {
        if (error.code !== 'EPIPE')
            throw error;
    });
    return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
}

process.exitCode = await runCli(process.argv.slice(2));
