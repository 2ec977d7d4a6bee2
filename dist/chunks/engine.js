import { statSync, readdirSync, readFileSync, openSync, constants as constants$1, fstatSync, closeSync, realpathSync, lstatSync, createReadStream, mkdirSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve as resolve$1, relative, sep, join, isAbsolute, posix, dirname, basename } from 'node:path';
import { r as record, u as unknown, s as string, a as array, o as object, A as Agent, E as EnvHttpProxyAgent, b as request, F as FormData, R as Response$1, l as looseObject, n as number, d as distExports, Z as ZipDeflate, c as Zip, e as boolean$1, _ as _enum, t as tuple, i as int, f as literal, p as picomatch, g as discriminatedUnion, h as strictObject, j as structuredPatch, k as formatPatch, m as FILE_HEADERS_ONLY, q as equal, v as ucs2length, w as j, x as union, y as _null, z as _undefined, B as bigint, C as preprocess, D as parsePatch, G as reversePatch, H as diffLines$1, I as characterEntities, J as retry, K as throttling, L as summary, M as setOutput, N as setSecret, O as getInput } from './vendor.js';
import { TextDecoder as TextDecoder$1, parseArgs as parseArgs$1 } from 'node:util';
import { createInterface } from 'node:readline';
import { isUtf8 } from 'node:buffer';
import { hash, createHash, hkdfSync, scrypt, timingSafeEqual, createHmac, randomBytes } from 'node:crypto';
import { setTimeout as setTimeout$1 } from 'node:timers/promises';
import { constants, inflateRawSync, gzipSync } from 'node:zlib';
import { execFile, spawn } from 'node:child_process';
import { lstat, realpath, stat, readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

class ActionError extends Error {
    name = 'ActionError';
}
class ConfigError extends ActionError {
    input;
    name = 'ConfigError';
    constructor(input, message) {
        super(`Input '${input}': ${message}`);
        this.input = input;
    }
}
class SettingsFileError extends ActionError {
    file;
    name = 'SettingsFileError';
    problems;
    line;
    constructor(file, lineOrProblems, detail = '') {
        const problems = typeof lineOrProblems === 'number' ? [{ line: lineOrProblems, detail }] : lineOrProblems;
        super(problems.map((problem) => `${file}:${problem.line}: ${problem.detail}`).join('\n'));
        this.file = file;
        this.problems = problems;
        this.line = problems[0]?.line ?? 1;
    }
}
class DeployError extends ActionError {
    name = 'DeployError';
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function segmentProblem(value) {
    if (value === '')
        return 'it is empty';
    if (value === '.' || value === '..') {
        return `'${value}' is a relative path step: every URL parser resolves it to another route`;
    }
    if (/[/\\]/.test(value)) {
        return 'it holds a path separator (/ or \\), which servers and proxies decode before routing';
    }
    if (LONE_SURROGATE.test(value))
        return 'it holds a lone UTF-16 surrogate, which has no UTF-8 form';
    return undefined;
}
function pathSegment(value) {
    const problem = segmentProblem(value);
    if (problem !== undefined) {
        throw new ActionError(`${JSON.stringify(value)} cannot be addressed in Kestra's API: ${problem}; nothing was sent for it`);
    }
    return encodeURIComponent(value);
}

const utf8Length = (text) => Buffer.byteLength(text, 'utf8');
function sha256Hex(content) {
    return hash('sha256', content, 'hex');
}
function isBinary(bytes) {
    return bytes.includes(0) || !isUtf8(bytes);
}
function summaryOf(bytes) {
    return { size: bytes.length, sha256: sha256Hex(bytes), binary: isBinary(bytes) };
}
function normaliseText(text) {
    const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return unmarked.includes('\r') ? unmarked.replace(/\r\n?/g, '\n') : unmarked;
}
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function decodeText(bytes) {
    return isBinary(bytes) ? undefined : utf8.decode(bytes);
}
const MAX_FILE_BYTES = 100 * 1024 * 1024;
function isRecord(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}
function entryOf(table, name) {
    return Object.hasOwn(table, name) ? table[name] : undefined;
}
const jsonObject = record(string(), unknown());
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (isRecord(value)) {
        const keys = Object.keys(value).sort();
        return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
}
function compareCodeUnits(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

const PATH = String.raw `[A-Za-z_$][\w$-]*(?:\[[^\]\n]*\])*(?:\.(?:[A-Za-z_$][\w$-]*|<[a-z][a-z -]*>)(?:\[[^\]\n]*\])*)*`;
const LEADING_PATH = new RegExp(String.raw `^(${PATH}): ([\s\S]+)$`);
const ITEM_SEPARATOR = new RegExp(String.raw `, (?=${PATH}: )`);
const JACKSON_SOURCE = /\s*at \[Source: [\s\S]*?; line: (\d+), column: (\d+)\]/g;
const JACKSON_CLASS = / \(class [\w.$]+\), not marked as ignorable(?: \([^)]*\))?/g;
const JACKSON_CHAIN = /\s*\(through reference chain: ([^)]*)\)/;
function splitConstraints(constraints) {
    let text = constraints.trim();
    for (let previous = ''; previous !== text;) {
        previous = text;
        text = text.replace(/^Validation error:\s*/, '').replace(/^:\s*/, '');
    }
    text = text.replace(JACKSON_SOURCE, ' (line $1, column $2)');
    const items = [];
    for (const line of text.split(/\r?\n/)) {
        if (items.length === 0 || LEADING_PATH.test(line))
            items.push(line);
        else
            items[items.length - 1] += `\n${line}`;
    }
    return items
        .flatMap((item) => item.split(ITEM_SEPARATOR))
        .map((item) => item.trim())
        .filter(Boolean)
        .map(toConstraint);
}
function toConstraint(item) {
    const chain = JACKSON_CHAIN.exec(item);
    const message = item.replace(JACKSON_CHAIN, '').replace(JACKSON_CLASS, '').trim();
    const leading = LEADING_PATH.exec(message);
    if (leading)
        return { path: leading[1], message: leading[2].trim() };
    const path = chain ? pathFromReferenceChain(chain[1]) : flowProperty(item);
    return path ? { path, message } : { message };
}
function flowProperty(item) {
    return /^Unrecognized field "([\w$-]+)" \(class io\.kestra\.core\.models\.flows\.(?:Flow|FlowWithSource)\)/.exec(item)?.[1];
}
function pathFromReferenceChain(chain) {
    let path = '';
    for (const match of chain.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]/g)) {
        if (match[2] !== undefined)
            path += `[${match[2]}]`;
        else
            path += path ? `.${match[1]}` : match[1];
    }
    return path || undefined;
}
function readVerdict(record) {
    if (!isRecord(record)) {
        return { readable: false, why: `it is ${shapeOf(record)}, not a verdict object` };
    }
    if (typeof record.outdated !== 'boolean') {
        return {
            readable: false,
            why: `its \`outdated\` is ${shapeOf(record.outdated)}, not a boolean`
        };
    }
    const errors = [];
    const { constraints } = record;
    if (typeof constraints === 'string' && constraints.trim() !== '') {
        const split = splitConstraints(constraints);
        errors.push(...(split.length > 0 ? split : [{ message: constraints.trim() }]));
    }
    else if (constraints !== undefined && constraints !== null) {
        return { readable: false, why: `its \`constraints\` is ${shapeOf(constraints)}` };
    }
    if (Array.isArray(record.errors)) {
        for (const error of record.errors) {
            const read = readError(error);
            if (!read)
                return { readable: false, why: `an item of its \`errors\` is ${shapeOf(error)}` };
            errors.push(read);
        }
    }
    else if (record.errors !== undefined && record.errors !== null) {
        return { readable: false, why: `its \`errors\` is ${shapeOf(record.errors)}, not a list` };
    }
    return { readable: true, errors, record };
}
function readError(error) {
    if (!isRecord(error))
        return undefined;
    const { detail, message, path, pointer } = error;
    const text = [detail, message].find((t) => typeof t === 'string' && t.trim() !== '');
    if (text === undefined)
        return undefined;
    const constraint = { message: text };
    if (typeof path === 'string' && path)
        constraint.path = path;
    if (typeof pointer === 'string' && pointer)
        constraint.pointer = pointer;
    return constraint;
}
function shapeOf(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'string')
        return value.trim() === '' ? 'a blank text' : 'a text';
    return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
const NO_VERDICT_REMEDY = 'nothing is deployed until the server answers a verdict the action can read: check that the `server` ' +
    "input reaches Kestra itself (not a proxy's or a sign-in page), or set `server-validation: false` to " +
    "deploy without the server's verdicts";
function unreadableVerdict(why, answer) {
    return `the server's validation answer could not be read (${why}); ${NO_VERDICT_REMEDY}. The answer: ${JSON.stringify(answer)}`;
}
function missingVerdict() {
    return `the server returned no validation result for it; ${NO_VERDICT_REMEDY}`;
}
function parsedJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}

const REMEDIATION = {
    401: 'check the username/password or api-token inputs (and that the server URL and tenant are right)',
    403: 'the credentials lack permission for this namespace/tenant (or the tenant is wrong)'
};
const NO_CREDENTIALS = 'the server asks for credentials and none were given: set username and password, or api-token';
const BODY_LIMIT_REMEDY = "raise the proxy's request body limit (nginx: `client_max_body_size`; ingress-nginx: the " +
    '`nginx.ingress.kubernetes.io/proxy-body-size` annotation)';
function bodyRefused(bytes) {
    return `the server, or a proxy in front of it, refused a body of ${bytes.toLocaleString('en-US')} bytes as too large`;
}
class ApiError extends ActionError {
    name = 'ApiError';
    status;
    method;
    path;
    serverMessage;
    violations;
    outcomeUnknown;
    sentBytes;
    bodyRefused;
    noCredentials;
    constructor(details) {
        super(describe$3(details));
        this.status = details.status;
        this.method = details.method;
        this.path = details.path;
        this.serverMessage = details.serverMessage;
        this.violations = details.violations ?? [];
        this.outcomeUnknown = details.outcomeUnknown ?? false;
        this.sentBytes = details.sentBytes;
        this.bodyRefused = isBodyRefused(details);
        this.noCredentials = details.noCredentials ?? false;
    }
}
function isOutcomeUnknown(error) {
    return error instanceof ApiError && error.outcomeUnknown;
}
function failureMarks(error) {
    if (!(error instanceof ApiError))
        return {};
    return {
        ...(error.outcomeUnknown && { outcomeUnknown: true }),
        ...(error.bodyRefused && { bodyRefused: true })
    };
}
function limitBeforeRerun(names, remedy = BODY_LIMIT_REMEDY) {
    const were = names.length === 1 ? 'was' : 'were';
    return `${names.join(', ')} ${were} refused as too large, and a re-run is refused again until the limit is raised: ${remedy}`;
}
function isBodyRefused(details) {
    return details.status === 413 && (details.sentBytes ?? 0) > 0;
}
function describe$3(details) {
    const { status, method, path, serverMessage } = details;
    const unknown = details.outcomeUnknown
        ? '; Kestra may or may not have applied this write (its answer was lost)'
        : '';
    if (status === undefined) {
        return `Kestra did not answer ${method} ${path}: ${serverMessage} (check the server input and that Kestra is reachable)${unknown}`;
    }
    const remedy = isBodyRefused(details) && details.sentBytes
        ? `${bodyRefused(details.sentBytes)}: ${BODY_LIMIT_REMEDY}, then re-run`
        : status === 401 && details.noCredentials
            ? NO_CREDENTIALS
            : REMEDIATION[status];
    const said = serverMessage ? `: ${serverMessage}` : '';
    return remedy
        ? `Kestra answered ${status} to ${method} ${path}${said}; ${remedy}${unknown}`
        : `Kestra answered ${status} to ${method} ${path}${said}${unknown}`;
}
function parseErrorBody(body, statusText) {
    const text = new TextDecoder().decode(body).trim();
    const record = errorAnswer.safeParse(parsedJson(text)).data;
    if (record) {
        const violations = [record._embedded?.errors, record.errors].flatMap(readViolations);
        const main = firstString(record.message, record.detail, record.title);
        const missing = violations.filter((v) => !main?.includes(v.message)).map(violationText);
        const message = [main, missing.join(', ')].filter(Boolean).join(': ');
        return { message: message || statusText, violations };
    }
    if (text === '' || text.startsWith('<'))
        return { message: statusText, violations: [] };
    return { message: text, violations: [] };
}
const optionalText = unknown().optional();
const violationList = array(unknown()).optional().catch(undefined);
const errorAnswer = object({
    message: optionalText,
    detail: optionalText,
    title: optionalText,
    errors: violationList,
    _embedded: object({ errors: violationList }).optional().catch(undefined)
});
const violationItem = object({
    message: optionalText,
    detail: optionalText,
    path: string().optional().catch(undefined),
    pointer: string().optional().catch(undefined)
});
function readViolations(list) {
    return (list ?? []).flatMap((item) => {
        const record = violationItem.safeParse(item).data;
        const message = record && firstString(record.message, record.detail);
        if (!message)
            return [];
        const violation = { message };
        if (record.path)
            violation.path = record.path;
        if (record.pointer)
            violation.pointer = record.pointer;
        return [violation];
    });
}
function violationText(violation) {
    return violation.path ? `${violation.path}: ${violation.message}` : violation.message;
}
function firstString(...values) {
    for (const value of values)
        if (typeof value === 'string' && value.trim())
            return value.trim();
    return undefined;
}

class Semaphore {
    limit;
    running = 0;
    urgent = [];
    waiting = [];
    constructor(limit) {
        this.limit = limit;
        if (!(limit >= 1))
            throw new RangeError(`semaphore limit must be at least 1, got ${limit}`);
    }
    async run(task, first = false) {
        if (this.running < this.limit)
            this.running++;
        else
            await new Promise((start) => (first ? this.urgent : this.waiting).push(start));
        try {
            return await task();
        }
        finally {
            const next = this.urgent.shift() ?? this.waiting.shift();
            if (next)
                next();
            else
                this.running--;
        }
    }
}
async function mapLimit(items, limit, task) {
    const semaphore = new Semaphore(limit);
    return Promise.all(items.map((item) => semaphore.run(() => task(item))));
}
const EVENT_LOOP = {
    now: () => performance.now(),
    nextTurn: () => new Promise((resolve) => setImmediate(resolve))
};
class EventLoopYielder {
    everyMs;
    clock;
    last;
    waiting = [];
    turnAsked = false;
    constructor(everyMs = 2, clock = EVENT_LOOP) {
        this.everyMs = everyMs;
        this.clock = clock;
        this.last = clock.now();
    }
    due() {
        return this.clock.now() - this.last >= this.everyMs;
    }
    async yieldTurn() {
        while (this.due()) {
            await new Promise((resume) => {
                this.waiting.push(resume);
                this.askTurn();
            });
        }
    }
    askTurn() {
        if (this.turnAsked)
            return;
        this.turnAsked = true;
        void this.clock.nextTurn().then(() => {
            this.turnAsked = false;
            this.last = this.clock.now();
            this.waiting.shift()?.();
            if (this.waiting.length > 0)
                this.askTurn();
        });
    }
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
function createDispatcher(connections, env = process.env) {
    const options = { connections, keepAliveTimeout: 10_000 };
    const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
    const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY;
    const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '').trim();
    if ((!httpProxy && !httpsProxy) || noProxy === '*')
        return new Agent(options);
    return new EnvHttpProxyAgent({
        ...options,
        httpProxy,
        httpsProxy,
        noProxy: [noProxy, ...LOOPBACK].filter(Boolean).join(',')
    });
}
class Transport {
    options;
    semaphore;
    counts = {};
    authorization;
    constructor(options) {
        this.options = options;
        this.semaphore = new Semaphore(options.concurrency);
        this.authorization = authorizationHeader(options.auth);
    }
    requestCount() {
        return { ...this.counts };
    }
    async send(req) {
        let lost = false;
        try {
            return await this.sendAttempts(req, () => (lost = req.method !== 'GET' && !req.readOnly));
        }
        catch (error) {
            if (!(error instanceof ApiError))
                throw error;
            const unsigned = error.status === 401 && !this.authorization && !error.noCredentials;
            if (!unsigned && (!lost || error.outcomeUnknown))
                throw error;
            const { status, method, path, serverMessage, violations, sentBytes } = error;
            throw new ApiError({
                status,
                method,
                path,
                serverMessage,
                violations,
                sentBytes,
                ...(unsigned && { noCredentials: true }),
                outcomeUnknown: lost || error.outcomeUnknown
            });
        }
    }
    async sendAttempts(req, onLost) {
        const { retry } = this.options;
        const attempts = req.once ? 1 : retry.maxAttempts;
        let waited = 0;
        for (let attempt = 1;; attempt++) {
            if (req.deadline !== undefined && Date.now() >= req.deadline) {
                throw this.unanswered(req, new RequestTimeout(0, true));
            }
            const outcome = await this.semaphore.run(() => this.attempt(req, attempt), req.first);
            const finish = () => {
                if (!('response' in outcome))
                    throw this.unanswered(req, outcome.error);
                const { response } = outcome;
                if (response.status < 400 || req.allow?.includes(response.status))
                    return response;
                throw responseError(response);
            };
            let reason;
            let delayMs = backoffMs(retry, attempt);
            if ('response' in outcome) {
                if (!isRetryableStatus(outcome.response.status))
                    return finish();
                reason = `HTTP ${outcome.response.status}`;
                delayMs = retryAfterMs(header(outcome.response, 'retry-after')) ?? delayMs;
            }
            else {
                reason = outcome.reason;
            }
            onLost();
            const pastDeadline = req.deadline !== undefined && Date.now() + delayMs >= req.deadline;
            if (attempt >= attempts || waited + delayMs > retry.maxWaitMs || pastDeadline)
                return finish();
            this.options.onRetry?.({ method: req.method, path: req.path, attempt, reason, delayMs });
            waited += delayMs;
            await setTimeout$1(delayMs);
        }
    }
    async attempt(req, attempt) {
        const key = `${req.method} ${req.route}`;
        this.counts[key] = (this.counts[key] ?? 0) + 1;
        const headers = {
            accept: 'application/json, application/octet-stream, */*',
            'user-agent': this.options.userAgent,
            ...req.headers
        };
        if (this.authorization)
            headers.authorization = this.authorization;
        const left = req.deadline === undefined ? Infinity : Math.max(0, req.deadline - Date.now());
        const cut = left < this.options.timeoutMs;
        const timeoutMs = cut ? left : this.options.timeoutMs;
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(new RequestTimeout(timeoutMs, cut)), timeoutMs);
        try {
            const res = await request(this.options.server + req.path, {
                method: req.method,
                headers,
                body: req.body,
                dispatcher: this.options.dispatcher,
                signal: deadline.signal,
                headersTimeout: this.options.timeoutMs,
                bodyTimeout: this.options.timeoutMs
            });
            return {
                response: {
                    method: req.method,
                    path: req.path,
                    status: res.statusCode,
                    headers: res.headers,
                    body: await readBody(res.body, res.headers['content-length']),
                    attempts: attempt,
                    sentBytes: typeof req.body === 'string' ? utf8Length(req.body) : (req.body?.length ?? 0)
                }
            };
        }
        catch (error) {
            const reason = transientReason(deadline.signal.reason ?? error);
            if (reason === undefined)
                throw this.unanswered(req, error);
            return { error: deadline.signal.reason ?? error, reason };
        }
        finally {
            clearTimeout(timer);
        }
    }
    unanswered(req, error) {
        if (error instanceof ApiError)
            return error;
        const { code, message } = error;
        const text = typeof message === 'string' && message ? message : String(error);
        const said = typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
        const { method, path } = req;
        return new ApiError({ status: undefined, method, path, serverMessage: said });
    }
}
async function formBody(parts) {
    const form = new FormData();
    for (const [name, value, filename] of parts) {
        if (typeof value === 'string')
            form.append(name, value);
        else
            form.append(name, value, filename);
    }
    const encoded = new Response$1(form);
    const body = new Uint8Array(await encoded.arrayBuffer());
    return { contentType: encoded.headers.get('content-type'), body };
}
function unreadableAnswer(response, serverMessage) {
    const { status, method, path } = response;
    return new ApiError({ status, method, path, serverMessage });
}
function responseError({ status, method, path, body, sentBytes }) {
    const { message, violations } = parseErrorBody(body, `HTTP ${status}`);
    return new ApiError({ status, method, path, serverMessage: message, violations, sentBytes });
}
function authorizationHeader(auth) {
    if (auth.kind === 'bearer')
        return `Bearer ${auth.token}`;
    if (auth.kind === 'basic') {
        return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    return undefined;
}
class RequestTimeout extends Error {
    name = 'TimeoutError';
    constructor(timeoutMs, cut) {
        super(!cut
            ? `timed out after ${timeoutMs / 1000} s (timeout-seconds bounds each request, its whole answer included)`
            : timeoutMs === 0
                ? 'not sent: its deadline had passed'
                : `timed out after ${timeoutMs / 1000} s, when its deadline came`);
    }
}
function header(response, name) {
    const value = response.headers[name];
    return Array.isArray(value) ? value[0] : value;
}
const PREALLOCATED_AT_MOST = 64 * 1024 * 1024;
async function readBody(body, contentLength) {
    const announced = typeof contentLength === 'string' ? Number(contentLength) : NaN;
    if (!Number.isSafeInteger(announced) || announced < 0) {
        const chunks = [];
        for await (const chunk of body)
            chunks.push(chunk);
        const joined = Buffer.concat(chunks);
        return new Uint8Array(joined.buffer, joined.byteOffset, joined.length);
    }
    let bytes = new Uint8Array(Math.min(announced, PREALLOCATED_AT_MOST));
    let length = 0;
    for await (const chunk of body) {
        if (length + chunk.length > bytes.length) {
            const grown = new Uint8Array(Math.max(bytes.length * 2, length + chunk.length));
            grown.set(bytes.subarray(0, length));
            bytes = grown;
        }
        bytes.set(chunk, length);
        length += chunk.length;
    }
    return length === bytes.length ? bytes : bytes.subarray(0, length);
}
const MAX_SINGLE_BACKOFF_MS = 15_000;
const TRANSIENT_CODES = new Set([
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'ECONNABORTED',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT'
]);
function retryPolicy(options = {}) {
    return {
        maxAttempts: Math.max(1, options.maxAttempts ?? 4),
        maxWaitMs: Math.max(0, options.maxWaitMs ?? 60_000),
        baseDelayMs: Math.max(0, options.baseDelayMs ?? 500)
    };
}
function isRetryableStatus(status) {
    return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}
function transientReason(error) {
    for (let current = error, depth = 0; current && depth < 4; depth++) {
        const { code, message, name } = current;
        if (typeof code === 'string' && TRANSIENT_CODES.has(code))
            return code;
        if (typeof message === 'string' && /socket hang up/i.test(message))
            return 'socket hang up';
        if (name === 'TimeoutError')
            return 'timeout';
        current = current.cause;
    }
    return undefined;
}
function retryAfterMs(header, now = Date.now()) {
    if (!header)
        return undefined;
    const value = header.trim();
    if (/^\d+$/.test(value))
        return Number(value) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
function backoffMs(policy, attempt, random = Math.random) {
    const step = Math.min(MAX_SINGLE_BACKOFF_MS, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(step * (0.5 + random() / 2));
}

const SCHEMA_RELEASE_VERSIONS = ['1.3.31', '2.0.0'];
const SCHEMA_LINES = SCHEMA_RELEASE_VERSIONS.map((version) => version.split('.').slice(0, 2).join('.'));
function parseVersion(version) {
    if (typeof version !== 'string')
        return undefined;
    const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim().replace(/-SNAPSHOT$/i, ''));
    if (!match)
        return undefined;
    return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}
function atLeast(version, since) {
    for (let i = 0; i < 3; i++) {
        if (version[i] !== since[i])
            return (version[i] ?? 0) > (since[i] ?? 0);
    }
    return true;
}
function resolveVersioned(versioned, version) {
    return versioned.flatMap(({ finding, since, whenUnknown, silentBefore, until, silentFrom }) => {
        if (version === undefined)
            return [{ ...finding, severity: whenUnknown }];
        if (silentFrom && atLeast(version, silentFrom))
            return [];
        if (until && atLeast(version, until))
            return [{ ...finding, severity: 'warning' }];
        if (atLeast(version, since))
            return [{ ...finding, severity: 'error' }];
        return silentBefore ? [] : [{ ...finding, severity: 'warning' }];
    });
}

const COMMIT_MARKER_KEY = 'kestra-gitops-commit';
const versioned = looseObject({ version: unknown().optional() });
function readStored(name, schema, value) {
    let parsed = value;
    if (typeof value === 'string') {
        try {
            parsed = JSON.parse(value);
        }
        catch {
            return { refused: `${name}: not JSON` };
        }
    }
    const version = versioned.safeParse(parsed).data?.version;
    if (version !== undefined && version !== 1) {
        return { refused: `${name} v${Number.isSafeInteger(version) ? version : '?'}: unsupported` };
    }
    const read = schema.safeParse(parsed);
    if (read.success)
        return { value: read.data };
    return {
        refused: `${name}: ${fieldOf(read.error) || 'the value'} is not what this action writes`
    };
}
function fieldOf(error) {
    return (error.issues[0]?.path ?? [])
        .slice(0, 8)
        .map((key) => typeof key === 'number' || /^[A-Za-z_]\w{0,39}$/.test(String(key)) ? String(key) : '*')
        .join('.');
}
function storedObject(value) {
    const read = readStored('value', jsonObject, value);
    return 'value' in read ? read.value : undefined;
}
const SHA$3 = /^[0-9a-f]{7,64}$/i;
const commitMarker = object({ commit: string().regex(SHA$3), repository: string() });
function parseMarker(value) {
    const read = readStored('commit marker', commitMarker, value);
    return 'value' in read ? read.value : undefined;
}
function unreadableMarkers(unreadable) {
    const names = [...unreadable].sort(([a], [b]) => (a < b ? -1 : 1));
    return [
        `Nothing was deployed: the KV entry ${COMMIT_MARKER_KEY} of ${names.length === 1 ? 'namespace' : 'namespaces'} ${names.map(([namespace]) => namespace).join(', ')} is not a deployed-commit marker this version of kestra-gitops-action can read:`,
        ...names.map(([namespace, why]) => `- ${namespace}: ${why}`),
        `The marker says which commit a namespace last got, so that an older commit is never deployed over a newer one; it is not overwritten on a guess. If a newer version of the action wrote it, deploy with that version. Otherwise remove the entry (Kestra's UI: the namespace's KV Store, key ${COMMIT_MARKER_KEY}) and run again.`
    ].join('\n');
}
function short(sha) {
    return sha.slice(0, 12);
}

const LEGACY_PREFIX = '/api/v1';
function tenantPrefix(tenant) {
    return `${LEGACY_PREFIX}/${encodeURIComponent(tenant)}`;
}
function isTenantScoped(version, edition, tenant) {
    const [major, minor] = version;
    if (major > 0 || minor >= 23)
        return true;
    if (edition.toUpperCase() !== 'EE')
        return false;
    return minor >= 22 || tenant !== 'main';
}
function ossTenantProblem(edition, version, tenant) {
    if (edition.toUpperCase() !== 'OSS' || tenant === 'main')
        return undefined;
    return `the server is Kestra open-source ${version}, which has the single tenant 'main' and maps any other tenant to it, so '${tenant}' would deploy into 'main'. Set tenant to main (the default), or point server at an Enterprise Kestra that has tenant '${tenant}'`;
}

const YAML = { 'content-type': 'application/x-yaml' };
function pathOf(route, params = []) {
    const holes = route.match(/\{\w+\}/g)?.length ?? 0;
    if (holes !== params.length)
        throw new Error(`${route} takes ${holes} parameter(s), given ${params.length}`);
    let next = 0;
    return route.replace(/\{\w+\}/g, () => pathSegment(params[next++]));
}
class ScopedHttp {
    transport;
    tenant;
    apiShape;
    eraSettled = false;
    constructor(transport, tenant) {
        this.transport = transport;
        this.tenant = tenant;
    }
    async info() {
        return { ...(await this.resolveApiShape()).info };
    }
    async send(req) {
        const suffix = pathOf(req.route, req.params) + queryString(req.query);
        const allow = [...(req.allow ?? []), 404];
        const probing = this.resolveApiShape();
        const early = !this.eraSettled && this.tenant === 'main' && (req.method === 'GET' || req.readOnly)
            ? answerOf(this.transport.send({ ...req, path: tenantPrefix(this.tenant) + suffix, allow }))
            : undefined;
        const shape = await (early ? probing.finally(() => early) : probing);
        const prefix = shape.info.tenantScoped ? tenantPrefix(this.tenant) : LEGACY_PREFIX;
        if (shape.known) {
            if (early && shape.info.tenantScoped)
                return this.settle(req, (await early)());
            return this.transport.send({ ...req, path: prefix + suffix });
        }
        const first = early
            ? (await early)()
            : await this.transport.send({ ...req, path: prefix + suffix, allow });
        if (first.status !== 404) {
            shape.known = true;
            return this.settle(req, first);
        }
        const legacy = await this.transport.send({ ...req, path: LEGACY_PREFIX + suffix, allow });
        if (legacy.status === 404)
            return this.settle(req, first);
        shape.known = true;
        shape.info.tenantScoped = false;
        return this.settle(req, legacy);
    }
    async found(req) {
        const response = await this.send({ ...req, allow: [...(req.allow ?? []), 404] });
        return response.status === 404 ? undefined : response;
    }
    settle(req, response) {
        if (response.status === 404 && !req.allow?.includes(404))
            throw responseError(response);
        return response;
    }
    resolveApiShape() {
        this.apiShape ??= this.probe().finally(() => (this.eraSettled = true));
        return this.apiShape;
    }
    async probe() {
        const unknown = {
            info: {
                version: 'unknown',
                edition: 'unknown',
                tenantScoped: true,
                systemNamespace: 'system'
            },
            known: false
        };
        const unusable = (why) => {
            if (this.tenant === 'main')
                return unknown;
            throw new ConfigError('tenant', unconfirmedTenant(this.tenant, why));
        };
        let response;
        try {
            response = await this.transport.send({
                method: 'GET',
                path: `${LEGACY_PREFIX}/configs`,
                route: '/configs'
            });
        }
        catch (error) {
            const status = error instanceof ApiError ? error.status : undefined;
            if (status !== undefined && ![401, 403].includes(status))
                return unusable(`answered ${status}`);
            if (this.tenant !== 'main' && status === undefined)
                return unusable(`failed (${errorMessage(error)})`);
            throw error;
        }
        const config = serverConfig.safeParse(parsedJson(new TextDecoder().decode(response.body))).data;
        if (!config)
            return unusable('answered something that is not a JSON object');
        const version = parseVersion(config.version);
        if (!version)
            return unusable('named no version');
        const { edition, systemNamespace } = config;
        const problem = ossTenantProblem(edition, String(config.version), this.tenant);
        if (problem)
            throw new ConfigError('tenant', problem);
        const tenantScoped = isTenantScoped(version, edition, this.tenant);
        return {
            info: { version: String(config.version), edition, tenantScoped, systemNamespace },
            known: true
        };
    }
}
const serverConfig = object({
    version: unknown(),
    edition: string().catch('OSS'),
    systemNamespace: string().min(1).catch('system')
});
function unconfirmedTenant(tenant, why) {
    return (`the server's version probe (GET ${LEGACY_PREFIX}/configs) ${why}, so whether it is an Enterprise Kestra that has tenant '${tenant}' is not confirmed: ` +
        `Kestra open-source serves any tenant as 'main', so '${tenant}' could be written into 'main'. Nothing was read or written as '${tenant}'. ` +
        'Check that server is the base URL of Kestra and that it answers /api/v1/configs, or set tenant to main');
}
function answerOf(sending) {
    return sending.then((response) => () => response, (error) => () => {
        throw error;
    });
}
function queryString(query) {
    if (!query)
        return '';
    const pairs = Object.entries(query).flatMap(([key, values]) => [values].flat().map((value) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`));
    return pairs.length ? `?${pairs.join('&')}` : '';
}
function readJson(response) {
    try {
        return JSON.parse(new TextDecoder().decode(response.body));
    }
    catch {
        throw unreadableAnswer(response, 'the answer is not JSON (is the server input the base URL of a Kestra server?)');
    }
}
function readAnswer$1(response, schema, what) {
    const read = schema.safeParse(readJson(response));
    if (read.success)
        return read.data;
    const field = fieldOf(read.error);
    throw unreadableAnswer(response, `expected ${what} in the answer${field && ` (at ${field})`}`);
}
const jsonArray = array(unknown());
function readJsonObject(response) {
    return readAnswer$1(response, jsonObject, 'a JSON object');
}
function readJsonArray(response) {
    return readAnswer$1(response, jsonArray, 'a JSON array');
}

const PAGE = 500;
const EARLIEST_START = '1970-01-01T00:00:00Z';
const SECRETS_REMEDY = 'a review checks at most 20,000 secret names: remove secrets nothing uses';
const MAX_PAGES = 40;
async function readPages(http, asked, item) {
    const listing = { ...DEFAULT_PAGES, ...asked };
    const found = new Map();
    for (let page = 1; page <= listing.maxPages; page++) {
        const response = await http.send({
            method: 'GET',
            route: listing.route,
            params: listing.params,
            query: { ...listing.query, page: String(page), size: String(listing.size) },
            ...(listing.deadline !== undefined && { deadline: listing.deadline })
        });
        const { results: rows, total } = readAnswer$1(response, paged, '{results, total}');
        let fresh = 0;
        for (const row of rows) {
            const key = listing.key(row) ?? `row ${JSON.stringify(row)}`;
            if (found.has(key))
                continue;
            found.set(key, item(row, response));
            fresh++;
        }
        if (rows.length < listing.size) {
            if (total !== undefined && found.size < total) {
                throw new ListingError(`Kestra's ${listing.name} (${where(response)}) announced ${total} but its pages held ${found.size}: the listing changed while it was read, or the server (or a proxy in front of it) cuts it. Nothing was decided on a part of it; run again, and if it persists check what answers that route.`);
            }
            return [...found.values()].filter((value) => value !== undefined);
        }
        if (fresh === 0) {
            throw new ListingError(`Kestra's ${listing.name} (${where(response)}) answered page ${page} with nothing it had not already sent: the server (or a proxy in front of it) ignores the page parameter, so the rest cannot be read. Nothing was decided on a part of it; check what answers that route.`);
        }
    }
    throw new UnendedListingError(`Kestra's ${listing.name} did not end: ${listing.maxPages} full pages of ${listing.size} were read (${found.size} items) and it still went on. Nothing was decided on a part of it; ${listing.remedy}, or check that the server (or a proxy in front of it) honours the page and size parameters of ${pathOf(listing.route, listing.params)}.`);
}
const DEFAULT_PAGES = { size: 100, maxPages: 100 };
const LISTED_AT_MOST = DEFAULT_PAGES.size * DEFAULT_PAGES.maxPages;
const namesByNamespace = record(string(), array(unknown()).catch([]));
const paged = object({
    results: array(unknown()),
    total: number().optional().catch(undefined)
});
class ListingError extends ActionError {
    name = 'ListingError';
}
class UnendedListingError extends ListingError {
}
function where(response) {
    return `${response.method} ${response.path.replace(/\?.*$/, '')}`;
}
const SEARCHED_NAMES_CHARS = 2500;
async function liveKvKeys(api, namespaces) {
    const version = parseVersion((await api.info()).version);
    const named = !version || atLeast(version, [1, 3, 0]);
    const groups = searchesOf(namespaces.map((namespace) => ({ namespace, flowIds: [] })));
    const search = () => Promise.all(groups.map((group) => api.kvKeys(group.namespaces)));
    const entries = named ? (await unlessMissing(search()))?.flat() : undefined;
    if (entries?.every((entry) => entry.namespace !== undefined)) {
        const byNamespace = Object.fromEntries(namespaces.map((ns) => [ns, []]));
        for (const { namespace, key } of entries)
            byNamespace[namespace]?.push(key);
        return byNamespace;
    }
    const lists = await Promise.all(namespaces.map((ns) => api.namespaceKvKeys(ns)));
    return Object.fromEntries(namespaces.map((ns, i) => [ns, lists[i]]));
}
async function unlessMissing(reading) {
    try {
        return await reading;
    }
    catch (error) {
        if (error instanceof ApiError && error.status === 404)
            return undefined;
        throw error;
    }
}
function searchesOf(groups) {
    const searches = [];
    const more = (name, names) => name === undefined || names?.has(name) ? 0 : name.length + 3;
    for (const { namespace, flowIds } of groups) {
        for (const id of flowIds.length > 0 ? flowIds : [undefined]) {
            let last = searches.at(-1);
            const chars = more(namespace, last?.namespaces) + more(id, last?.flowIds);
            if (!last || last.chars + chars > SEARCHED_NAMES_CHARS) {
                last = { namespaces: new Set(), flowIds: new Set(), chars: 0 };
                searches.push(last);
            }
            last.chars += more(namespace, last.namespaces) + more(id, last.flowIds);
            last.namespaces.add(namespace);
            if (id !== undefined)
                last.flowIds.add(id);
        }
    }
    return searches.map((search) => ({
        namespaces: [...search.namespaces],
        flowIds: [...search.flowIds]
    }));
}
function listingsApi(http) {
    const paged = (listing, item) => readPages(http, { ...listing, size: PAGE, maxPages: MAX_PAGES }, item);
    const executionSearch = (namespaces, query) => paged({
        name: `executions search of ${namespaces.join(', ')}`,
        remedy: `more than ${MAX_PAGES * PAGE} executions not finished were found for the flows this deploy updates or deletes in ${namespaces.join(', ')}: let them end (or kill them) before deploying`,
        route: '/executions/search',
        query,
        key: rowIdOf
    }, (row, response) => toExecution(Array.isArray(row) ? undefined : row, response, 'an item of the answer'));
    const searchExecutions = async ({ namespaces, flowIds }, states, groups) => {
        try {
            return await executionSearch(namespaces, {
                'filters[namespace][IN]': namespaces.join(','),
                'filters[flowId][IN]': flowIds.join(','),
                'filters[state][IN]': states.join(','),
                'filters[startDate][GREATER_THAN_OR_EQUAL_TO]': EARLIEST_START
            });
        }
        catch (error) {
            if (!(error instanceof UnendedListingError) || namespaces.length === 1)
                throw error;
            const alone = namespaces.map((namespace) => executionsOf(groups
                .filter((group) => group.namespace === namespace)
                .map((group) => ({
                namespace,
                flowIds: group.flowIds.filter((id) => flowIds.includes(id))
            })), states, false));
            return (await Promise.all(alone)).flat();
        }
    };
    const executionsOf = async (groups, states, legacy) => {
        const wanted = new Set(groups.flatMap(({ namespace, flowIds }) => flowIds.map((id) => `${namespace} ${id}`)));
        const found = legacy
            ? await Promise.all(groups.map(({ namespace, flowIds }) => executionSearch([namespace], {
                namespace,
                ...(flowIds.length === 1 && { flowId: flowIds[0] }),
                state: states,
                startDate: EARLIEST_START
            })))
            : await Promise.all(searchesOf(groups).map((search) => searchExecutions(search, states, groups)));
        const byId = new Map(found.flat().map((execution) => [execution.id, execution]));
        return [...byId.values()].filter((execution) => wanted.has(`${execution.namespace} ${execution.flowId}`));
    };
    const secrets = (name, route, params) => paged({ name, remedy: SECRETS_REMEDY, route, params, query: {}, key: byKey }, byKey);
    return {
        executionsOf,
        secretNames: () => secrets('secrets listing', '/secrets'),
        namespaceSecretNames: (namespace) => secrets(`secrets listing of ${namespace}`, '/namespaces/{namespace}/secrets', [namespace]),
        async inheritedSecretNames(namespace) {
            const response = await http.send({
                method: 'GET',
                route: '/namespaces/{namespace}/inherited-secrets',
                params: [namespace]
            });
            return Object.values(readAnswer$1(response, namesByNamespace, 'names by namespace'))
                .flat()
                .filter((name) => typeof name === 'string');
        },
        kvKeys: (namespaces) => paged({
            name: 'KV listing',
            remedy: 'a review checks at most 20,000 keys of the namespaces it deploys: remove keys no flow reads',
            route: '/kv',
            query: { 'filters[namespace][IN]': namespaces.join(',') },
            key: (row) => {
                const namespace = named$2.safeParse(row).data?.namespace;
                return namespace === undefined ? undefined : `${namespace} ${byKey(row)}`;
            }
        }, (item) => named$2.safeParse(item).data),
        async namespaceKvKeys(namespace) {
            const response = await http.send({
                method: 'GET',
                route: '/namespaces/{namespace}/kv',
                params: [namespace]
            });
            return readJsonArray(response).flatMap((item) => byKey(item) ?? []);
        },
        async namespacesStartingWith(prefix) {
            const ids = await readPages(http, {
                name: `namespaces search for ${prefix}`,
                remedy: `more than ${LISTED_AT_MOST} namespaces start with ${prefix}: remove them with Kestra's own tools`,
                route: '/namespaces/search',
                query: { q: prefix },
                key: rowIdOf
            }, rowIdOf);
            return [...new Set(ids.filter((id) => id.startsWith(prefix)))].sort();
        }
    };
}
const named$2 = object({ key: string(), namespace: string().optional().catch(undefined) });
function byKey(row) {
    return named$2.safeParse(row).data?.key;
}
const rowId = object({ id: string() });
function rowIdOf(row) {
    return rowId.safeParse(row).data?.id;
}
const text$2 = string().optional().catch(undefined);
const label = object({ key: string(), value: string() });
const executionAnswer = object({
    id: string().min(1),
    namespace: string().min(1),
    flowId: string().min(1),
    state: object({ current: string().min(1), startDate: text$2, endDate: text$2 }),
    labels: array(unknown())
        .catch([])
        .transform((items) => items.flatMap((item) => {
        const read = label.safeParse(item).data;
        return read ? [[read.key, read.value]] : [];
    }))
        .default([])
});
function toExecution(raw, response, what = 'the answer') {
    const read = executionAnswer.safeParse(Array.isArray(raw) ? raw[0] : raw);
    if (!read.success) {
        throw unreadableAnswer(response, `${what} is not an execution (no id, namespace, flowId or state)`);
    }
    const { state, ...execution } = read.data;
    return {
        ...execution,
        state: state.current,
        ...(state.startDate && { startDate: state.startDate }),
        ...(state.endDate && { endDate: state.endDate })
    };
}

const dashboardAnswer = object({
    id: string(),
    title: unknown().optional(),
    description: unknown().optional(),
    timeWindow: unknown().optional(),
    charts: unknown().optional(),
    sourceCode: string().optional().catch(undefined)
});
function dashboardsApi(http) {
    const one = (id) => ({ route: '/dashboards/{id}', params: [id] });
    return {
        listDashboards: () => unlessMissing(readPages(http, {
            name: 'dashboards listing',
            remedy: `a repository manages at most ${LISTED_AT_MOST} dashboards: delete the ones no one uses`,
            route: '/dashboards',
            query: { sort: 'id:asc' },
            key: rowIdOf
        }, toDashboard)),
        async getDashboard(id) {
            const response = await http.found({ method: 'GET', ...one(id) });
            return response && toDashboard(readJsonObject(response), response);
        },
        async createDashboard(source) {
            const response = await http.send({
                method: 'POST',
                route: '/dashboards',
                headers: YAML,
                body: source,
                allow: [422]
            });
            if (response.status < 400)
                return { created: true };
            const error = responseError(response);
            if (!/already exists/i.test(error.serverMessage))
                throw error;
            return { created: false, retried: response.attempts > 1 };
        },
        async updateDashboard(id, source) {
            const response = await http.found({ method: 'PUT', ...one(id), headers: YAML, body: source });
            return response && toDashboard(readJsonObject(response), response);
        },
        async deleteDashboard(id) {
            const response = await http.send({ method: 'DELETE', ...one(id), allow: [404, 409] });
            if (response.status === 409 &&
                !/doesn't exist/i.test(responseError(response).serverMessage)) {
                throw responseError(response);
            }
            return response.status < 400 || response.attempts > 1;
        },
        async validateDashboard(source) {
            const response = await http.send({
                method: 'POST',
                route: '/dashboards/validate',
                readOnly: true,
                headers: YAML,
                body: source
            });
            const text = new TextDecoder().decode(response.body);
            const answer = parsedJson(text);
            const verdict = answer === undefined
                ? { readable: false, why: 'it is not JSON' }
                : readVerdict(answer);
            if (!verdict.readable)
                return { errors: [], unreadable: unreadableVerdict(verdict.why, text) };
            return { errors: verdict.errors };
        }
    };
}
function toDashboard(value, response) {
    const row = dashboardAnswer.safeParse(value);
    if (!row.success) {
        throw unreadableAnswer(response, 'expected a dashboard with an id in the answer');
    }
    return row.data;
}
const WINDOW_DEFAULTS = { default: 30 * 86400, max: 366 * 86400 };
const DURATION$1 = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
function dashboardFields(value) {
    const window = (value.timeWindow ?? {});
    const fields = {
        id: value.id ?? null,
        title: value.title ?? null,
        description: value.description ?? null,
        timeWindow: {
            default: `${seconds(window.default) ?? WINDOW_DEFAULTS.default}s`,
            max: `${seconds(window.max) ?? WINDOW_DEFAULTS.max}s`
        },
        charts: sorted(value.charts ?? null)
    };
    return distExports.stringify(fields);
}
function sourceFields(source) {
    try {
        const mapping = jsonObject.safeParse(distExports.parse(source)).data;
        if (mapping)
            return dashboardFields(mapping);
    }
    catch {
    }
    return undefined;
}
function holds(remote, wanted) {
    return remote.sourceCode !== undefined
        ? normaliseText(remote.sourceCode) === wanted.source
        : dashboardFields({ ...remote }) === wanted.fields;
}
function seconds(value) {
    const match = typeof value === 'string' ? DURATION$1.exec(value) : null;
    if (!match)
        return undefined;
    const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
    return d * 86400 + h * 3600 + m * 60 + s;
}
function sorted(value) {
    if (Array.isArray(value))
        return value.map(sorted);
    if (isRecord(value)) {
        return Object.fromEntries(Object.keys(value)
            .sort()
            .map((key) => [key, sorted(value[key])]));
    }
    return value;
}

const SEARCH_PAGE = 25;
const SEARCH_PAGES = 20;
function executionsApi(http) {
    return {
        async startExecution(namespace, id, inputs, options) {
            const { contentType, body } = await formBody(inputs);
            const response = await http.send({
                method: 'POST',
                route: '/executions/{namespace}/{id}',
                params: [namespace, id],
                query: { labels: options.labels.map(([key, value]) => `${key}:${value}`) },
                headers: { 'content-type': contentType },
                body,
                deadline: options.deadline,
                once: true
            });
            return toExecution(readJson(response), response);
        },
        async getExecution(executionId, options) {
            const response = await http.found({
                method: 'GET',
                route: '/executions/{executionId}',
                params: [executionId],
                deadline: options?.deadline
            });
            return response && toExecution(readJson(response), response);
        },
        async findExecutions(query, options) {
            const version = parseVersion((await http.info()).version);
            const [major, minor] = version ?? [Infinity, 0];
            const legacy = major === 0 || (major === 1 && minor === 0);
            const found = await readPages(http, {
                name: `executions search of ${query.namespace}.${query.flowId}`,
                remedy: `a run's labels name a handful of executions, yet more than ${SEARCH_PAGES * SEARCH_PAGE} answered`,
                route: '/executions/search',
                query: legacy ? legacyFilters(query) : queryFilters(query),
                size: SEARCH_PAGE,
                maxPages: SEARCH_PAGES,
                key: rowIdOf,
                deadline: options?.deadline
            }, toExecution);
            return found
                .filter((execution) => execution.namespace === query.namespace &&
                execution.flowId === query.flowId &&
                query.labels.every(([key, value]) => execution.labels.some(([k, v]) => k === key && v === value)))
                .sort((a, b) => Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? ''));
        }
    };
}
function queryFilters(query) {
    return {
        'filters[namespace][EQUALS]': query.namespace,
        'filters[flowId][EQUALS]': query.flowId,
        ...Object.fromEntries(query.labels.map(([key, value]) => [`filters[labels][EQUALS][${key}]`, value]))
    };
}
function legacyFilters(query) {
    return {
        namespace: query.namespace,
        flowId: query.flowId,
        labels: query.labels.map(([key, value]) => `${key}:${value}`)
    };
}
function executionUrl(uiBase, execution) {
    const path = [execution.namespace, execution.flowId, execution.id]
        .map(encodeURIComponent)
        .join('/');
    return `${uiBase}/executions/${path}`;
}
function kestraUiBase(server, tenant) {
    const root = `${server.replace(/\/+$/, '')}/ui`;
    return tenant === undefined ? root : `${root}/${encodeURIComponent(tenant)}`;
}
function namespaceUrl(uiBase, namespace) {
    return `${uiBase}/namespaces/edit/${encodeURIComponent(namespace)}`;
}

function fileNaming(info) {
    const version = parseVersion(info.version);
    if (!version || version[0] >= 1)
        return 'exact';
    return version[1] >= 19 ? 'space-as-plus' : 'uri';
}
const UNSTORABLE = /[?#%"<>\\^`{|}[\]]|[^\P{Z} ]|\p{Cc}/u;
function storedPath(naming, path) {
    if (naming === 'exact')
        return { path };
    const bad = UNSTORABLE.exec(path)?.[0] ?? (naming === 'uri' && path.includes(' ') ? ' ' : undefined);
    if (bad !== undefined) {
        return {
            problem: `Kestra before 1.0 keeps namespace file paths in a URI, where ${JSON.stringify(bad)} cannot be part of a name`
        };
    }
    return { path: naming === 'space-as-plus' ? path.replace(/ /g, '+') : path };
}
function repositoryNames(naming, namespace, entries) {
    const names = new Map();
    if (naming === 'exact')
        return names;
    const owners = new Map();
    for (const entry of entries) {
        const stored = storedPath(naming, entry.path);
        if ('problem' in stored) {
            throw new ActionError(`Namespace file ${entry.file} ('${entry.path}' in namespace '${namespace}') cannot be deployed to this Kestra server: ${stored.problem}. Rename the file, or upgrade Kestra to 1.0 or later.`);
        }
        const owner = owners.get(stored.path);
        if (owner && owner.path !== entry.path) {
            throw new ActionError(`Namespace files ${owner.file} and ${entry.file} (namespace '${namespace}') would be one file '${stored.path}' on this Kestra server: before 1.0 it stores a space as '+'. Rename one of them.`);
        }
        owners.set(stored.path, entry);
        if (stored.path !== entry.path)
            names.set(stored.path, entry.path);
    }
    return names;
}

function readZip(response) {
    return new Map([...readZipEntries(response)].map(([name, entry]) => [name, entry.bytes()]));
}
function readZipEntries(response) {
    const unreadable = (error) => unreadableAnswer(response, `the answer is not a readable zip archive (${error.message})`);
    let entries;
    try {
        entries = response.body.length === 0 ? new Map() : unzip(response.body, unreadable);
    }
    catch (error) {
        throw unreadable(error);
    }
    for (const name of entries.keys())
        if (name.endsWith('/'))
            entries.delete(name);
    return entries;
}
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_FIELDS = 0x0001;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const IN_ZIP64 = 0xffffffff;
const STORED = 0;
const DEFLATED = 8;
const MIN_CHUNK = constants.Z_MIN_CHUNK;
function unzip(zip, unreadable) {
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const directory = centralDirectory(view, findEndOfCentralDirectory(view));
    const entries = new Map();
    const names = new TextDecoder();
    let at = directory.at;
    for (let i = 0; i < directory.count; i++) {
        if (view.getUint32(at, true) !== CENTRAL_FILE_HEADER)
            throw new Error('bad central directory');
        const flags = view.getUint16(at + 8, true);
        const method = view.getUint16(at + 10, true);
        const nameLength = view.getUint16(at + 28, true);
        const extraLength = view.getUint16(at + 30, true);
        const commentLength = view.getUint16(at + 32, true);
        const name = names.decode(zip.subarray(at + 46, at + 46 + nameLength));
        if ((flags & 1) !== 0)
            throw new Error(`entry ${name} is encrypted`);
        if (method !== STORED && method !== DEFLATED) {
            throw new Error(`entry ${name} uses compression method ${method}`);
        }
        const { size, compressedSize, local } = entrySizes(view, at, name);
        if (view.getUint32(local, true) !== LOCAL_FILE_HEADER)
            throw new Error('bad local header');
        const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
        const data = zip.subarray(start, start + compressedSize);
        if (data.length !== compressedSize)
            throw new Error(`truncated entry ${name}`);
        if (method === STORED && size !== compressedSize)
            throw new Error(`entry ${name} has the wrong size`);
        entries.set(name, {
            size,
            digest: () => `${method === STORED ? 's' : 'd'}${hash('sha256', data, 'base64url')}`,
            bytes: () => {
                if (method === STORED)
                    return data;
                try {
                    const bytes = inflated(data, size);
                    if (bytes.length !== size)
                        throw new Error(`entry ${name} has the wrong size`);
                    return bytes;
                }
                catch (error) {
                    throw unreadable(error);
                }
            }
        });
        at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}
function centralDirectory(view, end) {
    const locator = end - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) {
        return { count: view.getUint16(end + 10, true), at: view.getUint32(end + 16, true) };
    }
    const record = Number(view.getBigUint64(locator + 8, true));
    if (view.getUint32(record, true) !== ZIP64_END_OF_CENTRAL_DIRECTORY) {
        throw new Error('bad zip64 end of central directory');
    }
    return {
        count: Number(view.getBigUint64(record + 32, true)),
        at: Number(view.getBigUint64(record + 48, true))
    };
}
function entrySizes(view, at, name) {
    const fields = [
        view.getUint32(at + 24, true),
        view.getUint32(at + 20, true),
        view.getUint32(at + 42, true)
    ];
    if (fields.includes(IN_ZIP64)) {
        const extra = at + 46 + view.getUint16(at + 28, true);
        let field = zip64Fields(view, extra, extra + view.getUint16(at + 30, true));
        for (const [i, value] of fields.entries()) {
            if (value !== IN_ZIP64)
                continue;
            if (field === undefined || field.at + 8 > field.end) {
                throw new Error(`entry ${name} lacks its zip64 sizes`);
            }
            fields[i] = Number(view.getBigUint64(field.at, true));
            field = { ...field, at: field.at + 8 };
        }
    }
    const [size, compressedSize, local] = fields;
    return { size, compressedSize, local };
}
function zip64Fields(view, start, end) {
    for (let at = start; at + 4 <= end; at += 4 + view.getUint16(at + 2, true)) {
        if (view.getUint16(at, true) === ZIP64_FIELDS) {
            return { at: at + 4, end: Math.min(end, at + 4 + view.getUint16(at + 2, true)) };
        }
    }
    return undefined;
}
function inflated(data, size) {
    const stored = storedBlocks(data, size);
    if (stored)
        return stored;
    const buffer = inflateRawSync(data, {
        chunkSize: Math.max(MIN_CHUNK, Math.min(size + 1, PREALLOCATED_AT_MOST)),
        maxOutputLength: Math.max(1, size)
    });
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
function storedBlocks(data, size) {
    const blocks = [];
    let at = 0;
    let total = 0;
    for (let final = false; !final;) {
        if (at + 5 > data.length || (data[at] & 0xfe) !== 0)
            return undefined;
        final = data[at] === 1;
        const length = data[at + 1] | (data[at + 2] << 8);
        if ((data[at + 3] | (data[at + 4] << 8)) !== (length ^ 0xffff))
            return undefined;
        if (at + 5 + length > data.length)
            return undefined;
        blocks.push(data.subarray(at + 5, at + 5 + length));
        at += 5 + length;
        total += length;
    }
    if (at !== data.length || total !== size)
        return undefined;
    return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks, total);
}
function findEndOfCentralDirectory(view) {
    for (let at = view.byteLength - 22; at >= Math.max(0, view.byteLength - 22 - 0xffff); at--) {
        if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY)
            return at;
    }
    throw new Error('no end of central directory');
}

const FLOWS_FOLDER = '_flows';
const MAX_WALK_ENTRIES = 10_000;
const MAX_WALK_DEPTH = 64;
const directoryEntry = object({ fileName: string(), type: unknown().optional() });
const revisionRow = object({ revision: number() });
function filesApi(http) {
    let exportMissing = false;
    const files = (namespace, below = '') => ({
        route: `/namespaces/{namespace}/files${below}`,
        params: [namespace]
    });
    const read = async (namespace, path, revision) => {
        const response = await http.found({
            method: 'GET',
            ...files(namespace),
            query: revision === undefined ? { path } : { path, revision: String(revision) }
        });
        return response?.body;
    };
    const send = (namespace, path, filename, bytes, allow400) => formBody([['fileContent', new Blob([bytes]), filename]]).then(({ contentType, body }) => http.send({
        method: 'POST',
        ...files(namespace),
        query: { path },
        headers: { 'content-type': contentType },
        body,
        ...(allow400 && { allow: [400] })
    }));
    const exported = async (namespace) => {
        const response = await http.send({
            method: 'GET',
            ...files(namespace, '/export'),
            allow: [404, 405]
        });
        if (response.status === 404 || response.status === 405) {
            exportMissing = true;
            return undefined;
        }
        return [...readZipEntries(response)]
            .map(([name, entry]) => ({ path: '/' + name.replace(/^\/+/, ''), ...entry }))
            .filter(({ path }) => !path.startsWith(`/${FLOWS_FOLDER}/`));
    };
    const walk = async (namespace, dir, budget) => {
        const response = await http.found({
            method: 'GET',
            ...files(namespace, '/directory'),
            query: { path: dir }
        });
        if (!response)
            return [];
        const entries = new Map();
        for (const item of readJsonArray(response)) {
            const { fileName, type } = directoryEntry.safeParse(item).data ?? {};
            if (!fileName)
                continue;
            if (dir === '/' && fileName === FLOWS_FOLDER)
                continue;
            entries.set(fileName, type);
        }
        budget.left -= entries.size;
        const depth = dir.split('/').length - 1;
        if (budget.left < 0 || depth > MAX_WALK_DEPTH) {
            throw new ListingError(`Kestra's namespace files of ${namespace} did not end: the directory listing went past ${MAX_WALK_ENTRIES} entries or ${MAX_WALK_DEPTH} folders deep (at ${dir.slice(0, 200)}). Nothing was decided on a part of it; remove files no flow reads, or check that the server (or a proxy in front of it) answers GET /namespaces/{namespace}/files/directory as Kestra does.`);
        }
        const nested = await Promise.all([...entries].map(async ([fileName, type]) => {
            const path = dir === '/' ? `/${fileName}` : `${dir}/${fileName}`;
            if (type === 'Directory')
                return walk(namespace, path, budget);
            const bytes = await read(namespace, path);
            return bytes ? [{ path, size: bytes.length, bytes: () => bytes }] : [];
        }));
        return nested.flat();
    };
    return {
        async listFiles(namespace) {
            const found = exportMissing ? undefined : await exported(namespace);
            const all = found ?? (await walk(namespace, '/', { left: MAX_WALK_ENTRIES }));
            return all.sort((a, b) => compareCodeUnits(a.path, b.path));
        },
        getFile: (namespace, path) => read(namespace, path),
        fileRevision: (namespace, path, revision) => read(namespace, path, revision),
        async fileRevisions(namespace, path) {
            const response = await http.send({
                method: 'GET',
                ...files(namespace, '/revisions'),
                query: { path },
                allow: [404, 405]
            });
            if (response.status >= 400)
                return undefined;
            return readJsonArray(response).flatMap((item) => {
                const read = revisionRow.safeParse(item).data;
                return read ? [read.revision] : [];
            });
        },
        async uploadFile(namespace, path, bytes) {
            const response = await send(namespace, path, uploadFileName(path), bytes, bytes.length === 0);
            if (response.status !== 400)
                return;
            const stored = storedPath(fileNaming(await http.info()), path);
            const entry = ('path' in stored ? stored.path : path).replace(/^\/+/, '');
            await send(namespace, path, 'empty-file.zip', emptyEntryZip(entry), false);
        },
        async deleteFile(namespace, path) {
            await http.send({ method: 'DELETE', ...files(namespace), query: { path } });
        }
    };
}
function emptyEntryZip(name) {
    const parts = [];
    const zip = new Zip((error, chunk) => {
        if (error)
            throw error;
        parts.push(chunk);
    });
    const entry = new ZipDeflate(name);
    zip.add(entry);
    entry.push(new Uint8Array(0), true);
    zip.end();
    return Buffer.concat(parts);
}
function uploadFileName(path) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base === '')
        return 'file';
    return /\.zip$/i.test(base.trim()) ? `${base}.upload` : base;
}

function withoutRevisionLine(source) {
    return source.replace(/^revision: \d+\n?/m, '');
}
function flowIdentity$1(source) {
    const doc = distExports.parseDocument(source, { uniqueKeys: false });
    const namespace = doc.get('namespace');
    const id = doc.get('id');
    return typeof namespace === 'string' && typeof id === 'string' ? { namespace, id } : undefined;
}
function comparableFlowSource(source) {
    return withoutRevisionLine(normaliseText(source));
}
const BLOCK_KEY = /^[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|$)/;
const ALIAS$1 = /(?:^[ \t]*|[:?-][ \t]+|[[{,][ \t]*)\*[^\s,[\]{}]/m;
function topLevelText(source, keys) {
    if (ALIAS$1.test(source))
        return undefined;
    const kept = [];
    let keeping = false;
    let mapping = false;
    for (const line of source.split('\n')) {
        const margin = /^\S/.test(line) && !line.startsWith('#') && !/^-(?:[ \t]|$)/.test(line);
        if (margin) {
            if (!BLOCK_KEY.test(line))
                return undefined;
            keeping = keys.has(line.slice(0, line.indexOf(':')).trim());
            mapping = true;
        }
        else if (!mapping && /^-(?:[ \t]|$)/.test(line)) {
            return undefined;
        }
        if (keeping)
            kept.push(line);
    }
    return mapping ? kept.join('\n') : undefined;
}

function settle(pending) {
    return pending.then((value) => ({ ok: true, value }), (error) => ({ ok: false, error }));
}
async function valueOf(outcome) {
    return valueOfEnded(await outcome);
}
function valueOfEnded(ended) {
    if (ended.ok)
        return ended.value;
    throw ended.error;
}

const EXPORTED_AT_ONCE = 1000;
function flowsApi(http) {
    let exportMissing = false;
    let batch;
    let listingsUnderWay = 0;
    const one = (namespace, id) => ({
        route: '/flows/{namespace}/{id}',
        params: [namespace, id]
    });
    const getFlow = async (namespace, id) => {
        const response = await http.found({
            method: 'GET',
            ...one(namespace, id),
            query: { source: 'true' }
        });
        return response && toRemoteFlow(response, '');
    };
    const listed = async (namespace) => {
        const listing = await http.send({
            method: 'GET',
            route: '/flows/{namespace}',
            params: [namespace]
        });
        return readJsonArray(listing).flatMap((item) => {
            const flow = flowAnswer.safeParse(item).data;
            if (flow?.id === undefined || flow.deleted === true)
                return [];
            if (flow.namespace !== undefined && flow.namespace !== namespace)
                return [];
            const updated = flow.updated !== undefined ? { updated: flow.updated } : {};
            const draft = flow.draft === true ? { draft: true } : {};
            return [{ id: flow.id, revision: Number(flow.revision ?? 0), ...updated, ...draft }];
        });
    };
    const listedWithSources = async (namespace) => {
        listingsUnderWay++;
        const listing = await settle(listed(namespace));
        listingsUnderWay--;
        if (!listing.ok || listing.value.length === 0 || exportMissing) {
            if (listingsUnderWay === 0)
                send();
            return { listed: valueOfEnded(listing), sources: new Map() };
        }
        const together = await join(namespace, listing.value);
        if (together)
            return { listed: listing.value, sources: together };
        const again = await listed(namespace);
        if (again.length === 0 || exportMissing)
            return { listed: again, sources: new Map() };
        const alone = await exportSources([{ namespace, listed: again }]);
        return { listed: again, sources: alone?.get(namespace) ?? new Map() };
    };
    const join = (namespace, flows) => {
        const names = flows.flatMap(({ id }) => entryNames(namespace, id));
        if (batch &&
            (flowsIn(batch) + flows.length > EXPORTED_AT_ONCE ||
                names.some((name) => batch.names.has(name)))) {
            send();
        }
        const filling = (batch ??= { members: [], names: new Set() });
        for (const name of names)
            filling.names.add(name);
        const sources = new Promise((done) => filling.members.push({ namespace, listed: flows, done }));
        if (flowsIn(filling) >= EXPORTED_AT_ONCE || listingsUnderWay === 0)
            send();
        return valueOf(sources);
    };
    const send = () => {
        const sent = batch;
        batch = undefined;
        if (!sent)
            return;
        void settle(exportSources(sent.members)).then((outcome) => {
            for (const member of sent.members) {
                member.done(outcome.ok
                    ? {
                        ok: true,
                        value: outcome.value && (outcome.value.get(member.namespace) ?? new Map())
                    }
                    : outcome);
            }
        });
    };
    const exportSources = async (members) => {
        const response = await http.send({
            method: 'POST',
            route: '/flows/export/by-ids',
            readOnly: true,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(members.flatMap(({ namespace, listed }) => listed.map(({ id }) => ({ namespace, id })))),
            allow: [404, 405]
        });
        if (response.status === 404)
            return undefined;
        if (response.status === 405) {
            exportMissing = true;
            return new Map();
        }
        const named = new Map(members.flatMap(({ namespace, listed }) => listed.flatMap(({ id }) => entryNames(namespace, id).map((name) => [name, { namespace, id }]))));
        const sources = new Map(members.map(({ namespace }) => [namespace, new Map()]));
        for (const [name, bytes] of readZip(response)) {
            const source = new TextDecoder().decode(bytes);
            let flow = named.get(name.slice(name.lastIndexOf('/') + 1).replace(/\.ya?ml$/i, ''));
            if (!flow) {
                const identity = flowIdentity$1(source);
                flow = identity && named.get(`${identity.namespace}.${identity.id}`);
            }
            if (flow)
                sources.get(flow.namespace)?.set(flow.id, source);
        }
        return sources;
    };
    return {
        async listFlows(namespace) {
            const { listed, sources } = await listedWithSources(namespace);
            const flows = await Promise.all(listed.map(async ({ id, revision, updated, draft }) => {
                const source = sources.get(id);
                const flow = source !== undefined
                    ? { namespace, id, revision, source, ...(updated && { updated }) }
                    : await getFlow(namespace, id);
                return flow && { ...flow, ...(draft && { draft }) };
            }));
            return flows
                .filter((flow) => flow !== undefined)
                .sort((a, b) => compareCodeUnits(a.id, b.id));
        },
        async flowRevisions(namespace) {
            return new Map((await listed(namespace)).map(({ id, revision }) => [id, revision]));
        },
        getFlow,
        async flowRevisionSource(namespace, id, revision) {
            const response = await http.found({
                method: 'GET',
                ...one(namespace, id),
                query: { revision: String(revision), source: 'true' }
            });
            return response && readAnswer$1(response, flowAnswer, 'a flow').source;
        },
        async createFlow(source) {
            const response = await http.send({
                method: 'POST',
                route: '/flows',
                headers: YAML,
                body: source,
                allow: [409, 422]
            });
            if (response.status < 400)
                return toRemoteFlow(response, source);
            const error = responseError(response);
            if (response.attempts === 1 || !/already exists/i.test(error.serverMessage))
                throw error;
            const identity = flowIdentity$1(source);
            const stored = identity && (await getFlow(identity.namespace, identity.id));
            if (stored && withoutRevisionLine(stored.source) === withoutRevisionLine(source))
                return stored;
            throw error;
        },
        async updateFlow(namespace, id, source) {
            const response = await http.send({
                method: 'PUT',
                ...one(namespace, id),
                headers: YAML,
                body: source
            });
            return toRemoteFlow(response, source);
        },
        async deleteFlow(namespace, id) {
            const response = await http.send({ method: 'DELETE', ...one(namespace, id), allow: [404] });
            if (response.status === 404 && response.attempts === 1)
                throw responseError(response);
        },
        async flowDependencies(namespace, id) {
            const response = await http.found({
                method: 'GET',
                route: '/flows/{namespace}/{id}/dependencies',
                params: [namespace, id],
                query: { destinationOnly: 'false', expandAll: 'false' }
            });
            if (!response)
                return undefined;
            const { nodes, edges } = readAnswer$1(response, topology, 'a flow topology');
            const byUid = new Map();
            for (const node of nodes) {
                const read = topologyNode.safeParse(node).data;
                if (read)
                    byUid.set(read.uid, { namespace: read.namespace, id: read.id });
            }
            return edges.flatMap((edge) => {
                const read = topologyEdge.safeParse(edge).data;
                const from = read && byUid.get(read.source);
                const to = read && byUid.get(read.target);
                return from && to ? [{ source: from, target: to, relation: read.relation }] : [];
            });
        }
    };
}
function flowsIn(batch) {
    return batch.members.reduce((sum, member) => sum + member.listed.length, 0);
}
function entryNames(namespace, id) {
    return [`${namespace}.${id}`, `${namespace}-${id}`];
}
const flowAnswer = object({
    id: string().optional().catch(undefined),
    namespace: string().optional().catch(undefined),
    revision: unknown().optional(),
    deleted: unknown().optional(),
    source: string().optional().catch(undefined),
    updated: string().optional().catch(undefined),
    draft: boolean$1().optional().catch(undefined)
});
const topology = object({
    nodes: array(unknown()).catch([]),
    edges: array(unknown()).catch([])
});
const topologyNode = object({ uid: string(), namespace: string(), id: string() });
const topologyEdge = object({
    source: string(),
    target: string(),
    relation: _enum(['FLOW_TASK', 'FLOW_TRIGGER'])
});
function toRemoteFlow(response, sentSource) {
    const flow = readAnswer$1(response, flowAnswer, 'a flow');
    if (flow.id === undefined || flow.namespace === undefined) {
        throw unreadableAnswer(response, 'the answer is not a flow (no id or namespace)');
    }
    return {
        namespace: flow.namespace,
        id: flow.id,
        revision: Number(flow.revision ?? 0),
        source: flow.source ?? sentSource,
        ...(flow.updated !== undefined && { updated: flow.updated })
    };
}

const MAX_BATCH = 250;
function batchCount(flows, concurrency) {
    return Math.max(MAX_BATCH, Math.ceil(flows / concurrency));
}
const MAX_BATCH_BYTES = 512 * 1024;
const SEPARATOR$1 = '\n---\n';
const SEPARATOR_LINE = /(^|\n)---/;
class FillingBatch {
    bound;
    count = 0;
    bytes = 0;
    constructor(bound) {
        this.bound = bound;
    }
    fits(bytes) {
        if (this.count === 0)
            return true;
        return (this.count < this.bound.count && this.bytes + SEPARATOR$1.length + bytes <= this.bound.bytes);
    }
    get full() {
        return !this.fits(0);
    }
    add(bytes) {
        this.bytes += (this.count === 0 ? 0 : SEPARATOR$1.length) + bytes;
        this.count += 1;
    }
}
function validateApi(http) {
    const validateBatch = async (sources, batch) => {
        const body = batch.map((index) => sources[index]).join(SEPARATOR$1);
        const response = await http.send({
            method: 'POST',
            route: '/flows/validate',
            readOnly: true,
            headers: YAML,
            body,
            allow: [413]
        });
        if (response.status === 413) {
            if (batch.length === 1) {
                const message = couldNotValidate(`${bodyRefused(response.sentBytes)} (413, the flow alone), and would refuse its deploy as well: ${BODY_LIMIT_REMEDY}`);
                return [{ ...emptyResult(batch[0]), noVerdict: { cause: 'too large', message } }];
            }
            const half = Math.ceil(batch.length / 2);
            const halves = await Promise.all([
                validateBatch(sources, batch.slice(0, half)),
                validateBatch(sources, batch.slice(half))
            ]);
            return halves.flat();
        }
        const text = new TextDecoder().decode(response.body);
        const items = parsedJson(text);
        if (Array.isArray(items))
            return mapBatch(batch, items);
        const why = items === undefined ? 'it is not JSON' : 'it is not a list of verdicts';
        const noVerdict = unreadable(unreadableVerdict(why, text));
        return batch.map((index) => ({ ...emptyResult(index), noVerdict }));
    };
    return {
        async validateFlows(sources, count = MAX_BATCH) {
            const bound = { count, bytes: MAX_BATCH_BYTES };
            const results = await Promise.all(planBatches(sources, bound).map((batch) => validateBatch(sources, batch)));
            return results.flat().sort((a, b) => a.index - b.index);
        }
    };
}
function couldNotValidate(why) {
    return `Kestra could not validate this flow: ${why}.`;
}
function unreadable(why) {
    return { cause: 'unreadable', message: couldNotValidate(why) };
}
function planBatches(sources, bound = { count: MAX_BATCH, bytes: MAX_BATCH_BYTES }) {
    const batches = [];
    let current = [];
    let filling = new FillingBatch(bound);
    sources.forEach((source, index) => {
        if (SEPARATOR_LINE.test(source) || source.trim() === '') {
            batches.push([index]);
            return;
        }
        const bytes = utf8Length(source);
        if (!filling.fits(bytes)) {
            batches.push(current);
            current = [];
            filling = new FillingBatch(bound);
        }
        current.push(index);
        filling.add(bytes);
    });
    if (current.length)
        batches.push(current);
    return batches;
}
function mapBatch(batch, items) {
    const results = batch.map((index) => emptyResult(index));
    const answered = new Set();
    items.forEach((item, position) => {
        const record = indexed.safeParse(item).data;
        const index = record && 'index' in record ? record.index : position;
        const local = results.length === 1 ? 0 : index;
        if (typeof local !== 'number' || !Number.isInteger(local) || !(local in results)) {
            const why = `an answer names index ${JSON.stringify(index) ?? 'undefined'}, which no flow of the request has`;
            const noVerdict = unreadable(unreadableVerdict(why, JSON.stringify(item) ?? String(item)));
            for (const result of results)
                result.noVerdict ??= noVerdict;
            return;
        }
        answered.add(local);
        mergeInto(results[local], item);
    });
    results.forEach((result, position) => {
        if (!answered.has(position))
            result.noVerdict ??= unreadable(missingVerdict());
    });
    return results;
}
const indexed = looseObject({ index: unknown().optional() });
function emptyResult(index) {
    return { index, errors: [], outdated: false, deprecationPaths: [], warnings: [], infos: [] };
}
function mergeInto(target, item) {
    const verdict = readVerdict(item);
    if (!verdict.readable) {
        const answer = JSON.stringify(item) ?? String(item);
        target.noVerdict ??= unreadable(unreadableVerdict(verdict.why, answer));
        return;
    }
    const { record } = verdict;
    target.errors.push(...verdict.errors);
    target.outdated ||= record.outdated === true;
    target.deprecationPaths.push(...strings(record.deprecationPaths));
    target.warnings.push(...strings(record.warnings));
    target.infos.push(...strings(record.infos));
}
function strings(value) {
    return Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
}

function createKestraClient(options) {
    const dispatcher = options.dispatcher ?? createDispatcher(2 * Math.max(options.concurrency, 1));
    const server = options.server.replace(/\/+$/, '');
    const transport = new Transport({
        server,
        auth: options.auth,
        timeoutMs: options.timeoutSeconds * 1000,
        concurrency: options.concurrency,
        userAgent: options.userAgent ?? 'kestra-gitops-action',
        retry: retryPolicy(options.retry),
        dispatcher,
        onRetry: options.onRetry
    });
    const http = new ScopedHttp(transport, options.tenant);
    return {
        info: () => http.info(),
        target: { server, tenant: options.tenant },
        uiBase: async () => kestraUiBase(server, (await http.info()).tenantScoped ? options.tenant : undefined),
        yamlResources: (collection) => yamlResources(http, collection),
        ...flowsApi(http),
        ...filesApi(http),
        ...kvApi(http),
        ...validateApi(http),
        ...dashboardsApi(http),
        ...executionsApi(http),
        ...listingsApi(http),
        requestCount: () => transport.requestCount(),
        close: () => dispatcher.close()
    };
}
const resourceAnswer = object({ id: string(), source: string() });
const listedRow = resourceAnswer.extend({ namespace: unknown(), deleted: unknown() });
function yamlResources(http, collection) {
    const base = `/${pathSegment(collection)}`;
    const one = (namespace, id) => ({
        route: `${base}/{namespace}/{id}`,
        params: [namespace, id]
    });
    return {
        list: (namespace) => unlessMissing(readPages(http, {
            name: `${collection} listing`,
            remedy: `a namespace holds at most ${LISTED_AT_MOST} of them`,
            route: `${base}/search`,
            query: { namespace, includeChildNamespaces: 'false', sort: 'id:asc' },
            key: (row) => listedRow.safeParse(row).data?.id
        }, (row) => {
            const found = listedRow.safeParse(row).data;
            return found && found.namespace === namespace && found.deleted !== true
                ? { id: found.id, source: found.source }
                : undefined;
        })),
        async get(namespace, id) {
            const response = await http.found({ method: 'GET', ...one(namespace, id) });
            const withSource = resourceAnswer.pick({ source: true });
            return response && readAnswer$1(response, withSource, 'the resource with its source').source;
        },
        async create(source) {
            await http.send({ method: 'POST', route: base, headers: YAML, body: source });
        },
        async update(namespace, id, source) {
            const response = await http.found({
                method: 'PUT',
                ...one(namespace, id),
                headers: YAML,
                body: source
            });
            return response !== undefined;
        },
        async delete(namespace, id) {
            const response = await http.send({ method: 'DELETE', ...one(namespace, id), allow: [404] });
            return response.status < 400 || response.attempts > 1;
        }
    };
}
function kvApi(http) {
    const entry = (namespace, key) => ({
        route: '/namespaces/{namespace}/kv/{key}',
        params: [namespace, key]
    });
    return {
        async getKv(namespace, key, first = false) {
            const response = await http.found({
                method: 'GET',
                ...entry(namespace, key),
                allow: [410],
                first
            });
            return response && response.status !== 410 ? readJsonObject(response).value : undefined;
        },
        async putKv(namespace, key, value) {
            await http.send({
                method: 'PUT',
                ...entry(namespace, key),
                headers: { 'content-type': 'text/plain' },
                body: JSON.stringify(value) ?? 'null'
            });
        },
        async deleteKv(namespace, key) {
            await http.send({ method: 'DELETE', ...entry(namespace, key) });
        }
    };
}
function settingsTarget(settings) {
    return { server: settings.server, upgradeServer: settings.upgradeServer };
}
function clientForSettings(settings, log, userAgent, which = 'server') {
    const server = settings[which];
    if (!server)
        return undefined;
    return createKestraClient({
        server,
        tenant: settings.tenant,
        auth: settings.auth,
        timeoutSeconds: settings.timeoutSeconds,
        concurrency: settings.concurrency,
        userAgent,
        onRetry: (info) => log(`Kestra: retrying ${info.method} ${info.path} (${info.reason}) in ${info.delayMs} ms`)
    });
}

const HTML_ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;'
};
function linkTarget(url) {
    return url.replace(/[\s()<>[\]"`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => HTML_ENTITIES[c]);
}
function escapeText(text) {
    return text.replace(TEXT_SPECIALS, (match) => {
        if (match.length > 1 || match === '\n' || match === '\r')
            return ' ';
        if (match === '@')
            return '@&#8203;';
        return HTML_ENTITIES[match] ?? `&#${match.charCodeAt(0)};`;
    });
}
const TEXT_SPECIALS = /\s*[\r\n]+\s*|[&<>"`*_[\]|\\~@]/g;
function escapeTextWithCode(text) {
    const parts = text.split('`');
    if (parts.length % 2 === 0)
        parts.splice(-2, 2, parts.slice(-2).join('`'));
    return parts
        .map((part, i) => (i % 2 === 1 ? `<code>${escapeText(part)}</code>` : escapeText(part)))
        .join('');
}
function commitText(sha, repositoryUrl) {
    if (!/^[0-9a-f]{7,64}$/i.test(sha))
        return escapeText(short(sha)) || 'unknown';
    const text = `\`${short(sha)}\``;
    return repositoryUrl ? `[${text}](${linkTarget(`${repositoryUrl}/commit/${sha}`)})` : text;
}
function shownDate(iso) {
    const time = iso ? Date.parse(iso) : NaN;
    return Number.isNaN(time)
        ? undefined
        : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
function markdownTable(columns, rows) {
    const cells = columns.map((column) => rows.map((row) => column.cell(row)));
    const shown = columns.flatMap((column, i) => cells[i].some((cell) => cell !== '') ? [{ title: column.title, cells: cells[i] }] : []);
    const line = (values) => `| ${values.join(' | ')} |`;
    return [
        line(shown.map((c) => c.title)),
        line(shown.map(() => '---')),
        ...rows.map((_, r) => line(shown.map((c) => c.cells[r])))
    ].join('\n');
}

const SHOWN = 60;
function upgradeSection(report) {
    if (!report)
        return undefined;
    const { target, flows, loading, items } = report;
    const refusing = flows - loading;
    const headline = refusing === 0
        ? `all ${flows} managed flow(s) would load`
        : `${loading} of ${flows} managed flow(s) would load; ${refusing} would not`;
    const mechanical = items.filter((item) => item.mechanical).length;
    const lines = items.slice(0, SHOWN).map((item) => {
        const fix = item.mechanical
            ? 'mechanical: `kestra-gitops upgrade-check --write` or `mode: upgrade` rewrites it'
            : `manual: [migration guide](${linkTarget(item.guide)})`;
        return `- ${escapeTextWithCode(`\`${item.file}:${item.line}\``)}: ${escapeTextWithCode(item.message)} (${fix})`;
    });
    if (items.length > SHOWN)
        lines.push(`- …and ${items.length - SHOWN} more: run \`kestra-gitops upgrade-check\``);
    const tally = items.length === 0
        ? ''
        : `\n\n${items.length} refusal(s), ${mechanical} with a mechanical rewrite, ${items.length - mechanical} to rewrite by hand.\n\n${lines.join('\n')}`;
    return `<details><summary>Ready for Kestra ${escapeTextWithCode(target)}? ${headline}</summary>${tally}\n\n</details>`;
}
function upgradePullTitle(report) {
    return `Ready for Kestra ${report.target}: the mechanical rewrites`;
}
function upgradePullBody(report, commentKey) {
    const line = (item) => `- ${escapeTextWithCode(`\`${item.file}:${item.line}\``)}: ${escapeTextWithCode(item.message)}`;
    const done = report.items.filter((item) => item.mechanical);
    const manual = report.items.filter((item) => !item.mechanical);
    const key = commentKey === 'default' ? '' : ` (${escapeTextWithCode(commentKey)})`;
    return [
        `<!-- kestra-gitops-upgrade: ${report.target} -->`,
        `### Ready for Kestra ${escapeTextWithCode(report.target)}?${key}`,
        `${report.loading} of ${report.flows} managed flow(s) load on Kestra ${escapeTextWithCode(report.target)} as they are. This pull request rewrites what is mechanical, keeping every task id, comment and line it does not change; nothing was written to Kestra.`,
        '#### Rewritten',
        done
            .slice(0, SHOWN * 4)
            .map(line)
            .join('\n') || 'Nothing.',
        '#### Left to rewrite by hand',
        [
            ...manual
                .slice(0, SHOWN * 2)
                .map((item) => `${line(item)} ([migration guide](${linkTarget(item.guide)}))`),
            ...(manual.length > SHOWN * 2 ? [`- …and ${manual.length - SHOWN * 2} more`] : [])
        ].join('\n') || 'Nothing: once merged, every managed flow loads on the target.'
    ].join('\n\n');
}

function fence(content, info = '') {
    let longest = 0;
    for (const run of content.match(/`+/g) ?? [])
        longest = Math.max(longest, run.length);
    const ticks = '`'.repeat(Math.max(3, longest + 1));
    const body = content.endsWith('\n') || content === '' ? content : `${content}\n`;
    return `${ticks}${info}\n${body}${ticks}`;
}
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
function scanLines(markdown) {
    const result = [];
    let open;
    for (const text of markdown.split('\n')) {
        if (open) {
            const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(text);
            if (close && close[1][0] === open.char && close[1].length >= open.length)
                open = undefined;
            result.push({ text, inFence: true, open });
            continue;
        }
        const start = FENCE_OPEN.exec(text);
        if (start && !(start[1][0] === '`' && start[2].includes('`'))) {
            open = { char: start[1][0], length: start[1].length };
            result.push({ text, inFence: true, open });
            continue;
        }
        result.push({ text, inFence: false });
    }
    return result;
}

const MAX_SUGGESTIONS_PER_RUN = 10;
function addedLines(patch) {
    const added = new Map();
    let line = 0;
    for (const text of patch.split('\n')) {
        const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
        if (hunk) {
            line = Number(hunk[1]);
            continue;
        }
        if (line === 0)
            continue;
        if (text.startsWith('+'))
            added.set(line++, text.slice(1).replace(/\r$/, ''));
        else if (text.startsWith(' '))
            line++;
    }
    return added;
}
function suggestionMarker(key) {
    return `<!-- kestra-gitops-suggestion: ${key} -->`;
}

function suggestionComment(suggestion, message) {
    return [
        suggestionMarker(suggestion.key),
        `**Kestra GitOps** · \`${suggestion.rule}\`: ${escapeTextWithCode(message)}`,
        '',
        fence(suggestion.lines.join('\n'), 'suggestion')
    ].join('\n');
}
function suggestionsReviewBody(count) {
    return `Kestra GitOps: ${count} mechanical fix(es) of lines this pull request changed, each one click to apply ("Commit suggestion"). The plan comment lists any past the ${MAX_SUGGESTIONS_PER_RUN} a run offers here.`;
}
const LISTED = 30;
function suggestionsSection(report) {
    if (!report || (report.offered === 0 && report.more.length === 0))
        return undefined;
    const head = `${report.offered} mechanical fix(es) are offered as suggested changes on this pull request's lines (review comments: "Commit suggestion" applies one).`;
    if (report.more.length === 0)
        return head;
    const items = report.more.slice(0, LISTED).map((s) => {
        const diff = [...s.original.map((l) => `-${l}`), ...s.lines.map((l) => `+${l}`)].join('\n');
        const where = `\`${s.file}:${s.startLine}${s.endLine > s.startLine ? `-${s.endLine}` : ''}\``;
        return `${escapeTextWithCode(where)} (${escapeTextWithCode(`\`${s.rule}\``)}):\n\n${fence(diff, 'diff')}`;
    });
    const rest = report.more.length > LISTED
        ? `\n\n…and ${report.more.length - LISTED} more: run \`kestra-gitops validate\` on the branch.`
        : '';
    return `<details><summary>${head} ${report.more.length} more, past the ${MAX_SUGGESTIONS_PER_RUN} a run posts</summary>\n\n${items.join('\n\n')}${rest}\n\n</details>`;
}

function changeTargets(change) {
    const key = `resource ${resourceKey(change)}`;
    return change.file === undefined ? [key] : [key, `file ${change.file}`];
}
function findingTargets(finding) {
    const file = `file ${finding.file}`;
    return finding.resource === undefined ? [file] : [file, `resource ${finding.resource}`];
}
function resourceKey(change) {
    if (change.kind === 'file')
        return fileKey(change.namespace, change.path);
    if (change.kind === 'flow')
        return flowKey(change.namespace, change.id);
    return change.namespace === ''
        ? `${change.kind}:${change.id}`
        : `${change.kind}:${change.namespace}/${change.id}`;
}
function flowKey(namespace, id) {
    return `flow:${namespace}/${id}`;
}
function fileKey(namespace, path) {
    return `file:${namespace}:${path}`;
}
function pinnedKey(targetKey, revision) {
    return `${targetKey}@${revision}`;
}

function resourceName$1(r) {
    if (r.kind === 'file')
        return `${r.namespace}:${r.path}`;
    return r.namespace === '' ? r.id : `${r.namespace}.${r.id}`;
}
function countPlan(resources) {
    const counts = {
        create: 0,
        update: 0,
        delete: 0,
        orphaned: 0,
        unchanged: 0,
        drifted: 0
    };
    for (const r of resources) {
        counts[r.action]++;
        if (r.drifted)
            counts.drifted++;
    }
    return counts;
}
function hasChanges(counts) {
    return counts.create + counts.update + counts.delete > 0;
}
function isWrite(change) {
    return change.action === 'create' || change.action === 'update' || change.action === 'delete';
}

function kindOf$2(kinds, change) {
    const kind = kinds.find((candidate) => candidate.name === change.kind);
    if (kind === undefined) {
        throw new ActionError(`no resource kind '${change.kind}' is registered (src/resources/registry.ts)`);
    }
    return kind;
}
function definedNames(kinds, held) {
    const names = new Set();
    for (const kind of kinds) {
        if (!kind.defines || !held.has(kind.name))
            continue;
        for (const { namespace, name } of kind.defines(held.get(kind.name))) {
            names.add(`${kind.name}\0${namespace}\0${name}`);
        }
    }
    return { has: (kind, namespace, name) => names.has(`${kind}\0${namespace}\0${name}`) };
}

const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const NAMESPACE_MAX_LENGTH = 150;
function isKestraNamespace(namespace) {
    return NAMESPACE_PATTERN.test(namespace) && namespace.length <= NAMESPACE_MAX_LENGTH;
}
function namespaceAndParents(namespace) {
    const parts = namespace.split('.');
    return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}
const SYSTEM_NAMESPACE = 'system';
function heldNamespaceIsManaged(namespace, extraNamespaces) {
    return namespace !== SYSTEM_NAMESPACE || extraNamespaces.includes(namespace);
}
function sameNamespaces(a, b) {
    return a.length === b.length && a.every((namespace, i) => namespace === b[i]);
}

const NOTHING_FOUND = 'nothing-found';
const MISSING_FOLDER = 'missing-folder';
function deployableFlow(flow) {
    return (!flow.notAFlow &&
        flow.id !== undefined &&
        flow.namespace !== undefined &&
        NAMESPACE_PATTERN.test(flow.namespace));
}

const SERVER_VERDICT = /^server-(constraint|deprecation|warning|outdated|info)$/;
function fromServer(finding) {
    return SERVER_VERDICT.test(finding.rule);
}
const SEVERITY_ORDER = { error: 0, warning: 1, notice: 2 };
function compareFindings(a, b) {
    return (compareCodeUnits(a.file, b.file) ||
        a.line - b.line ||
        (a.column ?? 0) - (b.column ?? 0) ||
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        compareCodeUnits(a.rule, b.rule) ||
        compareCodeUnits(a.message, b.message));
}
const READ_ONLY_REFUSED = 'read-only-label';

function demoteUnchangedErrors(findings, changed) {
    if (changed.kind !== 'list')
        return findings;
    return findings.map((finding) => finding.severity === 'error' && outsideChange(finding, changed.paths)
        ? {
            ...finding,
            severity: 'warning',
            message: `${finding.message} (not changed by this pull request, so reported as a warning)`
        }
        : finding);
}
function outsideChange(finding, changed) {
    return (finding.rule !== NOTHING_FOUND &&
        finding.rule !== MISSING_FOLDER &&
        finding.rule !== READ_ONLY_REFUSED &&
        !changed.has(finding.file) &&
        !finding.related?.some((file) => changed.has(file)));
}
function findingCounts(findings) {
    const counts = { error: 0, warning: 0, notice: 0 };
    for (const f of findings)
        counts[f.severity]++;
    return counts;
}
function oneFindingPerFact(findings) {
    const missing = new Set(findings.flatMap((f) => {
        const called = f.rule === 'missing-flow' && /\bflow (\S+)\.([^.\s,]+),/.exec(f.message);
        return called ? [`${f.file}\0${called[1]}\0${called[2]}`] : [];
    }));
    return findings.filter((f) => {
        const found = f.rule === 'server-warning' && SUBFLOW_NOT_FOUND$1.exec(f.message);
        return !found || !missing.has(`${f.file}\0${found[2]}\0${found[1]}`);
    });
}
const SUBFLOW_NOT_FOUND$1 = /The subflow '([^']+)' not found in namespace '([^']+)'/;
function sortFindings(findings) {
    const seen = new Set();
    return [...findings].sort(compareFindings).filter((f) => {
        const key = `${f.severity}\0${f.file}\0${f.line}\0${f.column ?? ''}\0${f.message}`;
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
}
function failureMessage(findings, failOn) {
    const { error, warning } = findingCounts(findings);
    if (error > 0)
        return `Validation found ${error} error(s): fix them (see the annotations and the job summary).`;
    if (failOn === 'warning' && warning > 0)
        return `Validation found ${warning} warning(s) and fail-on is 'warning': fix them or set fail-on: error.`;
    return undefined;
}
function ruleCounts(findings) {
    const counts = new Map();
    for (const { rule } of findings)
        counts.set(rule, (counts.get(rule) ?? 0) + 1);
    if (![...counts.values()].some((count) => count > 1))
        return undefined;
    const ordered = [...counts].sort(([a, x], [b, y]) => y - x || compareCodeUnits(a, b));
    return `Findings by rule: ${ordered.map(([rule, count]) => `${count} × ${rule}`).join(', ')}`;
}

function countsText(counts) {
    const parts = [
        `${counts.create} to create`,
        `${counts.update} to update`,
        `${counts.delete} to delete`,
        `${counts.unchanged} unchanged`
    ];
    if (counts.orphaned > 0)
        parts.push(`${counts.orphaned} orphaned`);
    if (counts.drifted > 0)
        parts.push(`${counts.drifted} drifted`);
    return parts.join(', ');
}
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
function tallyText(findings) {
    const counts = findingCounts(findings);
    const tally = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
    if (counts.notice > 0)
        tally.push(plural(counts.notice, 'notice'));
    return tally.join(', ');
}
function validationFailed(findings, failOn = 'error') {
    const counts = findingCounts(findings);
    return counts.error > 0 || (failOn === 'warning' && counts.warning > 0);
}
function verdictLine(findings, failOn) {
    const verdict = validationFailed(findings, failOn)
        ? '❌ **Validation failed**'
        : '✅ **Validation passed**';
    return `${verdict}: ${tallyText(findings)}`;
}
function verdictAndTarget(input, { layoutReason = true } = {}) {
    return `${verdictLine(input.findings, input.failOn ?? 'error')}\\\n${targetLine(input, layoutReason)}`;
}
function targetLine(input, layoutReason) {
    const server = input.server ? escapeText(input.server) : 'none configured';
    const commit = commitText(input.commit, input.repositoryUrl);
    const reason = input.layout && layoutReason ? ` (${escapeText(input.layout.reason)})` : '';
    const layout = input.layout ? ` · **Layout** ${escapeText(input.layout.layout)}${reason}` : '';
    return `**Server** ${server} · **Tenant** ${escapeText(input.tenant)} · **Commit** ${commit}${layout}`;
}
function subject(what, commentKey) {
    const key = commentKey && commentKey !== 'default' ? ` · ${escapeText(commentKey)}` : '';
    return `Kestra ${what}${key}`;
}
function title(input) {
    return input.plan
        ? `### ${subject('plan', input.commentKey)}: ${countsText(input.plan.counts)}`
        : `### ${subject('validation', input.commentKey)}`;
}
const DEPLOY_OUTCOME = {
    applied: '✅ applied',
    'nothing-to-do': '✅ up to date',
    refused: '⚠️ not deployed',
    failed: '❌ failed',
    'rolled-back': '↩️ rolled back',
    'rollback-incomplete': '⚠️ rollback incomplete'
};
function deployTitle(status, detail, commentKey) {
    return `### ${subject('deploy', commentKey)}: ${DEPLOY_OUTCOME[status]}${detail ? `, ${detail}` : ''}`;
}
const HEADLINE = /^### Kestra (plan|validation|deploy)\b/;
function withHeadline(markdown, headline) {
    const lines = markdown.split('\n');
    const at = lines[0]?.startsWith('<!--') ? 1 : 0;
    if (HEADLINE.test(lines[at] ?? ''))
        lines[at] = headline;
    else
        lines.splice(at, 0, headline);
    return lines.join('\n');
}
function deletionLines(plan) {
    const text = plan && deletionsText(plan);
    if (!text)
        return [];
    return [`> [!CAUTION]\n> 🔴 **${escapeText(text.counts)}:** ${escapeText(text.names)}`];
}
function noteLines(notes) {
    return (notes ?? []).map((note) => `> ${escapeText(note)}`);
}
function unfinishedText(executions) {
    return `${plural(executions.length, 'execution')} not finished`;
}
const NAMED$2 = 10;
function deletionNames(plan) {
    return plan.resources
        .filter((r) => r.action === 'delete')
        .map((r) => `${r.kind} ${resourceName$1(r)}`);
}
function deletionsText(plan) {
    const deleted = plan.resources.filter((r) => r.action === 'delete');
    if (deleted.length === 0)
        return undefined;
    const byKind = new Map();
    for (const r of deleted)
        byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    const counts = [...byKind].map(([kind, n]) => plural(n, kind)).join(', ');
    const names = deletionNames(plan);
    const more = names.length > NAMED$2 ? `, and ${names.length - NAMED$2} more` : '';
    return { counts: `Deletes ${counts}`, names: `${names.slice(0, NAMED$2).join(', ')}${more}.` };
}

const DONE = {
    deleted: "deleted in Kestra's UI",
    created: "created in Kestra's UI",
    edited: "edited in Kestra's UI",
    disabled: "disabled in Kestra's UI",
    enabled: "enabled in Kestra's UI",
    draft: "a draft is pending in Kestra's UI"
};
function uiWorkText(change) {
    if (change.outside === undefined)
        return undefined;
    return `${DONE[change.outside]}; ${consequence(change, change.outside)}`;
}
function consequence({ action, remark }, outside) {
    if (action === 'create')
        return 'deploying re-creates it';
    if (action === 'delete')
        return 'deploying deletes it';
    if (action === 'orphaned')
        return remark === undefined ? 'kept (delete is off)' : 'kept';
    if (outside === 'disabled')
        return 'deploying enables it again';
    if (outside === 'enabled')
        return 'deploying disables it again';
    if (outside === 'draft')
        return "deploying saves Git's copy over it";
    return 'deploying overwrites it';
}
const NAMED$1 = 10;
function driftBaseNotes(base) {
    if (base === undefined)
        return [];
    const notes = [];
    const byCommit = groupBy$1(base.commits);
    const api = base.api ? ", read through GitHub's API as the checkout lacks it" : '';
    if (base.from === 'deployed') {
        if (byCommit.size === 1) {
            const [[commit, names]] = byCommit;
            const which = base.unchecked.size === 0 ? '' : ` for ${named$1(names)}`;
            notes.push(`Drift: compared with commit ${short(commit)}${which}, the commit Kestra was last deployed from (its commit marker).`);
        }
        else if (byCommit.size > 1) {
            const each = [...byCommit].map(([commit, names]) => `${short(commit)} (${named$1(names)})`);
            notes.push(`Drift: compared with the commit each namespace was last deployed from (its commit marker): ${each.join('; ')}.`);
        }
    }
    else if (byCommit.size > 0) {
        const [commit] = byCommit.keys();
        notes.push(`Drift: compared with ${EVENT_BASE[base.from]}, commit ${short(commit)}${api}.`);
    }
    for (const [why, names] of groupBy$1(base.unchecked)) {
        notes.push(`Drift not checked for ${named$1(names)}: ${why}.`);
    }
    return notes;
}
const EVENT_BASE = {
    'pull-request': "the pull request's base",
    push: 'the commit before the push',
    'base-flag': '--base'
};
function named$1(names) {
    const more = names.length > NAMED$1 ? `, and ${names.length - NAMED$1} more` : '';
    return `${names.slice(0, NAMED$1).join(', ')}${more}`;
}
function groupBy$1(map) {
    const groups = new Map();
    for (const [key, value] of [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        groups.set(value, [...(groups.get(value) ?? []), key]);
    }
    return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const ACTION_LABEL = {
    create: '🟢 create',
    update: '🟡 update',
    delete: '🔴 delete',
    orphaned: '⚪ orphaned',
    unchanged: 'unchanged'
};
function invalidCounts(findings) {
    const byKey = new Map();
    const add = (key, f) => {
        const entry = byKey.get(key) ?? { count: 0, error: false };
        entry.count++;
        entry.error ||= f.severity === 'error';
        byKey.set(key, entry);
    };
    for (const f of findings)
        for (const target of findingTargets(f))
            add(target, f);
    return (r) => {
        const [own, file] = changeTargets(r).map((target) => byKey.get(target));
        return own?.error || file?.error ? (file ?? own).count : undefined;
    };
}
function summaryLine(r, links) {
    const findings = links.invalid?.(r);
    const parts = [`${ACTION_LABEL[r.action]} ${r.kind} <b>${escapeText(resourceName$1(r))}</b>`];
    if (findings !== undefined)
        parts.push(`❌ invalid (${plural(findings, 'finding')})`);
    const counts = lineCounts(r);
    if (counts)
        parts.push(counts);
    parts.push(...kindMarks(links.kinds, r));
    const ui = uiWorkText(r);
    if (r.drifted)
        parts.push(ui ? `⚠️ drifted: ${escapeText(ui)}` : '⚠️ drifted');
    if (r.remark !== undefined)
        parts.push(escapeText(r.remark));
    else if (r.action === 'orphaned' && !ui)
        parts.push('kept because <code>delete</code> is false');
    const page = kestraPageOf(r, links.kinds, links.kestraUi);
    if (page)
        parts.push(`<a href="${escapeHtml(page)}">open in Kestra</a>`);
    return parts.join(' · ');
}
function kestraPageOf(r, kinds, kestraUi) {
    if (kestraUi === undefined || r.action === 'create')
        return undefined;
    return kindOf$2(kinds, r).kestraPage?.(r, kestraUi);
}
function kindMarks(kinds, r) {
    return (kindOf$2(kinds, r).marks?.(r) ?? []).map((m) => (m.sign ? `${m.sign} ${m.text}` : m.text));
}
function plainMarks(kinds, r) {
    return (kindOf$2(kinds, r).marks?.(r) ?? []).map((m) => m.text);
}
function kindAbove(kinds, r) {
    return kindOf$2(kinds, r).above?.(r) ?? [];
}
function lineCounts(r) {
    if (r.additions === undefined || r.deletions === undefined)
        return undefined;
    const counts = `+${r.additions} −${r.deletions}`;
    return r.diffOmitted === 'too-large' ? `${counts} lines, diff omitted: too large` : counts;
}
function detailsBlock(r, links, diffOmittedNote) {
    const diff = r.diff === undefined
        ? noDiffText(r.diffOmitted, 'Empty content.')
        : (diffOmittedNote ?? fence(r.diff, 'diff'));
    const body = [...kindAbove(links.kinds, r), diff].join('\n\n');
    return `<details><summary>${summaryLine(r, links)}</summary>\n\n${body}\n\n</details>`;
}
function noDiffText(omitted, otherwise) {
    if (omitted === 'binary')
        return 'Binary content: no diff.';
    if (omitted === 'too-large')
        return 'Diff omitted: the content is too large to compare line by line.';
    return otherwise;
}

const SEPARATOR = '\n\n';
function fitPieces(pieces, budget, measure) {
    const separators = Math.max(0, pieces.length - 1) * measure(SEPARATOR);
    let total = separators;
    const savings = [];
    for (const [index, piece] of pieces.entries()) {
        if (typeof piece === 'string') {
            total += measure(piece);
            continue;
        }
        const full = measure(piece.full);
        total += full;
        savings.push({ index, saving: full - measure(piece.reduced) });
    }
    savings.sort((a, b) => b.saving - a.saving || a.index - b.index);
    const reduced = new Set();
    for (const { index, saving } of savings) {
        if (total <= budget)
            break;
        reduced.add(index);
        total -= saving;
    }
    if (total > budget)
        return undefined;
    const text = pieces
        .map((piece, index) => typeof piece === 'string' ? piece : reduced.has(index) ? piece.reduced : piece.full)
        .join(SEPARATOR);
    return { text, reduced: reduced.size };
}
const utf16Length = (text) => text.length;
function changePieces(plan, options) {
    const groups = groupByNamespace(plan.resources);
    const active = groups.filter((g) => g.resources.some((r) => r.action !== 'unchanged'));
    const pieces = [];
    if (active.length === 0) {
        pieces.push('#### Changes', 'No changes: the server already matches the repository.');
    }
    else if (options.detail === 'counts') {
        const lines = active.map((g) => `- ${escapeText(g.section ?? g.namespace)}: ${countsText(countPlan(g.resources))}`);
        pieces.push('#### Changes', { full: lines.join('\n'), reduced: options.countsOmittedNote });
    }
    else {
        for (const group of active)
            pieces.push(...namespacePieces(group, options));
    }
    const activeSet = new Set(active);
    const quiet = groups.filter((g) => !activeSet.has(g));
    if (quiet.length > 0 && active.length > 0) {
        const unchanged = quiet.flatMap((g) => g.resources);
        const s = quiet.length === 1 ? '' : 's';
        const line = `No changes in ${quiet.length} other namespace${s} (${unchanged.length} unchanged).`;
        const listed = options.listUnchanged && options.detail === 'diffs';
        pieces.push(listed ? { full: unchangedList(line, unchanged), reduced: line } : line);
    }
    return pieces;
}
function groupByNamespace(resources) {
    const groups = [];
    for (const r of resources) {
        const same = (g) => g.namespace === r.namespace && g.section === r.section;
        const group = r.section === undefined ? groups[groups.length - 1] : groups.find(same);
        if (group && same(group))
            group.resources.push(r);
        else
            groups.push({ namespace: r.namespace, section: r.section, resources: [r] });
    }
    return groups;
}
function namespacePieces(group, options) {
    const heading = `#### ${escapeText(group.section ?? `Namespace ${group.namespace}`)}`;
    const written = group.resources.filter(isWrite);
    const orphaned = group.resources.filter((r) => r.action === 'orphaned');
    const unchanged = group.resources.filter((r) => r.action === 'unchanged');
    const orphanLines = orphaned.map((r) => summaryLine(r, options));
    const unchangedCount = `${unchanged.length} unchanged.`;
    if (options.detail === 'lines') {
        const lines = [...written.map((r) => summaryLine(r, options)), ...orphanLines].map((line) => `- ${line}`);
        return [[heading, lines.join('\n'), ...(unchanged.length ? [unchangedCount] : [])].join('\n\n')];
    }
    const pieces = [heading];
    for (const r of written) {
        pieces.push(r.diff === undefined
            ? detailsBlock(r, options)
            : {
                full: detailsBlock(r, options),
                reduced: detailsBlock(r, options, options.omittedNote)
            });
    }
    if (orphanLines.length > 0)
        pieces.push(orphanLines.join('\\\n'));
    if (unchanged.length > 0) {
        pieces.push(options.listUnchanged
            ? {
                full: unchangedList(`${unchanged.length} unchanged`, unchanged),
                reduced: unchangedCount
            }
            : unchangedCount);
    }
    return pieces;
}
function unchangedList(summary, unchanged) {
    const items = unchanged.map((r) => `- ${r.kind} <b>${escapeText(resourceName$1(r))}</b>`);
    return `<details><summary>${summary}</summary>\n\n${items.join('\n')}\n\n</details>`;
}
const DRIFT_CONSEQUENCE = {
    planned: 'Merging overwrites (or deletes) those edits; orphaned ones are kept.',
    deployed: 'The deploy below overwrote (or deleted) those edits where it wrote the resource; orphaned ones were kept.'
};
function driftPieces(plan, detail) {
    const drifted = plan.resources.filter((r) => r.drifted);
    if (drifted.length === 0)
        return [];
    const intro = `The server copy of these resources was changed outside Git since the base commit. ${DRIFT_CONSEQUENCE.planned}`;
    if (detail === 'counts') {
        return [`#### ⚠️ Drift\n\n${intro} ${drifted.length} drifted resources: see the job summary.`];
    }
    const list = drifted
        .map((r) => {
        const ui = uiWorkText(r);
        const said = ui ? `: ${escapeText(ui)}` : ` (${r.action})`;
        return `- ${r.kind} <b>${escapeText(resourceName$1(r))}</b>${said}`;
    })
        .join('\n');
    return [`#### ⚠️ Drift\n\n${intro}\n\n${list}`];
}

const SEVERITY_LABEL = {
    error: '❌ error',
    warning: '⚠️ warning',
    notice: 'ℹ️ notice'
};
function findingsSection(findings, maxSize, measure, omittedWhere, source, changed) {
    if (findings.length === 0)
        return undefined;
    const heading = '#### Validation findings';
    const tableHead = '| Severity | Location | Message |\n| --- | --- | --- |';
    const sorted = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b));
    const folded = changed ? sorted.filter((f) => outsideChange(f, changed)) : [];
    const own = sorted.filter((f) => !folded.includes(f));
    const fold = folded.length > 0 ? foldLines(folded) : undefined;
    const ordered = [...own, ...folded];
    const rows = [];
    let size = measure(heading) +
        (own.length > 0 ? measure(tableHead) : 0) +
        (fold ? measure(fold.open + tableHead + fold.close) : 0);
    const reserve = measure(omittedNote(sorted.length, omittedWhere)) + 2;
    for (const [i, f] of ordered.entries()) {
        const row = `\n| ${SEVERITY_LABEL[f.severity]} | ${location$1(f, source)} | ${escapeTextWithCode(f.message)} |`;
        if (size + measure(row) + (i === ordered.length - 1 ? 0 : reserve) > maxSize)
            break;
        rows.push(row);
        size += measure(row);
    }
    const ownRows = rows.slice(0, own.length);
    const foldedRows = rows.slice(own.length);
    const parts = [heading];
    if (ownRows.length > 0)
        parts.push(tableHead + ownRows.join(''));
    if (fold && foldedRows.length > 0)
        parts.push(fold.open + tableHead + foldedRows.join('') + fold.close);
    const omitted = sorted.length - rows.length;
    if (omitted > 0)
        parts.push(omittedNote(omitted, omittedWhere));
    return parts.join('\n\n');
}
function foldLines(folded) {
    const counts = findingCounts(folded);
    const said = ['error', 'warning', 'notice']
        .filter((severity) => counts[severity] > 0)
        .map((severity) => `${counts[severity]} ${severity}${counts[severity] === 1 ? '' : 's'}`);
    const list = said.length > 1 ? `${said.slice(0, -1).join(', ')} and ${said.at(-1)}` : said[0];
    return {
        open: `<details><summary>${list} in files this pull request did not change</summary>\n\n`,
        close: '\n\n</details>'
    };
}
function repositoryUrl(serverUrl, owner, repo) {
    if (!/^https?:\/\/[A-Za-z0-9.:-]+(\/[A-Za-z0-9._~-]+)*\/?$/.test(serverUrl))
        return undefined;
    if (!owner || !repo)
        return undefined;
    return `${serverUrl.replace(/\/$/, '')}/${urlPart(owner)}/${urlPart(repo)}`;
}
function location$1(f, source) {
    if (f.file === '')
        return 'Kestra (server only)';
    const text = escapeText(`${f.file}:${f.line}`);
    if (!source?.repositoryUrl || !source.commit)
        return text;
    return `[${text}](${source.repositoryUrl}/blob/${urlPart(source.commit)}/${f.file.split('/').map(urlPart).join('/')}#L${f.line})`;
}
function urlPart(segment) {
    return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function omittedNote(count, where) {
    return `${count} more finding${count === 1 ? '' : 's'} not shown: ${where}.`;
}

const ACTION_INPUTS = {
    mode: {
        description: 'What to do: auto (plan on pull requests, deploy on push and workflow_dispatch, plan otherwise), validate, plan, deploy, drift (on schedule or workflow_dispatch: plan the default branch against the server and keep one drift issue current), or upgrade (on workflow_dispatch: open one pull request with the mechanical rewrites for the next Kestra release).',
        default: 'auto'
    },
    server: {
        description: 'Kestra base URL, e.g. https://kestra.example.com. Empty: local validation only.',
        default: ''
    },
    tenant: {
        description: 'Kestra tenant id. Servers with tenant-scoped API routes (/api/v1/<tenant>/...) and older ones are both supported, detected once per run.',
        default: ''
    },
    username: {
        description: 'Basic authentication user (Kestra OSS >= 0.24 requires it).',
        default: ''
    },
    password: { description: 'Basic authentication password. Pass it from a secret.', default: '' },
    'api-token': {
        description: 'Bearer API token (Kestra Enterprise). Wins over basic authentication. Pass it from a secret.',
        default: ''
    },
    'github-token': {
        description: 'Token for the pull-request comment and the changed-file listing.',
        default: '${{ github.token }}'
    },
    root: { description: 'Folder holding the Kestra tree, relative to the workspace.', default: '' },
    namespace: {
        description: 'Target namespace of the single-namespace layout (flows/ and files/ folders under root).',
        default: ''
    },
    layout: {
        description: 'Repository layout: auto (namespace when the namespace input is set; tenant when the top-level folders holding flows/ are namespaces their flows use; else anywhere), tenant, namespace, anywhere (every flow document under root) or custom.',
        default: ''
    },
    flows: {
        description: 'Newline-separated globs of flow files, relative to root (custom layout).',
        default: ''
    },
    'namespace-files': {
        description: "Namespace file mappings, one per line: 'DIR -> NAMESPACE' or 'DIR -> NAMESPACE:/PREFIX', DIR relative to root.",
        default: ''
    },
    namespaces: {
        description: "Extra managed namespaces, newline- or comma-separated (list 'system' here to manage it).",
        default: ''
    },
    scope: {
        description: 'all: plan every managed resource (drift included); changed: only resources whose files the pull request or push changed.',
        default: ''
    },
    delete: {
        description: 'Delete server resources of managed namespaces that the repository no longer holds.',
        default: ''
    },
    'max-deletions': {
        description: 'A plan that would delete more resources fails unless allow-mass-deletion is true.',
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
        description: 'The Kestra release to validate for when no server answers: 1.3 or 2.0, or a patch version of one such as 1.3.31 (any other value is an error naming the lines this build knows): a pull request from a fork, a CLI run without a server. The version probed from a server wins; a different line is a warning.',
        default: ''
    },
    'fail-on': { description: 'Which findings fail the step: error or warning.', default: '' },
    comment: { description: 'Post or update the sticky pull-request comment.', default: '' },
    'comment-key': {
        description: 'Distinguishes the comments of several instances of the action in one pull request (e.g. staging, prod).',
        default: ''
    },
    'dry-run': { description: 'Never write to Kestra: deploy behaves as plan.', default: '' },
    'full-plan': {
        description: 'Parse and check every flow file up front, in a plan or a deploy. Otherwise both reuse the checks of each flow file whose bytes the same build of the action already checked at the last deploy (stored with the commit marker in Kestra), and show the same plan and findings; a deploy checks every reused file again right before it writes anything.',
        default: ''
    },
    'require-reviewed-plan': {
        description: "On push, refuse to deploy when the plan differs from the one shown in the merged pull request's comment.",
        default: ''
    },
    'allow-out-of-order': {
        description: 'On workflow_dispatch, deploy even when the commit is an ancestor of the one last deployed (a deliberate rollback). Ignored on other events.',
        default: ''
    },
    'timeout-seconds': {
        description: 'Timeout of each HTTP request to Kestra, in seconds, its whole answer included.',
        default: ''
    },
    concurrency: { description: 'Parallel requests to Kestra.', default: '' },
    'running-executions': {
        description: 'What a deploy does about executions not finished (running, paused, queued…) of the flows it updates or deletes, read right before its first write: warn (proceed and report them), wait (for them to end, up to running-executions-timeout-seconds, then refuse) or fail (refuse, naming them with links).',
        default: ''
    },
    'running-executions-timeout-seconds': {
        description: 'With running-executions: wait, how long to wait for the executions to end, in seconds; past it nothing is written and the step fails.',
        default: ''
    },
    'smoke-flows': {
        description: "Flows to execute once after a deploy that wrote anything, one per line: 'NAMESPACE.ID' optionally followed by inputs as key=value words. SUCCESS or WARNING passes.",
        default: ''
    },
    'smoke-timeout-seconds': {
        description: 'How long the whole smoke phase may take, in seconds, from the first start to the last verdict (every request is cut to the time left); a timeout counts as a failure (the execution is left running).',
        default: ''
    },
    'drift-action': {
        description: 'In mode drift: report (keep the drift issue current), revert (deploy Git over the drift, under every deploy guard) or pull-request (bring the edits made in Kestra back as one pull request from kestra-gitops/drift-<comment-key>).',
        default: ''
    },
    'pull-request-token': {
        description: "Token that writes the branch and opens or updates the pull requests this action makes (drift-action: pull-request), so that their checks run: GitHub starts no workflow for a pull request opened with github-token. A fine-grained personal access token or a GitHub App installation token with 'contents: write' and 'pull-requests: write' on this repository. Empty: github-token. Masked, used for nothing else.",
        default: ''
    },
    'seal-key': {
        description: "A secret of at least 32 random characters that keys the seal of what a deploy stores in Kestra's KV store beside the commit marker (the flow checks and file facts that later plans reuse), the same in every workflow that deploys or plans against the server. Empty: the key is derived from the Kestra credentials with scrypt, so nothing stored lets a reader of KV test password guesses faster than that. Pass it from a secret; masked, used for nothing else.",
        default: ''
    },
    rollback: {
        description: 'When a smoke execution fails, or a write of this deploy failed, put every resource this deploy changed back as it was before the deploy, and the deployed-commit marker too.',
        default: ''
    },
    environment: {
        description: "Name of the environment this step deploys to (e.g. staging, production). A deploy then records a GitHub deployment of the commit there: in_progress, then success or failure after the writes and smoke runs; the job summary shows every environment's current commit. Needs 'deployments: write'.",
        default: ''
    },
    'require-verified-in': {
        description: 'An environment name: deploy only a commit that has a successful GitHub deployment there, else refuse before any write, naming the commit that is verified there.',
        default: ''
    },
    'reviewed-plan': {
        description: "A plan fingerprint (e.g. the plan-fingerprint output of a plan job, passed through its job's outputs): deploy only if the plan computed now has exactly that fingerprint, else refuse before any write, naming what differs. How an approval gate approves the plan its reviewers saw.",
        default: ''
    },
    'namespace-prefix': {
        description: "Deploy every managed namespace N as '<prefix>.N': the flows' namespace, calls and Flow triggers into the repository's namespaces, namespace files and the commit marker. The repository is never changed.",
        default: ''
    },
    'disable-triggers': {
        description: 'Deploy every flow with each trigger set disabled: true (for previews and staging).',
        default: ''
    },
    preview: {
        description: "On a pull request from this repository: also deploy the head into 'pr-<number>.<namespace>' with triggers off, run smoke-flows there and show it in the comment; on the pull request's closed event, delete everything in those namespaces.",
        default: ''
    },
    'read-only': {
        description: 'Deploy every flow with the label system.readOnly: "true", added to the text sent, never to the repository, so that the Kestra UI refuses edits; turning the input off removes it (an update). Read-only wins over a flow\'s own system.readOnly (a warning on its line); a flow whose labels cannot take the label safely is refused before any write.',
        default: ''
    },
    'upgrade-check': {
        description: "Upgrade readiness: auto (when the server runs a line older than the newest long-term-support one, e.g. 1.3 while 2.0 is out, check every managed flow against that line), a version (2.0: check against it), or off. The comment and the job summary then show a folded 'Ready for Kestra 2.0?' section: notices only, never failing the step nor changing the plan's fingerprint.",
        default: ''
    },
    'upgrade-server': {
        description: 'URL of a Kestra server already on the upgrade target (e.g. a staging Kestra on 2.0), reached with the same credentials: its validate endpoint decides what the target refuses instead of the rules shipped with this action.',
        default: ''
    }
};

const CREDENTIAL = 'credentials belong in secrets, passed by the workflow';
const PER_JOB = 'it belongs to one job, not to every run of the repository';
const WORKFLOW_ONLY = {
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
};
const SETTING_DEFAULTS = {
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
};

function inputNames() {
    return Object.keys(ACTION_INPUTS);
}
function fileMaySet(name) {
    return Object.hasOwn(ACTION_INPUTS, name) && !Object.hasOwn(WORKFLOW_ONLY, name);
}
function defaultOf(name) {
    const declared = Object.hasOwn(SETTING_DEFAULTS, name)
        ? SETTING_DEFAULTS[name]
        : ACTION_INPUTS[name].default;
    return declared.includes('${{') ? '' : declared;
}
function parserOf(name) {
    return Object.hasOwn(INPUT_PARSERS, name)
        ? INPUT_PARSERS[name]
        : plainParser(defaultOf(name));
}
function choice(...values) {
    return {
        shape: 'value',
        placeholder: values.join('|'),
        parse(raw, input) {
            const value = raw.trim().toLowerCase();
            if (values.includes(value))
                return value;
            throw new ConfigError(input, `'${raw}' is not accepted; use one of: ${values.join(', ')}`);
        }
    };
}
function wholeNumber(min, max) {
    const accepted = max === undefined ? 'a whole number' : `a whole number from ${min} to ${max}`;
    return {
        shape: 'value',
        placeholder: 'N',
        parse(raw, input) {
            const value = raw.trim();
            const n = Number(value);
            if (/^\d+$/.test(value) && n >= min && n <= (max ?? Number.MAX_SAFE_INTEGER))
                return n;
            throw new ConfigError(input, `'${raw}' is not accepted; use ${accepted}`);
        }
    };
}
const boolean = {
    shape: 'switch',
    placeholder: 'true|false',
    parse(raw, input) {
        const value = raw.trim().toLowerCase();
        if (value === 'true')
            return true;
        if (value === 'false')
            return false;
        throw new ConfigError(input, `'${raw}' is not a boolean; use true or false`);
    }
};
function text$1(placeholder, parse) {
    return { shape: 'value', placeholder, parse };
}
function checked(placeholder, accepts, refusal) {
    return text$1(placeholder, (raw, input) => {
        const value = raw.trim();
        if (accepts(value))
            return value;
        throw new ConfigError(input, `'${raw}' ${refusal}`);
    });
}
function lines(placeholder, parse) {
    return { shape: 'lines', placeholder, parse };
}
function lineByLine(placeholder, parseLine, hint) {
    return lines(placeholder, (raw, input) => raw.split(/\r?\n/).flatMap((line, index) => {
        const text = line.trim();
        if (text === '' || text.startsWith('#'))
            return [];
        const value = parseLine(text);
        if (typeof value !== 'string')
            return [value];
        throw new ConfigError(input, `line ${index + 1} '${text}': ${value}; ${hint}`);
    }));
}
function plainParser(declaredDefault) {
    if (declaredDefault === 'true' || declaredDefault === 'false')
        return boolean;
    if (/^(?:0|[1-9]\d*)$/.test(declaredDefault))
        return wholeNumber(0);
    return text$1('TEXT', (raw) => raw);
}
const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const COMMENT_KEY_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
const NAMESPACE_HINT = "use lower-case letters, digits, '.', '_' and '-'";
const INPUT_PARSERS = {
    mode: choice('auto', 'validate', 'plan', 'deploy', 'drift', 'upgrade'),
    'drift-action': choice('report', 'revert', 'pull-request'),
    server: text$1('URL', serverUrl),
    'upgrade-check': choice('auto', 'off', '2.0'),
    'upgrade-server': text$1('URL', serverUrl),
    tenant: checked('ID', (value) => TENANT_PATTERN.test(value), `is not a tenant id; use lower-case letters, digits, '_' and '-' (default: ${SETTING_DEFAULTS.tenant})`),
    root: checked('DIR', (value) => !reachesOutside(value), "must be a folder inside the workspace, e.g. '.' or 'kestra'"),
    namespace: text$1('NS', (raw, input) => {
        const value = raw.trim();
        if (value === '')
            return undefined;
        if (isKestraNamespace(value))
            return value;
        throw new ConfigError(input, `'${raw}' is not a Kestra namespace; ${NAMESPACE_HINT}`);
    }),
    layout: choice('auto', 'tenant', 'namespace', 'anywhere', 'custom'),
    flows: lines('GLOB', (raw, input) => {
        const globs = raw
            .split(/\r?\n/)
            .map((line) => line.trim())
            .filter((line) => line !== '' && !line.startsWith('#'));
        const outside = globs.find((glob) => reachesOutside(glob.replace(/^!/, '')));
        if (outside === undefined)
            return globs;
        throw new ConfigError(input, `'${outside}' reaches outside root; write globs relative to root, e.g. 'flows/**/*.yml' (or change root)`);
    }),
    'namespace-files': lineByLine('MAP', parseMapping, "write 'DIR -> NAMESPACE' or 'DIR -> NAMESPACE:/PREFIX'"),
    namespaces: lines('NS[,NS]', (raw, input) => {
        const list = raw
            .split(/[\n,]/)
            .map((s) => s.trim())
            .filter(Boolean);
        const misnamed = list.find((ns) => !NAMESPACE_PATTERN.test(ns));
        if (misnamed !== undefined) {
            throw new ConfigError(input, `'${misnamed}' is not a Kestra namespace; ${NAMESPACE_HINT}`);
        }
        return [...new Set(list)].sort();
    }),
    'namespace-prefix': checked('NS', (value) => value === '' ||
        (NAMESPACE_PATTERN.test(value) && !value.endsWith('.') && value.length <= 100), `cannot start a namespace; ${NAMESPACE_HINT}, e.g. 'qa' or 'pr-7' (no trailing '.')`),
    scope: choice('all', 'changed'),
    'max-deletions': wholeNumber(0, 1_000_000),
    'fail-on': choice('error', 'warning'),
    'comment-key': checked('KEY', (value) => COMMENT_KEY_PATTERN.test(value) && !value.includes('--') && value.length <= 64, "is not accepted; use letters, digits, '.', '_' and single '-' (at most 64 characters)"),
    'kestra-version': text$1('VERSION', (raw, input) => {
        const value = raw.trim();
        if (value === '')
            return undefined;
        const parts = /^(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4}))?$/.exec(value);
        if (parts && SCHEMA_LINES.includes(`${Number(parts[1])}.${Number(parts[2])}`)) {
            return [Number(parts[1]), Number(parts[2]), Number(parts[3] ?? 0)];
        }
        const lines = SCHEMA_LINES.join(', ');
        throw new ConfigError(input, `'${raw}' is not a Kestra release this build validates for; it knows the lines ${lines}: write one of them, or a patch version of one (such as ${SCHEMA_RELEASE_VERSIONS.join(' or ')})`);
    }),
    'timeout-seconds': wholeNumber(1, 3600),
    concurrency: wholeNumber(1, 64),
    'running-executions': choice('warn', 'wait', 'fail'),
    'running-executions-timeout-seconds': wholeNumber(1, 21_600),
    'smoke-flows': lineByLine('FLOW', parseSmokeLine, "write 'NAMESPACE.ID' optionally followed by inputs as key=value"),
    'smoke-timeout-seconds': wholeNumber(1, 21_600),
    'reviewed-plan': text$1('FINGERPRINT', (raw, input) => {
        const value = raw.trim();
        if (value === '')
            return undefined;
        if (/^[0-9a-f]{64}$/.test(value))
            return value;
        throw new ConfigError(input, `'${raw}' is not a plan fingerprint; pass the plan job's plan-fingerprint output (64 lower-case hex digits)`);
    })
};
function serverUrl(raw, input) {
    const value = raw.trim();
    if (value === '')
        return undefined;
    const url = new URL(URL.canParse(value) ? value : 'invalid:');
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
        throw new ConfigError(input, `'${withoutUserinfo(value)}' is not a server URL; give the scheme and host, e.g. https://kestra.example.com`);
    }
    if (url.username || url.password) {
        throw new ConfigError(input, 'do not put credentials in the URL; use the username/password or api-token inputs');
    }
    const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    return `${url.protocol}//${url.host}${path}`;
}
function withoutUserinfo(value) {
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_match, scheme = '') => `${scheme}***@`);
}
function reachesOutside(path) {
    const normalised = path.replace(/\\/g, '/');
    return (normalised.startsWith('/') ||
        /^[A-Za-z]:/.test(normalised) ||
        normalised.split('/').includes('..'));
}
const PATH_SEGMENT = /^[^\\]+$/;
function parseMapping(text) {
    const parts = text.split('->');
    if (parts.length !== 2)
        return "expected exactly one '->'";
    const dir = parts[0]
        .trim()
        .replace(/\\/g, '/')
        .replace(/^(\.\/)+/, '')
        .replace(/\/+$/, '')
        .replace(/^\.$/, '');
    const target = parts[1].trim();
    if (reachesOutside(dir))
        return 'DIR must be a folder inside root';
    const colon = target.indexOf(':');
    const namespace = colon === -1 ? target : target.slice(0, colon);
    let prefix = colon === -1 ? '' : target.slice(colon + 1).trim();
    if (!NAMESPACE_PATTERN.test(namespace))
        return `'${namespace}' is not a Kestra namespace`;
    if (colon !== -1) {
        if (!prefix.startsWith('/'))
            return 'PREFIX must start with /';
        prefix = prefix.replace(/\/+$/, '');
        if (prefix.split('/').includes('..') || !PATH_SEGMENT.test(prefix || '/'))
            return "PREFIX must not contain '..' or backslashes";
    }
    return { dir, namespace, prefix };
}
const FLOW_ID$1 = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const INPUT_ID = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/;
const WORD = /[^\s=]+=(?:"(?:[^"\\]|\\.)*"(?!\S)|\S*)|\S+/g;
const QUOTED = /^"(?:[^"\\]|\\.)*"$/;
function parseSmokeLine(text) {
    const [target, ...rest] = [...text.matchAll(WORD)].map((match) => match[0]);
    if (target === undefined)
        return 'empty line';
    const dot = target.lastIndexOf('.');
    const namespace = target.slice(0, Math.max(dot, 0));
    const id = target.slice(dot + 1);
    if (dot <= 0 || !NAMESPACE_PATTERN.test(namespace) || !FLOW_ID$1.test(id)) {
        return `'${target}' is not NAMESPACE.ID (a lower-case namespace, a dot, then the flow id)`;
    }
    const inputs = [];
    for (const word of rest) {
        const equals = word.indexOf('=');
        const key = word.slice(0, Math.max(equals, 0));
        if (equals <= 0 || !INPUT_ID.test(key))
            return `'${word}' is not an input as key=value`;
        if (inputs.some(([k]) => k === key))
            return `input '${key}' is given twice`;
        let value = word.slice(equals + 1);
        if (value.startsWith('"')) {
            if (!QUOTED.test(value))
                return `the value of '${key}' opens a quote it does not close`;
            value = value.slice(1, -1).replace(/\\(.)/g, '$1');
        }
        inputs.push([key, value]);
    }
    return { namespace, id, inputs };
}

const recordedChange = tuple([string(), string(), string(), string()]);
const planRecordSchema = object({
    fingerprint: string().regex(/^[0-9a-f]{64}$/),
    commit: string(),
    settings: record(string(), string()).optional().catch(undefined),
    changes: array(recordedChange).optional().catch(undefined),
    omitted: int().positive().optional().catch(undefined)
});
const RECORDED_CHANGES_CHARS = 6_000;
function planRecord(plan, commit, settings = {}) {
    const changes = plan.resources
        .filter((r) => r.action !== 'unchanged')
        .map((r) => [r.action, r.kind, resourceName$1(r), r.digest ?? '']);
    let length = 0;
    const kept = changes.filter((change) => {
        length += JSON.stringify(change).length + 1;
        return length <= RECORDED_CHANGES_CHARS;
    });
    return {
        fingerprint: plan.fingerprint,
        commit,
        settings: { ...settings },
        changes: kept,
        ...(changes.length > kept.length && { omitted: changes.length - kept.length })
    };
}
function recordDifferences(reviewed, now) {
    const lines = [];
    if (reviewed.settings && now.settings) {
        const names = [...new Set([...Object.keys(reviewed.settings), ...Object.keys(now.settings)])];
        const differing = names
            .sort()
            .filter((name) => reviewed.settings[name] !== now.settings[name])
            .map((name) => `  ${name}: ${shown(name, reviewed.settings[name])} (reviewed) → ${shown(name, now.settings[name])} (now)`);
        if (differing.length > 0)
            lines.push("Settings that differ from the reviewed plan's:", ...differing);
    }
    if (reviewed.changes && now.changes) {
        const key = (c) => `${c[1]} ${c[2]}`;
        const before = new Map(reviewed.changes.map((c) => [key(c), c]));
        const after = new Map(now.changes.map((c) => [key(c), c]));
        const complete = !reviewed.omitted && !now.omitted;
        const differing = [];
        for (const [name, change] of after) {
            const was = before.get(name);
            if (!was) {
                if (complete)
                    differing.push(`  ${change[0]} ${name}: not in the reviewed plan`);
            }
            else if (was[0] !== change[0]) {
                differing.push(`  ${change[0]} ${name}: reviewed as ${was[0]}`);
            }
            else if (was[3] !== change[3]) {
                differing.push(`  ${change[0]} ${name}: what it writes or expects on the server changed since the review`);
            }
        }
        if (complete) {
            for (const [name, was] of before) {
                if (!after.has(name))
                    differing.push(`  ${was[0]} ${name}: reviewed, no longer in the plan`);
            }
        }
        if (differing.length > 0)
            lines.push('Resources that differ from the reviewed plan:', ...differing);
    }
    return lines;
}
function shown(name, value) {
    if (value !== undefined)
        return JSON.stringify(value);
    return fileMaySet(name) ? `${JSON.stringify(defaultOf(name))} (default)` : '(default)';
}

function commentMarker(commentKey) {
    const safeKey = commentKey.replace(/[^A-Za-z0-9._-]/g, '_').replace(/--+/g, '-');
    return `<!-- kestra-gitops:${safeKey} -->`;
}
const PLAN_MARKER = /^<!-- kestra-gitops-plan: (\{.*\}) -->$/;
function planMarkerLine(fingerprint, commit, record = {}) {
    const json = JSON.stringify({ fingerprint, commit, ...record }).replace(/[<>@\u0085\u2028\u2029]|-(?=-)/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return `<!-- kestra-gitops-plan: ${json} -->`;
}
const RUN_LINK = '<sub>[Workflow run](';
function runLine(runUrl) {
    if (!runUrl)
        return '';
    return `${RUN_LINK}${linkTarget(runUrl)})</sub>`;
}
function beforeRunLine(body, section) {
    const lines = body.split('\n');
    const after = lines.at(-1)?.startsWith(RUN_LINK) ? ['', lines.pop()] : [];
    while (lines.length > 1 && lines.at(-1) === '')
        lines.pop();
    return [...lines, '', ...section, ...after].join('\n');
}
const DEPLOYED_START = '<!-- kestra-gitops-deployed:start -->';
const DEPLOYED_END = '<!-- kestra-gitops-deployed:end -->';
function readPlanMarker(body) {
    let found;
    let inDeployed = false;
    for (const { text, inFence } of scanLines(body.replace(/\r\n?/g, '\n'))) {
        if (inFence)
            continue;
        if (text === DEPLOYED_START)
            inDeployed = true;
        else if (text === DEPLOYED_END)
            inDeployed = false;
        else if (!inDeployed)
            found = parsePlanLine(text) ?? found;
    }
    return found;
}
function parsePlanLine(line) {
    const match = PLAN_MARKER.exec(line);
    const read = match && readStored('plan record', planRecordSchema, match[1]);
    return read && 'value' in read ? read.value : undefined;
}
const COMMENT_LIMIT = 65_536;

const COMMENT_BUDGET = 60_000;
const SUMMARY_POINTER = '> [!NOTE]\n> The full plan is in the job summary of this run.';
const SUMMARY_BUDGET_BYTES = 1_048_576;
const TRIMMED_NOTE = '> [!NOTE]\n> Some detail was left out to keep this summary within GitHub’s 1 MiB limit.';
function renderComment(input) {
    const plan = input.plan;
    const deletions = deletionLines(plan);
    const first = `${commentMarker(input.commentKey)}\n${title(input)}`;
    const body = fitReport(input, {
        budget: (input.budget ?? COMMENT_BUDGET) - runLine(input.runUrl).length - 2,
        measure: utf16Length,
        head: [
            first,
            verdictAndTarget(input, { layoutReason: false }),
            ...deletions,
            ...noteLines(input.notes)
        ],
        findings: [plan ? 0.4 : 0.9, 'see the job summary'],
        pointer: SUMMARY_POINTER,
        changes: {
            omittedNote: 'Diff omitted: see the job summary.',
            listUnchanged: false,
            countsOmittedNote: 'Too many namespaces changed to list here: see the job summary.'
        },
        footer: (plan, detail) => {
            const record = planRecord(plan, input.commit, input.settings);
            const { changes: _changes, omitted: _omitted, ...brief } = record;
            return [
                `Plan fingerprint: \`${plan.fingerprint}\``,
                planMarkerLine(plan.fingerprint, input.commit, detail === 'diffs' ? record : brief)
            ];
        },
        minimal: [first, ...deletions, SUMMARY_POINTER]
    });
    const last = runLine(input.runUrl);
    return last ? `${body}\n\n${last}` : body;
}
function renderSummary(input) {
    const plan = input.plan;
    return fitReport(input, {
        budget: input.budgetBytes ?? SUMMARY_BUDGET_BYTES,
        measure: utf8Length,
        head: [
            title(input),
            verdictAndTarget(input),
            ...deletionLines(plan),
            ...noteLines(input.notes),
            ...(plan ? [countsTable(plan, input.kinds)] : [])
        ],
        findings: [plan ? 0.5 : 0.95, 'the summary is limited to 1 MiB; the plan file lists them all'],
        pointer: TRIMMED_NOTE,
        changes: {
            omittedNote: 'Diff omitted to keep the job summary within its size limit.',
            listUnchanged: true,
            countsOmittedNote: 'Too many namespaces changed to list here.'
        },
        footer: (plan) => [`Plan fingerprint: \`${plan.fingerprint}\``],
        minimal: [title(input), TRIMMED_NOTE]
    });
}
function fitReport(input, channel) {
    const { plan } = input;
    const head = [...channel.head];
    const findings = findingsSection(input.findings, Math.floor(channel.budget * channel.findings[0]), channel.measure, channel.findings[1], input, input.changedFiles);
    if (findings)
        head.push(findings);
    const upgrade = upgradeSection(input.upgrade);
    if (upgrade)
        head.push(upgrade);
    const suggestions = suggestionsSection(input.suggestions);
    if (suggestions)
        head.push(suggestions);
    const fit = (pieces) => fitPieces(pieces, channel.budget, channel.measure);
    if (!plan)
        return fit(head)?.text ?? channel.minimal.join('\n\n');
    const invalid = invalidCounts(input.findings);
    const changesAt = (detail) => [
        ...changePieces(plan, {
            detail,
            invalid,
            ...channel.changes,
            kestraUi: input.kestraUi,
            kinds: input.kinds
        }),
        ...driftPieces(plan, detail),
        ...channel.footer(plan, detail)
    ];
    const attempt = (changes, pointer) => fit([...head, ...(pointer ? [channel.pointer] : []), ...changes]);
    const diffs = changesAt('diffs');
    const whole = attempt(diffs, false);
    return ((whole?.reduced === 0 ? whole.text : undefined) ??
        attempt(diffs, true)?.text ??
        attempt(changesAt('lines'), true)?.text ??
        attempt(changesAt('counts'), true)?.text ??
        [...channel.minimal, ...channel.footer(plan, 'minimal')].join('\n\n'));
}
function countsTable(plan, kinds) {
    const row = (label, c) => `| ${label} | ${c.create} | ${c.update} | ${c.delete} | ${c.orphaned} | ${c.unchanged} | ${c.drifted} |`;
    const namespaced = plan.resources.filter((r) => r.section === undefined);
    const kindRows = kinds.flatMap((kind) => {
        const ofKind = namespaced.filter((r) => r.kind === kind.name);
        return ofKind.length === 0 ? [] : [row(escapeText(kind.label), countPlan(ofKind))];
    });
    const sections = [...new Set(plan.resources.flatMap((r) => r.section ?? []))];
    const ofSection = (section) => countPlan(plan.resources.filter((r) => r.section === section));
    return [
        '| | create | update | delete | orphaned | unchanged | drifted |',
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
        ...kindRows,
        ...sections.map((section) => row(escapeText(section), ofSection(section))),
        row('**Total**', plan.counts)
    ].join('\n');
}

const TRUNCATED = '_… more results are in the job summary of the deploy run._';
const DEPLOYED_HEADING = '#### Deployed';
function upsertDeployedSection(body, deployedMarkdown, headline) {
    const plain = pastDrift(withoutDeployedSection(body.replace(/\r\n?/g, '\n')));
    const before = withHeadline(plain, headline);
    const build = (content) => beforeRunLine(before, [DEPLOYED_START, DEPLOYED_HEADING, '', content, '', DEPLOYED_END]);
    const content = deployedMarkdown.replace(/\r\n?/g, '\n').trim();
    const full = build(content);
    if (full.length <= COMMENT_LIMIT)
        return full;
    const room = COMMENT_LIMIT - build('').length - TRUNCATED.length - 2;
    return build(`${cutAtSafeLine(content, room)}\n\n${TRUNCATED}`.trim());
}
function pastDrift(body) {
    const { planned, deployed } = DRIFT_CONSEQUENCE;
    const at = body.lastIndexOf(planned);
    return at < 0 ? body : body.slice(0, at) + deployed + body.slice(at + planned.length);
}
function withoutDeployedSection(body) {
    const start = body.indexOf(`\n${DEPLOYED_START}\n`);
    if (start < 0)
        return body;
    const end = body.lastIndexOf(`\n${DEPLOYED_END}`);
    if (end < start)
        return body;
    const rest = body.slice(end + DEPLOYED_END.length + 1);
    const kept = body.slice(0, start).replace(/\n+$/, '');
    return rest === '' ? kept : kept + (rest.startsWith('\n') ? rest : `\n${rest}`);
}
function cutAtSafeLine(markdown, room) {
    let length = 0;
    let depth = 0;
    let safeEnd = 0;
    for (const { text, inFence } of scanLines(markdown)) {
        length += text.length + 1;
        if (length > room)
            break;
        if (!inFence) {
            depth += (text.match(/<details\b/gi) ?? []).length;
            depth -= (text.match(/<\/details>/gi) ?? []).length;
            if (depth <= 0)
                safeEnd = length;
        }
    }
    return markdown.slice(0, Math.max(0, safeEnd - 1));
}

const FORMAT_VERSION = 1;
const ACTIONS = ['create', 'update', 'delete', 'orphaned', 'unchanged'];
const countsSchema = record(_enum([...ACTIONS, 'drifted']), number());
const resourceSchema = looseObject({
    kind: string(),
    namespace: string().optional(),
    name: string(),
    action: _enum(ACTIONS),
    revision: number().optional(),
    drifted: boolean$1(),
    ui_work: object({
        kind: _enum(['deleted', 'created', 'edited', 'disabled', 'enabled', 'draft']),
        text: string()
    })
        .optional(),
    invalid_findings: number().optional(),
    additions: number().optional(),
    deletions: number().optional(),
    diff_omitted: _enum(['binary', 'too-large']).optional(),
    diff: string().optional(),
    marks: array(string()),
    remark: string().optional(),
    page: string().optional(),
    review: jsonObject.optional()
});
const findingSchema = object({
    severity: _enum(['error', 'warning', 'notice']),
    file: string(),
    line: number(),
    column: number().optional(),
    rule: string(),
    message: string(),
    resource: string().optional()
});
object({
    format_version: literal(FORMAT_VERSION),
    command: _enum(['validate', 'plan', 'deploy', 'drift', 'upgrade']),
    verdict: object({
        passed: boolean$1(),
        fail_on: _enum(['error', 'warning']),
        errors: number(),
        warnings: number(),
        notices: number()
    }),
    server: string().nullable(),
    tenant: string(),
    commit: string(),
    layout: object({ layout: string(), reason: string() }).nullable(),
    notes: array(string()),
    drift_base: object({
        from: _enum(['pull-request', 'push', 'base-flag', 'deployed']),
        commits: record(string(), string()),
        unchecked: record(string(), string())
    })
        .nullable(),
    settings: record(string(), string()),
    fingerprint: string().nullable(),
    counts: countsSchema.nullable(),
    deletions: array(string()),
    resources: array(resourceSchema),
    findings: array(findingSchema),
    outputs: record(string(), string()),
    failure: string().nullable(),
    deployment: object({
        status: _enum(['applied', 'nothing-to-do', 'refused', 'failed']),
        applied: number(),
        refusal: string().optional(),
        resources: array(object({
            kind: string(),
            name: string(),
            result: string(),
            revision: number().optional(),
            message: string().optional()
        }))
    })
        .nullable()
});
function planDocument(report, run) {
    const counts = findingCounts(report.findings);
    const failOn = report.failOn ?? 'error';
    const plan = report.plan;
    const invalid = invalidCounts(report.findings);
    return {
        format_version: FORMAT_VERSION,
        command: report.mode,
        verdict: {
            passed: !validationFailed(report.findings, failOn),
            fail_on: failOn,
            errors: counts.error,
            warnings: counts.warning,
            notices: counts.notice
        },
        server: report.server ?? null,
        tenant: report.tenant,
        commit: report.commit,
        layout: report.layout ? { layout: report.layout.layout, reason: report.layout.reason } : null,
        notes: [...(report.notes ?? [])],
        drift_base: report.driftBase
            ? {
                from: report.driftBase.from,
                commits: Object.fromEntries(report.driftBase.commits),
                unchecked: Object.fromEntries(report.driftBase.unchecked)
            }
            : null,
        settings: { ...report.settings },
        fingerprint: plan?.fingerprint ?? null,
        counts: plan ? { ...plan.counts } : null,
        deletions: plan ? deletionNames(plan) : [],
        resources: (plan?.resources ?? []).map((r) => resourceEntry(r, report, invalid(r))),
        findings: [...report.findings].sort(compareFindings).map((f) => findingSchema.parse(f)),
        outputs: { ...run.outputs },
        failure: run.failure ?? null,
        deployment: run.deployment
            ? {
                status: run.deployment.status,
                applied: run.deployment.applied,
                ...(run.deployment.refusal !== undefined && { refusal: run.deployment.refusal }),
                resources: run.deployment.resources.map((r) => ({
                    kind: r.change.kind,
                    name: resourceName$1(r.change),
                    result: r.result,
                    ...(r.revision !== undefined && { revision: r.revision }),
                    ...(r.message !== undefined && { message: r.message })
                }))
            }
            : null
    };
}
function failureDocument(run) {
    return {
        format_version: FORMAT_VERSION,
        command: run.command,
        verdict: { passed: false, fail_on: run.failOn ?? 'error', errors: 0, warnings: 0, notices: 0 },
        server: run.server ?? null,
        tenant: run.tenant ?? '',
        commit: run.commit ?? '',
        layout: null,
        notes: [],
        drift_base: null,
        settings: {},
        fingerprint: null,
        counts: null,
        deletions: [],
        resources: [],
        findings: [],
        outputs: {},
        failure: run.failure,
        deployment: null
    };
}
function resourceEntry(r, report, invalid) {
    const kind = kindOf$2(report.kinds, r);
    const review = kind.review?.(r);
    const page = kestraPageOf(r, report.kinds, report.kestraUi);
    const ui = uiWorkText(r);
    return {
        kind: r.kind,
        ...(r.namespace !== '' && { namespace: r.namespace }),
        ...kind.planFileIdentity(r),
        name: resourceName$1(r),
        action: r.action,
        ...kind.planFileDetails?.(r),
        drifted: r.drifted,
        ...(ui !== undefined && r.outside !== undefined && { ui_work: { kind: r.outside, text: ui } }),
        ...(invalid !== undefined && { invalid_findings: invalid }),
        ...(r.additions !== undefined && { additions: r.additions }),
        ...(r.deletions !== undefined && { deletions: r.deletions }),
        ...(r.diffOmitted !== undefined && { diff_omitted: r.diffOmitted }),
        ...(r.diff !== undefined && { diff: r.diff }),
        marks: plainMarks(report.kinds, r),
        ...(r.remark !== undefined && { remark: r.remark }),
        ...(page !== undefined && { page }),
        ...(review !== undefined && { review })
    };
}

const OUTCOMES = [
    'created',
    'updated',
    'deleted',
    'unchanged',
    'conflict',
    'failed',
    'skipped'
];
const WRITTEN = new Set(['created', 'updated', 'deleted']);
const NOT_APPLIED = new Set(['conflict', 'failed', 'skipped']);
function deployStatus(resources) {
    if (resources.some((r) => NOT_APPLIED.has(r.result)))
        return 'failed';
    return resources.some((r) => WRITTEN.has(r.result)) ? 'applied' : 'nothing-to-do';
}
function outcomeCounts(resources) {
    const outcome = ({ change, result }) => isWrite(change) ? result : change.action === 'orphaned' ? undefined : 'unchanged';
    const count = (o) => resources.filter((r) => outcome(r) === o).length;
    return OUTCOMES.filter((o) => count(o) > 0).map((o) => `${count(o)} ${o}`);
}

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
const PLAIN = Object.fromEntries(Object.keys(COLOURS).map((name) => [name, (text) => text]));
function palette(colour) {
    return colour ? COLOURS : PLAIN;
}
function wantsColour(forced, isTerminal, env) {
    return forced ?? (isTerminal && !env.NO_COLOR);
}
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
function inert(text) {
    return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function terminalReporter(options) {
    const { palette: p, progress } = options;
    const outputs = {};
    const log = (text) => {
        progress?.clear();
        options.log(text);
    };
    let grouped = false;
    return {
        info(message) {
            if (!grouped)
                log(`${inert(message)}\n`);
            else if (options.verbose)
                log(`  ${inert(message)}\n`);
        },
        warning: (message) => log(`${p.yellow('warning')} ${inert(message)}\n`),
        notice: (message) => log(`notice ${inert(message)}\n`),
        group(title) {
            grouped = true;
            progress?.set(title);
        },
        endGroup(summary) {
            grouped = false;
            progress?.set('');
            if (summary)
                log(`${inert(summary)}\n`);
        },
        progress: (text) => progress?.set(text),
        annotate(findings) {
            progress?.clear();
            for (const finding of findings)
                options.findings(`${findingLine(finding, p)}\n`);
        },
        setOutput(name, value) {
            outputs[name] = String(value);
        },
        writeSummary: async () => undefined,
        outputs: () => ({ ...outputs })
    };
}
const SEVERITY_STYLE = {
    error: 'red',
    warning: 'yellow',
    notice: 'blue'
};
function findingLine(finding, p) {
    const position = `${finding.line}${finding.column === undefined ? '' : `:${finding.column}`}`;
    const severity = p[SEVERITY_STYLE[finding.severity]](finding.severity);
    const where = finding.file === '' ? 'kestra (server only)' : `${inert(finding.file)}:${position}`;
    return `${p.bold(where)} ${severity} ${inert(finding.message)} ${p.dim(`[${finding.rule}]`)}`;
}
function outputLines(outputs, p) {
    const entries = Object.entries(outputs);
    const width = Math.max(0, ...entries.map(([name]) => name.length));
    return entries
        .map(([name, value]) => `${p.dim(`${name}:`.padEnd(width + 1))} ${value}\n`)
        .join('');
}
const CLEAR_LINE = '\r\u001b[2K';
class ProgressLine {
    options;
    text = '';
    since = 0;
    shown = false;
    constructor(options) {
        this.options = options;
    }
    set(text) {
        if (!text)
            this.clear();
        else if (!this.text)
            this.since = this.options.now();
        this.text = text;
    }
    tick() {
        if (!this.text)
            return;
        const elapsed = this.options.now() - this.since;
        if (elapsed < 1000)
            return;
        this.options.write(`${CLEAR_LINE}${this.text}… ${Math.floor(elapsed / 1000)} s`);
        this.shown = true;
    }
    clear() {
        if (this.shown)
            this.options.write(CLEAR_LINE);
        this.shown = false;
    }
}

const CONVERTING = new Set(['text', 'eol', 'crlf', 'filter', 'ident', 'working-tree-encoding']);
async function readIndexBlobs(folder) {
    const [listing, autocrlf] = await Promise.all([
        git$1(folder, ['ls-files', '-s', '-v', '-c', '-m', '-z', '--', '.']),
        git$1(folder, ['config', '--get', 'core.autocrlf'], { exit1IsEmpty: true })
    ]);
    if (listing === undefined)
        return undefined;
    const blobs = new Map();
    const yielder = new EventLoopYielder();
    for (const record of listing.split('\0')) {
        if (yielder.due())
            await yielder.yieldTurn();
        const tab = record.indexOf('\t');
        if (tab === -1)
            continue;
        const [tag, mode, oid, stage] = record.slice(0, tab).split(' ');
        const path = record.slice(tab + 1);
        if (tag !== 'H')
            blobs.delete(path);
        else if (stage === '0' && (mode === '100644' || mode === '100755') && oid)
            blobs.set(path, oid);
    }
    const attributes = await checkAttributes(folder, [...blobs.keys()]);
    if (attributes === undefined)
        return undefined;
    const convertsAll = ['true', 'yes', 'on', '1', 'input'].includes((autocrlf ?? '').trim().toLowerCase());
    for (const path of blobs.keys()) {
        if (yielder.due())
            await yielder.yieldTurn();
        const set = attributes.get(path);
        const converted = set !== undefined &&
            [...set].some(([name, value]) => !((name === 'text' || name === 'crlf') && value === 'unset'));
        if (converted || (convertsAll && set?.get('text') !== 'unset'))
            blobs.delete(path);
    }
    return { blobOf: (rel) => blobs.get(rel) };
}
async function checkAttributes(folder, paths) {
    const found = new Map();
    if (paths.length === 0)
        return found;
    const input = paths.map((path) => `${path}\0`).join('');
    const output = await git$1(folder, ['check-attr', '--all', '-z', '--stdin'], { input });
    if (output === undefined)
        return undefined;
    const fields = output.split('\0');
    for (let i = 0; i + 2 < fields.length; i += 3) {
        const [path, name, value] = [fields[i], fields[i + 1], fields[i + 2]];
        if (!CONVERTING.has(name))
            continue;
        let set = found.get(path);
        if (!set)
            found.set(path, (set = new Map()));
        set.set(name, value);
    }
    return found;
}
function git$1(cwd, args, { exit1IsEmpty = false, input } = {}) {
    return gitOrThrow(cwd, args, input).catch((error) => exit1IsEmpty && error.code === 1 ? '' : undefined);
}
function gitOrThrow(cwd, args, input) {
    return new Promise((resolve, reject) => {
        const child = execFile('git', args, {
            cwd,
            encoding: 'utf8',
            maxBuffer: 512 * 1024 * 1024,
            env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
        }, (error, out) => (error ? reject(error) : resolve(out)));
        if (input === undefined)
            return;
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(input);
    });
}

function checkoutIsOwn(context) {
    return context.pullRequest?.fork !== true && context.runHead === undefined;
}
const PR_EVENTS = ['pull_request', 'pull_request_target', 'merge_group'];
function onPullRequest(context) {
    return (PR_EVENTS.includes(context.eventName) ||
        (context.eventName === 'workflow_run' && context.pullRequest !== undefined));
}
function sameRepository(head, base, repository) {
    const [h, b] = [gitHubRepository.safeParse(head).data, gitHubRepository.safeParse(base).data];
    if (!h || !b || !/^[^/\s]+\/[^/\s]+$/.test(repository.fullName))
        return false;
    let proven = false;
    const names = [h.full_name, b.full_name];
    if (names.some((name) => name !== undefined)) {
        if (!names.every((name) => name === repository.fullName))
            return false;
        proven = true;
    }
    if (h.id !== undefined || b.id !== undefined) {
        if (h.id !== b.id)
            return false;
        if (repository.id !== undefined) {
            if (h.id !== repository.id)
                return false;
            proven = true;
        }
    }
    return proven;
}
const gitHubRepository = looseObject({
    full_name: unknown().optional(),
    id: int().positive().optional()
});

const SHA$2 = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;
const ZERO_SHA = /^0+$/;
const FULL_HISTORY_HINT = 'fetch history with actions/checkout `fetch-depth: 0` for an exact list';
async function detectChangedFiles(context, { workspace, github }) {
    const { pullRequest: pr, push } = context;
    if (onPullRequest(context)) {
        if (!pr)
            return all(`the ${context.eventName} event names no pull request`);
        return changedBetween(workspace, [pr.baseSha, pr.headSha], [`${pr.baseSha}...${pr.headSha}`], `the PR's base and head commits are not in the local history (shallow clone)`, github &&
            (async (gitProblem) => {
                const files = await github.listPullRequestFiles(pr.number);
                if (files.truncated) {
                    return all(`the PR changes more than 3,000 files, GitHub's listing limit; ${FULL_HISTORY_HINT}`);
                }
                if (pr.changedFiles !== undefined && files.files.length < pr.changedFiles) {
                    return all(`GitHub listed ${files.files.length} of the PR's ${pr.changedFiles} changed files; ${FULL_HISTORY_HINT}`);
                }
                return fromApi(files.files, `${gitProblem}; listed through the GitHub API`);
            }));
    }
    if (context.eventName !== 'push') {
        return all(context.local ? 'no --base was given' : `${context.eventName} treats every file as changed`);
    }
    if (!push || !SHA$2.test(push.after))
        return all('the push event names no commit range');
    if (ZERO_SHA.test(push.after))
        return all('the push deleted the branch');
    if (ZERO_SHA.test(push.before) || !push.before) {
        return all('the push created a new branch, so there is no previous commit to compare with');
    }
    const short = push.before.slice(0, 12);
    const missing = `the previous commit ${short} is not in the local history (force push or shallow clone)`;
    const pair = [push.before, push.after];
    return changedBetween(workspace, pair, pair, missing, github &&
        (async (gitProblem) => {
            const compared = await github.compareCommits(push.before, push.after);
            if (compared.status !== 'ahead' && compared.status !== 'identical') {
                return all(`the push rewrote history (${short} is not an ancestor of the pushed commit)`);
            }
            if (compared.truncated) {
                return all(`the push changes more than 300 files, GitHub's compare limit; ${FULL_HISTORY_HINT}`);
            }
            return fromApi(compared.files, `${gitProblem}; compared through the GitHub API`);
        }));
}
async function changedBetween(workspace, [from, to], revisions, missing, fromGitHub) {
    let gitProblem = missing;
    if (SHA$2.test(from) && SHA$2.test(to)) {
        try {
            return { kind: 'list', paths: await gitDiff(workspace, revisions), source: 'git' };
        }
        catch (error) {
            const hasCommit = async (sha) => (await git$1(workspace, ['cat-file', '-e', `${sha}^{commit}`])) !== undefined;
            if ((await hasCommit(from)) && (await hasCommit(to))) {
                gitProblem = `git diff failed (${errorMessage(error).split('\n', 1)[0]})`;
            }
        }
    }
    if (!fromGitHub)
        return all(`${gitProblem} and no GitHub token is available; ${FULL_HISTORY_HINT}`);
    try {
        return await fromGitHub(gitProblem);
    }
    catch (error) {
        return all(`${gitProblem} and ${errorMessage(error)}`);
    }
}
async function gitDiff(workspace, revisions) {
    const output = await gitOrThrow(workspace, [
        'diff',
        '--name-status',
        '-z',
        '-M',
        '--no-color',
        '--no-ext-diff',
        '--relative',
        ...revisions,
        '--'
    ]);
    const fields = output.split('\0');
    const paths = new Set();
    for (let i = 0; i < fields.length;) {
        const status = fields[i++];
        if (!status)
            continue;
        if (status[0] === 'R' || status[0] === 'C')
            paths.add(fields[i++]);
        paths.add(fields[i++]);
    }
    return paths;
}
function fromApi(files, note) {
    const paths = new Set(files.flatMap((file) => [file.path, file.previousPath ?? []].flat()));
    return { kind: 'list', paths, source: 'api', note };
}
function all(reason) {
    return { kind: 'all', reason };
}
function baseCommit(context) {
    const sha = context.pullRequest?.baseSha || context.push?.before;
    return sha && !ZERO_SHA.test(sha) ? sha : undefined;
}

function shareTree(opening) {
    let borrowers = 0;
    return async () => {
        const tree = await opening;
        if (!tree)
            return undefined;
        borrowers++;
        let released = false;
        return {
            tree,
            release: async () => {
                if (released)
                    return;
                released = true;
                borrowers--;
                if (borrowers === 0)
                    await tree.close();
            }
        };
    };
}
function asClosable({ tree, release }) {
    return new Proxy(tree, {
        get: (target, key) => (key === 'close' ? release : target[key])
    });
}

async function desiredState(model, actual, { readFileBytes }) {
    const managed = new Set(model.managedNamespaces);
    const safe = model.files.filter((entry) => !entry.symlinkEscapes && managed.has(entry.namespace));
    const held = new Map();
    for (const [namespace, { files }] of actual ?? []) {
        for (const file of files)
            held.set(fileKey(namespace, file.path), file.summary.sha256);
    }
    const differing = safe.filter((entry) => entry.size <= MAX_FILE_BYTES &&
        held.get(fileKey(entry.namespace, entry.path)) !== entry.sha256);
    const bytes = new Map(await mapLimit(differing, 32, async (entry) => [entry, await readFileBytes(entry)]));
    const files = safe.map((entry) => ({
        namespace: entry.namespace,
        path: entry.path,
        ...(bytes.has(entry) && { bytes: bytes.get(entry) }),
        sha256: entry.sha256,
        size: entry.size,
        binary: entry.binary,
        file: entry.file
    }));
    return { flows: desiredFlows(model), files };
}
function desiredFlows(model) {
    const managed = new Set(model.managedNamespaces);
    return [...firstDeclared(model.flows.filter((flow) => managed.has(flow.namespace)))].map(([, flow]) => ({
        namespace: flow.namespace,
        id: flow.id,
        source: flow.source,
        file: flow.file
    }));
}
function firstDeclared(flows) {
    const first = new Map();
    for (const flow of flows.filter(deployableFlow)) {
        const key = flowKey(flow.namespace, flow.id);
        if (!first.has(key))
            first.set(key, flow);
    }
    return first;
}

function childOf(dirRel, name) {
    return dirRel === '' ? name : `${dirRel}/${name}`;
}

const IGNORE_FILE = '.kestraignore';
const GIT_IGNORE_FILE = '.gitignore';
function applied(rules, rel, isDir, excluded) {
    const verdict = rules.test(rel, isDir);
    if (verdict.ignored && verdict.pattern) {
        return { file: rules.path, line: verdict.pattern.line, pattern: verdict.pattern.text };
    }
    return verdict.unignored ? undefined : excluded;
}
function isDotName(rel) {
    return rel.charCodeAt(rel.lastIndexOf('/') + 1) === 0x2e;
}
const DOTFILE_RULE = { line: 0, pattern: '.*' };
class IgnoreFile {
    path;
    patterns;
    meter;
    folders = new Map();
    constructor(path, patterns, meter) {
        this.path = path;
        this.patterns = patterns;
        this.meter = meter;
    }
    test(rel, isDir) {
        return isDir ? this.folder(rel) : (this.ignoredParent(rel) ?? this.own(rel, false));
    }
    own(rel, isDir) {
        const pattern = lastMatch(this.patterns, rel.split('/'), isDir, this.meter);
        if (!pattern)
            return { ignored: false, unignored: false };
        return { ignored: !pattern.negative, unignored: pattern.negative, pattern };
    }
    folder(rel) {
        let verdict = this.folders.get(rel);
        if (!verdict)
            this.folders.set(rel, (verdict = this.ignoredParent(rel) ?? this.own(rel, true)));
        return verdict;
    }
    ignoredParent(rel) {
        const cut = rel.lastIndexOf('/');
        if (cut <= 0)
            return undefined;
        const parent = this.folder(rel.slice(0, cut));
        return parent.ignored ? parent : undefined;
    }
}
class IgnoreRules {
    tree;
    fileName;
    byDir = new Map();
    constructor(tree, fileName = IGNORE_FILE) {
        this.tree = tree;
        this.fileName = fileName;
    }
    async excludes(rel, isDir) {
        return (await this.excludedBy(rel, isDir)) !== undefined;
    }
    async excludedBy(rel, isDir) {
        const settled = this.settledVerdict(rel, isDir);
        if (settled)
            return settled.rule;
        const dotfile = this.fileName === IGNORE_FILE && isDotName(rel);
        return this.verdict(rel, isDir, dotfile ? DOTFILE_RULE : undefined);
    }
    settledVerdict(rel, isDir) {
        const name = rel.slice(rel.lastIndexOf('/') + 1);
        if (name.toLowerCase() === '.git' || name === this.fileName)
            return { rule: 'fixed' };
        let excluded = this.fileName === IGNORE_FILE && name.startsWith('.') ? DOTFILE_RULE : undefined;
        for (let cut = -1;;) {
            const dir = cut === -1 ? '' : rel.slice(0, cut);
            if (!this.byDir.has(dir))
                return undefined;
            const rules = this.byDir.get(dir);
            if (rules instanceof Promise)
                return undefined;
            if (rules)
                excluded = applied(rules, rel.slice(cut + 1), isDir, excluded);
            const next = rel.indexOf('/', cut + 1);
            if (next === -1)
                return { rule: excluded };
            cut = next;
        }
    }
    async verdict(rel, isDir, excluded) {
        for (let cut = -1;;) {
            const dir = cut === -1 ? '' : rel.slice(0, cut);
            const held = this.byDir.has(dir) ? this.byDir.get(dir) : this.readRules(dir);
            const rules = held instanceof Promise ? await held : held;
            if (rules)
                excluded = applied(rules, rel.slice(cut + 1), isDir, excluded);
            const next = rel.indexOf('/', cut + 1);
            if (next === -1)
                return excluded;
            cut = next;
        }
    }
    knowListing(dirRel, hasRegularIgnoreFile) {
        if (this.byDir.has(dirRel))
            return;
        if (hasRegularIgnoreFile)
            void this.readRules(dirRel);
        else
            this.byDir.set(dirRel, undefined);
    }
    async pathExcludedBy(rel) {
        const segments = rel.split('/');
        for (let depth = 1; depth <= segments.length; depth++) {
            const rule = await this.excludedBy(segments.slice(0, depth).join('/'), depth < segments.length);
            if (rule !== undefined)
                return rule;
        }
        return undefined;
    }
    readRules(dirRel) {
        const reading = this.load(dirRel).then((file) => {
            this.byDir.set(dirRel, file);
            return file;
        });
        this.byDir.set(dirRel, reading);
        return reading;
    }
    async load(dirRel) {
        const path = childOf(dirRel, this.fileName);
        try {
            if ((await this.tree.kind(path)) !== 'file')
                return undefined;
            const text = (await this.tree.read(path)).toString('utf8');
            return new IgnoreFile(path, parseIgnoreFile(text));
        }
        catch {
            return undefined;
        }
    }
}
const POSIX_CLASSES = {
    alnum: /[A-Za-z0-9]/,
    alpha: /[A-Za-z]/,
    blank: /[ \t]/,
    cntrl: /[\x00-\x1f\x7f]/,
    digit: /[0-9]/,
    graph: /[\x21-\x7e]/,
    lower: /[a-z]/,
    print: /[\x20-\x7e]/,
    punct: /[!-/:-@[-`{-~]/,
    space: /[ \t\n\r\f\v]/,
    upper: /[A-Z]/,
    xdigit: /[0-9A-Fa-f]/
};
function parseIgnoreFile(text) {
    return text
        .split('\n')
        .flatMap((raw, index) => parsePattern(raw.replace(/\r$/, ''), index + 1) ?? []);
}
function parsePattern(raw, line) {
    const text = trimTrailingSpaces(raw);
    if (text === '' || text.startsWith('#'))
        return undefined;
    let body = text;
    const negative = body.startsWith('!');
    if (negative)
        body = body.slice(1);
    const dirOnly = body.endsWith('/') && !body.endsWith('\\/');
    if (dirOnly)
        body = body.slice(0, -1);
    if (body === '')
        return undefined;
    const anchored = body.includes('/');
    if (body.startsWith('/'))
        body = body.slice(1);
    const names = compileNames(body.split('/'));
    return { text, line, negative, dirOnly, anchored, ...(names ? { names } : {}) };
}
function trimTrailingSpaces(line) {
    let end = line.length;
    while (end > 0 && line[end - 1] === ' ') {
        let backslashes = 0;
        for (let i = end - 2; i >= 0 && line[i] === '\\'; i--)
            backslashes++;
        if (backslashes % 2 === 1)
            break;
        end--;
    }
    return line.slice(0, end);
}
function compileNames(parts) {
    const tokens = [];
    for (const [index, part] of parts.entries()) {
        if (part === '**') {
            if (index === parts.length - 1 && index > 0)
                tokens.push({ kind: 'name', chars: [STAR] });
            tokens.push({ kind: 'globstar' });
            continue;
        }
        const chars = compileName(part);
        if (!chars)
            return undefined;
        tokens.push({ kind: 'name', chars });
    }
    return tokens;
}
const STAR = { kind: 'star' };
function compileName(name) {
    const part = [...name];
    const tokens = [];
    for (let i = 0; i < part.length; i++) {
        const char = part[i];
        if (char === '\\') {
            if (i + 1 >= part.length)
                return undefined;
            tokens.push({ kind: 'char', char: part[++i] });
        }
        else if (char === '*') {
            if (tokens[tokens.length - 1]?.kind !== 'star')
                tokens.push(STAR);
        }
        else if (char === '?') {
            tokens.push({ kind: 'any' });
        }
        else if (char === '[') {
            const parsed = compileClass(part, i);
            if (!parsed)
                return undefined;
            tokens.push(parsed.token);
            i = parsed.end;
        }
        else {
            tokens.push({ kind: 'char', char });
        }
    }
    return tokens;
}
function compileClass(part, start) {
    let i = start + 1;
    const negated = part[i] === '!' || part[i] === '^';
    if (negated)
        i++;
    const tests = [];
    let first = true;
    for (; i < part.length; i++, first = false) {
        let char = part[i];
        if (char === ']' && !first) {
            const token = {
                kind: 'class',
                negated,
                test: (c) => tests.some((t) => t(c))
            };
            return { token, end: i };
        }
        if (char === '[' && part[i + 1] === ':') {
            const close = indexOfPair(part, ':', ']', i + 2);
            const name = close < 0 ? undefined : part.slice(i + 2, close).join('');
            const posix = name === undefined ? undefined : entryOf(POSIX_CLASSES, name);
            if (close < 0 || !posix)
                return undefined;
            tests.push((c) => posix.test(c));
            i = close + 1;
            continue;
        }
        if (char === '\\') {
            if (i + 1 >= part.length)
                return undefined;
            char = part[++i];
        }
        if (part[i + 1] === '-' && i + 2 < part.length && part[i + 2] !== ']') {
            let high = part[i + 2];
            i += 2;
            if (high === '\\') {
                if (i + 1 >= part.length)
                    return undefined;
                high = part[++i];
            }
            const low = char;
            tests.push((c) => c >= low && c <= high);
            continue;
        }
        const literal = char;
        tests.push((c) => c === literal);
    }
    return undefined;
}
function indexOfPair(chars, first, second, from) {
    for (let k = from; k + 1 < chars.length; k++) {
        if (chars[k] === first && chars[k + 1] === second)
            return k;
    }
    return -1;
}
function lastMatch(patterns, names, isDir, meter) {
    for (let i = patterns.length - 1; i >= 0; i--) {
        if (patternMatches(patterns[i], names, isDir, meter))
            return patterns[i];
    }
    return undefined;
}
function patternMatches(pattern, names, isDir, meter) {
    if (!pattern.names || (pattern.dirOnly && !isDir))
        return false;
    const subject = pattern.anchored ? names : names.slice(-1);
    return greedyMatch(pattern.names, subject, (token) => token.kind === 'globstar', (token, name) => token.kind === 'name' && nameMatches(token.chars, name, meter), meter);
}
function nameMatches(tokens, name, meter) {
    return greedyMatch(tokens, [...name], (token) => token.kind === 'star', (token, char) => charMatches(token, char), meter);
}
function charMatches(token, char) {
    switch (token.kind) {
        case 'char':
            return token.char === char;
        case 'any':
            return true;
        case 'class':
            return token.test(char) !== token.negated;
        default:
            return false;
    }
}
function greedyMatch(tokens, items, isStar, matchesOne, meter) {
    let t = 0;
    let i = 0;
    let star = -1;
    let resume = 0;
    while (i < items.length) {
        if (meter)
            meter.steps++;
        if (t < tokens.length && isStar(tokens[t])) {
            star = t++;
            resume = i;
        }
        else if (t < tokens.length && matchesOne(tokens[t], items[i])) {
            t++;
            i++;
        }
        else if (star >= 0) {
            t = star + 1;
            i = ++resume;
        }
        else {
            return false;
        }
    }
    while (t < tokens.length && isStar(tokens[t]))
        t++;
    return t === tokens.length;
}

class WorkTree {
    index;
    workspace;
    rootRel;
    root;
    rootReal;
    constructor(workspace, root, index) {
        this.index = index;
        this.workspace = resolve$1(workspace);
        this.root = resolve$1(this.workspace, root);
        this.rootRel = relative(this.workspace, this.root).split(sep).join('/');
    }
    async hasRoot() {
        const real = await this.real();
        return real !== undefined && statSync(real).isDirectory();
    }
    async list(dirRel) {
        const dirents = readdirSync(join(this.root, dirRel), { withFileTypes: true });
        const entries = dirents.map((dirent) => ({ name: dirent.name, kind: kindOf$1(dirent) }));
        const untyped = entries.filter((entry) => entry.kind === undefined);
        await Promise.all(untyped.map(async (entry) => {
            const stats = await lstat(join(this.root, dirRel, entry.name)).catch(() => undefined);
            entry.kind = (stats && kindOf$1(stats)) ?? 'other';
        }));
        return entries;
    }
    async kind(rel) {
        const parts = rel.split('/');
        for (let i = 1; i <= parts.length; i++) {
            const stats = lstatOrUndefined(join(this.root, ...parts.slice(0, i)));
            if (!stats)
                return undefined;
            if (i === parts.length || stats.isSymbolicLink())
                return kindOf$1(stats) ?? 'other';
        }
        return undefined;
    }
    async read(rel) {
        return readFileSync(join(this.root, rel));
    }
    async summarise(rel) {
        const fd = openSync(join(this.root, rel), constants$1.O_RDONLY | (constants$1.O_NOFOLLOW ?? 0));
        try {
            const { size } = fstatSync(fd);
            if (size > MAX_FILE_BYTES)
                return { size, sha256: '', binary: true };
            if (size > WHOLE_READ_LIMIT)
                return await summariseStream(fd);
            return summaryOf(readFileSync(fd));
        }
        finally {
            closeSync(fd);
        }
    }
    async blob(rel) {
        return (await this.index)?.blobOf(rel);
    }
    async resolveLink(rel, rules) {
        const rootReal = (await this.real());
        let realPath;
        try {
            realPath = await realpath(join(this.root, rel));
        }
        catch (error) {
            const loops = error.code === 'ELOOP';
            return { kind: 'escapes', reason: loops ? 'it loops' : 'its target does not exist' };
        }
        const target = relative(rootReal, realPath);
        const reason = await escapeReason(target, rules);
        const stats = await stat(realPath).catch(() => undefined);
        if (stats?.isDirectory())
            return { kind: 'folder', escapes: reason !== undefined, reason };
        if (reason)
            return { kind: 'escapes', reason };
        if (stats?.isFile()) {
            return { kind: 'file', target: target.split(sep).join('/'), bytesPath: realPath };
        }
        return { kind: 'other' };
    }
    bytesPath(rel) {
        return join(this.root, rel);
    }
    async versioned() {
        for (let dir = this.root;; dir = resolve$1(dir, '..')) {
            if (lstatOrUndefined(join(dir, '.git')))
                return true;
            if (resolve$1(dir, '..') === dir)
                return false;
        }
    }
    real() {
        this.rootReal ??= new Promise((found) => found(realpathSync(this.root))).catch(() => undefined);
        return this.rootReal;
    }
}
function lstatOrUndefined(path) {
    try {
        return lstatSync(path, { throwIfNoEntry: false });
    }
    catch {
        return undefined;
    }
}
async function escapeReason(target, rules) {
    if (target === '')
        return 'it points to the root folder itself';
    if (target === '..' || target.startsWith(`..${sep}`) || isAbsolute(target)) {
        return 'it points outside the root folder';
    }
    return excludedReason(target.split(sep).join('/'), rules);
}
async function excludedReason(target, rules) {
    return (await rules.pathExcludedBy(target)) === undefined
        ? undefined
        : 'it points to a path excluded by .kestraignore, a dot-folder or .git';
}
function kindOf$1(entry) {
    if (entry.isSymbolicLink())
        return 'symlink';
    if (entry.isDirectory())
        return 'folder';
    if (entry.isFile())
        return 'file';
    const special = entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice();
    return special ? 'other' : undefined;
}
const WHOLE_READ_LIMIT = 4 * 1024 * 1024;
async function summariseStream(fd) {
    const hash = createHash('sha256');
    const decoder = new TextDecoder$1('utf-8', { fatal: true });
    let size = 0;
    let binary = false;
    const stream = createReadStream('', { fd, autoClose: false, highWaterMark: 1024 * 1024 });
    for await (const bytes of stream) {
        size += bytes.length;
        hash.update(bytes);
        if (!binary)
            binary = bytes.includes(0) || !decodes(decoder, bytes);
    }
    if (!binary)
        binary = !decodes(decoder);
    return { size, sha256: hash.digest('hex'), binary };
}
function decodes(decoder, bytes) {
    try {
        if (bytes)
            decoder.decode(bytes, { stream: true });
        else
            decoder.decode();
        return true;
    }
    catch {
        return false;
    }
}

class CatFileBatch {
    child;
    waiting = [];
    reader = new BatchReader();
    exited;
    failure;
    constructor(cwd) {
        this.child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
        this.child.stdout.on('data', (chunk) => this.receive(chunk));
        this.child.stdin.on('error', (error) => this.fail(error));
        this.exited = new Promise((resolve) => {
            this.child.on('error', (error) => {
                this.fail(error);
                resolve();
            });
            this.child.on('close', (code) => {
                this.fail(new Error(`git cat-file ended (exit code ${code}) before answering`));
                resolve();
            });
        });
    }
    read(oid) {
        if (this.failure)
            return Promise.reject(this.failure);
        return new Promise((resolve, reject) => {
            this.waiting.push({ oid, resolve, reject });
            this.child.stdin.write(`${oid}\n`);
        });
    }
    async close() {
        this.child.stdin.end();
        await this.exited;
    }
    receive(chunk) {
        try {
            this.reader.push(chunk);
            for (let object = this.reader.next(); object; object = this.reader.next()) {
                const asked = this.waiting.shift();
                if (asked?.oid !== object.oid)
                    throw new Error(`git cat-file answered ${object.oid} out of turn`);
                asked.resolve(object.content);
            }
        }
        catch (error) {
            this.fail(error);
            this.child.kill();
        }
    }
    fail(error) {
        this.failure ??= error;
        for (const asked of this.waiting.splice(0))
            asked.reject(this.failure);
    }
}
class BatchReader {
    chunks = [];
    length = 0;
    header;
    push(chunk) {
        this.chunks.push(chunk);
        this.length += chunk.length;
    }
    next() {
        if (!this.header) {
            const buffer = this.joined();
            const newline = buffer.indexOf(0x0a);
            if (newline === -1)
                return undefined;
            const [oid, type, size] = buffer.subarray(0, newline).toString('utf8').split(' ');
            if (type !== 'blob' || size === undefined) {
                throw new Error(`git cat-file returned an unexpected object: ${oid} ${type}`);
            }
            const contentStart = newline + 1;
            this.header = { oid: oid, contentStart, contentEnd: contentStart + Number(size) };
        }
        const { oid, contentStart, contentEnd } = this.header;
        if (this.length < contentEnd + 1)
            return undefined;
        const buffer = this.joined();
        const content = Buffer.from(buffer.subarray(contentStart, contentEnd));
        this.chunks = [buffer.subarray(contentEnd + 1)];
        this.length = buffer.length - contentEnd - 1;
        this.header = undefined;
        return { oid, content };
    }
    joined() {
        if (this.chunks.length > 1)
            this.chunks = [Buffer.concat(this.chunks, this.length)];
        return this.chunks[0] ?? Buffer.alloc(0);
    }
}

const OBJECT_ID = /^[0-9a-f]{4,64}$/i;
const MAX_LINK_HOPS = 40;
class GitTree {
    workspace;
    rootRel;
    blobs;
    folders;
    workTreeChanges;
    batch;
    constructor(workspace, rootRel, blobs, folders, workTreeChanges) {
        this.workspace = workspace;
        this.rootRel = rootRel;
        this.blobs = blobs;
        this.folders = folders;
        this.workTreeChanges = workTreeChanges;
    }
    static async open(workspace, sha, root) {
        if (!OBJECT_ID.test(sha))
            return undefined;
        const workspaceAbs = resolve$1(workspace);
        const rootRel = relative(workspaceAbs, resolve$1(workspaceAbs, root)).split(sep).join('/');
        const under = rootRel === '' ? '' : `${rootRel}/`;
        const [blobs, changes] = await Promise.all([
            listCommitFolder(workspaceAbs, sha, under),
            worktreeChanges(workspaceAbs, sha, under)
        ]);
        return blobs && new GitTree(workspaceAbs, rootRel, blobs, await foldersOf(blobs), changes);
    }
    async hasRoot() {
        return true;
    }
    async list(dirRel) {
        const entries = this.folders.get(dirRel);
        if (!entries)
            throw new Error(`no folder ${dirRel} in the commit`);
        return entries;
    }
    async kind(rel) {
        return this.blobs.get(rel)?.kind ?? (this.folders.has(rel) ? 'folder' : undefined);
    }
    read(rel) {
        const blob = this.blobs.get(rel);
        if (blob?.kind !== 'file')
            return Promise.reject(new Error(`no file ${rel} in the commit`));
        return this.object(blob.oid);
    }
    async summarise(rel) {
        const size = this.blobs.get(rel)?.size ?? 0;
        if (size > MAX_FILE_BYTES)
            return { size, sha256: '', binary: true };
        return summaryOf(await this.read(rel));
    }
    async blob(rel) {
        const blob = this.blobs.get(rel);
        return blob?.kind === 'file' ? blob.oid : undefined;
    }
    async resolveLink(rel, rules) {
        const real = await this.realPath(rel);
        if (typeof real !== 'string')
            return { kind: 'escapes', reason: real.reason };
        const reason = real === '' ? 'it points to the root folder itself' : await excludedReason(real, rules);
        const kind = real === '' ? 'folder' : await this.kind(real);
        if (kind === 'folder')
            return { kind: 'folder', escapes: reason !== undefined, reason };
        if (reason)
            return { kind: 'escapes', reason };
        return kind === 'file' ? { kind: 'file', target: real, bytesPath: '' } : { kind: 'other' };
    }
    bytesPath() {
        return '';
    }
    async versioned() {
        return true;
    }
    async close() {
        const batch = this.batch;
        this.batch = undefined;
        await batch?.close();
    }
    object(oid) {
        return (this.batch ??= new CatFileBatch(this.workspace)).read(oid);
    }
    async realPath(rel) {
        const outside = { reason: 'it points outside the root folder' };
        const missing = { reason: 'its target does not exist' };
        let pending = rel.split('/');
        const done = [];
        for (let hops = 0; pending.length > 0;) {
            const segment = pending.shift();
            const path = childOf(done.join('/'), segment);
            const blob = this.blobs.get(path);
            if (blob?.kind === 'symlink') {
                if (++hops > MAX_LINK_HOPS)
                    return { reason: 'it loops' };
                const text = (await this.object(blob.oid)).toString('utf8');
                if (posix.isAbsolute(text))
                    return outside;
                const from = posix.join(this.rootRel, done.join('/'), text);
                const inRoot = this.rootRel === '' ? from : posix.relative(this.rootRel, from);
                if (inRoot === '..' || inRoot.startsWith('../') || posix.isAbsolute(inRoot))
                    return outside;
                done.length = 0;
                pending = [...inRoot.split('/').filter((s) => s !== '' && s !== '.'), ...pending];
                continue;
            }
            if (blob ? pending.length > 0 : !this.folders.has(path))
                return missing;
            done.push(segment);
        }
        return done.join('/');
    }
}
async function foldersOf(blobs) {
    const folders = new Map([['', []]]);
    const add = (path, kind) => {
        const slash = path.lastIndexOf('/');
        const dir = slash === -1 ? '' : path.slice(0, slash);
        let siblings = folders.get(dir);
        if (!siblings) {
            folders.set(dir, (siblings = []));
            add(dir, 'folder');
        }
        siblings.push({ name: path.slice(slash + 1), kind });
    };
    const yielder = new EventLoopYielder();
    for (const [path, blob] of blobs) {
        if (yielder.due())
            await yielder.yieldTurn();
        add(path, blob.kind);
    }
    return folders;
}
async function listCommitFolder(workspace, sha, under) {
    const listing = await git$1(workspace, [
        '--literal-pathspecs',
        'ls-tree',
        '-r',
        '-l',
        '-z',
        `${sha}^{commit}`,
        '--',
        under || '.'
    ]);
    if (listing === undefined)
        return undefined;
    const blobs = new Map();
    const yielder = new EventLoopYielder();
    for (const record of listing.split('\0')) {
        if (yielder.due())
            await yielder.yieldTurn();
        const tab = record.indexOf('\t');
        if (tab === -1 || !record.startsWith(under, tab + 1))
            continue;
        const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
        const path = record.slice(tab + 1 + under.length);
        if (type !== 'blob' || !oid || !isSafePath(path))
            continue;
        blobs.set(path, { kind: mode === '120000' ? 'symlink' : 'file', oid, size: Number(size) });
    }
    return blobs;
}
function isSafePath(path) {
    return path
        .split('/')
        .every((s) => s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git');
}
async function worktreeChanges(workspace, sha, under) {
    const diff = await git$1(workspace, [
        'diff',
        '--name-only',
        '-z',
        '--no-renames',
        '--relative',
        sha,
        '--',
        under || '.'
    ]);
    const untracked = await git$1(workspace, [
        'ls-files',
        '-z',
        '--others',
        '--',
        `:(glob)${under}**/${IGNORE_FILE}`
    ]);
    if (diff === undefined || untracked === undefined)
        return undefined;
    const changed = new Set();
    for (const path of diff.split('\0')) {
        if (path !== '' && path.startsWith(under))
            changed.add(path.slice(under.length));
    }
    return { changed, untrackedIgnoreFile: untracked !== '' };
}
async function commitTime(workspace, sha) {
    if (!/^[0-9a-f]{7,64}$/i.test(sha))
        return undefined;
    const shown = await git$1(workspace, ['show', '-s', '--format=%cI', sha]);
    const time = shown === undefined ? NaN : Date.parse(shown.trim());
    return Number.isNaN(time) ? undefined : new Date(time);
}

function parseFlowFile(input) {
    const source = normaliseText(input.raw);
    const lineCounter = new distExports.LineCounter();
    const all = distExports.parseAllDocuments(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const documents = (Array.isArray(all) ? all : [all]).filter((doc, index) => index === 0 || doc.contents !== null || doc.errors.length > 0);
    const first = documents[0];
    if (first)
        forbiddenCharacterError(source, first);
    const contents = first?.contents;
    const id = distExports.isMap(contents) ? scalarString(contents.get('id', true)) : undefined;
    const namespace = distExports.isMap(contents) ? scalarString(contents.get('namespace', true)) : undefined;
    const parsed = first !== undefined && first.errors.length === 0;
    return {
        file: input.file,
        rel: input.rel,
        raw: input.raw,
        source,
        documents,
        lineCounter,
        id,
        namespace,
        expectedNamespace: input.expectedNamespace,
        notAFlow: parsed && (!distExports.isMap(contents) || (!contents.has('id') && !contents.has('tasks'))),
        otherKind: parsed ? otherKindOf(first) : undefined
    };
}
function reusedFlowFile(input, known) {
    const flow = {
        file: input.file,
        rel: input.rel,
        raw: input.raw,
        source: normaliseText(input.raw),
        expectedNamespace: input.expectedNamespace,
        id: known.id,
        namespace: known.namespace,
        notAFlow: known.notAFlow,
        otherKind: known.otherKind,
        sendable: known.wellFormed
    };
    releaseSyntaxTree(flow);
    return flow;
}
function releaseSyntaxTree(flow) {
    let parsed;
    const parse = () => (parsed ??= parseFlowFile(flow));
    for (const field of ['documents', 'lineCounter']) {
        Object.defineProperty(flow, field, {
            get: () => parse()[field],
            enumerable: true,
            configurable: true
        });
    }
}
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uD800-\uDFFF\uFFFE\uFFFF]/u;
function forbiddenCharacterError(source, document) {
    const found = FORBIDDEN.exec(source);
    if (!found)
        return;
    const code = `U+${found[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    document.errors.unshift(new distExports.YAMLParseError([found.index, found.index + 1], 'UNEXPECTED_TOKEN', `character ${code} is not allowed in YAML (a NUL or another control character); remove it`));
}
const TOP_LEVEL_KEY = Object.fromEntries(['id', 'namespace', 'tasks', 'type'].map((key) => [
    key,
    new RegExp(`^(?:${key}|"${key}"|'${key}')[ \\t]*:(?:[ \\t]|$)`, 'm')
]));
function kindOfText(source) {
    const has = (key) => TOP_LEVEL_KEY[key].test(source);
    if (!has('id') || !has('namespace'))
        return 'none';
    if (has('type'))
        return 'other-kind';
    return has('tasks') ? 'flow' : 'none';
}
function otherKindOf(document) {
    const contents = document.contents;
    if (!distExports.isMap(contents) || !contents.has('type'))
        return undefined;
    return scalarString(contents.get('type', true)) ?? 'unknown';
}
function scalarString(node) {
    if (distExports.isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) {
        return String(node.value);
    }
    return undefined;
}

function isYamlFile(rel) {
    return /\.ya?ml$/.test(rel);
}
function layoutRules(settings, layout, fileFolders = []) {
    const flowAreas = [];
    const fileAreas = [];
    if (layout === 'tenant') {
        flowAreas.push({ dir: [NAMESPACE_PATTERN, 'flows'] });
        fileAreas.push({ dir: [NAMESPACE_PATTERN, 'files'], prefix: '' });
    }
    else if (layout === 'namespace') {
        const namespace = settings.namespace;
        flowAreas.push({ dir: ['flows'], namespace });
        fileAreas.push({ dir: ['files'], namespace, prefix: '' });
    }
    for (const { dir, namespace, prefix } of [
        ...settings.namespaceFiles,
        ...fileFolders.map((f) => ({ ...f, prefix: '' }))
    ]) {
        fileAreas.push({ dir: splitPath(dir), namespace, prefix });
    }
    const globs = layout === 'custom' ? flowGlobs(settings.flowGlobs) : undefined;
    const searched = [
        ...flowAreas.map((a) => a.dir),
        ...fileAreas.map((a) => a.dir),
        ...(globs?.bases ?? [])
    ];
    return {
        place(rel) {
            const segments = rel.split('/');
            const placement = { files: filesFor(fileAreas, segments) };
            if (!isYamlFile(rel))
                return placement;
            const area = flowAreas.find((a) => inside$1(a.dir, segments, segments.length - 1));
            if (area)
                placement.flow = { expectedNamespace: area.namespace ?? segments[0] };
            else if (globs?.matches(rel))
                placement.flow = {};
            else if (layout === 'anywhere')
                placement.flow = { ifFlowDocument: true };
            return placement;
        },
        mayContain(dirRel) {
            const segments = splitPath(dirRel);
            return searched.some((dir) => dir.every((segment, i) => i >= segments.length || matches$1(segment, segments[i])));
        },
        owns(dirRel) {
            const segments = splitPath(dirRel);
            return [...flowAreas, ...fileAreas].some((area) => inside$1(area.dir, segments));
        },
        fileFoldersOf(namespace) {
            return fileAreas.flatMap((area) => {
                if (area.namespace !== undefined && area.namespace !== namespace)
                    return [];
                const dir = area.dir.map((s) => (typeof s === 'string' ? s : namespace)).join('/');
                return [`${dir === '' ? '.' : dir}/${area.prefix ? ` (as ${area.prefix}/…)` : ''}`];
            });
        }
    };
}
function filesFor(areas, segments) {
    let deepest = [];
    for (const area of areas) {
        if (!inside$1(area.dir, segments, segments.length - 1))
            continue;
        const depth = deepest[0]?.dir.length ?? -1;
        if (area.dir.length > depth)
            deepest = [area];
        else if (area.dir.length === depth)
            deepest.push(area);
    }
    const files = [];
    for (const area of deepest) {
        const namespace = area.namespace ?? segments[0];
        const path = `${area.prefix}/${segments.slice(area.dir.length).join('/')}`;
        if (!files.some((f) => f.namespace === namespace && f.path === path))
            files.push({ namespace, path });
    }
    return files;
}
function flowGlobs(patterns) {
    const normalised = patterns.map((p) => p.replace(/^\.\//, ''));
    const include = normalised.filter((p) => !p.startsWith('!'));
    const ignore = normalised.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    return {
        matches: include.length > 0 ? picomatch(include, { dot: true, ignore }) : () => false,
        bases: include.map((p) => splitPath(picomatch.scan(p).base))
    };
}
function inside$1(area, segments, folders = segments.length) {
    return folders >= area.length && area.every((segment, i) => matches$1(segment, segments[i]));
}
function matches$1(segment, name) {
    return typeof segment === 'string' ? segment === name : segment.test(name);
}
function splitPath(path) {
    return path.split('/').filter((s) => s !== '' && s !== '.');
}

async function walkTree(options) {
    const result = { entries: [], unreadable: [], hidden: [] };
    await walkFolder(options.from ?? '', options, result);
    return result;
}
async function walkFolder(dirRel, options, result) {
    let entries;
    try {
        entries = await options.limit(() => options.tree.list(dirRel));
    }
    catch (error) {
        result.unreadable.push({ rel: dirRel, message: error.message });
        return;
    }
    const ignoreFile = entries.find((entry) => entry.name === IGNORE_FILE);
    options.rules.knowListing(dirRel, ignoreFile?.kind === 'file');
    const inLayout = dirRel === '' || options.mayContain(dirRel);
    const listing = options.search?.knowListing(dirRel, new Set(entries.map((e) => e.name)));
    if (listing?.virtualEnv && !inLayout)
        return;
    const subfolders = [];
    await options.yieldTurn?.();
    for (const { name, kind } of entries) {
        const rel = childOf(dirRel, name);
        const isDir = kind === 'folder';
        const settled = options.rules.settledVerdict?.(rel, isDir);
        const rule = settled ? settled.rule : await options.rules.excludedBy(rel, isDir);
        if (rule === 'fixed')
            continue;
        if (rule) {
            if (kind === 'folder' || kind === 'file')
                result.hidden.push({ rel, isDir, rule });
            continue;
        }
        if (kind !== 'folder') {
            const entry = { rel, kind };
            result.entries.push(entry);
            options.onEntry?.(entry);
            continue;
        }
        if (options.skipsFolder?.(rel))
            continue;
        if (options.mayContain(rel)) {
            subfolders.push(walkFolder(rel, options, result));
        }
        else if (options.search) {
            const skipped = await options.search.skips(rel);
            if (skipped === undefined)
                subfolders.push(walkFolder(rel, options, result));
            else if (skipped !== 'dependencies')
                result.hidden.push({ rel, isDir, rule: skipped });
        }
    }
    await Promise.all(subfolders);
}
const NEVER_SEARCHED = new Set([
    'node_modules',
    'bower_components',
    'venv',
    'site-packages',
    '__pycache__'
]);
const VIRTUAL_ENV_MARKER = 'pyvenv.cfg';
class SearchScope {
    gitignore;
    constructor(gitignore) {
        this.gitignore = gitignore;
    }
    static async of(tree) {
        return new SearchScope((await tree.versioned()) ? new IgnoreRules(tree, GIT_IGNORE_FILE) : undefined);
    }
    static dependenciesOnly() {
        return new SearchScope(undefined);
    }
    async skips(dirRel) {
        const name = dirRel.slice(dirRel.lastIndexOf('/') + 1);
        if (NEVER_SEARCHED.has(name))
            return 'dependencies';
        return this.gitignored(dirRel, true);
    }
    async gitignored(rel, isDir = false) {
        const rule = await this.gitignore?.excludedBy(rel, isDir);
        return rule === 'fixed' ? undefined : rule;
    }
    knowListing(dirRel, names) {
        this.gitignore?.knowListing(dirRel, names.has(GIT_IGNORE_FILE));
        return { virtualEnv: names.has(VIRTUAL_ENV_MARKER) };
    }
}

function nearest(typed, names) {
    let best;
    let bestDistance = Math.max(2, Math.floor(typed.length / 3)) + 1;
    for (const name of names) {
        if (name === typed)
            continue;
        const distance = editDistance(typed, name);
        if (distance < bestDistance)
            [best, bestDistance] = [name, distance];
    }
    return best;
}
function editDistance(a, b) {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
        }
        previous = current;
    }
    return previous[b.length];
}

async function chooseLayout(settings, tree, rules) {
    if (settings.layout !== 'auto') {
        return { layout: settings.layout, reason: settings.layoutReason ?? 'set by the layout input' };
    }
    if (settings.namespace)
        return { layout: 'namespace', reason: 'the namespace input is set' };
    const chosen = decideLayout(await topFolders(tree, rules));
    return { ...chosen, ...(await findFileFolders(settings, chosen, tree, rules)) };
}
async function findFileFolders(settings, chosen, tree, rules) {
    const { walk, limit } = await searchWalk(tree, rules);
    const bare = layoutRules({ namespace: settings.namespace, flowGlobs: settings.flowGlobs, namespaceFiles: [] }, chosen.layout);
    const mapped = settings.namespaceFiles.map((mapping) => mapping.dir);
    const candidates = new Map();
    const consider = (candidate) => {
        if (candidates.has(candidate.dir))
            return;
        const { dir } = candidate;
        if (mapped.some((m) => m === '' || dir === m || dir.startsWith(`${m}/`)))
            return;
        candidates.set(dir, candidate);
    };
    for (const { rel } of (await walk(bare.owns)).entries) {
        const segments = rel.split('/');
        for (let i = 0; i + 2 < segments.length; i++) {
            const name = segments[i + 1];
            if (segments[i] === 'files') {
                const dir = segments.slice(0, i + 2).join('/');
                consider({
                    dir,
                    namespace: name,
                    parent: segments.slice(0, i).join('/'),
                    shape: 'files/<namespace>'
                });
            }
            else if (name === 'files' && NAMESPACE_PATTERN.test(segments[i])) {
                const dir = segments.slice(0, i + 2).join('/');
                consider({
                    dir,
                    namespace: segments[i],
                    parent: segments.slice(0, i + 1).join('/'),
                    shape: '<namespace>/files'
                });
            }
        }
    }
    if (candidates.size === 0)
        return {};
    const declared = await declaredNamespaces(tree, (await walk()).entries, limit);
    const under = (parent) => declared.filter((flow) => parent === '' || flow.rel.startsWith(`${parent}/`));
    const holds = (flows, namespace) => flows.some((flow) => flow.namespace === namespace || flow.namespace.startsWith(`${namespace}.`));
    const fileFolders = [];
    const unread = [];
    for (const { dir, namespace, parent, shape } of candidates.values()) {
        const beside = under(shape === '<namespace>/files' && !parent.includes('/') ? '' : parent);
        if (NAMESPACE_PATTERN.test(namespace) && holds(beside, namespace)) {
            fileFolders.push({ dir, namespace });
        }
        else if (shape === 'files/<namespace>') {
            const why = unreadWhy(namespace, beside, declared, holds);
            if (why !== undefined)
                unread.push({ dir, why });
        }
    }
    const byDir = (a, b) => compareCodeUnits(a.dir, b.dir);
    return {
        ...(fileFolders.length > 0 && { fileFolders: fileFolders.sort(byDir) }),
        ...(unread.length > 0 && { unreadFileFolders: unread.sort(byDir) })
    };
}
async function searchWalk(tree, rules) {
    const limit = new Semaphore(16);
    const search = await SearchScope.of(tree);
    const walk = (skipsFolder) => walkTree({
        tree,
        rules,
        mayContain: () => false,
        search,
        skipsFolder,
        limit: (task) => limit.run(task)
    });
    return { walk, limit };
}
async function declaredNamespaces(tree, entries, limit) {
    const yamlFiles = entries.filter((entry) => entry.kind === 'file' && isYamlFile(entry.rel));
    return (await Promise.all(yamlFiles.map(({ rel }) => limit.run(async () => {
        const text = normaliseText(await tree.read(rel).then(String, () => ''));
        const namespace = kindOfText(text) === 'flow' ? NAMESPACE_LINE.exec(text)?.[1] : undefined;
        return namespace === undefined ? [] : [{ rel, namespace }];
    })))).flat();
}
async function findKindFolders(settings, layout, tree, names) {
    if (names.length === 0)
        return [];
    const rules = new IgnoreRules(tree);
    const { walk, limit } = await searchWalk(tree, rules);
    const owned = layoutRules(settings, layout.layout, layout.fileFolders);
    const found = new Map();
    for (const { rel, kind } of (await walk(owned.owns)).entries) {
        if (kind !== 'file' || !isYamlFile(rel))
            continue;
        const segments = rel.split('/');
        const at = segments.findIndex((segment, i) => i < segments.length - 1 && names.includes(segment));
        if (at === -1)
            continue;
        const dir = segments.slice(0, at + 1).join('/');
        const folder = found.get(dir) ?? { name: segments[at], files: [] };
        folder.files.push(rel);
        found.set(dir, folder);
    }
    const away = [...found.keys()].some((dir) => dir.includes('/'));
    const declared = away ? await declaredNamespaces(tree, (await walk()).entries, limit) : [];
    return [...found]
        .map(([dir, { name, files }]) => {
        const folder = { name, dir, files: files.sort(compareCodeUnits) };
        if (!dir.includes('/'))
            return folder;
        const parent = dir.slice(0, dir.lastIndexOf('/'));
        const namespaces = (flows) => [...new Set(flows.map((flow) => flow.namespace))].sort(compareCodeUnits);
        const beside = declared.filter((flow) => flow.rel.startsWith(`${parent}/`));
        return beside.length > 0
            ? { ...folder, declared: namespaces(beside) }
            : { ...folder, declared: [], elsewhere: namespaces(declared) };
    })
        .sort((a, b) => compareCodeUnits(a.dir, b.dir));
}
function unreadWhy(name, beside, declared, holds) {
    if (beside.length === 0 && !holds(declared, name))
        return undefined;
    const known = new Set(beside.flatMap(({ namespace }) => namespaceAndParents(namespace)));
    if (!NAMESPACE_PATTERN.test(name)) {
        const lower = name.toLowerCase();
        if (NAMESPACE_PATTERN.test(lower)) {
            return `its name is a namespace only in another case (namespaces are lower-case): rename it '${lower}'`;
        }
        return ("its name is not a namespace (lower-case letters, digits, '.', '_' and '-'): rename it after the " +
            'namespace its files belong to, or map it with a namespace-files line');
    }
    if (holds(declared, name)) {
        return (`no flow beside it declares ${name} or a child of it (it is read at root or beside the folder holding ` +
            `the flows of ${name}): move it there, or map it with a namespace-files line`);
    }
    const meant = nearest(name, known);
    return meant === undefined
        ? undefined
        : `no flow declares namespace ${name} or a child of it (did you mean '${meant}'?)`;
}
async function chooseWorkTreeLayout(settings, workspace, kindFolderNames = []) {
    const tree = new WorkTree(workspace, settings.root);
    const chosen = await chooseLayout(settings, tree, new IgnoreRules(tree));
    const kindFolders = await findKindFolders(settings, chosen, tree, kindFolderNames);
    return kindFolders.length > 0 ? { ...chosen, kindFolders } : chosen;
}
function decideLayout(folders) {
    const misnamed = folders.find((folder) => !NAMESPACE_PATTERN.test(folder.name));
    const unused = folders.find((folder) => !folder.declaresOwnNamespace);
    const notTenant = folders.length === 0
        ? 'no top-level <namespace>/flows/ or <namespace>/files/ folder'
        : misnamed
            ? `'${misnamed.name}/' holds flows/ or files/ but is not a namespace name`
            : unused &&
                `no flow in '${unused.name}/flows/' declares namespace ${unused.name} or a child of it`;
    if (notTenant)
        return { layout: 'anywhere', reason: `${notTenant}; every flow under root is read` };
    const names = folders.map((folder) => folder.name);
    const listed = names.length > 5 ? `${names.slice(0, 5).join(', ')}…` : names.join(', ');
    return {
        layout: 'tenant',
        reason: `the top-level folders ${listed} are namespaces that their flows declare`
    };
}
async function topFolders(tree, rules) {
    const folders = [];
    for (const top of (await listFolders(tree, '', rules)).sort()) {
        const inside = await listFolders(tree, top, rules);
        if (!inside.some((rel) => rel === `${top}/flows` || rel === `${top}/files`))
            continue;
        const declaresOwnNamespace = NAMESPACE_PATTERN.test(top) && (await someFlowDeclares(tree, `${top}/flows`, top, rules));
        folders.push({ name: top, declaresOwnNamespace });
    }
    return folders;
}
const NAMESPACE_LINE = /^namespace[ \t]*:[ \t]*["']?([^\s"'#]+)/m;
async function someFlowDeclares(tree, dirRel, namespace, rules) {
    for (const entry of await tree.list(dirRel).catch(() => [])) {
        const rel = `${dirRel}/${entry.name}`;
        if (await rules.excludes(rel, entry.kind === 'folder'))
            continue;
        if (entry.kind === 'folder') {
            if (await someFlowDeclares(tree, rel, namespace, rules))
                return true;
        }
        else if (entry.kind === 'file' && isYamlFile(rel)) {
            const text = await tree.read(rel).then(String, () => '');
            const declared = NAMESPACE_LINE.exec(text)?.[1];
            if (declared === namespace || declared?.startsWith(`${namespace}.`))
                return true;
        }
    }
    return false;
}
async function listFolders(tree, dirRel, rules) {
    const folders = [];
    for (const entry of await tree.list(dirRel).catch(() => [])) {
        const rel = childOf(dirRel, entry.name);
        if (entry.kind === 'folder' && !(await rules.excludes(rel, true)))
            folders.push(rel);
    }
    return folders;
}

function managedNamespaces(flows, files, extraNamespaces) {
    const held = new Set([
        ...flows.flatMap((flow) => flowNamespace(flow) ?? []),
        ...files.map((file) => file.namespace)
    ]);
    const managed = [...held].filter((namespace) => heldNamespaceIsManaged(namespace, extraNamespaces));
    return [...new Set([...managed, ...extraNamespaces])].sort(compareCodeUnits);
}
function flowNamespace(flow) {
    if (flow.notAFlow)
        return undefined;
    return namespaceFits(flow) ? flow.namespace : flow.expectedNamespace;
}
function namespaceFits(flow) {
    const { namespace, expectedNamespace } = flow;
    if (namespace === undefined || !NAMESPACE_PATTERN.test(namespace))
        return false;
    return (expectedNamespace === undefined ||
        namespace === expectedNamespace ||
        namespace.startsWith(`${expectedNamespace}.`));
}

class LocalFilesTracker {
    namespaces = new Map();
    constructor(placements) {
        for (const placement of placements) {
            for (const namespace of namespacesOf(placement)) {
                let pending = this.namespaces.get(namespace);
                if (!pending) {
                    let settle;
                    const settled = new Promise((resolve) => (settle = resolve));
                    pending = { left: 0, files: [], settle, settled };
                    this.namespaces.set(namespace, pending);
                }
                pending.left++;
            }
        }
    }
    of(namespace) {
        return this.namespaces.get(namespace)?.settled ?? Promise.resolve([]);
    }
    read(placement, files) {
        for (const namespace of namespacesOf(placement)) {
            const pending = this.namespaces.get(namespace);
            pending.files.push(...files.filter((file) => file.namespace === namespace));
            if (--pending.left === 0)
                pending.settle(pending.files);
        }
    }
}
function namespacesOf(placement) {
    return new Set(placement.files.map((file) => file.namespace));
}

const ONLY_GIT = {
    excludedBy: async (rel) => rel.slice(rel.lastIndexOf('/') + 1).toLowerCase() === '.git' ? 'fixed' : undefined,
    knowListing: () => undefined
};
async function hiddenFlows(hidden, chosen, { tree, layout, walk }, limit) {
    const found = [];
    for (const { rel, isDir, rule } of hidden) {
        const inside = isDir &&
            (await walkTree({
                tree,
                rules: ONLY_GIT,
                mayContain: layout.mayContain,
                search: chosen === 'anywhere' ? SearchScope.dependenciesOnly() : undefined,
                limit,
                from: rel
            }));
        const files = inside ? inside.entries.filter((e) => e.kind === 'file').map((e) => e.rel) : [rel];
        for (const file of files) {
            if (!layout.place(file).flow)
                continue;
            if (chosen === 'custom' || (await walk.isFlowDocument(tree, file)))
                found.push({ rel: file, rule });
        }
    }
    return found;
}

const NAMED = 5;
function otherKindsNotice(skipped) {
    const files = [...skipped].sort((a, b) => (a.file < b.file ? -1 : 1));
    const types = [...new Set(files.map(({ type }) => type))].sort();
    return {
        severity: 'notice',
        file: files[0].file,
        message: `${files.length} YAML file(s) of other Kestra kinds than flows (top-level type: ${types.join(', ')}) ` +
            `were skipped: ${named(files.map(({ file }) => file))}. The action deploys flows and namespace files only`
    };
}
function unmatchedFlowsWarning(files, settings, layout) {
    const sorted = [...files].sort();
    const why = layout === 'custom'
        ? `are not matched by the flows globs (${settings.flowGlobs.join(', ')}): ${named(sorted)}. Widen the globs`
        : `are not read by the ${layout} layout: ${named(sorted)}. Move them to ${flowPlaces(settings, layout).join(', ')}`;
    return {
        severity: 'warning',
        file: sorted[0],
        message: `${sorted.length} flow file(s) under root ${why}, or set layout: anywhere to read every flow`
    };
}
function nothingFound(model, settings, layout, hidden) {
    const byRule = groupByRule(hidden, model.rootRel);
    const hiding = byRule.length === 0
        ? ''
        : ` Ignore rules hide what it would read: ${byRule
            .map(({ rule, files }) => `${ruleName(rule, model.rootRel)} hides ${named(files)}`)
            .join('; ')}. Change the rule to deploy them.`;
    return {
        severity: 'error',
        file: model.rootRel || '.',
        rule: NOTHING_FOUND,
        message: `No flow or namespace file found: the ${layout} layout (${model.layout.reason}) ` +
            `looked in ${lookedIn$1(settings, layout)} under root '${settings.root}'.${hiding} Set namespace (flows/ and files/ ` +
            'of one namespace), layout (tenant, namespace, anywhere, custom) or root (the folder holding ' +
            'the flows), or list the namespaces to manage in namespaces'
    };
}
function hiddenFlowsWarnings(hidden, settings, layout, rootRel) {
    const what = layout === 'custom'
        ? `file(s) that the flows globs (${settings.flowGlobs.join(', ')}) match`
        : `flow document(s) that the ${layout} layout would read`;
    return groupByRule(hidden, rootRel).map(({ rule, rels, files }) => ({
        severity: 'warning',
        file: childOf(rootRel, rule.file ?? rels[0]),
        ...(rule.line > 0 ? { line: rule.line } : {}),
        rule: 'ignored-flows',
        message: `${ruleName(rule, rootRel)} hides ${files.length} ${what}: ${named(files)}. ${ruleFix(rule, rels[0])}`
    }));
}
function groupByRule(hidden, rootRel) {
    const groups = new Map();
    for (const { rel, rule } of hidden) {
        const key = `${rule.file ?? ''}\0${String(rule.line).padStart(9, '0')}\0${rule.pattern}`;
        const group = groups.get(key) ?? { rule, rels: new Set() };
        group.rels.add(rel);
        groups.set(key, group);
    }
    return [...groups.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, { rule, rels }]) => {
        const sorted = [...rels].sort();
        return { rule, rels: sorted, files: sorted.map((rel) => childOf(rootRel, rel)) };
    });
}
function ruleName(rule, rootRel) {
    if (rule.file === undefined) {
        return "The rule on names starting with '.' (dotfiles and dot-folders are not read unless a .kestraignore negation lists them)";
    }
    return `${childOf(rootRel, rule.file)} line ${rule.line} (\`${rule.pattern}\`)`;
}
function ruleFix(rule, first) {
    const below = rule.file?.includes('/') ? first.slice(rule.file.lastIndexOf('/') + 1) : first;
    const top = below.split('/');
    const negation = `!${top[0]}${top.length > 1 ? '/' : ''}`;
    if (rule.file === undefined) {
        return `To deploy them, add a negation naming them to .kestraignore (e.g. \`${negation}\`)`;
    }
    if (rule.file.endsWith(GIT_IGNORE_FILE)) {
        return 'Git ignores these paths, so the search does too: move the flows, or name them with layout: custom and flows globs';
    }
    return (`To deploy them, narrow that rule or add a negation after it (e.g. \`${negation}\`); a negation ` +
        'cannot re-include a file inside an excluded folder, so re-include the folder first');
}
function lookedIn$1(settings, layout) {
    const files = { tenant: ['<namespace>/files/'], namespace: ['files/'] }[layout];
    const mapped = settings.namespaceFiles.map(({ dir }) => `${dir || '.'}/`);
    return [...flowPlaces(settings, layout), ...(files ?? []), ...mapped].join(', ');
}
function flowPlaces(settings, layout) {
    return {
        tenant: ['<namespace>/flows/'],
        namespace: ['flows/'],
        anywhere: ['every folder'],
        custom: settings.flowGlobs
    }[layout];
}
function named(paths) {
    const shown = paths.slice(0, NAMED).join(', ');
    return paths.length > NAMED ? `${shown} and ${paths.length - NAMED} more` : shown;
}
async function misnamedTenantFolders(tree, rules) {
    const misnamed = [];
    const top = await tree.list('').catch(() => []);
    for (const folder of top) {
        if (folder.kind !== 'folder' || NAMESPACE_PATTERN.test(folder.name))
            continue;
        if (await rules.excludes(folder.name, true))
            continue;
        const inside = await tree.list(folder.name).catch(() => []);
        if (inside.some((d) => d.kind === 'folder' && (d.name === 'flows' || d.name === 'files'))) {
            misnamed.push(folder.name);
        }
    }
    return misnamed;
}

async function missingFolders(tree, settings, layout, fileOf) {
    const problems = [];
    const missing = async (rel, what, after) => {
        const found = await lookUp$1(tree, rel);
        if (found.exists)
            return;
        problems.push({
            severity: 'error',
            file: fileOf(rel),
            rule: MISSING_FOLDER,
            message: `${what} names '${rel}', which does not exist under root '${settings.root}'${hint(found)}. ${after}`
        });
    };
    for (const mapping of settings.namespaceFiles) {
        if (mapping.dir === '')
            continue;
        await missing(mapping.dir, `The namespace-files line '${mapping.dir} -> ${mapping.namespace}${mapping.prefix ? `:${mapping.prefix}` : ''}'`, `Nothing is read for it, and the plan deletes nothing until it names a folder`);
    }
    if (layout === 'custom') {
        for (const glob of settings.flowGlobs) {
            if (glob.startsWith('!'))
                continue;
            const base = picomatch.scan(glob.replace(/^\.\//, '')).base;
            if (base === '' || base === '.')
                continue;
            await missing(base, `The flows glob '${glob}'`, 'Fix the glob');
        }
    }
    if (layout === 'namespace') {
        const [flows, files] = await Promise.all([lookUp$1(tree, 'flows'), lookUp$1(tree, 'files')]);
        if (!flows.exists && !files.exists) {
            problems.push({
                severity: 'error',
                file: fileOf('flows'),
                rule: MISSING_FOLDER,
                message: `The namespace layout reads flows/ and files/ under root '${settings.root}', and neither exists` +
                    `${hint(flows)}. Set root to the folder holding them, or choose another layout`
            });
        }
    }
    return problems;
}
async function lookUp$1(tree, rel) {
    const segments = rel.split('/').filter((s) => s !== '' && s !== '.');
    let spelled = '';
    let exact = true;
    let deepest = '';
    for (const segment of segments) {
        const entries = await tree.list(spelled).catch(() => []);
        const names = entries.map((entry) => entry.name);
        if (exact && names.includes(segment)) {
            deepest = childOf(deepest, segment);
            spelled = deepest;
            continue;
        }
        exact = false;
        const name = names.includes(segment) ? segment : nearest(segment, names);
        if (name === undefined)
            return { exists: false, deepest };
        spelled = childOf(spelled, name);
    }
    return exact ? { exists: true } : { exists: false, deepest, nearest: spelled };
}
function hint(found) {
    if (found.exists)
        return '';
    if (found.nearest !== undefined)
        return ` (did you mean '${found.nearest}'?)`;
    return found.deepest === '' ? '' : ` (the deepest folder that exists is '${found.deepest}')`;
}

const CONCURRENCY = 32;
async function loadRepository(tree, settings, hooks) {
    const { workspace, rootRel } = tree;
    const fileOf = (rel) => childOf(rootRel, rel);
    const rules = new IgnoreRules(tree);
    const model = {
        workspace,
        root: resolve$1(workspace, rootRel),
        rootRel,
        layout: hooks.layout ?? (await chooseLayout(settings, tree, rules)),
        flows: [],
        files: [],
        managedNamespaces: managedNamespaces([], [], settings.extraNamespaces),
        readProblems: []
    };
    if (!(await tree.hasRoot())) {
        const found = await lookUp$1(new WorkTree(workspace, '.'), rootRel);
        model.readProblems.push({
            severity: 'error',
            file: rootRel || '.',
            rule: MISSING_FOLDER,
            message: `the root folder '${settings.root}' does not exist in the workspace${hint(found)}; check the root input`
        });
        return model;
    }
    const chosen = model.layout.layout;
    model.readProblems.push(...(await missingFolders(tree, settings, chosen, fileOf)));
    const layout = layoutRules(settings, chosen, model.layout.fileFolders);
    const search = await SearchScope.of(tree);
    const revealed = new Set();
    const held = (namespace) => {
        if (revealed.has(namespace) || !heldNamespaceIsManaged(namespace, settings.extraNamespaces))
            return;
        revealed.add(namespace);
        hooks.onNamespace?.(namespace);
    };
    settings.extraNamespaces.forEach(held);
    const byFiles = new Set();
    const placed = [];
    const walking = new Semaphore(CONCURRENCY);
    const yielder = new EventLoopYielder();
    const walk = await walkTree({
        tree,
        rules,
        mayContain: layout.mayContain,
        search,
        limit: (task) => walking.run(task),
        yieldTurn: () => yielder.yieldTurn(),
        onEntry(entry) {
            const placement = layout.place(entry.rel);
            placed.push({ entry, placement });
            const expected = placement.flow?.expectedNamespace;
            if (expected !== undefined && !revealed.has(expected)) {
                hooks.reuseFlow?.prefetch(expected);
                held(expected);
            }
            for (const { namespace } of placement.files) {
                if (hooks.reuseFlow)
                    byFiles.add(namespace);
                else
                    held(namespace);
            }
        }
    });
    byFiles.forEach(held);
    const localFiles = new LocalFilesTracker(placed.map(({ placement }) => placement));
    const flowsPlaced = placed.filter(({ placement }) => placement.flow !== undefined);
    hooks.onWalked?.({ files: localFiles, flowFiles: flowsPlaced.length });
    const context = {
        ...hooks,
        tree,
        fileOf,
        layout,
        rules,
        search,
        readsEveryFlow: chosen === 'anywhere'
    };
    const take = ({ placement }, discovered) => {
        if (placement.files.length > 0)
            localFiles.read(placement, discovered.files);
        for (const flow of discovered.flows) {
            hooks.onFlow?.(flow);
            const namespace = flowNamespace(flow);
            if (namespace !== undefined)
                held(namespace);
        }
        for (const file of discovered.files)
            held(file.namespace);
        return discovered;
    };
    const read = (entries) => mapLimit(entries, CONCURRENCY, async (placed) => {
        await yielder.yieldTurn();
        return take(placed, await loadEntry(placed.entry, placed.placement, context));
    });
    const load = async (entries) => {
        const known = [];
        const byNamespace = new Map();
        const unknown = [];
        for (const placed of entries) {
            if (yielder.due())
                await yielder.yieldTurn();
            const { entry, placement } = placed;
            const reused = entry.kind === 'file' ? hooks.known?.(entry.rel) : undefined;
            const plain = entry.kind === 'file' && !placement.flow && placement.files.length === 1;
            const namespace = hooks.knownFiles && plain ? placement.files[0].namespace : undefined;
            if (reused)
                known.push(take(placed, { ...nothingDiscovered(), ...reused }));
            else if (namespace === undefined)
                unknown.push(placed);
            else if (byNamespace.has(namespace))
                byNamespace.get(namespace).push(placed);
            else
                byNamespace.set(namespace, [placed]);
        }
        const taken = [...byNamespace].map(async ([namespace, group]) => {
            const knownFile = await hooks.knownFiles(namespace);
            const found = [];
            const missed = [];
            for (const placed of group) {
                if (yielder.due())
                    await yielder.yieldTurn();
                const { entry, placement } = placed;
                const known = knownFile(entry.rel);
                if (!known) {
                    missed.push(placed);
                    continue;
                }
                const files = fileEntries(placement, fileOf(entry.rel), entry.rel, known.summary, {
                    absPath: tree.bytesPath(entry.rel),
                    symlink: false,
                    symlinkEscapes: false,
                    blob: known.blob
                });
                found.push(take(placed, { ...nothingDiscovered(), files }));
            }
            return [...found, ...(await read(missed))];
        });
        const loaded = await read(unknown);
        return [...known, ...(await Promise.all(taken)).flat(), ...loaded];
    };
    const found = (await Promise.all([
        load(placed.filter(({ placement }) => placement.flow === undefined)),
        load(flowsPlaced)
    ])).flat();
    const hidden = [
        ...(await hiddenFlows(walk.hidden, chosen, context, (task) => walking.run(task))),
        ...found.flatMap((part) => part.hidden)
    ];
    if (chosen === 'tenant') {
        for (const folder of await misnamedTenantFolders(tree, rules)) {
            model.readProblems.push({
                severity: 'warning',
                file: fileOf(folder),
                message: `'${folder}' is not a namespace name (lower-case letters, digits, '.', '_' and '-'), ` +
                    'so its flows/ and files/ folders are not read; rename the folder to its namespace'
            });
        }
    }
    for (const { dir, why } of model.layout.unreadFileFolders ?? []) {
        model.readProblems.push({
            severity: 'warning',
            file: fileOf(dir),
            rule: 'files-folder',
            message: `'${dir}/' is not read as namespace files: ${why}`
        });
    }
    for (const { rel, message } of walk.unreadable) {
        model.readProblems.push({
            severity: 'error',
            file: rel === '' ? model.rootRel || '.' : fileOf(rel),
            message: `cannot list this folder: ${message}`
        });
    }
    for (const part of found) {
        model.flows.push(...part.flows);
        model.files.push(...part.files);
        model.readProblems.push(...part.problems);
    }
    const otherKinds = found.flatMap((part) => part.otherKinds);
    const unmatched = found.flatMap((part) => part.unmatched);
    if (otherKinds.length > 0)
        model.readProblems.push(otherKindsNotice(otherKinds));
    if (unmatched.length > 0)
        model.readProblems.push(unmatchedFlowsWarning(unmatched, settings, chosen));
    model.readProblems.push(...hiddenFlowsWarnings(hidden, settings, chosen, rootRel));
    if (model.flows.length + model.files.length === 0 && settings.extraNamespaces.length === 0) {
        model.readProblems.push(nothingFound(model, settings, chosen, hidden));
    }
    model.flows.sort((a, b) => compareCodeUnits(a.file, b.file));
    model.files.sort((a, b) => compareCodeUnits(a.file, b.file) ||
        compareCodeUnits(a.namespace, b.namespace) ||
        compareCodeUnits(a.path, b.path));
    model.readProblems.sort((a, b) => compareCodeUnits(a.file, b.file) ||
        (a.line ?? 0) - (b.line ?? 0) ||
        compareCodeUnits(a.message, b.message));
    model.managedNamespaces = managedNamespaces(model.flows, model.files, settings.extraNamespaces);
    return model;
}
function nothingDiscovered() {
    return { flows: [], files: [], problems: [], otherKinds: [], unmatched: [], hidden: [] };
}
async function loadEntry(entry, placement, context) {
    const found = nothingDiscovered();
    const file = context.fileOf(entry.rel);
    const { tree } = context;
    const gitignored = () => entry.kind === 'file' ? context.search.gitignored(entry.rel) : Promise.resolve(undefined);
    if (placement.flow?.ifFlowDocument) {
        const rule = await gitignored();
        if (entry.kind !== 'file' || rule) {
            if (rule && (await context.walk.isFlowDocument(tree, entry.rel))) {
                found.hidden.push({ rel: entry.rel, rule });
            }
            placement = { files: placement.files };
        }
    }
    const wanted = placement.flow !== undefined || placement.files.length > 0;
    const problem = (severity, message) => found.problems.push({ severity, file, message });
    if (entry.kind === 'other') {
        if (wanted)
            problem('warning', 'not a regular file; skipped');
        return found;
    }
    let source = { rel: entry.rel, bytesPath: tree.bytesPath(entry.rel) };
    if (entry.kind === 'symlink') {
        const target = await tree.resolveLink(entry.rel, context.rules);
        if (!wanted && !context.layout.mayContain(entry.rel)) {
            const refused = target.kind === 'escapes' || (target.kind === 'folder' && target.escapes);
            if (refused)
                problem('warning', refusedLink(target.reason));
            return found;
        }
        if (target.kind === 'folder') {
            problem(target.escapes ? 'error' : 'warning', `a symbolic link to a folder${target.reason ? ` (${target.reason})` : ''}; ` +
                'linked folders are never followed, so nothing in it is deployed');
            return found;
        }
        if (target.kind === 'other') {
            if (wanted)
                problem('warning', 'a symbolic link to something that is not a file; skipped');
            return found;
        }
        if (target.kind === 'escapes') {
            if (placement.flow) {
                problem('error', `a symbolic link that is never followed: ${target.reason}`);
            }
            else {
                found.files.push(...fileEntries(placement, file, entry.rel, summaryOf(new Uint8Array()), {
                    absPath: source.bytesPath,
                    symlink: true,
                    symlinkEscapes: true
                }));
            }
            return found;
        }
        source = { rel: target.target, bytesPath: target.bytesPath };
    }
    if (placement.flow) {
        if (placement.files.length > 0 && !placement.flow.ifFlowDocument) {
            problem('warning', 'matched by both the flows and a namespace-files mapping; it is read as a flow and not ' +
                'uploaded as a namespace file (narrow the flows globs or the mapping to remove this warning)');
        }
        const flow = await context.walk.readFlow(tree, source.rel, { file, rel: entry.rel, ...placement.flow }, context.reuseFlow);
        if (flow === 'not-a-flow')
            placement = { files: placement.files };
        else if ('severity' in flow)
            found.problems.push(flow);
        else if (flow.otherKind !== undefined)
            found.otherKinds.push({ file, type: flow.otherKind });
        else
            found.flows.push(flow);
        if (placement.flow)
            return found;
    }
    if (placement.files.length === 0) {
        const searched = entry.kind === 'file' && !context.readsEveryFlow && !(await gitignored());
        if (searched && (await context.walk.isFlowDocument(tree, entry.rel)))
            found.unmatched.push(file);
        return found;
    }
    let content;
    let blob;
    try {
        blob = await tree.blob(source.rel);
        content = await tree.summarise(source.rel);
    }
    catch (error) {
        problem('error', `cannot read the file: ${error.message}`);
        return found;
    }
    found.files.push(...fileEntries(placement, file, entry.rel, content, {
        absPath: source.bytesPath,
        symlink: entry.kind === 'symlink',
        symlinkEscapes: false,
        ...(blob !== undefined && { blob })
    }));
    return found;
}
function refusedLink(reason) {
    return (`a symbolic link that is never followed${reason ? `: ${reason}` : ''}. Nothing it points to is ` +
        'read; copy what it should deploy under root');
}
function fileEntries(placement, file, rel, content, origin) {
    return placement.files.map(({ namespace, path }) => ({
        file,
        rel,
        namespace,
        path,
        ...content,
        ...origin
    }));
}

function snapshotOf(model) {
    const flows = [...firstDeclared(model.flows)].map(([key, { source, file }]) => [key, { source, file }]);
    const files = model.files.map(({ namespace, path, sha256, file }) => [fileKey(namespace, path), { sha256, file }]);
    return { flows: new Map(flows), files: new Map(files) };
}
async function readBaseSnapshot(borrowing, settings, current, walk, reuseFlow) {
    const borrowed = await borrowing;
    if (!borrowed)
        return undefined;
    try {
        return snapshotOf(await loadRepository(borrowed.tree, settings, {
            walk,
            known: workTreeReuse(current, borrowed.tree),
            layout: current.layout,
            reuseFlow
        }));
    }
    finally {
        await borrowed.release();
    }
}
async function readDeployedBase(reads, run) {
    const { input, model } = run;
    const { sending, settings, context } = input;
    const sentOf = new Map(model.managedNamespaces.map((ns) => [ns, sending.namespace(ns)]));
    const commits = new Map();
    const unchecked = new Map();
    const byCommit = new Map();
    await Promise.all([...sentOf].map(async ([namespace, sent]) => {
        const reading = await reads.markerOf(sent);
        const why = unreadMarker(reading, sent);
        if (why !== undefined) {
            unchecked.set(sent, why);
            return;
        }
        const commit = reading.markers.get(sent).commit.toLowerCase();
        byCommit.set(commit, [...(byCommit.get(commit) ?? []), namespace]);
    }));
    const flows = new Map();
    const files = new Map();
    for (const [commit, namespaces] of [...byCommit].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const held = new Set(namespaces);
        const none = (why) => {
            for (const namespace of namespaces)
                unchecked.set(sentOf.get(namespace), why);
        };
        let tree;
        try {
            tree = await GitTree.open(context.workspace, commit, settings.root);
            if (!tree) {
                none(`its commit marker names commit ${short(commit)}, which this checkout does not have (a shallow clone: check out with fetch-depth: 0)`);
                continue;
            }
            const at = await loadRepository(tree, settings, {
                walk: run.walk,
                known: workTreeReuse(model, tree),
                layout: model.layout,
                reuseFlow: run.reuseFlow
            });
            const snapshot = snapshotOf({
                ...at,
                flows: at.flows.filter((flow) => flow.namespace !== undefined && held.has(flow.namespace)),
                files: at.files.filter((entry) => held.has(entry.namespace))
            });
            for (const [key, flow] of snapshot.flows)
                flows.set(key, flow);
            for (const [key, file] of snapshot.files)
                files.set(key, file);
            for (const namespace of namespaces)
                commits.set(sentOf.get(namespace), commit);
        }
        catch (error) {
            none(`commit ${short(commit)} of its commit marker could not be read: ${errorMessage(error)}`);
        }
        finally {
            await tree?.close();
        }
    }
    return { flows, files, deployed: { commits, unchecked } };
}
function unreadMarker(reading, namespace) {
    const failed = reading.failed.get(namespace);
    if (failed !== undefined) {
        return `its commit marker (KV ${COMMIT_MARKER_KEY}) could not be read: ${failed}`;
    }
    if (reading.markers.get(namespace))
        return undefined;
    const value = reading.held?.get(namespace);
    if (value === undefined)
        return 'no commit marker (this action has not deployed it)';
    const read = readStored('commit marker', commitMarker, value);
    return `its KV entry ${COMMIT_MARKER_KEY} is not a commit marker this action reads (${'refused' in read ? read.refused : 'unreadable'})`;
}
async function baseFromApi(plan, github, sha) {
    const snapshot = { flows: new Map(), files: new Map(), partial: true };
    const candidates = plan.resources.filter((r) => r.file && r.action !== 'create' && r.action !== 'unchanged');
    await mapLimit(candidates, 8, async (change) => {
        const bytes = await github.getFileAtRef(change.file, sha);
        if (!bytes)
            return;
        if (change.kind === 'file') {
            snapshot.files.set(fileKey(change.namespace, change.path), {
                sha256: sha256Hex(bytes),
                file: change.file
            });
            return;
        }
        const flow = parseFlowFile({
            file: change.file,
            rel: change.file,
            raw: Buffer.from(bytes).toString('utf8')
        });
        if (flow.namespace === change.namespace && flow.id === change.id) {
            snapshot.flows.set(flowKey(change.namespace, change.id), {
                source: flow.source,
                file: change.file
            });
        }
    });
    return snapshot;
}
function workTreeReuse(current, commit) {
    const changes = commit.workTreeChanges;
    if (!changes || changes.untrackedIgnoreFile)
        return undefined;
    if ([...changes.changed].some(isIgnoreFile))
        return undefined;
    if ([...commit.blobs.values()].some((blob) => blob.kind === 'symlink'))
        return undefined;
    const flowsByRel = groupBy(current.flows, (flow) => flow.rel);
    const filesByRel = groupBy(current.files, (entry) => entry.rel);
    const problemsByFile = groupBy(current.readProblems, (problem) => problem.file);
    return (rel) => {
        const blob = commit.blobs.get(rel);
        if (!blob || changes.changed.has(rel) || isIgnoreFile(rel))
            return undefined;
        const flows = flowsByRel.get(rel) ?? [];
        const files = filesByRel.get(rel) ?? [];
        if (flows.length + files.length === 0)
            return undefined;
        const sameSize = flows.every((flow) => Buffer.byteLength(flow.raw) === blob.size) &&
            files.every((entry) => !entry.symlink && entry.size === blob.size);
        if (!sameSize)
            return undefined;
        const problems = problemsByFile.get(childOf(current.rootRel, rel)) ?? [];
        return { flows, files: files.map((entry) => ({ ...entry, absPath: '' })), problems };
    };
}
function isIgnoreFile(path) {
    return path === IGNORE_FILE || path.endsWith(`/${IGNORE_FILE}`);
}
function groupBy(items, keyOf) {
    const groups = new Map();
    for (const item of items) {
        const key = keyOf(item);
        if (!groups.has(key))
            groups.set(key, []);
        groups.get(key).push(item);
    }
    return groups;
}

const CONTENT_FACTS_FIELD = 'contents';
const MAX_CONTENT_FACTS_BYTES = 384 * 1024;
const NO_CONTENT_FACTS = { blobs: new Map(), zipped: new Map() };
const BLOB_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZIP_DIGEST = /^[sd][A-Za-z0-9_-]{43}$/;
const SUMMARY = /^([0-9a-f]{64}),(0|[1-9][0-9]{0,14}),([01])$/;
function contentFactsOf(markerValue) {
    const stored = jsonObject.safeParse(markerValue?.[CONTENT_FACTS_FIELD]).data;
    if (!stored)
        return NO_CONTENT_FACTS;
    return { blobs: factsIn(stored.blobs, BLOB_ID), zipped: factsIn(stored.zipped, ZIP_DIGEST) };
}
function factsIn(value, key) {
    const facts = new Map();
    for (const [id, text] of Object.entries(jsonObject.safeParse(value).data ?? {})) {
        const summary = typeof text === 'string' ? SUMMARY.exec(text) : null;
        if (summary && key.test(id)) {
            facts.set(id, { sha256: summary[1], size: Number(summary[2]), binary: summary[3] === '1' });
        }
    }
    return facts;
}
function contentFactsToStore(plan, state, files) {
    const written = new Set(plan.resources.flatMap((change) => change.kind === 'file' && isWrite(change) ? [fileKey(change.namespace, change.path)] : []));
    const facts = new Map();
    const of = (namespace) => {
        let held = facts.get(namespace);
        if (!held)
            facts.set(namespace, (held = { blobs: new Map(), zipped: new Map() }));
        return held;
    };
    for (const file of files) {
        const text = file.blob === undefined ? undefined : storedSummary(file);
        if (text !== undefined)
            of(file.namespace).blobs.set(file.blob, text);
    }
    for (const [namespace, held] of state) {
        for (const file of held.files) {
            if (file.digest === undefined || written.has(fileKey(namespace, file.path)))
                continue;
            const text = storedSummary(file.summary);
            if (text !== undefined)
                of(namespace).zipped.set(file.digest, text);
        }
    }
    return new Map([...facts].map(([namespace, { blobs, zipped }]) => [namespace, within(blobs, zipped)]));
}
function storedSummary(summary) {
    if (summary.sha256.length !== 64)
        return undefined;
    return `${summary.sha256},${summary.size},${summary.binary ? 1 : 0}`;
}
function within(blobs, zipped) {
    const stored = { blobs: {}, zipped: {} };
    let bytes = utf8Length(JSON.stringify(stored));
    for (const [field, entries] of [
        ['blobs', blobs],
        ['zipped', zipped]
    ]) {
        for (const key of [...entries.keys()].sort()) {
            const text = entries.get(key);
            const size = key.length + text.length + 6;
            if (bytes + size > MAX_CONTENT_FACTS_BYTES)
                continue;
            stored[field][key] = text;
            bytes += size;
        }
    }
    return stored;
}

const STORED_CHECKS_FIELD = 'checks';
function checkDigest(key) {
    const { validator, file, rel, expectedNamespace, layout, sha256 } = key;
    return sha256Hex(JSON.stringify([validator, file, rel, expectedNamespace, layout, sha256]));
}
const severity = _enum(['error', 'warning', 'notice']);
const finding = object({
    file: string(),
    line: number(),
    column: number().optional(),
    endLine: number().optional(),
    endColumn: number().optional(),
    rule: string(),
    message: string(),
    resource: string().optional()
});
const version = tuple([int(), int(), int()]).readonly();
const upgradeItem = object({
    line: number(),
    rule: string(),
    message: string(),
    mechanical: boolean$1(),
    guide: string()
});
const site = { file: string(), line: number(), column: number(), fromFlow: string() };
const storedFlowCheck = object({
    id: string().optional(),
    namespace: string().optional(),
    notAFlow: boolean$1(),
    otherKind: string().optional(),
    findings: array(finding.extend({ severity })),
    versioned: array(object({
        finding,
        since: version,
        whenUnknown: severity,
        silentBefore: literal(true).optional(),
        until: version.optional()
    })),
    identity: object({
        namespace: string(),
        id: string(),
        file: string(),
        line: number(),
        column: number()
    })
        .optional(),
    wellFormed: boolean$1(),
    references: array(discriminatedUnion('kind', [
        object({ kind: literal('file'), namespace: string(), path: string(), ...site }),
        object({
            kind: literal('flow'),
            via: _enum(['subflow', 'foreach', 'flow-trigger']),
            namespace: string(),
            id: string(),
            ...site
        })
    ])),
    names: array(object({
        kind: _enum(['secret', 'kv']),
        name: string(),
        namespace: string().optional(),
        flowNamespace: string(),
        ...site
    }))
        .optional(),
    schema: object({ releases: array(string()), findings: array(finding.extend({ severity })) })
        .optional(),
    upgrade: array(upgradeItem).optional()
});
function storedCheckOf(flow, check) {
    return {
        id: flow.id,
        namespace: flow.namespace,
        notAFlow: flow.notAFlow,
        otherKind: flow.otherKind,
        findings: check.findings,
        versioned: check.versioned,
        identity: check.identity,
        wellFormed: check.wellFormed,
        references: check.references,
        names: check.names,
        schema: check.schema,
        upgrade: check.upgrade
    };
}
const MAX_STORED_CHECKS_BYTES = 512 * 1024;
function entriesWithin(entries, bound = MAX_STORED_CHECKS_BYTES) {
    const kept = {};
    let bytes = '{}'.length - 1;
    for (const digest of Object.keys(entries).sort()) {
        const entry = entries[digest];
        const size = utf8Length(JSON.stringify(entry)) + digest.length + 4;
        if (bytes + size > bound)
            continue;
        kept[digest] = entry;
        bytes += size;
    }
    return kept;
}
function sameStoredCheck(a, b) {
    return (canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b))));
}
function storedChecksOf(markerValue) {
    const found = new Map();
    const stored = jsonObject.safeParse(markerValue?.[STORED_CHECKS_FIELD]);
    for (const [digest, entry] of Object.entries(stored.data ?? {})) {
        const check = storedFlowCheck.safeParse(entry);
        if (/^[0-9a-f]{64}$/.test(digest) && check.success)
            found.set(digest, check.data);
    }
    return found;
}

const SEAL_FIELD = 'seal';
const SEAL = /^seal2:([0-9a-f]{64}):([0-9a-f]{64})$/;
const SEAL_SCRYPT = { N: 2 ** 17, r: 8, p: 1 };
const derived = new WeakMap();
function markerSeal(source, cost = SEAL_SCRYPT) {
    const salt = createHash('sha256')
        .update(`kestra-gitops seal 2\u0000${source.server ?? ''}\u0000${source.tenant ?? ''}`)
        .digest();
    if (source.sealKey) {
        const key = hkdfSync('sha256', source.sealKey, salt, 'kestra-gitops seal-key 2', 32);
        return Promise.resolve(sealWith(Buffer.from(key)));
    }
    const { auth } = source;
    const secret = auth.kind === 'basic'
        ? `basic\u0000${auth.username}\u0000${auth.password}`
        : auth.kind === 'bearer'
            ? `bearer\u0000${auth.token}`
            : undefined;
    if (secret === undefined)
        return Promise.resolve(undefined);
    let byAuth = derived.get(auth);
    if (!byAuth)
        derived.set(auth, (byAuth = new Map()));
    const at = `${salt.toString('hex')} ${cost.N} ${cost.r} ${cost.p}`;
    let seal = byAuth.get(at);
    if (!seal) {
        seal = new Promise((done, fail) => scrypt(secret, salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r + (1 << 20) }, (error, key) => (error ? fail(error) : done(key)))).then(sealWith);
        byAuth.set(at, seal);
    }
    return seal;
}
function sealWith(key) {
    const sealOf = (namespace, text) => createHmac('sha256', key)
        .update(`${JSON.stringify(namespace)}\n`)
        .update(text)
        .digest('hex');
    const same = (seal, namespace, text) => timingSafeEqual(Buffer.from(seal), Buffer.from(sealOf(namespace, text)));
    return {
        sealed(namespace, marker) {
            const { [SEAL_FIELD]: _seal, ...held } = marker;
            const sorted = JSON.stringify(held, sortedKeys);
            const seal = sealOf(namespace, sorted);
            return { ...JSON.parse(sorted), [SEAL_FIELD]: `seal2:${seal}:${seal}` };
        },
        holds(namespace, marker) {
            const seal = SEAL.exec(String(marker[SEAL_FIELD]));
            if (!seal)
                return false;
            const { [SEAL_FIELD]: _seal, ...held } = marker;
            const read = JSON.stringify(held);
            if (same(seal[1], namespace, read))
                return true;
            const sorted = JSON.stringify(held, sortedKeys);
            return sorted !== read && same(seal[2], namespace, sorted);
        }
    };
}
function sortedKeys(_key, value) {
    if (!isRecord(value))
        return value;
    return Object.fromEntries(Object.keys(value)
        .sort()
        .map((key) => [key, value[key]]));
}
function storesAny(marker) {
    return STORED_CHECKS_FIELD in marker || CONTENT_FACTS_FIELD in marker;
}
function trustedMarker(seal, namespace, marker) {
    if (!storesAny(marker) || seal?.holds(namespace, marker))
        return { marker, trusted: true };
    const { [STORED_CHECKS_FIELD]: _checks, [CONTENT_FACTS_FIELD]: _facts, [SEAL_FIELD]: _seal, ...rest } = marker;
    return { marker: rest, trusted: false };
}

async function* wholeFlows(loading) {
    const model = await loading.catch(() => undefined);
    if (model)
        yield* model.flows;
}
class ReadStream {
    held = [];
    ended = false;
    wake;
    yielder = new EventLoopYielder();
    push(item) {
        this.held.push(item);
        this.wake?.();
    }
    end() {
        this.ended = true;
        this.wake?.();
    }
    async *[Symbol.asyncIterator]() {
        for (;;) {
            await this.yielder.yieldTurn();
            const item = this.held.shift();
            if (item !== undefined)
                yield item;
            else if (this.ended)
                return;
            else
                await new Promise((resume) => (this.wake = resume));
        }
    }
}

async function readMarkers(api, namespaces, semaphore, first = false) {
    const markers = new Map();
    const warnings = [];
    const failed = new Map();
    const stored = new Map();
    const held = new Map();
    const unreadable = new Map();
    await Promise.all(namespaces.map(async (namespace) => {
        let value;
        try {
            const read = () => api.getKv(namespace, COMMIT_MARKER_KEY, first);
            value = await (semaphore ? semaphore.run(read, first) : read());
        }
        catch (error) {
            failed.set(namespace, errorMessage(error));
            warnings.push(`Could not read the deployed commit of namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; cannot tell whether this commit is older than what it holds, deploying anyway.`);
            return;
        }
        const read = readStored('commit marker', commitMarker, value);
        if (value !== undefined && 'refused' in read)
            unreadable.set(namespace, read.refused);
        markers.set(namespace, 'value' in read ? read.value : undefined);
        if (value !== undefined)
            held.set(namespace, value);
        const object = storedObject(value);
        if (object)
            stored.set(namespace, object);
    }));
    warnings.sort();
    return { markers, warnings, stored, held, unreadable, failed };
}

const MAX_EXPANDED_NODES = 100_000;
function analyseAliases(doc, source) {
    const plain = source !== undefined && !source.includes('&') && !source.includes('*');
    if (plain)
        return { targets: new Map(), problems: [], safe: true };
    let analysis = analysed.get(doc);
    if (!analysis)
        analysed.set(doc, (analysis = analyse(doc)));
    return analysis;
}
const analysed = new WeakMap();
function analyse(doc) {
    const anchors = new Map();
    const targets = new Map();
    const problems = [];
    distExports.visit(doc, {
        Alias(_key, alias) {
            const target = anchors.get(alias.source);
            targets.set(alias, target);
            if (target === undefined) {
                problems.push({
                    node: alias,
                    message: `unknown anchor '*${alias.source}': no '&${alias.source}' is defined before it. Quote the value if '*' is meant literally (e.g. "${'*' + alias.source}")`
                });
            }
        },
        Node(_key, node) {
            if (node.anchor)
                anchors.set(node.anchor, node);
        }
    });
    if (targets.size === 0)
        return { targets, problems, safe: true };
    const sizes = new Map();
    const inProgress = new Set();
    let cycle;
    const sizeOf = (node) => {
        if (distExports.isAlias(node)) {
            const target = targets.get(node);
            if (target === undefined)
                return 1;
            if (inProgress.has(target)) {
                cycle ??= node;
                return MAX_EXPANDED_NODES + 1;
            }
            return sizeOf(target);
        }
        if (!distExports.isMap(node) && !distExports.isSeq(node))
            return 1;
        const known = sizes.get(node);
        if (known !== undefined)
            return known;
        inProgress.add(node);
        let total = 1;
        for (const item of node.items) {
            total += distExports.isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
            if (total > MAX_EXPANDED_NODES)
                break;
        }
        inProgress.delete(node);
        sizes.set(node, total);
        return total;
    };
    const total = sizeOf(doc.contents);
    const unsafe = cycle !== undefined
        ? {
            node: cycle,
            message: `alias '*${cycle.source}' refers to a node that contains it: remove the recursive alias`
        }
        : total > MAX_EXPANDED_NODES
            ? {
                node: targets.keys().next().value,
                message: `aliases expand this document to more than ${MAX_EXPANDED_NODES} nodes (an alias bomb?): write the values out or reduce the aliases`
            }
            : undefined;
    if (unsafe)
        problems.push(unsafe);
    return { targets, problems, safe: unsafe === undefined };
}
function fitToSend(flow, aliases) {
    if (flow.sendable !== undefined)
        return flow.sendable;
    const [only, ...more] = flow.documents;
    if (flow.notAFlow || !only || more.length > 0 || only.errors.length > 0)
        return false;
    return (aliases ?? analyseAliases(only, flow.source)).safe;
}

function serverFile(path, file, keepBytes, facts) {
    const digest = facts ? file.digest?.() : undefined;
    const fact = digest === undefined ? undefined : facts?.known?.get(digest);
    const known = fact?.size === file.size ? fact : undefined;
    let bytes = known ? undefined : file.bytes();
    const summary = known ?? summaryOf(bytes);
    if (!keepBytes(summary))
        bytes = undefined;
    else
        bytes ??= file.bytes();
    return { path, summary, ...(bytes && { bytes }), ...(digest !== undefined && { digest }) };
}

function kvLookupScopes(ref, ownNamespaceOnly = false) {
    if (ref.namespace !== undefined)
        return [ref.namespace];
    return ownNamespaceOnly ? [ref.flowNamespace] : kvScopes(ref.flowNamespace);
}
function kvScopes(namespace) {
    const parts = namespace.split('.');
    return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

const ROLLBACK_RECORD_KEY = 'kestra-gitops-rollback';

const EXPORTS_AT_ONCE = 8;
const EXPORTED_BYTES_HELD = 256 * 1024 * 1024;
class ServerReads {
    api;
    options;
    flows = new Map();
    files = new Map();
    markers = new Map();
    stored = new Map();
    checks = new Map();
    facts = new Map();
    unsealed = new Set();
    localFiles;
    knowFiles;
    exports = new Semaphore(EXPORTS_AT_ONCE);
    heldBytes = 0;
    waitingForRoom = [];
    constructor(api, options) {
        this.api = api;
        this.options = options;
        this.localFiles = new Promise((resolve) => (this.knowFiles = resolve));
    }
    start(namespace) {
        if (this.flows.has(namespace))
            return;
        if (this.options.markers)
            void this.markerOf(namespace);
        const flows = this.api.listFlows(namespace);
        const exported = this.exported(namespace);
        exported.catch(() => undefined);
        const files = this.localFiles
            .then((local) => local.of(namespace))
            .then(async (entries) => {
            const local = hashesByPath(entries);
            const deployable = entries.filter((entry) => !entry.symlinkEscapes);
            const names = repositoryNames(fileNaming(await this.api.info()), namespace, deployable);
            const facts = this.options.facts === 'use'
                ? { known: (await this.contentFacts(namespace)).zipped }
                : this.options.facts && {};
            const { files: held, bytes } = await exported;
            try {
                return held.map((file) => {
                    const path = names.get(file.path) ?? file.path;
                    const same = local.get(path);
                    return serverFile(path, file, ({ sha256 }) => !(same?.size === 1 && same.has(sha256)), facts);
                });
            }
            finally {
                this.letGo(bytes);
            }
        });
        this.flows.set(namespace, settle(flows));
        this.files.set(namespace, settle(files));
    }
    async exported(namespace) {
        while (this.heldBytes >= EXPORTED_BYTES_HELD) {
            await new Promise((resume) => this.waitingForRoom.push(resume));
        }
        const files = await this.exports.run(() => this.api.listFiles(namespace));
        const bytes = files.reduce((sum, file) => sum + file.size, 0);
        this.heldBytes += bytes;
        return { files, bytes };
    }
    letGo(bytes) {
        this.heldBytes -= bytes;
        for (const resume of this.waitingForRoom.splice(0))
            resume();
    }
    storedChecks(namespace, onlyStarted = false) {
        if (onlyStarted && !this.flows.has(namespace))
            return Promise.resolve(new Map());
        const checks = once(this.checks, namespace, () => this.storedMarker(namespace).then(storedChecksOf));
        this.start(namespace);
        return checks;
    }
    contentFacts(namespace) {
        if (this.options.facts !== 'use')
            return Promise.resolve(NO_CONTENT_FACTS);
        return once(this.facts, namespace, () => this.storedMarker(namespace).then(contentFactsOf));
    }
    storedMarker(namespace) {
        return once(this.stored, namespace, () => {
            if (this.options.markers)
                this.start(namespace);
            return this.markerOf(namespace).then(async (read) => {
                const stored = read.stored?.get(namespace);
                if (!stored)
                    return undefined;
                const seal = storesAny(stored) ? await this.options.seal?.() : undefined;
                const { marker, trusted } = trustedMarker(seal, namespace, stored);
                if (!trusted)
                    this.unsealed.add(namespace);
                return marker;
            }, () => undefined);
        });
    }
    async flowsOf(namespace) {
        this.start(namespace);
        return valueOf(this.flows.get(namespace));
    }
    async state(model) {
        this.knowFiles({
            of: async (namespace) => model.files.filter((entry) => entry.namespace === namespace)
        });
        const entries = await Promise.all(model.managedNamespaces.map(async (namespace) => {
            this.start(namespace);
            const [flows, files] = await Promise.all([
                valueOf(this.flows.get(namespace)),
                valueOf(this.files.get(namespace))
            ]);
            return [namespace, { flows, files }];
        }));
        return new Map(entries);
    }
    markerOf(namespace) {
        return once(this.markers, namespace, () => readMarkers(this.api, [namespace], undefined, true));
    }
    async markersOf(namespaces) {
        const sorted = [...namespaces].sort();
        const parts = await Promise.all(sorted.map((namespace) => this.markerOf(namespace)));
        const read = {
            markers: new Map(parts.flatMap((part) => [...part.markers])),
            warnings: parts.flatMap((part) => part.warnings).sort(),
            stored: new Map(parts.flatMap((part) => [...(part.stored ?? [])])),
            held: new Map(parts.flatMap((part) => [...(part.held ?? [])])),
            unreadable: new Map(parts.flatMap((part) => [...(part.unreadable ?? [])]))
        };
        return { namespaces: sorted, read };
    }
}
function once(map, key, make) {
    let value = map.get(key);
    if (value === undefined)
        map.set(key, (value = make()));
    return value;
}
function hashesByPath(entries) {
    const local = new Map();
    for (const entry of entries) {
        if (entry.symlinkEscapes)
            continue;
        local.set(entry.path, (local.get(entry.path) ?? new Set()).add(entry.sha256));
    }
    return local;
}
class ServerValidation {
    api;
    concurrency;
    waiting = [];
    count = MAX_BATCH;
    filling = this.nextBatch();
    sent = [];
    constructor(api, concurrency) {
        this.api = api;
        this.concurrency = concurrency;
    }
    sizeBatches(flowFiles) {
        this.count = batchCount(flowFiles, this.concurrency);
        if (this.waiting.length === 0)
            this.filling = this.nextBatch();
    }
    add(flow) {
        if (!fitToSend(flow))
            return;
        const bytes = utf8Length(flow.source);
        if (!this.filling.fits(bytes))
            this.send();
        this.waiting.push(flow);
        this.filling.add(bytes);
        if (this.filling.full)
            this.send();
    }
    async answers() {
        this.send();
        return Promise.all(this.sent.map(valueOf));
    }
    send() {
        if (this.waiting.length === 0)
            return;
        const flows = this.waiting.splice(0);
        this.filling = this.nextBatch();
        const answer = this.api
            .validateFlows(flows.map((flow) => flow.source), this.count)
            .then((results) => ({ flows, results }));
        this.sent.push(settle(answer));
    }
    nextBatch() {
        return new FillingBatch({ count: this.count, bytes: MAX_BATCH_BYTES });
    }
}
async function readNameListings(api, refs) {
    const secretScopes = new Set();
    const kvNamespaces = new Set();
    const kvOwnNamespaceOnly = refs.some((ref) => ref.kind === 'kv') && (await kvLooksInOwnOnly(api));
    for (const ref of refs) {
        if (ref.kind === 'secret')
            secretScopes.add(ref.namespace ?? ref.flowNamespace);
        else
            for (const scope of kvLookupScopes(ref, kvOwnNamespaceOnly))
                kvNamespaces.add(scope);
    }
    const [secrets, kv] = await Promise.all([
        secretScopes.size > 0 ? listed(() => secretNames(api, [...secretScopes].sort())) : undefined,
        kvNamespaces.size > 0 ? listed(() => liveKvKeys(api, [...kvNamespaces].sort())) : undefined
    ]);
    return {
        ...(secrets && { secrets }),
        ...(kv && { kv }),
        ...(kvOwnNamespaceOnly && { kvOwnNamespaceOnly: true })
    };
}
async function kvLooksInOwnOnly(api) {
    const version = await api.info().then((info) => parseVersion(info.version), () => undefined);
    return version !== undefined && !atLeast(version, [0, 22, 0]);
}
async function secretNames(api, namespaces) {
    const { edition } = await api.info();
    if (edition.toUpperCase() !== 'EE')
        return { tenant: await api.secretNames() };
    const entries = await Promise.all(namespaces.map(async (namespace) => {
        const [own, inherited] = await Promise.all([
            api.namespaceSecretNames(namespace),
            api.inheritedSecretNames(namespace)
        ]);
        return [namespace, [...own, ...inherited]];
    }));
    return { byNamespace: Object.fromEntries(entries) };
}
async function listed(read) {
    try {
        return { listed: true, value: await read() };
    }
    catch (error) {
        return { listed: false, reason: unlistedReason(error) };
    }
}
function unlistedReason(error) {
    if (error instanceof ApiError && error.status === 404) {
        return `the server has no such listing: ${error.method} ${error.path.replace(/\?.*/, '')} answered 404 (an older Kestra, or an edition without it)`;
    }
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        return `no permission to list them: ${error.method} ${error.path.replace(/\?.*/, '')} answered ${error.status}`;
    }
    return `the listing failed: ${errorMessage(error)}`;
}
const NOT_TERMINATED = [
    ['CREATED', [0, 0, 0]],
    ['RUNNING', [0, 0, 0]],
    ['PAUSED', [0, 0, 0]],
    ['RESTARTED', [0, 0, 0]],
    ['KILLING', [0, 0, 0]],
    ['QUEUED', [0, 0, 0]],
    ['RETRYING', [0, 17, 0]],
    ['SUBMITTED', [1, 1, 4]],
    ['BREAKPOINT', [1, 1, 4]]
];
function readUnfinished(api, flows) {
    const idsOf = new Map();
    for (const f of flows)
        idsOf.set(f.namespace, [...(idsOf.get(f.namespace) ?? []), f.id]);
    return searchUnfinished(api, [...idsOf].map(([namespace, ids]) => Promise.resolve({ namespace, ids })));
}
function readUnfinishedOfRewritable(api, namespaces, wanted) {
    const sources = new Map(wanted.flows.map((f) => [flowKey(f.namespace, f.id), f.source]));
    const groups = namespaces.map(async ({ namespace, held }) => {
        const ids = (await held).flatMap((flow) => {
            const source = sources.get(flowKey(namespace, flow.id));
            const rewritten = source === undefined
                ? wanted.deleteEnabled
                : normaliseText(source) !== normaliseText(flow.source);
            return rewritten ? [flow.id] : [];
        });
        return { namespace, ids };
    });
    return searchUnfinished(api, groups).then((byFlow) => ({ byFlow }), (error) => ({ error }));
}
async function searchUnfinished(api, groups) {
    const known = (await Promise.all(groups)).filter(({ ids }) => ids.length > 0);
    const byFlow = new Map();
    if (known.length === 0)
        return byFlow;
    const version = parseVersion((await api.info()).version);
    const states = NOT_TERMINATED.filter(([, since]) => !version || atLeast(version, since)).map(([state]) => state);
    const legacy = version !== undefined && !atLeast(version, [1, 1, 0]);
    const searched = known
        .map(({ namespace, ids }) => ({ namespace, flowIds: [...new Set(ids)].sort() }))
        .sort((a, b) => compareCodeUnits(a.namespace, b.namespace));
    const found = await api.executionsOf(searched, states, legacy);
    const uiBase = await api.uiBase();
    for (const execution of found.sort(byStart)) {
        if (!states.includes(execution.state))
            continue;
        once(byFlow, flowKey(execution.namespace, execution.flowId), () => []).push({
            id: execution.id,
            state: execution.state,
            url: executionUrl(uiBase, execution)
        });
    }
    return byFlow;
}
function byStart(a, b) {
    return Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? '') || (a.id < b.id ? -1 : 1);
}
async function readRollbackRecords(api, namespaces) {
    const keys = await liveKvKeys(api, [...namespaces]).catch(() => undefined);
    const values = await Promise.all(namespaces.map(async (namespace) => {
        if (keys && !keys[namespace]?.includes(ROLLBACK_RECORD_KEY))
            return undefined;
        try {
            return await api.getKv(namespace, ROLLBACK_RECORD_KEY);
        }
        catch (error) {
            throw new Error(`could not read whether a rollback is unfinished in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}): ${errorMessage(error)}`, { cause: error });
        }
    }));
    return new Map(namespaces.flatMap((namespace, i) => values[i] === undefined ? [] : [[namespace, values[i]]]));
}

async function validatorIdentity() {
    try {
        const here = dirname(fileURLToPath(import.meta.url));
        const root = codeRoot(here);
        const files = (await readdir(root, { recursive: true, withFileTypes: true }))
            .filter((entry) => entry.isFile() && /\.(?:js|mjs|cjs|ts)$/.test(entry.name))
            .map((entry) => join(entry.parentPath, entry.name))
            .sort();
        const hash = createHash('sha256').update(process.version);
        for (const file of files)
            hash.update(file.slice(root.length)).update(await readFile(file));
        return hash.digest('hex');
    }
    catch {
        return undefined;
    }
}
function codeRoot(here) {
    for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
        if (basename(dir) === 'src')
            return dir;
    }
    return basename(here) === 'chunks' ? dirname(here) : here;
}
function reuseStoredChecks(options) {
    const looked = (namespace) => heldNamespaceIsManaged(namespace, options.extraNamespaces)
        ? options.sending.namespace(namespace)
        : undefined;
    const reuse = async ({ file, rel, expectedNamespace }, bytes) => {
        if (expectedNamespace === undefined)
            return undefined;
        const sent = looked(expectedNamespace);
        if (sent === undefined)
            return undefined;
        const validator = await options.identity;
        if (validator === undefined)
            return undefined;
        const stored = await options.reads.storedChecks(sent, options.onlyStarted);
        const digest = { validator, file, rel, expectedNamespace, sha256: sha256Hex(bytes) };
        const check = stored.get(checkDigest({ ...digest, layout: options.layout }));
        if (!check)
            return undefined;
        const raw = bytes.toString('utf8');
        const flow = reusedFlowFile({ file, rel, raw, expectedNamespace }, check);
        options.reused(flow, check);
        return flow;
    };
    return Object.assign(reuse, {
        prefetch(namespace) {
            const sent = looked(namespace);
            if (sent !== undefined && !options.onlyStarted)
                void options.reads.storedMarker(sent);
        }
    });
}
function checksToStore(flows, checks, options) {
    const stored = new Map();
    for (const flow of flows) {
        const check = checks.get(flow);
        const expected = flow.expectedNamespace;
        if (!check || expected === undefined)
            continue;
        if (!heldNamespaceIsManaged(expected, options.extraNamespaces))
            continue;
        const { file, rel, raw } = flow;
        const digest = checkDigest({
            validator: options.identity,
            file,
            rel,
            expectedNamespace: expected,
            layout: options.layout,
            sha256: sha256Hex(Buffer.from(raw, 'utf8'))
        });
        const namespace = options.sending.namespace(expected);
        const entries = stored.get(namespace) ?? {};
        stored.set(namespace, entries);
        entries[digest] = storedCheckOf(flow, check);
    }
    for (const [namespace, entries] of stored)
        stored.set(namespace, entriesWithin(entries));
    return stored;
}

class RunReads {
    layout;
    repository;
    probe;
    validation;
    changed;
    committed;
    base;
    secretNames;
    index;
    comments;
    borrowBase;
    held;
    openBase(settings, context) {
        if (this.borrowBase)
            return this.borrowBase;
        const sha = baseCommit(context);
        if (!sha)
            return undefined;
        const opening = GitTree.open(context.workspace, sha, settings.root);
        opening.catch(() => undefined);
        this.borrowBase = shareTree(opening);
        this.held = this.borrowBase().catch(() => undefined);
        return this.borrowBase;
    }
    async close() {
        await (await this.held)?.release();
    }
}
function probeServer(reads, { work, kestra }) {
    if (!kestra || !(work.plan || work.serverValidation))
        return undefined;
    return (reads.probe ??= settle(kestra.info().then((info) => info.version)));
}
function runLayout(reads, settings, workspace, kinds = []) {
    const names = kinds.flatMap((kind) => (kind.folder ? [kind.folder.name] : []));
    return (reads.layout ??= chooseWorkTreeLayout(settings, workspace, names));
}
function gather(input) {
    const { settings, layout, sending, target } = input;
    const shared = input.reads;
    const started = startReads(input);
    const { reads, onServer, reused, index, workTree } = started;
    const stream = shared.repository ? undefined : new ReadStream();
    const loading = (shared.repository ??= loadRepository(workTree, settings, {
        walk: started.walk,
        layout,
        reuseFlow: reuseOf(input, started, { reused: (flow, check) => reused.set(flow, check) }),
        knownFiles: reads && index && target.work.facts === 'use'
            ? async (namespace) => {
                const known = heldNamespaceIsManaged(namespace, settings.extraNamespaces)
                    ? await reads.contentFacts(sending.namespace(namespace))
                    : NO_CONTENT_FACTS;
                const vouched = await index;
                return (rel) => {
                    const blob = vouched?.blobOf(rel);
                    const summary = blob === undefined ? undefined : known.blobs.get(blob);
                    return summary && { summary, blob: blob };
                };
            }
            : undefined,
        onNamespace: (namespace) => reads?.start(sending.namespace(namespace)),
        onWalked: ({ files, flowFiles }) => {
            reads?.knowFiles(sending.localFiles(files));
            onServer?.sizeBatches(flowFiles);
        },
        onFlow: (flow) => {
            onServer?.add(flow);
            stream?.push(flow);
        }
    }));
    const ended = () => stream?.end();
    loading.then(ended, ended);
    const repository = target.alsoManaged.length === 0
        ? loading
        : loading.then((model) => ({
            ...model,
            managedNamespaces: managedNamespaces(model.flows, model.files, [
                ...settings.extraNamespaces,
                ...target.alsoManaged
            ]),
            readProblems: model.readProblems.filter((problem) => problem.rule !== NOTHING_FOUND)
        }));
    return {
        repository,
        reused,
        unsealed: reads?.unsealed ?? new Set(),
        flows: stream ?? wholeFlows(loading),
        after: (...after) => readRemaining$1(input, started, ...after)
    };
}
function startReads(input) {
    const { settings, context, kestra, target, github, layout } = input;
    const { work } = target;
    const shared = input.reads;
    const planning = kestra !== undefined && work.plan;
    const probe = probeServer(shared, { work, kestra });
    const committed = planning
        ? (shared.committed ??= commitTime(context.workspace, context.sha))
        : undefined;
    const changed = (shared.changed ??= settle(detectChangedFiles(context, { workspace: context.workspace, github })));
    const borrowBase = planning ? shared.openBase(settings, context) : undefined;
    const index = work.facts
        ? (shared.index ??= readIndexBlobs(resolve$1(context.workspace, settings.root)))
        : undefined;
    const workTree = new WorkTree(context.workspace, settings.root, index);
    const pr = context.pullRequest;
    const comments = planning && github && pr && target.comment && context.eventName !== 'merge_group'
        ? (shared.comments ??= github
            .stickyComments(pr.number, commentMarker(settings.commentKey))
            .catch(() => []))
        : undefined;
    const kinds = input.kinds
        .filter((kind) => kind.gather)
        .map(async (kind) => {
        const held = await kind.gather?.({
            settings,
            target,
            work,
            layout,
            workTree,
            openBase: borrowBase
                ? () => borrowBase().then((borrowed) => borrowed && asClosable(borrowed))
                : undefined,
            kestra: planning || work.serverValidation ? kestra : undefined
        });
        return [kind.name, held];
    });
    return {
        probe,
        committed,
        comments,
        changed,
        borrowBase,
        reads: planning
            ? new ServerReads(kestra, {
                markers: work.markers,
                facts: work.facts,
                seal: sealing(settings, work)
            })
            : undefined,
        onServer: kestra && work.serverValidation
            ? (shared.validation ??= new ServerValidation(kestra, settings.concurrency))
            : undefined,
        index,
        workTree,
        kinds: settle(Promise.all(kinds)),
        walk: Object.assign({}, ...input.kinds.map((kind) => kind.walk)),
        reused: new Map(),
        baseReused: new Set()
    };
}
function sealing(settings, work) {
    const { auth, sealKey, server, tenant } = settings;
    const seal = () => markerSeal({ auth, sealKey, server, tenant }).catch(() => undefined);
    if (work.markers)
        void seal();
    return seal;
}
function reuseOf({ reuse, sending, settings, layout }, { reads }, options) {
    if (!reads || !reuse)
        return undefined;
    return reuseStoredChecks({
        reads,
        sending,
        extraNamespaces: settings.extraNamespaces,
        layout: layout.layout,
        identity: reuse,
        ...options
    });
}
function readRemaining$1(input, started, ...[model, sent, referenced, names]) {
    const { settings, kestra, target, layout } = input;
    const { work } = target;
    const { reads, onServer, borrowBase, changed, probe, baseReused } = started;
    const shared = input.reads;
    const reading = reads && settle(reads.state(sent));
    const answers = onServer && settle(onServer.answers());
    const markers = work.markers ? reads?.markersOf(sent.managedNamespaces) : undefined;
    const recordsOf = [...sent.managedNamespaces].sort();
    const rollbackRecords = work.markers && reads && kestra
        ? { namespaces: recordsOf, read: settle(readRollbackRecords(kestra, recordsOf)) }
        : undefined;
    const repositoryBase = borrowBase &&
        (shared.base ??= settle(readBaseSnapshot(borrowBase(), settings, model, started.walk, work.reuseBase
            ? reuseOf(input, started, {
                reused: (flow) => baseReused.add(flow.file),
                onlyStarted: true
            })
            : undefined)));
    const deployedBase = !borrowBase && reads && work.plan && work.writes !== 'drift'
        ? settle(readDeployedBase(reads, {
            input,
            model,
            walk: started.walk,
            reuseFlow: work.reuseBase
                ? reuseOf(input, started, {
                    reused: (flow) => baseReused.add(flow.file),
                    onlyStarted: true
                })
                : undefined
        }))
        : undefined;
    const base = (repositoryBase ?? deployedBase) &&
        settle(Promise.all([valueOf((repositoryBase ?? deployedBase)), reading && valueOf(reading)]).then(([snapshot, server]) => {
            if (!snapshot)
                return undefined;
            const sent = input.sending.base(snapshot, model.managedNamespaces, server);
            return snapshot.deployed ? { ...sent, deployed: snapshot.deployed } : sent;
        }));
    const desired = reading && settle(valueOf(reading).then((held) => desiredState(sent, held, started.walk)));
    const listings = kestra && names.length > 0
        ? settle(readNameListings({ ...kestra, secretNames: () => (shared.secretNames ??= kestra.secretNames()) }, names))
        : undefined;
    const unfinished = reads &&
        kestra &&
        readUnfinishedOfRewritable(kestra, sent.managedNamespaces.map((namespace) => ({ namespace, held: reads.flowsOf(namespace) })), { flows: desiredFlows(sent), deleteEnabled: target.delete });
    const state = reading ?? settle(Promise.resolve(undefined));
    const snapshot = settle((async () => {
        const held = await valueOf(state);
        const changedFiles = await valueOf(changed);
        const serverVersion = await probe;
        if (answers)
            await valueOf(answers);
        return Object.freeze({
            layout,
            model: sent,
            changed: changedFiles,
            serverVersion,
            state: held,
            targets: await knownOf(input.kinds, referenced, { model: sent, state: held, kestra }),
            markers: await markers,
            desired: desired && (await valueOf(desired)),
            commitTime: await started.committed,
            kinds: new Map(await valueOf(started.kinds)),
            base: await base,
            rollbackRecords: rollbackRecords && {
                ...rollbackRecords,
                read: await rollbackRecords.read
            },
            comments: await started.comments
        });
    })());
    return {
        serverVersion: Promise.resolve(probe),
        changed,
        state,
        snapshot,
        walkReads: { serverAnswers: answers, listings, unfinished },
        baseReused
    };
}
async function knownOf(kinds, referenced, input) {
    const known = new Map();
    for (const kind of kinds) {
        if (!kind.known)
            continue;
        const asked = referenced.filter((ref) => ref.kind === kind.name);
        known.set(kind.name, await kind.known({ ...input, asked }));
    }
    return known;
}

function referencedOf(ref) {
    const name = ref.kind === 'file' ? ref.path : ref.id;
    return { kind: ref.kind, namespace: ref.namespace, name };
}

function comparedVerdict(change, name, held) {
    const { fresh, planned, desired } = held;
    if (fresh === desired)
        return { kind: 'desired' };
    const moved = (what) => ({
        kind: 'moved',
        message: `${name} was ${what} on the server since the plan`
    });
    if (change.action === 'create')
        return fresh === undefined ? { kind: 'as-planned' } : moved('created');
    if (fresh === undefined)
        return moved('deleted');
    return fresh === planned ? { kind: 'as-planned' } : moved('changed');
}
function settled(change, verdict) {
    if (verdict.kind === 'moved')
        return { change, result: 'conflict', message: verdict.message };
    return {
        change,
        result: 'unchanged',
        revision: verdict.revision,
        message: 'the server already holds what this deploy wants (another run got there first)'
    };
}

const RECORDED_BYTES_BUDGET = 256 * 1024;
const RECORDED_MARKER_BYTES = 512 * 1024;
function planFromDeploy(result, deployed, kinds) {
    const items = [];
    const unrestorable = [];
    for (const written of result.resources) {
        const { change, result: did, outcomeUnknown } = written;
        if (!WRITTEN.has(did) && !(did === 'failed' && outcomeUnknown))
            continue;
        const kind = kindNamed(kinds, change.kind);
        if (!kind) {
            unrestorable.push(`${change.kind} ${resourceName$1(change)}`);
            continue;
        }
        const { resource, previous } = kind.recordOf(change, written);
        const { namespace } = change;
        items.push({ namespace, name: kind.nameOf(resource, namespace), resource, previous });
    }
    const marked = [...result.markedNamespaces, ...(result.markersUnknown ?? [])];
    const namespaces = [...new Set([...items.map((i) => i.namespace), ...marked])].filter((namespace) => namespace !== '');
    return {
        ...deployed,
        deployed: deployed.commit,
        items,
        unrestorable,
        markers: namespaces.sort().map((namespace) => {
            const toward = result.markersBefore?.get(namespace) ?? null;
            const whole = toward ? result.markersHeld?.get(namespace) : undefined;
            return {
                namespace,
                toward,
                ...(whole !== undefined && { whole }),
                written: marked.includes(namespace)
            };
        })
    };
}
function plansFromRecords(records, kinds) {
    const plans = new Map();
    for (const [namespace, record] of records) {
        const key = `${record.repository}@${record.deployed}`;
        const { repository, deployed } = record;
        const plan = plans.get(key) ?? {
            repository,
            deployed,
            items: [],
            markers: [],
            unrestorable: []
        };
        plans.set(key, plan);
        plan.items.push(...record.resources.map((resource) => {
            const kind = kindNamed(kinds, resource.kind);
            const at = kind?.tenantWide ? '' : namespace;
            return { namespace: at, name: kind?.nameOf(resource, at) ?? resource.kind, resource };
        }));
        plan.markers.push({
            namespace,
            toward: record.toward,
            ...(record.towardWhole !== undefined && { whole: record.towardWhole }),
            written: record.markerWritten
        });
    }
    return [...plans.values()];
}
async function recordsOf(plan, history, kinds) {
    let budget = RECORDED_BYTES_BUDGET;
    const located = await Promise.all(plan.items.map((item) => kindNamed(kinds, item.resource.kind)?.locate?.(item, history) ?? item.resource));
    const records = new Map();
    const holder = plan.markers[0]?.namespace;
    for (const { namespace, toward, whole, written } of plan.markers) {
        const resources = located.flatMap((resource, i) => {
            const item = plan.items[i];
            const kind = kindNamed(kinds, resource.kind);
            if (kind?.tenantWide ? namespace !== holder : item.namespace !== namespace)
                return [];
            const embedded = kind?.embed?.(resource, item.previous);
            if (!embedded || embedded.size > budget)
                return [resource];
            budget -= embedded.size;
            return [embedded.resource];
        });
        const fields = {
            repository: plan.repository,
            deployed: plan.deployed,
            toward,
            ...(whole !== undefined &&
                utf8Length(JSON.stringify(whole)) <= RECORDED_MARKER_BYTES && { towardWhole: whole }),
            markerWritten: written
        };
        records.set(namespace, newRecord({ ...fields, resources }));
    }
    return records;
}
function kindNamed(kinds, name) {
    return kinds.find((kind) => kind.name === name);
}
const FORMAT = 'kestra-gitops-rollback/1';
const sha256Field = string().regex(/^[0-9a-f]{64}$/);
function recordedSchema(kind, fields, before, deployed) {
    return object({
        kind: literal(kind),
        ...fields,
        before: before.optional(),
        deployed: (deployed ?? before).optional()
    });
}
const rollbackRecord = object({
    format: literal(FORMAT),
    repository: string(),
    deployed: string(),
    toward: commitMarker.nullable(),
    towardWhole: unknown().optional(),
    markerWritten: boolean$1(),
    resources: array(looseObject({ kind: string(), of: string().optional() }))
});
function newRecord(fields) {
    return { format: FORMAT, ...fields };
}
function readRecord(value, kinds) {
    const read = readStored('rollback record', rollbackRecord, value);
    if ('refused' in read) {
        const format = storedObject(value)?.format;
        const other = typeof format === 'string' && /^kestra-gitops-rollback\/\d{1,6}$/.test(format);
        return other ? { refused: `rollback record ${format}: unsupported` } : read;
    }
    const { toward, towardWhole, resources } = read.value;
    const parsed = resources.map((resource) => resourceOf$1(resource, kinds));
    const at = parsed.indexOf(undefined);
    if (at >= 0)
        return { refused: `rollback record: resources.${at} is not one of a known kind` };
    const whole = parseMarker(towardWhole);
    const same = toward && whole?.commit === toward.commit && whole.repository === toward.repository;
    const { towardWhole: _whole, ...fields } = read.value;
    return {
        value: { ...fields, ...(same && { towardWhole }), resources: parsed }
    };
}
function readRecords(values, kinds) {
    const records = new Map();
    const refused = [];
    for (const [namespace, value] of values) {
        const record = readRecord(value, kinds);
        if ('value' in record)
            records.set(namespace, record.value);
        else
            refused.push(`- ${namespace}: ${record.refused}`);
    }
    const sorted = new Map([...records].sort(([a], [b]) => (a < b ? -1 : 1)));
    if (refused.length === 0)
        return { records: sorted };
    const unreadable = [
        `Nothing was deployed: the KV entry ${ROLLBACK_RECORD_KEY} is not a rollback record this version of kestra-gitops-action can read:`,
        ...refused.sort(),
        `It may be a rollback that a run of another version left unfinished: nothing is deployed over it, and it is left as it is. Finish it with the version that wrote it, or, if no rollback is under way, remove the entry (Kestra's UI: the namespace's KV Store, key ${ROLLBACK_RECORD_KEY}) and run again.`
    ].join('\n');
    return { records: sorted, unreadable };
}
function resourceOf$1(value, kinds) {
    const { of, ...rest } = value;
    const fields = value.kind === 'tenant-wide' && of !== undefined ? { ...rest, kind: of } : value;
    if (fields.before === undefined && fields.deployed === undefined)
        return undefined;
    return kinds.find((kind) => kind.name === fields.kind)?.parse(fields);
}

async function rollback(plan, deps) {
    if (!deps.recorded) {
        const problem = await writeRecords(plan, deps);
        if (problem)
            return notStarted(plan, problem);
    }
    const semaphore = new Semaphore(deps.concurrency);
    const resources = [];
    for (const phase of restorePhases(plan.items, deps.refs, deps.kinds)) {
        const results = await Promise.all(phase.map((item) => semaphore.run(() => restoreItem(item, plan.deployed, deps.api, deps.kinds))));
        for (const result of results) {
            deps.log(`Rollback of ${result.item.resource.kind} ${result.item.name}: ${result.result}: ${result.message}`);
            resources.push(result);
        }
    }
    const complete = resources.every((r) => r.result === 'restored');
    const markers = await settleMarkers(plan.markers, plan.deployed, deps.api, complete);
    for (const marker of markers) {
        deps.log(`Rollback of the deployed-commit marker of ${marker.namespace}: ${marker.message}`);
    }
    const retryable = [...resources, ...markers].some((r) => r.result === 'failed');
    const unrecorded = !deps.recorded && plan.markers.length === 0 && plan.items.length > 0;
    const warnings = [
        ...(unrecorded
            ? [
                `Rollback: no managed namespace could hold its record (KV ${ROLLBACK_RECORD_KEY}), so a run stopped during it could not have finished it.`
            ]
            : []),
        ...plan.unrestorable.map((name) => `Rollback: ${name} stays as this deploy wrote it: its kind has no rollback yet.`),
        ...(retryable ? [] : await removeRecords(plan.markers, deps.api))
    ];
    const restored = [...resources, ...markers].filter((r) => r.result === 'restored').length;
    const left = resources.length + markers.length + plan.unrestorable.length - restored;
    return {
        deployed: plan.deployed,
        resources,
        markers,
        rolledBack: left === 0 ? 'true' : restored > 0 ? 'partial' : 'false',
        resumable: retryable,
        warnings,
        stale: left === 0 && ![...resources, ...markers].some((r) => r.wrote)
    };
}
function restorePhases(items, refs, kinds) {
    const ofKind = (kind, deleted) => items.filter((i) => i.resource.kind === kind.name && (i.resource.deployed === undefined) === deleted);
    return [
        ...kinds.map((kind) => ofKind(kind, true)),
        ...[...kinds]
            .reverse()
            .flatMap((kind) => kind.waves?.(ofKind(kind, false), refs) ?? [ofKind(kind, false)])
    ].filter((phase) => phase.length > 0);
}
function deployAction({ resource }) {
    return !resource.before ? 'created' : !resource.deployed ? 'deleted' : 'updated';
}
async function restoreItem(item, deployed, api, kinds, again = true) {
    const did = deployAction(item);
    const kind = kindNamed(kinds, item.resource.kind);
    if (!kind) {
        const message = `not restored: no rollback of the ${item.resource.kind} kind is registered (src/resources/registry.ts)`;
        return { item, did, result: 'failed', message, wrote: false };
    }
    try {
        return { item, did, ...(await kind.restore(item, deployed, api)) };
    }
    catch (error) {
        if (again && isOutcomeUnknown(error))
            return restoreItem(item, deployed, api, kinds, false);
        const message = `restore failed: ${errorMessage(error)}`;
        return { item, did, result: 'failed', message, wrote: false };
    }
}
async function restoreByHash({ before, deployed }, held, deployedCommit, write) {
    if (held.sha256 === before?.sha256) {
        return { result: 'restored', message: 'already as it was before the deploy', wrote: false };
    }
    if (held.sha256 !== deployed?.sha256) {
        const commit = short(deployedCommit);
        const message = held.sha256 === undefined
            ? `deleted on the server after the deploy of ${commit}`
            : deployed === undefined
                ? `re-created on the server after the deploy of ${commit}`
                : `changed on the server after the deploy of ${commit}${held.since ?? ''}`;
        return { result: 'kept', message, wrote: false };
    }
    if (!before) {
        await write.remove();
        return { result: 'restored', message: 'deleted (the deploy created it)', wrote: true };
    }
    return { result: 'restored', message: await write.putBack(before), wrote: true };
}
function embedText(resource, previous, field) {
    if (!resource.before || typeof previous !== 'string')
        return undefined;
    return {
        resource: { ...resource, before: { ...resource.before, [field]: previous } },
        size: Buffer.byteLength(previous)
    };
}
async function settleMarkers(targets, deployed, api, complete) {
    return Promise.all(targets
        .filter((target) => target.written)
        .map(async (target) => {
        const { namespace, toward, whole } = target;
        const back = !toward
            ? 'deployed-commit marker removed (there was none before)'
            : whole !== undefined
                ? `deployed-commit marker put back to ${short(toward.commit)}, exactly as it was`
                : `deployed-commit marker put back to ${short(toward.commit)}, its commit and repository only: the rollback record could not hold its stored checks and content facts, so the next plan checks and reads every file`;
        try {
            if (await markerIsBack(target, api)) {
                return { namespace, result: 'restored', message: `${back} (already)`, wrote: false };
            }
            if (!complete)
                return keptMarker(target, deployed);
            if (toward)
                await api.putKv(namespace, COMMIT_MARKER_KEY, whole ?? { ...toward });
            else
                await api.deleteKv(namespace, COMMIT_MARKER_KEY);
            return { namespace, result: 'restored', message: back, wrote: true };
        }
        catch (error) {
            if (!complete)
                return keptMarker(target, deployed);
            if (isOutcomeUnknown(error) && (await markerIsBack(target, api).catch(() => false))) {
                return { namespace, result: 'restored', message: back, wrote: true };
            }
            const message = `still names ${short(deployed)}: it could not be put back: ${errorMessage(error)}`;
            return { namespace, result: 'failed', message, wrote: false };
        }
    }));
}
function keptMarker({ namespace }, deployed) {
    const message = `still names ${short(deployed)}: the rollback is incomplete`;
    return { namespace, result: 'kept', message, wrote: false };
}
async function markerIsBack({ namespace, toward, whole }, api) {
    const value = await api.getKv(namespace, COMMIT_MARKER_KEY);
    if (toward && whole !== undefined)
        return canonicalJson(value) === canonicalJson(whole);
    const now = parseMarker(value);
    return now?.commit === toward?.commit && now?.repository === toward?.repository;
}
async function writeRecords(plan, deps) {
    let records;
    try {
        records = await recordsOf(plan, deps.api, deps.kinds);
    }
    catch (error) {
        return `its record could not be prepared: ${errorMessage(error)}`;
    }
    const written = [];
    for (const [namespace, record] of records) {
        try {
            await deps.api.putKv(namespace, ROLLBACK_RECORD_KEY, record);
            written.push(namespace);
        }
        catch (error) {
            const maybe = isOutcomeUnknown(error) ? [...written, namespace] : written;
            await Promise.all(maybe.map((ns) => deps.api.deleteKv(ns, ROLLBACK_RECORD_KEY).catch(() => undefined)));
            return `its progress could not be recorded in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}): ${errorMessage(error)}`;
        }
    }
    return undefined;
}
async function removeRecords(targets, api) {
    const problems = await Promise.all(targets.map(({ namespace }) => api.deleteKv(namespace, ROLLBACK_RECORD_KEY).then(() => undefined, (error) => `The finished rollback's record in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}) could not be removed: ${errorMessage(error)}; the next deploy finds nothing left to restore and removes it.`)));
    return problems.filter((p) => p !== undefined);
}
function notStarted(plan, why) {
    const message = `not restored: the rollback did not start, as ${why}`;
    return {
        deployed: plan.deployed,
        resources: plan.items.map((item) => ({
            item,
            did: deployAction(item),
            result: 'failed',
            message,
            wrote: false
        })),
        markers: plan.markers.filter((m) => m.written).map((m) => keptMarker(m, plan.deployed)),
        rolledBack: 'false',
        resumable: false,
        warnings: [],
        stale: false
    };
}

const dashboardsApply = {
    name: 'dashboard',
    async write(change, api) {
        if (change.desired === undefined)
            return { change, result: 'failed', message: 'the plan holds no source for this dashboard' };
        const wanted = { source: change.desired, fields: sourceFields(change.desired) ?? '' };
        const fresh = await api.getDashboard(change.id);
        if (fresh && holds(fresh, wanted))
            return settled(change, { kind: 'desired' });
        if (change.action === 'create') {
            if (fresh)
                return conflict(change, 'was created on the server since the plan');
            return create(change, wanted, api);
        }
        if (!fresh)
            return conflict(change, 'was deleted on the server since the plan');
        if (!isAsPlanned(fresh, change))
            return conflict(change, 'was changed on the server since the plan');
        const stored = await api.updateDashboard(change.id, wanted.source);
        if (!stored)
            return conflict(change, 'was deleted on the server during the deploy');
        return { change, result: 'updated' };
    },
    async remove(change, api) {
        const fresh = await api.getDashboard(change.id);
        if (!fresh)
            return settled(change, { kind: 'desired' });
        if (!isAsPlanned(fresh, change))
            return conflict(change, 'was changed on the server since the plan');
        return (await api.deleteDashboard(change.id))
            ? { change, result: 'deleted' }
            : settled(change, { kind: 'desired' });
    }
};
async function create(change, wanted, api) {
    const outcome = await api.createDashboard(wanted.source);
    if (outcome.created)
        return { change, result: 'created' };
    const stored = await api.getDashboard(change.id);
    if (stored && holds(stored, wanted)) {
        return outcome.retried ? { change, result: 'created' } : settled(change, { kind: 'desired' });
    }
    return conflict(change, 'was created on the server since the plan');
}
const ID_LINE = /^id:.*$/m;
function isAsPlanned(fresh, change) {
    const planned = change.current;
    if (!planned)
        return false;
    if (fresh.sourceCode === undefined)
        return dashboardFields({ ...fresh }) === planned.compared;
    if (planned.source === undefined)
        return false;
    const read = ID_LINE.test(planned.source) ? planned.source : `id: ${change.id}\n${planned.source}`;
    return holds(fresh, { source: read, fields: '' });
}
function conflict(change, what) {
    return settled(change, { kind: 'moved', message: `dashboard ${change.id} ${what}` });
}
const kindVersion = object({
    hashes: strictObject({ source: sha256Field.optional(), fields: sha256Field }).readonly(),
    text: string().optional()
});
const recordedDashboard = recordedSchema('dashboard', { id: string() }, kindVersion);
const dashboardsRollback = {
    name: 'dashboard',
    tenantWide: true,
    recordOf(change) {
        const current = change.current;
        const before = current && {
            hashes: {
                ...(current.source !== undefined && { source: sha256Hex(current.source) }),
                fields: sha256Hex(current.source !== undefined ? (sourceFields(current.source) ?? '') : current.compared)
            }
        };
        const sent = change.action === 'delete' ? undefined : change.desired;
        const deployed = sent === undefined ? undefined : versionOf(sent);
        const resource = {
            kind: 'dashboard',
            id: change.id,
            ...(before && { before }),
            ...(deployed && { deployed })
        };
        return { resource, previous: current?.source };
    },
    nameOf: (resource) => resource.id,
    parse: (value) => recordedDashboard.safeParse(value).data,
    embed: (resource, previous) => embedText(resource, previous, 'text'),
    async restore({ resource, previous }, _deployed, api) {
        const { id, before, deployed } = resource;
        const fresh = await api.getDashboard(id);
        if (matches(fresh, before, id)) {
            return { result: 'restored', message: 'already as it was before the deploy', wrote: false };
        }
        if (!matches(fresh, deployed, id)) {
            const what = !fresh ? 'deleted' : !deployed ? 're-created' : 'changed';
            return { result: 'kept', message: `${what} on the server after the deploy`, wrote: false };
        }
        if (!before) {
            await api.deleteDashboard(id);
            return { result: 'restored', message: 'deleted (the deploy created it)', wrote: true };
        }
        const text = typeof previous === 'string' ? previous : before.text;
        if (text === undefined) {
            const message = 'not restored: its previous source is not known (the server gave none, or it was too large for the rollback record); restore it from Git';
            return { result: 'failed', message, wrote: false };
        }
        if (fresh) {
            if (!(await api.updateDashboard(id, text))) {
                const message = 'deleted on the server during the rollback';
                return { result: 'kept', message, wrote: false };
            }
            return { result: 'restored', message: 'previous source restored', wrote: true };
        }
        const outcome = await api.createDashboard(text);
        if (!outcome.created && !matches(await api.getDashboard(id), before, id)) {
            const message = 're-created on the server during the rollback';
            return { result: 'kept', message, wrote: false };
        }
        return { result: 'restored', message: 'previous source restored (re-created)', wrote: true };
    }
};
function versionOf(source) {
    return { hashes: { source: sha256Hex(source), fields: sha256Hex(sourceFields(source) ?? '') } };
}
function matches(fresh, version, id) {
    if (!fresh || !version)
        return !fresh && !version;
    const { source, fields } = version.hashes;
    if (fresh.sourceCode !== undefined && source !== undefined) {
        const text = normaliseText(fresh.sourceCode);
        const added = `id: ${id}\n`;
        return (sha256Hex(text) === source ||
            (text.startsWith(added) && sha256Hex(text.slice(added.length)) === source));
    }
    return fields !== undefined && sha256Hex(dashboardFields({ ...fresh })) === fields;
}

const DEFAULT_DIFF_LIMITS = {
    maxChars: 200_000,
    maxLines: 5_000,
    maxEdits: 1_000
};
const NO_FILE = '/dev/null';
function diffTexts(oldName, newName, oldText, newText, limits = DEFAULT_DIFF_LIMITS) {
    const before = oldText ?? '';
    const after = newText ?? '';
    const oldLines = splitLines(before);
    const newLines = splitLines(after);
    const exceeds = (text, lines) => text.length > limits.maxChars || lines.length > limits.maxLines;
    if (exceeds(before, oldLines) || exceeds(after, newLines)) {
        return { ...countLineChanges(oldLines, newLines), tooLarge: true };
    }
    const patch = structuredPatch(oldText === undefined ? NO_FILE : oldName, newText === undefined ? NO_FILE : newName, before, after, undefined, undefined, { context: 3, maxEditLength: limits.maxEdits });
    if (!patch)
        return { ...countLineChanges(oldLines, newLines), tooLarge: true };
    let additions = 0;
    let deletions = 0;
    for (const hunk of patch.hunks) {
        for (const line of hunk.lines) {
            if (line.startsWith('+'))
                additions++;
            else if (line.startsWith('-'))
                deletions++;
        }
    }
    const diff = patch.hunks.length > 0 ? formatPatch(patch, FILE_HEADERS_ONLY) : undefined;
    return { diff, additions, deletions, tooLarge: false };
}
function splitLines(text) {
    if (text === '')
        return [];
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '')
        lines.pop();
    return lines;
}
function countLineChanges(oldLines, newLines) {
    const remaining = new Map();
    for (const line of oldLines)
        remaining.set(line, (remaining.get(line) ?? 0) + 1);
    let additions = 0;
    for (const line of newLines) {
        const left = remaining.get(line) ?? 0;
        if (left > 0)
            remaining.set(line, left - 1);
        else
            additions++;
    }
    return { additions, deletions: oldLines.length - (newLines.length - additions) };
}

function buildPlan(input, kinds, held = new Map()) {
    const limits = { ...DEFAULT_DIFF_LIMITS, ...input.diffLimits };
    const namespaces = [
        ...new Set([
            ...input.namespaces,
            ...input.desired.flows.map((f) => f.namespace),
            ...input.desired.files.map((f) => f.namespace)
        ])
    ].sort(compareCodeUnits);
    const options = {
        deleteEnabled: input.deleteEnabled,
        scope: input.scope,
        changedFiles: input.changedFiles,
        limits,
        input
    };
    const resources = [];
    for (const kind of kinds) {
        if (kind.plan)
            resources.push(...kind.plan(held.get(kind.name), options));
    }
    sortInPlanOrder(resources, kinds);
    const changes = resources.filter((r) => r.action !== 'unchanged');
    const parts = changes.map((change) => kindOf$2(kinds, change).fingerprintOf(change));
    changes.forEach((change, i) => (change.digest = sha256Hex(JSON.stringify(parts[i])).slice(0, 16)));
    return {
        resources,
        namespaces,
        counts: countPlan(resources),
        fingerprint: fingerprint(parts, input.against)
    };
}
function actionOf(options, desired, same) {
    return desired ? (same ? 'unchanged' : 'update') : options.deleteEnabled ? 'delete' : 'orphaned';
}
function indexByFile(items, keyOf) {
    const index = new Map();
    for (const item of [...items].sort((a, b) => compareCodeUnits(a.file, b.file))) {
        const key = keyOf(item);
        if (!index.has(key))
            index.set(key, item);
    }
    return index;
}
function touched(options, ...files) {
    const changed = options.changedFiles;
    if (options.scope === 'all' || changed === undefined)
        return true;
    return files.some((file) => file !== undefined && changed.has(file));
}
function scopeFilter(options, desired, base) {
    const changed = options.changedFiles;
    if (options.scope === 'all' || changed === undefined)
        return () => true;
    const touched = new Set();
    for (const [key, { file }] of desired)
        if (changed.has(file))
            touched.add(key);
    for (const [key, { file }] of base ?? []) {
        if (changed.has(file) && !desired.has(key))
            touched.add(key);
    }
    return (key) => touched.has(key);
}
function isDrifted(action, hasBase, differsFromBase) {
    if (!hasBase || action === 'create' || action === 'unchanged')
        return false;
    return differsFromBase ?? action === 'update';
}
function applyDiff(change, result) {
    change.additions = result.additions;
    change.deletions = result.deletions;
    if (result.diff !== undefined)
        change.diff = result.diff;
    if (result.tooLarge)
        change.diffOmitted = 'too-large';
}
function sortInPlanOrder(resources, kinds) {
    const keyed = resources.map((change) => {
        const kind = kindOf$2(kinds, change);
        return { change, order: kind.order, id: kind.idOf(change) };
    });
    keyed.sort((a, b) => compareCodeUnits(a.change.namespace, b.change.namespace) ||
        a.order - b.order ||
        compareCodeUnits(a.id, b.id));
    keyed.forEach(({ change }, i) => (resources[i] = change));
}
function fingerprint(changes, against) {
    const where = against && { server: against.server, tenant: against.tenant };
    return sha256Hex(JSON.stringify({ version: 1, changes, ...(where && { against: where }) }));
}

function locateKestraPath(doc, lineCounter, pathOrPointer) {
    const text = pathOrPointer.trim();
    if (text.startsWith('/') || text.startsWith('#/')) {
        return walk(doc.contents, pointerSegments(text), lineCounter);
    }
    const segments = pathSegments(text);
    for (let start = 0; start < segments.length; start++) {
        const found = walk(doc.contents, segments.slice(start), lineCounter);
        if (found)
            return found;
    }
    return undefined;
}
function walk(root, segments, lineCounter) {
    let node = root;
    let offset;
    for (const [index, name] of segments.entries()) {
        const step = child(node, name, index > 0);
        if (!step)
            break;
        node = step.node;
        offset = step.offset;
    }
    if (offset === undefined)
        return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
}
function child(node, name, countsEntries) {
    if (distExports.isMap(node)) {
        const named = node.items.find((pair) => {
            const key = pair.key;
            return String(distExports.isScalar(key) ? key.value : key) === name;
        });
        const pair = named ?? (countsEntries && /^\d+$/.test(name) ? node.items[Number(name)] : undefined);
        const range = pair?.key?.range;
        return pair && range ? { node: pair.value, offset: range[0] } : undefined;
    }
    if (distExports.isSeq(node)) {
        const item = /^\d+$/.test(name)
            ? node.items[Number(name)]
            : node.items.find((entry) => distExports.isMap(entry) && String(entry.get('id')) === name);
        const range = item?.range;
        return range ? { node: item, offset: range[0] } : undefined;
    }
    return undefined;
}
function pointerSegments(pointer) {
    const fragment = pointer.startsWith('#');
    return pointer
        .replace(/^#/, '')
        .split('/')
        .slice(1)
        .map((raw) => (fragment ? safeDecode(raw) : raw))
        .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
}
function pathSegments(path) {
    return [...path.matchAll(/\[([^\]]*)\]|([^.[\]]+)/g)].map((match) => match[1] !== undefined ? match[1].trim().replace(/^(['"])(.*)\1$/, '$2') : match[2]);
}
function safeDecode(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}

const IGNORABLE = /[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]|\u034f|\p{Variation_Selector}/gu;
function foldedName(name) {
    return name.replace(IGNORABLE, '').normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}
function repositoryPath(...parts) {
    return parts.filter(Boolean).join('/');
}
function foldedPath(path) {
    return path.split('/').map(foldedName).join('/');
}
const SHORT_NAME = /^(?:git|github|gi7eba)~\d+$/;
function unwritablePath(path) {
    if (path === '')
        return 'the path is empty';
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
        return 'the path is absolute';
    if (path.includes('\\'))
        return 'the path holds a backslash, a folder separator on Windows';
    if (/[\u0000-\u001f\u007f]/.test(path))
        return 'the path holds a control character';
    for (const segment of path.split('/')) {
        const folded = foldedName(segment)
            .replace(/:.*$/s, '')
            .replace(/[. ]+$/, '');
        if (/^\.*$/.test(folded))
            return `the path has an empty, '.' or '..' segment ('${segment}')`;
        if (folded.startsWith('.git') || SHORT_NAME.test(folded)) {
            return `'${segment}' reads as a .git or .github name: Git's own files and GitHub's workflows are never written from Kestra`;
        }
    }
    return undefined;
}

const SECTION = 'Dashboards';
const RESOURCE = (id) => `dashboard:${id}`;
function idOf(source) {
    try {
        const value = distExports.parse(source);
        const id = isRecord(value) ? value.id : undefined;
        return id === undefined || id === null || String(id).trim() === '' ? undefined : String(id);
    }
    catch {
        return undefined;
    }
}
const CHART_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
function dashboardFindings(held) {
    const firstOf = new Map();
    const findings = held.files.flatMap((file) => {
        const lineCounter = new distExports.LineCounter();
        const doc = distExports.parseDocument(file.source, { lineCounter, uniqueKeys: false });
        const at = (node) => node?.range ? lineCounter.linePos(node.range[0]).line : 1;
        const finding = (severity, rule, line, message) => ({
            severity,
            file: file.file,
            line,
            rule,
            message,
            ...(id !== undefined && { resource: RESOURCE(id) })
        });
        const id = textOf$1(doc.contents && distExports.isMap(doc.contents) ? doc.contents.get('id', true) : undefined);
        if (doc.errors.length > 0 || !distExports.isMap(doc.contents)) {
            const error = doc.errors[0];
            const line = error ? lineCounter.linePos(error.pos[0]).line : 1;
            return [
                finding('error', 'dashboard-yaml', line, `not a dashboard: ${error?.message ?? 'the YAML is no mapping'}`)
            ];
        }
        const root = doc.contents;
        const out = [];
        const add = (...args) => out.push(finding(...args));
        const idNode = root.get('id', true);
        if (id === undefined || id.trim() === '') {
            add('error', 'dashboard-id', at(idNode), 'a dashboard needs an `id` (Kestra 1.0+ takes it from the YAML): add `id: <name>`');
        }
        else if (segmentProblem(id) !== undefined) {
            add('error', 'dashboard-id', at(idNode), `dashboard id ${JSON.stringify(id)} cannot be addressed in Kestra's API (${segmentProblem(id)}): give it an id without '/' or '\\' that is not '.' or '..'`);
        }
        else if (firstOf.has(id)) {
            add('error', 'dashboard-duplicate-id', at(idNode), `dashboard id '${id}' is already declared in ${firstOf.get(id)}: give each dashboard its own id`);
        }
        else
            firstOf.set(id, file.file);
        const title = textOf$1(root.get('title', true));
        if (title === undefined || title.trim() === '') {
            add('error', 'dashboard-title', at(root.get('title', true)), 'a dashboard needs a `title`: add `title: <text>`');
        }
        const charts = root.get('charts', true);
        if (charts && 'items' in charts && Array.isArray(charts.items)) {
            for (const chart of charts.items) {
                if (!distExports.isMap(chart))
                    continue;
                const node = chart.get('id', true);
                const raw = distExports.isScalar(node) ? String(node.source ?? node.value) : undefined;
                if (raw === undefined || !CHART_ID.test(raw)) {
                    add('error', 'dashboard-chart-id', at(node ?? chart), `chart id '${raw ?? ''}' does not match Kestra's pattern ${CHART_ID.source.slice(0, -1)}: start with a letter or digit, then letters, digits, '_' or '-'`);
                }
            }
        }
        const verdict = held.verdicts?.get(file.file);
        if (verdict?.unreadable !== undefined) {
            const named = id === undefined ? 'this dashboard' : `dashboard ${JSON.stringify(id)}`;
            add('error', 'server-constraint', 1, `${named}: ${verdict.unreadable}`);
        }
        else {
            for (const { path, message } of verdict?.errors ?? []) {
                const line = path ? locateKestraPath(doc, lineCounter, yamlPath(path))?.line : undefined;
                const text = path ? `${path}: ${message}` : message;
                add('error', 'server-constraint', line ?? 1, `the server refuses this dashboard: ${text}`);
            }
        }
        return out;
    });
    return [...findings, ...unaddressableOnServer(held), ...unsupportedNotice(held)];
}
function unaddressableOnServer(held) {
    const server = held.server;
    const first = held.files[0];
    if (!server || !('dashboards' in server) || held.prefixed || !first)
        return [];
    return server.dashboards.flatMap(({ id }) => {
        const problem = segmentProblem(id);
        if (problem === undefined || held.files.some((f) => f.source && idOf(f.source) === id))
            return [];
        return [
            {
                severity: 'warning',
                file: first.file,
                line: 1,
                rule: 'dashboard-id',
                resource: RESOURCE(id),
                message: `The server's dashboard ${JSON.stringify(id)} cannot be addressed in Kestra's API (${problem}): it is left alone, never deleted; rename or remove it in the Kestra UI.`
            }
        ];
    });
}
function yamlPath(path) {
    return path.replace(/\.defaultDuration\b/, '.default').replace(/\.maxDuration\b/, '.max');
}
function unsupportedNotice(held) {
    const server = held.server;
    const first = held.files[0];
    const notice = (rule, message) => first ? [{ severity: 'notice', file: first.file, line: 1, rule, message }] : [];
    if (held.prefixed) {
        return notice('dashboards-prefixed', `Dashboards are not planned under namespace-prefix ${held.prefixed} (a preview or a prefixed environment): they are tenant-wide, so the repository's ${held.files.length} dashboard file(s) would replace the tenant's own. A plan or deploy without a prefix (the pull request's own plan) takes them.`);
    }
    if (server && 'enterpriseOnly' in server && first) {
        const { version, edition } = server.enterpriseOnly;
        const named = held.files.map((f) => idOf(f.source) ?? f.file);
        return [
            {
                severity: 'warning',
                file: first.file,
                line: 1,
                rule: 'dashboards-edition',
                message: `Dashboards are not deployed: Kestra ${version} ${edition} keeps no dashboards (Kestra 2.0 moved their create, update and delete to the Enterprise Edition), so the repository's ${named.length} dashboard(s) are left out: ${named.join(', ')}. Every other kind is planned and deployed; deploy them to a Kestra Enterprise server, or remove them from the repository.`
            }
        ];
    }
    if (!server || !('unsupported' in server))
        return [];
    return notice('dashboards-unsupported', `Dashboards are not planned: this Kestra server (${server.unsupported}) has no dashboards API taking ids from the YAML (Kestra 1.0+); the repository's ${held.files.length} dashboard file(s) are left alone.`);
}
function textOf$1(node) {
    if (!distExports.isScalar(node) || node.value === null || node.value === undefined)
        return undefined;
    return String(node.value);
}
const BY_FIELDS = "compared by their fields: this server's answers carry no dashboard source";
const NO_DASHBOARD = 'kept because the repository holds no dashboard';
const UNADDRESSABLE = "kept: its id cannot be addressed in Kestra's API (docs/kestra.md#path-segments)";
function planDashboards(held, options) {
    const server = held.server;
    if (!server || !('dashboards' in server) || held.prefixed)
        return [];
    const desired = byId(held.files);
    const base = held.base && byId(held.base);
    const actual = new Map(server.dashboards.map((d) => [d.id, d]));
    const inScope = scopeFilter(options, desired, base);
    const changes = [];
    for (const id of new Set([...desired.keys(), ...actual.keys()])) {
        if (!inScope(id))
            continue;
        const file = desired.get(id);
        const current = actual.get(id);
        const compared = current && comparedOf(current);
        const wanted = file && current ? comparedOf(current, file) : undefined;
        let action;
        if (!current)
            action = 'create';
        else if (file)
            action = wanted === compared ? 'unchanged' : 'update';
        else if (segmentProblem(id) !== undefined)
            action = 'orphaned';
        else
            action = options.deleteEnabled && held.files.length > 0 ? 'delete' : 'orphaned';
        const change = {
            kind: 'dashboard',
            namespace: '',
            section: SECTION,
            id,
            action,
            drifted: false,
            ...(file && { file: file.file, desired: file.source }),
            ...(current &&
                compared !== undefined && {
                current: { compared, ...(current.source !== undefined && { source: current.source }) }
            })
        };
        if (current && current.source === undefined && file)
            change.remark = BY_FIELDS;
        if (action === 'orphaned' && held.files.length === 0)
            change.remark = NO_DASHBOARD;
        else if (action === 'orphaned' && segmentProblem(id) !== undefined)
            change.remark = UNADDRESSABLE;
        const before = action === 'create' ? undefined : compared;
        const after = action === 'delete' || action === 'orphaned' ? undefined : (wanted ?? file?.source);
        if (action !== 'unchanged' && action !== 'orphaned') {
            applyDiff(change, diffTexts(`a/dashboard/${id}`, `b/dashboard/${id}`, before, after, options.limits));
        }
        if (base && current && (action === 'update' || action === 'delete' || action === 'orphaned')) {
            const then = base.get(id);
            change.drifted = then ? comparedOf(current, then) !== compared : action === 'update';
        }
        changes.push(change);
    }
    return changes;
}
function byId(files) {
    const index = new Map();
    for (const file of files) {
        const id = idOf(file.source);
        if (id !== undefined && !index.has(id))
            index.set(id, file);
    }
    return index;
}
function comparedOf(server, dashboard = server) {
    return server.source !== undefined ? dashboard.source : dashboard.fields;
}
const dashboardsDecide = {
    name: 'dashboard',
    order: 2,
    label: 'Dashboards',
    idOf: (change) => change.id,
    planFileIdentity: (change) => ({ id: change.id }),
    fingerprintOf: (r) => [
        'dashboard',
        r.id,
        r.action,
        r.desired === undefined ? null : sha256Hex(r.desired),
        r.current === undefined ? null : sha256Hex(r.current.compared)
    ],
    validate: dashboardFindings,
    plan: (held, options) => (held ? planDashboards(held, options) : []),
    serverText: (change) => change.current?.source,
    newPath: (change, shape) => FILE_NAME.test(change.id)
        ? { path: repositoryPath(shape.rootRel, 'dashboards', `${change.id}.yml`) }
        : { reason: 'its id cannot name a file' }
};
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

async function withServerNames(held, { asked, state, kestra }, exists) {
    if (!kestra)
        return held;
    const unique = new Map(asked.map((ref) => [`${ref.namespace}\0${ref.name}`, ref]));
    const unresolved = [...unique].filter(([key]) => !held.has(key));
    await mapLimit(unresolved, 8, async ([key, { namespace, name }]) => {
        if (state?.has(namespace))
            return;
        if (await exists(kestra, namespace, name))
            held.add(key);
    });
    return held;
}
async function kindFiles(tree, folder, keep, deep = false) {
    if ((await tree.kind(folder)) !== 'folder')
        return [];
    const rules = new IgnoreRules(tree);
    if (await rules.excludes(folder, true))
        return [];
    const walk = await walkTree({
        tree,
        rules,
        mayContain: () => deep,
        limit: (task) => task(),
        from: folder
    });
    const found = [];
    for (const entry of walk.entries) {
        if (entry.kind !== 'file' || !keep(entry.rel))
            continue;
        const text = normaliseText((await tree.read(entry.rel)).toString('utf8'));
        found.push({ file: childOf(tree.rootRel, entry.rel), text });
    }
    return found.sort((a, b) => compareCodeUnits(a.file, b.file));
}
async function readClosing(opening, read) {
    const tree = await opening;
    if (!tree)
        return undefined;
    try {
        return await read(tree);
    }
    finally {
        await tree.close();
    }
}

const FOLDERS = {
    tenant: ['dashboards', '_global/dashboards'],
    namespace: ['dashboards'],
    custom: ['dashboards'],
    anywhere: ['']
};
const YAML_FILE = /\.ya?ml$/;
async function discoverDashboards(tree, layout) {
    const rules = new IgnoreRules(tree);
    const fileOf = (rel) => (tree.rootRel === '' ? rel : `${tree.rootRel}/${rel}`);
    const found = [];
    for (const from of FOLDERS[layout]) {
        if (from !== '' && (await tree.kind(from)) !== 'folder')
            continue;
        if (from !== '' && (await excludedFolder(from, rules)))
            continue;
        const walk = await walkTree({
            tree,
            rules,
            mayContain: () => true,
            limit: (task) => task(),
            from
        });
        for (const entry of walk.entries) {
            if (entry.kind !== 'file' || !YAML_FILE.test(entry.rel))
                continue;
            const source = normaliseText((await tree.read(entry.rel)).toString('utf8'));
            if (layout === 'anywhere' && !looksLikeDashboard(source))
                continue;
            const fields = sourceFields(source);
            found.push({ file: fileOf(entry.rel), source, ...(fields !== undefined && { fields }) });
        }
    }
    return found.sort((a, b) => compareCodeUnits(a.file, b.file));
}
async function excludedFolder(rel, rules) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i++) {
        if (await rules.excludes(parts.slice(0, i).join('/'), true))
            return true;
    }
    return false;
}
function looksLikeDashboard(source) {
    try {
        const value = distExports.parse(source);
        if (!isRecord(value))
            return false;
        return (['id', 'title', 'charts'].every((key) => key in value) &&
            !('type' in value) &&
            !('namespace' in value));
    }
    catch {
        return false;
    }
}
const FIRST_VERSION = [1, 0, 0];
const dashboardsGather = {
    name: 'dashboard',
    async gather(input) {
        const layout = input.layout.layout;
        const prefix = input.target.namespacePrefix;
        if (prefix) {
            return { files: await discoverDashboards(input.workTree, layout), prefixed: prefix };
        }
        const found = discoverDashboards(input.workTree, layout);
        const base = readClosing(input.openBase?.(), (tree) => discoverDashboards(tree, layout));
        const managed = found.then(async (files) => files.length > 0 || !!(await base)?.length);
        const reading = managed.then((yes) => yes && input.kestra && input.work.plan ? readServer(input) : undefined);
        const [files, baseFiles, read] = await Promise.all([found, base, reading]);
        const held = { files, ...(baseFiles && { base: baseFiles }), ...(read && { server: read }) };
        const api = input.kestra;
        if (api &&
            input.settings.serverValidation &&
            files.length > 0 &&
            (!read || 'dashboards' in read)) {
            const supported = read ?? (await readServer(input));
            if ('dashboards' in supported) {
                const verdicts = await Promise.all(files.map((f) => api.validateDashboard(f.source)));
                return { ...held, verdicts: new Map(files.map((f, i) => [f.file, verdicts[i]])) };
            }
            if ('enterpriseOnly' in supported)
                return { ...held, server: supported };
        }
        return held;
    }
};
const ENTERPRISE_ONLY = [2, 0, 0];
async function readServer(input) {
    const api = input.kestra;
    const { version, edition } = await api.info();
    const parsed = parseVersion(version);
    if (parsed && !atLeast(parsed, FIRST_VERSION))
        return { unsupported: version };
    if (parsed && atLeast(parsed, ENTERPRISE_ONLY) && edition.toUpperCase() !== 'EE') {
        return { enterpriseOnly: { version, edition } };
    }
    const dashboards = await api.listDashboards();
    if (!dashboards)
        return { unsupported: version };
    return {
        dashboards: dashboards.map((remote) => ({
            id: remote.id,
            ...(remote.sourceCode !== undefined && { source: normaliseText(remote.sourceCode) }),
            fields: dashboardFields({ ...remote })
        }))
    };
}

const filesApply = {
    name: 'file',
    async write(change, api, deploy) {
        if (change.desired === undefined) {
            return { change, result: 'failed', message: 'the plan holds no content for this file' };
        }
        const bytes = await deploy.readDesiredFile(change);
        if (sha256Hex(bytes) !== change.desired.sha256) {
            return {
                change,
                result: 'failed',
                message: `${change.file ?? resourceName$1(change)} changed on disk after the plan was made`
            };
        }
        const verdict = await freshFile(change, api);
        if (verdict.kind !== 'as-planned')
            return settled(change, verdict);
        await api.uploadFile(change.namespace, change.path, bytes);
        return { change, result: change.action === 'create' ? 'created' : 'updated' };
    },
    async remove(change, api) {
        const verdict = await freshFile(change, api);
        if (verdict.kind !== 'as-planned')
            return settled(change, verdict);
        await api.deleteFile(change.namespace, change.path);
        return { change, result: 'deleted' };
    },
    async held(namespace, api) {
        return (await api.listFiles(namespace)).map((file) => ({
            name: `file ${namespace}:${file.path}`,
            remove: () => api.deleteFile(namespace, file.path)
        }));
    }
};
async function freshFile(change, api) {
    const bytes = await api.getFile(change.namespace, change.path);
    const remote = bytes && sha256Hex(bytes);
    const seen = change.action === 'create' ? undefined : change.current?.sha256;
    if (remote === seen)
        return { kind: 'as-planned' };
    if (remote === (change.action === 'delete' ? undefined : change.desired?.sha256)) {
        return { kind: 'desired' };
    }
    const how = seen === undefined ? 'appeared' : remote === undefined ? 'was deleted' : 'changed';
    return {
        kind: 'moved',
        message: `file ${resourceName$1(change)} ${how} on the server after the plan`
    };
}
const fileVersion = object({
    sha256: sha256Field,
    size: int(),
    revision: int().optional(),
    bytes: string().optional()
});
const recordedFile = recordedSchema('file', { path: string() }, fileVersion, object({ sha256: sha256Field }));
const REVISIONS_SEARCHED = 3;
const filesRollback = {
    name: 'file',
    recordOf(change, { result }) {
        const deleted = result === 'deleted' || change.action === 'delete';
        const before = change.current && { sha256: change.current.sha256, size: change.current.size };
        const deployed = deleted ? undefined : change.desired && { sha256: change.desired.sha256 };
        return {
            resource: { kind: 'file', path: change.path, before, deployed },
            previous: change.previous
        };
    },
    nameOf: (resource, namespace) => `${namespace}:${resource.path}`,
    parse: (value) => recordedFile.safeParse(value).data,
    async locate({ namespace, resource }, history) {
        if (!resource.before || !resource.deployed)
            return resource;
        const none = () => undefined;
        const revisions = await history.fileRevisions(namespace, resource.path).catch(none);
        const newest = [...(revisions ?? [])].sort((a, b) => b - a).slice(0, REVISIONS_SEARCHED);
        for (const revision of newest) {
            const bytes = await history.fileRevision(namespace, resource.path, revision).catch(none);
            if (bytes && sha256Hex(bytes) === resource.before.sha256) {
                return { ...resource, before: { ...resource.before, revision } };
            }
        }
        return resource;
    },
    embed(resource, previous) {
        if (!resource.before || resource.before.revision !== undefined)
            return undefined;
        if (!(previous instanceof Uint8Array))
            return undefined;
        const bytes = Buffer.from(previous).toString('base64');
        return {
            resource: { ...resource, before: { ...resource.before, bytes } },
            size: previous.length
        };
    },
    async restore(item, deployed, api) {
        const { namespace, resource } = item;
        const now = await api.getFile(namespace, resource.path);
        const held = now ? { sha256: sha256Hex(now) } : {};
        return restoreByHash(resource, held, deployed, {
            remove: () => api.deleteFile(namespace, resource.path),
            async putBack(before) {
                await api.uploadFile(namespace, resource.path, await previousBytes(item, before, api));
                return 'previous content restored';
            }
        });
    }
};
async function previousBytes(item, { sha256, size, revision, bytes }, api) {
    if (item.previous instanceof Uint8Array)
        return item.previous;
    if (bytes !== undefined) {
        const recorded = Buffer.from(bytes, 'base64');
        if (sha256Hex(recorded) === sha256)
            return recorded;
    }
    if (revision !== undefined) {
        const stored = await api.fileRevision(item.namespace, item.resource.path, revision);
        if (stored && sha256Hex(stored) === sha256)
            return stored;
        throw new Error(`the server no longer holds revision ${revision} as it was before the deploy`);
    }
    throw new Error(`its previous content (${size} bytes) was too large to keep in the rollback record; restore it from Git`);
}
class NamespaceFileReadError extends ActionError {
    name = 'NamespaceFileReadError';
}
async function readNamespaceFileBytes(entry) {
    if (entry.symlinkEscapes) {
        throw new NamespaceFileReadError(`${entry.file} is a symbolic link that points outside the root folder; it is never read`);
    }
    if (entry.size > MAX_FILE_BYTES) {
        throw new NamespaceFileReadError(`${entry.file} is over the ${MAX_FILE_BYTES / 2 ** 20} MiB limit of a namespace file; it is never read`);
    }
    if (entry.absPath === '') {
        throw new NamespaceFileReadError(`${entry.file} comes from a commit's tree, whose bytes are not kept; compare its sha256 instead`);
    }
    return readFile(entry.absPath, { flag: constants$1.O_RDONLY | (constants$1.O_NOFOLLOW ?? 0) });
}

function baseCovers(base, namespace) {
    if (base === undefined)
        return false;
    return base.deployed === undefined || base.deployed.commits.has(namespace);
}
function outsideGitOf(action, namespace, base, atBase) {
    if (action === 'unchanged' || !baseCovers(base, namespace))
        return undefined;
    if (action === 'create')
        return atBase ? 'deleted' : undefined;
    if (atBase === undefined)
        return base?.partial && action !== 'update' ? undefined : 'created';
    return atBase.differs ? 'edited' : undefined;
}

const filesDecide = {
    name: 'file',
    order: 0,
    label: 'Namespace files',
    marks: binaryMarks,
    kestraPage: (change, kestraUi) => `${kestraUi}/namespaces/edit/${encodeURIComponent(change.namespace)}/files`,
    idOf: (change) => change.path,
    planFileIdentity: (change) => ({ path: change.path }),
    fingerprintOf: (r) => [
        'file',
        r.namespace,
        r.path,
        r.action,
        r.desired?.sha256 ?? null,
        null,
        r.current?.sha256 ?? null
    ],
    validate: ({ model }) => [
        ...model.files.flatMap(namespaceFileFindings),
        ...samePathFindings(model.files)
    ],
    plan: (_reading, options) => planFiles(options),
    newPath: (change, shape) => newFilePath(change.namespace, change.path, shape)
};
function binaryMarks(change) {
    if (change.diffOmitted !== 'binary')
        return [];
    const sides = [change.current, change.action === 'delete' ? undefined : change.desired].filter((side) => side !== undefined);
    const sizes = sides.map((side) => formatBytes(side.size)).join(' → ');
    const hashes = sides.map((side) => side.sha256.slice(0, 12)).join(' → ');
    return [{ text: `binary, ${sizes}, sha256 ${hashes}` }];
}
function formatBytes(size) {
    if (size < 1024)
        return `${size} B`;
    if (size < 1024 * 1024)
        return `${(size / 1024).toFixed(1)} KB`;
    return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}
function newFilePath(namespace, path, shape) {
    const parts = path.split('/').slice(1);
    if (parts.length === 0 || parts.some((part) => ['', '.', '..'].includes(part))) {
        return { reason: 'its path cannot name a repository file' };
    }
    for (const mapping of shape.mappings) {
        if (mapping.namespace !== namespace)
            continue;
        if (mapping.prefix && !path.startsWith(`${mapping.prefix}/`))
            continue;
        return {
            path: repositoryPath(shape.rootRel, mapping.dir, path.slice(mapping.prefix.length + 1))
        };
    }
    if (shape.layout === 'tenant')
        return { path: repositoryPath(shape.rootRel, namespace, 'files', ...parts) };
    if (shape.layout === 'namespace' && shape.namespace === namespace) {
        return { path: repositoryPath(shape.rootRel, 'files', ...parts) };
    }
    return { reason: 'no folder of the repository maps to its namespace' };
}
function markOutside$1(change, base, atBase) {
    const outside = outsideGitOf(change.action, change.namespace, base, atBase);
    change.drifted = outside !== undefined;
    if (outside)
        change.outside = outside;
}
function planFiles(options) {
    const { input } = options;
    if (!input)
        return [];
    const desiredFiles = indexByFile(input.desired.files, (f) => fileKey(f.namespace, f.path));
    const actualFiles = new Map();
    for (const namespace of new Set(input.namespaces)) {
        for (const file of input.actual.get(namespace)?.files ?? [])
            actualFiles.set(fileKey(namespace, file.path), { namespace, file });
    }
    const inScope = scopeFilter(options, desiredFiles, input.base?.files);
    const changes = [];
    for (const key of new Set([...desiredFiles.keys(), ...actualFiles.keys()])) {
        if (!inScope(key))
            continue;
        const desired = desiredFiles.get(key);
        const server = actualFiles.get(key);
        if (desired && !server) {
            const change = fileChange(desired.namespace, desired.path, 'create', options, desired);
            markOutside$1(change, input.base, input.base?.files.has(key) ? { differs: true } : undefined);
            changes.push(change);
            continue;
        }
        if (!server)
            continue;
        const current = server.file.summary;
        const change = fileChange(server.namespace, server.file.path, actionOf(options, desired !== undefined, desired?.sha256 === current.sha256), options, desired, server.file);
        const base = input.base?.files.get(key);
        markOutside$1(change, input.base, base && { differs: base.sha256 !== current.sha256 });
        changes.push(change);
    }
    return changes;
}
function fileChange(namespace, path, action, { limits }, desired, server) {
    const keepsDesired = action === 'create' || action === 'update' || action === 'unchanged';
    const change = {
        kind: 'file',
        namespace,
        path,
        action,
        drifted: false,
        ...(keepsDesired &&
            desired && {
            file: desired.file,
            desired: { sha256: desired.sha256, size: desired.size, binary: desired.binary }
        }),
        ...(server && { current: server.summary })
    };
    if (action !== 'create' && action !== 'update' && action !== 'delete')
        return change;
    if (action !== 'create' && server?.bytes)
        change.previous = server.bytes;
    if ((action !== 'create' && !server?.bytes) || (action !== 'delete' && !desired?.bytes)) {
        throw new Error(`internal error: the content of ${namespace}${path} was dropped before its diff`);
    }
    const before = action === 'create' ? undefined : textOf(server?.bytes);
    const after = action === 'delete' ? undefined : desired?.binary ? null : textOf(desired?.bytes);
    if (before === null || after === null) {
        change.diffOmitted = 'binary';
        return change;
    }
    const name = `${namespace}${path}`;
    applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits));
    return change;
}
function textOf(bytes) {
    return bytes === undefined ? null : (decodeText(bytes) ?? null);
}
const LARGE_FILE_BYTES = 10 * 1024 * 1024;
const MAX_SEGMENT = 255;
const MAX_PATH = 1024;
function namespaceFileFindings(entry) {
    const findings = [];
    const add = (severity, rule, message) => {
        findings.push({
            severity,
            file: entry.file,
            line: 1,
            rule,
            message,
            resource: fileKey(entry.namespace, entry.path)
        });
    };
    for (const problem of pathProblems(entry.path))
        add('error', 'file-path', problem);
    if (/[ +]/.test(entry.path)) {
        add('notice', 'file-name-encoding', `Namespace file path '${entry.path}' contains a space or '+': Kestra 0.x servers encoded these differently (a space became '+'). Prefer names without them`);
    }
    if (entry.symlinkEscapes) {
        add('error', 'file-symlink', 'Symlink points outside root (or is dangling or loops): it is never followed; replace it with the file itself');
    }
    else if (entry.size > MAX_FILE_BYTES) {
        add('error', 'file-size', `Namespace file is ${megabytes(entry.size)} MiB, over the ${megabytes(MAX_FILE_BYTES)} MiB limit: keep large data out of namespace files (use object storage)`);
    }
    else if (entry.size > LARGE_FILE_BYTES) {
        add('warning', 'file-size', `Large upload: namespace file is ${megabytes(entry.size)} MiB (over ${megabytes(LARGE_FILE_BYTES)} MiB). Proxies in front of Kestra may refuse it; consider object storage`);
    }
    return findings;
}
function samePathFindings(files) {
    const first = new Map();
    const findings = [];
    for (const entry of [...files].sort((a, b) => compareCodeUnits(a.file, b.file))) {
        if (entry.symlinkEscapes)
            continue;
        const key = fileKey(entry.namespace, entry.path);
        const earlier = first.get(key);
        if (earlier === undefined) {
            first.set(key, entry);
            continue;
        }
        const name = `${entry.namespace}:${entry.path}`;
        const same = earlier.sha256 === entry.sha256;
        findings.push({
            severity: same ? 'notice' : 'error',
            file: entry.file,
            line: 1,
            rule: 'file-two-sources',
            message: same
                ? `Namespace file ${name} is found in two places with the same content, ${earlier.file} and ${entry.file}: ${earlier.file} is deployed. Delete one to keep one source`
                : `Namespace file ${name} is found in two places with different content, ${earlier.file} and ${entry.file}: only one can be deployed. Keep it in one place (delete or rename the other)`,
            resource: key,
            related: [earlier.file]
        });
    }
    return findings;
}
function pathProblems(path) {
    const problems = [];
    if (!path.startsWith('/'))
        problems.push(`Namespace file path '${path}' must start with '/'`);
    if (path.length > MAX_PATH) {
        problems.push(`Namespace file path is ${path.length} characters long: keep it at most ${MAX_PATH}`);
    }
    if (path.includes('\\'))
        problems.push(`Namespace file path '${path}' contains a backslash: use '/' only`);
    if (/\p{Cc}/u.test(path)) {
        problems.push(`Namespace file path ${JSON.stringify(path)} contains a control character: rename the file`);
    }
    const segments = path.replace(/^\//, '').split('/');
    if (segments.some((segment) => segment === '')) {
        problems.push(`Namespace file path '${path}' has an empty segment ('//' or a trailing '/')`);
    }
    if (segments.some((segment) => segment === '..' || segment === '.') || path.includes('..')) {
        problems.push(`Namespace file path '${path}' contains '..' or '.': Kestra refuses relative paths; rename it`);
    }
    if (segments.some((segment) => segment.length > MAX_SEGMENT)) {
        problems.push(`A file or folder name in '${path}' exceeds the maximum length of ${MAX_SEGMENT} characters`);
    }
    if (path === '/_flows' || path.startsWith('/_flows/')) {
        problems.push(`Namespace file path '${path}' is under /_flows, which Kestra forbids: move it`);
    }
    return problems;
}
function megabytes(bytes) {
    return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');
}

function filesKnown(input) {
    const { model, state } = input;
    const held = new Set(model.files.map((f) => `${f.namespace}\0${f.path}`));
    for (const [namespace, actual] of state ?? []) {
        for (const file of actual.files)
            held.add(`${namespace}\0${file.path}`);
    }
    return withServerNames(held, input, async (api, namespace, path) => (await api.getFile(namespace, path)) !== undefined);
}

function orderWrites(changes, refs, keyOf) {
    const byKey = new Map(changes.map((change) => [keyOf(change), change]));
    const keys = [...byKey.keys()].sort(compareCodeUnits);
    const deps = new Map(keys.map((k) => [k, new Set()]));
    for (const { from, to } of refs) {
        if (from !== to && byKey.has(from) && byKey.has(to))
            deps.get(from).add(to);
    }
    const components = stronglyConnected(keys, deps);
    const cycles = [];
    const rank = new Map();
    for (const component of components) {
        if (component.length < 2)
            continue;
        const sorted = [...component].sort(compareCodeUnits);
        cycles.push(sorted);
        sorted.forEach((key, index) => rank.set(key, index));
    }
    const componentOf = new Map(components.flatMap((component, i) => component.map((k) => [k, i])));
    for (const [from, tos] of deps) {
        for (const to of tos) {
            if (componentOf.get(from) === componentOf.get(to) && rank.get(to) > rank.get(from)) {
                tos.delete(to);
            }
        }
    }
    const level = new Map();
    for (const component of components) {
        for (const key of [...component].sort(compareCodeUnits)) {
            let value = 0;
            for (const dep of deps.get(key))
                value = Math.max(value, level.get(dep) + 1);
            level.set(key, value);
        }
    }
    const waves = [];
    for (const key of keys) {
        const index = level.get(key);
        while (waves.length <= index)
            waves.push([]);
        waves[index].push(byKey.get(key));
    }
    cycles.sort((a, b) => compareCodeUnits(a[0], b[0]));
    const prerequisites = new Map(keys.map((key) => [
        byKey.get(key),
        [...deps.get(key)].sort(compareCodeUnits).map((k) => byKey.get(k))
    ]));
    return { waves, cycles, prerequisites };
}
function stronglyConnected(keys, deps) {
    const index = new Map();
    const low = new Map();
    const onStack = new Set();
    const stack = [];
    const result = [];
    let counter = 0;
    for (const root of keys) {
        if (index.has(root))
            continue;
        const work = [];
        const visit = (key) => {
            index.set(key, counter);
            low.set(key, counter);
            counter++;
            stack.push(key);
            onStack.add(key);
            work.push({ key, next: [...deps.get(key)].sort(compareCodeUnits)[Symbol.iterator]() });
        };
        visit(root);
        while (work.length > 0) {
            const frame = work[work.length - 1];
            const step = frame.next.next();
            if (!step.done) {
                const dep = step.value;
                if (!index.has(dep))
                    visit(dep);
                else if (onStack.has(dep))
                    low.set(frame.key, Math.min(low.get(frame.key), index.get(dep)));
                continue;
            }
            work.pop();
            const parent = work[work.length - 1];
            if (parent)
                low.set(parent.key, Math.min(low.get(parent.key), low.get(frame.key)));
            if (low.get(frame.key) === index.get(frame.key)) {
                const component = [];
                let member;
                do {
                    member = stack.pop();
                    onStack.delete(member);
                    component.push(member);
                } while (member !== frame.key);
                result.push(component);
            }
        }
    }
    return result;
}

const flowsApply = {
    name: 'flow',
    async write(change, api, deploy) {
        const missing = deploy
            .needed(change)
            .filter((needed) => needed.change.kind === 'file' && NOT_APPLIED.has(needed.result));
        if (missing.length > 0) {
            const named = missing.map((f) => `${resourceName$1(f.change)} (${f.result})`).join(', ');
            const message = `not written: it reads namespace file ${named}, which this deploy did not upload`;
            return { change, result: 'skipped', message };
        }
        if (change.desired === undefined) {
            return { change, result: 'failed', message: 'the plan holds no source for this flow' };
        }
        const verdict = await freshFlow(change, api, deploy);
        if (verdict.kind !== 'as-planned')
            return settled(change, verdict);
        if (change.action === 'create')
            return createFlow(change, change.desired, api, deploy);
        try {
            const stored = await api.updateFlow(change.namespace, change.id, change.desired);
            const result = stored.revision === change.current?.revision ? 'unchanged' : 'updated';
            return { change, result, revision: stored.revision };
        }
        catch (error) {
            if (!isStatus(error, 404))
                throw error;
            const message = `flow ${resourceName$1(change)} was deleted on the server during the deploy`;
            return { change, result: 'conflict', message };
        }
    },
    async remove(change, api, deploy) {
        const verdict = await freshFlow(change, api, deploy);
        if (verdict.kind !== 'as-planned')
            return settled(change, verdict);
        try {
            await api.deleteFlow(change.namespace, change.id);
            return { change, result: 'deleted' };
        }
        catch (error) {
            if (!isStatus(error, 404))
                throw error;
            return settled(change, { kind: 'desired' });
        }
    },
    async held(namespace, api) {
        return (await api.listFlows(namespace)).map((flow) => ({
            name: `flow ${namespace}.${flow.id}`,
            remove: () => api.deleteFlow(namespace, flow.id)
        }));
    }
};
async function createFlow(change, desired, api, deploy) {
    try {
        const stored = await api.createFlow(desired);
        return { change, result: 'created', revision: stored.revision };
    }
    catch (error) {
        if (!(error instanceof ApiError && /already exists/i.test(error.serverMessage)))
            throw error;
        const verdict = await freshFlow(change, api, deploy);
        return settled(change, verdict.kind === 'as-planned' ? { kind: 'moved', message: error.message } : verdict);
    }
}
function isStatus(error, status) {
    return error instanceof ApiError && error.status === status;
}
async function freshFlow(change, api, deploy) {
    const listing = () => api.flowRevisions(change.namespace);
    const revision = (await deploy.shared(`revisions ${change.namespace}`, listing)).get(change.id);
    const seen = change.action === 'create' ? undefined : change.current?.revision;
    if (revision === seen)
        return { kind: 'as-planned' };
    const deleting = change.action === 'delete';
    if (deleting && revision === undefined)
        return { kind: 'desired' };
    const stored = deleting || revision === undefined ? undefined : await api.getFlow(change.namespace, change.id);
    if (stored &&
        change.desired !== undefined &&
        comparableFlowSource(stored.source) === comparableFlowSource(change.desired)) {
        return { kind: 'desired', revision: stored.revision };
    }
    const name = `flow ${resourceName$1(change)}`;
    const message = seen === undefined && !deleting
        ? `${name} appeared on the server (revision ${revision}) after the plan`
        : revision === undefined
            ? `${name} was deleted on the server after the plan (it was at revision ${seen})`
            : `${name} changed on the server after the plan (revision ${seen} → ${revision})`;
    return { kind: 'moved', message };
}
const flowVersion = object({ revision: int(), sha256: sha256Field });
const recordedFlow = recordedSchema('flow', { id: string() }, flowVersion);
const flowsRollback = {
    name: 'flow',
    recordOf(change, { result, revision }) {
        const deleted = result === 'deleted' || change.action === 'delete';
        const before = change.current && {
            revision: change.current.revision,
            sha256: flowHash(change.current.source)
        };
        const deployed = deleted
            ? undefined
            : { revision: revision ?? 0, sha256: flowHash(change.desired ?? '') };
        return {
            resource: { kind: 'flow', id: change.id, before, deployed },
            previous: change.current?.source
        };
    },
    nameOf: (resource, namespace) => `${namespace}.${resource.id}`,
    parse: (value) => recordedFlow.safeParse(value).data,
    waves: (items, refs) => orderWrites(items, refs, (item) => flowKey(item.namespace, item.resource.id)).waves.reverse(),
    async restore(item, deployed, api) {
        const { namespace, resource } = item;
        const flow = await api.getFlow(namespace, resource.id);
        const held = flow && {
            sha256: flowHash(flow.source),
            since: resource.deployed ? ` (revision ${resource.deployed.revision} → ${flow.revision})` : ''
        };
        return restoreByHash(resource, held ?? {}, deployed, {
            remove: () => api.deleteFlow(namespace, resource.id),
            async putBack({ revision, sha256 }) {
                const source = typeof item.previous === 'string'
                    ? item.previous
                    : await api.flowRevisionSource(namespace, resource.id, revision);
                if (source === undefined || flowHash(source) !== sha256) {
                    throw new Error(`the server no longer holds revision ${revision} as it was before the deploy`);
                }
                const stored = flow
                    ? await api.updateFlow(namespace, resource.id, source)
                    : await api.createFlow(source);
                return `previous source restored as revision ${stored.revision} (was revision ${revision})`;
            }
        });
    }
};
function flowHash(source) {
    return sha256Hex(comparableFlowSource(source));
}
const POLL_MS = 2000;
async function guardUnfinished(guard) {
    if (guard.policy === 'warn' || guard.flows.length === 0)
        return;
    const deadline = guard.now() + guard.timeoutSeconds * 1000;
    let waited;
    for (;;) {
        const found = await readOrRefuse(guard);
        if (found.length === 0) {
            if (waited)
                guard.log(`The executions waited for have ended: ${waited}.`);
            return;
        }
        if (guard.policy === 'fail') {
            throw new DeployError(`Nothing was deployed: running-executions is fail and ${listText(found)}`);
        }
        const left = deadline - guard.now();
        if (left <= 0) {
            throw new DeployError(`Nothing was deployed: after waiting ${guard.timeoutSeconds} s (running-executions-timeout-seconds), ${listText(found)}`);
        }
        if (!waited) {
            for (const { name, executions } of found) {
                guard.log(`Waiting for ${executions.length} execution${executions.length === 1 ? '' : 's'} not finished of ${name} (up to ${guard.timeoutSeconds} s): ${executions.map((e) => `${e.id} (${e.state})`).join(', ')}`);
            }
            waited = found.flatMap((f) => f.executions.map((e) => e.id)).join(', ');
        }
        await guard.sleep(Math.min(POLL_MS, left));
    }
}
async function readOrRefuse(guard) {
    let byFlow;
    try {
        byFlow = await guard.read();
    }
    catch (error) {
        throw new DeployError(`Nothing was deployed: running-executions is ${guard.policy} and the executions of the flows this deploy updates or deletes could not be read: ${errorMessage(error)}`);
    }
    return guard.flows.flatMap((flow) => {
        const executions = byFlow.get(flowKey(flow.namespace, flow.id)) ?? [];
        return executions.length > 0 ? [{ name: `${flow.namespace}.${flow.id}`, executions }] : [];
    });
}
function listText(found) {
    const lines = found.flatMap(({ name, executions }) => executions.map((e) => `- ${name}: execution ${e.id} (${e.state}) ${e.url}`));
    return `these executions are not finished:\n${lines.join('\n')}\nLet them end (or kill them in Kestra), then run the deploy again; running-executions: warn deploys anyway.`;
}

function nodePosition(flow, node) {
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, column: 1 } : offsetPosition(flow, offset);
}
function offsetPosition(flow, offset) {
    const pos = flow.lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
}
function repeats(items, key) {
    const first = new Map();
    return items.flatMap((item) => {
        const k = key(item);
        const earlier = k === undefined ? undefined : first.get(k);
        if (k !== undefined && earlier === undefined)
            first.set(k, item);
        return earlier === undefined ? [] : [[item, earlier]];
    });
}
class FlowDocument {
    flow;
    doc;
    aliases;
    root;
    constructor(flow, doc) {
        this.flow = flow;
        this.doc = doc;
        this.aliases = analyseAliases(doc, flow.source);
        const contents = this.resolve(doc.contents);
        this.root = distExports.isMap(contents) ? contents : undefined;
    }
    get resource() {
        const id = this.string(this.get(this.root, 'id')?.value);
        const namespace = this.string(this.get(this.root, 'namespace')?.value);
        return id !== undefined && namespace !== undefined ? flowKey(namespace, id) : undefined;
    }
    resolve(node) {
        if (distExports.isAlias(node))
            return this.aliases.targets.get(node);
        if (distExports.isMap(node) || distExports.isSeq(node) || distExports.isScalar(node))
            return node;
        return undefined;
    }
    map(node) {
        const resolved = this.resolve(node);
        return distExports.isMap(resolved) ? resolved : undefined;
    }
    seq(node) {
        const resolved = this.resolve(node);
        return distExports.isSeq(resolved) ? resolved : undefined;
    }
    string(node) {
        const resolved = this.resolve(node);
        return distExports.isScalar(resolved) && ['string', 'number', 'boolean'].includes(typeof resolved.value)
            ? String(resolved.value)
            : undefined;
    }
    isNull(node) {
        const resolved = this.resolve(node);
        return resolved === undefined || (distExports.isScalar(resolved) && resolved.value === null);
    }
    entries(node) {
        const found = [];
        for (const pair of this.map(node)?.items ?? []) {
            if (distExports.isPair(pair) && distExports.isScalar(pair.key)) {
                found.push({ pair, key: pair.key, value: this.resolve(pair.value) });
            }
        }
        return found;
    }
    get(node, key) {
        for (const pair of this.map(node)?.items ?? []) {
            if (distExports.isPair(pair) && distExports.isScalar(pair.key) && String(pair.key.value) === key) {
                return { pair, key: pair.key, value: this.resolve(pair.value) };
            }
        }
        return undefined;
    }
    items(node) {
        const items = this.seq(node)?.items ?? [];
        return items.map((item) => this.resolve(item)).filter((item) => item !== undefined);
    }
    finding(severity, at, rule, message) {
        const { line, column } = typeof at === 'number' ? offsetPosition(this.flow, at) : nodePosition(this.flow, at);
        const finding = { severity, file: this.flow.file, line, column, rule, message };
        const resource = this.resource;
        if (resource !== undefined)
            finding.resource = resource;
        return finding;
    }
    versioned(since, whenUnknown, node, rule, message) {
        const { severity: _, ...finding } = this.finding('error', node, rule, message);
        return { finding, since, whenUnknown };
    }
    onlyFrom(since, node, rule, message) {
        return { ...this.versioned(since, 'warning', node, rule, message), silentBefore: true };
    }
    locateInScalar(node, needle, occurrence = 0) {
        const [start, end] = node.range ?? [0, 0];
        let from = start;
        for (let i = 0;; i++) {
            const at = this.flow.source.indexOf(needle, from);
            if (at < 0 || at + needle.length > end)
                return start;
            if (i === occurrence)
                return at;
            from = at + 1;
        }
    }
}
function applyEdits(source, edits) {
    let out = source;
    for (const edit of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) {
        out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    }
    return out;
}
function replaceScalar(node, value) {
    const range = node.range;
    if (!range)
        return undefined;
    const text = node.type === 'QUOTE_SINGLE'
        ? `'${value.replace(/'/g, "''")}'`
        : node.type === 'PLAIN'
            ? value
            : JSON.stringify(value);
    const empty = range[0] === range[1];
    return { start: range[0], end: range[1], text: empty ? ` ${text}` : text };
}
function pairOf(map, key) {
    return map.items.find((pair) => distExports.isScalar(pair.key) && pair.key.value === key);
}
function scalarValue(node) {
    return distExports.isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'boolean')
        ? String(node.value)
        : undefined;
}
function contentEnd(node) {
    if (distExports.isPair(node))
        return Math.max(contentEnd(node.value) ?? 0, contentEnd(node.key) ?? 0);
    if (!distExports.isMap(node) && !distExports.isSeq(node))
        return node?.range?.[1];
    const last = node.items.at(-1);
    return node.flow || !last ? node.range?.[1] : contentEnd(last);
}
function escape(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function column(source, offset) {
    return offset - (source.lastIndexOf('\n', offset - 1) + 1);
}
function endOfLine(source, offset) {
    const newline = source.indexOf('\n', offset);
    return newline < 0 ? source.length : newline;
}
function insertIntoMap(source, map, entry, after) {
    const last = after ?? map.items.at(-1);
    const end = last && contentEnd(last);
    if (map.flow)
        return intoFlow(source, '}', map, end, entry.flowText);
    const first = map.items[0]?.key;
    if (end === undefined || !first?.range)
        return undefined;
    const indent = ' '.repeat(column(source, first.range[0]));
    const at = endOfLine(source, end);
    return { start: at, end: at, text: entry.lines.map((line) => `\n${indent}${line}`).join('') };
}
function appendToSeq(source, seq, item) {
    const last = seq.items.at(-1);
    const end = last?.range ? (contentEnd(last) ?? last.range[1]) : undefined;
    if (seq.flow)
        return intoFlow(source, ']', seq, end, item.flowText);
    const firstItem = seq.items[0];
    if (end === undefined || !firstItem?.range || !seq.range)
        return undefined;
    const dash = column(source, seq.range[0]);
    const inner = distExports.isMap(firstItem)
        ? column(source, firstItem.items[0]?.key?.range?.[0] ?? firstItem.range[0])
        : dash + 2;
    const at = endOfLine(source, end);
    const [head, ...rest] = item.lines;
    const text = [
        `\n${' '.repeat(dash)}- ${head}`,
        ...rest.map((line) => `\n${' '.repeat(inner)}${line}`)
    ].join('');
    return { start: at, end: at, text };
}
function intoFlow(source, closer, collection, end, text) {
    if (end !== undefined)
        return { start: end, end, text: `, ${text}` };
    const close = source.lastIndexOf(closer, contentEnd(collection));
    return close < 0 ? undefined : { start: close, end: close, text };
}

function declaredInputs$1(document) {
    return inputList(document, document.get(document.root, 'inputs')?.value);
}
function inputList(document, list, form) {
    return document.items(list).flatMap((item) => {
        const map = document.map(item);
        if (!map)
            return [];
        const idEntry = document.get(map, 'id') ?? document.get(map, 'name');
        return {
            map,
            id: document.string(idEntry?.value),
            idEntry,
            type: document.string(document.get(map, 'type')?.value),
            required: document.string(document.get(map, 'required')?.value) !== 'false',
            hasDefaults: !document.isNull(document.get(map, 'defaults')?.value),
            form
        };
    });
}
function children(document, form) {
    return form.type === 'FORM'
        ? inputList(document, document.get(form.map, 'inputs')?.value, form)
        : [];
}
function everyInput(document, inputs = declaredInputs$1(document)) {
    return inputs.flatMap((input) => [input, ...children(document, input)]);
}
function inputPath(input) {
    if (input.id === undefined)
        return undefined;
    return input.form ? `${input.form.id ?? ''}.${input.id}` : input.id;
}

const CHILD_TASK_KEYS = new Set([
    'tasks',
    'then',
    'else',
    'defaults',
    'errors',
    'finally',
    'afterExecution'
]);
const CORE_FLOW_PREFIXES = ['io.kestra.plugin.core.flow.', 'io.kestra.core.tasks.flows.'];
function coreFlowType(type) {
    const prefix = CORE_FLOW_PREFIXES.find((prefix) => type?.startsWith(prefix));
    return prefix && type?.slice(prefix.length);
}
const CORE_FLOWABLE = new Set([
    'Parallel',
    'Sequential',
    'Switch',
    'If',
    'EachSequential',
    'EachParallel',
    'ForEach',
    'Dag',
    'AllowFailure',
    'WorkingDirectory',
    'LoopUntil',
    'Pause'
]);
function taskTree(document) {
    let tree = walked$1.get(document.doc);
    if (!tree)
        walked$1.set(document.doc, (tree = walkTasks(document)));
    return tree;
}
const walked$1 = new WeakMap();
function walkTasks(document) {
    const tree = { tasks: [], triggers: [] };
    const root = document.root;
    if (!root || !document.aliases.safe)
        return tree;
    const walkList = (entry, path, strict, owner, via) => {
        itemsWithOrigin(document, entry.value).forEach(({ node, via: itemVia }, index) => {
            const map = document.map(node);
            if (!map)
                return;
            const at = via ?? itemVia;
            const itemPath = `${path}[${index}]`;
            if (isTaskLike(document, map, strict)) {
                visitTask(map, at, owner, itemPath);
                return;
            }
            const inner = document.get(map, 'task');
            const innerMap = document.map(inner?.value);
            if (inner && innerMap && isTaskLike(document, innerMap, strict)) {
                visitTask(innerMap, at ?? aliasOf(inner.pair.value), owner, `${itemPath}.task`);
            }
        });
    };
    const visitTask = (map, via, parent, path) => {
        const task = describe$2(document, map, via ?? map, path, parent);
        tree.tasks.push(task);
        const childStrict = CORE_FLOWABLE.has(coreFlowType(task.type) ?? '');
        for (const entry of document.entries(map)) {
            const key = String(entry.key.value);
            const entryVia = via ?? aliasOf(entry.pair.value);
            if (key === 'cases') {
                for (const caseEntry of document.entries(entry.value)) {
                    walkList(caseEntry, `${path}.cases.${String(caseEntry.key.value)}`, childStrict, task, entryVia ?? aliasOf(caseEntry.pair.value));
                }
            }
            else if (CHILD_TASK_KEYS.has(key) && document.seq(entry.value)) {
                walkList(entry, `${path}.${key}`, childStrict, task, entryVia);
            }
        }
    };
    for (const entry of document.entries(root)) {
        const key = String(entry.key.value);
        if (key === 'tasks' || key === 'errors' || key === 'finally' || key === 'afterExecution') {
            walkList(entry, key, true);
        }
        else if (key === 'listeners') {
            document.items(entry.value).forEach((listener, index) => {
                const tasks = document.get(listener, 'tasks');
                if (tasks)
                    walkList(tasks, `listeners[${index}].tasks`, true);
            });
        }
        else if (key === 'triggers') {
            itemsWithOrigin(document, entry.value).forEach(({ node, via }, index) => {
                const map = document.map(node);
                if (map)
                    tree.triggers.push(describe$2(document, map, via ?? map, `triggers[${index}]`));
            });
        }
    }
    return tree;
}
function isTaskLike(document, map, strict) {
    const hasId = document.get(map, 'id') !== undefined;
    const hasType = document.get(map, 'type') !== undefined;
    return strict ? hasId || hasType : hasId && hasType;
}
function describe$2(document, map, at, path, parent) {
    const idEntry = document.get(map, 'id');
    const typeEntry = document.get(map, 'type');
    const id = document.string(idEntry?.value);
    const type = document.string(typeEntry?.value);
    return { map, at, path, parent, id, idEntry, type, typeEntry };
}
function itemsWithOrigin(document, value) {
    return (document.seq(value)?.items ?? []).flatMap((item) => {
        const node = document.resolve(item);
        return node === undefined ? [] : [{ node, via: aliasOf(item) }];
    });
}
function aliasOf(node) {
    return distExports.isAlias(node) ? node : undefined;
}
function uncheckedAt(path) {
    if (/\.cases\./.test(path))
        return 'switch-case';
    return /\]\.task(\.|$)/.test(path) ? 'dag-task' : undefined;
}
function taskIdNode(task) {
    if (task.at !== task.map)
        return task.at;
    return task.idEntry?.key ?? task.map;
}
const SUBFLOW_TYPES = new Set([
    'io.kestra.plugin.core.flow.Subflow',
    'io.kestra.core.tasks.flows.Subflow',
    'io.kestra.core.tasks.flows.Flow'
]);
const FOREACH_ITEM_TYPES = new Set([
    'io.kestra.plugin.core.flow.ForEachItem',
    'io.kestra.core.tasks.flows.ForEachItem'
]);
const FLOW_TRIGGER_TYPES = new Set([
    'io.kestra.plugin.core.trigger.Flow',
    'io.kestra.core.models.triggers.types.Flow'
]);
const FLOW_CONDITIONS = new Set([
    'io.kestra.plugin.core.condition.ExecutionFlow',
    'io.kestra.plugin.core.condition.ExecutionFlowCondition',
    'io.kestra.core.models.conditions.types.ExecutionFlowCondition',
    'io.kestra.plugin.core.condition.FlowCondition',
    'io.kestra.core.models.conditions.types.FlowCondition'
]);
const MAP_CONDITIONS = new Set([
    'io.kestra.plugin.core.condition.MultipleCondition',
    'io.kestra.core.models.conditions.types.MultipleCondition'
]);
const LIST_CONDITIONS = new Set([
    'io.kestra.plugin.core.condition.Or',
    'io.kestra.plugin.core.condition.OrCondition',
    'io.kestra.core.models.conditions.types.OrCondition'
]);
const MAX_DEPTH = 16;
function flowLinks(document, tree) {
    const links = [];
    const named = (map) => {
        const namespace = document.get(map, 'namespace');
        const flowId = document.get(map, 'flowId');
        return namespace && flowId ? { namespace, flowId } : undefined;
    };
    for (const task of tree.tasks) {
        if (task.type === undefined)
            continue;
        const via = SUBFLOW_TYPES.has(task.type)
            ? 'subflow'
            : FOREACH_ITEM_TYPES.has(task.type)
                ? 'foreach'
                : undefined;
        const names = via && named(task.map);
        if (via && names)
            links.push({ via, ...names, at: task.at, task });
    }
    const upstream = (node) => {
        const map = document.map(node);
        const names = map && named(map);
        if (map && names)
            links.push({ via: 'flow-trigger', ...names, at: names.flowId.key });
    };
    const condition = (node, depth) => {
        const map = document.map(node);
        if (!map || depth > MAX_DEPTH)
            return;
        const type = document.string(document.get(map, 'type')?.value);
        if (type === undefined)
            return;
        const inner = document.get(map, 'conditions')?.value;
        if (FLOW_CONDITIONS.has(type))
            upstream(map);
        else if (MAP_CONDITIONS.has(type)) {
            for (const entry of document.entries(inner))
                condition(entry.value, depth + 1);
        }
        else if (LIST_CONDITIONS.has(type)) {
            for (const item of document.items(inner))
                condition(item, depth + 1);
        }
    };
    for (const trigger of tree.triggers) {
        if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type))
            continue;
        for (const item of document.items(document.get(trigger.map, 'conditions')?.value)) {
            condition(item, 0);
        }
        const preconditions = document.get(trigger.map, 'preconditions')?.value;
        for (const item of document.items(document.get(preconditions, 'flows')?.value))
            upstream(item);
        for (const item of document.items(document.get(trigger.map, 'dependsOn')?.value))
            upstream(item);
    }
    return links;
}

const V2 = [2, 0, 0];
const USE_LOOP = 'rewrite it with `io.kestra.plugin.core.flow.Loop`, which replaces it in Kestra 2.0';
const REMOVED_TASKS = {
    'io.kestra.plugin.core.flow.ForEach': USE_LOOP,
    'io.kestra.plugin.core.flow.ForEachItem': USE_LOOP,
    'io.kestra.plugin.core.flow.EachSequential': USE_LOOP,
    'io.kestra.plugin.core.flow.EachParallel': USE_LOOP,
    'io.kestra.plugin.core.flow.Template': 'templates are gone: move the template’s tasks into this flow or into a subflow',
    'io.kestra.plugin.core.debug.Echo': 'use `io.kestra.plugin.core.log.Log`',
    'io.kestra.plugin.core.execution.Count': 'use `io.kestra.plugin.kestra.executions.Count` of the Kestra plugin',
    'io.kestra.plugin.core.execution.Resume': 'use `io.kestra.plugin.kestra.executions.Resume` of the Kestra plugin',
    'io.kestra.plugin.core.trigger.Toggle': 'use `io.kestra.plugin.kestra.triggers.Toggle` of the Kestra plugin',
    'io.kestra.plugin.core.log.Fetch': 'use `io.kestra.plugin.kestra.logs.Fetch` of the Kestra plugin',
    'io.kestra.plugin.core.state.Get': 'use the KV store: `io.kestra.plugin.core.kv.Get`',
    'io.kestra.plugin.core.state.Set': 'use the KV store: `io.kestra.plugin.core.kv.Set`',
    'io.kestra.plugin.core.state.Delete': 'use the KV store: `io.kestra.plugin.core.kv.Delete`',
    'io.kestra.plugin.core.storage.LocalFiles': 'use the `inputFiles` of a `io.kestra.plugin.core.flow.WorkingDirectory` or of a script task'
};
const ALIASES = {
    'debugs.Echo': 'debug.Echo',
    'debugs.Return': 'debug.Return',
    'executions.Counts': 'execution.Count',
    'executions.Fail': 'execution.Fail',
    'executions.Labels': 'execution.Labels',
    'flows.AllowFailure': 'flow.AllowFailure',
    'flows.Dag': 'flow.Dag',
    'flows.EachParallel': 'flow.EachParallel',
    'flows.EachSequential': 'flow.EachSequential',
    'flows.Flow': 'flow.Subflow',
    'flows.ForEachItem': 'flow.ForEachItem',
    'flows.If': 'flow.If',
    'flows.Parallel': 'flow.Parallel',
    'flows.Pause': 'flow.Pause',
    'flows.Sequential': 'flow.Sequential',
    'flows.Subflow': 'flow.Subflow',
    'flows.Switch': 'flow.Switch',
    'flows.Template': 'flow.Template',
    'flows.Worker': 'flow.WorkingDirectory',
    'flows.WorkingDirectory': 'flow.WorkingDirectory',
    'log.Fetch': 'log.Fetch',
    'log.Log': 'log.Log',
    'states.Delete': 'state.Delete',
    'states.Get': 'state.Get',
    'states.Set': 'state.Set',
    'storages.Concat': 'storage.Concat',
    'storages.DeduplicateItems': 'storage.DeduplicateItems',
    'storages.Delete': 'storage.Delete',
    'storages.FilterItems': 'storage.FilterItems',
    'storages.LocalFiles': 'storage.LocalFiles',
    'storages.Purge': 'execution.PurgeExecutions',
    'storages.PurgeExecution': 'storage.PurgeCurrentExecutionFiles',
    'storages.Reverse': 'storage.Reverse',
    'storages.Size': 'storage.Size',
    'storages.Split': 'storage.Split',
    'templating.TemplatedTask': 'templating.TemplatedTask',
    'trigger.Toggle': 'trigger.Toggle',
    Flow: 'trigger.Flow',
    Schedule: 'trigger.Schedule',
    Webhook: 'trigger.Webhook'
};
const TASK_ALIAS = 'io.kestra.core.tasks.';
const TRIGGER_ALIAS = 'io.kestra.core.models.triggers.types.';
const REMOVED_INPUT_TYPES = {
    BOOLEAN: 'Use `type: BOOL`, which replaces it (Kestra 0.23 and later)',
    ENUM: 'Use `type: SELECT` with the same `values`, which replaces it'
};
const REMOVED_FLOW_KEYS = {
    pluginDefaults: 'Kestra 2.0 has no flow-level plugin defaults: set these values on the tasks themselves',
    workerGroup: 'Kestra 2.0 flows choose their workers with `workerSelector`'
};
const REMOVED_PLUGIN_KEYS = {
    workerGroup: 'Kestra 2.0 chooses workers with `workerSelector`',
    pluginDefaultsRef: 'Kestra 2.0 has no plugin defaults to refer to: set the values on the task'
};
const REMOVED_TRIGGER_KEYS = {
    conditions: 'Kestra 2.0 triggers take a `when` expression instead: rewrite the conditions as one'
};
const REMOVED_FLOW_TRIGGER_KEYS = {
    preconditions: 'Kestra 2.0’s Flow trigger names the flows it waits for in `dependsOn` (with `window` and `mode`)'
};
const REMOVED_PAUSE_KEYS = {
    delay: 'Use `pauseDuration`, which 1.3 already takes for it ("Deprecated: use `pauseDuration` instead")',
    tasks: 'A 2.0 Pause holds no tasks: move them after the Pause'
};
const REMOVED_RETRY_KEYS = {
    maxAttempt: 'Use `maxAttempts`, the name 1.3 already reads it as'
};
function removedInKestra2Findings(document, tree) {
    const findings = [];
    const property = (owner, removed, where) => {
        for (const entry of document.entries(owner)) {
            const key = String(entry.key.value);
            if (!Object.hasOwn(removed, key))
                continue;
            findings.push(document.onlyFrom(V2, entry.key, 'removed-property', `\`${key}\`${where}: Kestra 2.0 rejects it as an unknown property. ${removed[key]}`));
        }
    };
    property(document.root, REMOVED_FLOW_KEYS, '');
    const retry = (owner, where) => {
        const policy = document.get(owner, 'retry')?.value;
        if (policy)
            property(policy, REMOVED_RETRY_KEYS, ` in the retry${where}`);
    };
    retry(document.root, ' of the flow');
    for (const task of tree.tasks) {
        const where = ` on task '${task.id ?? task.path}'`;
        property(task.map, REMOVED_PLUGIN_KEYS, where);
        if (coreFlowType(task.type) === 'Pause')
            property(task.map, REMOVED_PAUSE_KEYS, where);
        retry(task.map, ` of task '${task.id ?? task.path}'`);
        findings.push(...typeFindings(document, task));
    }
    for (const trigger of tree.triggers) {
        const where = ` on trigger '${trigger.id ?? trigger.path}'`;
        property(trigger.map, { ...REMOVED_PLUGIN_KEYS, ...REMOVED_TRIGGER_KEYS }, where);
        if (FLOW_TRIGGER_TYPES.has(trigger.type ?? '')) {
            property(trigger.map, REMOVED_FLOW_TRIGGER_KEYS, where);
        }
        findings.push(...typeFindings(document, trigger));
    }
    findings.push(...inputTypeFindings(document, tree));
    return findings;
}
function typeFindings(document, node) {
    const type = node.type;
    if (type === undefined || !node.typeEntry)
        return [];
    const aliased = aliasTarget(type);
    const then = entryOf(REMOVED_TASKS, aliased ?? type);
    const message = aliased === undefined
        ? then && `\`${type}\`: Kestra 2.0 has no such task (Invalid type): ${then}`
        : `\`${type}\` is a pre-0.17 name: Kestra 2.0 rejects it (Invalid type). ${then
            ? `It names \`${aliased}\`, which 2.0 has no more either: ${then}`
            : `Use \`${aliased}\`, the class it names, which every release since 0.20 accepts`}`;
    if (message === undefined)
        return [];
    const at = node.typeEntry.value ?? node.typeEntry.key;
    return [document.onlyFrom(V2, at, 'removed-type', message)];
}
function aliasTarget(type) {
    const key = type.startsWith(TASK_ALIAS)
        ? type.slice(TASK_ALIAS.length)
        : type.startsWith(TRIGGER_ALIAS) && !type.slice(TRIGGER_ALIAS.length).includes('.')
            ? type.slice(TRIGGER_ALIAS.length)
            : undefined;
    if (key === undefined || !Object.hasOwn(ALIASES, key))
        return undefined;
    return `io.kestra.plugin.core.${ALIASES[key]}`;
}
function inputTypeEntries(document, tree) {
    const typeOf = (what) => (item) => ({
        what,
        entry: document.get(item, 'type')
    });
    return [
        ...everyInput(document).map((input) => typeOf('Input')(input.map)),
        ...tree.tasks
            .filter((task) => coreFlowType(task.type) === 'Pause')
            .flatMap((task) => document.items(document.get(task.map, 'onResume')?.value))
            .map(typeOf('Input')),
        ...document.items(document.get(document.root, 'outputs')?.value).map(typeOf('Output'))
    ];
}
function inputTypeFindings(document, tree) {
    return inputTypeEntries(document, tree).flatMap(({ what, entry }) => {
        const type = document.string(entry?.value);
        const instead = type === undefined ? undefined : entryOf(REMOVED_INPUT_TYPES, type);
        if (!entry || instead === undefined)
            return [];
        return document.onlyFrom(V2, entry.value ?? entry.key, 'removed-input-type', `${what} type ${type}: Kestra 2.0 rejects it (its \`Type\` has no ${type}). ${instead}`);
    });
}

const FLOW_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const RESERVED_FLOW_IDS = [
    'pause',
    'resume',
    'force-run',
    'change-status',
    'kill',
    'executions',
    'search',
    'source',
    'disable',
    'enable'
];
const REMOVED_KEYS = {
    listeners: 'Use `afterExecution` or a Flow trigger instead',
    taskDefaults: 'On Kestra 1.x rename it to `pluginDefaults`; Kestra 2.0 has no flow-level plugin defaults at all: set the values on the tasks'
};
const V1 = [1, 0, 0];
const SERVER_OWNED_KEYS = new Set(['revision', 'deleted', 'updated', 'tenantId']);
function identityFindings(document) {
    return document
        .entries(document.root)
        .filter((entry) => SERVER_OWNED_KEYS.has(String(entry.key.value)))
        .map((entry) => {
        const key = String(entry.key.value);
        const javaClass = key === 'revision' ? notAnInteger(entry.value) : undefined;
        if (javaClass) {
            return document.finding('error', entry.value ?? entry.key, 'revision-type', `\`revision\` is not a whole number: Kestra 1.3 and 2.0 fail to read the flow ("class ${javaClass} cannot be cast to class java.lang.Integer"). Remove \`revision:\` (the server numbers revisions itself)`);
        }
        return document.finding('warning', entry.key, 'server-owned-key', `\`${key}\` is set by the Kestra server, not by the repository: remove it`);
    });
}
function notAnInteger(node) {
    if (!distExports.isScalar(node) || node.value === null)
        return undefined;
    const { value } = node;
    if (typeof value === 'boolean')
        return 'java.lang.Boolean';
    if (typeof value === 'number') {
        if (!Number.isInteger(value) || /[.eE]/.test(String(node.source ?? value))) {
            return 'java.lang.Double';
        }
        return Math.abs(value) > 2_147_483_647 ? 'java.lang.Long' : undefined;
    }
    if (typeof value !== 'string')
        return undefined;
    const quoted = node.type !== undefined && node.type !== 'PLAIN';
    return quoted || !/\d/.test(value) ? 'java.lang.String' : undefined;
}
function versionedIdentityFindings(document) {
    const findings = [];
    const id = document.get(document.root, 'id');
    const value = document.string(id?.value);
    if (id && value !== undefined && RESERVED_FLOW_IDS.includes(value)) {
        findings.push({
            ...document.versioned(V1, 'warning', id.key, 'reserved-flow-id', `Flow id '${value}' is reserved in Kestra 1.x (${RESERVED_FLOW_IDS.join(', ')}): a 1.x server rejects the flow, while the released 2.0.0 no longer checks it. Rename the flow`),
            until: V2
        });
    }
    return findings.concat(document.entries(document.root).flatMap((entry) => {
        const key = String(entry.key.value);
        if (!Object.hasOwn(REMOVED_KEYS, key))
            return [];
        return document.versioned(V2, 'warning', entry.key, 'removed-key', `\`${key}\` is deprecated: Kestra up to 1.3 accepts it, Kestra 2.0 rejects it as an unknown field. ${REMOVED_KEYS[key]}`);
    }));
}
function namespaceFolderFindings(document, layout) {
    const expected = document.flow.expectedNamespace;
    const entry = document.get(document.root, 'namespace');
    const actual = document.string(entry?.value);
    if (expected === undefined || !entry || actual === undefined || actual === '')
        return [];
    if (actual === expected || actual.startsWith(`${expected}.`))
        return [];
    const source = layout === 'namespace'
        ? `the \`namespace\` input is '${expected}'`
        : `its folder implies namespace '${expected}'`;
    return [
        document.finding('error', entry.value ?? entry.key, 'namespace-folder', `Namespace '${actual}' does not match where the file is: ${source}. Use '${expected}' or a child namespace ('${expected}.…'), or move the file`)
    ];
}
function flowIdentity(document) {
    const id = document.get(document.root, 'id');
    const ns = document.string(document.get(document.root, 'namespace')?.value);
    const value = document.string(id?.value);
    if (!id || ns === undefined || value === undefined)
        return undefined;
    const { line, column } = nodePosition(document.flow, id.key);
    return { namespace: ns, id: value, file: document.flow.file, line, column };
}
function duplicateFlowFindings(identities) {
    const ordered = [...identities].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    return repeats(ordered, ({ namespace, id }) => flowKey(namespace, id)).map(([{ namespace, id, file, line, column }, first]) => ({
        severity: 'error',
        file,
        line,
        column,
        rule: 'duplicate-flow',
        message: `Flow ${namespace}.${id} is already declared in ${first.file}: each flow must live in exactly one file. Remove one or change its id`,
        resource: flowKey(namespace, id)
    }));
}

function dependencyProblems(document, members) {
    const ids = new Set(members.map((m) => m.id).filter((id) => id !== undefined));
    const graph = new Map();
    const unknown = [];
    for (const [index, member] of members.entries()) {
        const deps = [];
        for (const node of document.items(member.dependsOn)) {
            const name = document.string(node);
            if (name === undefined)
                continue;
            deps.push(name);
            if (!ids.has(name))
                unknown.push({ node, name, member: index });
        }
        if (member.id !== undefined)
            graph.set(member.id, deps);
    }
    return { unknown, cycle: findCycle(graph) };
}
function findCycle(graph) {
    const done = new Set();
    const path = [];
    const onPath = new Set();
    const visit = (node) => {
        if (onPath.has(node))
            return [...path.slice(path.indexOf(node)), node];
        if (done.has(node) || !graph.has(node))
            return undefined;
        onPath.add(node);
        path.push(node);
        for (const next of graph.get(node) ?? []) {
            const cycle = visit(next);
            if (cycle)
                return cycle;
        }
        path.pop();
        onPath.delete(node);
        done.add(node);
        return undefined;
    };
    for (const node of [...graph.keys()].sort()) {
        const cycle = visit(node);
        if (cycle)
            return cycle;
    }
    return undefined;
}

const SCHEDULE_TYPES = new Set([
    'io.kestra.plugin.core.trigger.Schedule',
    'io.kestra.core.models.triggers.types.Schedule'
]);
const NICKNAMES = new Set([
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@daily',
    '@midnight',
    '@hourly'
]);
const NICKNAME_LIST = [...NICKNAMES].join(', ');
const SECONDS = { name: 'second', min: 0, max: 59 };
const FIELDS = [
    { name: 'minute', min: 0, max: 59 },
    { name: 'hour', min: 0, max: 23 },
    { name: 'day-of-month', min: 1, max: 31 },
    { name: 'month', min: 1, max: 12 },
    { name: 'day-of-week', min: 0, max: 7 }
];
const NUMBER = /^\d+$/;
const RANGE = /^(\d+)-(\d+)$/;
const STEP = /^(\*|\d+|\d+-\d+)\/\d+$/;
function cronProblem(cron, withSeconds) {
    if (NICKNAMES.has(cron))
        return undefined;
    if (cron === '@reboot')
        return `the nickname @reboot is not supported (${NICKNAME_LIST})`;
    if (/\{[{%]/.test(cron))
        return 'Kestra reads `cron` as written, it renders no Pebble expression in it';
    if (cron.includes('|'))
        return undefined;
    const parts = cron.trim().split(/\s+/).filter(Boolean);
    const fields = withSeconds ? [SECONDS, ...FIELDS] : FIELDS;
    if (parts.some((part) => part.includes('?'))) {
        const seconds = parts.length === 6 && !withSeconds
            ? ', and its first field is seconds: add `withSeconds: true`'
            : '';
        return `Kestra's cron has no \`?\` ("Invalid expression: ?"): write \`*\` in its place${seconds}`;
    }
    if (parts.length !== fields.length) {
        const hint = parts.length === 6 && !withSeconds
            ? '; with a seconds field, add `withSeconds: true`'
            : parts.length === 5 && withSeconds
                ? '; `withSeconds: true` needs a seconds field first'
                : '';
        return `it has ${parts.length} field(s) and Kestra takes ${fields.length} (${fields.map((f) => f.name).join(' ')}) or a nickname (${NICKNAME_LIST})${hint}`;
    }
    for (const [index, part] of parts.entries()) {
        const field = fields[index];
        const special = /[#WL]/i.exec(part)?.[0].toUpperCase();
        if (special === '#')
            return `its ${field.name} field has \`#\` ("Invalid expression: ${part}")`;
        if (special === 'W' ||
            (special === 'L' && (field.name !== 'day-of-month' || /W/i.test(part)))) {
            return `its ${field.name} field has \`${special}\` ("Invalid chars in expression! Expression: ${part}")`;
        }
        const problem = fieldProblem(part, field);
        if (problem)
            return problem;
    }
    return undefined;
}
function dayOfMonthL(cron, withSeconds) {
    const parts = cron.trim().split(/\s+/);
    const day = parts[withSeconds ? 3 : 2];
    if (day === undefined || !/L/i.test(day) || cronProblem(cron, withSeconds) !== undefined) {
        return undefined;
    }
    return day;
}
function fieldProblem(part, field) {
    if (part.endsWith(','))
        return `its ${field.name} field ends with a comma`;
    for (const item of part.split(',')) {
        const step = STEP.exec(item);
        const value = step ? step[1] : item.replace(/^L-?|L$/i, '');
        const range = RANGE.exec(value);
        const bounds = range ? [range[1], range[2]] : NUMBER.test(value) ? [value] : [];
        for (const bound of bounds) {
            const number = Number(bound);
            if (number < field.min || number > field.max) {
                return `its ${field.name} field has ${number}, outside ${field.min}-${field.max}`;
            }
        }
        if (range && Number(range[1]) > Number(range[2])) {
            return `its ${field.name} field has the backwards range ${value}`;
        }
    }
    return undefined;
}
const JAVA_SHORT_IDS = new Set('ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT EST HST IET IST JST MIT MST NET NST PLT PNT PRT PST SST VST'.split(' '));
const REGION_ID = /^[A-Za-z][A-Za-z0-9~/._+-]+$/;
const OFFSET = /^[+-](?:(\d)|(\d\d)|(\d\d)(\d\d)|(\d\d):(\d\d)|(\d\d)(\d\d)(\d\d)|(\d\d):(\d\d):(\d\d))$/;
function timezoneProblem(zone) {
    if (zone.length <= 1 || zone.startsWith('+') || zone.startsWith('-'))
        return offsetProblem(zone);
    const prefix = ['UTC', 'GMT', 'UT'].find((p) => zone.startsWith(p));
    if (prefix !== undefined) {
        const rest = zone.slice(prefix.length);
        if (rest === '')
            return undefined;
        if (rest.startsWith('+') || rest.startsWith('-')) {
            const problem = offsetProblem(rest);
            return problem && `after ${prefix}, ${problem}`;
        }
    }
    if (JAVA_SHORT_IDS.has(zone)) {
        return 'Java takes no abbreviation for a zone: write its region, such as America/Los_Angeles or Europe/London';
    }
    if (!REGION_ID.test(zone)) {
        return 'it is neither an offset (+02:00, UTC+2) nor a region id (letters, digits and ~/._+- only, as in Europe/Paris)';
    }
    let known;
    try {
        known = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    }
    catch {
        return 'no time-zone database knows this region (the IANA names are like Europe/Paris or America/New_York)';
    }
    if (known !== zone && known.toLowerCase() === zone.toLowerCase()) {
        return `region ids are case-sensitive: write ${known}`;
    }
    return undefined;
}
function offsetProblem(offset) {
    if (offset === 'Z')
        return undefined;
    const shape = OFFSET.exec(offset);
    if (!shape) {
        return `an offset is Z, or +h, +hh, +hhmm, +hh:mm, +hhmmss or +hh:mm:ss, and "${offset}" is none of these`;
    }
    const [hours = 0, minutes = 0, seconds = 0] = shape
        .slice(1)
        .filter((group) => group !== undefined)
        .map(Number);
    if (hours > 18 || minutes > 59 || seconds > 59 || (hours === 18 && minutes + seconds > 0)) {
        return `the offset ${offset} is outside -18:00 to +18:00 (or a minute or second past 59)`;
    }
    return undefined;
}
function dayOfMonthLFindings(document, tree) {
    return tree.triggers.flatMap((trigger) => {
        if (trigger.type === undefined || !SCHEDULE_TYPES.has(trigger.type))
            return [];
        const withSeconds = document.string(document.get(trigger.map, 'withSeconds')?.value) === 'true';
        const entry = document.get(trigger.map, 'cron');
        const cron = document.string(entry?.value);
        const day = cron === undefined ? undefined : dayOfMonthL(cron, withSeconds);
        if (!entry || day === undefined)
            return [];
        return {
            ...document.versioned([0, 0, 0], 'warning', entry.value ?? entry.key, 'schedule-cron-l', `Schedule trigger '${trigger.id ?? trigger.path}': Kestra 1.x rejects the cron "${cron}" ("Invalid chars in expression! Expression: ${day}"): its day of the month \`L\` is taken from Kestra 2.0 on. On 1.x write the days instead`),
            silentFrom: [2, 0, 0]
        };
    });
}
function scheduleFindings(document, tree) {
    const findings = [];
    for (const trigger of tree.triggers) {
        if (trigger.type === undefined || !SCHEDULE_TYPES.has(trigger.type))
            continue;
        const name = `Schedule trigger '${trigger.id ?? trigger.path}'`;
        const withSeconds = document.string(document.get(trigger.map, 'withSeconds')?.value) === 'true';
        const checks = [
            {
                key: 'cron',
                rule: 'schedule-cron',
                refused: 'invalid cron expression',
                fix: 'the expression',
                problem: (cron) => cronProblem(cron, withSeconds)
            },
            {
                key: 'timezone',
                rule: 'schedule-timezone',
                refused: 'not a valid time-zone ID',
                fix: 'the timezone',
                problem: timezoneProblem
            }
        ];
        for (const { key, rule, refused, fix, problem } of checks) {
            const entry = document.get(trigger.map, key);
            const value = document.string(entry?.value);
            const why = value === undefined ? undefined : problem(value);
            if (!entry || !why)
                continue;
            findings.push(document.finding('error', entry.value ?? entry.key, rule, `${name}: Kestra rejects the ${key} "${value}" (${refused}): ${why}. Fix ${fix}`));
        }
    }
    return findings;
}

const INPUT_ID_PATTERN = /^[a-zA-Z0-9][.a-zA-Z0-9_-]*$/;
const INPUT_TYPES$1 = new Set([
    'STRING',
    'ENUM',
    'SELECT',
    'MULTISELECT',
    'INT',
    'FLOAT',
    'BOOLEAN',
    'BOOL',
    'DATETIME',
    'DATE',
    'TIME',
    'DURATION',
    'FILE',
    'JSON',
    'URI',
    'SECRET',
    'ARRAY',
    'YAML',
    'EMAIL',
    'FORM',
    'ION',
    'REUSABLE_INPUTS'
]);
const PREFILL_RELEASE = [1, 1, 0];
const NAME_REMOVED = [2, 0, 0];
const REFUSED_ITEM_TYPES = new Set(['ARRAY', 'SECRET', 'MULTISELECT', 'SELECT', 'ENUM']);
const FORM_RELEASE = [1, 3, 25];
const TRIGGER_INPUTS_RELEASE = [2, 0, 0];
const WEBHOOK_TYPES = new Set([
    'io.kestra.plugin.core.trigger.Webhook',
    'io.kestra.core.models.triggers.types.Webhook'
]);
const FILE_DEFAULT_URI = /^(file|nsfile):\/\//;
function inputFindings(document, tree) {
    const inputs = declaredInputs$1(document);
    const leaves = inputs.flatMap((input) => input.type === 'FORM' ? children(document, input) : [input]);
    const dependencies = dependsOnFindings(document, inputs, leaves);
    return {
        findings: [
            ...everyInput(document, inputs).flatMap((input) => oneInputFindings(document, input)),
            ...duplicates(document, inputs, 'input'),
            ...dependencies.fixed,
            ...outputFindings(document)
        ],
        versioned: [
            ...nameFindings(document, everyInput(document, inputs)),
            ...defaultsFindings(document, inputs),
            ...inputs.flatMap((input) => formFindings(document, input)),
            ...pathFindings(document, leaves),
            ...dependencies.onForms,
            ...triggerInputFindings(document, leaves, tree)
        ]
    };
}
function defaultsFindings(document, inputs) {
    const findings = [];
    const add = (node, rule, message) => findings.push(document.versioned(PREFILL_RELEASE, 'error', node, rule, message));
    for (const input of everyInput(document, inputs)) {
        const defaults = document.get(input.map, 'defaults');
        if (!defaults || !input.hasDefaults)
            continue;
        const label = inputLabel(input);
        if (!input.required) {
            add(document.get(input.map, 'required')?.key ?? defaults.key, 'input-defaults-optional', `${label} has \`defaults\` and \`required: false\`: Kestra 1.1 and later refuse it ("Inputs with a default value must be required, since the default is always applied"). Remove \`required: false\`, or replace \`defaults\` with \`prefill\` to keep the input optional`);
        }
        const prefill = document.get(input.map, 'prefill');
        if (prefill && !document.isNull(prefill.value)) {
            add(prefill.key, 'input-defaults-prefill', `${label} has both \`defaults\` and \`prefill\`: Kestra 1.1 and later refuse it ("Inputs with a default value cannot also have a prefill"). Keep one of them`);
        }
    }
    return findings;
}
function nameFindings(document, inputs) {
    return inputs.flatMap((input) => input.idEntry && String(input.idEntry.key.value) === 'name' && !document.get(input.map, 'id')
        ? [
            document.versioned(NAME_REMOVED, 'warning', input.idEntry.key, 'input-name-deprecated', `${inputLabel(input)} is named with \`name:\`: Kestra 2.0 refuses it (Unrecognized field "name"), 1.x reads it as the deprecated spelling of \`id:\`. Rename the key to \`id:\``)
        ]
        : []);
}
function inputLabel(input) {
    const path = inputPath(input);
    return path !== undefined ? `Input '${path}'` : 'Input';
}
function oneInputFindings(document, input) {
    const findings = [];
    const add = (...args) => findings.push(document.finding(...args));
    const map = input.map;
    const idNode = input.idEntry?.key ?? map;
    const label = inputLabel(input);
    if (!input.idEntry) {
        add('error', map, 'input-id', 'Input has no `id`: add one');
    }
    else {
        if (input.id === undefined || !INPUT_ID_PATTERN.test(input.id)) {
            add('error', idNode, 'input-id', `Input id '${input.id ?? ''}' is invalid: use letters, digits, '.', '_' or '-' (no spaces), starting with a letter or digit`);
        }
    }
    const typeEntry = document.get(map, 'type');
    if (!typeEntry || document.isNull(typeEntry.value)) {
        add('error', idNode, 'input-type', `${label} has no \`type\`: add one, e.g. \`type: STRING\``);
    }
    else if (input.type === undefined || !INPUT_TYPES$1.has(input.type)) {
        add('warning', typeEntry.value ?? typeEntry.key, 'input-type', `Input type '${input.type ?? ''}' is not one this action knows (${[...INPUT_TYPES$1].join(', ')}). If your Kestra is newer than this action the server decides; otherwise fix the type`);
    }
    const defaults = document.get(map, 'defaults');
    const literal = document.string(defaults?.value);
    if (defaults &&
        input.type === 'FILE' &&
        literal !== undefined &&
        !/\{[{%]/.test(literal) &&
        !FILE_DEFAULT_URI.test(literal)) {
        add('error', defaults.value ?? defaults.key, 'input-file-defaults', `${label}: a FILE input's \`defaults\` can only be a file:// or nsfile:// URI (e.g. nsfile:///data/input.csv), not '${literal}'. Fix the URI or remove \`defaults\``);
    }
    const itemType = document.get(map, 'itemType');
    const itemTypeValue = document.string(itemType?.value);
    if ((input.type === 'ARRAY' || input.type === 'MULTISELECT') &&
        itemType &&
        itemTypeValue !== undefined &&
        REFUSED_ITEM_TYPES.has(itemTypeValue)) {
        add('error', itemType.value ?? itemType.key, 'input-item-type', `${label}: Kestra refuses this \`itemType\` ("\`itemType\` cannot be ${itemTypeValue}"). Use a scalar type such as STRING`);
    }
    const options = input.type === 'MULTISELECT' && document.get(map, 'values') && document.get(map, 'options');
    if (options) {
        add('warning', options.key, 'input-multiselect', `${label}: Kestra 1.3 loads the flow but fails every execution that gives this input ("you can't define both \`values\` and \`options\`"), and Kestra 2.0 has no \`options\`. Keep \`values\``);
    }
    const validator = document.get(map, 'validator');
    const pattern = document.string(validator?.value);
    if (validator && pattern !== undefined && /(^|[^\\])(\\\\)*\\$/.test(pattern)) {
        add('error', validator.value ?? validator.key, 'input-validator', `${label}: \`validator\` is not a valid regular expression (it ends with a lone backslash). Escape it as \\\\`);
    }
    return findings;
}
function duplicates(document, items, kind) {
    return repeats(items, (item) => (item.idEntry ? item.id : undefined)).map(([item]) => document.finding('error', item.idEntry?.key, `duplicate-${kind}-id`, `Duplicate ${kind} with name [${item.id}]: ${kind} ids must be unique. Rename or remove this one`));
}
function formFindings(document, form) {
    if (form.type !== 'FORM')
        return [];
    const findings = [];
    const label = inputLabel(form);
    const add = (node, message) => findings.push(document.versioned(FORM_RELEASE, 'error', node, 'input-form', message));
    for (const key of ['defaults', 'prefill']) {
        const entry = document.get(form.map, key);
        if (!entry || document.isNull(entry.value))
            continue;
        add(entry.key, `${label} is a FORM: it groups other inputs and cannot declare \`${key}\` (Kestra 2.0 rejects it). Set \`${key}\` on the inputs inside the form`);
    }
    const inputs = document.get(form.map, 'inputs');
    if (!inputs || document.isNull(inputs.value)) {
        add(form.idEntry?.key ?? form.map, `${label} is a FORM without \`inputs\`: list the inputs it groups`);
    }
    for (const child of children(document, form)) {
        if (child.type !== 'FORM')
            continue;
        add(document.get(child.map, 'type')?.value ?? child.map, `${inputLabel(child)} is a FORM inside the FORM '${form.id ?? ''}': forms cannot be nested (Kestra 2.0 rejects it). Move its inputs into '${form.id ?? ''}' or make it a top-level FORM`);
    }
    return findings;
}
function pathFindings(document, leaves) {
    const findings = [];
    const seen = new Map();
    for (const leaf of leaves) {
        const path = inputPath(leaf);
        if (path === undefined)
            continue;
        const add = (severity, rule, message) => findings.push(document.versioned(FORM_RELEASE, severity, leaf.idEntry?.key ?? leaf.map, rule, message));
        const other = seen.get(path);
        if (other && (leaf.form || other.form)) {
            add('error', 'input-path', `Duplicate input path [${path}]: another input (in a FORM or with a dotted id) resolves to the same path (Kestra 2.0 rejects it). Rename one`);
            continue;
        }
        const clash = [...seen.keys()].find((known) => known.startsWith(`${path}.`) || path.startsWith(`${known}.`));
        if (clash !== undefined) {
            const withForm = leaf.form !== undefined || seen.get(clash)?.form !== undefined;
            add('error', withForm ? 'input-path' : 'input-dotted-path', `Input path '${path}' conflicts with '${clash}': one cannot be nested under the other (Kestra 2.0 rejects it). Rename one`);
        }
        seen.set(path, leaf);
    }
    return findings;
}
function dependsOnFindings(document, inputs, leaves) {
    const members = leaves.map((input) => ({
        id: inputPath(input),
        dependsOn: document.get(document.get(input.map, 'dependsOn')?.value, 'inputs')?.value
    }));
    const looseNames = new Set(inputs.flatMap((input) => input.type === 'FORM' ? [input.id, ...children(document, input).map((c) => c.id)] : []));
    const { unknown, cycle } = dependencyProblems(document, members);
    const fixed = [];
    const onForms = [];
    for (const { node, name, member } of unknown) {
        const id = members[member].id ?? '';
        if (looseNames.has(name)) {
            onForms.push(document.versioned(FORM_RELEASE, 'error', node, 'input-form-depends-on', `Input '${id}' depends on '${name}', which is a FORM or an input inside one: Kestra 2.0 knows it only by its full dotted path (e.g. 'form.input') and rejects the flow ("depends on a non-existent input"). Write the dotted path`));
        }
        else {
            fixed.push(document.finding('error', node, 'input-depends-on', `Input with id '${id}' depends on a non-existent input '${name}': fix the name or declare that input`));
        }
    }
    if (cycle) {
        const input = leaves.find((candidate) => inputPath(candidate) === cycle[0]);
        fixed.push(document.finding('error', input?.idEntry?.key ?? input?.map, 'input-depends-on', `Cycle dependency between inputs: ${cycle.join(' → ')}. Remove one dependsOn entry`));
    }
    return { fixed, onForms };
}
function outputFindings(document) {
    const outputs = document.items(document.get(document.root, 'outputs')?.value).flatMap((item) => {
        const map = document.map(item);
        const idEntry = map && document.get(map, 'id');
        return map ? [{ map, idEntry, id: document.string(idEntry?.value) }] : [];
    });
    return [
        ...outputs.flatMap(({ map, idEntry, id }) => !idEntry
            ? [document.finding('error', map, 'output-id', 'Flow output has no `id`: add one')]
            : id === undefined || !INPUT_ID_PATTERN.test(id)
                ? [
                    document.finding('error', idEntry.key, 'output-id', `Output id '${id ?? ''}' is invalid: use letters, digits, '.', '_' or '-', starting with a letter or digit`)
                ]
                : []),
        ...duplicates(document, outputs, 'output')
    ];
}
function triggerInputFindings(document, leaves, tree) {
    const needed = leaves.filter((input) => inputPath(input) !== undefined && input.required && !input.hasDefaults);
    if (needed.length === 0)
        return [];
    return tree.triggers.flatMap((trigger) => {
        const schedule = trigger.type !== undefined && SCHEDULE_TYPES.has(trigger.type);
        const webhook = trigger.type !== undefined && WEBHOOK_TYPES.has(trigger.type);
        if (!schedule && !webhook)
            return [];
        const given = new Set(document.entries(document.get(trigger.map, 'inputs')?.value).map((e) => String(e.key.value)));
        const missing = needed.map((input) => inputPath(input)).filter((id) => !given.has(id));
        if (missing.length === 0)
            return [];
        const name = `'${trigger.id ?? trigger.path}'`;
        const fix = "Add them under the trigger's `inputs` or give them defaults";
        return [
            schedule
                ? document.versioned(TRIGGER_INPUTS_RELEASE, 'warning', trigger.at, 'schedule-missing-inputs', `Schedule trigger ${name} does not supply required input(s) without defaults (${missing.join(', ')}): every scheduled run fails, and Kestra 2.0 rejects the flow. ${fix}`)
                : document.onlyFrom(TRIGGER_INPUTS_RELEASE, trigger.at, 'webhook-missing-inputs', `Webhook trigger ${name} does not supply required input(s) without defaults (${missing.join(', ')}): Kestra 2.0 rejects the flow. ${fix}`)
        ];
    });
}

const LABEL_KEY_PATTERN = /^\p{Ll}[\p{L}0-9._-]*$/u;
const SYSTEM_PREFIX = 'system.';
const READ_ONLY = 'system.readOnly';
const EXECUTION_LABELS_TYPES = new Set([
    'io.kestra.plugin.core.condition.ExecutionLabels',
    'io.kestra.plugin.core.condition.ExecutionLabelsCondition',
    'io.kestra.core.models.conditions.types.ExecutionLabelsCondition'
]);
function labelFindings(document) {
    return labelPairs(document, document.root).flatMap(({ key, node }) => {
        if (key.startsWith(SYSTEM_PREFIX)) {
            if (key === READ_ONLY)
                return [];
            return document.finding('error', node, 'system-label', `Label '${key}': system labels can only be set by Kestra itself (only ${READ_ONLY} is allowed). Rename the label`);
        }
        if (LABEL_KEY_PATTERN.test(key))
            return [];
        return document.finding('warning', node, 'label-key', `Label key '${key}' does not start with a lower-case letter followed by letters, digits, '.', '_' or '-': Kestra 1.2+ rejects it. Rename the label`);
    });
}
function executionLabelFindings(document, tree) {
    const places = [];
    for (const trigger of tree.triggers) {
        const name = `trigger '${trigger.id ?? trigger.path}'`;
        places.push({ owner: trigger.map, where: `on ${name}` });
        for (const condition of document.items(document.get(trigger.map, 'conditions')?.value)) {
            const type = document.string(document.get(condition, 'type')?.value) ?? '';
            if (EXECUTION_LABELS_TYPES.has(type)) {
                places.push({ owner: condition, where: `in an ExecutionLabels condition of ${name}` });
            }
        }
    }
    document.items(document.get(document.root, 'sla')?.value).forEach((sla, index) => {
        const id = document.string(document.get(sla, 'id')?.value);
        places.push({ owner: sla, where: `on SLA '${id ?? `sla[${index}]`}'` });
    });
    for (const task of tree.tasks) {
        const type = task.type ?? '';
        const kind = SUBFLOW_TYPES.has(type) ? 'Subflow' : FOREACH_ITEM_TYPES.has(type) && 'ForEachItem';
        if (kind)
            places.push({ owner: task.map, where: `on ${kind} task '${task.id ?? task.path}'` });
    }
    return places.flatMap(({ owner, where }) => labelPairs(document, owner)
        .filter(({ key }) => key.startsWith(SYSTEM_PREFIX))
        .map(({ key, node }) => document.finding('error', node, 'system-label', `Label '${key}' ${where}: Kestra refuses every label starting with '${SYSTEM_PREFIX}' here, ${READ_ONLY} included (only the flow's own labels may carry it). Rename the label`)));
}
function labelPairs(document, owner) {
    const labels = document.get(owner, 'labels')?.value;
    return [
        ...document.entries(labels).map((entry) => ({ key: String(entry.key.value), node: entry.key })),
        ...document.items(labels).flatMap((item) => {
            const keyEntry = document.get(item, 'key');
            const key = document.string(keyEntry?.value);
            return keyEntry && key !== undefined ? [{ key, node: keyEntry.value ?? keyEntry.key }] : [];
        })
    ];
}

const PLUGIN_DEFAULTS_REF = 'pluginDefaultsRef';
function withFlowDefaults(flow, classOf) {
    const none = { data: flow, added: new Set() };
    if (!isRecord(flow))
        return none;
    const all = flowDefaults(flow);
    if (all.length === 0)
        return none;
    for (const pluginDefault of [...all]) {
        const named = classOf(pluginDefault.type);
        if (named !== undefined && named !== pluginDefault.type)
            all.push({ ...pluginDefault, type: named });
    }
    const typed = all.filter((pluginDefault) => pluginDefault.ref === undefined);
    const refs = refMatches(all.filter((pluginDefault) => pluginDefault.ref !== undefined));
    const defaults = groupedByType(typed.filter((pluginDefault) => !pluginDefault.forced));
    const forced = groupedByType(typed.filter((pluginDefault) => pluginDefault.forced));
    const { pluginDefaults: _, taskDefaults: __, ...rest } = flow;
    let merged = rest;
    if (defaults.length > 0)
        merged = recursiveDefaults(merged, defaults, false);
    const forcedTypes = forced.map(([type]) => type);
    if (refs.size > 0)
        merged = recursiveRefDefaults(merged, refs, forcedTypes);
    if (forced.length > 0)
        merged = recursiveDefaults(merged, forced, true);
    if (refs.size > 0)
        merged = withoutAppliedRefs(merged, refs);
    const data = { ...merged };
    for (const key of ['pluginDefaults', 'taskDefaults'])
        if (key in flow)
            data[key] = flow[key];
    const added = new Set();
    changes(flow, data, '', added);
    return { data, added };
}
function flowDefaults(flow) {
    const list = flow.pluginDefaults ?? flow.taskDefaults;
    if (!Array.isArray(list))
        return [];
    return list.flatMap((item) => {
        if (!isRecord(item) || typeof item.type !== 'string' || !isRecord(item.values))
            return [];
        const forced = item.forced === true || item.forced === 'true';
        const ref = typeof item.ref === 'string' ? item.ref : undefined;
        return [{ type: item.type, forced, values: item.values, ...(ref !== undefined && { ref }) }];
    });
}
function refMatches(named) {
    const byRef = new Map();
    for (const pluginDefault of named) {
        byRef.set(pluginDefault.ref, [...(byRef.get(pluginDefault.ref) ?? []), pluginDefault]);
    }
    return new Map([...byRef].map(([ref, candidates]) => {
        const forced = candidates.filter((candidate) => candidate.forced);
        const winner = forced.at(-1) ?? candidates[0];
        return [ref, { winner, types: [...new Set(candidates.map((candidate) => candidate.type))] }];
    }));
}
function groupedByType(defaults) {
    const groups = new Map();
    for (const pluginDefault of defaults) {
        groups.set(pluginDefault.type, [...(groups.get(pluginDefault.type) ?? []), pluginDefault]);
    }
    return javaHashMapOrder([...groups]);
}
function javaHashMapOrder(entries) {
    let size = 16;
    while (entries.length > size * 0.75)
        size *= 2;
    const bucket = (key) => {
        const hash = javaStringHash(key);
        return (hash ^ (hash >>> 16)) & (size - 1);
    };
    return entries
        .map((entry, index) => ({ entry, index, bucket: bucket(entry[0]) }))
        .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
        .map(({ entry }) => entry);
}
function javaStringHash(text) {
    let hash = 0;
    for (let i = 0; i < text.length; i++)
        hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
    return hash;
}
function recursiveDefaults(node, defaults, forcedPass) {
    if (Array.isArray(node))
        return node.map((item) => recursiveDefaults(item, defaults, forcedPass));
    if (!isRecord(node))
        return node;
    let result = mapChildren(node, (child) => recursiveDefaults(child, defaults, forcedPass));
    if (!('type' in result))
        return result;
    const { value, applied } = applyDefaults(result, defaults, forcedPass);
    result = value;
    if (applied.length > 0) {
        const remaining = javaHashMapOrder(defaults.flatMap(([type, list]) => {
            const kept = list.filter((pluginDefault) => !applied.includes(pluginDefault));
            return kept.length > 0 ? [[type, kept]] : [];
        }));
        if (remaining.length > 0) {
            result = mapChildren(result, (child) => recursiveDefaults(child, remaining, forcedPass));
        }
    }
    return result;
}
function mapChildren(node, map) {
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, map(child)]));
}
function applyDefaults(plugin, defaults, forcedPass) {
    const unchanged = { value: plugin, applied: [] };
    if (PLUGIN_DEFAULTS_REF in plugin && !forcedPass)
        return unchanged;
    const type = plugin.type;
    if (typeof type !== 'string')
        return unchanged;
    const applied = defaults
        .filter(([key]) => key === type || type.startsWith(key))
        .flatMap(([, list]) => list);
    let value = plugin;
    for (const pluginDefault of applied) {
        value = pluginDefault.forced
            ? deepMerge(value, pluginDefault.values)
            : deepMerge(pluginDefault.values, value);
    }
    return { value, applied };
}
function typeMatches(type, types) {
    return typeof type === 'string' && types.some((known) => type === known || type.startsWith(known));
}
function recursiveRefDefaults(node, refs, forcedTypes) {
    if (Array.isArray(node))
        return node.map((item) => recursiveRefDefaults(item, refs, forcedTypes));
    if (!isRecord(node))
        return node;
    const value = mapChildren(node, (child) => recursiveRefDefaults(child, refs, forcedTypes));
    const ref = value[PLUGIN_DEFAULTS_REF];
    const match = typeof ref === 'string' ? refs.get(ref) : undefined;
    if (!match || !typeMatches(value.type, match.types) || typeMatches(value.type, forcedTypes)) {
        return value;
    }
    return match.winner.forced
        ? deepMerge(value, match.winner.values)
        : deepMerge(match.winner.values, value);
}
function withoutAppliedRefs(node, refs) {
    if (Array.isArray(node))
        return node.map((item) => withoutAppliedRefs(item, refs));
    if (!isRecord(node))
        return node;
    const value = mapChildren(node, (child) => withoutAppliedRefs(child, refs));
    const ref = value[PLUGIN_DEFAULTS_REF];
    const match = typeof ref === 'string' ? refs.get(ref) : undefined;
    if (match && typeMatches(value.type, match.types))
        delete value[PLUGIN_DEFAULTS_REF];
    return value;
}
function deepMerge(a, b) {
    if (Object.keys(a).length === 0)
        return b;
    if (Object.keys(b).length === 0)
        return a;
    const result = structuredClone(a);
    for (const [key, valueB] of Object.entries(b)) {
        const valueA = result[key];
        result[key] =
            valueB === null || valueB === undefined
                ? valueA
                : valueA === null || valueA === undefined
                    ? valueB
                    : isRecord(valueA) && isRecord(valueB)
                        ? deepMerge(valueA, valueB)
                        : Array.isArray(valueA) && Array.isArray(valueB)
                            ? [...valueA, ...valueB.filter((item) => !contains(valueA, item))]
                            : valueB;
    }
    return result;
}
function contains(list, item) {
    const text = canonicalJson(item);
    return list.some((other) => canonicalJson(other) === text);
}
function changes(before, after, pointer, out) {
    if (isRecord(after)) {
        for (const [key, value] of Object.entries(after)) {
            const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
            if (!isRecord(before) || !Object.hasOwn(before, key))
                out.add(at);
            else
                changes(before[key], value, at, out);
        }
    }
    else if (Array.isArray(after)) {
        if (!Array.isArray(before) || before.length !== after.length)
            out.add(pointer);
        else
            after.forEach((item, index) => changes(before[index], item, `${pointer}/${index}`, out));
    }
}
const VALUES_CHECKED = [0, 16, 0];
function pluginDefaultFindings(document) {
    return ['pluginDefaults', 'taskDefaults'].flatMap((key) => document.items(document.get(document.root, key)?.value).flatMap((item, index) => {
        const entry = document.map(item);
        const values = document.get(entry, 'values');
        if (!entry || (values && !document.isNull(values.value)))
            return [];
        return document.versioned(VALUES_CHECKED, 'error', values?.key ?? item, 'plugin-default-values', `${key}[${index}] has no \`values\`: Kestra rejects a plugin default without them ("No 'values' provided"). Add the property values or remove the entry`);
    }));
}
function pluginDefaultsRefFindings(document, tree) {
    const refs = new Set(document
        .items(document.get(document.root, 'pluginDefaults')?.value)
        .map((item) => document.string(document.get(item, 'ref')?.value)));
    const findings = [];
    const visit = (plugin) => {
        for (const entry of document.entries(plugin)) {
            if (String(entry.key.value) === 'pluginDefaultsRef') {
                const ref = document.string(entry.value);
                if (ref === undefined || refs.has(ref))
                    continue;
                findings.push(document.finding('warning', entry.value, 'plugin-defaults-ref', `pluginDefaultsRef '${ref}' names no \`ref\` of this flow's pluginDefaults: unless a namespace or instance plugin default has it, Kestra rejects the flow. Add a pluginDefaults entry with \`ref: ${ref}\`, or fix the name`));
            }
            else if (document.get(entry.value, 'type')) {
                visit(entry.value);
            }
        }
    };
    for (const node of [...tree.tasks, ...tree.triggers])
        visit(node.map);
    return findings;
}

function collectReferences(flows) {
    return flows.flatMap((flow) => {
        const doc = flow.documents[0];
        if (flow.notAFlow || !doc)
            return [];
        const document = new FlowDocument(flow, doc);
        return scanFlow(document, taskTree(document), ['read']).references;
    });
}
function referencesAndNamesOf(document, tree = taskTree(document)) {
    return scanFlow(document, tree, ['read', ...NAME_FUNCTIONS]);
}
function scanFlow(document, tree, functions) {
    const { flow } = document;
    if (flow.id === undefined ||
        flow.namespace === undefined ||
        !document.root ||
        !document.aliases.safe) {
        return { references: [], names: [] };
    }
    const fromFlow = flowKey(flow.namespace, flow.id);
    const calls = literalCalls(document, functions);
    const reads = calls.filter((c) => c.name === 'read');
    return {
        references: [
            ...fileReferences(document, reads, flow.namespace, fromFlow),
            ...flowReferences(document, tree, fromFlow)
        ],
        names: nameReferences(calls, { file: flow.file, namespace: flow.namespace, fromFlow })
    };
}
const CALLS = {
    subflow: 'Subflow calls',
    foreach: 'ForEachItem calls',
    'flow-trigger': 'Flow trigger waits for'
};
function referenceFindings(refs, known, serverChecked, fileFoldersOf = () => []) {
    return refs.flatMap((ref) => {
        const site = { file: ref.file, line: ref.line, column: ref.column, resource: ref.fromFlow };
        if (ref.kind === 'file') {
            if (known.hasFile(ref.namespace, ref.path))
                return [];
            return {
                ...site,
                severity: serverChecked ? 'error' : 'warning',
                rule: 'missing-namespace-file',
                message: (serverChecked
                    ? `read('${ref.path}'): namespace file ${ref.path} is neither in the repository nor on the server for namespace ${ref.namespace}. `
                    : `read('${ref.path}'): namespace file ${ref.path} of namespace ${ref.namespace} is not in the repository; the server was not checked. `) +
                    lookedIn(ref.namespace, fileFoldersOf(ref.namespace))
            };
        }
        if (known.hasFlow(ref.namespace, ref.id))
            return [];
        return {
            ...site,
            severity: 'warning',
            rule: 'missing-flow',
            message: `${CALLS[ref.via]} flow ${ref.namespace}.${ref.id}, which is not in the repository${serverChecked ? ' nor on the server' : ' (the server was not checked)'}. Add it or fix namespace/flowId`
        };
    });
}
function fileReferences(document, calls, namespace, fromFlow) {
    return calls.flatMap(({ args, position }) => {
        const path = argument(args, 'path', 0) ?? argument({ ...args, named: new Map() }, 'path', 0);
        const ns = argument(args, 'namespace', 1);
        if (typeof path !== 'string' || ns === null || path.startsWith('kestra://'))
            return [];
        return [
            {
                kind: 'file',
                namespace: ns ?? namespace,
                path: `/${path.replace(/^\/+/, '')}`,
                file: document.flow.file,
                ...position,
                fromFlow
            }
        ];
    });
}
function flowReferences(document, tree, fromFlow) {
    const literal = (node) => {
        const value = document.string(node);
        return value === undefined || /\{[{%]/.test(value) ? undefined : value;
    };
    return flowLinks(document, tree).flatMap((link) => {
        const id = literal(link.flowId.value);
        const namespace = literal(link.namespace.value);
        if (id === undefined || namespace === undefined)
            return [];
        return [
            {
                kind: 'flow',
                via: link.via,
                namespace,
                id,
                file: document.flow.file,
                ...nodePosition(document.flow, link.at),
                fromFlow
            }
        ];
    });
}
function lookedIn(namespace, folders) {
    if (folders.length === 0) {
        return (`No folder holds the files of ${namespace}: keep them in files/${namespace}/ beside the flows, or add a ` +
            `namespace-files line 'DIR -> ${namespace}'; or fix the path`);
    }
    const named = folders.map((folder) => `'${folder}'`).join(', ');
    return `Looked in ${named} under root: add the file there or fix the path`;
}
function knownResources(targets) {
    const has = (kind, key) => targets.get(kind)?.has(key) ?? false;
    return {
        hasFile: (namespace, path) => has('file', `${namespace}\0${path}`),
        hasFlow: (namespace, id) => has('flow', `${namespace}\0${id}`)
    };
}
const NAME_FUNCTIONS = ['secret', 'kv'];
function nameReferences(calls, flow) {
    return calls.flatMap((call) => {
        if (call.name !== 'secret' && call.name !== 'kv')
            return [];
        const name = argument(call.args, 'key', 0);
        const namespace = argument(call.args, 'namespace', 1);
        if (name === undefined || name === null || name === '' || namespace === null)
            return [];
        if (call.name === 'kv' && allowsMissing(call))
            return [];
        return [
            {
                kind: call.name,
                name,
                ...(namespace !== undefined && { namespace }),
                flowNamespace: flow.namespace,
                file: flow.file,
                ...call.position,
                fromFlow: flow.fromFlow
            }
        ];
    });
}
function allowsMissing(call) {
    const raw = call.args.named.get('errorOnMissing') ?? call.args.positional[2];
    return raw !== undefined && raw.trim() !== 'true';
}
function expressions(text) {
    const out = [];
    let at = 0;
    while (at < text.length) {
        const open = text.indexOf('{', at);
        if (open < 0 || open + 1 >= text.length)
            break;
        const kind = text[open + 1];
        if (kind === '#') {
            const close = text.indexOf('#}', open + 2);
            at = close < 0 ? text.length : close + 2;
            continue;
        }
        if (kind !== '{' && kind !== '%') {
            at = open + 1;
            continue;
        }
        const closer = kind === '{' ? '}}' : '%}';
        const start = open + 2;
        const end = closingIndex(text, start, closer);
        const body = text.slice(start, end < 0 ? text.length : end);
        out.push({ start, body });
        at = end < 0 ? text.length : end + 2;
        if (kind === '%' && /^-?\s*raw\s*-?$/.test(body)) {
            const endraw = /\{%-?\s*endraw\s*-?%\}/g;
            endraw.lastIndex = at;
            const found = endraw.exec(text);
            at = found ? found.index + found[0].length : text.length;
        }
    }
    return out;
}
function closingIndex(text, from, closer) {
    let quote;
    for (let i = from; i < text.length; i++) {
        const ch = text[i];
        if (quote) {
            if (ch === '\\')
                i++;
            else if (ch === quote)
                quote = undefined;
        }
        else if (ch === '"' || ch === "'") {
            quote = ch;
        }
        else if (text.startsWith(closer, i)) {
            return i;
        }
    }
    return -1;
}
function blankStrings(body) {
    let out = '';
    let quote;
    for (let i = 0; i < body.length; i++) {
        const ch = body[i];
        if (quote) {
            if (ch === quote) {
                quote = undefined;
                out += ch;
            }
            else if (ch === '\\' && i + 1 < body.length) {
                out += '  ';
                i++;
            }
            else
                out += ch === '\n' ? '\n' : ' ';
        }
        else {
            if (ch === '"' || ch === "'")
                quote = ch;
            out += ch;
        }
    }
    return out;
}
function templatedScalars(doc) {
    const out = [];
    distExports.visit(doc, {
        Scalar(key, node) {
            if (key === 'key')
                return;
            if (distExports.isScalar(node) && typeof node.value === 'string' && /\{[{%]/.test(node.value)) {
                out.push(node);
            }
        }
    });
    return out;
}
function expressionMatches(document, pattern) {
    return templatedScalars(document.doc).flatMap((scalar) => expressions(scalar.value).flatMap(({ start, body }) => {
        const blanked = blankStrings(body);
        return [...blanked.matchAll(pattern)].map((match) => {
            const needle = match[1];
            const occurrence = scalar.value.slice(0, start + match.index).split(needle).length - 1;
            const at = document.locateInScalar(scalar, needle, occurrence);
            return { scalar, body, blanked, match, at };
        });
    }));
}
function dashedReferenceFindings(document, tree) {
    const dashed = {
        inputs: new Set(declaredInputs$1(document).flatMap((input) => (input.id?.includes('-') ? [input.id] : []))),
        outputs: new Set(tree.tasks.flatMap((task) => (task.id?.includes('-') ? [task.id] : [])))
    };
    if (dashed.inputs.size === 0 && dashed.outputs.size === 0)
        return [];
    const reference = /(?<![\w.\]'"])((inputs|outputs)\.([A-Za-z0-9_][A-Za-z0-9_-]*))/g;
    return expressionMatches(document, reference).flatMap(({ match, at }) => {
        const [, needle, kind, name] = match;
        if (!dashed[kind].has(name))
            return [];
        return document.finding('error', at, 'dashed-reference', `Invalid ${kind === 'inputs' ? 'input' : 'output'} reference \`${needle}\`: Pebble reads '-' as a minus. Use bracket notation: ${kind}['${name}']`);
    });
}
function argument(args, name, index) {
    const text = args.named.has(name) ? args.named.get(name) : args.positional[index];
    return text === undefined ? undefined : stringLiteral(text);
}
function literalCalls(document, names) {
    const call = new RegExp(`(?<![\\w.])(${names.join('|')})\\s*\\(`, 'g');
    const description = document.get(document.root, 'description')?.value;
    return expressionMatches(document, call).flatMap(({ scalar, body, blanked, match, at }) => {
        const args = scalar !== description && callArguments(body, blanked, match.index + match[0].length);
        return args
            ? [{ name: match[1], args, position: offsetPosition(document.flow, at) }]
            : [];
    });
}
function callArguments(body, blanked, from) {
    const args = { positional: [], named: new Map() };
    let depth = 0;
    let start = from;
    for (let i = from; i < blanked.length; i++) {
        const ch = blanked[i];
        const closing = ch === ')' || ch === ']' || ch === '}';
        if (ch === '(' || ch === '[' || ch === '{')
            depth++;
        else if (closing && depth > 0)
            depth--;
        else if (closing || (ch === ',' && depth === 0)) {
            const text = body.slice(start, i).trim();
            const namedMatch = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(text);
            if (namedMatch)
                args.named.set(namedMatch[1], namedMatch[2]);
            else if (text !== '')
                args.positional.push(text);
            if (closing)
                return args;
            start = i + 1;
        }
    }
    return undefined;
}
function stringLiteral(text) {
    const match = /^(['"])((?:\\.|(?!\1)[^\\])*)\1$/.exec(text.trim());
    return match ? match[2].replace(/\\(.)/g, '$1') : null;
}

// Generated by `npm run validators` (scripts/flow-validators.ts): do not edit.
// The Kestra releases whose flow validators the build carries, oldest first: each release’s facts, and the
// module of each definition of its schema, loaded before a flow that uses it is validated (loadFlowValidators,
// src/resources/flows/decide-schema.ts).
const FLOW_VALIDATORS = {
  '1.3.31': {
    facts: () => import('./flow-validators/1.3.31.facts.js'),
    definitions: {
      'io.kestra.core.http.client.configurations.BasicAuthConfiguration-1': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.BasicAuthConfiguration-1.js'),
      'io.kestra.core.http.client.configurations.BasicAuthConfiguration-2': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.BasicAuthConfiguration-2.js'),
      'io.kestra.core.http.client.configurations.BearerAuthConfiguration-1': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.BearerAuthConfiguration-1.js'),
      'io.kestra.core.http.client.configurations.BearerAuthConfiguration-2': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.BearerAuthConfiguration-2.js'),
      'io.kestra.core.http.client.configurations.DigestAuthConfiguration-1': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.DigestAuthConfiguration-1.js'),
      'io.kestra.core.http.client.configurations.DigestAuthConfiguration-2': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.DigestAuthConfiguration-2.js'),
      'io.kestra.core.http.client.configurations.HttpConfiguration': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.HttpConfiguration.js'),
      'io.kestra.core.http.client.configurations.ProxyConfiguration': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.ProxyConfiguration.js'),
      'io.kestra.core.http.client.configurations.SslOptions': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.SslOptions.js'),
      'io.kestra.core.http.client.configurations.TimeoutConfiguration': () => import('./flow-validators/1.3.31/io.kestra.core.http.client.configurations.TimeoutConfiguration.js'),
      'io.kestra.core.models.Label': () => import('./flow-validators/1.3.31/io.kestra.core.models.Label.js'),
      'io.kestra.core.models.assets.AssetIdentifier': () => import('./flow-validators/1.3.31/io.kestra.core.models.assets.AssetIdentifier.js'),
      'io.kestra.core.models.assets.AssetsDeclaration': () => import('./flow-validators/1.3.31/io.kestra.core.models.assets.AssetsDeclaration.js'),
      'io.kestra.core.models.assets.External': () => import('./flow-validators/1.3.31/io.kestra.core.models.assets.External.js'),
      'io.kestra.core.models.conditions.Condition': () => import('./flow-validators/1.3.31/io.kestra.core.models.conditions.Condition.js'),
      'io.kestra.core.models.executions.statistics.Flow': () => import('./flow-validators/1.3.31/io.kestra.core.models.executions.statistics.Flow.js'),
      'io.kestra.core.models.flows.Concurrency': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.Concurrency.js'),
      'io.kestra.core.models.flows.DependsOn': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.DependsOn.js'),
      'io.kestra.core.models.flows.Flow': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.Flow.js'),
      'io.kestra.core.models.flows.Output': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.Output.js'),
      'io.kestra.core.models.flows.PluginDefault': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.PluginDefault.js'),
      'io.kestra.core.models.flows.check.Check': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.check.Check.js'),
      'io.kestra.core.models.flows.input.ArrayInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.ArrayInput-1.js'),
      'io.kestra.core.models.flows.input.ArrayInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.ArrayInput-2.js'),
      'io.kestra.core.models.flows.input.BoolInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.BoolInput-1.js'),
      'io.kestra.core.models.flows.input.BoolInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.BoolInput-2.js'),
      'io.kestra.core.models.flows.input.BooleanInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.BooleanInput-1.js'),
      'io.kestra.core.models.flows.input.BooleanInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.BooleanInput-2.js'),
      'io.kestra.core.models.flows.input.DateInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.DateInput-1.js'),
      'io.kestra.core.models.flows.input.DateInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.DateInput-2.js'),
      'io.kestra.core.models.flows.input.DateTimeInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.DateTimeInput-1.js'),
      'io.kestra.core.models.flows.input.DateTimeInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.DateTimeInput-2.js'),
      'io.kestra.core.models.flows.input.DurationInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.DurationInput-1.js'),
      'io.kestra.core.models.flows.input.DurationInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.DurationInput-2.js'),
      'io.kestra.core.models.flows.input.EmailInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.EmailInput-1.js'),
      'io.kestra.core.models.flows.input.EmailInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.EmailInput-2.js'),
      'io.kestra.core.models.flows.input.EnumInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.EnumInput-1.js'),
      'io.kestra.core.models.flows.input.EnumInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.EnumInput-2.js'),
      'io.kestra.core.models.flows.input.FileInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.FileInput-1.js'),
      'io.kestra.core.models.flows.input.FileInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.FileInput-2.js'),
      'io.kestra.core.models.flows.input.FloatInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.FloatInput-1.js'),
      'io.kestra.core.models.flows.input.FloatInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.FloatInput-2.js'),
      'io.kestra.core.models.flows.input.FormInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.FormInput-1.js'),
      'io.kestra.core.models.flows.input.FormInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.FormInput-2.js'),
      'io.kestra.core.models.flows.input.IntInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.IntInput-1.js'),
      'io.kestra.core.models.flows.input.IntInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.IntInput-2.js'),
      'io.kestra.core.models.flows.input.JsonInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.JsonInput-1.js'),
      'io.kestra.core.models.flows.input.JsonInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.JsonInput-2.js'),
      'io.kestra.core.models.flows.input.MultiselectInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.MultiselectInput-1.js'),
      'io.kestra.core.models.flows.input.MultiselectInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.MultiselectInput-2.js'),
      'io.kestra.core.models.flows.input.SecretInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.SecretInput-1.js'),
      'io.kestra.core.models.flows.input.SecretInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.SecretInput-2.js'),
      'io.kestra.core.models.flows.input.SelectInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.SelectInput-1.js'),
      'io.kestra.core.models.flows.input.SelectInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.SelectInput-2.js'),
      'io.kestra.core.models.flows.input.StringInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.StringInput-1.js'),
      'io.kestra.core.models.flows.input.StringInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.StringInput-2.js'),
      'io.kestra.core.models.flows.input.TimeInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.TimeInput-1.js'),
      'io.kestra.core.models.flows.input.TimeInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.TimeInput-2.js'),
      'io.kestra.core.models.flows.input.URIInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.URIInput-1.js'),
      'io.kestra.core.models.flows.input.URIInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.URIInput-2.js'),
      'io.kestra.core.models.flows.input.YamlInput-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.YamlInput-1.js'),
      'io.kestra.core.models.flows.input.YamlInput-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.input.YamlInput-2.js'),
      'io.kestra.core.models.flows.sla.types.ExecutionAssertionSLA-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.sla.types.ExecutionAssertionSLA-1.js'),
      'io.kestra.core.models.flows.sla.types.ExecutionAssertionSLA-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.sla.types.ExecutionAssertionSLA-2.js'),
      'io.kestra.core.models.flows.sla.types.MaxDurationSLA-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.sla.types.MaxDurationSLA-1.js'),
      'io.kestra.core.models.flows.sla.types.MaxDurationSLA-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.flows.sla.types.MaxDurationSLA-2.js'),
      'io.kestra.core.models.listeners.Listener': () => import('./flow-validators/1.3.31/io.kestra.core.models.listeners.Listener.js'),
      'io.kestra.core.models.tasks.Cache': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.Cache.js'),
      'io.kestra.core.models.tasks.NamespaceFiles': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.NamespaceFiles.js'),
      'io.kestra.core.models.tasks.Task': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.Task.js'),
      'io.kestra.core.models.tasks.WorkerGroup': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.WorkerGroup.js'),
      'io.kestra.core.models.tasks.common.EncryptedString': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.common.EncryptedString.js'),
      'io.kestra.core.models.tasks.metrics.CounterMetric-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.metrics.CounterMetric-1.js'),
      'io.kestra.core.models.tasks.metrics.CounterMetric-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.metrics.CounterMetric-2.js'),
      'io.kestra.core.models.tasks.metrics.GaugeMetric-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.metrics.GaugeMetric-1.js'),
      'io.kestra.core.models.tasks.metrics.GaugeMetric-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.metrics.GaugeMetric-2.js'),
      'io.kestra.core.models.tasks.metrics.TimerMetric-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.metrics.TimerMetric-1.js'),
      'io.kestra.core.models.tasks.metrics.TimerMetric-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.metrics.TimerMetric-2.js'),
      'io.kestra.core.models.tasks.retrys.Constant-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.retrys.Constant-1.js'),
      'io.kestra.core.models.tasks.retrys.Constant-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.retrys.Constant-2.js'),
      'io.kestra.core.models.tasks.retrys.Exponential-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.retrys.Exponential-1.js'),
      'io.kestra.core.models.tasks.retrys.Exponential-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.retrys.Exponential-2.js'),
      'io.kestra.core.models.tasks.retrys.Random-1': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.retrys.Random-1.js'),
      'io.kestra.core.models.tasks.retrys.Random-2': () => import('./flow-validators/1.3.31/io.kestra.core.models.tasks.retrys.Random-2.js'),
      'io.kestra.core.models.triggers.TimeWindow': () => import('./flow-validators/1.3.31/io.kestra.core.models.triggers.TimeWindow.js'),
      'io.kestra.plugin.core.condition.DateTimeBetween': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.DateTimeBetween.js'),
      'io.kestra.plugin.core.condition.DayWeek': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.DayWeek.js'),
      'io.kestra.plugin.core.condition.DayWeekInMonth': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.DayWeekInMonth.js'),
      'io.kestra.plugin.core.condition.ExecutionFlow': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.ExecutionFlow.js'),
      'io.kestra.plugin.core.condition.ExecutionLabels': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.ExecutionLabels.js'),
      'io.kestra.plugin.core.condition.ExecutionNamespace': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.ExecutionNamespace.js'),
      'io.kestra.plugin.core.condition.ExecutionOutputs': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.ExecutionOutputs.js'),
      'io.kestra.plugin.core.condition.ExecutionStatus': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.ExecutionStatus.js'),
      'io.kestra.plugin.core.condition.Expression': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.Expression.js'),
      'io.kestra.plugin.core.condition.FlowCondition': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.FlowCondition.js'),
      'io.kestra.plugin.core.condition.FlowNamespaceCondition': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.FlowNamespaceCondition.js'),
      'io.kestra.plugin.core.condition.HasRetryAttempt': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.HasRetryAttempt.js'),
      'io.kestra.plugin.core.condition.MultipleCondition': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.MultipleCondition.js'),
      'io.kestra.plugin.core.condition.Not': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.Not.js'),
      'io.kestra.plugin.core.condition.Or': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.Or.js'),
      'io.kestra.plugin.core.condition.PublicHoliday': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.PublicHoliday.js'),
      'io.kestra.plugin.core.condition.TimeBetween': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.TimeBetween.js'),
      'io.kestra.plugin.core.condition.Weekend': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.condition.Weekend.js'),
      'io.kestra.plugin.core.debug.Echo': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.debug.Echo.js'),
      'io.kestra.plugin.core.debug.Return': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.debug.Return.js'),
      'io.kestra.plugin.core.execution.Assert': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.Assert.js'),
      'io.kestra.plugin.core.execution.Count': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.Count.js'),
      'io.kestra.plugin.core.execution.Exit': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.Exit.js'),
      'io.kestra.plugin.core.execution.Fail': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.Fail.js'),
      'io.kestra.plugin.core.execution.Labels': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.Labels.js'),
      'io.kestra.plugin.core.execution.PurgeExecutions': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.PurgeExecutions.js'),
      'io.kestra.plugin.core.execution.Resume': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.Resume.js'),
      'io.kestra.plugin.core.execution.SetVariables': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.SetVariables.js'),
      'io.kestra.plugin.core.execution.UnsetVariables': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.execution.UnsetVariables.js'),
      'io.kestra.plugin.core.flow.AllowFailure': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.AllowFailure.js'),
      'io.kestra.plugin.core.flow.Dag': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Dag.js'),
      'io.kestra.plugin.core.flow.Dag-DagTask': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Dag-DagTask.js'),
      'io.kestra.plugin.core.flow.EachParallel': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.EachParallel.js'),
      'io.kestra.plugin.core.flow.EachSequential': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.EachSequential.js'),
      'io.kestra.plugin.core.flow.ForEach': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.ForEach.js'),
      'io.kestra.plugin.core.flow.ForEachItem': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.ForEachItem.js'),
      'io.kestra.plugin.core.flow.ForEachItem-Batch': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.ForEachItem-Batch.js'),
      'io.kestra.plugin.core.flow.If': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.If.js'),
      'io.kestra.plugin.core.flow.LoopUntil': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.LoopUntil.js'),
      'io.kestra.plugin.core.flow.LoopUntil-CheckFrequency': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.LoopUntil-CheckFrequency.js'),
      'io.kestra.plugin.core.flow.Parallel': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Parallel.js'),
      'io.kestra.plugin.core.flow.Pause': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Pause.js'),
      'io.kestra.plugin.core.flow.Sequential': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Sequential.js'),
      'io.kestra.plugin.core.flow.Sleep': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Sleep.js'),
      'io.kestra.plugin.core.flow.Subflow': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Subflow.js'),
      'io.kestra.plugin.core.flow.Switch': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Switch.js'),
      'io.kestra.plugin.core.flow.Template': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.Template.js'),
      'io.kestra.plugin.core.flow.WorkingDirectory': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.WorkingDirectory.js'),
      'io.kestra.plugin.core.flow.WorkingDirectory-Cache': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.flow.WorkingDirectory-Cache.js'),
      'io.kestra.plugin.core.http.Download': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.http.Download.js'),
      'io.kestra.plugin.core.http.Request': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.http.Request.js'),
      'io.kestra.plugin.core.http.SseRequest': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.http.SseRequest.js'),
      'io.kestra.plugin.core.http.Trigger': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.http.Trigger.js'),
      'io.kestra.plugin.core.kv.Delete': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Delete.js'),
      'io.kestra.plugin.core.kv.Get': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Get.js'),
      'io.kestra.plugin.core.kv.GetKeys': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.GetKeys.js'),
      'io.kestra.plugin.core.kv.Key-1': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Key-1.js'),
      'io.kestra.plugin.core.kv.Key-2': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Key-2.js'),
      'io.kestra.plugin.core.kv.KvPurgeBehavior': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.KvPurgeBehavior.js'),
      'io.kestra.plugin.core.kv.PurgeKV': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.PurgeKV.js'),
      'io.kestra.plugin.core.kv.Put': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Put.js'),
      'io.kestra.plugin.core.kv.Set': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Set.js'),
      'io.kestra.plugin.core.kv.Version-1': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Version-1.js'),
      'io.kestra.plugin.core.kv.Version-2': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.kv.Version-2.js'),
      'io.kestra.plugin.core.log.Fetch': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.log.Fetch.js'),
      'io.kestra.plugin.core.log.Log': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.log.Log.js'),
      'io.kestra.plugin.core.log.PurgeLogs': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.log.PurgeLogs.js'),
      'io.kestra.plugin.core.metric.Publish': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.metric.Publish.js'),
      'io.kestra.plugin.core.namespace.DeleteFiles': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.namespace.DeleteFiles.js'),
      'io.kestra.plugin.core.namespace.DownloadFiles': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.namespace.DownloadFiles.js'),
      'io.kestra.plugin.core.namespace.FilesPurgeBehavior': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.namespace.FilesPurgeBehavior.js'),
      'io.kestra.plugin.core.namespace.PurgeFiles': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.namespace.PurgeFiles.js'),
      'io.kestra.plugin.core.namespace.UploadFiles': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.namespace.UploadFiles.js'),
      'io.kestra.plugin.core.namespace.Version-1': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.namespace.Version-1.js'),
      'io.kestra.plugin.core.namespace.Version-2': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.namespace.Version-2.js'),
      'io.kestra.plugin.core.output.OutputValues': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.output.OutputValues.js'),
      'io.kestra.plugin.core.state.Delete': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.state.Delete.js'),
      'io.kestra.plugin.core.state.Get': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.state.Get.js'),
      'io.kestra.plugin.core.state.Set': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.state.Set.js'),
      'io.kestra.plugin.core.storage.Concat': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.Concat.js'),
      'io.kestra.plugin.core.storage.DeduplicateItems': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.DeduplicateItems.js'),
      'io.kestra.plugin.core.storage.Delete': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.Delete.js'),
      'io.kestra.plugin.core.storage.FilterItems': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.FilterItems.js'),
      'io.kestra.plugin.core.storage.LocalFiles': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.LocalFiles.js'),
      'io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles.js'),
      'io.kestra.plugin.core.storage.PurgeStorage': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.PurgeStorage.js'),
      'io.kestra.plugin.core.storage.Reverse': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.Reverse.js'),
      'io.kestra.plugin.core.storage.Size': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.Size.js'),
      'io.kestra.plugin.core.storage.Split': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.Split.js'),
      'io.kestra.plugin.core.storage.Write': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.storage.Write.js'),
      'io.kestra.plugin.core.templating.TemplatedTask': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.templating.TemplatedTask.js'),
      'io.kestra.plugin.core.trigger.Flow': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Flow.js'),
      'io.kestra.plugin.core.trigger.Flow-ExecutionFilter': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Flow-ExecutionFilter.js'),
      'io.kestra.plugin.core.trigger.Flow-Filter': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Flow-Filter.js'),
      'io.kestra.plugin.core.trigger.Flow-Preconditions': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Flow-Preconditions.js'),
      'io.kestra.plugin.core.trigger.Flow-UpstreamFlow': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Flow-UpstreamFlow.js'),
      'io.kestra.plugin.core.trigger.Schedule': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Schedule.js'),
      'io.kestra.plugin.core.trigger.ScheduleOnDates': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.ScheduleOnDates.js'),
      'io.kestra.plugin.core.trigger.Toggle': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Toggle.js'),
      'io.kestra.plugin.core.trigger.Webhook': () => import('./flow-validators/1.3.31/io.kestra.plugin.core.trigger.Webhook.js'),
      'java.lang.Void': () => import('./flow-validators/1.3.31/java.lang.Void.js'),
      'java.nio.charset.Charset': () => import('./flow-validators/1.3.31/java.nio.charset.Charset.js'),
    }
  },
  '2.0.0': {
    facts: () => import('./flow-validators/2.0.0.facts.js'),
    definitions: {
      'io.kestra.core.http.client.configurations.BasicAuthConfiguration-2': () => import('./flow-validators/2.0.0/io.kestra.core.http.client.configurations.BasicAuthConfiguration-2.js'),
      'io.kestra.core.http.client.configurations.BearerAuthConfiguration-2': () => import('./flow-validators/2.0.0/io.kestra.core.http.client.configurations.BearerAuthConfiguration-2.js'),
      'io.kestra.core.http.client.configurations.DigestAuthConfiguration-2': () => import('./flow-validators/2.0.0/io.kestra.core.http.client.configurations.DigestAuthConfiguration-2.js'),
      'io.kestra.core.http.client.configurations.HttpConfiguration': () => import('./flow-validators/2.0.0/io.kestra.core.http.client.configurations.HttpConfiguration.js'),
      'io.kestra.core.http.client.configurations.ProxyConfiguration': () => import('./flow-validators/2.0.0/io.kestra.core.http.client.configurations.ProxyConfiguration.js'),
      'io.kestra.core.http.client.configurations.SslOptions': () => import('./flow-validators/2.0.0/io.kestra.core.http.client.configurations.SslOptions.js'),
      'io.kestra.core.http.client.configurations.TimeoutConfiguration': () => import('./flow-validators/2.0.0/io.kestra.core.http.client.configurations.TimeoutConfiguration.js'),
      'io.kestra.core.models.Label': () => import('./flow-validators/2.0.0/io.kestra.core.models.Label.js'),
      'io.kestra.core.models.assets.AssetIdentifier': () => import('./flow-validators/2.0.0/io.kestra.core.models.assets.AssetIdentifier.js'),
      'io.kestra.core.models.assets.AssetsDeclaration': () => import('./flow-validators/2.0.0/io.kestra.core.models.assets.AssetsDeclaration.js'),
      'io.kestra.core.models.assets.External': () => import('./flow-validators/2.0.0/io.kestra.core.models.assets.External.js'),
      'io.kestra.core.models.flows.Concurrency': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.Concurrency.js'),
      'io.kestra.core.models.flows.DependsOn': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.DependsOn.js'),
      'io.kestra.core.models.flows.Flow': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.Flow.js'),
      'io.kestra.core.models.flows.Output': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.Output.js'),
      'io.kestra.core.models.flows.check.Check': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.check.Check.js'),
      'io.kestra.core.models.flows.input.ArrayInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.ArrayInput-2.js'),
      'io.kestra.core.models.flows.input.BoolInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.BoolInput-2.js'),
      'io.kestra.core.models.flows.input.DateInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.DateInput-2.js'),
      'io.kestra.core.models.flows.input.DateTimeInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.DateTimeInput-2.js'),
      'io.kestra.core.models.flows.input.DurationInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.DurationInput-2.js'),
      'io.kestra.core.models.flows.input.EmailInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.EmailInput-2.js'),
      'io.kestra.core.models.flows.input.FileInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.FileInput-2.js'),
      'io.kestra.core.models.flows.input.FloatInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.FloatInput-2.js'),
      'io.kestra.core.models.flows.input.FormInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.FormInput-2.js'),
      'io.kestra.core.models.flows.input.IntInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.IntInput-2.js'),
      'io.kestra.core.models.flows.input.IonInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.IonInput-2.js'),
      'io.kestra.core.models.flows.input.JsonInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.JsonInput-2.js'),
      'io.kestra.core.models.flows.input.MultiselectInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.MultiselectInput-2.js'),
      'io.kestra.core.models.flows.input.ReusableInputsInput-1': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.ReusableInputsInput-1.js'),
      'io.kestra.core.models.flows.input.ReusableInputsInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.ReusableInputsInput-2.js'),
      'io.kestra.core.models.flows.input.SecretInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.SecretInput-2.js'),
      'io.kestra.core.models.flows.input.SelectInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.SelectInput-2.js'),
      'io.kestra.core.models.flows.input.StringInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.StringInput-2.js'),
      'io.kestra.core.models.flows.input.TimeInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.TimeInput-2.js'),
      'io.kestra.core.models.flows.input.URIInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.URIInput-2.js'),
      'io.kestra.core.models.flows.input.ValueOption-ValueOptionObject': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.ValueOption-ValueOptionObject.js'),
      'io.kestra.core.models.flows.input.YamlInput-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.input.YamlInput-2.js'),
      'io.kestra.core.models.flows.quota.Quota': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.quota.Quota.js'),
      'io.kestra.core.models.flows.sla.types.ExecutionAssertionSLA-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.sla.types.ExecutionAssertionSLA-2.js'),
      'io.kestra.core.models.flows.sla.types.MaxDurationSLA-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.flows.sla.types.MaxDurationSLA-2.js'),
      'io.kestra.core.models.tasks.Cache': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.Cache.js'),
      'io.kestra.core.models.tasks.NamespaceFiles': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.NamespaceFiles.js'),
      'io.kestra.core.models.tasks.Task': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.Task.js'),
      'io.kestra.core.models.tasks.WorkerSelector': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.WorkerSelector.js'),
      'io.kestra.core.models.tasks.common.EncryptedString': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.common.EncryptedString.js'),
      'io.kestra.core.models.tasks.metrics.CounterMetric-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.metrics.CounterMetric-2.js'),
      'io.kestra.core.models.tasks.metrics.GaugeMetric-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.metrics.GaugeMetric-2.js'),
      'io.kestra.core.models.tasks.metrics.TimerMetric-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.metrics.TimerMetric-2.js'),
      'io.kestra.core.models.tasks.retrys.Constant-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.retrys.Constant-2.js'),
      'io.kestra.core.models.tasks.retrys.Exponential-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.retrys.Exponential-2.js'),
      'io.kestra.core.models.tasks.retrys.Random-2': () => import('./flow-validators/2.0.0/io.kestra.core.models.tasks.retrys.Random-2.js'),
      'io.kestra.core.models.triggers.Window': () => import('./flow-validators/2.0.0/io.kestra.core.models.triggers.Window.js'),
      'io.kestra.plugin.core.debug.Return': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.debug.Return.js'),
      'io.kestra.plugin.core.execution.Assert': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.execution.Assert.js'),
      'io.kestra.plugin.core.execution.Exit': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.execution.Exit.js'),
      'io.kestra.plugin.core.execution.Fail': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.execution.Fail.js'),
      'io.kestra.plugin.core.execution.Labels': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.execution.Labels.js'),
      'io.kestra.plugin.core.execution.PurgeExecutions': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.execution.PurgeExecutions.js'),
      'io.kestra.plugin.core.execution.SetVariables': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.execution.SetVariables.js'),
      'io.kestra.plugin.core.execution.UnsetVariables': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.execution.UnsetVariables.js'),
      'io.kestra.plugin.core.flow.AllowFailure': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.AllowFailure.js'),
      'io.kestra.plugin.core.flow.Dag': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Dag.js'),
      'io.kestra.plugin.core.flow.Dag-DagTask': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Dag-DagTask.js'),
      'io.kestra.plugin.core.flow.If': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.If.js'),
      'io.kestra.plugin.core.flow.Loop': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Loop.js'),
      'io.kestra.plugin.core.flow.LoopUntil': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.LoopUntil.js'),
      'io.kestra.plugin.core.flow.LoopUntil-CheckFrequency': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.LoopUntil-CheckFrequency.js'),
      'io.kestra.plugin.core.flow.Parallel': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Parallel.js'),
      'io.kestra.plugin.core.flow.Pause': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Pause.js'),
      'io.kestra.plugin.core.flow.PurgeFlows': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.PurgeFlows.js'),
      'io.kestra.plugin.core.flow.Sequential': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Sequential.js'),
      'io.kestra.plugin.core.flow.Sleep': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Sleep.js'),
      'io.kestra.plugin.core.flow.Subflow': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Subflow.js'),
      'io.kestra.plugin.core.flow.Switch': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Switch.js'),
      'io.kestra.plugin.core.flow.Version': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.Version.js'),
      'io.kestra.plugin.core.flow.WorkingDirectory': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.WorkingDirectory.js'),
      'io.kestra.plugin.core.flow.WorkingDirectory-Cache': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.flow.WorkingDirectory-Cache.js'),
      'io.kestra.plugin.core.http.Download': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.http.Download.js'),
      'io.kestra.plugin.core.http.Request': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.http.Request.js'),
      'io.kestra.plugin.core.http.SseRequest': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.http.SseRequest.js'),
      'io.kestra.plugin.core.http.Trigger': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.http.Trigger.js'),
      'io.kestra.plugin.core.kv.Delete': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.Delete.js'),
      'io.kestra.plugin.core.kv.Get': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.Get.js'),
      'io.kestra.plugin.core.kv.GetKeys': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.GetKeys.js'),
      'io.kestra.plugin.core.kv.Key-2': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.Key-2.js'),
      'io.kestra.plugin.core.kv.KvPurgeBehavior': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.KvPurgeBehavior.js'),
      'io.kestra.plugin.core.kv.PurgeKV': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.PurgeKV.js'),
      'io.kestra.plugin.core.kv.Put': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.Put.js'),
      'io.kestra.plugin.core.kv.Set': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.Set.js'),
      'io.kestra.plugin.core.kv.Version-2': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.kv.Version-2.js'),
      'io.kestra.plugin.core.log.Log': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.log.Log.js'),
      'io.kestra.plugin.core.log.PurgeLogs': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.log.PurgeLogs.js'),
      'io.kestra.plugin.core.metric.Publish': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.metric.Publish.js'),
      'io.kestra.plugin.core.namespace.DeleteFiles': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.namespace.DeleteFiles.js'),
      'io.kestra.plugin.core.namespace.DownloadFiles': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.namespace.DownloadFiles.js'),
      'io.kestra.plugin.core.namespace.FilesPurgeBehavior': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.namespace.FilesPurgeBehavior.js'),
      'io.kestra.plugin.core.namespace.PurgeFiles': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.namespace.PurgeFiles.js'),
      'io.kestra.plugin.core.namespace.UploadFiles': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.namespace.UploadFiles.js'),
      'io.kestra.plugin.core.namespace.Version-2': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.namespace.Version-2.js'),
      'io.kestra.plugin.core.output.OutputValues': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.output.OutputValues.js'),
      'io.kestra.plugin.core.storage.Concat': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.Concat.js'),
      'io.kestra.plugin.core.storage.DeduplicateItems': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.DeduplicateItems.js'),
      'io.kestra.plugin.core.storage.Delete': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.Delete.js'),
      'io.kestra.plugin.core.storage.FilterItems': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.FilterItems.js'),
      'io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.PurgeCurrentExecutionFiles.js'),
      'io.kestra.plugin.core.storage.PurgeStorage': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.PurgeStorage.js'),
      'io.kestra.plugin.core.storage.Reverse': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.Reverse.js'),
      'io.kestra.plugin.core.storage.Size': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.Size.js'),
      'io.kestra.plugin.core.storage.Split': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.Split.js'),
      'io.kestra.plugin.core.storage.Write': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.storage.Write.js'),
      'io.kestra.plugin.core.templating.TemplatedTask': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.templating.TemplatedTask.js'),
      'io.kestra.plugin.core.trigger.Flow': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.trigger.Flow.js'),
      'io.kestra.plugin.core.trigger.Flow-Dependency': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.trigger.Flow-Dependency.js'),
      'io.kestra.plugin.core.trigger.McpToolTrigger': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.trigger.McpToolTrigger.js'),
      'io.kestra.plugin.core.trigger.McpToolTrigger-Annotations': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.trigger.McpToolTrigger-Annotations.js'),
      'io.kestra.plugin.core.trigger.Schedule': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.trigger.Schedule.js'),
      'io.kestra.plugin.core.trigger.ScheduleOnDates': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.trigger.ScheduleOnDates.js'),
      'io.kestra.plugin.core.trigger.Webhook': () => import('./flow-validators/2.0.0/io.kestra.plugin.core.trigger.Webhook.js'),
      'java.lang.Void': () => import('./flow-validators/2.0.0/java.lang.Void.js'),
      'java.nio.charset.Charset': () => import('./flow-validators/2.0.0/java.nio.charset.Charset.js'),
    }
  },
};

const SCHEMA_RELEASES = Object.keys(FLOW_VALIDATORS)
    .map((version) => ({ line: version.split('.').slice(0, 2).join('.'), version }))
    .sort((a, b) => (atLeast(parseVersion(a.version), parseVersion(b.version)) ? 1 : -1));
const JAVA_DURATION = /^[-+]?P(?:[-+]?\d+D)?(?:T(?:[-+]?\d+H)?(?:[-+]?\d+M)?(?:[-+]?\d+(?:[.,]\d{0,9})?S)?)?$/i;
const FORMATS$1 = {
    duration: (text) => text.length > 1 && JAVA_DURATION.test(text)
};
const facts = new Map();
const loaded$1 = new Map();
async function loadFlowValidators(releases, types = []) {
    await Promise.all(SCHEMA_RELEASES.map(async ({ version }) => {
        if (facts.has(version))
            return;
        const { FACTS } = await FLOW_VALIDATORS[version].facts();
        facts.set(version, { ...FACTS, known: new Set(FACTS.types) });
    }));
    const named = [...types];
    await Promise.all(releases.flatMap(({ version }) => {
        const release = facts.get(version);
        const made = loaded$1.get(version) ?? new Map();
        loaded$1.set(version, made);
        const definitions = new Set([
            release.root,
            ...named.flatMap((type) => {
                const definition = entryOf(release.classes, type);
                return definition === undefined ? [] : [definition];
            })
        ]);
        return [...definitions]
            .filter((name) => !made.has(name))
            .map(async (name) => {
            made.set(name, (await FLOW_VALIDATORS[version].definitions[name]()).default);
        });
    }));
}
function flowTypes(docs) {
    const types = new Set();
    for (const doc of docs) {
        if (!doc)
            continue;
        distExports.visit(doc, {
            Pair(_, pair) {
                if (!distExports.isScalar(pair.key) || pair.key.value !== 'type')
                    return;
                const value = distExports.isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
                if (distExports.isScalar(value) && typeof value.value === 'string')
                    types.add(value.value);
            }
        });
    }
    return types;
}
function bundledValidators(version) {
    const found = facts.get(version);
    if (found === undefined)
        throw notLoaded(version);
    return found;
}
function notLoaded(version, definition) {
    return new Error(`The flow validator${definition === undefined ? 's' : ` of ${definition}`} of Kestra ${version} ${definition === undefined ? 'are' : 'is'} not loaded: await loadFlowValidators with the flow's types before validating it`);
}
const compiled = new Map();
function validatorOf(version) {
    let validate = compiled.get(version);
    if (validate)
        return validate;
    const release = bundledValidators(version);
    const made = loaded$1.get(version);
    if (made === undefined)
        throw notLoaded(version);
    const runtime = { ucs2length: commonJsDefault(ucs2length), equal: commonJsDefault(equal) };
    const byType = (choices, data, instancePath) => {
        const type = isRecord(data) ? data.type : undefined;
        const name = typeof type === 'string' && Object.hasOwn(choices, type) ? choices[type] : undefined;
        if (name === undefined && typeof type === 'string' && !release.known.has(type)) {
            const elsewhere = SCHEMA_RELEASES.filter((other) => bundledValidators(other.version).known.has(type));
            if (elsewhere.length === 0)
                return true;
            byType.errors = [
                {
                    keyword: 'type-unknown',
                    instancePath: `${instancePath}/type`,
                    params: { type },
                    message: `is a type Kestra ${version.split('.').slice(0, 2).join('.')} does not have (only ${elsewhere.map((other) => other.line).join(', ')}): "Invalid type"`
                }
            ];
            return false;
        }
        const definition = name === undefined ? undefined : use(name);
        if (!definition || definition(data))
            return true;
        byType.errors = (definition.errors ?? []).map((error) => ({
            ...error,
            instancePath: `${instancePath}${error.instancePath}`
        }));
        return false;
    };
    byType.errors = [];
    const used = new Map();
    const use = (name) => {
        let found = used.get(name);
        if (found || !Object.hasOwn(FLOW_VALIDATORS[version].definitions, name))
            return found;
        const make = made.get(name);
        if (make === undefined)
            throw notLoaded(version, name);
        used.set(name, (found = make(runtime, byType, FORMATS$1)));
        return found;
    };
    validate = use(release.root);
    compiled.set(version, validate);
    return validate;
}
function commonJsDefault(module) {
    return isRecord(module) && '__esModule' in module ? module.default : module;
}
function flowValue(doc) {
    try {
        return boundValue(doc.toJS({ maxAliasCount: 100 }));
    }
    catch {
        return undefined;
    }
}
function boundValue(value) {
    if (Array.isArray(value))
        return value.map(boundValue);
    if (value === null || typeof value !== 'object' || value instanceof Date)
        return value;
    return Object.fromEntries(Object.entries(value)
        .filter(([, sub]) => sub !== null)
        .map(([key, sub]) => [key, boundValue(sub)]));
}
function flowSchemaFindings(file, doc, lineCounter, only) {
    if (!distExports.isMap(doc.contents))
        return [];
    const judged = new Map();
    for (const release of only ?? SCHEMA_RELEASES) {
        const data = flowValue(doc);
        if (data === undefined)
            return [];
        judged.set(release, judge(release, data));
    }
    const byKey = new Map();
    for (const [release, problems] of judged) {
        for (const problem of problems) {
            const seen = byKey.get(problem.key);
            if (seen) {
                seen.verdicts.set(release.line, problem.verdict);
                continue;
            }
            const finding = {
                file,
                ...(locateKestraPath(doc, lineCounter, problem.pointer) ?? { line: 1, column: 1 }),
                rule: 'core-schema',
                message: problem.message,
                ...(problem.fix && { fix: problem.fix })
            };
            byKey.set(problem.key, {
                finding,
                pointer: problem.pointer,
                verdicts: new Map([[release.line, problem.verdict]])
            });
        }
    }
    for (const found of byKey.values()) {
        for (const [release, problems] of judged) {
            if (found.verdicts.has(release.line))
                continue;
            const covering = problems.find((problem) => problem.verdict === REFUSES &&
                problem.refusedObject !== undefined &&
                (found.pointer === problem.refusedObject ||
                    found.pointer.startsWith(`${problem.refusedObject}/`)));
            if (covering)
                found.verdicts.set(release.line, REFUSES);
        }
    }
    return [...byKey.values()];
}
const BEAN_VALIDATION = new Set([
    'required',
    'pattern',
    'minItems',
    'maxItems',
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'minProperties',
    'maxProperties'
]);
function judge(release, data) {
    const meta = bundledValidators(release.version);
    const plugged = meta.properties[meta.root]?.includes('pluginDefaults') === true;
    const applied = plugged
        ? withFlowDefaults(data, (type) => entryOf(meta.classes, type))
        : { data, added: new Set() };
    const validate = validatorOf(release.version);
    const found = validate(applied.data) ? [] : problems(validate.errors ?? [], applied.data, release);
    const judged = found.flatMap((problem) => {
        if (problem.keyword === 'additionalProperties' && applied.added.has(problem.pointer))
            return [];
        const pointer = originalPointer(problem.pointer, applied.added);
        const fromDefaults = pointer !== problem.pointer;
        return [
            {
                ...problem,
                pointer,
                message: fromDefaults
                    ? `${problem.message} (as the flow's plugin defaults set it)`
                    : problem.message,
                verdict: verdictOf$2(problem, release, applied.data, plugged)
            }
        ];
    });
    return plugged ? [...judged, ...pluginDefaultProblems(data, meta)] : judged;
}
function originalPointer(pointer, added) {
    const segments = pointer.split('/');
    for (let end = 1; end < segments.length; end++) {
        const prefix = segments.slice(0, end + 1).join('/');
        if (added.has(prefix))
            return segments.slice(0, end).join('/');
    }
    return pointer;
}
function verdictOf$2(problem, release, data, plugged) {
    const { keyword, at } = problem;
    if (BEAN_VALIDATION.has(keyword)) {
        const unchecked = uncheckedAt(taskPath(data, at));
        if (unchecked === 'switch-case' || (unchecked === 'dag-task' && plugged))
            return unchecked;
    }
    if (keyword === 'required' && plugged && insidePlugin(data, at))
        return 'server-default';
    if (release.newer !== undefined &&
        (keyword === 'additionalProperties' || keyword === 'type-unknown' || keyword === 'enum')) {
        return 'newer-server';
    }
    return REFUSES;
}
function insidePlugin(data, pointer) {
    const segments = pointer.split('/').slice(1);
    for (let end = segments.length; end >= 0; end--) {
        const value = valueAt(data, segments.slice(0, end));
        if (isRecord(value) && typeof value.type === 'string' && value.type.includes('.'))
            return true;
    }
    return false;
}
function taskPath(data, pointer) {
    const segments = pointer.split('/').slice(1).map(unescapePointer);
    let path = '';
    for (const [index, segment] of segments.entries()) {
        const owner = valueAt(data, segments.slice(0, index));
        const kind = isRecord(owner)
            ? coreFlowType(typeof owner.type === 'string' ? owner.type : undefined)
            : undefined;
        if (segment === 'cases' && kind === 'Switch')
            path += '.cases.';
        else if (segment === 'task' &&
            /^\d+$/.test(segments[index - 1] ?? '') &&
            segments[index - 2] === 'tasks') {
            const dag = valueAt(data, segments.slice(0, index - 2));
            if (isRecord(dag) &&
                coreFlowType(typeof dag.type === 'string' ? dag.type : undefined) === 'Dag') {
                path += '].task.';
            }
        }
    }
    return path;
}
function pluginDefaultProblems(data, meta) {
    if (!isRecord(data))
        return [];
    return ['pluginDefaults', 'taskDefaults'].flatMap((key) => {
        const list = data[key];
        if (!Array.isArray(list))
            return [];
        return list.flatMap((item, index) => {
            if (!isRecord(item) || typeof item.type !== 'string' || !isRecord(item.values))
                return [];
            const named = entryOf(meta.classes, item.type);
            const known = named === undefined ? undefined : entryOf(meta.properties, named);
            if (!known)
                return [];
            const lower = new Set([...known, ...ALWAYS_GETTERS].map((name) => name.toLowerCase()));
            return Object.keys(item.values)
                .filter((name) => !lower.has(name.toLowerCase()))
                .map((name) => {
                const pointer = `/${key}/${index}/values/${escapePointer(name)}`;
                return {
                    keyword: 'plugin-default-property',
                    at: `/${key}/${index}/values`,
                    pointer,
                    key: `${pointer}\u0000plugin-default-property`,
                    message: `${key}[${index}] sets \`${name}\`, which \`${shortType$1(named)}\` does not have: Kestra refuses the default ("Invalid Plugin Default: No property '${name}' exists in plugin '${item.type}'"). Remove it, or fix its name`,
                    verdict: REFUSES
                };
            });
        });
    });
}
const ALWAYS_GETTERS = ['class'];
const REFUSES = 'refuses';
function problems(errors, data, release) {
    const folded = errors.filter((error) => error.keyword === 'anyOf' || error.keyword === 'oneOf');
    const inFolded = (error) => folded.some((parent) => parent !== error &&
        error.schemaPath.startsWith(`${parent.schemaPath}/`) &&
        error.instancePath.startsWith(parent.instancePath));
    const out = new Map();
    for (const error of errors) {
        if (error.keyword === 'if' || error.keyword === 'then' || error.keyword === 'else')
            continue;
        if (inFolded(error))
            continue;
        const problem = problemOf(error, data, release);
        out.set(problem.key, problem);
    }
    const misspelt = new Set([...out.values()].flatMap((p) => (p.fix ? [`${p.at}\u0000${p.fix.with}`] : [])));
    return [...out.values()].filter((p) => p.keyword !== 'required' || !misspelt.has(`${p.at}\u0000${p.missing}`));
}
function problemKey(error) {
    const params = error.params;
    const said = error.keyword === 'enum'
        ? ''
        : JSON.stringify(params.additionalProperty ?? params.missingProperty ?? params);
    return `${error.instancePath}\u0000${error.keyword}\u0000${said}`;
}
function problemOf(error, data, release) {
    const at = error.instancePath;
    const owner = ownerOf(data, at);
    const params = error.params;
    const base = { keyword: error.keyword, at, key: problemKey(error) };
    switch (error.keyword) {
        case 'additionalProperties': {
            const name = String(params.additionalProperty);
            const properties = (error.parentSchema?.properties ?? {});
            const pointer = `${at}/${escapePointer(name)}`;
            const holder = holderLabel(at, owner);
            const elsewhere = releasesHaving(data, at, name, release);
            const value = valueAt(data, pointer);
            const near = elsewhere.length > 0
                ? undefined
                : closest(name, Object.keys(properties).filter((known) => takes(properties[known], value)));
            const known = Object.keys(properties);
            const message = elsewhere.length > 0
                ? `${holder} has no property \`${name}\` on Kestra ${release.line} (Kestra ${elsewhere.join(', ')} has it).`
                : `${holder} has no property \`${name}\`${near ? `: did you mean \`${near}\`?` : `; remove it${known.length ? ` (its properties: ${list(known)})` : ''}.`}`;
            return {
                ...base,
                pointer,
                message,
                refusedObject: pointer,
                ...(near && { fix: { text: name, with: near } })
            };
        }
        case 'required': {
            const name = String(params.missingProperty);
            return {
                ...base,
                missing: name,
                pointer: at,
                message: `${holderLabel(at, owner)} needs the property \`${name}\`: add it (a null value counts as missing).`
            };
        }
        case 'enum': {
            const allowed = params.allowedValues.map(String);
            const value = String(valueAt(data, at));
            const near = closest(value, allowed);
            return {
                ...base,
                pointer: at,
                message: `${propertyLabel(owner, at)} is \`${value}\`, not one of ${list(allowed)}${near ? `: did you mean \`${near}\`?` : '.'}`
            };
        }
        case 'type-unknown':
            return {
                ...base,
                pointer: at,
                message: `${propertyLabel(owner, at)} ${error.message ?? 'is not valid'}.`,
                refusedObject: at.replace(/\/type$/, '')
            };
        case 'anyOf':
        case 'oneOf':
            return {
                ...base,
                pointer: at,
                message: `${propertyLabel(owner, at)} has a shape ${owner.label === 'The flow' ? 'Kestra' : owner.label} does not take: check the plugin documentation for its accepted forms.`
            };
        default:
            return {
                ...base,
                pointer: at,
                message: `${propertyLabel(owner, at)} ${error.message ?? 'is not valid'}.`
            };
    }
}
function releasesHaving(data, at, name, release) {
    const object = valueAt(data, at);
    const type = isRecord(object) && typeof object.type === 'string' ? object.type : undefined;
    return SCHEMA_RELEASES.filter((other) => {
        if (other.line === release.line)
            return false;
        const meta = bundledValidators(other.version);
        const definition = at === '' ? meta.root : type && entryOf(meta.classes, type);
        const properties = definition ? entryOf(meta.properties, definition) : undefined;
        return properties?.includes(name) === true;
    }).map((other) => other.line);
}
function takes(schema, value) {
    const types = declaredTypes(schema);
    if (types.size === 0)
        return true;
    const kind = Array.isArray(value)
        ? 'array'
        : value === null
            ? 'null'
            : typeof value === 'object'
                ? 'object'
                : typeof value;
    if (kind === 'number')
        return types.has('number') || (types.has('integer') && Number.isInteger(value));
    return types.has(kind);
}
function declaredTypes(schema) {
    const types = new Set();
    if (!schema)
        return types;
    const own = schema.type;
    for (const type of Array.isArray(own) ? own : own === undefined ? [] : [own])
        types.add(String(type));
    for (const key of ['anyOf', 'oneOf']) {
        const branches = schema[key];
        if (!Array.isArray(branches))
            continue;
        for (const branch of branches) {
            const inner = declaredTypes(branch);
            if (inner.size === 0)
                return new Set();
            for (const type of inner)
                types.add(type);
        }
    }
    return types;
}
function ownerOf(data, pointer) {
    const segments = pointer.split('/').slice(1);
    for (let end = segments.length; end >= 0; end--) {
        const path = segments.slice(0, end);
        const value = valueAt(data, path.length ? `/${path.join('/')}` : '');
        const label = isRecord(value) ? objectLabel(value, path) : undefined;
        if (label)
            return { label, at: path.join('/') };
    }
    return { label: 'The flow', at: '' };
}
function objectLabel(value, path) {
    const id = typeof value.id === 'string'
        ? value.id
        : typeof value.name === 'string'
            ? value.name
            : undefined;
    const type = value.type;
    if (typeof type === 'string' && type.includes('.')) {
        return `\`${shortType$1(type)}\`${id !== undefined ? ` '${id}'` : ''}`;
    }
    const list = path.at(-2);
    if (list === 'inputs' || list === 'onResume')
        return id !== undefined ? `Input '${id}'` : 'An input';
    if (list === 'outputs' && path.length === 2)
        return id !== undefined ? `Output '${id}'` : 'An output';
    return undefined;
}
function holderLabel(at, owner) {
    return at.split('/').slice(1).join('/') === owner.at ? owner.label : propertyLabel(owner, at);
}
function shortType$1(type) {
    return type.slice(type.lastIndexOf('.') + 1);
}
function propertyLabel(owner, pointer) {
    const rest = pointer
        .split('/')
        .slice(1)
        .slice(owner.at ? owner.at.split('/').length : 0)
        .map(unescapePointer);
    const property = rest.reduce((path, segment) => /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment, '');
    if (!property)
        return owner.label;
    return owner.label === 'The flow' ? `\`${property}\`` : `${owner.label}'s \`${property}\``;
}
function valueAt(data, pointer) {
    const segments = typeof pointer === 'string' ? pointer.split('/').slice(1).map(unescapePointer) : pointer;
    let value = data;
    for (const segment of segments) {
        if (!isRecord(value) && !Array.isArray(value))
            return undefined;
        if (!Object.hasOwn(value, segment))
            return undefined;
        value = value[segment];
    }
    return value;
}
const escapePointer = (segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~');
function list(names) {
    const shown = names.slice(0, 12).map((name) => `\`${name}\``);
    return names.length > 12 ? `${shown.join(', ')}…` : shown.join(', ');
}
function closest(name, known) {
    const distance = (candidate) => editDistance(name.toLowerCase(), candidate.toLowerCase());
    const best = [...known].sort((a, b) => distance(a) - distance(b))[0];
    const near = best !== undefined && distance(best) <= Math.max(1, Math.floor(name.length / 3));
    return near ? best : undefined;
}
function releaseFor(version) {
    const [major] = version;
    if (major < 1)
        return undefined;
    const release = SCHEMA_RELEASES.filter((bundled) => Number(bundled.version.split('.')[0]) <= major).at(-1);
    if (!release || !newerThan(version, release))
        return release;
    return { ...release, newer: version.join('.') };
}
function newerThan(version, release) {
    const bundled = parseVersion(release.version);
    return atLeast(version, bundled) && version.join('.') !== bundled.join('.');
}
function releaseKey(release) {
    return release.newer === undefined ? release.version : `${release.version}>${release.newer}`;
}
function schemaReleases(keys) {
    return SCHEMA_RELEASES.flatMap((release) => {
        const key = keys.find((candidate) => candidate.split('>')[0] === release.version);
        const newer = key?.split('>')[1];
        return key === undefined ? [] : [newer === undefined ? release : { ...release, newer }];
    });
}
function schemaTarget(version) {
    if (version === undefined)
        return SCHEMA_RELEASES;
    const release = releaseFor(version);
    return release ? [release] : [];
}
function refusedBy(line, file, doc, lineCounter) {
    const index = SCHEMA_RELEASES.findIndex((release) => release.line === line);
    if (index < 0)
        return [];
    const judges = SCHEMA_RELEASES.slice(0, index + 1);
    return flowSchemaFindings(file, doc, lineCounter, judges).flatMap(({ finding, verdicts }) => verdicts.get(line) === REFUSES
        ? [
            {
                finding,
                older: judges.some((release) => release.line !== line && verdicts.get(release.line) === REFUSES)
            }
        ]
        : []);
}

const NULL_TYPE = /\bInvalid type: null\b/;
function withoutRepeats(server, local) {
    const untyped = new Set(local
        .filter((f) => /^(task|trigger)-type$/.test(f.rule) && f.message.includes('has no `type`'))
        .map((f) => f.file));
    return server.filter((f) => !(f.rule === 'server-constraint' && NULL_TYPE.test(f.message) && untyped.has(f.file)));
}
const SUBFLOW_NOT_FOUND = /^The subflow '(.+)' not found in namespace '(.+)'\.$/;
function serverFindings(flows, results, repositoryFlows = new Set()) {
    return flows.flatMap((flow, index) => {
        const result = results[index];
        if (!result)
            return [];
        const warnings = result.warnings.filter((warning) => {
            const missing = SUBFLOW_NOT_FOUND.exec(warning.trim());
            return !missing || !repositoryFlows.has(flowKey(missing[2], missing[1]));
        });
        return findingsOf(flow, { ...result, warnings });
    });
}
function findingsOf(flow, result) {
    const { errors, deprecationPaths, warnings, infos } = result;
    const said = errors.length + deprecationPaths.length + warnings.length + infos.length;
    if (said === 0 && !result.outdated && result.noVerdict === undefined)
        return [];
    const doc = flow.documents[0];
    const id = (doc && locateKestraPath(doc, flow.lineCounter, 'id')) ?? { line: 1, column: 1 };
    const at = (path) => (doc && path && locateKestraPath(doc, flow.lineCounter, path)) || id;
    const offsetAt = (offset) => offset === undefined ? undefined : offsetPosition(flow, offset);
    const finding = (severity, rule, at, message) => ({ severity, file: flow.file, ...at, rule, message, ...resourceOf(flow) });
    return [
        ...(result.noVerdict === undefined
            ? []
            : [
                finding('error', result.noVerdict.cause === 'too large' ? 'server-refused' : 'server-constraint', id, result.noVerdict.message)
            ]),
        ...result.errors.map((error) => finding('error', 'server-constraint', (doc && !(error.pointer ?? error.path) && offsetAt(namedValueOffset(doc, error.message))) ||
            at(error.pointer ?? error.path), constraintMessage(error))),
        ...result.deprecationPaths.map((path) => finding('warning', 'server-deprecation', at(path), `\`${path}\` is deprecated on this Kestra server; replace it with its current equivalent (the plugin documentation names the replacement).`)),
        ...result.warnings.map((warning) => finding('warning', 'server-warning', at(undefined), `Kestra warns: ${sentence(warning)} Check the flow; the server accepts it as it is.`)),
        ...result.infos.map((info) => {
            const replaced = /^(\S+) is replaced by (\S+)$/.exec(info.trim());
            if (!replaced)
                return finding('notice', 'server-info', at(undefined), `Kestra notes: ${sentence(info)}`);
            return finding('notice', 'server-info', (doc && offsetAt(scalarOffset(doc, replaced[1]))) ?? at(undefined), `Kestra notes: \`${replaced[1]}\` is replaced by \`${replaced[2]}\`; use the new type name.`);
        }),
        ...(result.outdated
            ? [
                finding('warning', 'server-outdated', at('revision'), "The flow's `revision:` does not follow the server's latest revision; remove the `revision:` key (Kestra numbers revisions itself).")
            ]
            : [])
    ];
}
function resourceOf({ namespace, id }) {
    return namespace && id ? { resource: flowKey(namespace, id) } : {};
}
function constraintMessage(error) {
    const where = error.path ?? error.pointer;
    const fix = where ? `Fix the value at \`${where}\`` : 'Fix the flow';
    return `Kestra rejects this flow: ${sentence(error.message)} ${fix} (the server's plugins define the accepted types and properties).`;
}
function sentence(text) {
    const trimmed = text.trim();
    return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
function scalarOffset(doc, value, key) {
    let offset;
    distExports.visit(doc, {
        Scalar(_, node, path) {
            const pair = path[path.length - 1];
            const keyed = key === undefined ||
                (distExports.isPair(pair) && pair.value === node && distExports.isScalar(pair.key) && pair.key.value === key);
            if (node.value === value && node.range && keyed) {
                offset = node.range[0];
                return distExports.visit.BREAK;
            }
            return undefined;
        }
    });
    return offset;
}
function namedValueOffset(doc, message) {
    const type = /Invalid type: ([A-Za-z_$][\w$.]*)/.exec(message)?.[1];
    if (type)
        return scalarOffset(doc, type);
    const field = /^Unrecognized field "([^"]+)"/.exec(message)?.[1];
    if (field)
        return nestedKeyOffset(doc, field);
    const ref = /pluginDefaultsRef '([^']*)'/.exec(message)?.[1];
    return ref === undefined ? undefined : scalarOffset(doc, ref, 'pluginDefaultsRef');
}
function nestedKeyOffset(doc, name) {
    let offset;
    distExports.visit(doc, {
        Pair(_, pair, path) {
            if (path.length <= 2 || !distExports.isScalar(pair.key) || pair.key.value !== name)
                return undefined;
            offset = pair.key.range?.[0];
            return distExports.visit.BREAK;
        }
    });
    return offset;
}
function serverAnswerFindings(answers, repositoryFlows) {
    return answers.flatMap(({ flows, results }) => serverFindings(flows, results, repositoryFlows));
}

function schemaVerdict(flow, check, target) {
    const releases = target.map(releaseKey);
    if (check.schema?.releases.join('\n') === releases.join('\n'))
        return check.schema.findings;
    return schemaFindings(flow, target);
}
function schemaFindings(flow, target) {
    const doc = flow.documents[0];
    if (!doc || doc.errors.some((error) => error.code !== 'DUPLICATE_KEY'))
        return [];
    const resource = resourceOf(flow);
    return flowSchemaFindings(flow.file, doc, flow.lineCounter, target).map(({ finding, verdicts }) => ({
        ...finding,
        ...resource,
        ...combinedVerdict(finding.message, verdicts, target)
    }));
}
const UNSURE = {
    'server-default': (_, lines) => `on Kestra ${lines} a plugin default of the server (instance or namespace) may set it, which only the server's validation knows`,
    'switch-case': (releases, lines) => `Kestra ${lines} ${releases.length > 1 ? 'do' : 'does'} not check a task under a Switch's \`cases\` when ${releases.length > 1 ? 'they load' : 'it loads'} the flow: the task fails when it runs`,
    'dag-task': (_, lines) => `Kestra ${lines} does not check a Dag's tasks when it loads the flow: the task fails when it runs`,
    'newer-server': (releases) => releases
        .map(({ version, newer }) => `Kestra ${newer ?? ''} is newer than the ${version} schema this build carries: the server's validation decides`)
        .join('; ')
};
function combinedVerdict(message, verdicts, target) {
    const refusing = target.filter((release) => verdicts.get(release.line) === 'refuses');
    if (refusing.length === target.length)
        return { severity: 'error', message };
    const lines = (releases) => releases.map((release) => release.line).join(', ');
    const accepting = target.filter((release) => !verdicts.has(release.line));
    const unsure = new Map();
    for (const release of target) {
        const verdict = verdicts.get(release.line);
        if (verdict !== undefined && verdict !== 'refuses') {
            unsure.set(verdict, [...(unsure.get(verdict) ?? []), release]);
        }
    }
    const said = [
        ...(refusing.length > 0 ? [`Kestra ${lines(refusing)} refuses it`] : []),
        ...[...unsure].map(([verdict, releases]) => UNSURE[verdict](releases, lines(releases))),
        ...(accepting.length > 0 ? [`${lines(accepting)} accepts it`] : [])
    ].join('; ');
    const choose = refusing.length > 0 && accepting.length > 0 ? ': set kestra-version to the release you run' : '';
    const text = `${said.charAt(0).toUpperCase()}${said.slice(1)}${choose}`;
    return { severity: 'warning', message: `${message} (${text}.)` };
}

const TASK_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const TYPE_PATTERN = /^[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*(\.[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*)*$/u;
const MAX_TASK_ID = 256;
function taskFindings(document, tree) {
    return [
        ...tree.tasks.flatMap((task) => idAndTypeFindings(document, task, 'task').type),
        ...tree.triggers.flatMap((trigger) => {
            const { id, type } = idAndTypeFindings(document, trigger, 'trigger');
            return [...id, ...type];
        }),
        ...duplicateFindings(document, tree.tasks, 'task'),
        ...duplicateFindings(document, tree.triggers, 'trigger'),
        ...recursiveCallFindings(document, tree),
        ...duplicatePreconditionFindings(document, tree.triggers)
    ];
}
function idAndTypeFindings(document, task, kind) {
    const Kind = kind === 'task' ? 'Task' : 'Trigger';
    const id = !task.idEntry
        ? `${Kind} at ${task.path} has no \`id\`: add one`
        : !task.id
            ? `${Kind} at ${task.path} has an empty \`id\`: set one`
            : !TASK_ID_PATTERN.test(task.id) || task.id.length > MAX_TASK_ID
                ? `${Kind} id '${task.id}' is invalid: use letters, digits, '_' or '-' (no dots or spaces), starting with a letter or digit, at most ${MAX_TASK_ID} characters`
                : undefined;
    const type = !task.typeEntry
        ? `${Kind} ${task.id !== undefined ? `'${task.id}'` : `at ${task.path}`} has no \`type\`: add the plugin class, e.g. io.kestra.plugin.core.log.Log`
        : task.type === undefined || !TYPE_PATTERN.test(task.type)
            ? `${Kind} type '${task.type ?? ''}' is not a plugin class name: use a fully-qualified class name such as io.kestra.plugin.core.log.Log`
            : undefined;
    const typeAt = !task.typeEntry || task.at !== task.map ? task.at : (task.typeEntry.value ?? task.typeEntry.key);
    return {
        id: id
            ? [document.finding('error', task.idEntry ? taskIdNode(task) : task.at, `${kind}-id`, id)]
            : [],
        type: type ? [document.finding('error', typeAt, `${kind}-type`, type)] : []
    };
}
function duplicateFindings(document, nodes, kind) {
    const offset = (node) => taskIdNode(node).range?.[0] ?? 0;
    const byPosition = nodes.filter((node) => node.id).sort((a, b) => offset(a) - offset(b));
    return repeats(byPosition, (node) => node.id).map(([node, first]) => document.finding('error', taskIdNode(node), `duplicate-${kind}-id`, `Duplicate ${kind} id '${node.id}' (first used on line ${nodePosition(document.flow, taskIdNode(first)).line}): ${kind} ids must be unique across the whole flow${kind === 'task' ? ', nested tasks included' : ''}. Rename one`));
}
function recursiveCallFindings(document, tree) {
    const flowId = document.string(document.get(document.root, 'id')?.value);
    const namespace = document.string(document.get(document.root, 'namespace')?.value);
    if (flowId === undefined || namespace === undefined)
        return [];
    return flowLinks(document, tree).flatMap(({ task, flowId: called, namespace: calledIn }) => task &&
        document.string(called.value) === flowId &&
        document.string(calledIn.value) === namespace
        ? document.finding('error', task.at, 'recursive-subflow', `Recursive call to flow [${namespace}.${flowId}]: task '${task.id ?? task.path}' starts the flow it belongs to. Call another flow`)
        : []);
}
function duplicatePreconditionFindings(document, triggers) {
    const ids = triggers.flatMap((trigger) => {
        if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type))
            return [];
        const idEntry = document.get(document.get(trigger.map, 'preconditions')?.value, 'id');
        const id = document.string(idEntry?.value);
        return idEntry && id !== undefined ? [{ id, key: idEntry.key }] : [];
    });
    return repeats(ids, ({ id }) => id).map(([{ id, key }]) => document.finding('error', key, 'duplicate-preconditions', `Duplicate preconditions id '${id}': another Flow trigger already uses it. Give each trigger's \`preconditions\` its own id`));
}

class Constraints {
    document;
    fixed = [];
    versioned = [];
    constructor(document) {
        this.document = document;
    }
    add(task, at, rule, message, severity = 'error') {
        const where = severity === 'error' ? uncheckedAt(task.path) : undefined;
        if (where === 'switch-case') {
            this.fixed.push(this.document.finding('warning', at, rule, `${message}. Kestra does not check a task under a Switch's \`cases\` when it loads the flow (core 1.3.31 and 2.0.0 run accept it): the task fails when it runs`));
        }
        else if (where === 'dag-task') {
            this.versioned.push(this.document.versioned(V2, 'warning', at, rule, `${message}. Kestra 2.0 refuses it; 1.x does not check a Dag's tasks when it loads the flow (core 1.3.31 run), and the task fails when it runs`));
        }
        else {
            this.fixed.push(this.document.finding(severity, at, rule, message));
        }
    }
}
function constraintFindings(document, tree) {
    const constraints = new Constraints(document);
    for (const task of tree.tasks) {
        for (const finding of idAndTypeFindings(document, task, 'task').id) {
            constraints.add(task, task.idEntry ? taskIdNode(task) : task.at, finding.rule, finding.message);
        }
        CORE_TASK_CHECKS.get(coreFlowType(task.type) ?? '')?.(document, task, tree, constraints);
        retryFindings(document, document.get(task.map, 'retry')?.value, (at, message) => constraints.add(task, at, 'retry-interval', message));
    }
    retryFindings(document, document.get(document.root, 'retry')?.value, (at, message) => constraints.fixed.push(document.finding('error', at, 'retry-interval', message)));
    return constraints;
}
function switchFindings(document, task, _, found) {
    const cases = document.entries(document.get(task.map, 'cases')?.value);
    const anyCase = cases.some((entry) => document.items(entry.value).length > 0);
    const defaults = document.items(document.get(task.map, 'defaults')?.value).length > 0;
    if (anyCase || defaults)
        return;
    found.add(task, task.at, 'switch-no-tasks', `Switch '${task.id ?? task.path}' has no task: neither \`cases\` nor \`defaults\` hold any ("No task defined, neither cases or default have any tasks"). Add a case or defaults`);
}
function dagFindings(document, task, _, found) {
    const members = document.items(document.get(task.map, 'tasks')?.value).map((item) => ({
        id: document.string(document.get(document.get(item, 'task')?.value, 'id')?.value),
        dependsOn: document.get(item, 'dependsOn')?.value
    }));
    const ids = members.flatMap((m) => (m.id === undefined ? [] : [m.id]));
    const { unknown, cycle } = dependencyProblems(document, members);
    for (const { node, name } of unknown) {
        found.add(task, node, 'dag-dependency', `Dag '${task.id ?? task.path}': dependsOn names '${name}', which is not a task of this Dag ("Not existing task id in dependency"). Use one of: ${ids.join(', ')}`);
    }
    if (!cycle)
        return;
    found.add(task, task.at, 'dag-dependency', `Dag '${task.id ?? task.path}' has a dependency cycle: ${cycle.join(' → ')} ("Cyclic dependency detected"). Remove one of these dependsOn entries`);
}
function workingDirectoryFindings(document, task, tree, found) {
    const tasks = document.get(task.map, 'tasks');
    if (document.items(tasks?.value).length === 0) {
        found.add(task, tasks?.key ?? task.at, 'working-directory-tasks', `WorkingDirectory '${task.id ?? task.path}' has no task: Kestra refuses it ("The 'tasks' property cannot be empty"). Add the tasks it runs`);
    }
    for (const child of tree.tasks) {
        if (child.parent !== task || !child.path.startsWith(`${task.path}.tasks[`))
            continue;
        const type = coreFlowType(child.type);
        if (type === undefined || !CORE_FLOWABLE.has(type))
            continue;
        const certain = type !== 'Pause' || document.get(child.map, 'tasks') !== undefined;
        found.add(task, child.at, 'working-directory-child', `WorkingDirectory '${task.id ?? task.path}' may only hold runnable tasks, not the flowable ${type} '${child.id ?? child.path}' ("Only runnable tasks are allowed as children of a WorkingDirectory task"): move it out of the WorkingDirectory`, certain ? 'error' : 'warning');
    }
}
function retryFindings(document, retry, report) {
    const type = document.string(document.get(retry, 'type')?.value);
    const pairs = type === undefined ? undefined : RETRY_ORDER[type.toLowerCase()];
    if (!pairs)
        return;
    for (const [shorter, longer] of pairs) {
        const [low, high] = [shorter, longer].map((key) => document.get(retry, key));
        const [a, b] = [low, high].map((entry) => javaDurationNanos(document.string(entry?.value)));
        if (a === undefined || b === undefined || a < b)
            continue;
        report(low?.key, `The retry's \`${shorter}\` is not shorter than its \`${longer}\`: Kestra refuses it ("'${shorter}' must be less than '${longer}'"). Shorten \`${shorter}\` or lengthen \`${longer}\``);
    }
}
const RETRY_ORDER = {
    constant: [['interval', 'maxDuration']],
    exponential: [
        ['interval', 'maxDuration'],
        ['interval', 'maxInterval']
    ],
    random: [
        ['minInterval', 'maxDuration'],
        ['maxInterval', 'maxDuration'],
        ['minInterval', 'maxInterval']
    ]
};
function javaDurationNanos(text) {
    const match = text === undefined
        ? undefined
        : /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?)(\d+)(?:[.,](\d{0,9}))?S)?)?$/i.exec(text.trim());
    if (!match || /T$/i.test(text.trim()) || text.trim().length < 3)
        return undefined;
    const [, sign, days, hours, minutes, secondsSign, seconds, fraction] = match;
    const unit = (value, nanos) => BigInt(value ?? 0) * nanos;
    const second = 1000000000n;
    let total = unit(days, 86400n * second) + unit(hours, 3600n * second) + unit(minutes, 60n * second);
    const fractional = BigInt((fraction ?? '').padEnd(9, '0') || '0');
    const secs = BigInt(seconds ?? 0) * second + fractional;
    total += secondsSign === '-' ? -secs : secs;
    return sign === '-' ? -total : total;
}
const CORE_TASK_CHECKS = new Map([
    ['Switch', switchFindings],
    ['Dag', dagFindings],
    ['WorkingDirectory', workingDirectoryFindings]
]);

function syntaxFindings(flow) {
    return flow.documents.flatMap((doc) => {
        const pebble = unquotedPebbleFindings(flow, doc);
        const explained = new Set(pebble.map((finding) => finding.line));
        return [
            ...pebble,
            ...yamlFindings(flow, doc).filter((finding) => finding.rule !== 'yaml-syntax' || !explained.has(finding.line))
        ];
    });
}
function yamlFindings(flow, doc) {
    const findings = [];
    const syntaxLines = new Set();
    for (const error of doc.errors) {
        const duplicate = error.code === 'DUPLICATE_KEY';
        const key = duplicate ? keyText(flow.source, error.pos[0]) : '';
        const position = offsetPosition(flow, skipBlank(flow.source, error.pos[0]));
        if (!duplicate && syntaxLines.has(position.line))
            continue;
        if (!duplicate)
            syntaxLines.add(position.line);
        findings.push({
            severity: 'error',
            file: flow.file,
            ...position,
            rule: duplicate ? 'duplicate-key' : 'yaml-syntax',
            message: duplicate
                ? `Duplicate key${key ? ` '${key}'` : ''}: this mapping already has it above. Kestra refuses to save a flow with a duplicate key (its validate endpoint alone keeps the last value written${lastValue(flow.source, error.pos[0])}): remove the one you do not mean`
                : `YAML syntax error: ${error.message}. Fix the YAML (check indentation and quoting)`
        });
    }
    distExports.visit(doc, {
        Pair(_, { key }) {
            if (!distExports.isCollection(distExports.isAlias(key) ? key.resolve(doc) : key))
                return;
            findings.push({
                severity: 'error',
                file: flow.file,
                ...offsetPosition(flow, key.range[0]),
                rule: 'yaml-syntax',
                message: 'YAML syntax error: this key is a sequence or a mapping, and Kestra reads a key only as text ("Invalid structure"): write the key as text'
            });
        }
    });
    return findings.concat(doc.warnings.map((warning) => ({
        severity: 'warning',
        file: flow.file,
        ...offsetPosition(flow, skipBlank(flow.source, warning.pos[0])),
        rule: 'yaml-warning',
        message: `YAML warning: ${warning.message}`
    })));
}
function multipleDocumentFindings(flow) {
    return flow.documents
        .slice(1)
        .filter((doc) => !isEmptyDocument(doc))
        .map((doc) => ({
        severity: 'error',
        file: flow.file,
        ...offsetPosition(flow, documentStart(flow.source, doc)),
        rule: 'multiple-documents',
        message: 'A flow file must hold exactly one YAML document: move this document (after `---`) into a file of its own'
    }));
}
function isEmptyDocument({ errors, contents }) {
    return (errors.length === 0 &&
        (contents === null || (distExports.isScalar(contents) && contents.value === null && contents.source === '')));
}
function documentStart(source, doc) {
    const [start] = doc.range;
    const contentStart = doc.contents?.range?.[0] ?? doc.range[1];
    const marker = /^---/gm;
    marker.lastIndex = start;
    const found = marker.exec(source);
    return found && found.index <= contentStart ? found.index : start;
}
function skipBlank(source, offset) {
    let at = offset;
    while (at < source.length && /\s/.test(source[at] ?? ''))
        at++;
    return at < source.length ? at : offset;
}
function lastValue(source, offset) {
    const end = source.indexOf('\n', offset);
    const line = source.slice(offset, end === -1 ? undefined : end);
    const value = /^[^:\n]{1,100}:[ \t]+([^\n#]{1,60})$/.exec(line)?.[1]?.trim();
    if (!value || value.includes('`'))
        return '';
    const key = keyText(source, offset);
    const later = source.slice(offset + line.length);
    const indent = /^[ \t-]*/.exec(source.slice(source.lastIndexOf('\n', offset) + 1, offset))?.[0].length ?? 0;
    const again = new RegExp(`\\n[ \\t]{${indent}}${escape(key)}[ \\t]*:`);
    return again.test(later) ? '' : ` (here, \`${value}\`)`;
}
function keyText(source, offset) {
    const match = /^[^:\n]{1,100}/.exec(source.slice(offset, offset + 120));
    return match ? match[0].trim().replace(/^["']|["']$/g, '') : '';
}
function unquotedPebbleFindings(flow, doc) {
    const findings = [];
    distExports.visit(doc, {
        Map(key, node, path) {
            const [start = -1, end = start] = node.range ?? [];
            if (!node.flow || start < 0 || !/^\{[{%]/.test(flow.source.slice(start, start + 2))) {
                return undefined;
            }
            const parent = path[path.length - 1];
            const inFlow = distExports.isSeq(parent) && parent.flow === true;
            const expression = inFlow ? flow.source.slice(start, end) : expressionText(flow.source, start);
            const prefix = key === 'value' && distExports.isPair(parent) && distExports.isScalar(parent.key)
                ? `${String(parent.key.value)}: `
                : distExports.isSeq(parent) && !inFlow
                    ? '- '
                    : '';
            findings.push({
                severity: 'error',
                file: flow.file,
                ...offsetPosition(flow, start),
                rule: 'unquoted-pebble',
                message: `Unquoted Pebble expression: YAML reads \`${expression}\` as a mapping, not a string, and Kestra rejects the flow: quote the expression: ${prefix}${quoted$1(expression)}`,
                fix: { text: expression, with: quoted$1(expression) }
            });
            return distExports.visit.SKIP;
        }
    });
    return findings;
}
function expressionText(source, start) {
    const end = source.indexOf('\n', start);
    const line = source.slice(start, end < 0 ? source.length : end);
    const comment = line.search(/\s#(?![^{]*[}%]\})/);
    return (comment < 0 ? line : line.slice(0, comment)).trimEnd();
}
function quoted$1(text) {
    if (!text.includes('"') && !text.includes('\\'))
        return `"${text}"`;
    return `'${text.replace(/'/g, "''")}'`;
}

async function confirmReusedChecks(reused, recheck) {
    const differing = [];
    for (const [flow, stored] of reused) {
        const parsed = parseFlowFile(flow);
        if (!sameStoredCheck(storedCheckOf(parsed, await recheck(parsed, stored)), stored))
            differing.push(flow.file);
    }
    if (differing.length === 0)
        return;
    const shown = differing.sort().slice(0, 10);
    const more = differing.length > shown.length ? ` and ${differing.length - shown.length} more` : '';
    throw new DeployError(`Nothing was deployed: the checks stored with the commit marker (KV ${COMMIT_MARKER_KEY}) are not what this build computes for ${differing.length} flow file(s): ${shown.join(', ')}${more}. The marker was changed outside this action. Deploy again with full-plan: true, which checks every file and stores its own checks.`);
}
function checkFlow(flow, options = {}) {
    const check = ownChecks(flow, options);
    const target = options.schema ?? [];
    if (!check.wellFormed || target.length === 0)
        return check;
    const releases = target.map(releaseKey);
    return { ...check, schema: { releases, findings: schemaFindings(flow, target) } };
}
function ownChecks(flow, options) {
    const findings = [...syntaxFindings(flow), ...multipleDocumentFindings(flow)];
    const versioned = [];
    const first = flow.documents[0];
    if (flow.notAFlow) {
        findings.push({
            severity: 'warning',
            file: flow.file,
            line: 1,
            column: 1,
            rule: 'not-a-flow',
            message: 'Not a flow (no id and no tasks): skipped, not deployed. Move it out of the flows folder or add id, namespace and tasks'
        });
    }
    if (flow.notAFlow || !first)
        return { findings, versioned, wellFormed: false, references: [] };
    const document = new FlowDocument(flow, first);
    const tree = taskTree(document);
    const { references, names } = referencesAndNamesOf(document, tree);
    if (first.errors.some((error) => error.code !== 'DUPLICATE_KEY')) {
        return { findings, versioned, wellFormed: false, references, names };
    }
    const wellFormed = fitToSend(flow, document.aliases);
    findings.push(...document.aliases.problems.map((problem) => document.finding('error', problem.node, 'yaml-alias', `YAML alias: ${problem.message}`)));
    if (!document.root || !document.aliases.safe) {
        return { findings, versioned, wellFormed, references, names };
    }
    const inputs = inputFindings(document, tree);
    const constraints = constraintFindings(document, tree);
    const checked = byRelease([
        ...identityFindings(document),
        ...namespaceFolderFindings(document, options.layout),
        ...taskFindings(document, tree),
        ...constraints.fixed,
        ...listenerFindings(document),
        ...inputs.findings,
        ...labelFindings(document),
        ...executionLabelFindings(document, tree),
        ...dashedReferenceFindings(document, tree),
        ...scheduleFindings(document, tree),
        ...pluginDefaultsRefFindings(document, tree)
    ]);
    findings.push(...checked.fixed);
    versioned.push(...versionedIdentityFindings(document), ...inputs.versioned, ...pluginDefaultFindings(document), ...removedInKestra2Findings(document, tree), ...templateFindings(document, tree), ...dayOfMonthLFindings(document, tree), ...constraints.versioned, ...checked.versioned);
    return { findings, versioned, identity: flowIdentity(document), wellFormed, references, names };
}
function readProblemFindings(model) {
    return model.readProblems.map((problem) => ({
        severity: problem.severity,
        file: problem.file,
        line: problem.line ?? 1,
        rule: problem.rule ?? 'read',
        message: problem.message
    }));
}
function unmanagedFindings(model) {
    const managed = new Set(model.managedNamespaces);
    return [
        ...model.flows.filter((flow) => deployableFlow(flow) && namespaceFits(flow)),
        ...model.files
    ]
        .filter((resource) => !managed.has(resource.namespace))
        .map((resource) => ({
        severity: 'warning',
        file: resource.file,
        line: 1,
        rule: 'unmanaged-namespace',
        message: `Namespace '${resource.namespace}' is not managed: list it in the namespaces input to deploy this resource (it is skipped).`
    }));
}
const ERROR_SINCE = {
    'duplicate-trigger-id': [0, 12, 0],
    'schedule-timezone': [0, 14, 0],
    'system-label': [0, 20, 0],
    'dashed-reference': [0, 23, 0],
    'duplicate-preconditions': [1, 1, 0]
};
function byRelease(findings) {
    const since = ({ severity, rule }) => severity === 'error' ? ERROR_SINCE[rule] : undefined;
    return {
        fixed: findings.filter((finding) => !since(finding)),
        versioned: findings.flatMap((finding) => {
            const { severity: _, ...rest } = finding;
            const from = since(finding);
            return from ? [{ finding: rest, since: from, whenUnknown: 'error' }] : [];
        })
    };
}
function listenerFindings(document) {
    return document
        .items(document.get(document.root, 'listeners')?.value)
        .flatMap((listener, index) => {
        const tasks = document.get(listener, 'tasks');
        if (!document.map(listener) || document.items(tasks?.value).length > 0)
            return [];
        return [
            document.finding('error', tasks?.key ?? listener, 'listener-tasks', `listeners[${index}] has no task: Kestra 1.3 refuses it ("listeners[${index}].tasks: must not be empty"), and 2.0 has no listeners. Add its tasks, or move them to \`afterExecution\``)
        ];
    });
}
const TEMPLATE_TYPES = new Set([
    'io.kestra.plugin.core.flow.Template',
    'io.kestra.core.tasks.flows.Template'
]);
function templateFindings(document, tree) {
    return tree.tasks.flatMap((task) => task.type !== undefined && TEMPLATE_TYPES.has(task.type)
        ? [
            {
                ...document.versioned(V2, 'warning', task.typeEntry?.value ?? task.at, 'template-disabled', `Template '${task.id ?? task.path}': Kestra 1.x refuses it unless the server enables templates (\`kestra.templates.enabled\`, off by default: "Templates are disabled, please check your configuration"). Move the template's tasks into this flow or a subflow`),
                silentFrom: V2
            }
        ]
        : []);
}
function flowFindings(reading) {
    const findings = [];
    const identities = [];
    const target = schemaTarget(reading.serverVersion);
    for (const flow of reading.model.flows) {
        const check = reading.checks?.get(flow) ?? checkFlow(flow, reading);
        const own = [...check.findings, ...resolveVersioned(check.versioned, reading.serverVersion)];
        findings.push(...own);
        if (check.wellFormed && target.length > 0) {
            const explained = new Map();
            for (const { line, severity } of own) {
                explained.set(line, Math.min(explained.get(line) ?? 3, SEVERITY_ORDER[severity]));
            }
            findings.push(...schemaVerdict(flow, check, target).filter((finding) => SEVERITY_ORDER[finding.severity] < (explained.get(finding.line) ?? 3)));
        }
        if (check.identity)
            identities.push(check.identity);
    }
    findings.push(...duplicateFlowFindings(identities));
    if (reading.serverAnswers) {
        const repositoryFlows = new Set(reading.model.flows.flatMap((flow) => !flow.notAFlow && flow.namespace && flow.id ? [flowKey(flow.namespace, flow.id)] : []));
        const server = serverAnswerFindings(reading.serverAnswers, repositoryFlows);
        findings.push(...withoutRepeats(server, findings));
    }
    return findings.sort(compareFindings);
}

const flowsDecide = {
    name: 'flow',
    order: 1,
    label: 'Flows',
    marks: marksOf,
    above: (change) => [impactText(change), reviewText(change)].filter((text) => text !== undefined),
    review: reviewData,
    kestraPage: (change, kestraUi) => `${kestraUi}/flows/edit/${encodeURIComponent(change.namespace)}/${encodeURIComponent(change.id)}`,
    idOf: (change) => change.id,
    planFileIdentity: (change) => ({ id: change.id }),
    planFileDetails: (change) => change.current ? { revision: change.current.revision } : {},
    fingerprintOf: (r) => [
        'flow',
        r.namespace,
        r.id,
        r.action,
        r.desired === undefined ? null : sha256Hex(r.desired),
        r.current?.revision ?? null,
        r.current === undefined ? null : sha256Hex(r.current.source)
    ],
    validate: flowFindings,
    defines: ({ model, namespacePrefix }) => model.flows.filter(deployableFlow).map((flow) => ({
        namespace: namespacePrefix ? `${namespacePrefix}.${flow.namespace}` : flow.namespace,
        name: flow.id
    })),
    plan: (_reading, options) => planFlows(options),
    serverText: (change) => change.current?.source,
    newPath: newFlowPath
};
function newFlowPath({ namespace, id }, shape) {
    if (!FLOW_ID_PATTERN.test(id))
        return { reason: 'its id cannot name a file' };
    const name = `${id}.yml`;
    if (shape.layout === 'tenant') {
        const sibling = siblingOf(namespace, shape, false);
        const under = shape.rootRel ? `${shape.rootRel}/` : '';
        const top = sibling?.startsWith(under) ? sibling.slice(under.length).split('/')[0] : undefined;
        return { path: repositoryPath(shape.rootRel, top || namespace, 'flows', name) };
    }
    if (shape.layout === 'namespace') {
        const input = shape.namespace;
        if (input && (namespace === input || namespace.startsWith(`${input}.`))) {
            return { path: repositoryPath(shape.rootRel, 'flows', name) };
        }
        return { reason: `its namespace is outside the namespace input (${shape.namespace ?? ''})` };
    }
    const sibling = siblingOf(namespace, shape, true);
    if (sibling === undefined)
        return { reason: 'no folder of the repository holds flows of its namespace' };
    const dir = sibling.includes('/') ? sibling.slice(0, sibling.lastIndexOf('/')) : '';
    return { path: repositoryPath(dir, name) };
}
function siblingOf(namespace, shape, parents) {
    for (let ns = namespace; ns; ns = parents ? ns.slice(0, Math.max(ns.lastIndexOf('.'), 0)) : '') {
        const files = shape.flowFiles.filter((f) => f.namespace === ns).map((f) => f.file);
        if (files.length > 0)
            return files.sort()[0];
    }
    return undefined;
}
function planFlows(options) {
    const { input } = options;
    if (!input)
        return [];
    const desiredFlows = indexByFile(input.desired.flows, (f) => flowKey(f.namespace, f.id));
    const actualFlows = new Map();
    for (const namespace of new Set(input.namespaces)) {
        for (const flow of input.actual.get(namespace)?.flows ?? [])
            actualFlows.set(flowKey(namespace, flow.id), { ...flow, namespace });
    }
    const inScope = scopeFilter(options, desiredFlows, input.base?.flows);
    const changes = [];
    for (const key of new Set([...desiredFlows.keys(), ...actualFlows.keys()])) {
        if (!inScope(key))
            continue;
        const desired = desiredFlows.get(key);
        const server = actualFlows.get(key);
        const base = input.base?.flows.get(key);
        if (desired && !server) {
            const change = flowChange(desired, 'create', options, undefined);
            markOutside(change, input.base, base && { differs: true });
            changes.push(change);
            continue;
        }
        if (!server)
            continue;
        const serverComparable = comparableFlowSource(server.source);
        const desiredComparable = desired && comparableFlowSource(desired.source);
        const change = flowChange(desired ?? server, actionOf(options, desired !== undefined, desiredComparable === serverComparable), options, server);
        markOutside(change, input.base, base && { differs: comparableFlowSource(base.source) !== serverComparable }, { base: base?.source, server, desired: desired?.source });
        changes.push(change);
    }
    return changes;
}
function markOutside(change, base, atBase, sources = {}) {
    let outside = outsideGitOf(change.action, change.namespace, base, atBase);
    if (sources.server?.draft && change.action !== 'unchanged')
        outside = 'draft';
    else if (outside === 'edited' && sources.base !== undefined && sources.server) {
        const was = disabledIn(sources.base);
        const now = disabledIn(sources.server.source);
        const kept = sources.desired === undefined || disabledIn(sources.desired) === was;
        if (was !== now && kept)
            outside = now ? 'disabled' : 'enabled';
    }
    change.drifted = outside !== undefined;
    if (outside)
        change.outside = outside;
}
function disabledIn(source) {
    const value = distExports.parseDocument(source, { uniqueKeys: false }).get('disabled');
    return value === true || value === 'true';
}
function flowChange(subject, action, { limits }, server) {
    const { namespace, id } = subject;
    const desired = action === 'create' || action === 'update' || action === 'unchanged';
    const change = {
        kind: 'flow',
        namespace,
        id,
        action,
        drifted: false,
        ...(desired && subject.file !== undefined && { file: subject.file }),
        ...(desired && { desired: normaliseText(subject.source) }),
        ...(server && { current: { source: server.source, revision: server.revision } })
    };
    const name = `${namespace}/${id}`;
    if (action === 'create') {
        applyDiff(change, diffTexts('', `b/${name}`, undefined, change.desired, limits));
    }
    else if (action === 'update' && server) {
        const before = comparableFlowSource(server.source);
        const after = comparableFlowSource(subject.source);
        applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, before, after, limits));
    }
    else if (action === 'delete' && server) {
        applyDiff(change, diffTexts(`a/${name}`, '', normaliseText(server.source), undefined, limits));
    }
    return change;
}
function marksOf(r) {
    const marks = [];
    const revision = r.current?.revision;
    if (revision !== undefined) {
        const text = r.action === 'update' ? `rev ${revision} → ${revision + 1}` : `rev ${revision}`;
        marks.push({ text });
    }
    const callers = new Set(r.impact?.callers.map((c) => `${c.namespace}.${c.id}`)).size;
    if (callers > 0)
        marks.push({ sign: '📞', text: `called by ${plural(callers, 'flow')}` });
    if (r.impact?.triggers.length)
        marks.push({ sign: '⏰', text: 'triggers change' });
    const missing = r.review?.missing?.length ?? 0;
    if (missing > 0)
        marks.push({ sign: '🔑', text: plural(missing, 'missing name') });
    const unfinished = r.review?.unfinished ?? [];
    if (unfinished.length > 0)
        marks.push({ sign: '⏳', text: unfinishedText(unfinished) });
    return marks;
}
const VIA = {
    subflow: 'Subflow',
    foreach: 'ForEachItem',
    'flow-trigger': 'Flow trigger'
};
function impactText(r) {
    if (!r.impact)
        return undefined;
    const { callers, triggers } = r.impact;
    const out = [];
    if (callers.length > 0) {
        const names = callers.map((c) => `${escapeText(`${c.namespace}.${c.id}`)} (${VIA[c.via]}${c.serverOnly ? ', server only' : ''})${breaksText(c)}`);
        const verb = r.action === 'delete' ? 'Still called by' : 'Called by';
        if (callers.some((c) => c.breaks?.length))
            out.push(`**${verb}:**`, ...names.map((n) => `- ${n}`));
        else
            out.push(`**${verb}:** ${names.join(', ')}`);
    }
    if (triggers.length > 0) {
        out.push('**Triggers:**', ...triggers.map((t) => `- ${asCode(escapeText(t.text))}${t.nextRun ? ` (next run after the commit: ${escapeText(t.nextRun)})` : ''}`));
    }
    return out.join('\n');
}
function asCode(escaped) {
    return escaped.replace(/&quot;(.*?)&quot;/g, '<code>$1</code>');
}
function breaksText(caller) {
    return caller.breaks?.length ? ` — ❌ breaks: ${escapeText(caller.breaks.join('; '))}` : '';
}
function reviewText(r) {
    if (!r.review)
        return undefined;
    const out = [];
    const missing = r.review.missing ?? [];
    if (missing.length > 0) {
        const names = missing.map((m) => `${m.kind === 'secret' ? 'secret' : 'KV key'} <code>${escapeText(m.name)}</code>`);
        out.push(`**Not defined on the server:** ${names.join(', ')}`);
    }
    const unfinished = r.review.unfinished ?? [];
    if (unfinished.length > 0) {
        out.push(`**${unfinishedText(unfinished)}:** ${byState(unfinished)}`);
    }
    return out.length > 0 ? out.join('\n\n') : undefined;
}
function byState(executions) {
    const counts = new Map();
    for (const e of executions)
        counts.set(e.state, (counts.get(e.state) ?? 0) + 1);
    return [...counts]
        .sort(([a], [b]) => compareCodeUnits(a, b))
        .map(([state, n]) => `${n} ${escapeText(state)}`)
        .join(', ');
}
function reviewData(r) {
    const callers = r.impact?.callers ?? [];
    const triggers = r.impact?.triggers ?? [];
    const missing = r.review?.missing ?? [];
    const unfinished = r.review?.unfinished ?? [];
    const data = {
        ...(callers.length > 0 && {
            callers: callers.map((c) => ({
                namespace: c.namespace,
                id: c.id,
                via: c.via,
                server_only: c.serverOnly,
                ...(c.breaks?.length && { breaks: [...c.breaks] })
            }))
        }),
        ...(triggers.length > 0 && {
            triggers: triggers.map((t) => ({ text: t.text, ...(t.nextRun && { next_run: t.nextRun }) }))
        }),
        ...(missing.length > 0 && { missing: missing.map((m) => ({ kind: m.kind, name: m.name })) }),
        ...(unfinished.length > 0 && {
            unfinished: unfinished.map((e) => ({ id: e.id, state: e.state, url: e.url }))
        })
    };
    return Object.keys(data).length > 0 ? data : undefined;
}

function flowsKnown(input) {
    const { model, state } = input;
    const held = new Set(model.flows.filter(deployableFlow).map((f) => `${f.namespace}\0${f.id}`));
    for (const [namespace, actual] of state ?? []) {
        for (const flow of actual.flows)
            held.add(`${namespace}\0${flow.id}`);
    }
    return withServerNames(held, input, async (api, namespace, id) => (await api.getFlow(namespace, id)) !== undefined);
}
async function readFlow(tree, path, location, reuse) {
    let bytes;
    try {
        bytes = await tree.read(path);
    }
    catch (error) {
        return {
            severity: 'error',
            file: location.file,
            message: `cannot read the flow file: ${error.message}`
        };
    }
    if (location.ifFlowDocument && kindOfText(normaliseText(bytes.toString('utf8'))) === 'none') {
        return 'not-a-flow';
    }
    if (!isUtf8(bytes)) {
        return {
            severity: 'error',
            file: location.file,
            line: invalidUtf8Line(bytes),
            message: 'the flow file is not valid UTF-8 text; save it with UTF-8 encoding'
        };
    }
    const { file, rel, expectedNamespace } = location;
    const reused = await reuse?.({ file, rel, expectedNamespace }, bytes);
    if (reused)
        return reused;
    return parseFlowFile({ file, rel, expectedNamespace, raw: bytes.toString('utf8') });
}
async function isFlowDocument(tree, rel) {
    if (!isYamlFile(rel))
        return false;
    const text = await tree.read(rel).then(String, () => '');
    return kindOfText(normaliseText(text)) === 'flow';
}
function invalidUtf8Line(bytes) {
    let line = 1;
    for (let start = 0; start < bytes.length; line++) {
        const end = bytes.indexOf(0x0a, start);
        const stop = end === -1 ? bytes.length : end;
        if (!isUtf8(bytes.subarray(start, stop)))
            return line;
        start = stop + 1;
    }
    return line;
}
const DEPENDENCY_READS = 20;
async function outsideUsers(api, deleted, read, concurrency) {
    const asked = deleted.slice(0, DEPENDENCY_READS);
    const unsearched = deleted.slice(DEPENDENCY_READS).map((flow) => ({
        ...flow,
        why: `only the first ${DEPENDENCY_READS} deleted flows are looked up`
    }));
    const users = [];
    await mapLimit(asked, concurrency, async (flow) => {
        let edges;
        try {
            edges = await api.flowDependencies(flow.namespace, flow.id);
        }
        catch (error) {
            unsearched.push({
                ...flow,
                why: `Kestra's flow dependencies could not be read: ${errorMessage(error)}`
            });
            return;
        }
        if (edges === undefined) {
            unsearched.push({ ...flow, why: 'this Kestra has no flow dependencies route' });
            return;
        }
        const same = (a) => a.namespace === flow.namespace && a.id === flow.id;
        for (const edge of edges) {
            const user = edge.relation === 'FLOW_TASK' && same(edge.target)
                ? edge.source
                : edge.relation === 'FLOW_TRIGGER' && same(edge.source)
                    ? edge.target
                    : undefined;
            if (!user || same(user) || read.has(user.namespace))
                continue;
            users.push({
                user,
                ...flow,
                via: edge.relation === 'FLOW_TASK' ? 'subflow' : 'flow-trigger'
            });
        }
    });
    return { users, unsearched };
}
async function readPinnedRevisions(api, sites) {
    const wanted = new Map();
    for (const site of sites) {
        if (site.revision === undefined)
            continue;
        const key = pinnedKey(flowKey(site.target.namespace, site.target.id), site.revision);
        wanted.set(key, { ...site.target, revision: site.revision });
    }
    const read = await Promise.all([...wanted].map(async ([key, { namespace, id, revision }]) => [key, await api.flowRevisionSource(namespace, id, revision)]));
    return new Map(read);
}

function triggerChanges(before, after, reference) {
    if (![before, after].some((source) => /triggers|disabled/.test(source)))
        return [];
    const region = topLevelText(before, TRIGGER_KEYS);
    if (region !== undefined && region === topLevelText(after, TRIGGER_KEYS))
        return [];
    const old = readTriggers(before);
    const now = readTriggers(after);
    if (!old || !now)
        return [];
    const changes = [];
    if (old.disabled !== now.disabled) {
        changes.push({ text: now.disabled ? 'flow disabled' : 'flow enabled' });
    }
    const previous = new Map(old.triggers.map((t) => [t.id, t]));
    for (const trigger of now.triggers) {
        const was = previous.get(trigger.id);
        if (!was) {
            changes.push(withNextRun(`trigger ${trigger.id} (${describe$1(trigger)}) added`, trigger));
            continue;
        }
        const name = `trigger ${trigger.id}`;
        if (was.type !== trigger.type) {
            changes.push({ text: `${name} type ${shortType(was.type)} → ${shortType(trigger.type)}` });
        }
        if (was.disabled !== trigger.disabled) {
            changes.push({ text: `${name} ${trigger.disabled ? 'disabled' : 'enabled'}` });
        }
        if (was.cron !== trigger.cron) {
            changes.push(withNextRun(`${name} cron ${quoted(was.cron)} → ${quoted(trigger.cron)}`, trigger));
        }
        if (was.timezone !== trigger.timezone) {
            const text = `${name} timezone ${was.timezone ?? 'server default'} → ${trigger.timezone ?? 'server default'}`;
            changes.push(was.cron !== trigger.cron ? { text } : withNextRun(text, trigger));
        }
    }
    for (const trigger of old.triggers.filter((t) => !now.triggers.some((n) => n.id === t.id))) {
        changes.push({ text: `trigger ${trigger.id} (${describe$1(trigger)}) removed` });
    }
    return changes;
    function withNextRun(text, trigger) {
        const run = trigger.disabled || now.disabled ? undefined : nextRun(trigger, reference);
        return run ? { text, nextRun: run } : { text };
    }
}
const TRIGGER_KEYS = new Set(['triggers', 'disabled']);
function readTriggers(source) {
    let root;
    try {
        const doc = parseFlowFile({ file: '', rel: '', raw: source }).documents[0];
        if (!doc || doc.errors.length > 0)
            return undefined;
        root = doc.toJS({ maxAliasCount: 1000 });
    }
    catch {
        return undefined;
    }
    const flow = flowTriggers.safeParse(root).data;
    if (!flow)
        return undefined;
    const triggers = [];
    flow.triggers.forEach((item, index) => {
        if (!item)
            return;
        const text = (value) => typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
        triggers.push({
            id: text(item.id) ?? `#${index + 1}`,
            type: text(item.type) ?? 'unknown',
            disabled: item.disabled === true,
            cron: text(item.cron),
            withSeconds: item.withSeconds === true || item.withSeconds === 'true',
            timezone: text(item.timezone)
        });
    });
    return { disabled: flow.disabled === true, triggers };
}
function describe$1(trigger) {
    const parts = [shortType(trigger.type)];
    if (trigger.cron !== undefined)
        parts.push(`cron ${quoted(trigger.cron)}`);
    if (trigger.timezone !== undefined)
        parts.push(trigger.timezone);
    if (trigger.disabled)
        parts.push('disabled');
    return parts.join(', ');
}
function shortType(type) {
    return type.slice(type.lastIndexOf('.') + 1);
}
function quoted(value) {
    return value === undefined ? 'none' : `"${value}"`;
}
function nextRun(trigger, reference) {
    if (reference === undefined || trigger.cron === undefined)
        return undefined;
    if (cronProblem(trigger.cron, trigger.withSeconds === true))
        return undefined;
    const zone = trigger.timezone ?? 'UTC';
    try {
        const at = new j(trigger.cron, { timezone: zone }).nextRun(reference);
        if (!at)
            return undefined;
        const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
            timeZone: zone,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23'
        })
            .formatToParts(at)
            .map((part) => [part.type, part.value]));
        return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${zone}`;
    }
    catch {
        return undefined;
    }
}
const flowTriggers = looseObject({
    disabled: unknown().optional(),
    triggers: array(unknown().transform((item) => jsonObject.safeParse(item).data))
        .catch([])
        .default([])
});

function withImpact(plan, input) {
    const flows = plan.resources.filter((r) => r.kind === 'flow');
    const deleted = new Set(flows.filter((f) => f.action === 'delete').map(keyOf$1));
    const callers = new Map();
    const removed = new Map(flows.filter((f) => f.action === 'delete' || f.action === 'orphaned').map((f) => [keyOf$1(f), f]));
    const findings = [];
    for (const call of input.calls) {
        const target = keyOf$1(call);
        const from = keyOf$1(call.caller);
        if (from === target || deleted.has(from))
            continue;
        const byCaller = callers.get(target) ?? new Map();
        byCaller.set(`${from}\0${call.via}`, {
            ...call.caller,
            via: call.via,
            serverOnly: input.serverOnly.has(from)
        });
        callers.set(target, byCaller);
        const gone = removed.get(target);
        if (gone?.action === 'delete')
            findings.push(deletedInUse(call.caller, call, callTarget(call)));
        else if (gone && call.file !== '')
            findings.push(orphanedTargetFinding(call, gone));
    }
    const deletedFiles = new Set(plan.resources.map((r) => r.kind === 'file' && r.action === 'delete' && fileKey(r.namespace, r.path)));
    for (const read of input.reads) {
        if (deleted.has(keyOf$1(read.reader)) || !deletedFiles.has(fileKey(read.namespace, read.path)))
            continue;
        findings.push(deletedInUse(read.reader, read, {
            what: `read('${read.path}') reads`,
            used: `namespace file ${read.namespace}:${read.path}`,
            effect: 'this flow would fail when it runs',
            keep: 'Keep the file in the repository'
        }));
    }
    for (const flow of input.unsearched ?? []) {
        const gone = removed.get(keyOf$1(flow));
        if (gone?.action === 'delete')
            findings.push(unsearchedFinding(gone, flow.why, input.searched ?? []));
    }
    const resources = plan.resources.map((r) => {
        if (r.kind !== 'flow' || !isWrite(r))
            return r;
        const impact = {
            callers: [...(callers.get(keyOf$1(r))?.values() ?? [])].sort((a, b) => compareCodeUnits(a.namespace, b.namespace) ||
                compareCodeUnits(a.id, b.id) ||
                compareCodeUnits(a.via, b.via)),
            triggers: r.action === 'update' && r.current && r.desired !== undefined
                ? triggerChanges(r.current.source, r.desired, input.reference)
                : []
        };
        return impact.callers.length + impact.triggers.length > 0 ? { ...r, impact } : r;
    });
    const shown = resources.flatMap((r) => r.kind === 'flow' && r.impact
        ? [
            [
                keyOf$1(r),
                r.impact.callers.map((c) => [c.namespace, c.id, c.via, c.serverOnly]),
                r.impact.triggers.map((t) => t.text)
            ]
        ]
        : []);
    const fingerprint = shown.length === 0
        ? plan.fingerprint
        : sha256Hex(JSON.stringify({ plan: plan.fingerprint, impact: shown }));
    const distinct = new Map(findings.map((f) => [`${f.file}\0${f.line}\0${f.column}\0${f.message}`, f]));
    return { plan: { ...plan, resources, fingerprint }, findings: [...distinct.values()] };
}
function callTarget(call) {
    const name = `${call.namespace}.${call.id}`;
    return {
        what: CALLS[call.via],
        used: `flow ${name}`,
        effect: call.via === 'flow-trigger'
            ? "this flow's Flow trigger would never fire"
            : 'this flow would fail when it runs',
        keep: `Keep ${name} in the repository`
    };
}
function deletedInUse(user, at, target) {
    const deletes = `which this deploy deletes (delete: true), so ${target.effect}. ${target.keep}`;
    const site = at.file === '' ? { file: '', line: 1 } : { file: at.file, line: at.line, column: at.column };
    return {
        severity: 'error',
        ...site,
        rule: 'deletes-resource-in-use',
        message: at.file === ''
            ? `Flow ${user.namespace}.${user.id} (only on the server) still uses ${target.used}, ${deletes}, or change or delete ${user.namespace}.${user.id} in Kestra first`
            : `${target.what} ${target.used}, ${deletes}, or remove this use first`,
        resource: keyOf$1(user)
    };
}
function unsearchedFinding(target, why, searched) {
    const name = `${target.namespace}.${target.id}`;
    const read = searched.length > 0 ? [...searched].sort(compareCodeUnits).join(', ') : 'none';
    return {
        severity: 'warning',
        file: '',
        line: 1,
        rule: 'deletion-users-not-searched',
        message: `Flow ${name} is deleted, and flows outside the namespaces this repository manages (${read}) were not searched for uses of it (${why}): a Subflow call or Flow trigger in another namespace would break. Check its dependencies in Kestra before merging`,
        resource: keyOf$1(target)
    };
}
function orphanedTargetFinding(call, target) {
    const name = `${target.namespace}.${target.id}`;
    return {
        severity: 'warning',
        file: call.file,
        line: call.line,
        column: call.column,
        rule: 'calls-removed-flow',
        message: `${CALLS[call.via]} flow ${name}, which the repository no longer holds: the server keeps it only because delete is false, and the next deploy with delete: true removes it. Remove the call, or keep ${name} in the repository`,
        resource: keyOf$1(call.caller)
    };
}
function keyOf$1(flow) {
    return flowKey(flow.namespace, flow.id);
}
function withReview(plan, review) {
    const resources = plan.resources.map((r) => {
        if (r.kind !== 'flow')
            return r;
        const key = keyOf$1(r);
        const missing = r.action === 'create' || r.action === 'update' ? review.missing.get(key) : undefined;
        const unfinished = r.action === 'update' || r.action === 'delete' ? review.unfinished.get(key) : undefined;
        const breaks = review.breaks.get(key);
        let change = r;
        if (missing?.length || unfinished?.length) {
            change = {
                ...change,
                review: { ...(missing?.length && { missing }), ...(unfinished?.length && { unfinished }) }
            };
        }
        if (breaks && change.impact) {
            const callers = change.impact.callers.map((c) => {
                const words = breaks.get(`${keyOf$1(c)}\0${c.via}`);
                return words ? { ...c, breaks: words } : c;
            });
            change = { ...change, impact: { ...change.impact, callers } };
        }
        return change;
    });
    return { ...plan, resources };
}
const MAY_REFER = /flowId|\bread\s*\(/;
function callGraph(repository, server, outside = []) {
    const held = new Map();
    for (const flow of repository.flows) {
        if (flow.notAFlow || flow.namespace === undefined || flow.id === undefined)
            continue;
        held.set(flowKey(flow.namespace, flow.id), { namespace: flow.namespace, id: flow.id });
    }
    const calls = [];
    const reads = [];
    const add = (references, caller) => {
        for (const ref of references) {
            const { namespace, file, line, column } = ref;
            if (ref.kind === 'flow') {
                calls.push({ caller, namespace, id: ref.id, via: ref.via, file, line, column });
            }
            else
                reads.push({ reader: caller, namespace, path: ref.path, file, line, column });
        }
    };
    for (const ref of repository.references) {
        const caller = held.get(ref.fromFlow);
        if (caller)
            add([ref], caller);
    }
    const serverOnly = new Set();
    for (const [namespace, { flows }] of server) {
        for (const remote of flows) {
            const key = flowKey(namespace, remote.id);
            if (held.has(key))
                continue;
            serverOnly.add(key);
            if (!MAY_REFER.test(remote.source))
                continue;
            const parsed = parseFlowFile({ file: '', rel: '', raw: remote.source });
            add(collectReferences([parsed]), { namespace, id: remote.id });
        }
    }
    for (const use of outside) {
        const key = keyOf$1(use.user);
        if (held.has(key))
            continue;
        serverOnly.add(key);
        const { namespace, id, via } = use;
        calls.push({ caller: use.user, namespace, id, via, file: '', line: 1, column: 1 });
    }
    return { calls, reads, serverOnly };
}

function changedContracts(flows, calls) {
    const called = new Set(calls.filter((call) => call.via !== 'flow-trigger').map(keyOf$1));
    return flows.filter((f) => f.action === 'update' &&
        f.current !== undefined &&
        f.desired !== undefined &&
        called.has(keyOf$1(f)) &&
        !sameInputs(f.current.source, f.desired));
}
function callSites(targets, calls, sources) {
    const wanted = new Set(targets.map(keyOf$1));
    const callers = new Map();
    for (const call of calls) {
        if (call.via !== 'flow-trigger' && wanted.has(keyOf$1(call))) {
            callers.set(keyOf$1(call.caller), call.caller);
        }
    }
    const sites = [];
    for (const [key, caller] of [...callers].sort(([a], [b]) => compareCodeUnits(a, b))) {
        const repository = sources.repository.get(key);
        const flow = repository ?? sources.server.get(key);
        const first = flow?.documents[0];
        if (!flow || !first)
            continue;
        const document = new FlowDocument(flow, first);
        if (!document.root || !document.aliases.safe)
            continue;
        for (const link of flowLinks(document, taskTree(document))) {
            const { task, via } = link;
            if (!task || via === 'flow-trigger')
                continue;
            const namespace = document.string(link.namespace.value);
            const id = document.string(link.flowId.value);
            if (namespace === undefined || id === undefined)
                continue;
            if (!wanted.has(flowKey(namespace, id)))
                continue;
            const inputsEntry = document.get(task.map, 'inputs');
            if (inputsEntry && !document.map(inputsEntry.value) && !document.isNull(inputsEntry.value)) {
                continue;
            }
            const revision = Number(document.string(document.get(task.map, 'revision')?.value));
            const at = (node) => nodePosition(flow, node);
            sites.push({
                target: { namespace, id },
                caller,
                via,
                serverOnly: repository === undefined,
                file: repository ? flow.file : '',
                ...at(task.at),
                ...(Number.isInteger(revision) && revision > 0 && { revision }),
                inputs: document.entries(inputsEntry?.value).map((entry) => {
                    const text = document.string(entry.value);
                    const literal = text === undefined || /\{[{%]/.test(text) ? undefined : text;
                    return {
                        key: String(entry.key.value),
                        ...(literal !== undefined && { literal }),
                        ...at(entry.key)
                    };
                })
            });
        }
    }
    return sites;
}
function reviewContracts(sites, targets, pinned) {
    const findings = [];
    const breaks = new Map();
    const byKey = new Map(targets.map((t) => [keyOf$1(t), t]));
    for (const site of sites) {
        const targetKey = keyOf$1(site.target);
        const target = byKey.get(targetKey);
        const source = site.revision === undefined ? target.desired : pinned.get(pinnedKey(targetKey, site.revision));
        const declared = source === undefined ? undefined : declaredInputs(source);
        if (!declared)
            continue;
        const name = `${site.target.namespace}.${site.target.id}`;
        const words = [];
        const report = (fatal, text, at) => {
            words.push(text);
            findings.push(contractFinding(site, target, fatal, `${text}${fatal ? FAILS : DROPPED}`, at));
        };
        const revision = site.revision === undefined ? '' : ` (revision ${site.revision})`;
        const given = new Set(site.inputs.map((i) => i.key));
        for (const input of declared.filter((d) => d.required && !d.hasDefaults && !given.has(d.id))) {
            report(true, `does not pass required input ${input.id} of ${name}${revision}`, site);
        }
        for (const passed of site.inputs) {
            const input = declared.find((d) => d.id === passed.key);
            if (!input) {
                report(false, `passes input ${passed.key}, which ${name}${revision} does not declare`, passed);
                continue;
            }
            const why = passed.literal === undefined ? undefined : refusal$1(input, passed.literal);
            if (why)
                report(true, `passes ${passed.key}: ${why}, which input ${passed.key} of ${name}${revision} refuses`, passed);
        }
        if (words.length > 0) {
            const callers = breaks.get(targetKey) ?? new Map();
            const callerKey = `${keyOf$1(site.caller)}\0${site.via}`;
            callers.set(callerKey, [...(callers.get(callerKey) ?? []), ...words]);
            breaks.set(targetKey, callers);
        }
    }
    return { findings, breaks };
}
const FAILS = ': the task fails when it runs (Kestra checks a call only then). Pass the input, give it defaults, or make it optional';
const DROPPED = ': Kestra drops it with a warning when the task runs. Remove it from the call';
function contractFinding(site, target, fatal, text, at) {
    const resource = keyOf$1(site.caller);
    const what = site.via === 'foreach' ? 'ForEachItem' : 'Subflow';
    if (!site.serverOnly) {
        return {
            severity: fatal ? 'error' : 'warning',
            file: site.file,
            line: at.line,
            column: at.column,
            rule: 'subflow-contract',
            message: `${what} call ${text}`,
            resource
        };
    }
    return {
        severity: 'warning',
        file: target.file ?? '',
        line: inputsLine(target.desired ?? ''),
        rule: 'subflow-contract',
        message: `${site.caller.namespace}.${site.caller.id} (server only): its ${what} call ${text}`,
        resource
    };
}
function inputsLine(source) {
    const index = source.search(/^inputs\s*:/m);
    return index < 0 ? 1 : source.slice(0, index).split('\n').length;
}
function declaredInputs(source) {
    const doc = distExports.parseDocument(source, { uniqueKeys: false });
    if (doc.errors.length > 0)
        return undefined;
    const root = doc.toJS({ maxAliasCount: 100 });
    if (!root || typeof root !== 'object')
        return undefined;
    const inputs = Array.isArray(root.inputs) ? root.inputs : [];
    return inputs.flatMap((raw) => {
        const input = (raw ?? {});
        const id = input.id ?? input.name;
        if (typeof id !== 'string')
            return [];
        const type = typeof input.type === 'string' ? input.type.toUpperCase() : 'STRING';
        const values = Array.isArray(input.values) ? input.values.map(String) : undefined;
        const closed = values && !(type === 'SELECT' && input.allowCustomValue === true);
        return [
            {
                id,
                type,
                required: input.required !== false && input.dependsOn === undefined,
                hasDefaults: input.defaults !== undefined && input.defaults !== null,
                ...(closed && input.required !== false && { values }),
                ...(typeof input.min === 'number' && { min: input.min }),
                ...(typeof input.max === 'number' && { max: input.max })
            }
        ];
    });
}
function sameInputs(a, b) {
    const text = topLevelText(a, INPUT_KEYS);
    if (text !== undefined && text === topLevelText(b, INPUT_KEYS))
        return true;
    return JSON.stringify(declaredInputs(a)) === JSON.stringify(declaredInputs(b));
}
const INPUT_KEYS = new Set(['inputs']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DURATION = /^[-+]?P(?!$)(\d+D)?(T(?=[\d.])(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/i;
const INT = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fFdD]?$/;
function refusal$1(input, literal) {
    const value = literal.trim();
    switch (input.type) {
        case 'INT': {
            if (!INT.test(value) || Number(value) < -2147483648 || Number(value) > 2 ** 31 - 1) {
                return `'${literal}' is not an INT`;
            }
            return bounds(input, Number(value));
        }
        case 'FLOAT':
            return FLOAT.test(value)
                ? bounds(input, Number(value.replace(/[fFdD]$/, '')))
                : `'${literal}' is not a FLOAT`;
        case 'DATE':
            return DATE.test(value) && validDate(value)
                ? undefined
                : `'${literal}' is not a DATE (yyyy-mm-dd)`;
        case 'TIME':
            return TIME.test(value) ? undefined : `'${literal}' is not a TIME (hh:mm:ss)`;
        case 'DATETIME':
            return DATETIME.test(value) && validDate(value.slice(0, 10))
                ? undefined
                : `'${literal}' is not a DATETIME (an ISO-8601 instant with its offset)`;
        case 'DURATION':
            return DURATION.test(value)
                ? undefined
                : `'${literal}' is not a DURATION (ISO-8601, e.g. PT5M)`;
        case 'URI':
            return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value)
                ? undefined
                : `'${literal}' is not a URI with a scheme`;
        default:
            if (input.values && !input.values.includes(literal)) {
                return `'${literal}' is not one of ${input.values.join(', ')}`;
            }
            return undefined;
    }
}
function bounds(input, n) {
    if (input.min !== undefined && n < input.min)
        return `${n} is below its min ${input.min}`;
    if (input.max !== undefined && n > input.max)
        return `${n} is above its max ${input.max}`;
    return undefined;
}
function validDate(text) {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const NOTICE_NAMES = 20;
function checkNames(refs, listings, defined) {
    const findings = [];
    const missing = new Map();
    const unchecked = [];
    let checked = 0;
    const secrets = secretLookup(listings.secrets);
    const ownOnly = listings.kvOwnNamespaceOnly === true;
    const kv = kvLookup(listings.kv, ownOnly);
    const inRepository = (ref) => {
        const scopes = ref.kind === 'kv' ? kvLookupScopes(ref, ownOnly) : [ref.namespace ?? ref.flowNamespace];
        return scopes.some((namespace) => defined?.has(ref.kind, namespace, ref.name) === true);
    };
    for (const ref of refs) {
        if (inRepository(ref)) {
            checked++;
            continue;
        }
        const lookup = ref.kind === 'secret' ? secrets : kv;
        if (typeof lookup === 'string') {
            unchecked.push({ ref, reason: lookup });
            continue;
        }
        checked++;
        if (lookup(ref))
            continue;
        findings.push(missingFinding(ref, ownOnly));
        const names = missing.get(ref.fromFlow) ?? [];
        if (!names.some((m) => m.kind === ref.kind && m.name === ref.name)) {
            names.push({ kind: ref.kind, name: ref.name });
        }
        missing.set(ref.fromFlow, names);
    }
    if (unchecked.length > 0)
        findings.push(uncheckedNotice(unchecked));
    return { findings, missing, checked };
}
function secretLookup(listing) {
    if (!listing)
        return 'the secrets were not listed';
    if (!listing.listed)
        return listing.reason;
    const tenant = new Set(listing.value.tenant?.map((name) => name.toUpperCase()));
    const byNamespace = new Map(Object.entries(listing.value.byNamespace ?? {}).map(([namespace, names]) => [
        namespace,
        new Set(names.map((name) => name.toUpperCase()))
    ]));
    return (ref) => {
        const name = ref.name.toUpperCase();
        if (tenant.has(name))
            return true;
        return byNamespace.get(ref.namespace ?? ref.flowNamespace)?.has(name) === true;
    };
}
function kvLookup(listing, ownOnly) {
    if (!listing)
        return 'the KV keys were not listed';
    if (!listing.listed)
        return listing.reason;
    const keys = new Map(Object.entries(listing.value).map(([ns, names]) => [ns, new Set(names)]));
    return (ref) => kvLookupScopes(ref, ownOnly).some((namespace) => keys.get(namespace)?.has(ref.name) === true);
}
function missingFinding(ref, kvOwnOnly) {
    const namespace = ref.namespace ?? ref.flowNamespace;
    const where = ref.namespace === undefined && !kvOwnOnly ? ' nor its parent namespaces' : '';
    const effect = kvOwnOnly
        ? "kv() gives the task null when it runs (this Kestra looks in the flow's own namespace only and does not fail on a missing key)"
        : 'the task using it fails when it runs';
    const message = ref.kind === 'secret'
        ? `secret ${ref.name} is not defined for namespace ${namespace}: the task using it fails when it runs. Define the secret on the server (Kestra OSS: the environment variable SECRET_${ref.name.toUpperCase()}, base64-encoded) or fix the name`
        : `KV key ${ref.name} is not defined for namespace ${namespace}${where}: ${effect}. Create the key in the KV store, pass errorOnMissing=false if it is optional, or fix the name`;
    return {
        severity: 'warning',
        file: ref.file,
        line: ref.line,
        column: ref.column,
        rule: ref.kind === 'secret' ? 'missing-secret' : 'missing-kv-key',
        message,
        resource: ref.fromFlow
    };
}
function uncheckedNotice(unchecked) {
    const parts = [];
    for (const kind of ['secret', 'kv']) {
        const mine = unchecked.filter((u) => u.ref.kind === kind);
        if (mine.length === 0)
            continue;
        const names = [...new Set(mine.map((u) => u.ref.name))];
        const shown = names.slice(0, NOTICE_NAMES).join(', ');
        const more = names.length > NOTICE_NAMES ? ` and ${names.length - NOTICE_NAMES} more` : '';
        const what = kind === 'secret' ? 'Secret names' : 'KV keys';
        parts.push(`${what} were not checked (${mine[0].reason}): ${shown}${more}.`);
    }
    const first = unchecked[0].ref;
    return {
        severity: 'notice',
        file: first.file,
        line: first.line,
        column: first.column,
        rule: 'names-not-checked',
        message: `${parts.join(' ')} They may be missing on the server: check them there.`
    };
}

const READ_ONLY_LABEL = 'system.readOnly';
const MAX_ALIASES = 1000;
function readOnlyLabel(source, doc, lineCounter) {
    const root = doc.contents;
    const pair = pairOf(root, 'labels');
    const at = (node) => lineCounter.linePos(node?.range?.[0] ?? 0).line;
    const line = at(ownReadOnlyNode(pair?.value) ?? pair?.key);
    const refuse = (refused) => ({ edits: [], note: { line, refused } });
    const resolved = resolve(source);
    const own = labelList.safeParse(resolved?.labels).data;
    if (!resolved || own === undefined) {
        return refuse(`its labels are neither a map nor a list of {key, value} with text values, so the ${READ_ONLY_LABEL} label that read-only adds cannot be added. Write labels as a map (key: value)`);
    }
    const userValue = own.find(([key]) => key === READ_ONLY_LABEL)?.[1];
    const overridden = userValue !== undefined && userValue !== 'true';
    const edits = reusesNodes(doc, pair?.value)
        ? expandedLabels(doc, pair.value, own)
        : plainLabelEdit(source, root);
    const expected = [
        ...own.filter(([key]) => key !== READ_ONLY_LABEL),
        [READ_ONLY_LABEL, 'true']
    ];
    const refused = edits ? checkLabelled(resolved, applyEdits(source, edits), expected) : 'no edit';
    if (refused) {
        return refuse(`the ${READ_ONLY_LABEL} label that read-only adds cannot be added safely to its labels (${refused}). Write labels as a plain map (key: value) without aliases or merge keys`);
    }
    return { edits: edits, note: { line, ...(overridden && { overridden }) } };
}
function resolve(source) {
    const doc = distExports.parseDocument(source, { merge: true, uniqueKeys: false });
    if (doc.errors.length > 0)
        return undefined;
    try {
        const value = doc.toJS({ maxAliasCount: MAX_ALIASES });
        return isRecord(value) ? value : undefined;
    }
    catch {
        return undefined;
    }
}
const labelText = union([string(), number(), boolean$1(), bigint()]).transform(String);
const labelList = union([
    _null()
        .or(_undefined())
        .transform(() => []),
    array(object({ key: labelText, value: labelText })
        .transform((l) => [l.key, l.value])),
    record(string(), labelText).transform(Object.entries)
]);
function reusesNodes(doc, labels) {
    if (!distExports.isMap(labels) && !distExports.isSeq(labels) && !distExports.isAlias(labels))
        return false;
    let reuses = distExports.isAlias(labels);
    const anchors = anchorsIn(labels);
    distExports.visit(labels, {
        Alias() {
            reuses = true;
        },
        Pair(_key, pair) {
            if (distExports.isScalar(pair.key) && pair.key.value === '<<')
                reuses = true;
        }
    });
    if (reuses || anchors.size === 0)
        return reuses;
    distExports.visit(doc, {
        Alias(_key, alias) {
            if (anchors.has(alias.source))
                reuses = true;
        }
    });
    return reuses;
}
function expandedLabels(doc, labels, own) {
    const end = distExports.isAlias(labels) ? labels.range?.[1] : contentEnd(labels);
    if (!labels.range || end === undefined)
        return undefined;
    const kept = own.filter(([key]) => key !== READ_ONLY_LABEL);
    const asList = distExports.isSeq(labels) || (distExports.isAlias(labels) && distExports.isSeq(labels.resolve(doc)));
    const quoted = JSON.stringify;
    const text = asList
        ? `[${[...kept, [READ_ONLY_LABEL, 'true']].map(([k, v]) => `{"key": ${quoted(k)}, "value": ${quoted(v)}}`).join(', ')}]`
        : `{${[...kept, [READ_ONLY_LABEL, 'true']].map(([k, v]) => `${quoted(k)}: ${quoted(v)}`).join(', ')}}`;
    const edits = [{ start: labels.range[0], end, text }];
    if (distExports.isAlias(labels))
        return edits;
    const inside = anchorsIn(labels);
    let unsafe = false;
    distExports.visit(doc, {
        Alias(_key, alias) {
            if (!inside.has(alias.source) || !alias.range)
                return;
            const target = alias.resolve(doc);
            if (!target) {
                unsafe = true;
                return;
            }
            const value = target.toJS(doc, { maxAliasCount: MAX_ALIASES });
            edits.push({ start: alias.range[0], end: alias.range[1], text: JSON.stringify(value) });
        },
        Pair(_key, pair) {
            if (distExports.isAlias(pair.key) && inside.has(pair.key.source))
                unsafe = true;
        }
    });
    return unsafe ? undefined : edits;
}
function anchorsIn(node) {
    const anchors = new Set();
    distExports.visit(node, {
        Node(_key, inner) {
            if ('anchor' in inner && typeof inner.anchor === 'string')
                anchors.add(inner.anchor);
        }
    });
    return anchors;
}
function ownReadOnlyNode(labels) {
    if (distExports.isMap(labels))
        return pairOf(labels, READ_ONLY_LABEL)?.key;
    const item = distExports.isSeq(labels) ? readOnlyItem(labels) : undefined;
    return item && pairOf(item, 'key')?.value;
}
function readOnlyItem(labels) {
    return labels.items.find((item) => distExports.isMap(item) && scalarValue(pairOf(item, 'key')?.value) === READ_ONLY_LABEL);
}
function checkLabelled(was, after, expected) {
    const now = resolve(after);
    if (!now)
        return 'the result does not parse';
    const labels = labelList.safeParse(now.labels).data;
    const sorted = (pairs) => JSON.stringify(pairs.map((pair) => JSON.stringify(pair)).sort());
    if (!labels || sorted(labels) !== sorted(expected))
        return 'the labels would change';
    const { labels: _was, ...restBefore } = was;
    const { labels: _now, ...restAfter } = now;
    return JSON.stringify(restBefore) === JSON.stringify(restAfter)
        ? undefined
        : 'the rest of the flow would change';
}
function plainLabelEdit(source, root) {
    const labels = pairOf(root, 'labels');
    const value = labels?.value;
    const label = `${READ_ONLY_LABEL}: "true"`;
    let edit;
    if (distExports.isMap(value)) {
        const own = pairOf(value, READ_ONLY_LABEL);
        if (own)
            return setTrue(own.value);
        edit = insertIntoMap(source, value, { lines: [label], flowText: label });
    }
    else if (distExports.isSeq(value)) {
        const own = readOnlyItem(value);
        if (own)
            return setTrue(pairOf(own, 'value')?.value);
        edit = appendToSeq(source, value, {
            lines: [`key: ${READ_ONLY_LABEL}`, 'value: "true"'],
            flowText: `{key: ${READ_ONLY_LABEL}, value: "true"}`
        });
    }
    else if (labels && !(distExports.isScalar(value) && value.value === null)) {
        return undefined;
    }
    else if (labels && distExports.isScalar(value)) {
        edit = { ...replaceScalar(value, ''), text: ` {${label}}` };
    }
    else {
        const lines = ['labels:', `  ${label}`];
        edit = insertIntoMap(source, root, { lines, flowText: `labels: {${label}}` }, pairOf(root, 'namespace'));
    }
    return edit && [edit];
}
function setTrue(node) {
    if (!distExports.isScalar(node))
        return undefined;
    if (String(node.value) === 'true')
        return [];
    const range = node.range;
    return range
        ? [{ start: range[0], end: range[1], text: range[0] === range[1] ? ' "true"' : '"true"' }]
        : undefined;
}

class SentRewrite {
    settings;
    constructor(settings) {
        this.settings = settings;
    }
    get identity() {
        const { namespacePrefix, disableTriggers, readOnly } = this.settings;
        return !namespacePrefix && !disableTriggers && !readOnly;
    }
    namespace = (namespace) => this.settings.namespacePrefix ? `${this.settings.namespacePrefix}.${namespace}` : namespace;
    localFiles(files) {
        if (!this.settings.namespacePrefix)
            return files;
        const prefix = `${this.settings.namespacePrefix}.`;
        return {
            of: async (namespace) => namespace.startsWith(prefix)
                ? (await files.of(namespace.slice(prefix.length))).map((entry) => ({
                    ...entry,
                    namespace
                }))
                : []
        };
    }
    model(model) {
        if (this.identity)
            return { model, findings: [] };
        this.refuseUnsendable(model);
        const options = this.options(model.managedNamespaces);
        const findings = [];
        const flows = model.flows.map((flow) => {
            if (flow.notAFlow || flow.namespace === undefined)
                return flow;
            const sent = sentFlow(flow.source, options);
            const resource = flow.id === undefined ? undefined : flowKey(flow.namespace, flow.id);
            const note = sent.readOnly;
            const add = (severity, line, rule, message) => findings.push({ severity, file: flow.file, line, rule, message, resource });
            if (note?.refused) {
                add('error', note.line, READ_ONLY_REFUSED, `read-only is true, but this flow cannot be sent read-only: ${note.refused}. Nothing is written while it stands.`);
            }
            else if (note?.overridden) {
                add('warning', note.line, 'read-only-label-overridden', `This flow sets ${READ_ONLY_LABEL} to something other than "true", but read-only is true: the flow is sent with ${READ_ONLY_LABEL}: "true" (read-only wins). Remove the label, or turn read-only off for this deploy.`);
            }
            for (const mention of sent.pebble) {
                add('warning', mention.line, 'pebble-mapped-namespace', `This Pebble expression names namespace ${mention.namespace}, which this run sends as ${mention.mapped}; Pebble is sent as written, so it still reads ${mention.namespace}. Use {{ flow.namespace }} to follow the flow wherever it is deployed.`);
            }
            const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(flow));
            return Object.assign(copy, { namespace: this.namespace(flow.namespace), source: sent.source });
        });
        return {
            model: {
                ...model,
                flows,
                files: model.files.map((entry) => ({
                    ...entry,
                    namespace: this.namespace(entry.namespace)
                })),
                managedNamespaces: model.managedNamespaces.map(this.namespace)
            },
            findings
        };
    }
    refuseUnsendable(model) {
        const prefix = this.settings.namespacePrefix;
        if (!prefix)
            return;
        const held = new Set([
            ...model.managedNamespaces,
            ...model.flows.flatMap((flow) => (flow.namespace === undefined ? [] : [flow.namespace])),
            ...model.files.map((entry) => entry.namespace)
        ]);
        const refused = [...held]
            .filter((namespace) => isKestraNamespace(namespace) && !isKestraNamespace(this.namespace(namespace)))
            .sort();
        if (refused.length === 0)
            return;
        const room = NAMESPACE_MAX_LENGTH - prefix.length - 1;
        const named = refused
            .slice(0, 5)
            .map((namespace) => {
            const file = model.flows.find((flow) => flow.namespace === namespace)?.file;
            return `${namespace} (${namespace.length} characters${file ? `, ${file}` : ''}) would be sent as ${this.namespace(namespace)} (${this.namespace(namespace).length} characters)`;
        })
            .join('; ');
        const more = refused.length > 5 ? `; and ${refused.length - 5} more` : '';
        throw new ActionError(`Namespace prefix '${prefix}': ${named}${more}. Kestra allows at most ${NAMESPACE_MAX_LENGTH} characters in a namespace, so nothing was written. Shorten these namespaces in the repository to at most ${room} characters, or use a shorter prefix (docs/environments.md#namespace-mapping).`);
    }
    references(refs, managed) {
        if (!this.settings.namespacePrefix)
            return refs;
        const held = new Set(managed);
        const map = (namespace) => (held.has(namespace) ? this.namespace(namespace) : namespace);
        return refs.map((ref) => ({
            ...ref,
            namespace: map(ref.namespace),
            fromFlow: sentFlowKey(ref.fromFlow, map)
        }));
    }
    names(refs) {
        if (!this.settings.namespacePrefix)
            return refs;
        return refs.map((ref) => ({
            ...ref,
            flowNamespace: this.namespace(ref.flowNamespace),
            fromFlow: sentFlowKey(ref.fromFlow, this.namespace)
        }));
    }
    base(snapshot, managed, server) {
        const onServer = new Map();
        for (const [namespace, held] of server ?? []) {
            for (const flow of held.flows)
                onServer.set(flowKey(namespace, flow.id), flow.source);
        }
        if (this.identity && onServer.size === 0)
            return snapshot;
        const flows = new Map();
        for (const [key, flow] of snapshot.flows) {
            const sentKey = sentFlowKey(key, this.namespace);
            const sent = this.identity ? flow.source : sentFlow(flow.source, this.options(managed)).source;
            const held = onServer.get(sentKey);
            const source = held === undefined || held === sent || same(held, sent)
                ? sent
                : (this.variants(flow.source, managed).find((variant) => same(held, variant)) ?? sent);
            flows.set(sentKey, { source, file: flow.file });
        }
        if (!this.settings.namespacePrefix)
            return { flows, files: snapshot.files };
        const files = new Map();
        for (const [key, file] of snapshot.files) {
            const rest = key.slice('file:'.length);
            const colon = rest.indexOf(':');
            files.set(fileKey(this.namespace(rest.slice(0, colon)), rest.slice(colon + 1)), file);
        }
        return { flows, files };
    }
    variants(source, managed) {
        const options = this.options(managed);
        return [false, true].flatMap((readOnly) => [false, true].map((disableTriggers) => sentFlow(source, { ...options, readOnly, disableTriggers }).source));
    }
    options(managed) {
        const held = new Set(managed);
        const prefixed = this.settings.namespacePrefix !== '';
        return {
            mapNamespace: (namespace) => prefixed && held.has(namespace) ? this.namespace(namespace) : undefined,
            disableTriggers: this.settings.disableTriggers,
            readOnly: this.settings.readOnly
        };
    }
}
function same(a, b) {
    return comparableFlowSource(a) === comparableFlowSource(b);
}
function sentFlowKey(key, map) {
    const [namespace, id] = key.slice('flow:'.length).split('/');
    return flowKey(map(namespace), id);
}
function sentFlow(source, options) {
    const lineCounter = new distExports.LineCounter();
    const doc = distExports.parseDocument(source, { lineCounter, keepSourceTokens: false, uniqueKeys: false });
    const root = doc.contents;
    if (doc.errors.length > 0 || !distExports.isMap(root))
        return { source, pebble: [] };
    const edits = [];
    const mapScalar = (node) => {
        const value = scalarValue(node);
        const mapped = value === undefined ? undefined : options.mapNamespace(value);
        const edit = mapped === undefined ? undefined : replaceScalar(node, mapped);
        if (edit)
            edits.push(edit);
    };
    mapScalar(pairOf(root, 'namespace')?.value);
    distExports.visit(doc, {
        Map(_key, map) {
            const type = scalarValue(pairOf(map, 'type')?.value);
            if (type && (SUBFLOW_TYPES.has(type) || FOREACH_ITEM_TYPES.has(type))) {
                mapScalar(pairOf(map, 'namespace')?.value);
            }
            if (type && FLOW_TRIGGER_TYPES.has(type)) {
                for (const key of ['conditions', 'preconditions', 'dependsOn']) {
                    distExports.visit(pairOf(map, key)?.value, {
                        Map(_k, inner) {
                            mapScalar(pairOf(inner, 'namespace')?.value);
                        }
                    });
                }
            }
        }
    });
    if (options.disableTriggers)
        edits.push(...disabledTriggers(source, root));
    const labelled = options.readOnly ? readOnlyLabel(source, doc, lineCounter) : undefined;
    edits.push(...(labelled?.edits ?? []));
    return {
        source: applyEdits(source, edits),
        pebble: pebbleMentions(source, doc, lineCounter, options),
        ...(labelled && { readOnly: labelled.note })
    };
}
function disabledTriggers(source, root) {
    const triggers = pairOf(root, 'triggers')?.value;
    if (!distExports.isSeq(triggers))
        return [];
    return triggers.items.flatMap((trigger) => {
        if (!distExports.isMap(trigger))
            return [];
        const disabled = pairOf(trigger, 'disabled');
        const edit = !disabled
            ? insertIntoMap(source, trigger, { lines: ['disabled: true'], flowText: 'disabled: true' })
            : distExports.isScalar(disabled.value) && disabled.value.value !== true
                ? replaceScalar(disabled.value, 'true')
                : undefined;
        return edit ? [edit] : [];
    });
}
function pebbleMentions(source, doc, lineCounter, options) {
    const mentions = [];
    distExports.visit(doc, {
        Scalar(_key, node) {
            if (typeof node.value !== 'string' || !/\{\{|\{%/.test(node.value) || !node.range)
                return;
            const start = node.range[0];
            const text = source.slice(start, node.range[1]);
            for (const expression of text.matchAll(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g)) {
                for (const match of expression[0].matchAll(/[A-Za-z0-9_][A-Za-z0-9_.-]*/g)) {
                    const token = match[0].replace(/[.-]+$/, '');
                    const mapped = options.mapNamespace(token);
                    if (mapped === undefined)
                        continue;
                    const line = lineCounter.linePos(start + expression.index + match.index).line;
                    if (!mentions.some((m) => m.line === line && m.namespace === token)) {
                        mentions.push({ line, namespace: token, mapped });
                    }
                }
            }
        }
    });
    return mentions;
}

function rewriteGroups(document) {
    const tree = taskTree(document);
    const groups = [
        ...[...tree.tasks, ...tree.triggers].map((node) => aliasEdit(node)),
        ...inputTypeEdits(document, tree),
        ...renamedKeyEdits(document, tree),
        ...tree.tasks.map((task) => allowFailedEdits(document, task)),
        ...tree.tasks.map((task) => loopEdits(document, tree, task)),
        ...tree.triggers.map((trigger) => conditionEdits(document, trigger)),
        pluginDefaultEdits(document, tree)
    ];
    return groups.filter((group) => group !== undefined && group.length > 0);
}
function aliasEdit(node) {
    const target = node.type === undefined ? undefined : aliasTarget(node.type);
    const scalar = node.typeEntry?.value;
    if (target === undefined || Object.hasOwn(REMOVED_TASKS, target) || !distExports.isScalar(scalar)) {
        return undefined;
    }
    const edit = replaceScalar(scalar, target);
    return edit && [edit];
}
const INPUT_TYPES = { BOOLEAN: 'BOOL', ENUM: 'SELECT' };
function inputTypeEdits(document, tree) {
    return inputTypeEntries(document, tree).flatMap(({ entry }) => {
        const type = document.string(entry?.value) ?? '';
        if (!entry || !distExports.isScalar(entry.value) || !Object.hasOwn(INPUT_TYPES, type))
            return [];
        const edit = replaceScalar(entry.value, INPUT_TYPES[type]);
        return edit ? [[edit]] : [];
    });
}
function renamedKeyEdits(document, tree) {
    const rename = (owner, from, to) => {
        const entry = document.get(owner, from);
        if (!entry || document.get(owner, to))
            return [];
        const edit = replaceScalar(entry.key, to);
        return edit ? [[edit]] : [];
    };
    const retries = [document.root, ...tree.tasks.map((task) => task.map)].map((owner) => document.get(owner, 'retry')?.value);
    return [
        ...tree.tasks
            .filter((task) => coreFlowType(task.type) === 'Pause')
            .flatMap((task) => rename(task.map, 'delay', 'pauseDuration')),
        ...retries.flatMap((retry) => rename(retry, 'maxAttempt', 'maxAttempts'))
    ];
}
const HTTP_TASKS = new Set([
    ...['Request', 'Download', 'SseRequest'].map((name) => `io.kestra.plugin.core.http.${name}`),
    ...['Request', 'Download'].map((name) => `io.kestra.plugin.fs.http.${name}`)
]);
function allowFailedEdits(document, task) {
    const type = task.type === undefined ? undefined : (aliasTarget(task.type) ?? task.type);
    const entry = document.get(task.map, 'allowFailed');
    if (type === undefined || !HTTP_TASKS.has(type) || !entry || task.map.flow)
        return undefined;
    const source = document.flow.source;
    const range = entry.value?.range;
    const value = range && source.slice(range[0], range[1]);
    if (!distExports.isScalar(entry.value) || !value || value.includes('\n'))
        return undefined;
    const options = document.get(task.map, 'options');
    const keyColumn = column(source, entry.key.range?.[0] ?? 0);
    if (!options) {
        return [replacePair(source, entry, ['options:', `  allowFailed: ${value}`], keyColumn)];
    }
    const map = document.map(options.value);
    if (!map || document.get(map, 'allowFailed'))
        return undefined;
    const moved = insertIntoMap(source, map, {
        lines: [`allowFailed: ${value}`],
        flowText: `allowFailed: ${value}`
    });
    return moved && [removePair(source, entry), moved];
}
const FOREACH = 'io.kestra.plugin.core.flow.ForEach';
const LOOP = 'io.kestra.plugin.core.flow.Loop';
const LOOPS = new Set([
    FOREACH,
    LOOP,
    'io.kestra.plugin.core.flow.ForEachItem',
    'io.kestra.plugin.core.flow.EachSequential',
    'io.kestra.plugin.core.flow.EachParallel',
    'io.kestra.plugin.core.flow.LoopUntil'
]);
const LOOP_KEYS = new Set([
    'id',
    'type',
    'description',
    'values',
    'concurrencyLimit',
    'tasks',
    'errors',
    'finally',
    'disabled',
    'timeout',
    'retry',
    'logLevel',
    'logToFile',
    'allowFailure',
    'allowWarning',
    'runIf'
]);
function loopEdits(document, tree, loop) {
    const type = loop.type === undefined ? undefined : (aliasTarget(loop.type) ?? loop.type);
    const typeScalar = loop.typeEntry?.value;
    if (type !== FOREACH || !distExports.isScalar(typeScalar))
        return undefined;
    if (document.entries(loop.map).some((entry) => !LOOP_KEYS.has(String(entry.key.value)))) {
        return undefined;
    }
    const inside = tree.tasks.filter((task) => depthUnder(task, loop) > 0);
    if (inside.some((task) => LOOPS.has(aliasTarget(task.type ?? '') ?? task.type ?? ''))) {
        return undefined;
    }
    const source = document.flow.source;
    const readsOutputs = (id) => new RegExp(`outputs\\s*(\\.\\s*${escape(id)}\\b|\\[\\s*['"]${escape(id)}['"])`).test(source);
    if (inside.some((task) => task.id !== undefined && readsOutputs(task.id)))
        return undefined;
    const taskMaps = new Set(tree.tasks.map((task) => task.map));
    const edits = [];
    for (const task of inside) {
        const depth = depthUnder(task, loop);
        for (const scalar of ownScalars(task.map, taskMaps)) {
            const range = scalar.range;
            if (!range)
                continue;
            const text = source.slice(range[0], range[1]);
            const rewritten = iterationExpressions(text, depth);
            if (rewritten === undefined)
                return undefined;
            if (rewritten !== text)
                edits.push({ start: range[0], end: range[1], text: rewritten });
        }
    }
    const typeEdit = replaceScalar(typeScalar, LOOP);
    return typeEdit && [typeEdit, ...edits];
}
function depthUnder(task, ancestor) {
    let depth = 0;
    for (let node = task.parent; node; node = node.parent) {
        depth++;
        if (node === ancestor)
            return depth;
    }
    return 0;
}
function ownScalars(map, taskMaps) {
    const scalars = [];
    distExports.visit(map, {
        Map(_key, node) {
            if (node !== map && taskMaps.has(node))
                return distExports.visit.SKIP;
            return undefined;
        },
        Scalar(_key, node) {
            scalars.push(node);
        }
    });
    return scalars;
}
function iterationExpressions(text, depth) {
    if (!/taskrun|parent/.test(text))
        return text;
    if (depth === 1) {
        if (/(?<![\w.])parents?\b/.test(text))
            return undefined;
        return text
            .replace(/(?<![\w.])taskrun\.value\b/g, 'item.value')
            .replace(/(?<![\w.])taskrun\.iteration\b/g, 'item.index');
    }
    if (depth === 2) {
        const rewritten = text.replace(/(?<![\w.])parent\.taskrun\.value\b/g, 'item.value');
        if (/(?<![\w.])(taskrun\.(value|iteration)|parents?\b)/.test(rewritten))
            return undefined;
        return rewritten;
    }
    return /(?<![\w.])(taskrun\.(value|iteration)|parents?\b)/.test(text) ? undefined : text;
}
function conditionOf(document, condition) {
    const keys = document.entries(condition).map((entry) => String(entry.key.value));
    const match = /^(?:io\.kestra\.plugin\.core\.condition\.|io\.kestra\.core\.models\.conditions\.types\.)(\w+?)(?:Condition)?$/.exec(document.string(document.get(condition, 'type')?.value) ?? '');
    return {
        name: match?.[1],
        only: (...allowed) => keys.every((key) => ['type', ...allowed].includes(key))
    };
}
function conditionEdits(document, trigger) {
    const entry = document.get(trigger.map, 'conditions');
    if (!entry || trigger.map.flow)
        return undefined;
    const source = document.flow.source;
    const conditions = document.items(entry.value);
    if (conditions.length === 0)
        return [removePair(source, entry)];
    const keyColumn = column(source, entry.key.range?.[0] ?? 0);
    if (FLOW_TRIGGER_TYPES.has(trigger.type ?? '')) {
        if (document.get(trigger.map, 'dependsOn') || document.get(trigger.map, 'states')) {
            return undefined;
        }
        const lines = dependsOnLines(document, conditions);
        return lines && [replacePair(source, entry, lines, keyColumn)];
    }
    if (document.get(trigger.map, 'when'))
        return undefined;
    const expressions = conditions.map((condition) => whenExpression(document, condition));
    if (expressions.some((expression) => expression === undefined))
        return undefined;
    const joined = expressions.length === 1
        ? expressions[0]
        : expressions.map((expression) => `(${expression})`).join(' and ');
    return [replacePair(source, entry, [`when: ${JSON.stringify(`{{ ${joined} }}`)}`], keyColumn)];
}
function whenExpression(document, condition) {
    const { name, only } = conditionOf(document, condition);
    if (name === 'Expression' && only('expression')) {
        const text = document.string(document.get(condition, 'expression')?.value);
        const inner = text === undefined ? undefined : /^\s*\{\{([^]*)\}\}\s*$/.exec(text)?.[1];
        return inner === undefined || /\{\{|\}\}|\{%/.test(inner) ? undefined : inner.trim();
    }
    if (name === 'Weekend' && only())
        return 'isWeekend(trigger.date)';
    if (name === 'DayWeek' && only('dayOfWeek')) {
        const day = document.string(document.get(condition, 'dayOfWeek')?.value);
        return day && /^[A-Z]+DAY$/.test(day) ? `dayOfWeek(trigger.date) == '${day}'` : undefined;
    }
    if (name === 'Not' && only('conditions')) {
        const inner = document.items(document.get(condition, 'conditions')?.value);
        const parts = inner.map((item) => whenExpression(document, item));
        if (parts.length === 0 || parts.some((part) => part === undefined))
            return undefined;
        return `not (${parts.join(') or (')})`;
    }
    return undefined;
}
function dependsOnLines(document, conditions) {
    let target;
    let states;
    for (const condition of conditions) {
        const { name, only } = conditionOf(document, condition);
        const text = (key) => plainText$1(document, document.get(condition, key)?.value);
        if (name === 'ExecutionFlow' && only('namespace', 'flowId') && !target) {
            const [namespace, flowId] = [text('namespace'), text('flowId')];
            if (namespace === undefined || flowId === undefined)
                return undefined;
            target = { namespace, flowId };
        }
        else if (name === 'ExecutionNamespace' && only('namespace') && !target) {
            const namespace = text('namespace');
            if (namespace === undefined)
                return undefined;
            target = { namespace };
        }
        else if (name === 'ExecutionStatus' && only('in') && !states) {
            states = document
                .items(document.get(condition, 'in')?.value)
                .map((item) => document.string(item) ?? '');
            if (states.length === 0 || states.some((state) => !/^[A-Z_]+$/.test(state)))
                return undefined;
        }
        else {
            return undefined;
        }
    }
    if (!target || !states)
        return undefined;
    return [
        'dependsOn:',
        `  - namespace: ${target.namespace}`,
        ...(target.flowId === undefined ? [] : [`    flowId: ${target.flowId}`]),
        `    states: [${states.join(', ')}]`
    ];
}
function plainText$1(document, node) {
    if (!distExports.isScalar(node) || typeof node.value !== 'string' || !node.range)
        return undefined;
    const text = document.flow.source.slice(node.range[0], node.range[1]);
    if (/\n|\{\{|\{%/.test(text))
        return undefined;
    return node.type === 'PLAIN' ? text : JSON.stringify(node.value);
}
function ownLineComments(source, start, end) {
    return source
        .slice(start, end)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.startsWith('#'));
}
function replacePair(source, entry, lines, keyColumn) {
    const start = entry.key.range?.[0] ?? 0;
    const end = contentEnd(entry.pair.value) ?? entry.key.range?.[1] ?? start;
    const indent = ' '.repeat(keyColumn);
    const kept = ownLineComments(source, start, end).map((comment) => `${comment}\n${indent}`);
    const text = lines.map((line, i) => (i === 0 ? line : `${indent}${line}`)).join('\n');
    return { start, end, text: kept.join('') + text };
}
function removePair(source, entry) {
    const keyStart = entry.key.range?.[0] ?? 0;
    const start = keyStart - column(source, keyStart);
    let end = Math.min(source.length, endOfLine(source, contentEnd(entry.pair.value) ?? start) + 1);
    const indent = ' '.repeat(keyStart - start);
    const kept = ownLineComments(source, start, end).map((comment) => `${indent}${comment}\n`);
    if (kept.length === 0 && source.slice(start - 2, start) === '\n\n' && source[end] === '\n')
        end++;
    return { start, end, text: kept.join('') };
}
function pluginDefaultEdits(document, tree) {
    const root = document.root;
    const entries = ['pluginDefaults', 'taskDefaults'].flatMap((key) => document.get(root, key) ?? []);
    if (entries.length === 0 || !root)
        return undefined;
    const source = document.flow.source;
    const plugins = [...tree.tasks, ...tree.triggers];
    const typedMaps = new Set(plugins.map((node) => node.map));
    const everyType = [];
    distExports.visit(document.doc, {
        Map(_key, map) {
            const type = document.string(document.get(map, 'type')?.value);
            if (type !== undefined)
                everyType.push({ map, type });
        }
    });
    const additions = new Map();
    for (const entry of entries) {
        for (const item of document.items(entry.value)) {
            const keys = document.entries(item).map((pair) => String(pair.key.value));
            if (!keys.every((key) => ['type', 'values', 'forced'].includes(key)))
                return undefined;
            const type = document.string(document.get(item, 'type')?.value);
            const forcedText = document.string(document.get(item, 'forced')?.value);
            const forced = forcedText === 'true';
            if (forcedText !== undefined && forcedText !== 'false' && !forced)
                return undefined;
            const values = document.map(document.get(item, 'values')?.value);
            if (type === undefined || !values || values.flow)
                return undefined;
            for (const other of everyType) {
                if (other.map === values || other.map === item)
                    continue;
                const reached = other.type === type || other.type.startsWith(`${type}.`);
                const exact = other.type === type && typedMaps.has(other.map);
                const aliased = aliasTarget(other.type) === type;
                if ((reached && !exact) || aliased)
                    return undefined;
            }
            for (const plugin of plugins.filter((node) => node.type === type)) {
                if (plugin.map.flow)
                    return undefined;
                for (const value of document.entries(values)) {
                    const key = String(value.key.value);
                    const own = document.get(plugin.map, key);
                    if (own) {
                        if (forced || !distExports.isScalar(own.value) || distExports.isMap(value.value) || distExports.isSeq(value.value)) {
                            return undefined;
                        }
                        continue;
                    }
                    const lines = pairLines(source, value);
                    if (!lines)
                        return undefined;
                    additions.set(plugin, [...(additions.get(plugin) ?? []), ...lines]);
                }
            }
        }
    }
    const edits = entries.map((entry) => removePair(source, entry));
    for (const [plugin, lines] of additions) {
        const edit = insertIntoMap(source, plugin.map, { lines, flowText: '' });
        if (!edit)
            return undefined;
        edits.push(edit);
    }
    return edits;
}
function pairLines(source, entry) {
    const start = entry.key.range?.[0];
    const end = contentEnd(entry.pair.value);
    if (start === undefined || end === undefined)
        return undefined;
    const keyColumn = column(source, start);
    const lines = source.slice(start, endOfLine(source, end)).split('\n');
    const rest = lines.slice(1);
    if (rest.some((line) => line.trim() !== '' && !line.startsWith(' '.repeat(keyColumn)))) {
        return undefined;
    }
    return [lines[0], ...rest.map((line) => line.slice(keyColumn))];
}
function validatedTypes(flows, upgrade) {
    const types = flowTypes([...flows].map((flow) => flow.documents[0]));
    if (!upgrade)
        return types;
    for (const type of [...types]) {
        const named = aliasTarget(type) ?? type;
        types.add(named);
        if (named === FOREACH)
            types.add(LOOP);
        if (Object.hasOwn(INPUT_TYPES, type))
            types.add(INPUT_TYPES[type]);
    }
    return types;
}

const UPGRADE_TARGET = [2, 0, 0];
const GUIDE = 'https://kestra.io/docs/migration-guide/v2.0.0';
function refusedByTarget({ versioned, schema }) {
    const rules = resolveVersioned(versioned.filter(({ since }) => since[0] >= UPGRADE_TARGET[0]), UPGRADE_TARGET).filter((finding) => finding.severity === 'error');
    const explained = new Set(rules.map((finding) => finding.line));
    return [
        ...rules,
        ...schema
            .filter((refusal) => !refusal.older && !explained.has(refusal.finding.line))
            .map(({ finding }) => ({ ...finding, severity: 'error' }))
    ];
}
function upgradeChecks(flow, known) {
    const parse = cached((source) => source === flow.source ? flow : parseFlowFile({ file: flow.file, rel: flow.rel, raw: source }));
    const check = cached((of) => {
        const { findings, versioned } = (of === flow && known) || checkFlow(of);
        return { findings, versioned, schema: targetSchema(of) };
    });
    return { parse, check, ids: cached(idsOf) };
}
function targetSchema(flow) {
    const doc = flow.documents[0];
    if (!doc || doc.errors.some((error) => error.code !== 'DUPLICATE_KEY'))
        return [];
    return refusedBy(`${UPGRADE_TARGET[0]}.${UPGRADE_TARGET[1]}`, flow.file, doc, flow.lineCounter);
}
function cached(make) {
    const held = new Map();
    return (key) => {
        if (!held.has(key))
            held.set(key, make(key));
        return held.get(key);
    };
}
function upgradeFlow(flow, known) {
    const texts = upgradeChecks(flow, known);
    const refused = refusedByTarget(texts.check(flow));
    if (refused.length === 0)
        return { flow, items: [] };
    let current = flow;
    for (let pass = 0; pass < 3; pass++) {
        const now = pass === 0 ? refused : refusedByTarget(texts.check(current));
        const first = current.documents[0];
        const document = first && first.errors.length === 0 ? new FlowDocument(current, first) : undefined;
        const groups = document?.root && document.aliases.safe ? rewriteGroups(document) : [];
        const errors = errorKeys(texts.check(current));
        const accepted = groups.filter((edits) => verified(texts, current, now, errors, edits));
        if (accepted.length === 0 || !verified(texts, current, now, errors, accepted.flat()))
            break;
        current = texts.parse(applyEdits(current.source, accepted.flat()));
    }
    if (current === flow)
        return { flow, items: itemsOf(refused, refused) };
    return {
        flow,
        after: current,
        items: itemsOf(refused, refusedByTarget(texts.check(current))),
        rewritten: asWritten(flow.raw, current.source)
    };
}
function itemsOf(refused, remaining) {
    const left = new Map();
    for (const finding of remaining)
        left.set(keyOf(finding), (left.get(keyOf(finding)) ?? 0) + 1);
    const items = refused.map((finding) => {
        const count = left.get(keyOf(finding)) ?? 0;
        if (count > 0)
            left.set(keyOf(finding), count - 1);
        return {
            line: finding.line,
            rule: finding.rule,
            message: finding.message,
            mechanical: count === 0,
            guide: guideFor(finding.message)
        };
    });
    return items.sort((a, b) => a.line - b.line);
}
function asWritten(raw, source) {
    const bom = raw.startsWith('\uFEFF') ? '\uFEFF' : '';
    return bom + (raw.includes('\r\n') ? source.replace(/\n/g, '\r\n') : source);
}
function keyOf(finding) {
    return `${finding.rule}\u0000${finding.message}`;
}
function verified(texts, flow, refused, errorsBefore, edits) {
    const after = texts.parse(applyEdits(flow.source, edits));
    const doc = after.documents[0];
    if (!doc || doc.errors.length > 0 || after.notAFlow)
        return false;
    if (texts.ids(flow) !== texts.ids(after))
        return false;
    const check = texts.check(after);
    if ([...errorKeys(check)].some((key) => !errorsBefore.has(key)))
        return false;
    return fixesSome(refused, refusedByTarget(check));
}
function fixesSome(refused, remaining) {
    const known = new Set(refused.map(keyOf));
    return remaining.length < refused.length && remaining.every((f) => known.has(keyOf(f)));
}
function errorKeys({ findings, schema }) {
    return new Set([
        ...findings.filter((finding) => finding.severity === 'error').map(keyOf),
        ...schema.filter((refusal) => refusal.older).map(({ finding }) => keyOf(finding))
    ]);
}
function idsOf(flow) {
    const first = flow.documents[0];
    if (!first)
        return '';
    const tree = taskTree(new FlowDocument(flow, first));
    return [...tree.tasks, ...tree.triggers]
        .map((node) => node.id ?? '')
        .sort()
        .join('\n');
}
function guideFor(message) {
    if (/Loop/.test(message))
        return `${GUIDE}/foreach-loop`;
    if (/conditions|preconditions|`when`|dependsOn/.test(message)) {
        return `${GUIDE}/trigger-conditions-redesign`;
    }
    if (/plugin defaults|pluginDefaults|taskDefaults/i.test(message)) {
        return `${GUIDE}/plugin-defaults-removed`;
    }
    return GUIDE;
}
function upgradeReport(flows, target, checks) {
    const checked = flows.filter((flow) => !flow.notAFlow && flow.otherKind === undefined);
    return reportOf$1(target, checked.map((flow) => {
        const check = checks?.of.get(flow);
        return check?.upgrade && checks?.itemsOnly
            ? { flow, items: check.upgrade }
            : upgradeFlow(flow, check);
    }));
}
function rewrittenOf(upgrade) {
    if (upgrade.rewritten !== undefined || !upgrade.items.some((item) => item.mechanical)) {
        return upgrade.rewritten;
    }
    return upgradeFlow(upgrade.flow).rewritten;
}
function upgradeSources(upgrades) {
    const sent = upgrades.filter((upgrade) => fitToSend(upgrade.flow));
    return [
        ...sent.map((upgrade) => upgrade.flow.source),
        ...sent.flatMap((upgrade) => (upgrade.after ? [upgrade.after.source] : []))
    ];
}
function judgedUpgradeReport(target, upgrades, results) {
    const sent = upgrades.filter((upgrade) => fitToSend(upgrade.flow));
    const errors = (flow, result) => flow && result && serverFindings([flow], [result]).filter((f) => f.severity === 'error');
    let next = sent.length;
    const judged = upgrades.map((upgrade) => {
        const index = sent.indexOf(upgrade);
        if (index < 0)
            return upgrade;
        const refused = errors(upgrade.flow, results[index]) ?? [];
        const remaining = errors(upgrade.after, upgrade.after && results[next++]);
        if (!remaining || !fixesSome(refused, remaining)) {
            return { flow: upgrade.flow, items: itemsOf(refused, refused) };
        }
        return { ...upgrade, items: itemsOf(refused, remaining) };
    });
    return reportOf$1(target, judged);
}
function reportOf$1(target, upgrades) {
    const items = upgrades.flatMap(({ flow, items }) => items.map(({ rule: _, ...item }) => ({ file: flow.file, ...item })));
    const loading = upgrades.filter((upgrade) => upgrade.items.length === 0).length;
    const report = { target, flows: upgrades.length, loading, items };
    return { report, upgrades };
}

const flowsWalk = { readFlow, isFlowDocument };
const flowsChecked = {
    references: (checked) => checked.references,
    names: (checked) => checked.names,
    listings: (checked) => checked.listings,
    unfinished: (checked) => checked.unfinished,
    fileChecks: (checked) => checked.checks,
    toStore: (checked) => checked.storedChecks,
    confirmReused: ({ reused }) => confirmReusedChecks(reused.flows, reused.recheck)
};
const flows = {
    gather: { name: 'flow', fromWalk: (walk) => walk, walk: flowsWalk, known: flowsKnown },
    decide: flowsDecide,
    apply: flowsApply,
    rollback: flowsRollback,
    checked: flowsChecked
};

const ACTION_KEY_PREFIX = 'kestra-gitops';
function isActionKey(key) {
    return key.toLowerCase().startsWith(ACTION_KEY_PREFIX);
}

const kvApply = {
    name: 'kv',
    async write(change, api) {
        if (change.desired === undefined) {
            return { change, result: 'failed', message: 'the plan holds no value for this key' };
        }
        try {
            const verdict = await freshVerdict$1(api, change, change.desired.json);
            if (verdict.kind !== 'as-planned')
                return settled(change, verdict);
            await api.putKv(change.namespace, change.id, JSON.parse(change.desired.json));
            return { change, result: change.action === 'create' ? 'created' : 'updated' };
        }
        catch (error) {
            return failed$1(change, error);
        }
    },
    async remove(change, api) {
        try {
            const verdict = await freshVerdict$1(api, change, undefined);
            if (verdict.kind !== 'as-planned')
                return settled(change, verdict);
            await api.deleteKv(change.namespace, change.id);
            return { change, result: 'deleted' };
        }
        catch (error) {
            return failed$1(change, error);
        }
    },
    async held(namespace, api) {
        const keys = (await liveKvKeys(api, [namespace]))[namespace] ?? [];
        return keys
            .filter((key) => !isActionKey(key))
            .sort()
            .map((key) => ({
            name: `kv ${namespace}:${key}`,
            remove: () => api.deleteKv(namespace, key)
        }));
    }
};
async function freshVerdict$1(api, change, desired) {
    const value = await api.getKv(change.namespace, change.id);
    const fresh = value === undefined ? undefined : canonicalJson(value);
    const name = `KV pair ${change.namespace}:${change.id}`;
    return comparedVerdict(change, name, { fresh, planned: change.current?.json, desired });
}
function failed$1(change, error) {
    const marks = failureMarks(error);
    const status = error instanceof ApiError && error.status !== undefined ? ` (HTTP ${error.status})` : '';
    const message = !change.secretLike
        ? errorMessage(error)
        : marks.outcomeUnknown
            ? 'Kestra may or may not have applied this write (its answer was lost); its answer is not shown: the key is secret-like'
            : `the request failed${status}; its answer is not shown: the key is secret-like`;
    return { change, result: 'failed', message, ...marks };
}
const kvVersion = object({ sha256: sha256Field, json: string().optional() });
const recordedKv = recordedSchema('kv', { key: string(), secretLike: boolean$1() }, kvVersion);
const kvRollback = {
    name: 'kv',
    recordOf(change, { result }) {
        const deleted = result === 'deleted' || change.action === 'delete';
        const before = change.current && { sha256: sha256Hex(change.current.json) };
        const deployed = deleted
            ? undefined
            : change.desired && { sha256: sha256Hex(change.desired.json) };
        return {
            resource: {
                kind: 'kv',
                key: change.id,
                secretLike: change.secretLike,
                ...(before && { before }),
                ...(deployed && { deployed })
            },
            previous: change.current?.json
        };
    },
    nameOf: (resource, namespace) => `${namespace}:${resource.key}`,
    parse: (value) => recordedKv.safeParse(value).data,
    embed: (resource, previous) => embedText(resource, previous, 'json'),
    async restore(item, deployed, api) {
        const { namespace, resource } = item;
        const guarded = async (request) => {
            try {
                return await request();
            }
            catch (error) {
                if (!resource.secretLike)
                    throw error;
                throw new Error('the request failed; its answer is not shown: the key is secret-like', {
                    cause: error
                });
            }
        };
        const value = await guarded(() => api.getKv(namespace, resource.key));
        const held = value === undefined ? {} : { sha256: sha256Hex(canonicalJson(value)) };
        return restoreByHash(resource, held, deployed, {
            remove: () => guarded(() => api.deleteKv(namespace, resource.key)),
            async putBack(before) {
                const json = typeof item.previous === 'string' ? item.previous : before.json;
                if (json === undefined || sha256Hex(json) !== before.sha256) {
                    throw new Error('its previous value was too large to keep in the rollback record; restore it from Git');
                }
                await guarded(() => api.putKv(namespace, resource.key, JSON.parse(json)));
                return 'previous value restored';
            }
        });
    }
};

function previewPrefix(number) {
    return `pr-${number}`;
}
function inPreview(prefix, namespace) {
    return namespace.startsWith(`${prefix}.`) && namespace.length > prefix.length + 1;
}
const PREVIEW_OWNER_KEY = 'kestra-gitops-preview';
const REPOSITORY_NAME = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
const previewOwner = object({
    repository: string().regex(REPOSITORY_NAME),
    pullRequest: int()
});
function readPreviewOwner(value) {
    return readStored('preview ownership record', previewOwner, value);
}
function sameOwner(a, b) {
    return a.repository === b.repository && a.pullRequest === b.pullRequest;
}
function describeOwner(owner) {
    return `${owner.repository}'s pull request #${owner.pullRequest}`;
}

const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
function parseKvFile(text) {
    const lineCounter = new distExports.LineCounter();
    const doc = distExports.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const lineOf = (node, fallback = 1) => node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
    const entries = [];
    const problems = doc.errors.map((error) => ({
        line: lineCounter.linePos(error.pos[0]).line,
        message: `not a kv file: ${error.message.split('\n')[0]}`
    }));
    const root = doc.contents;
    if (problems.length > 0 || root === null || (distExports.isScalar(root) && root.value === null)) {
        return { entries, problems };
    }
    if (!distExports.isMap(root)) {
        const message = 'a kv file is a mapping of keys to values: `key: value`, one a line';
        return { entries, problems: [{ line: lineOf(root), message }] };
    }
    for (const pair of root.items) {
        const keyNode = pair.key;
        const line = lineOf(keyNode);
        if (!distExports.isScalar(keyNode) || typeof keyNode.value !== 'string') {
            problems.push({ line, message: 'a KV key is text: write it as a plain or quoted string' });
            continue;
        }
        const key = keyNode.value;
        if (!KEY.test(key)) {
            problems.push({
                line,
                message: `KV key ${JSON.stringify(key)} is refused by Kestra: start with a letter or digit, then letters, digits, '.', '_' or '-'`
            });
            continue;
        }
        if (isActionKey(key)) {
            problems.push({
                line,
                message: `KV key ${key} is the action's own (keys starting with ${ACTION_KEY_PREFIX} hold its commit marker, rollback record and preview ownership): choose another key`
            });
            continue;
        }
        const valueNode = pair.value;
        const value = valueNode === null ? null : valueNode.toJS(doc, { maxAliasCount: 100 });
        const problem = valueProblem(value, true);
        if (problem !== undefined) {
            problems.push({ line: lineOf(valueNode, line), message: `KV key ${key}: ${problem}` });
            continue;
        }
        entries.push({ key, value: value, line });
    }
    return { entries, problems };
}
function valueProblem(value, top) {
    if (value === null) {
        return top ? 'no KV type holds an empty value: give it a value, or remove the key' : undefined;
    }
    if (typeof value === 'string' || typeof value === 'boolean')
        return undefined;
    if (typeof value === 'number') {
        if (!Number.isFinite(value))
            return `${value} is not a number Kestra stores: write it as a string`;
        if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
            return `${value} is too large to be read back exactly: write it as a string`;
        }
        return undefined;
    }
    if (Array.isArray(value) ||
        (isRecord(value) && Object.getPrototypeOf(value) === Object.prototype)) {
        for (const item of Object.values(value)) {
            const problem = valueProblem(item, false);
            if (problem !== undefined)
                return problem;
        }
        return undefined;
    }
    return 'the value is not plain data (text, a number, true or false, a mapping or a list): remove its tag';
}
function kvFileText(entries) {
    if (entries.length === 0)
        return '{}\n';
    const sorted = [...entries].sort(([a], [b]) => compareCodeUnits(a, b));
    return distExports.stringify(Object.fromEntries(sorted), { lineWidth: 0 });
}
const SECRET_WORDS = /(pass(word|wd|phrase)?|pwd|secret|token|credentials?|creds|auth|bearer|jwt|cookie|session|private|signature|cert(ificate)?|dsn|(api|access|client|master|signing|encryption|ssh|license|app|private|secret)key)$/;
function isSecretLike(key) {
    const words = key
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .toLowerCase()
        .split(/[\s._-]+/)
        .filter(Boolean);
    return words.some((word, i) => {
        const joined = i > 0 ? `${words[i - 1]}${word}` : word;
        return SECRET_WORDS.test(word) || SECRET_WORDS.test(joined);
    });
}
const HIDDEN = '<hidden: secret-like key>';
function kvFindings(held) {
    const first = new Map();
    return held.files.flatMap((file) => {
        const error = (line, rule, message, severity = 'error') => ({
            severity,
            file: file.file,
            line,
            rule,
            message
        });
        if (file.unread)
            return unreadFindings(file, file.unread, error);
        if (!isKestraNamespace(file.namespace)) {
            const folder = file.file.slice(0, file.file.lastIndexOf('/'));
            return [
                error(1, 'kv-namespace', `${file.file} does not name a namespace: a kv file is ${folder}/<namespace>.yml, the namespace in lowercase letters, digits, '.', '_' or '-'`)
            ];
        }
        const earlier = first.get(file.namespace);
        if (earlier !== undefined) {
            return [
                error(1, 'kv-duplicate-namespace', `namespace ${file.namespace} already has its kv file ${earlier}: keep its keys in one file`)
            ];
        }
        first.set(file.namespace, file.file);
        if (!heldNamespaceIsManaged(file.namespace, held.extraNamespaces)) {
            return [
                error(1, 'kv-namespace', `${file.file} is not deployed: namespace ${SYSTEM_NAMESPACE} is managed only when the namespaces input lists it`, 'warning')
            ];
        }
        return parseKvFile(file.text).problems.map((p) => error(p.line, 'kv-file', p.message));
    });
}
function unreadFindings(file, unread, finding) {
    const { folder, declared } = unread;
    const meant = [...new Set(declared.flatMap(namespaceAndParents))];
    if (unread.why === 'nested') {
        return [
            finding(1, 'kv-namespace', `${file.file} is in a folder under '${folder}/', so it is not read: a kv file sits in its kv folder, named after its namespace (${folder}/<namespace>.yml)`)
        ];
    }
    if (unread.why === 'not-beside') {
        if (!meant.includes(file.namespace))
            return [];
        return [
            finding(1, 'kv-folder', `'${folder}/' is not read: a kv folder is read at root (kv/) or beside the flows (kestra/kv/ next to kestra/flows/, <namespace>/kv/), and no flow is beside it. Move ${file.file.slice(file.file.lastIndexOf('/') + 1)} there`, 'warning')
        ];
    }
    const near = nearest(file.namespace, meant);
    return [
        finding(1, 'kv-namespace', `${file.file} names namespace ${file.namespace}, which no flow beside '${folder}/' declares (they declare ${declared.join(', ')}), so it is not read: a kv file there is named after one of their namespaces or a parent of one${near === undefined ? '' : ` (did you mean '${near}.yml'?)`}`)
    ];
}
function planKv(held, options) {
    const server = held.server;
    if (!server)
        return [];
    const sent = (namespace) => (held.prefix ? `${held.prefix}.${namespace}` : namespace);
    const now = valid(held.files, held.extraNamespaces);
    const then = valid(held.base ?? [], held.extraNamespaces);
    const changes = [];
    for (const namespace of [...new Set([...now.keys(), ...then.keys()])].sort()) {
        const file = now.get(namespace);
        const base = then.get(namespace);
        if (!touched(options, file?.file, base?.file))
            continue;
        const actual = new Map([...(server.get(sent(namespace)) ?? [])].filter(([key]) => !isActionKey(key)));
        const desired = file ? entriesOf(file) : undefined;
        const before = base ? entriesOf(base) : new Map();
        const keys = desired ? [...desired.keys(), ...actual.keys()] : [...before.keys()];
        const serverFile = file && serverFileText(desired, actual);
        for (const key of [...new Set(keys)].sort()) {
            const wanted = desired?.get(key);
            const currentJson = actual.get(key);
            if (wanted === undefined && currentJson === undefined)
                continue;
            const current = currentJson === undefined ? undefined : canonicalJson(JSON.parse(currentJson));
            const desiredJson = wanted === undefined ? undefined : canonicalJson(wanted);
            const action = current === undefined
                ? 'create'
                : actionOf(options, desiredJson !== undefined, desiredJson === current);
            const secretLike = isSecretLike(key);
            const was = before.get(key);
            const change = {
                kind: 'kv',
                namespace: sent(namespace),
                id: key,
                action,
                secretLike,
                drifted: isDrifted(action, held.base !== undefined, was === undefined ? undefined : canonicalJson(was) !== current),
                ...((file ?? base) && { file: (file ?? base).file }),
                ...(desiredJson !== undefined && { desired: { json: desiredJson } }),
                ...(current !== undefined && { current: { json: current } }),
                ...(serverFile !== undefined && { serverFile })
            };
            if (secretLike)
                change.remark = 'secret-like key: its value is never shown';
            if (action !== 'unchanged') {
                const shown = (json) => json === undefined ? undefined : lineOf(key, json, secretLike);
                const after = action === 'delete' || action === 'orphaned' ? undefined : desiredJson;
                applyDiff(change, diffTexts(`a/kv/${sent(namespace)}/${key}`, `b/kv/${sent(namespace)}/${key}`, shown(current), secretLike && after !== undefined && current !== undefined
                    ? `${key}: ${HIDDEN} (changed)\n`
                    : shown(after), options.limits));
            }
            changes.push(change);
        }
    }
    return changes;
}
function valid(files, extraNamespaces) {
    const managed = files.filter((file) => !file.unread &&
        isKestraNamespace(file.namespace) &&
        heldNamespaceIsManaged(file.namespace, extraNamespaces));
    return indexByFile(managed, (file) => file.namespace);
}
function entriesOf(file) {
    return new Map(parseKvFile(file.text).entries.map((entry) => [entry.key, entry.value]));
}
function lineOf(key, json, secretLike) {
    if (secretLike)
        return `${key}: ${HIDDEN}\n`;
    return kvFileText([[key, JSON.parse(json)]]);
}
function serverFileText(desired, actual) {
    const entries = [];
    for (const [key, json] of actual) {
        if (!isSecretLike(key))
            entries.push([key, JSON.parse(json)]);
        else if (desired.has(key))
            entries.push([key, desired.get(key)]);
    }
    return kvFileText(entries);
}
const kvDecide = {
    name: 'kv',
    order: 3,
    label: 'KV pairs',
    idOf: (change) => change.id,
    planFileIdentity: (change) => ({ key: change.id }),
    fingerprintOf: (r) => [
        'kv',
        r.namespace,
        r.id,
        r.action,
        r.desired === undefined ? null : sha256Hex(r.desired.json),
        r.current === undefined ? null : sha256Hex(r.current.json)
    ],
    validate: kvFindings,
    defines: (held) => [...valid(held.files, held.extraNamespaces).values()].flatMap((file) => {
        const namespace = held.prefix ? `${held.prefix}.${file.namespace}` : file.namespace;
        return [...entriesOf(file).keys()].map((name) => ({ namespace, name }));
    }),
    plan: (held, options) => (held ? planKv(held, options) : []),
    sharesFiles: true,
    serverText: (change) => change.serverFile,
    newPath: (change, shape) => ({
        path: repositoryPath(shape.rootRel, 'kv', `${change.namespace}.yml`)
    })
};

const FOLDER$1 = 'kv';
const kvGather = {
    name: 'kv',
    folder: { name: FOLDER$1, label: 'KV pairs' },
    async gather(input) {
        const [files, base] = await Promise.all([
            discoverKvFiles(input.workTree, input.layout.kindFolders ?? []),
            readClosing(input.openBase?.(), async (tree) => discoverKvFiles(tree, await findKindFolders(input.settings, input.layout, tree, [FOLDER$1])))
        ]);
        const prefix = input.target.namespacePrefix || undefined;
        const { extraNamespaces } = input.settings;
        const held = {
            files,
            extraNamespaces,
            ...(base && { base }),
            ...(prefix && { prefix })
        };
        const api = input.kestra;
        if (!api || !input.work.plan)
            return held;
        const named = [...files, ...(base ?? [])].filter((f) => !f.unread).map((f) => f.namespace);
        const managed = (ns) => isKestraNamespace(ns) && heldNamespaceIsManaged(ns, extraNamespaces);
        const namespaces = [...new Set(named.filter(managed))]
            .map((ns) => (prefix ? `${prefix}.${ns}` : ns))
            .sort();
        if (namespaces.length === 0)
            return held;
        const keys = await liveKvKeys(api, namespaces);
        const server = new Map();
        await Promise.all(namespaces.map(async (namespace) => {
            const values = new Map();
            const own = [...(keys[namespace] ?? [])].sort();
            const read = await Promise.all(own.map((key) => api.getKv(namespace, key)));
            own.forEach((key, i) => {
                if (read[i] !== undefined)
                    values.set(key, JSON.stringify(read[i]));
            });
            server.set(namespace, values);
        }));
        return { ...held, server };
    }
};
async function discoverKvFiles(tree, folders) {
    const found = [];
    for (const { dir, files, declared, elsewhere } of folders.filter((f) => f.name === FOLDER$1)) {
        for (const rel of files) {
            const name = rel.slice(rel.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
            const text = normaliseText((await tree.read(rel)).toString('utf8'));
            const unread = (why, namespaces = declared ?? []) => ({
                unread: { why, folder: dir, declared: namespaces }
            });
            const placed = declared === undefined || declared.some((ns) => ns === name || ns.startsWith(`${name}.`));
            found.push({
                file: childOf(tree.rootRel, rel),
                text,
                namespace: name,
                ...(rel.slice(dir.length + 1).includes('/')
                    ? unread('nested')
                    : declared?.length === 0
                        ? unread('not-beside', elsewhere)
                        : !placed && unread('unmatched'))
            });
        }
    }
    return found.sort((a, b) => compareCodeUnits(a.file, b.file));
}

const TESTS_ROUTE$1 = 'tests';
async function freshVerdict(api, change, desired) {
    const source = await api.yamlResources(TESTS_ROUTE$1).get(change.namespace, change.id);
    const fresh = source === undefined ? undefined : normaliseText(source);
    const name = `test suite ${change.namespace}.${change.id}`;
    return comparedVerdict(change, name, { fresh, planned: change.current?.source, desired });
}
const testsApply = {
    name: 'test',
    async write(change, api) {
        if (change.desired === undefined) {
            return { change, result: 'failed', message: 'the plan holds no source for this test suite' };
        }
        const verdict = await freshVerdict(api, change, change.desired);
        if (verdict.kind !== 'as-planned')
            return settled(change, verdict);
        const suites = api.yamlResources(TESTS_ROUTE$1);
        if (change.action === 'create')
            await suites.create(change.desired);
        else if (!(await suites.update(change.namespace, change.id, change.desired))) {
            const message = `test suite ${change.namespace}.${change.id} was deleted on the server since the plan`;
            return settled(change, { kind: 'moved', message });
        }
        return { change, result: change.action === 'create' ? 'created' : 'updated' };
    },
    async remove(change, api) {
        const verdict = await freshVerdict(api, change, undefined);
        if (verdict.kind !== 'as-planned')
            return settled(change, verdict);
        await api.yamlResources(TESTS_ROUTE$1).delete(change.namespace, change.id);
        return { change, result: 'deleted' };
    },
    async held(namespace, api) {
        if ((await api.info()).edition.toUpperCase() !== 'EE')
            return [];
        const suites = api.yamlResources(TESTS_ROUTE$1);
        return ((await suites.list(namespace)) ?? []).map((suite) => ({
            name: `test ${namespace}.${suite.id}`,
            remove: async () => {
                await suites.delete(namespace, suite.id);
            }
        }));
    }
};
const testVersion = object({ sha256: sha256Field, source: string().optional() });
const recordedTest = recordedSchema('test', { id: string() }, testVersion);
const testsRollback = {
    name: 'test',
    recordOf(change, { result }) {
        const deleted = result === 'deleted' || change.action === 'delete';
        const before = change.current && { sha256: sha256Hex(change.current.source) };
        const deployed = !deleted && change.desired !== undefined ? { sha256: sha256Hex(change.desired) } : undefined;
        return {
            resource: {
                kind: 'test',
                id: change.id,
                ...(before && { before }),
                ...(deployed && { deployed })
            },
            previous: change.current?.source
        };
    },
    nameOf: (resource, namespace) => `${namespace}.${resource.id}`,
    parse: (value) => recordedTest.safeParse(value).data,
    embed: (resource, previous) => embedText(resource, previous, 'source'),
    async restore(item, deployed, api) {
        const { namespace, resource } = item;
        const suites = api.yamlResources(TESTS_ROUTE$1);
        const now = await suites.get(namespace, resource.id);
        const held = now === undefined ? {} : { sha256: sha256Hex(normaliseText(now)) };
        return restoreByHash(resource, held, deployed, {
            remove: () => suites.delete(namespace, resource.id),
            async putBack(before) {
                const source = typeof item.previous === 'string' ? item.previous : before.source;
                if (source === undefined || sha256Hex(source) !== before.sha256) {
                    throw new Error('its previous source was too large to keep in the rollback record; restore it from Git');
                }
                if (now === undefined)
                    await suites.create(source);
                else
                    await suites.update(namespace, resource.id, source);
                return 'previous source restored';
            }
        });
    }
};

const ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const FLOW_ID_MAX = 100;
function readSuite(file) {
    const lineCounter = new distExports.LineCounter();
    const doc = distExports.parseDocument(file.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const lineOf = (node) => {
        const range = node?.range;
        return range ? lineCounter.linePos(range[0]).line : 1;
    };
    if (doc.errors.length > 0) {
        return {
            problems: doc.errors.map((e) => [
                lineCounter.linePos(e.pos[0]).line,
                `not a test suite: ${e.message.split('\n')[0]}`
            ])
        };
    }
    if (!distExports.isMap(doc.contents)) {
        return { problems: [[1, 'a test suite is a mapping: id, namespace, flowId, testCases']] };
    }
    const root = doc.contents;
    const problems = [];
    const text = (key, valid, rule) => {
        const value = root.get(key);
        const line = lineOf(root.get(key, true) ?? root);
        if (typeof value !== 'string' || value === '')
            problems.push([line, `${key} is required`]);
        else if (!valid(value))
            problems.push([line, `${key} ${rule}`]);
        return typeof value === 'string' ? value : '';
    };
    const id = text('id', (value) => ID.test(value), "starts with a letter or digit, then letters, digits, '_' or '-'");
    const namespace = text('namespace', isKestraNamespace, "is in lowercase letters, digits, '.', '_' or '-', at most 150 characters");
    const flowId = text('flowId', (value) => FLOW_ID.test(value) && value.length <= FLOW_ID_MAX, `names a flow: at most ${FLOW_ID_MAX} letters, digits, '.', '_' or '-'`);
    const flowIdLine = lineOf(root.get('flowId', true) ?? root);
    const cases = root.get('testCases', true);
    if (!distExports.isSeq(cases) || cases.items.length === 0) {
        problems.push([lineOf(cases ?? root), 'testCases lists at least one test case']);
    }
    else {
        for (const item of cases.items) {
            const missing = ['id', 'type', 'assertions'].filter((key) => !distExports.isMap(item) || !item.has(key));
            if (missing.length > 0) {
                problems.push([lineOf(item), `a test case needs ${missing.join(', ')}`]);
            }
        }
    }
    return problems.length > 0
        ? { problems }
        : { suite: { file: file.file, namespace, id, flowId, flowIdLine, text: file.text }, problems };
}
function missingFlow(suite, held, defined) {
    const namespace = held.prefix ? `${held.prefix}.${suite.namespace}` : suite.namespace;
    if (defined.has('flow', namespace, suite.flowId))
        return [];
    const asked = held.testedOnServer;
    if (asked?.has(`${namespace}/${suite.flowId}`))
        return [];
    const where = asked
        ? 'in the repository nor on the server'
        : 'in the repository (the server was not asked)';
    return [
        {
            severity: asked ? 'error' : 'warning',
            file: suite.file,
            line: suite.flowIdLine,
            rule: 'test-flow',
            resource: `test:${namespace}/${suite.id}`,
            message: `flowId ${suite.flowId}: no flow ${namespace}.${suite.flowId} ${where}, and Kestra refuses a test suite whose flow does not exist in its namespace. Add the flow, or fix flowId or namespace`
        }
    ];
}
function testFindings(held, defined) {
    const seen = new Map();
    const findings = held.files.flatMap((file) => {
        const finding = (line, rule, message, severity = 'error') => ({
            severity,
            file: file.file,
            line,
            rule,
            message
        });
        const { suite, problems } = readSuite(file);
        if (!suite)
            return problems.map(([line, message]) => finding(line, 'test-suite', message));
        const key = `${suite.namespace}.${suite.id}`;
        const earlier = seen.get(key);
        if (earlier !== undefined) {
            return [
                finding(1, 'test-duplicate', `test suite ${key} is already in ${earlier}: keep one file`)
            ];
        }
        seen.set(key, file.file);
        if (!heldNamespaceIsManaged(suite.namespace, held.extraNamespaces)) {
            return [
                finding(1, 'test-namespace', `not deployed: namespace ${SYSTEM_NAMESPACE} is managed only when the namespaces input lists it`, 'warning')
            ];
        }
        return missingFlow(suite, held, defined);
    });
    const skipped = held.skipped ?? [];
    if (skipped.length > 0) {
        const named = skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? ` and ${skipped.length - 5} more` : '');
        findings.push({
            severity: 'notice',
            file: skipped[0],
            line: 1,
            rule: 'not-a-test-suite',
            message: `${skipped.length} YAML file(s) under tests/ are not Kestra test suites (a suite has flowId and testCases, and no top-level type) and were skipped: ${named}`
        });
    }
    if (held.edition !== undefined && held.files.length > 0) {
        findings.push({
            severity: 'warning',
            file: held.files[0].file,
            line: 1,
            rule: 'test-edition',
            message: `test suites are a Kestra Enterprise Edition feature and the server is ${held.edition}: the ${held.files.length} test suite file(s) are checked, never deployed`
        });
    }
    return findings;
}
function suitesOf(files, held) {
    const suites = files.flatMap((file) => readSuite(file).suite ?? []);
    const managed = suites.filter((s) => heldNamespaceIsManaged(s.namespace, held.extraNamespaces));
    return indexByFile(managed, (suite) => `${suite.namespace}.${suite.id}`);
}
function sentText(suite, prefix) {
    if (!prefix)
        return suite.text;
    const doc = distExports.parseDocument(suite.text);
    doc.set('namespace', `${prefix}.${suite.namespace}`);
    return doc.toString({ lineWidth: 0 });
}
function planTests(held, options) {
    const server = held.server;
    if (!server)
        return [];
    const sent = (namespace) => (held.prefix ? `${held.prefix}.${namespace}` : namespace);
    const now = suitesOf(held.files, held);
    const then = suitesOf(held.base ?? [], held);
    const named = new Set([...now.values()].map((s) => s.namespace));
    const changes = [];
    const consider = (namespace, id) => {
        const key = `${namespace}.${id}`;
        const suite = now.get(key);
        const base = then.get(key);
        const current = server.get(sent(namespace))?.get(id);
        if (!touched(options, suite?.file, base?.file))
            return;
        const desired = suite && sentText(suite, held.prefix);
        if (desired === undefined && current === undefined)
            return;
        const action = current === undefined
            ? 'create'
            : actionOf(options, desired !== undefined, desired === current);
        const change = {
            kind: 'test',
            namespace: sent(namespace),
            id,
            action,
            drifted: isDrifted(action, held.base !== undefined, base && sentText(base, held.prefix) !== current),
            ...((suite ?? base) && { file: (suite ?? base).file }),
            ...(desired !== undefined && { desired }),
            ...(current !== undefined && { current: { source: current } })
        };
        if (action !== 'unchanged') {
            const name = `tests/${sent(namespace)}/${id}.yml`;
            const after = action === 'delete' || action === 'orphaned' ? undefined : desired;
            applyDiff(change, diffTexts(`a/${name}`, `b/${name}`, current, after, options.limits));
        }
        changes.push(change);
    };
    const keys = new Set([...now.keys(), ...then.keys()]);
    for (const namespace of named) {
        for (const id of server.get(sent(namespace))?.keys() ?? [])
            keys.add(`${namespace}.${id}`);
    }
    const split = (key) => {
        const at = key.lastIndexOf('.');
        return [key.slice(0, at), key.slice(at + 1)];
    };
    for (const key of [...keys].sort())
        consider(...split(key));
    return changes;
}
const testsDecide = {
    name: 'test',
    order: 4,
    label: 'Test suites',
    idOf: (change) => change.id,
    planFileIdentity: (change) => ({ id: change.id }),
    fingerprintOf: (r) => [
        'test',
        r.namespace,
        r.id,
        r.action,
        r.desired === undefined ? null : sha256Hex(r.desired),
        r.current === undefined ? null : sha256Hex(r.current.source)
    ],
    validate: testFindings,
    plan: (held, options) => (held ? planTests(held, options) : []),
    serverText: (change) => change.current?.source,
    newPath: (change, shape) => ({
        path: repositoryPath(shape.rootRel, 'tests', change.namespace, `${change.id}.yml`)
    })
};

const FOLDER = 'tests';
const TESTS_ROUTE = 'tests';
const testsGather = {
    name: 'test',
    async gather(input) {
        const [found, base] = await Promise.all([
            discover(input.workTree),
            readClosing(input.openBase?.(), discover)
        ]);
        const { files, skipped } = found;
        const prefix = input.target.namespacePrefix || undefined;
        const extraNamespaces = input.settings.extraNamespaces;
        const held = {
            files,
            extraNamespaces,
            ...(skipped.length > 0 && { skipped }),
            ...(base && { base: base.files }),
            ...(prefix && { prefix })
        };
        const api = input.kestra;
        if (!api || files.length + (base?.files.length ?? 0) === 0)
            return held;
        const { edition } = await api.info();
        if (edition.toUpperCase() !== 'EE')
            return { ...held, edition };
        const managed = (ns) => ns !== undefined && isKestraNamespace(ns) && heldNamespaceIsManaged(ns, extraNamespaces);
        const sent = (ns) => (prefix ? `${prefix}.${ns}` : ns);
        const testedOnServer = flowsOnServer(api, files.map((f) => suiteOf(f.text)).filter(managedIn(managed)), sent);
        if (!input.work.plan)
            return { ...held, testedOnServer: await testedOnServer };
        const named = [...files, ...(base?.files ?? [])]
            .map((f) => suiteOf(f.text)?.namespace)
            .filter(managed);
        const namespaces = [...new Set(named)].map(sent).sort();
        const suites = api.yamlResources(TESTS_ROUTE);
        const server = new Map();
        await Promise.all(namespaces.map(async (namespace) => {
            const listed = (await suites.list(namespace)) ?? [];
            server.set(namespace, new Map(listed.map((s) => [s.id, normaliseText(s.source)])));
        }));
        return { ...held, server, testedOnServer: await testedOnServer };
    }
};
const suiteFields = looseObject({ namespace: string(), flowId: string().optional() });
function suiteOf(text) {
    try {
        return suiteFields.safeParse(distExports.parse(text)).data;
    }
    catch {
        return undefined;
    }
}
function managedIn(managed) {
    return (suite) => suite !== undefined && managed(suite.namespace) && typeof suite.flowId === 'string';
}
async function flowsOnServer(api, suites, sent) {
    const named = [...new Set(suites.map((s) => `${sent(s.namespace)}/${s.flowId}`))];
    const found = await mapLimit(named, 8, async (key) => {
        const at = key.lastIndexOf('/');
        return (await api.getFlow(key.slice(0, at), key.slice(at + 1))) !== undefined;
    });
    return new Set(named.filter((_, i) => found[i]));
}
async function discover(tree) {
    const found = await kindFiles(tree, FOLDER, (rel) => /\.ya?ml$/.test(rel), true);
    const files = found.filter((file) => shapedLikeSuite(file.text));
    return { files, skipped: found.filter((file) => !files.includes(file)).map((f) => f.file) };
}
function shapedLikeSuite(text) {
    const keys = topLevelKeys(text);
    return keys.has('testCases') || (keys.has('flowId') && !keys.has('type'));
}
function topLevelKeys(text) {
    try {
        const value = distExports.parse(text);
        return new Set(isRecord(value) ? Object.keys(value) : []);
    }
    catch {
        return new Set([...text.matchAll(/^["']?([A-Za-z]+)["']?[ \t]*:(?:[ \t]|$)/gm)].map((m) => m[1]));
    }
}

const filesWalk = { readFileBytes: readNamespaceFileBytes };
const namespaceFiles = {
    gather: { name: 'file', fromWalk: (walk) => walk, walk: filesWalk, known: filesKnown },
    decide: filesDecide,
    apply: filesApply,
    rollback: filesRollback
};
const dashboards = {
    gather: dashboardsGather,
    decide: dashboardsDecide,
    apply: dashboardsApply,
    rollback: dashboardsRollback
};
const kv = {
    gather: kvGather,
    decide: kvDecide,
    apply: kvApply,
    rollback: kvRollback
};
const tests = {
    gather: testsGather,
    decide: testsDecide,
    apply: testsApply,
    rollback: testsRollback
};
const KINDS = [namespaceFiles, flows, dashboards, kv, tests];
const WALK = { ...flowsWalk, ...filesWalk };
const DECIDE_KINDS = KINDS.map((kind) => kind.decide);
const APPLY_KINDS = KINDS.flatMap((kind) => (kind.apply ? [kind.apply] : []));
KINDS.flatMap((kind) => (kind.rollback ? [kind.rollback] : []));

async function phase(reporter, title, work, summary) {
    reporter.group(title);
    let result;
    try {
        result = await work();
    }
    catch (error) {
        reporter.endGroup();
        throw error;
    }
    reporter.endGroup(summary(result));
    return result;
}

const NEWEST_LTS = '2.0';
async function upgradeReadiness(settings, work, flows, servers, checks) {
    const { kestra, upgradeServer } = servers;
    const probed = settings.upgradeCheck === 'auto' && kestra ? await kestra.info() : undefined;
    if (!upgradeAsked(settings, work, parseVersion(probed?.version)))
        return undefined;
    const target = settings.upgradeCheck === '2.0' ? '2.0' : NEWEST_LTS;
    const itemsOnly = work.writes !== 'upgrade' && !upgradeServer;
    const judged = flows.filter((flow) => {
        const held = itemsOnly ? checks?.get(flow)?.upgrade : undefined;
        return !held || held.some((item) => item.mechanical);
    });
    await loadFlowValidators(schemaTarget(undefined), validatedTypes(judged, true));
    let { report, upgrades } = upgradeReport(flows, target, checks && { of: checks, itemsOnly });
    if (upgradeServer) {
        await onTarget(upgradeServer, target);
        const sources = upgradeSources(upgrades);
        const results = await upgradeServer.validateFlows(sources, batchCount(sources.length, settings.concurrency));
        ({ report, upgrades } = judgedUpgradeReport(target, upgrades, results));
    }
    let made;
    const rewrites = () => (made ??= upgrades.flatMap((upgrade) => {
        const source = rewrittenOf(upgrade);
        return source === undefined
            ? []
            : [{ file: upgrade.flow.file, raw: upgrade.flow.raw, source }];
    }));
    return { report, rewrites };
}
function upgradeAsked(settings, work, version) {
    if (work.writes === 'upgrade')
        return true;
    if (settings.upgradeCheck === 'auto')
        return version !== undefined && version[0] < 2;
    return settings.upgradeCheck !== 'off';
}
async function onTarget(server, target) {
    let version;
    try {
        version = (await server.info()).version;
    }
    catch (error) {
        throw new ConfigError('upgrade-server', `${server.target.server} did not answer: ${errorMessage(error)}`);
    }
    const line = parseVersion(version);
    if (line && `${line[0]}.${line[1]}` === target)
        return;
    throw new ConfigError('upgrade-server', `${server.target.server} answers version ${JSON.stringify(version.slice(0, 40))}, not one of the ${target} line the upgrade check targets`);
}
async function upgradeMode(work, settings, context, ports, upgrade) {
    if (work.writes !== 'upgrade')
        return undefined;
    const github = ports.drift;
    if (context.eventName !== 'workflow_dispatch') {
        throw new ConfigError('mode', `mode upgrade runs on workflow_dispatch, not on ${context.eventName}`);
    }
    if (!github) {
        throw new ConfigError('github-token', 'mode upgrade opens a pull request: pass a github-token with contents: write and pull-requests: write');
    }
    if (!upgrade)
        return undefined;
    const base = context.defaultBranch ?? (await github.defaultBranch());
    const branch = `kestra-gitops/upgrade-${upgrade.report.target}`;
    const written = await github.writeBranch({
        name: branch,
        base: context.sha,
        message: `Rewrite ${upgrade.rewrites().length} flow file(s) for Kestra ${upgrade.report.target}`,
        trailer: `Kestra-GitOps-Upgrade: ${upgrade.report.target}`,
        writes: upgrade.rewrites().map(({ file, source }) => ({
            path: file,
            content: new TextEncoder().encode(source)
        }))
    });
    if (written.status === 'forbidden')
        return failed(ports, written.message);
    if (written.status === 'foreign') {
        return failed(ports, `The branch ${branch} holds commit ${written.sha.slice(0, 12)}, which this action did not write as it is (someone pushed to the branch or amended its commit): it is left as it is, never force-pushed over. Merge or close its pull request, or delete the branch, and run again`);
    }
    if (written.status === 'empty') {
        ports.reporter.info(`Nothing to rewrite for Kestra ${upgrade.report.target}: no pull request.`);
        return undefined;
    }
    const pull = await github.keepPullRequest({
        head: branch,
        base,
        title: upgradePullTitle(upgrade.report),
        body: upgradePullBody(ports.edge.shown(upgrade.report), settings.commentKey)
    });
    if (pull.status === 'forbidden')
        return failed(ports, pull.message);
    ports.edge.learn([pull.url]);
    ports.reporter.info(`Upgrade pull request ${pull.status}: ${pull.url}`);
    return undefined;
}
function failed(ports, message) {
    ports.reporter.warning(message);
    return message;
}

const LOADING = 'Loading the repository';
const VALIDATION = 'Validation';
function askKinds(checked, ask) {
    return checked.kinds.flatMap(({ decide, checked: part }) => {
        if (!part || !checked.byKind.has(decide.name))
            return [];
        const answer = ask(part, checked.byKind.get(decide.name));
        return answer === undefined ? [] : [answer];
    });
}
function referencesOf(checked) {
    return askKinds(checked, (part, value) => part.references?.(value)).flat();
}
function namesOf(checked) {
    return askKinds(checked, (part, value) => part.names?.(value)).flat();
}
function fileChecksOf(checked) {
    return new Map(askKinds(checked, (part, value) => part.fileChecks?.(value)).flatMap((m) => [...m]));
}
function listingsOf(checked) {
    return askKinds(checked, (part, value) => part.listings?.(value))[0];
}
function unfinishedOf(checked) {
    return askKinds(checked, (part, value) => part.unfinished?.(value))[0];
}
async function checksToStoreOf(checked) {
    const stored = await Promise.all(askKinds(checked, (part, value) => part.toStore?.(value)));
    return stored.find((each) => each !== undefined);
}
async function confirmReused(checked) {
    await Promise.all(askKinds(checked, (part, value) => part.confirmReused?.(value)));
}
async function check(run) {
    const { settings, target, context, ports, kestra, kinds, reads } = run;
    const probing = probeServer(reads, { work: target.work, kestra });
    const layout = await layoutOf(run);
    const sending = new SentRewrite(target);
    const stored = storedChecking(target.work);
    const gathering = gather({
        settings,
        target,
        context,
        reads,
        layout,
        kestra,
        sending,
        reuse: stored.reuse,
        github: ports.github,
        kinds: gatherParts(kinds)
    });
    const checking = settle(flowChecks(gathering, checksAsked(run, layout.layout, probing)));
    const model = await loaded(gathering, ports);
    const checks = await valueOf(checking);
    const sent = sending.model(model);
    const { references, names } = sentReferences(sending, model, checks);
    const remaining = gathering.after(model, sent.model, references.map(referencedOf), names);
    const read = await readRemaining(remaining, { target, context, ports });
    const version = await targetVersion(read.serverVersion, settings, ports);
    const { walk, snapshot } = walked(read, { model, layout: layout.layout, checks, namespacePrefix: target.namespacePrefix, ...version }, kinds);
    const defined = definedNames(kinds.map((kind) => kind.decide), snapshot.kinds);
    const { changed } = read;
    const validating = { walk, snapshot, changed, kinds, references, sent, defined, ports, kestra };
    const findings = await phase(ports.reporter, VALIDATION, async () => validated({ ...validating, context, settings }), (all) => verdictText(all, settings.failOn));
    const reused = { flows: gathering.reused, recheck: recheckWith(layout.layout) };
    const toStore = { layout: layout.layout, sending, settings };
    const storedChecks = stored.toStore(model.flows, checks, toStore);
    return {
        snapshot,
        model: sent.model,
        findings,
        changed,
        defined,
        notes: [describeRepository(model), ...read.notes],
        kinds,
        byKind: flowsFacts(walk, { checks, references, names, reused, storedChecks })
    };
}
function flowsFacts({ listings, unfinished }, made) {
    const facts = { ...made, listings, unfinished };
    return new Map([[flows.decide.name, facts]]);
}
function gatherParts(kinds) {
    return kinds.flatMap(({ gather }) => gather?.gather || gather?.walk || gather?.known ? [gather] : []);
}
function sentReferences(sending, model, checks) {
    const references = model.flows.flatMap((flow) => checks.get(flow).references);
    return {
        references: sending.references(references, model.managedNamespaces),
        names: sending.names(model.flows.flatMap((flow) => checks.get(flow).names ?? []))
    };
}
function recheckWith(layout) {
    return async (flow, stored) => {
        const asked = {
            layout,
            schema: schemaReleases(stored.schema?.releases ?? []),
            upgrade: stored.upgrade !== undefined
        };
        await loadFlowValidators(validatedReleases(asked), validatedTypes([flow], asked.upgrade));
        return flowCheck(flow, undefined, asked);
    };
}
function walked({ snapshot, walkReads }, read, kinds) {
    const walk = { ...read, ...walkReads };
    const held = new Map(snapshot.kinds);
    for (const { gather } of kinds)
        if (gather?.fromWalk)
            held.set(gather.name, gather.fromWalk(walk));
    return { walk, snapshot: Object.freeze({ ...snapshot, kinds: held }) };
}
async function targetVersion(probed, { kestraVersion: configured }, { reporter }) {
    if (probed && configured && (probed[0] !== configured[0] || probed[1] !== configured[1])) {
        reporter.warning(`The server runs Kestra ${probed.join('.')}, not the ${configured[0]}.${configured[1]} line that kestra-version names: flows are validated for the server's version. Set kestra-version to ${probed[0]}.${probed[1]} or leave it empty.`);
    }
    const serverVersion = probed ?? configured;
    const [judge] = schemaTarget(serverVersion);
    if (serverVersion && judge?.newer !== undefined) {
        reporter.warning(`Kestra ${judge.newer} is newer than the ${judge.version} schema this build carries for its line: what that schema does not know (a property, a type, a value) is a warning${probed ? ", and the server's validation decides" : ''}.`);
    }
    return serverVersion ? { serverVersion } : {};
}
function storedChecking(work) {
    const identity = work.plan ? validatorIdentity() : undefined;
    return {
        reuse: work.reuseChecks ? identity : undefined,
        toStore(flows, checks, on) {
            if (!identity || !work.markers)
                return undefined;
            return identity.then((validator) => validator === undefined
                ? undefined
                : checksToStore(flows, checks, {
                    identity: validator,
                    layout: on.layout,
                    sending: on.sending,
                    extraNamespaces: on.settings.extraNamespaces
                }));
        }
    };
}
async function checksAsked({ settings, target }, layout, probing) {
    const probed = probing && (await probing);
    const version = parseVersion(probed?.ok ? probed.value : undefined) ?? settings.kestraVersion;
    const upgrade = upgradeAsked(settings, target.work, version) &&
        target.work.writes !== 'upgrade' &&
        !settings.upgradeServer;
    const asked = { layout, schema: schemaTarget(version), upgrade };
    await loadFlowValidators(validatedReleases(asked));
    return asked;
}
function validatedReleases({ schema, upgrade }) {
    return upgrade ? schemaTarget(undefined) : schema;
}
function validates(stored, { schema, upgrade }) {
    if (!stored || (upgrade && stored.upgrade === undefined))
        return true;
    const releases = schema.map(releaseKey).join('\n');
    return stored.wellFormed && schema.length > 0 && stored.schema?.releases.join('\n') !== releases;
}
async function flowChecks(gathering, asking) {
    const asked = await asking;
    const checks = new Map();
    for await (const flow of gathering.flows) {
        const stored = gathering.reused.get(flow);
        if (validates(stored, asked)) {
            await loadFlowValidators(validatedReleases(asked), validatedTypes([flow], asked.upgrade));
        }
        checks.set(flow, flowCheck(flow, stored, asked));
        releaseSyntaxTree(flow);
    }
    return checks;
}
function flowCheck(flow, stored, { upgrade, ...options }) {
    const { schema, upgrade: items, ...own } = stored ?? checkFlow(flow, options);
    let check = own;
    if (own.wellFormed && options.schema.length > 0) {
        const releases = options.schema.map((release) => release.version);
        check = {
            ...own,
            schema: { releases, findings: schemaVerdict(flow, { schema }, options.schema) }
        };
    }
    if (upgrade)
        check = { ...check, upgrade: items ?? upgradeFlow(flow, check).items };
    return check;
}
async function loaded(gathering, { reporter }) {
    return phase(reporter, LOADING, () => loadedIn(gathering, reporter), describeRepository);
}
async function loadedIn(gathering, reporter) {
    const model = await gathering.repository;
    for (const line of namespaceLines(model))
        reporter.info(line);
    if (gathering.reused.size > 0) {
        reporter.info(`Reused the checks of ${gathering.reused.size} of ${model.flows.length} flow file(s), checked with the same bytes by this build's last deploy (full-plan: true checks every one again).`);
    }
    if (gathering.unsealed.size > 0) {
        reporter.info(`Not used: the stored checks and content facts of the commit marker of ${[...gathering.unsealed].sort().join(', ')}, which no seal of this job's Kestra credentials vouches for (written by something else, or by a deploy with other credentials); those files are checked and read.`);
    }
    return model;
}
async function readRemaining(remaining, run) {
    const { target, context, ports } = run;
    const { reporter } = ports;
    await new Promise((resolve) => setImmediate(resolve));
    const probed = await remaining.serverVersion;
    const serverVersion = parseVersion(probed?.ok ? probed.value : undefined);
    const notes = [];
    const changedEvent = onPullRequest(context) || context.eventName === 'push';
    const changed = await valueOf(remaining.changed);
    if (changed.kind === 'all' && changedEvent) {
        notes.push(`Every file counts as changed: ${changed.reason}.`);
    }
    if (changed.kind === 'all' && (changedEvent || target.scope === 'changed')) {
        reporter.info(`Every file counts as changed: ${changed.reason}`);
    }
    if (target.work.plan) {
        const state = async () => {
            const held = (await valueOf(remaining.state)) ?? new Map();
            for (const [namespace, { flows, files }] of [...held].sort(([a], [b]) => (a < b ? -1 : 1))) {
                reporter.info(`${namespace}: ${flows.length} flow(s), ${files.length} file(s)`);
            }
            return held;
        };
        await phase(reporter, 'Reading the server', state, describeServerState);
    }
    const snapshot = await valueOf(remaining.snapshot);
    const { walkReads } = remaining;
    const answers = walkReads.serverAnswers && (await valueOf(walkReads.serverAnswers));
    const walkRead = {
        serverAnswers: answers,
        listings: await walkReads.listings,
        unfinished: await walkReads.unfinished
    };
    if (remaining.baseReused.size > 0) {
        reporter.info(`Reused the checks of ${remaining.baseReused.size} flow file(s) of the base commit that the change alters or removes, rather than parse them.`);
    }
    return { serverVersion, changed, notes, snapshot, walkReads: walkRead };
}
function validated(input) {
    const { walk, snapshot, ports, context } = input;
    const { reporter } = ports;
    const repositoryFindings = [...readProblemFindings(walk.model), ...unmanagedFindings(walk.model)];
    const ofKinds = input.kinds.flatMap(({ decide }) => decide.validate && snapshot.kinds.has(decide.name)
        ? decide.validate(snapshot.kinds.get(decide.name), input.defined)
        : []);
    const server = ofKinds.filter(fromServer).length;
    const { layout } = walk.model;
    const rules = layoutRules(input.settings, layout.layout, layout.fileFolders);
    const references = referenceFindings(input.references, knownResources(snapshot.targets), input.kestra !== undefined, (namespace) => rules.fileFoldersOf(namespace));
    reporter.info(`Local checks: ${repositoryFindings.length + ofKinds.length - server} finding(s).`);
    if (walk.serverAnswers)
        reporter.info(`The server's validation: ${server} finding(s).`);
    reporter.info(`Subflow and namespace-file references: ${references.length} finding(s).`);
    let all = [...repositoryFindings, ...ofKinds, ...references, ...input.sent.findings];
    if (onPullRequest(context))
        all = demoteUnchangedErrors(all, input.changed);
    all = sortFindings(oneFindingPerFact(all));
    reporter.annotate(ownFirst(all, context, input.changed));
    return all;
}
function ownFirst(findings, context, changed) {
    if (!onPullRequest(context) || changed.kind !== 'list')
        return findings;
    const outside = findings.filter((f) => outsideChange(f, changed.paths));
    return [...findings.filter((f) => !outside.includes(f)), ...outside];
}
async function layoutOf(run) {
    const kinds = run.kinds.flatMap((kind) => (kind.gather ? [kind.gather] : []));
    const layout = await runLayout(run.reads, run.settings, run.context.workspace, kinds);
    sayLayout(run.ports.reporter, layout, kinds);
    return layout;
}
function sayLayout(reporter, layout, kinds) {
    reporter.info(`Layout: ${layout.layout} (${layout.reason})`);
    for (const { dir, namespace } of layout.fileFolders ?? []) {
        const tenantTree = dir === `${namespace}/files` || dir.endsWith(`/${namespace}/files`);
        reporter.info(`Namespace files: '${dir}/' under root holds the files of ${namespace} ` +
            `(${tenantTree ? 'the <namespace>/files/ folder of its flows' : 'a files/<namespace>/ folder beside the flows'}; ` +
            'a namespace-files line for it takes over)');
    }
    for (const { name, dir, files, declared } of layout.kindFolders ?? []) {
        const label = kinds.find((kind) => kind.folder?.name === name)?.folder?.label;
        if (label === undefined || declared?.length === 0)
            continue;
        const shown = files.slice(0, 5).map((file) => file.slice(dir.length + 1));
        const more = files.length > shown.length ? ` and ${files.length - shown.length} more` : '';
        reporter.info(`${label}: '${dir}/' under root holds ${shown.join(', ')}${more}`);
    }
}
function verdictText(findings, failOn) {
    const failed = failureMessage(findings, failOn) !== undefined;
    return `Validation ${failed ? 'failed' : 'passed'}: ${tallyText(findings)}.`;
}
function namespaceLines(model) {
    const counts = new Map();
    const of = (namespace) => counts.get(namespace) ?? counts.set(namespace, { flows: 0, files: 0 }).get(namespace);
    for (const flow of model.flows)
        if (!flow.notAFlow && flow.namespace)
            of(flow.namespace).flows++;
    for (const file of model.files)
        of(file.namespace).files++;
    return [...counts]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([namespace, c]) => `${namespace}: ${c.flows} flow(s), ${c.files} file(s)`);
}
function describeServerState(state) {
    const held = [...state.values()];
    const count = (of) => held.reduce((n, ns) => n + ns[of].length, 0);
    return `Read ${state.size} namespace(s) from the server: ${count('flows')} flow(s), ${count('files')} file(s).`;
}
function describeRepository(model) {
    const flows = model.flows.filter((f) => !f.notAFlow).length;
    const namespaces = model.managedNamespaces;
    return `Checked ${flows} flow(s) and ${model.files.length} namespace file(s) in ${namespaces.length} namespace(s)${namespaces.length > 0 ? `: ${namespaces.join(', ')}` : ''}.`;
}

const START = '<!-- kestra-gitops-preview -->';
const END = '<!-- /kestra-gitops-preview -->';
function previewSection(input) {
    const lines = [
        '### Preview',
        '',
        input.failure
            ? `❌ The preview of \`${input.commit.slice(0, 7)}\` failed (triggers disabled): ${escapeText(input.failure)}`
            : `Commit \`${input.commit.slice(0, 7)}\` runs in its own namespaces, triggers disabled:`,
        '',
        ...input.links.map((link) => `- [${escapeText(link.namespace)}](${linkTarget(link.url)})`)
    ];
    for (const note of input.notes ?? [])
        lines.push('', `ℹ️ ${escapeText(note)}`);
    if (input.receipt.trim())
        lines.push('', input.receipt.trim());
    return lines.join('\n');
}
function previewRemovedSection(namespaces, deleted, leftAlone = []) {
    const lines = [
        '### Preview',
        '',
        `Preview removed: ${deleted} resource(s) deleted from ${namespaces.length} preview namespace(s)${namespaces.length ? ` (${namespaces.map((n) => `\`${escapeText(n)}\``).join(', ')})` : ''}.`
    ];
    if (leftAlone.length > 0) {
        lines.push('', "Not this preview's, so left as they are:", '');
        lines.push(...leftAlone.map((line) => `- ${escapeText(line)}`));
    }
    return lines.join('\n');
}
function noPreviewSection(reason) {
    return ['### Preview', '', `No preview: ${escapeText(reason)}`].join('\n');
}
function upsertPreviewSection(body, section) {
    let plain = body.replace(/\r\n?/g, '\n');
    const start = plain.indexOf(`\n${START}\n`);
    const end = plain.indexOf(`\n${END}`);
    if (start >= 0 && end > start) {
        plain = plain.slice(0, start) + plain.slice(end + END.length + 1);
    }
    return beforeRunLine(plain, [START, section.trim(), END]);
}

async function resourcesIn(api, kinds, namespace) {
    const held = await Promise.all([...kinds].reverse().map((kind) => kind.held?.(namespace, api)));
    return held.flatMap((resources) => resources ?? []);
}
async function actionKeysIn(api, namespace) {
    return ((await liveKvKeys(api, [namespace]))[namespace] ?? []).filter(isActionKey);
}
async function ownership(api, preview, kinds, namespace) {
    const own = recordOwnership(preview, await api.getKv(namespace, PREVIEW_OWNER_KEY));
    if (own)
        return own;
    let above;
    for (const parent of ancestorsInPreview(preview.prefix, namespace)) {
        const recorded = recordOwnership(preview, await api.getKv(parent, PREVIEW_OWNER_KEY));
        if (recorded?.kind === 'ours')
            return { kind: 'ours', inherited: parent };
        if (recorded) {
            above = { namespace: parent, why: recorded.why };
            break;
        }
    }
    const [resources, records] = await Promise.all([
        resourcesIn(api, kinds, namespace),
        actionKeysIn(api, namespace)
    ]);
    if (resources.length === 0 && records.length === 0)
        return { kind: 'empty' };
    return {
        kind: 'theirs',
        why: above
            ? `it lies below ${above.namespace}, and ${above.why}`
            : `it holds resources but no ownership record (KV ${PREVIEW_OWNER_KEY}): a preview of an older version of this action, or not a preview at all. If it is this pull request's, delete its content in Kestra`
    };
}
function recordOwnership(preview, value) {
    if (value === undefined)
        return undefined;
    const read = readPreviewOwner(value);
    if ('refused' in read) {
        const why = `its ownership record (KV ${PREVIEW_OWNER_KEY}) is not one this version of the action can read (${read.refused})`;
        return { kind: 'theirs', why };
    }
    if (sameOwner(read.value, preview.owner))
        return { kind: 'ours' };
    return { kind: 'theirs', why: `it belongs to ${describeOwner(read.value)}` };
}
function ancestorsInPreview(prefix, namespace) {
    const above = [];
    for (let at = namespace.lastIndexOf('.'); at > 0; at = namespace.lastIndexOf('.', at - 1)) {
        const parent = namespace.slice(0, at);
        if (!inPreview(prefix, parent))
            break;
        above.push(parent);
    }
    return above;
}
async function removePreview(api, preview, kinds, namespaces, options) {
    const { prefix } = preview;
    const result = { deleted: [], failed: [], leftAlone: [] };
    const owners = new Map();
    await mapLimit(namespaces, options.concurrency, async (namespace) => {
        if (!inPreview(prefix, namespace)) {
            result.failed.push(`namespace ${namespace}: refused, it is not inside the preview prefix ${prefix}.`);
            return;
        }
        const owned = await ownership(api, preview, kinds, namespace);
        if (owned.kind === 'theirs')
            result.leftAlone.push(`${namespace}: left as it is, ${owned.why}.`);
        else if (owned.kind === 'ours')
            owners.set(namespace, owned);
    });
    const failures = new Map();
    const attempt = async (namespace, what, remove) => {
        try {
            if (!inPreview(prefix, namespace))
                throw new Error(`refused, not inside the preview prefix ${prefix}.`);
            await remove();
            result.deleted.push(what);
            options.log(`deleted ${what}`);
        }
        catch (error) {
            failures.set(namespace, (failures.get(namespace) ?? 0) + 1);
            result.failed.push(`${what}: ${errorMessage(error)}`);
        }
    };
    await mapLimit([...owners.keys()], options.concurrency, async (namespace) => {
        for (const resource of await resourcesIn(api, kinds, namespace)) {
            await attempt(namespace, resource.name, resource.remove);
        }
        const keys = await actionKeysIn(api, namespace);
        const last = [ROLLBACK_RECORD_KEY, COMMIT_MARKER_KEY, PREVIEW_OWNER_KEY];
        const ordered = [
            ...keys.filter((key) => !last.includes(key)).sort(),
            ...last.filter((key) => keys.includes(key) && key !== PREVIEW_OWNER_KEY)
        ];
        for (const key of ordered) {
            await attempt(namespace, `kv ${namespace}:${key}`, () => api.deleteKv(namespace, key));
        }
    });
    const recorded = [...owners].filter(([, owned]) => owned.kind === 'ours' && !owned.inherited);
    await mapLimit(recorded, options.concurrency, async ([namespace]) => {
        const held = [...owners].filter(([child, owned]) => child === namespace || (owned.kind === 'ours' && owned.inherited === namespace));
        if (held.some(([child]) => (failures.get(child) ?? 0) > 0))
            return;
        await attempt(namespace, `kv ${namespace}:${PREVIEW_OWNER_KEY}`, () => api.deleteKv(namespace, PREVIEW_OWNER_KEY));
    });
    return result;
}
async function ownNamespaces(api, preview, kinds, namespaces) {
    const owned = await Promise.all(namespaces.map(async (namespace) => inPreview(preview.prefix, namespace) &&
        (await ownership(api, preview, kinds, namespace)).kind === 'ours'));
    return namespaces.filter((_, i) => owned[i]);
}
function ownedPreviewServer(api, preview, kinds) {
    const claims = new Map();
    const claim = (namespace) => {
        let claimed = claims.get(namespace);
        if (!claimed) {
            claimed = (async () => {
                if (!inPreview(preview.prefix, namespace)) {
                    throw new Error(`refused: ${namespace} is not inside the preview prefix ${preview.prefix}.`);
                }
                const owned = await ownership(api, preview, kinds, namespace);
                if (owned.kind === 'theirs') {
                    throw new Error(`refused: the preview namespace ${namespace} is not this one's, ${owned.why}.`);
                }
                if (owned.kind === 'empty')
                    await api.putKv(namespace, PREVIEW_OWNER_KEY, preview.owner);
            })();
            claims.set(namespace, claimed);
        }
        return claimed;
    };
    const claimed = (write, where = (...args) => args[0]) => async (...args) => {
        await claim(String(where(...args)));
        return write(...args);
    };
    const namespaceOf = (source) => flowIdentity$1(source)?.namespace ?? '';
    const tenantWide = () => Promise.reject(new Error(`refused: dashboards are tenant-wide, outside the preview prefix ${preview.prefix}.`));
    return {
        ...api,
        createFlow: claimed(api.createFlow, namespaceOf),
        updateFlow: claimed(api.updateFlow),
        deleteFlow: claimed(api.deleteFlow),
        uploadFile: claimed(api.uploadFile),
        deleteFile: claimed(api.deleteFile),
        putKv: claimed(api.putKv),
        deleteKv: claimed(api.deleteKv),
        yamlResources: (collection) => {
            const resources = api.yamlResources(collection);
            return {
                ...resources,
                create: claimed(resources.create, namespaceOf),
                update: claimed(resources.update),
                delete: claimed(resources.delete)
            };
        },
        createDashboard: tenantWide,
        updateDashboard: tenantWide,
        deleteDashboard: tenantWide,
        startExecution: claimed(api.startExecution)
    };
}

const SETTINGS_FILE_PATHS = [
    'kestra-gitops.yml',
    'kestra-gitops.yaml',
    '.github/kestra-gitops.yml',
    '.github/kestra-gitops.yaml'
];
const ALIAS = Symbol('alias');
const settingsSchema = strictObject(Object.fromEntries(inputNames()
    .filter(fileMaySet)
    .map((name) => [name, settingSchema(name).optional()])));
function settingSchema(name) {
    const { shape, parse } = parserOf(name);
    const notPlain = (input, otherwise) => input === null
        ? `'${name}' has no value; give one or remove the line`
        : input === ALIAS
            ? 'aliases are not read here; write the value itself'
            : otherwise;
    const plain = string({
        error: (issue) => shape === 'lines'
            ? `each item of '${name}' must be a plain value`
            : notPlain(issue.input, `'${name}' takes one plain value, not a ${Array.isArray(issue.input) ? 'list' : 'mapping'}`)
    });
    const text = shape === 'lines'
        ? preprocess((value) => (typeof value === 'string' ? [value] : value), array(plain, {
            error: (issue) => notPlain(issue.input, `'${name}' takes text or a list of plain values`)
        }))
            .transform((items) => items.join('\n'))
        : plain;
    return text.superRefine((raw, context) => {
        try {
            parse(raw, name);
        }
        catch (error) {
            if (!(error instanceof ConfigError))
                throw error;
            context.addIssue({ code: 'custom', message: error.message });
        }
    });
}
function refusedKey(name, elsewhere) {
    if (Object.hasOwn(WORKFLOW_ONLY, name)) {
        return `'${name}' cannot be set here (${WORKFLOW_ONLY[name]}): ${elsewhere(name)}`;
    }
    const settable = inputNames().filter(fileMaySet);
    const meant = nearest(name, settable);
    return meant === undefined
        ? `'${name}' is not an input this file may set; it may set: ${settable.join(', ')}`
        : `'${name}' is not an input this file may set; did you mean '${meant}'?`;
}
function parseSettingsFile(path, text, elsewhere = () => `set it in the workflow's 'with:'`) {
    const lineCounter = new distExports.LineCounter();
    const lineAt = (offset) => lineCounter.linePos(offset ?? 0).line;
    const fail = (offset, detail) => {
        throw new SettingsFileError(path, lineAt(offset), detail);
    };
    const [document, second] = distExports.parseAllDocuments(text, {
        lineCounter,
        prettyErrors: false,
        uniqueKeys: true
    });
    if (second)
        fail(second.range[0], 'holds a second YAML document; keep one mapping of settings');
    const problem = document?.errors[0];
    if (problem)
        fail(problem.pos[0], `${problem.message.replace(/ at line \d+.*$/s, '')}`);
    if (!document)
        return { path, values: new Map() };
    const problems = [];
    const keyLines = new Map();
    distExports.visit(document, {
        Scalar(_key, node) {
            if (typeof node.value !== 'string' && node.value !== null && node.value !== ALIAS) {
                node.value = text.slice(node.range[0], node.range[1]);
            }
        },
        Alias(_key, node) {
            return Object.assign(new distExports.Scalar(ALIAS), { range: node.range });
        },
        Pair(_key, pair, ancestors) {
            const key = pair.key;
            const topLevel = ancestors.length === 2;
            if (!distExports.isScalar(key)) {
                const line = lineAt(key?.range?.[0]);
                if (topLevel)
                    problems.push({ line, detail: 'each key must be the name of an input' });
                return distExports.visit.REMOVE;
            }
            if (topLevel)
                keyLines.set(String(key.value ?? ''), lineAt(key.range?.[0]));
        }
    });
    const contents = document.toJS();
    if (contents === null || contents === undefined)
        return { path, values: new Map() };
    if (!distExports.isMap(document.contents)) {
        fail(document.contents?.range?.[0], `must be a mapping of input names to values, e.g. 'delete: true'`);
    }
    const lineOf = (at) => {
        const node = document.getIn(at, true);
        return node?.range ? lineAt(node.range[0]) : keyLines.get(String(at[0]));
    };
    const read = settingsSchema.safeParse(contents);
    for (const issue of read.error?.issues ?? []) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
        for (const key of keys)
            problems.push({ line: keyLines.get(key), detail: refusedKey(key, elsewhere) });
        if (keys.length === 0)
            problems.push({ line: lineOf(issue.path), detail: issue.message });
    }
    const sorted = problems.sort((a, b) => a.line - b.line);
    if (sorted.length > 0)
        throw new SettingsFileError(path, sorted);
    const settings = read.data;
    const names = [...keyLines.keys()];
    return {
        path,
        values: new Map(names.map((name) => [name, { text: settings[name], line: lineOf([name]) }]))
    };
}

function parseSettings(read, sources = {}) {
    const given = readInputs(read, sources);
    const { username, password, 'api-token': apiToken, 'github-token': githubToken, 'pull-request-token': pullRequestToken, 'seal-key': sealKey, flows, namespaces, ...values } = given.values;
    const layoutError = (input, message) => {
        const line = given.fromFile.has('layout') && sources.file?.values.get('layout')?.line;
        return line
            ? new SettingsFileError(sources.file.path, line, message)
            : new ConfigError(input, message);
    };
    if (values.layout === 'namespace' && !values.namespace) {
        throw layoutError('namespace', "layout 'namespace' needs the namespace input (the namespace the flows/ and files/ folders belong to)");
    }
    if (values.layout === 'custom' && flows.length === 0 && values['namespace-files'].length === 0) {
        throw layoutError('flows', "layout 'custom' needs the flows globs and/or namespace-files mappings");
    }
    if (sealKey.trim() && sealKey.trim().length < SEAL_KEY_LENGTH) {
        throw new ConfigError('seal-key', `it must be at least ${SEAL_KEY_LENGTH} random characters (e.g. the output of 'openssl rand -hex 32'), or empty to key the seal from the Kestra credentials`);
    }
    const token = apiToken.trim();
    const auth = token
        ? { kind: 'bearer', token }
        : username || password
            ? { kind: 'basic', username, password }
            : { kind: 'none' };
    return deepFreeze({
        ...camelCased(values),
        auth,
        githubToken: githubToken.trim() || undefined,
        pullRequestToken: pullRequestToken.trim() || undefined,
        sealKey: sealKey.trim() || undefined,
        flowGlobs: flows,
        extraNamespaces: namespaces,
        recorded: given.recorded
    });
}
function deepFreeze(value) {
    if ((isRecord(value) || Array.isArray(value)) && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const held of Object.values(value))
            deepFreeze(held);
    }
    return value;
}
function readSettingsFile(repositoryRoot, elsewhere) {
    const present = SETTINGS_FILE_PATHS.filter((path) => kindOf(join(repositoryRoot, path)));
    const [path, other] = present;
    if (other) {
        throw new SettingsFileError(other, 1, `${present.join(' and ')} are each a settings file (.yml and .yaml, at the root and in .github/, are one file): keep one settings file`);
    }
    if (!path)
        return undefined;
    const full = join(repositoryRoot, path);
    const leaving = linkLeavingWorkspace(repositoryRoot, path);
    if (leaving) {
        throw new SettingsFileError(path, 1, `'${leaving.link}' is a symbolic link that is never followed: ${leaving.reason}`);
    }
    if (kindOf(full) !== 'file') {
        throw new SettingsFileError(path, 1, 'must be a regular file (a symbolic link is not read)');
    }
    let text;
    try {
        text = readFileSync(full, 'utf8');
    }
    catch (error) {
        throw new SettingsFileError(path, 1, `cannot be read (${errorMessage(error)})`);
    }
    return parseSettingsFile(path, text, elsewhere);
}
function kindOf(path) {
    try {
        return lstatSync(path).isFile() ? 'file' : 'other';
    }
    catch {
        return undefined;
    }
}
function readInputs(read, { file, log, givenIn = 'the workflow' }) {
    if (file && file.values.size > 0) {
        log?.(`Settings from ${file.path}: ${[...file.values.keys()].join(', ')}.`);
    }
    const values = {};
    const fromFile = new Set();
    const recorded = {};
    for (const name of inputNames()) {
        const given = read(name) ?? '';
        const inFile = file?.values.get(name);
        const set = given.trim() !== '';
        if (set && inFile)
            log?.(`Input '${name}' from ${givenIn} overrides ${file.path} line ${inFile.line}.`);
        if (!set && inFile)
            fromFile.add(name);
        const raw = set ? given : (inFile?.text ?? defaultOf(name));
        const parser = parserOf(name);
        const value = parser.parse(raw, name);
        values[name] = value;
        const planned = fileMaySet(name) && !NOT_PLANNED.has(name);
        if (planned && JSON.stringify(value) !== JSON.stringify(parser.parse(defaultOf(name), name))) {
            recorded[name] = isRecord(value) || Array.isArray(value) ? raw.trim() : String(value);
        }
    }
    return { values: values, fromFile, recorded };
}
const NOT_PLANNED = new Set(['full-plan', 'upgrade-check', 'upgrade-server', 'preview']);
const SEAL_KEY_LENGTH = 32;
function camelCased(values) {
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [
        name.replace(/-([a-z0-9])/g, (_dash, letter) => letter.toUpperCase()),
        value
    ]));
}
function linkLeavingWorkspace(workspace, rel) {
    const base = realOrUndefined(workspace);
    if (base === undefined)
        return undefined;
    const parts = rel.split(/[\\/]/).filter((part) => part !== '' && part !== '.');
    let at = resolve$1(workspace);
    for (let i = 0; i < parts.length; i++) {
        at = join(at, parts[i]);
        let stats;
        try {
            stats = lstatSync(at, { throwIfNoEntry: false });
        }
        catch {
            return undefined;
        }
        if (!stats)
            return undefined;
        if (!stats.isSymbolicLink())
            continue;
        const link = parts.slice(0, i + 1).join('/');
        let real;
        try {
            real = realpathSync(at);
        }
        catch (error) {
            const code = error.code;
            return { link, reason: code === 'ELOOP' ? 'it loops' : 'its target does not exist' };
        }
        if (!inside(base, real))
            return { link, reason: 'it leads outside the workspace' };
    }
    return undefined;
}
function confineRoot(workspace, root) {
    const leaving = linkLeavingWorkspace(workspace, root);
    if (!leaving)
        return;
    const { link, reason } = leaving;
    const through = link === root.replace(/^\.\/+|\/+$/g, '') ? '' : ` (on the way to '${root}')`;
    throw new ConfigError('root', `'${link}' is a symbolic link${through} that is never followed: ${reason}. Nothing under it is read; ` +
        'make root a folder of the checkout');
}
function realOrUndefined(path) {
    try {
        return realpathSync(path);
    }
    catch {
        return undefined;
    }
}
function inside(base, path) {
    const rel = relative(base, path);
    return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

function plainTarget(settings, context, server) {
    return deepFreeze({
        work: runWork(settings, context, server),
        namespacePrefix: settings.namespacePrefix,
        disableTriggers: settings.disableTriggers,
        readOnly: settings.readOnly,
        alsoManaged: [],
        delete: settings.delete,
        allowMassDeletion: settings.allowMassDeletion,
        allowOutOfOrder: settings.allowOutOfOrder && context.eventName === 'workflow_dispatch',
        scope: settings.scope,
        comment: settings.comment,
        requireReviewedPlan: settings.requireReviewedPlan,
        requireVerifiedIn: settings.requireVerifiedIn,
        environment: settings.environment,
        transientEnvironment: false,
        smokeFlows: inPrefix(settings.smokeFlows, settings.namespacePrefix)
    });
}
function previewTarget(settings, prefix, own) {
    return deepFreeze({
        work: workOf('deploy', settings, { server: true, transient: true }),
        namespacePrefix: prefix,
        disableTriggers: true,
        readOnly: settings.readOnly,
        alsoManaged: [...new Set(own)].sort(),
        delete: true,
        allowMassDeletion: true,
        allowOutOfOrder: false,
        scope: 'all',
        comment: false,
        requireReviewedPlan: false,
        requireVerifiedIn: '',
        environment: prefix,
        transientEnvironment: true,
        smokeFlows: inPrefix(settings.smokeFlows, prefix)
    });
}
function inPrefix(flows, prefix) {
    if (!prefix)
        return flows;
    return flows.map((flow) => ({ ...flow, namespace: `${prefix}.${flow.namespace}` }));
}
function resolveMode(settings, eventName) {
    const deploys = eventName === 'push' || eventName === 'workflow_dispatch';
    const mode = settings.mode !== 'auto' ? settings.mode : deploys ? 'deploy' : 'plan';
    return mode === 'deploy' && settings.dryRun ? 'plan' : mode;
}
function runWork(settings, context, server) {
    const mode = resolveMode(settings, context.eventName);
    const fork = context.pullRequest?.fork === true;
    if (fork && (settings.auth.kind === 'none' || !server)) {
        const notes = server
            ? [
                'This pull request comes from a fork: GitHub passes no secrets to it, so only the local validation ran (no server checks, no plan).'
            ]
            : [];
        return workOf('validate', settings, { server: false, notes });
    }
    if (fork && mode === 'deploy') {
        throw new ConfigError('mode', "this pull request's head repository is not provably this repository (a fork, or a head repository GitHub no longer names), and a fork's code is never deployed to your Kestra. Plan pull requests (mode: auto or plan) and deploy from the push of the merged commit");
    }
    if (mode === 'upgrade')
        return workOf(mode, settings, { server: false });
    if (mode !== 'validate' && !server) {
        throw new ConfigError('server', `mode '${mode}' needs the Kestra server URL; set server, or use mode: validate`);
    }
    return workOf(mode, settings, { server });
}
function workOf(mode, settings, at) {
    const { server } = at;
    const plan = server && mode !== 'validate';
    const deploys = mode === 'deploy' || (mode === 'drift' && settings.driftAction === 'revert' && !settings.dryRun);
    const reuseChecks = plan && (mode === 'plan' || mode === 'deploy') && !settings.fullPlan;
    const reuseBase = reuseChecks && mode === 'plan';
    return {
        mode,
        server,
        serverValidation: server && settings.serverValidation,
        plan,
        markers: deploys,
        reuseChecks,
        reuseBase,
        facts: deploys && !at.transient ? 'record' : reuseBase ? 'use' : undefined,
        writes: mode === 'deploy' ? 'deploy' : mode === 'drift' || mode === 'upgrade' ? mode : undefined,
        notes: at.notes ?? []
    };
}

function deployBlockers(plan, findings) {
    const targets = new Set(plan.resources.filter(isWrite).flatMap(changeTargets));
    const written = (f) => findingTargets(f).some((target) => targets.has(target));
    const errors = findings.filter((f) => f.severity === 'error').sort(compareFindings);
    return [...errors.filter(written), ...errors.filter((f) => !written(f))];
}
function describeBlockers(blockers) {
    const lines = blockers.map((f) => `- ${f.file}:${f.line} ${f.message}`);
    const count = blockers.length === 1 ? '1 validation error' : `${blockers.length} validation errors`;
    return `Nothing was deployed: ${count}. Fix them and push again:\n${lines.join('\n')}`;
}
function deletionRefusals(plan, settings, target, managedNamespaces) {
    const deletions = plan.resources.filter((c) => c.action === 'delete');
    if (deletions.length === 0)
        return [];
    const names = (list) => list.map(resourceName$1).join(', ');
    const managed = new Set(managedNamespaces);
    const unmanaged = deletions.filter((c) => c.namespace !== '' && !managed.has(c.namespace));
    const system = deletions.filter((c) => c.namespace === SYSTEM_NAMESPACE && !settings.extraNamespaces.includes(SYSTEM_NAMESPACE));
    return [
        !target.delete &&
            `The plan deletes ${count(deletions.length)} (${names(deletions)}) but the delete input is false; set delete: true to allow deletions.`,
        unmanaged.length > 0 &&
            `Refusing to delete ${names(unmanaged)}: not in a namespace this repository manages (it holds no resource there and the namespaces input does not list it).`,
        system.length > 0 &&
            `Refusing to delete ${names(system)}: the ${SYSTEM_NAMESPACE} namespace is protected; list it in the namespaces input to manage it.`,
        deletions.length > settings.maxDeletions &&
            !target.allowMassDeletion &&
            `The plan deletes ${count(deletions.length)}, more than max-deletions (${settings.maxDeletions}); if that is intended, set allow-mass-deletion: true (or raise max-deletions).`
    ].filter((refusal) => refusal !== false);
}
function count(n) {
    return n === 1 ? '1 resource' : `${n} resources`;
}
async function checkCommitOrder(markers, ours, isAncestor) {
    const older = [];
    const warnings = [];
    const ancestry = new Map();
    const isOlderThan = (commit) => {
        let answer = ancestry.get(commit);
        if (!answer)
            ancestry.set(commit, (answer = isAncestor(ours.commit, commit)));
        return answer;
    };
    for (const [namespace, recorded] of [...markers].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (recorded === undefined || recorded.commit === ours.commit)
            continue;
        if (recorded.repository !== ours.repository) {
            warnings.push(`Namespace ${namespace} was last deployed from ${recorded.repository} (commit ${short(recorded.commit)}); this deploy from ${ours.repository} overwrites what it holds.`);
            continue;
        }
        const ancestor = await isOlderThan(recorded.commit);
        if (ancestor === true) {
            older.push(`commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace}; to roll back, push a revert commit.`);
        }
        else if (ancestor === undefined) {
            warnings.push(`Cannot tell whether commit ${short(ours.commit)} is older than ${short(recorded.commit)} already deployed to namespace ${namespace} (that commit is not in the checkout; use actions/checkout with fetch-depth: 0); deploying anyway.`);
        }
    }
    return { older, warnings };
}

async function writeMarker(api, namespace, ours, semaphore, checks) {
    try {
        const stored = checks?.ours.get(namespace);
        const facts = checks?.facts?.get(namespace);
        const held = {
            ...ours,
            ...(stored && { [STORED_CHECKS_FIELD]: stored }),
            ...(facts && { [CONTENT_FACTS_FIELD]: facts })
        };
        const value = checks && (stored || facts) ? checks.seal.sealed(namespace, held) : held;
        await semaphore.run(() => api.putKv(namespace, COMMIT_MARKER_KEY, value));
        return { written: [namespace], unknown: [], warnings: [] };
    }
    catch (error) {
        return {
            written: [],
            unknown: isOutcomeUnknown(error) ? [namespace] : [],
            warnings: [
                `Could not record the deployed commit in namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; the out-of-order guard cannot protect this namespace until a deploy records it.`
            ]
        };
    }
}
function sameChecks(checks, namespace) {
    const ours = checks?.ours.get(namespace);
    if (!ours)
        return true;
    const recorded = checks?.recorded?.get(namespace)?.[STORED_CHECKS_FIELD];
    if (typeof recorded !== 'object' || recorded === null)
        return false;
    const held = Object.keys(recorded);
    return (held.length === Object.keys(ours).length && held.every((digest) => Object.hasOwn(ours, digest)));
}

async function deploy(plan, deps) {
    const log = deps.log ?? (() => undefined);
    const blockers = deployBlockers(plan, deps.findings);
    if (blockers.length > 0) {
        await deps.confirmReused?.();
        throw new DeployError(describeBlockers(blockers));
    }
    const refusals = deletionRefusals(plan, deps.settings, deps.target, deps.managedNamespaces);
    if (refusals.length > 0) {
        throw new DeployError(`Nothing was deployed:\n${refusals.map((r) => `- ${r}`).join('\n')}`);
    }
    const semaphore = new Semaphore(deps.settings.concurrency);
    const namespaces = [
        ...new Set([
            ...deps.managedNamespaces,
            ...plan.namespaces,
            ...plan.resources.filter(isWrite).map((c) => c.namespace)
        ])
    ]
        .filter((namespace) => namespace !== '')
        .sort();
    const ours = { commit: deps.commit, repository: deps.repository };
    const early = deps.markers;
    const { markers, warnings, stored, held, unreadable } = await (early &&
        sameNamespaces(early.namespaces, namespaces)
        ? early.read
        : readMarkers(deps.api, namespaces, semaphore));
    if (unreadable && unreadable.size > 0)
        throw new DeployError(unreadableMarkers(unreadable));
    const order = await checkCommitOrder(markers, ours, deps.isAncestor);
    warnings.push(...order.warnings);
    if (order.older.length > 0) {
        if (!deps.target.allowOutOfOrder) {
            const refusal = `Nothing was deployed: ${order.older.join(' ')}`;
            log(refusal);
            return {
                status: 'refused',
                resources: plan.resources.map((change) => isWrite(change)
                    ? { change, result: 'skipped', message: 'not deployed: this commit is out of order' }
                    : { change, result: 'unchanged', revision: currentRevision(change) }),
                applied: 0,
                refusal,
                warnings,
                markedNamespaces: []
            };
        }
        warnings.push(`allow-out-of-order is set, deploying anyway: ${order.older.join(' ')}`);
    }
    const { auth, sealKey, server, tenant } = deps.settings;
    const seal = auth && deps.storedChecks
        ? await markerSeal({ auth, sealKey, server, tenant }).catch(() => undefined)
        : undefined;
    const checks = seal &&
        deps.storedChecks && {
        ours: deps.storedChecks,
        recorded: new Map([...(stored ?? [])].map(([namespace, marker]) => [
            namespace,
            trustedMarker(seal, namespace, marker).marker
        ])),
        facts: deps.contentFacts,
        seal
    };
    const stale = (namespace) => {
        const recorded = markers.get(namespace);
        return (recorded?.commit !== ours.commit ||
            recorded.repository !== ours.repository ||
            !sameChecks(checks, namespace));
    };
    if (plan.resources.some(isWrite) || namespaces.some(stale))
        await deps.confirmReused?.();
    await deps.beforeWrites?.();
    const marking = [];
    const mark = (namespace) => {
        if (stale(namespace))
            marking.push(writeMarker(deps.api, namespace, ours, semaphore, checks));
    };
    const writing = new Set(plan.resources.filter(isWrite).map((c) => c.namespace));
    for (const namespace of namespaces)
        if (!writing.has(namespace))
            mark(namespace);
    const applied = await applyPlan(plan, {
        ...deps,
        concurrency: deps.settings.concurrency,
        onNamespaceDone: (namespace, complete) => {
            if (complete)
                mark(namespace);
        }
    });
    warnings.push(...applied.warnings);
    const marked = await Promise.all(marking);
    warnings.push(...marked.flatMap((m) => m.warnings).sort());
    return {
        status: deployStatus(applied.resources),
        resources: applied.resources,
        applied: applied.resources.filter((r) => WRITTEN.has(r.result)).length,
        warnings,
        markedNamespaces: marked.flatMap((m) => m.written).sort(),
        markersUnknown: marked.flatMap((m) => m.unknown).sort(),
        markersBefore: markers,
        markersHeld: held
    };
}
function currentRevision(change) {
    return change.kind === 'flow' ? change.current?.revision : undefined;
}
async function applyPlan(plan, deps) {
    const semaphore = new Semaphore(deps.concurrency);
    const results = new Map();
    const pending = new Map();
    const incomplete = new Set();
    const namespaced = (change) => change.namespace !== '';
    for (const change of plan.resources.filter(isWrite).filter(namespaced)) {
        pending.set(change.namespace, (pending.get(change.namespace) ?? 0) + 1);
    }
    const record = (result) => {
        results.set(result.change, result);
        deps.onResult?.(result);
        const { namespace } = result.change;
        if (!isWrite(result.change) || !namespaced(result.change))
            return;
        if (NOT_APPLIED.has(result.result))
            incomplete.add(namespace);
        const left = pending.get(namespace) - 1;
        pending.set(namespace, left);
        if (left === 0)
            deps.onNamespaceDone?.(namespace, !incomplete.has(namespace));
    };
    const runAll = async (changes, write) => {
        await Promise.all(changes.map((change) => semaphore.run(async () => {
            try {
                record(await write(change));
            }
            catch (error) {
                record({
                    change,
                    result: 'failed',
                    message: errorMessage(error),
                    ...failureMarks(error)
                });
            }
        })));
    };
    for (const change of plan.resources) {
        if (!isWrite(change)) {
            results.set(change, { change, result: 'unchanged', revision: currentRevision(change) });
        }
    }
    const writes = plan.resources.filter((c) => c.action === 'create' || c.action === 'update');
    const deletes = plan.resources.filter((c) => c.action === 'delete');
    const writtenByKey = new Map(writes.map((c) => [resourceKey(c), c]));
    const needs = new Map();
    for (const { from, to } of deps.refs)
        needs.set(from, [...(needs.get(from) ?? []), to]);
    const nextRead = new Map();
    const context = {
        readDesiredFile: deps.readDesiredFile,
        shared(key, read) {
            let pending = nextRead.get(key);
            if (!pending) {
                pending = new Promise((sent) => setImmediate(sent)).then(() => {
                    nextRead.delete(key);
                    return read();
                });
                nextRead.set(key, pending);
            }
            return pending;
        },
        needed: (change) => (needs.get(resourceKey(change)) ?? []).flatMap((key) => {
            const needed = writtenByKey.get(key);
            const result = needed && results.get(needed);
            return result ? [result] : [];
        })
    };
    const ofKind = (kind, list) => list.filter((c) => c.kind === kind.name);
    const warnings = [];
    for (const change of [...writes, ...deletes]) {
        if (!deps.kinds.some((kind) => kind.name === change.kind)) {
            const message = `not applied: no resource kind '${change.kind}' is registered (src/resources/registry.ts)`;
            record({ change, result: 'failed', message });
        }
    }
    for (const kind of deps.kinds) {
        const order = orderWrites(ofKind(kind, writes), deps.refs, resourceKey);
        for (const cycle of order.cycles) {
            warnings.push(`Flows ${cycle.join(', ')} call each other in a cycle; each was written after the ones it calls that come before it in this list.`);
        }
        const written = new Map();
        for (const change of order.waves.flat()) {
            const before = (order.prerequisites.get(change) ?? []).map((c) => written.get(c));
            written.set(change, Promise.all(before).then(() => runAll([change], (c) => kind.write(c, deps.api, context))));
        }
        await Promise.all(written.values());
    }
    const deletePhase = async (kind, phase) => {
        if ([...results.values()].some((r) => NOT_APPLIED.has(r.result))) {
            for (const change of phase) {
                record({
                    change,
                    result: 'skipped',
                    message: 'not deleted: an earlier write failed or conflicted, and deletions never run on a half-applied deploy'
                });
            }
        }
        else {
            await runAll(phase, (change) => kind.remove(change, deps.api, context));
        }
    };
    for (const kind of [...deps.kinds].reverse()) {
        await deletePhase(kind, ofKind(kind, deletes).filter(namespaced));
    }
    for (const kind of deps.kinds) {
        await deletePhase(kind, ofKind(kind, deletes).filter((change) => !namespaced(change)));
    }
    return { resources: plan.resources.map((c) => results.get(c)), warnings };
}

async function checkReviewedPlan(args) {
    const { plan, context, github } = args;
    const refuse = (why) => new DeployError(`require-reviewed-plan: ${why} Nothing was deployed.`);
    if (!github)
        throw refuse('no github-token to read the merged pull request.');
    const pr = await github.findMergedPullRequest(context.sha);
    if (!pr)
        throw refuse(`commit ${context.sha} did not come from a merged pull request, so no plan was reviewed.`);
    const found = await github.commentsByThisToken(pr, commentMarker(args.commentKey));
    const { identity } = found;
    if (identity === undefined) {
        throw refuse('GitHub would not say which identity github-token comments as (GraphQL viewer and GET /user both refused), so no plan comment can be trusted.');
    }
    for (const other of found.others) {
        args.log(`Ignored a plan comment on pull request #${pr} by ${other.author} (${other.url}): only a comment by ${identity}, the identity github-token comments as, is a reviewed plan.`);
    }
    const comment = found.comments.find((candidate) => readPlanMarker(candidate.body));
    const reviewed = comment && readPlanMarker(comment.body);
    if (!reviewed) {
        const ignored = found.others.length > 0
            ? ` ${found.others.length} comment(s) by others carry the marker and were ignored (${[...new Set(found.others.map((other) => other.author))].join(', ')}).`
            : '';
        throw refuse(`pull request #${pr} has no plan comment by ${identity} (comment-key '${args.commentKey}').${ignored}`);
    }
    if (reviewed.fingerprint !== plan.fingerprint) {
        const now = planRecord(plan, context.sha, args.settings);
        const differences = recordDifferences(reviewed, now);
        throw refuse([
            `the plan differs from the one reviewed on pull request #${pr}.`,
            `  reviewed: ${reviewed.fingerprint} (commit ${reviewed.commit})`,
            `  now:      ${plan.fingerprint} (commit ${context.sha})`,
            ...(differences.length > 0
                ? differences
                : [
                    'The server or the repository changed after the review. The plan now:',
                    ...changeLines(plan)
                ]),
            differences.some((line) => line.startsWith('Settings'))
                ? 'The pull request was planned with other settings than this deploy: keep the shared ones in kestra-gitops.yml (docs/inputs.md#settings-file) so that both jobs read them, then re-run the pull request workflow and merge again.'
                : 'Re-run the pull request workflow to review the current plan, then merge again (or re-run this one after it).'
        ].join('\n'));
    }
    args.log(`The plan matches the one reviewed on pull request #${pr} (${plan.fingerprint.slice(0, 12)}).`);
}
function checkReviewedFingerprint(args) {
    const { plan, reviewed, context } = args;
    if (reviewed === plan.fingerprint) {
        args.log(`The plan has the approved fingerprint (${plan.fingerprint.slice(0, 12)}).`);
        return;
    }
    const differences = args.shown
        ? recordDifferences(args.shown, planRecord(plan, context.sha, args.settings))
        : [];
    const named = differences.map((line) => line
        .replace(/reviewed plan/g, 'plan shown')
        .replace(/since the review\b/g, 'since it was shown')
        .replace(/\breviewed(?= as|,)|(?<=\()reviewed(?=\))/g, 'shown'));
    throw new DeployError([
        `reviewed-plan: the plan computed now is not the approved one. Nothing was deployed.`,
        `  approved: ${reviewed}`,
        `  now:      ${plan.fingerprint} (commit ${context.sha})`,
        ...(context.local
            ? [
                ...(named.length > 0
                    ? ['The server or the repository changed after the plan was shown.', ...named]
                    : [
                        'The server or the repository changed after the plan was shown. The plan now:',
                        ...changeLines(plan)
                    ]),
                'Run the deploy again (kestra-gitops deploy) to see the current plan and approve it.'
            ]
            : [
                'The server or the repository changed after the plan job ran (or the two jobs ran with other settings). The plan now:',
                ...changeLines(plan),
                "Compare it with the plan job's summary, then run the workflow again to plan and approve the current state."
            ])
    ].join('\n'));
}
function changeLines(plan) {
    const changes = plan.resources.filter((r) => r.action !== 'unchanged');
    if (changes.length === 0)
        return ['  (no changes)'];
    return changes.map((r) => `  ${r.action} ${r.kind} ${resourceName$1(r)}`);
}

const SHA$1 = /^[0-9a-f]{7,64}$/i;
function gitIsAncestor(cwd) {
    return (ancestor, descendant) => new Promise((resolve) => {
        if (!SHA$1.test(ancestor) || !SHA$1.test(descendant)) {
            resolve(undefined);
            return;
        }
        execFile('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd }, (error) => {
            if (!error)
                resolve(true);
            else
                resolve(error.code === 1 ? false : undefined);
        });
    });
}
function ancestryChecker(cwd, github) {
    const git = gitIsAncestor(cwd);
    return async (ancestor, descendant) => {
        const local = await git(ancestor, descendant);
        if (local !== undefined || !github)
            return local;
        try {
            const { status } = await github.compareCommits(ancestor, descendant);
            return status === 'ahead' || status === 'identical';
        }
        catch {
            return undefined;
        }
    };
}

function smokeSection(report) {
    const failed = report.runs.filter((r) => r.verdict !== 'passed').length;
    const verdict = report.passed
        ? `✅ **Smoke runs passed** (${report.runs.length})`
        : `❌ **Smoke runs failed** (${failed} of ${report.runs.length})`;
    const table = markdownTable([
        { title: 'Flow', cell: (run) => escapeText(`${run.flow.namespace}.${run.flow.id}`) },
        { title: 'Execution', cell: executionCell },
        { title: 'State', cell: stateCell },
        {
            title: 'Duration',
            cell: (run) => (run.durationMs === undefined ? '' : formatDuration(run.durationMs))
        },
        { title: 'Details', cell: (run) => escapeText(run.message ?? '') }
    ], report.runs);
    return `${verdict}\n\n${table}`;
}
function executionCell(run) {
    if (!run.executionId)
        return 'not started';
    const id = escapeText(run.executionId);
    return run.url ? `[${id}](${linkTarget(run.url)})` : id;
}
function stateCell(run) {
    const state = escapeText(run.state ?? 'unknown');
    if (run.verdict === 'timed-out')
        return `⏱️ ${state} (timed out)`;
    return run.verdict === 'passed' ? `✅ ${state}` : `❌ ${state}`;
}
function formatDuration(ms) {
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
function rollbackSection(result) {
    const lines = [
        result.rolledBack === 'true'
            ? '↩️ **Rolled back**: every resource this deploy changed is back as it was before, and the deployed-commit marker too.'
            : `⚠️ **Rollback incomplete** (rolled-back: ${result.rolledBack}): ${backCount(result)}.`
    ];
    for (const left of notBack(result))
        lines.push(`- ${escapeText(left)}`);
    if (result.resumable)
        lines.push('', escapeText(RESUME));
    const rows = [
        ...result.resources.map((r) => ({
            resource: r.item.name,
            kind: r.item.resource.kind,
            did: r.did,
            result: r.result,
            message: r.message
        })),
        ...result.markers.map((m) => ({
            resource: m.namespace,
            kind: 'commit marker',
            did: 'written',
            result: m.result,
            message: m.message
        }))
    ];
    const table = markdownTable([
        { title: 'Resource', cell: (row) => escapeText(row.resource) },
        { title: 'Kind', cell: (row) => row.kind },
        { title: 'Deploy did', cell: (row) => row.did },
        { title: 'Rollback', cell: (row) => row.result },
        { title: 'Details', cell: (row) => escapeText(row.message) }
    ], rows);
    return [...lines, '', table].join('\n');
}
function rollbackAccount(result) {
    if (result.rolledBack === 'true') {
        return 'The deploy was rolled back: every resource it changed is back as it was before, and the deployed-commit marker too.';
    }
    return [
        `The rollback is incomplete (rolled-back: ${result.rolledBack}): ${backCount(result)}.`,
        ...notBack(result).map((left) => `  ${left}`),
        ...(result.resumable ? [RESUME] : [])
    ].join('\n');
}
function rollbackLine(done) {
    const back = done.resources.filter((r) => r.result === 'restored').length;
    return done.rolledBack === 'true'
        ? `Rollback: complete (${back} resource(s) back as before).`
        : `Rollback: incomplete (rolled-back: ${done.rolledBack}; ${back} of ${done.resources.length} resource(s) back as before).`;
}
function backCount(result) {
    const back = result.resources.filter((r) => r.result === 'restored').length;
    return `${back} of ${result.resources.length} resource(s) are back as they were before the deploy`;
}
function notBack({ resources, markers }) {
    return [
        ...resources.flatMap(({ result, item, message }) => result === 'restored'
            ? []
            : result === 'kept'
                ? `${item.name}: kept as the server holds it, not rolled back (${message})`
                : `${item.name}: left at the deployed version (${message})`),
        ...markers.flatMap(({ result, namespace, message }) => result === 'restored' ? [] : `The deployed-commit marker of ${namespace} ${message}.`)
    ];
}
const RESUME = `Re-run the workflow to finish the rollback: its progress is recorded in the KV store of each namespace (${ROLLBACK_RECORD_KEY}).`;

function setCountOutputs(reporter, counts) {
    reporter.setOutput('created', counts.create);
    reporter.setOutput('updated', counts.update);
    reporter.setOutput('deleted', counts.delete);
    reporter.setOutput('unchanged', counts.unchanged);
    reporter.setOutput('orphaned', counts.orphaned);
    reporter.setOutput('drifted', counts.drifted);
}

const VERDICT_STATES = new Map([
    ['success', 'success'],
    ['failure', 'failure'],
    ['error', 'failure']
]);
function isDeciding(state) {
    return VERDICT_STATES.has(state);
}
function newerFirst(a, b) {
    const at = Date.parse(a.createdAt);
    const bt = Date.parse(b.createdAt);
    if (Number.isFinite(at) && Number.isFinite(bt) && at !== bt)
        return bt - at;
    return b.id - a.id;
}
function verdictOf$1(statuses) {
    const deciding = [...statuses].sort(newerFirst).find((s) => isDeciding(s.state));
    return deciding ? VERDICT_STATES.get(deciding.state) : 'pending';
}
function newestFirst(history) {
    return [...history.deployments].sort((a, b) => newerFirst(a.deployment, b.deployment));
}
function isVerified(history, sha) {
    const decided = newestFirst(history).find((entry) => entry.deployment.sha === sha && entry.verdict !== 'pending');
    return decided?.verdict === 'success';
}
function verifiedCommit(history) {
    return newestFirst(history).find((entry) => entry.verdict === 'success' && isVerified(history, entry.deployment.sha))?.deployment;
}

function finalStatus(facts) {
    if (facts.status === 'refused') {
        return {
            state: 'error',
            description: 'Not deployed: a newer commit is already deployed there.'
        };
    }
    if (facts.status === 'failed') {
        return { state: 'failure', description: 'Deploy incomplete: a write failed.' };
    }
    if (facts.smokeFailed)
        return { state: 'failure', description: 'A smoke run failed.' };
    if (!facts.wrote && facts.previous === 'failure') {
        return {
            state: 'failure',
            description: 'Nothing to write, and the last deploy of this commit here failed.'
        };
    }
    return {
        state: 'success',
        description: facts.wrote ? 'Deployed.' : 'Already deployed: nothing to write.'
    };
}
function refusal(environment, sha, history) {
    const verified = verifiedCommit(history);
    const instead = verified
        ? `the commit verified there is ${verified.sha.slice(0, 7)} (deployed ${verified.createdAt}); promote that one, or deploy ${sha.slice(0, 7)} to ${environment} first`
        : `no commit is verified there yet; deploy ${sha.slice(0, 7)} to ${environment} first`;
    return `Input 'require-verified-in': commit ${sha.slice(0, 7)} has no successful deployment in ${environment}, so nothing was written: ${instead}.`;
}
function environmentsTable(rows, commitUrl) {
    if (rows.length === 0)
        return '';
    const sorted = [...rows].sort((a, b) => a.deployment.environment < b.deployment.environment ? -1 : 1);
    const latest = (row) => row.statuses[0];
    const table = markdownTable([
        { title: 'Environment', cell: (row) => escapeText(row.deployment.environment) },
        {
            title: 'Commit',
            cell: (row) => `[\`${row.deployment.sha.slice(0, 7)}\`](${linkTarget(commitUrl(row.deployment.sha))})`
        },
        { title: 'State', cell: (row) => escapeText(latest(row)?.state ?? 'pending') },
        {
            title: 'When',
            cell: (row) => escapeText(latest(row)?.createdAt ?? row.deployment.createdAt)
        },
        {
            title: 'Link',
            cell: (row) => {
                const url = latest(row)?.environmentUrl;
                return url ? `[${escapeText(url)}](${linkTarget(url)})` : '';
            }
        }
    ], sorted);
    return `### Environments\n\n${table}`;
}

const HISTORY_LIMIT = 30;
async function environmentHistory(reads, environment, sha) {
    const history = { deployments: [] };
    for (const deployment of await reads.deployments({ environment }, HISTORY_LIMIT)) {
        history.deployments.push({
            deployment,
            verdict: verdictOf$1(await reads.statuses(deployment.id))
        });
        const decided = history.deployments.some((entry) => entry.deployment.sha === sha && entry.verdict !== 'pending');
        if (decided && (isVerified(history, sha) || verifiedCommit(history)))
            break;
    }
    return history;
}
async function environmentRows(reads) {
    const newest = new Map();
    for (const deployment of await reads.deployments({}, 100)) {
        if (!newest.has(deployment.environment))
            newest.set(deployment.environment, deployment);
    }
    const rows = await Promise.all([...newest.values()].map(async (deployment) => ({
        deployment,
        statuses: await reads.statuses(deployment.id)
    })));
    return rows.filter((row) => !(row.deployment.transient && row.statuses[0]?.state === 'inactive'));
}

function planJson(plan, meta) {
    return {
        version: 1,
        fingerprint: plan.fingerprint,
        mode: meta.mode,
        server: meta.server,
        tenant: meta.tenant,
        commit: meta.commit,
        settings: { ...meta.settings },
        resources: plan.resources.map((r) => {
            const kind = kindOf$2(meta.kinds, r);
            return {
                kind: r.kind,
                ...(r.namespace !== '' && { namespace: r.namespace }),
                ...kind.planFileIdentity(r),
                action: r.action,
                ...kind.planFileDetails?.(r),
                ...(r.drifted && { drifted: true })
            };
        }),
        findings: [...meta.findings]
            .sort(compareFindings)
            .map(({ severity, file, line, message }) => ({ severity, file, line, message }))
    };
}

function planFilePath(runnerTemp, commentKey) {
    return join(runnerTemp, `kestra-gitops-plan-${commentKey}.json`);
}
function sarifFilePath(runnerTemp, commentKey) {
    return join(runnerTemp, `kestra-gitops-${commentKey}.sarif`);
}
function writePlanFile(runnerTemp, commentKey, text) {
    return writeRunnerFile(runnerTemp, planFilePath(runnerTemp, commentKey), text);
}
function writeSarifFile(runnerTemp, commentKey, text) {
    return writeRunnerFile(runnerTemp, sarifFilePath(runnerTemp, commentKey), text);
}
function writeRunnerFile(runnerTemp, path, text) {
    mkdirSync(runnerTemp, { recursive: true });
    writeFileSync(path, text);
    return path;
}

function renderedReport(report) {
    if (!report.plan)
        return report;
    const resources = report.plan.resources.map((change) => {
        if (change.action !== 'unchanged')
            return change;
        const { digest: _digest, file: _file, desired: _desired, current: _current, ...named } = change;
        return named;
    });
    return { ...report, plan: { ...report.plan, resources } };
}

function driftPlan(plan) {
    const resources = plan.resources.map((r) => r.action === 'unchanged' || r.drifted ? r : { ...r, drifted: true });
    return { ...plan, resources, counts: countPlan(resources) };
}
function driftedResources(plan, state, kinds) {
    return plan.resources
        .filter((r) => r.action !== 'unchanged')
        .map((change) => {
        const name = resourceName$1(change);
        const kind = change.action === 'update'
            ? 'edited'
            : change.action === 'create'
                ? 'deleted-in-kestra'
                : 'only-in-kestra';
        const held = change.kind === 'flow'
            ? state.get(change.namespace)?.flows.find((f) => f.id === change.id)
            : undefined;
        return {
            change,
            name,
            kind,
            ...diffOf(change, name, state, kinds),
            ...(held && { revision: held.revision }),
            ...(held?.updated !== undefined && { updated: held.updated })
        };
    });
}
function diffOf(change, name, state, kinds) {
    if (change.diff !== undefined)
        return { diff: gitToServerDiff(change.diff, name) };
    if (change.diffOmitted)
        return { diffOmitted: change.diffOmitted };
    if (change.action !== 'orphaned')
        return {};
    const text = change.kind === 'file'
        ? serverText(state.get(change.namespace)?.files.find((f) => f.path === change.path)?.bytes)
        : kindOf$2(kinds, change).serverText?.(change);
    if (text === null)
        return { diffOmitted: 'binary' };
    if (text === undefined)
        return {};
    const shown = diffTexts('', `kestra/${name}`, undefined, text);
    return shown.diff === undefined ? { diffOmitted: 'too-large' } : { diff: shown.diff };
}
function serverText(bytes) {
    return bytes === undefined ? undefined : (decodeText(bytes) ?? null);
}
function gitToServerDiff(planDiff, name) {
    const [patch] = parsePatch(planDiff);
    if (!patch)
        return planDiff;
    const reversed = reversePatch(patch);
    reversed.oldFileName = reversed.oldFileName === NO_FILE ? NO_FILE : `git/${name}`;
    reversed.newFileName = reversed.newFileName === NO_FILE ? NO_FILE : `kestra/${name}`;
    for (const hunk of reversed.hunks)
        hunk.lines = removalsFirst(hunk.lines);
    return formatPatch(reversed, FILE_HEADERS_ONLY);
}
function removalsFirst(lines) {
    const out = [];
    let removed = [];
    let added = [];
    let last;
    const flush = () => {
        out.push(...removed, ...added);
        removed = [];
        added = [];
    };
    for (const line of lines) {
        if (line.startsWith('-'))
            (last = removed).push(line);
        else if (line.startsWith('+'))
            (last = added).push(line);
        else if (line.startsWith('\\') && last)
            last.push(line);
        else {
            flush();
            last = undefined;
            out.push(line);
        }
    }
    flush();
    return out;
}
function remainingDrift(items, outcome) {
    if (outcome.refused !== undefined || !outcome.resources) {
        const why = outcome.refused ?? 'the deploy stopped before writing';
        return items.map((item) => ({ ...item, note: `not reverted: ${why}` }));
    }
    if (outcome.rolledBack) {
        return items.map((item) => ({ ...item, note: 'reverted, then rolled back with the deploy' }));
    }
    const results = new Map(outcome.resources.map((r) => [resourceName$1(r.change), r]));
    return items.flatMap((item) => {
        const done = results.get(item.name);
        if (item.change.action === 'orphaned') {
            return [
                { ...item, note: 'kept: delete is false, so the revert keeps what only Kestra holds' }
            ];
        }
        if (!done)
            return [{ ...item, note: 'not reverted: the deploy did not reach it' }];
        if (WRITTEN.has(done.result) || done.result === 'unchanged')
            return [];
        return [{ ...item, note: done.message ? `${done.result}: ${done.message}` : done.result }];
    });
}

async function planMode(args) {
    const { ports } = args;
    const { desired, commitTime } = args.checked.snapshot;
    if (desired === undefined) {
        throw new ActionError('a plan needs the snapshot of a plan or deploy run');
    }
    const reviewed = await phase(ports.reporter, 'Plan', () => reviewedPlan(args, desired, commitTime), ({ plan }) => `Plan: ${countsText(plan.counts)} (fingerprint ${plan.fingerprint.slice(0, 12)}).`);
    const { plan } = reviewed;
    const findings = sortFindings([...args.report.findings, ...reviewed.findings]);
    const notes = [...(args.report.notes ?? []), ...reviewed.notes];
    const report = {
        ...args.report,
        findings,
        plan,
        notes,
        driftBase: reviewed.driftBase
    };
    const shown = ports.edge.shown(renderedReport(report));
    let sent;
    const leaving = new Promise((resolve) => (sent = resolve));
    const commenting = postComment(args, shown, sent);
    await Promise.race([leaving, commenting.catch(() => undefined)]);
    await new Promise((resume) => setTimeout(resume, 1));
    writePlanOutputs(args, report, plan);
    const summary = renderSummary(shown);
    await commenting;
    return { plan, summary, findings, notes, driftBase: reviewed.driftBase };
}
async function reviewedPlan(args, desired, reference) {
    const { checked, state, ports } = args;
    const { plan: built, driftBase } = await plannedChanges(args, desired);
    const { graph, impact } = await impactOf(args, built, reference);
    for (const [namespace, counts] of countsByNamespace(impact.plan)) {
        ports.reporter.info(`${namespace}: ${countsText(counts)}`);
    }
    const listings = listingsOf(checked);
    const unfinished = unfinishedOf(checked) ?? { byFlow: new Map() };
    const review = {
        kestra: args.kestra,
        names: namesOf(checked),
        defined: checked.defined,
        listings,
        unfinished,
        state,
        plan: impact.plan,
        model: checked.model,
        calls: graph.calls,
        everyFlow: args.context.pullRequest === undefined
    };
    const reviewed = decideReview(review, await gatherReview(review), ports.reporter);
    const findings = [...impact.findings, ...reviewed.findings];
    const baseNotes = driftBaseNotes(driftBase);
    for (const note of baseNotes)
        ports.reporter.info(note);
    return { plan: reviewed.plan, findings, notes: [...baseNotes, ...reviewed.notes], driftBase };
}
async function impactOf(args, built, reference) {
    const { state, checked } = args;
    const deleted = built.resources.filter((r) => r.kind === 'flow' && r.action === 'delete');
    const outside = await outsideUsers(args.kestra, deleted, state, args.settings.concurrency);
    const repository = { flows: checked.model.flows, references: referencesOf(checked) };
    const graph = callGraph(repository, state, outside.users);
    const impact = withImpact(built, {
        ...graph,
        reference,
        unsearched: outside.unsearched,
        searched: [...state.keys()]
    });
    return { graph, impact };
}
async function plannedChanges(args, desired) {
    const { target, context, ports, state, checked } = args;
    const { model, changed } = checked;
    const { base } = checked.snapshot;
    const drift = target.work.writes === 'drift';
    const heldBack = model.readProblems.some((problem) => problem.rule === MISSING_FOLDER);
    const input = {
        against: args.kestra.target,
        namespaces: model.managedNamespaces,
        desired,
        actual: state,
        scope: target.scope,
        changedFiles: changed.kind === 'list' ? changed.paths : undefined,
        base: drift ? headBase(desired) : heldBackBase(base && valueOfEnded(base), heldBack),
        deleteEnabled: target.delete && !heldBack
    };
    const kinds = args.kinds.map((kind) => kind.decide);
    const held = checked.snapshot.kinds;
    let built = buildPlan(input, kinds, held);
    const baseSha = drift ? undefined : baseCommit(context);
    let api = false;
    if (baseSha && !input.base && ports.github) {
        const base = await baseFromApi(built, ports.github, baseSha);
        built = buildPlan({ ...input, base }, kinds, held);
        api = true;
    }
    if (target.delete && heldBack) {
        for (const change of built.resources) {
            if (change.action === 'orphaned')
                change.remark = 'kept: an input names a folder that does not exist';
        }
    }
    if (drift)
        return { plan: driftPlan(built) };
    return { plan: built, driftBase: driftBaseOf(context, input.base, built.namespaces, api) };
}
function heldBackBase(base, heldBack) {
    return base && heldBack ? { ...base, partial: true } : base;
}
function headBase(desired) {
    return {
        flows: new Map(desired.flows.map((f) => [flowKey(f.namespace, f.id), { source: f.source, file: f.file }])),
        files: new Map(desired.files.map((f) => [fileKey(f.namespace, f.path), { sha256: f.sha256, file: f.file }]))
    };
}
function driftBaseOf(context, base, namespaces, api) {
    if (base?.deployed)
        return { from: 'deployed', ...base.deployed };
    const sha = baseCommit(context);
    if (!sha)
        return undefined;
    const from = context.pullRequest ? 'pull-request' : context.local ? 'base-flag' : 'push';
    const each = (value) => new Map(namespaces.map((namespace) => [namespace, value]));
    if (base === undefined) {
        const why = `commit ${short(sha)} is not in this checkout (a shallow clone: check out with fetch-depth: 0)`;
        return { from, commits: new Map(), unchecked: each(why) };
    }
    return { from, commits: each(sha), unchecked: new Map(), ...(api && { api: true }) };
}
function writePlanOutputs(args, report, plan) {
    const { settings, context, ports } = args;
    const { edge, reporter } = ports;
    const planDocument = planJson(plan, {
        mode: report.mode,
        ...args.kestra.target,
        commit: context.sha,
        settings: settings.recorded,
        findings: report.findings,
        kinds: args.kinds.map((kind) => kind.decide)
    });
    const planFile = writePlanFile(context.runnerTemp, settings.commentKey, edge.text(`${JSON.stringify(edge.shown(planDocument), null, 2)}\n`));
    reporter.setOutput('plan-file', planFile);
    reporter.setOutput('plan-fingerprint', plan.fingerprint);
    reporter.setOutput('has-changes', hasChanges(plan.counts));
}
function countsByNamespace(plan) {
    const groups = new Map();
    for (const r of plan.resources) {
        const name = r.section ?? r.namespace;
        const group = groups.get(name);
        if (group)
            group.push(r);
        else
            groups.set(name, [r]);
    }
    return new Map([...groups].map(([namespace, resources]) => [namespace, countPlan(resources)]));
}
async function postComment(args, report, sent) {
    const { settings, target, context, ports } = args;
    const pr = context.pullRequest;
    if (!target.comment || !pr || context.eventName === 'merge_group')
        return;
    if (!ports.github) {
        ports.reporter.warning('No github-token: the pull-request comment was not written (the job summary has the plan).');
        return;
    }
    const body = renderComment({
        ...report,
        commentKey: settings.commentKey,
        runUrl: runUrl(context)
    });
    const outcome = await ports.github.upsertStickyComment(pr.number, commentMarker(settings.commentKey), body, args.checked.snapshot.comments, sent);
    if (outcome.status === 'forbidden') {
        ports.reporter.warning(`The pull-request comment could not be written: ${outcome.message}`);
        return;
    }
    ports.reporter.setOutput('comment-url', outcome.url);
    ports.reporter.info(`Pull-request comment ${outcome.status}: ${outcome.url}`);
    for (const number of pr.sameHead ?? []) {
        const also = await ports.github.upsertStickyComment(number, commentMarker(settings.commentKey), body);
        if (also.status === 'forbidden') {
            ports.reporter.warning(`The comment on pull request #${number} (the same head and base as #${pr.number}) could not be written: ${also.message}`);
        }
        else {
            ports.reporter.info(`Pull-request comment ${also.status} on #${number}, which has the same head and base as #${pr.number}: ${also.url}`);
        }
    }
}
function runUrl(context) {
    if (!context.runId || !context.owner)
        return undefined;
    return `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}`;
}
async function gatherReview(args) {
    const targets = changedContracts(flowChanges(args.plan), args.calls);
    const sites = targets.length === 0 ? [] : callSitesOf(args, targets);
    const pinned = sites.length === 0
        ? new Map()
        : await readPinnedRevisions(args.kestra, sites);
    return { targets, sites, pinned };
}
function decideReview(args, reads, reporter) {
    const flows = flowChanges(args.plan);
    const names = reviewNames(args, flows, reporter);
    const unfinished = reviewExecutions(args.unfinished, flows, reporter);
    const { sites, targets, pinned } = reads;
    const contracts = targets.length === 0
        ? { findings: [], breaks: new Map() }
        : reviewContracts(sites, targets, pinned);
    const plan = withReview(args.plan, {
        missing: names.missing,
        unfinished: unfinished.byFlow,
        breaks: contracts.breaks
    });
    const findings = [...names.findings, ...unfinished.findings, ...contracts.findings];
    return { plan, findings, notes: names.note ? [names.note] : [] };
}
function flowChanges(plan) {
    return plan.resources.filter((r) => r.kind === 'flow');
}
function reviewNames(args, flows, reporter) {
    const written = new Set(flows
        .filter((f) => f.action === 'create' || f.action === 'update')
        .map((f) => flowKey(f.namespace, f.id)));
    const refs = args.everyFlow ? args.names : args.names.filter((ref) => written.has(ref.fromFlow));
    const skipped = args.names.filter((ref) => !refs.includes(ref));
    const note = skipped.length > 0
        ? `${skipped.length} secret and KV reference(s) in ${new Set(skipped.map((ref) => ref.fromFlow)).size} flow(s) this pull request does not change were not checked against the server; a plan of the branch (a push, workflow_dispatch, or 'kestra-gitops plan') checks every flow.`
        : undefined;
    if (note)
        reporter.info(note);
    if (refs.length === 0)
        return { findings: [], missing: new Map(), note };
    const listings = args.listings ? valueOfEnded(args.listings) : {};
    const checked = checkNames(refs, listings, args.defined);
    reporter.info(`${checked.checked} secret and KV reference(s) checked: ${checked.findings.filter((f) => f.severity === 'warning').length} not defined on the server.`);
    return { ...checked, note };
}
function reviewExecutions(reading, flows, reporter) {
    const guarded = flows.filter((f) => f.action === 'update' || f.action === 'delete');
    if (guarded.length === 0)
        return { byFlow: new Map(), findings: [] };
    if ('byFlow' in reading) {
        for (const flow of guarded) {
            const executions = reading.byFlow.get(flowKey(flow.namespace, flow.id));
            if (!executions)
                continue;
            const states = [...new Set(executions.map((e) => e.state))].sort();
            reporter.info(`${flow.namespace}.${flow.id}: ${unfinishedText(executions)} (${states.join(', ')})`);
        }
        return { byFlow: reading.byFlow, findings: [] };
    }
    const file = guarded.find((f) => f.file)?.file ?? '';
    const names = guarded.map((f) => `${f.namespace}.${f.id}`).join(', ');
    const notice = {
        severity: 'notice',
        file,
        line: 1,
        rule: 'executions-not-checked',
        message: `Executions not finished were not counted for ${names}: ${errorMessage(reading.error)}. The deploy reads them again right before its first write when running-executions is wait or fail.`
    };
    return { byFlow: new Map(), findings: [notice] };
}
function callSitesOf(args, targets) {
    const repository = new Map();
    for (const flow of args.model.flows) {
        if (!flow.notAFlow && flow.namespace && flow.id) {
            repository.set(flowKey(flow.namespace, flow.id), flow);
        }
    }
    const wanted = new Set(targets.map((t) => flowKey(t.namespace, t.id)));
    const callers = new Set(args.calls
        .filter((call) => wanted.has(flowKey(call.namespace, call.id)))
        .map((call) => flowKey(call.caller.namespace, call.caller.id)));
    const server = new Map();
    for (const [namespace, { flows: remote }] of args.state) {
        for (const flow of remote) {
            const key = flowKey(namespace, flow.id);
            if (callers.has(key) && !repository.has(key)) {
                server.set(key, parseFlowFile({ file: '', rel: '', raw: flow.source }));
            }
        }
    }
    return callSites(targets, args.calls, { repository, server });
}

async function beginEnvironment(args) {
    const { target, context, ports } = args;
    if (!target.environment && !target.requireVerifiedIn)
        return undefined;
    const github = ports.deployments;
    if (!github) {
        throw new ConfigError(target.environment ? 'environment' : 'require-verified-in', 'GitHub deployments need the github-token input (the default, github.token, works)');
    }
    const verifiedIn = target.requireVerifiedIn;
    if (verifiedIn) {
        const history = await environmentHistory(github, verifiedIn, context.sha);
        if (!isVerified(history, context.sha)) {
            throw new DeployError(refusal(verifiedIn, context.sha, history));
        }
        ports.reporter.info(`Commit ${context.sha.slice(0, 7)} is verified in ${verifiedIn}.`);
    }
    const { environment } = target;
    if (!environment)
        return undefined;
    const namespaces = [...args.checked.model.managedNamespaces].sort();
    const [first] = namespaces;
    const environmentUrl = first ? namespaceUrl(await args.kestra.uiBase(), first) : undefined;
    const id = await github.create({
        sha: context.sha,
        environment,
        transient: target.transientEnvironment,
        description: ports.edge.text(`Kestra deploy of ${context.sha.slice(0, 7)}`),
        payload: {
            kestra: { server: args.kestra.target.server, tenant: args.kestra.target.tenant, namespaces }
        }
    });
    const run = environmentRun({ github, environment, id, environmentUrl, context, ports });
    await run.status({ state: 'in_progress', description: 'Deploying to Kestra.' });
    return run;
}
function environmentRun(run) {
    const { github, environment, id, environmentUrl, context, ports } = run;
    const status = async (state) => {
        await github.addStatus(id, {
            ...state,
            description: ports.edge.text(state.description),
            environmentUrl,
            logUrl: runUrl(context)
        });
        ports.reporter.info(`GitHub deployment ${id} to ${environment}: ${state.state}.`);
    };
    return {
        status,
        async finish(result, smokeFailed) {
            const wrote = result.resources.some((r) => WRITTEN.has(r.result));
            try {
                const previous = wrote
                    ? undefined
                    : await previousVerdict(github, environment, context.sha, id);
                const outcome = finalStatus({ status: result.status, wrote, smokeFailed, previous });
                if (outcome.state !== 'success' && !wrote && previous === 'failure') {
                    ports.reporter.warning(`GitHub deployment to ${environment} recorded as failure: ${outcome.description}`);
                }
                await status(outcome);
            }
            catch (error) {
                ports.reporter.warning(`The GitHub deployment to ${environment} could not be completed: ${errorMessage(error)}`);
            }
            try {
                return environmentsTable(await environmentRows(github), (sha) => `${context.serverUrl}/${context.owner}/${context.repo}/commit/${sha}`);
            }
            catch (error) {
                ports.reporter.warning(`The environments table could not be read: ${errorMessage(error)}`);
                return '';
            }
        },
        async fail(message) {
            try {
                await status({ state: 'failure', description: `Not deployed: ${message}` });
            }
            catch (error) {
                ports.reporter.warning(`The GitHub deployment to ${environment} could not be marked failed: ${errorMessage(error)}`);
            }
        }
    };
}
async function previousVerdict(github, environment, sha, current) {
    for (const deployment of await github.deployments({ environment, sha }, 10)) {
        if (deployment.id === current)
            continue;
        const verdict = verdictOf$1(await github.statuses(deployment.id));
        if (verdict !== 'pending')
            return verdict;
    }
    return undefined;
}

function renderReceipt(result, meta) {
    const target = `commit ${commitText(meta.commit, meta.repositoryUrl)} to ${escapeText(meta.server)} (tenant ${escapeText(meta.tenant)}) at ${shownDate(meta.time) ?? escapeText(meta.time)}`;
    const out = [];
    if (result.status === 'refused') {
        out.push(`Not deployed: ${target}. ${escapeText(result.refusal ?? '')}`);
        return finish(out, result);
    }
    const rows = result.resources.filter((r) => isWrite(r.change));
    const orphaned = result.resources.filter((r) => r.change.action === 'orphaned').length;
    const summary = outcomeCounts(result.resources);
    if (orphaned > 0)
        summary.push(`${orphaned} orphaned (kept: delete is false)`);
    const counts = summary.length > 0 ? summary.join(', ') : 'no resources';
    if (result.status === 'nothing-to-do') {
        out.push(`Nothing to change for ${target}: ${counts}.`);
        return finish(out, result);
    }
    const verdict = result.status === 'failed' ? 'Deploy incomplete' : 'Deployed';
    out.push(`${verdict}: ${target}: ${counts}.`, '', markdownTable(COLUMNS, rows));
    if (result.status === 'failed') {
        const applied = rows.filter((r) => WRITTEN.has(r.result) || r.result === 'unchanged');
        const notApplied = rows.filter((r) => NOT_APPLIED.has(r.result));
        const refused = notApplied
            .filter((r) => r.bodyRefused)
            .map((r) => escapeText(resourceName$1(r.change)));
        out.push('', `**Applied:** ${names(applied)}.`, `**Not applied:** ${notApplied.map((r) => `${escapeText(resourceName$1(r.change))} (${r.outcomeUnknown ? 'failed, its answer lost: Kestra may hold either version' : r.result})`).join(', ')}.`, '', ...(refused.length > 0
            ? [`${limitBeforeRerun(refused, escapeTextWithCode(BODY_LIMIT_REMEDY))}.`, '']
            : []), `${refused.length > 0 ? 'Then re-running' : 'Re-running'} the deploy ${meta.rolledBack ? RERUN_AFTER_ROLLBACK : RERUN_FINISHES}` +
            (notApplied.some((r) => r.result === 'conflict')
                ? '; conflicting resources changed on the server after the plan, so check those changes first: a re-run plans against them and overwrites them.'
                : '.'));
    }
    return finish(out, result);
}
const RERUN_FINISHES = 'finishes the job: what was applied is unchanged now and is not written again';
const RERUN_AFTER_ROLLBACK = 'plans again from the server as the rollback below left it, and writes whatever differs from this commit';
const COLUMNS = [
    { title: 'Resource', cell: (r) => escapeText(resourceName$1(r.change)) },
    { title: 'Kind', cell: (r) => r.change.kind },
    { title: 'Result', cell: (r) => r.result },
    { title: 'Revision', cell: revision },
    { title: 'Details', cell: (r) => escapeTextWithCode(r.message ?? '') }
];
function finish(out, result) {
    if (result.warnings.length > 0) {
        out.push('', '**Warnings:**', '', ...result.warnings.map((w) => `- ${escapeText(w)}`));
    }
    return out.join('\n') + '\n';
}
function revision({ change, result, revision }) {
    if (change.kind !== 'flow')
        return '';
    const before = change.current?.revision;
    if (result === 'created')
        return `rev ${revision}`;
    if (result === 'updated')
        return `rev ${before} → ${revision}`;
    if (result === 'deleted')
        return `rev ${before} → deleted`;
    const now = revision ?? before;
    return now === undefined ? '' : `rev ${now}`;
}
function names(rows) {
    return rows.length === 0
        ? 'nothing'
        : rows.map((r) => escapeText(resourceName$1(r.change))).join(', ');
}

async function reportNotDeployed(args, error) {
    const { reporter, edge } = args.ports;
    reporter.setOutput('deployed', false);
    const headline = deployTitle('failed', 'nothing written', args.settings.commentKey);
    const why = fence(edge.message(error.message));
    await reporter.writeSummary(`${withHeadline(args.summary, headline)}\n\n#### Not deployed\n\n${why}\n`);
    await reportOnPullRequest(args, headline, `Not deployed:\n\n${why}`);
}
function receiptOf(args, result, rolledBack) {
    const { context, ports } = args;
    return renderReceipt(ports.edge.shown(result), {
        rolledBack,
        commit: context.sha,
        time: ports.now().toISOString(),
        ...args.kestra.target,
        repositoryUrl: context.local
            ? undefined
            : repositoryUrl(context.serverUrl, context.owner, context.repo)
    }).trimEnd();
}
function deployHeadline(result, after, commentKey) {
    const rolledBack = after.rollback?.rolledBack;
    const status = rolledBack === 'true'
        ? 'rolled-back'
        : rolledBack
            ? 'rollback-incomplete'
            : after.failure
                ? 'failed'
                : result.status;
    const counts = result.status === 'refused'
        ? 'nothing written: a newer commit is deployed'
        : [...(after.failure ? ['a smoke run failed'] : []), ...outcomeCounts(result.resources)].join(', ');
    return deployTitle(status, counts, commentKey);
}
function countResults(result, plan) {
    const count = (outcome) => result.resources.filter((r) => r.result === outcome && r.change.action !== 'orphaned').length;
    const { orphaned, drifted } = plan.counts;
    const [create, update, remove] = [count('created'), count('updated'), count('deleted')];
    return { create, update, delete: remove, unchanged: count('unchanged'), orphaned, drifted };
}
function failureSummary(result, rolledBack, local) {
    const name = (r) => resourceKey(r.change);
    const notApplied = result.resources.filter((r) => NOT_APPLIED.has(r.result));
    const applied = result.resources.filter((r) => WRITTEN.has(r.result));
    const refused = notApplied.filter((r) => r.bodyRefused).map(name);
    const again = local ? 'run the deploy again (kestra-gitops deploy)' : 're-run the workflow';
    const rerun = refused.length > 0 ? `${limitBeforeRerun(refused)}. Then ${again}` : upperFirst(again);
    const to = rolledBack
        ? 'deploy again from the server as the rollback left it'
        : 'finish (applied resources are not written again)';
    return [
        `Deploy incomplete: ${notApplied.length} resource(s) not applied, ${applied.length} applied. ${rerun} to ${to}.`,
        ...notApplied.map((r) => `  ${r.result}: ${name(r)}${r.message ? ` — ${r.message}` : ''}`),
        ...(applied.length > 0 ? ['Applied:', ...applied.map((r) => `  ${r.result}: ${name(r)}`)] : [])
    ].join('\n');
}
function upperFirst(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
async function reportOnPullRequest(args, headline, receipt) {
    const { ports, context, settings, target } = args;
    if (context.eventName !== 'push' || !ports.github || !target.comment)
        return;
    try {
        const pr = await ports.github.findMergedPullRequest(context.sha);
        if (!pr)
            return;
        const marker = commentMarker(settings.commentKey);
        const [comment] = (await ports.github.commentsByThisToken(pr, marker)).comments;
        if (!comment)
            return;
        const body = upsertDeployedSection(comment.body, receipt, headline);
        const outcome = await ports.github.updateComment(comment.id, body);
        if (outcome.status === 'forbidden')
            ports.reporter.warning(`The pull-request comment could not be updated: ${outcome.message}`);
        else
            ports.reporter.setOutput('comment-url', outcome.url);
    }
    catch (error) {
        ports.reporter.warning(`The Deployed section could not be added to the pull-request comment: ${errorMessage(error)}`);
    }
}
function writeLog(plan, reporter) {
    const writes = plan.resources.filter(isWrite);
    const pending = new Map();
    for (const { namespace } of writes)
        pending.set(namespace, (pending.get(namespace) ?? 0) + 1);
    const results = new Map();
    let done = 0;
    return (result) => {
        const { namespace } = result.change;
        const own = results.get(namespace) ?? [];
        own.push(result);
        results.set(namespace, own);
        done++;
        reporter.progress(done < writes.length ? `Writing to Kestra: ${done} of ${writes.length}` : '');
        if (own.length < (pending.get(namespace) ?? 0))
            return;
        reporter.group(`Writes to ${namespace}`);
        for (const r of own)
            reporter.info(describe(r));
        reporter.endGroup(`${namespace}: ${outcomeCounts(own).join(', ')}`);
        results.delete(namespace);
    };
}
function describe({ change, result, revision, message }) {
    const rev = revision === undefined ? '' : ` (revision ${revision})`;
    const why = message === undefined ? '' : `: ${message}`;
    return `${change.kind} ${resourceName$1(change)}: ${result}${rev}${why}`;
}

const PASSING = new Set(['SUCCESS', 'WARNING']);
const FAILING = new Set(['FAILED', 'KILLED', 'CANCELLED', 'RETRIED', 'SKIPPED', 'RESUBMITTED']);
async function runSmoke(flows, deps) {
    const begun = deps.now();
    const deadline = begun + deps.timeoutMs;
    const runs = await Promise.all(flows.map((flow, i) => runOne(flow, i + 1, deadline, deps)));
    return {
        runs,
        passed: runs.every((run) => run.verdict === 'passed'),
        elapsedMs: deps.now() - begun
    };
}
async function runOne(flow, line, deadline, deps) {
    const name = `${flow.namespace}.${flow.id}`;
    const target = { namespace: flow.namespace, id: flow.id };
    const start = await startOnce(flow, line, deadline, deps);
    if ('failed' in start) {
        deps.log(`Smoke run of ${name} could not start: ${start.failed}`);
        return { flow: target, verdict: start.timedOut ? 'timed-out' : 'failed', message: start.failed };
    }
    const { execution, at: started } = start;
    const url = deps.link(execution);
    deps.log(`Smoke run of ${name} started: execution ${execution.id} (${url})`);
    const done = (run) => {
        deps.log(`Smoke run of ${name}, execution ${execution.id}: ${run.state ?? 'unknown state'} (${run.verdict})${run.message ? `: ${run.message}` : ''}`);
        return { flow: target, executionId: execution.id, url, ...run };
    };
    let last = execution;
    for (let wait = FIRST_POLL_MS;; wait = Math.min(wait * 1.5, MAX_POLL_MS)) {
        const verdict = verdictOf(last.state);
        if (verdict)
            return done({ state: last.state, verdict, durationMs: durationOf(last) });
        const left = deadline - deps.now();
        if (left <= 0) {
            return done({
                state: last.state,
                verdict: 'timed-out',
                durationMs: deps.now() - started,
                message: 'still running at the smoke timeout: left running'
            });
        }
        await deps.sleep(Math.min(wait, left));
        let read;
        try {
            read = await deps.api.getExecution(execution.id, { deadline });
        }
        catch (error) {
            if (deps.now() < deadline) {
                return done({ state: last.state, verdict: 'failed', message: errorMessage(error) });
            }
            continue;
        }
        if (read)
            last = read;
        else if (deps.now() - started > NOT_RECORDED_GRACE_MS) {
            return done({
                state: last.state,
                verdict: 'failed',
                message: 'the server no longer knows this execution (404)'
            });
        }
    }
}
function verdictOf(state) {
    if (PASSING.has(state))
        return 'passed';
    if (FAILING.has(state))
        return 'failed';
    return undefined;
}
function durationOf(execution) {
    if (!execution.startDate || !execution.endDate)
        return undefined;
    const ms = Date.parse(execution.endDate) - Date.parse(execution.startDate);
    return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}
const RUN_LABEL = 'kestra-gitops.run';
const LINE_LABEL = 'kestra-gitops.smoke';
const ATTEMPT_LABEL = 'kestra-gitops.attempt';
const NOT_RECORDED_GRACE_MS = 15_000;
const MAX_STARTS = 4;
const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5_000;
async function startOnce(flow, line, deadline, deps) {
    const name = `${flow.namespace}.${flow.id}`;
    const ours = [
        [RUN_LABEL, deps.runId],
        [LINE_LABEL, String(line)]
    ];
    let lost = '';
    for (let attempt = 1; attempt <= MAX_STARTS; attempt++) {
        if (deps.now() >= deadline)
            return { failed: timedOut(lost, ours), timedOut: true };
        try {
            const labels = [...ours, [ATTEMPT_LABEL, String(attempt)]];
            const execution = await deps.api.startExecution(flow.namespace, flow.id, flow.inputs, {
                labels,
                deadline
            });
            return { execution, at: deps.now() };
        }
        catch (error) {
            if (!answerLost(error))
                return { failed: errorMessage(error), timedOut: false };
            lost = errorMessage(error);
            deps.log(`Smoke run of ${name}: the start's answer was lost (${lost}); looking it up by label`);
        }
        const found = await lookUp(flow, ours, deadline, deps);
        if ('failed' in found)
            return found;
        if (found.execution)
            return { execution: found.execution, at: deps.now() };
        deps.log(`Smoke run of ${name}: no execution of attempt ${attempt} was recorded; starting again`);
    }
    return { failed: `no start was recorded after ${MAX_STARTS} attempts: ${lost}`, timedOut: false };
}
async function lookUp(flow, labels, deadline, deps) {
    const until = Math.min(deadline, deps.now() + NOT_RECORDED_GRACE_MS);
    for (let wait = FIRST_POLL_MS;; wait = Math.min(wait * 1.5, MAX_POLL_MS)) {
        let found;
        try {
            found = await deps.api.findExecutions({ namespace: flow.namespace, flowId: flow.id, labels }, { deadline });
        }
        catch (error) {
            if (deps.now() >= deadline)
                return { failed: timedOut(errorMessage(error), labels), timedOut: true };
            return {
                failed: `the start's answer was lost and the execution could not be looked up (${errorMessage(error)}); not started again, so that the flow does not run twice`,
                timedOut: false
            };
        }
        if (found.length > 1) {
            deps.log(`Smoke run of ${flow.namespace}.${flow.id}: ${found.length} executions carry this run's labels: ${found.map((e) => e.id).join(', ')}`);
        }
        if (found.length > 0)
            return { execution: found[0] };
        if (deps.now() >= until) {
            return deps.now() >= deadline ? { failed: timedOut('', labels), timedOut: true } : {};
        }
        await deps.sleep(Math.min(wait, until - deps.now()));
    }
}
function answerLost(error) {
    return (error instanceof ApiError && (error.status === undefined || isRetryableStatus(error.status)));
}
function timedOut(lost, labels) {
    const label = labels.map(([key, value]) => `${key}:${value}`).join(' ');
    return `whether it started is unknown at the smoke timeout${lost ? ` (${lost})` : ''}: look for an execution labelled ${label}`;
}

async function afterDeploy(args, result) {
    const { ports } = args;
    const wrote = result.resources.some((r) => WRITTEN.has(r.result));
    const smoke = await smokeRuns(args, result, wrote);
    ports.reporter.setOutput('smoke', smoke ? (smoke.passed ? 'passed' : 'failed') : 'skipped');
    const markdown = smoke ? [smokeSection(ports.edge.shown(smoke))] : [];
    const undone = await rollbackIfFailed(args, result, smoke, wrote);
    if (undone)
        markdown.push(rollbackSection(ports.edge.shown(undone)));
    ports.reporter.setOutput('rolled-back', undone?.rolledBack ?? 'false');
    if (!smoke || smoke.passed)
        return { markdown, rollback: undone };
    const failed = smoke.runs.filter((run) => run.verdict !== 'passed').map(failedRun);
    return {
        markdown,
        rollback: undone,
        failure: `Smoke run(s) failed: ${failed.join(', ')}.\n${undone ? rollbackAccount(undone) : 'The deploy stays in place (rollback is false).'}`
    };
}
async function smokeRuns(args, result, wrote) {
    const { settings, target, kestra, context } = args;
    const { reporter } = args.ports;
    if (target.smokeFlows.length === 0)
        return undefined;
    if (!wrote || result.status !== 'applied') {
        reporter.info(`Smoke runs skipped: ${wrote ? 'a write of this deploy did not go through' : 'this deploy wrote no flow or file'}.`);
        return undefined;
    }
    const uiBase = await kestra.uiBase();
    return phase(reporter, 'Smoke runs', () => runSmoke(target.smokeFlows, {
        api: kestra,
        timeoutMs: settings.smokeTimeoutSeconds * 1000,
        runId: `${context.runId || 'local'}-${randomBytes(4).toString('hex')}`,
        link: (execution) => executionUrl(uiBase, execution),
        now: () => Date.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: reporter.info
    }), (done) => `Smoke runs: ${done.passed ? 'passed' : 'failed'} (${done.runs.length}) in ${(done.elapsedMs / 1000).toFixed(1)} s.`);
}
async function rollbackIfFailed(args, result, smoke, wrote) {
    const { settings, context } = args;
    const failed = smoke?.passed === false || result.status === 'failed';
    const touched = wrote ||
        result.markedNamespaces.length > 0 ||
        (result.markersUnknown ?? []).length > 0 ||
        result.resources.some((r) => r.outcomeUnknown);
    if (!settings.rollback || !failed || !touched)
        return undefined;
    const deployed = {
        commit: context.sha,
        repository: `${context.owner}/${context.repo}`,
        runId: context.runId
    };
    return rollbackPhase('Rollback', planFromDeploy(result, deployed, args.rollbackKinds), args);
}
async function rollbackPhase(title, plan, run, recorded) {
    const { kestra: api, refs, rollbackKinds: kinds, settings, ports } = run;
    const { reporter } = ports;
    const { concurrency } = settings;
    const undone = await phase(reporter, title, () => rollback(plan, { api, refs, kinds, concurrency, log: reporter.info, recorded }), rollbackLine);
    for (const warning of undone.warnings)
        reporter.warning(warning);
    return undone;
}
function failedRun(run) {
    const id = run.executionId ?? (run.verdict === 'timed-out' ? 'start not confirmed' : 'not started');
    const state = run.verdict === 'timed-out' ? 'timed out' : (run.state ?? run.message);
    return `${run.flow.namespace}.${run.flow.id} (${id}: ${state})`;
}
async function finishRollbacks(records, deps) {
    const { reporter } = deps.ports;
    const results = [];
    for (const plan of plansFromRecords(records, deps.rollbackKinds)) {
        const namespaces = plan.markers.map((m) => m.namespace).join(', ');
        reporter.warning(`A rollback of the deploy of commit ${short(plan.deployed)} is recorded as unfinished in namespace(s) ${namespaces}: finishing it before anything else.`);
        const title = `Rollback of ${short(plan.deployed)} left unfinished`;
        results.push(await rollbackPhase(title, plan, deps, true));
    }
    if (results.every((r) => r.stale)) {
        reporter.info('The server already held every version those records name: records removed, deploying.');
        return undefined;
    }
    return reportFinished(results, deps);
}
async function reportFinished(results, deps) {
    const { settings } = deps;
    const { reporter } = deps.ports;
    const rolledBack = combined(results.map((r) => r.rolledBack));
    const deployed = [...new Set(results.map((r) => short(r.deployed)))].join(', ');
    const nothing = `Nothing was deployed by this run: re-run the workflow to deploy commit ${short(deps.context.sha)}.`;
    const headline = deployTitle(rolledBack === 'true' ? 'rolled-back' : 'rollback-incomplete', `finishing the interrupted rollback of ${deployed}, nothing deployed`, settings.commentKey);
    const markdown = [
        ...results.map((r) => `An earlier run stopped while rolling back the deploy of commit \`${short(r.deployed)}\`; this run went on with it:\n\n${rollbackSection(r)}`),
        nothing
    ].join('\n\n');
    reporter.setOutput('deployed', false);
    reporter.setOutput('smoke', 'skipped');
    reporter.setOutput('rolled-back', rolledBack);
    const { orphaned, drifted } = deps.plan.counts;
    setCountOutputs(reporter, { create: 0, update: 0, delete: 0, unchanged: 0, orphaned, drifted });
    await reporter.writeSummary(`${withHeadline(deps.summary, headline)}\n\n${DEPLOYED_HEADING}\n\n${markdown}\n`);
    return {
        headline,
        markdown,
        failure: [
            `An earlier run stopped while rolling back the deploy of commit ${deployed}; this run went on with that rollback before writing anything else.`,
            ...results.map(rollbackAccount),
            nothing
        ].join('\n')
    };
}
function combined(outcomes) {
    if (outcomes.every((o) => o === 'true'))
        return 'true';
    return outcomes.every((o) => o === 'false') ? 'false' : 'partial';
}
async function finishStopped(args) {
    const early = args.checked.snapshot.rollbackRecords;
    const namespaces = [
        ...new Set([...args.checked.model.managedNamespaces, ...args.plan.namespaces])
    ].sort();
    let values;
    try {
        values =
            early && sameNamespaces(early.namespaces, namespaces)
                ? valueOfEnded(early.read)
                : await readRollbackRecords(args.kestra, namespaces);
    }
    catch (error) {
        throw new DeployError(`Nothing was deployed: ${errorMessage(error)}. Re-run once the server answers.`);
    }
    const reading = readRecords(values, args.rollbackKinds);
    if (reading.unreadable)
        throw new DeployError(reading.unreadable);
    const stopped = reading.records;
    if (stopped.size === 0)
        return undefined;
    return finishRollbacks(stopped, args);
}

async function applyMode(given) {
    const args = {
        ...given,
        refs: flowDependencies(referencesOf(given.checked)),
        rollbackKinds: given.kinds.flatMap((kind) => (kind.rollback ? [kind.rollback] : []))
    };
    const { settings, ports, plan } = args;
    const { reporter } = ports;
    let environment;
    let result;
    try {
        await checkReviewed(args);
        environment = await beginEnvironment(args);
        const finished = await finishStopped(args);
        if (finished) {
            await environment?.fail('a stopped rollback was finished instead; run the deploy again');
            await reportOnPullRequest(args, finished.headline, finished.markdown);
            return { failure: finished.failure };
        }
        result = await deploy(plan, await deployDeps(args));
    }
    catch (error) {
        await environment?.fail(errorMessage(error));
        if (error instanceof DeployError)
            await reportNotDeployed(args, error);
        throw error;
    }
    for (const warning of result.warnings)
        reporter.warning(warning);
    const after = await afterDeploy(args, result);
    const environments = (await environment?.finish(result, after.failure !== undefined)) ?? '';
    const rolledBack = after.rollback !== undefined;
    const receipt = [receiptOf(args, result, rolledBack), ...after.markdown].join('\n\n');
    setCountOutputs(reporter, countResults(result, plan));
    reporter.setOutput('deployed', result.applied > 0);
    const headline = deployHeadline(result, after, settings.commentKey);
    await reporter.writeSummary(`${withHeadline(args.summary, headline)}\n\n${DEPLOYED_HEADING}\n\n${receipt}\n${environments ? `\n${environments}\n` : ''}`);
    await reportOnPullRequest(args, headline, receipt);
    const rolled = { result, rolledBack, receipt };
    if (result.status === 'refused') {
        reporter.warning(result.refusal ?? 'Nothing was deployed: this commit is older than the one already deployed.');
        return rolled;
    }
    if (result.status === 'failed') {
        const undone = after.rollback ? `\n${rollbackAccount(after.rollback)}` : '';
        return {
            ...rolled,
            failure: failureSummary(result, rolledBack, args.context.local === true) + undone
        };
    }
    if (!after.rollback)
        reporter.info(`Deployed: ${result.applied} resource(s) written.`);
    return { ...rolled, failure: after.failure };
}
async function checkReviewed(args) {
    const { settings, target, context, ports, plan } = args;
    const log = ports.reporter.info;
    const reviewed = settings.reviewedPlan;
    if (reviewed !== undefined) {
        checkReviewedFingerprint({
            plan,
            context,
            settings: settings.recorded,
            reviewed,
            shown: settings.shownPlan,
            log
        });
    }
    if (target.requireReviewedPlan && context.eventName === 'push') {
        await checkReviewedPlan({
            plan,
            context,
            settings: settings.recorded,
            github: ports.github,
            log,
            commentKey: settings.commentKey
        });
    }
}
async function deployDeps(args) {
    const { settings, target, context, ports } = args;
    return {
        storedChecks: await checksToStoreOf(args.checked),
        contentFacts: args.checked.snapshot.state &&
            contentFactsToStore(args.plan, args.checked.snapshot.state, args.checked.model.files),
        api: args.kestra,
        findings: args.findings,
        refs: args.refs,
        settings,
        target,
        kinds: args.kinds.flatMap((kind) => (kind.apply ? [kind.apply] : [])),
        readDesiredFile: repositoryFileReader(args.checked.model),
        managedNamespaces: args.checked.model.managedNamespaces,
        commit: context.sha,
        markers: args.checked.snapshot.markers,
        repository: `${context.owner}/${context.repo}`,
        isAncestor: ancestryChecker(context.workspace, ports.github),
        log: ports.reporter.info,
        onResult: writeLog(args.plan, ports.reporter),
        beforeWrites: () => guardUnfinished(unfinishedGuard(args)),
        confirmReused: () => confirmReused(args.checked)
    };
}
function repositoryFileReader(model) {
    const entries = new Map();
    for (const entry of model.files) {
        const key = fileKey(entry.namespace, entry.path);
        if (!entries.has(key))
            entries.set(key, entry);
    }
    return async (change) => {
        const entry = entries.get(fileKey(change.namespace, change.path));
        if (!entry)
            throw new DeployError(`No repository file for ${change.namespace}:${change.path}`);
        return WALK.readFileBytes(entry);
    };
}
function flowDependencies(references) {
    return references.map((ref) => ({
        from: ref.fromFlow,
        to: ref.kind === 'flow' ? flowKey(ref.namespace, ref.id) : fileKey(ref.namespace, ref.path)
    }));
}
function unfinishedGuard(args) {
    const { settings, kestra, ports } = args;
    const flows = args.plan.resources.filter((r) => r.kind === 'flow' && (r.action === 'update' || r.action === 'delete'));
    return {
        policy: settings.runningExecutions,
        timeoutSeconds: settings.runningExecutionsTimeoutSeconds,
        flows,
        read: () => readUnfinished(kestra, flows),
        log: ports.reporter.info,
        sleep: (ms) => setTimeout$1(ms),
        now: () => ports.now().getTime()
    };
}

const DRIFT_EVENTS = ['schedule', 'workflow_dispatch'];
async function driftBranchOf(context, github) {
    if (!DRIFT_EVENTS.includes(context.eventName)) {
        throw new ConfigError('mode', `mode drift runs on schedule or workflow_dispatch, not on ${context.eventName}; start it from a scheduled workflow (docs/drift.md#when-it-runs)`);
    }
    const onBranch = context.ref?.startsWith('refs/heads/')
        ? context.ref.slice('refs/heads/'.length)
        : undefined;
    const known = context.defaultBranch ?? (await github?.defaultBranch());
    const branch = known ?? (context.eventName === 'schedule' ? onBranch : undefined);
    if (!branch) {
        throw new ConfigError('github-token', 'mode drift needs the repository’s default branch: pass a github-token that can read the repository');
    }
    if (context.ref && context.ref !== `refs/heads/${branch}`) {
        throw new ConfigError('mode', `mode drift plans the default branch (${branch}), and this run is on ${context.ref}: run the workflow on ${branch}`);
    }
    return branch;
}
async function readServerFiles(kestra, items, state) {
    const found = new Map();
    for (const item of items) {
        const { change } = item;
        if (change.kind !== 'file' || item.kind === 'deleted-in-kestra' || change.previous)
            continue;
        const kept = state.get(change.namespace)?.files.find((f) => f.path === change.path)?.bytes;
        const bytes = kept ?? (await kestra.getFile(change.namespace, change.path));
        if (bytes)
            found.set(item.name, bytes);
    }
    return found;
}
async function readCommitPaths(workspace, sha) {
    const paths = await readClosing(GitTree.open(workspace, sha, '.'), async (tree) => tree.blobs);
    return new Set(paths?.keys());
}
async function ignoredPaths(workspace, sha, root, paths) {
    const ignored = new Map();
    if (paths.length === 0)
        return ignored;
    await readClosing(GitTree.open(workspace, sha, root), async (tree) => {
        const rules = new IgnoreRules(tree);
        const under = tree.rootRel === '' ? '' : `${tree.rootRel}/`;
        for (const path of paths) {
            if (!path.startsWith(under))
                continue;
            const rule = await rules.pathExcludedBy(path.slice(under.length));
            if (rule === undefined)
                continue;
            ignored.set(path, rule === 'fixed' || rule.file === undefined
                ? 'the layout never reads that name'
                : `${rule.file} line ${rule.line} (${rule.pattern}) leaves it out of what the layout reads`);
        }
    });
    return ignored;
}

const KIND_TEXT = {
    edited: 'edited in Kestra',
    'only-in-kestra': 'only in Kestra',
    'deleted-in-kestra': 'deleted in Kestra'
};
function kestraText(target) {
    return `Kestra at ${escapeText(target.server)} (tenant ${escapeText(target.tenant)})`;
}
function headText(target) {
    return `${codeName(target.branch)} at ${codeName(target.commit.slice(0, 7))}`;
}
function codeName(text) {
    return `<code>${escapeHtml(text.replace(/\s*[\r\n]+\s*/g, ' '))}</code>`;
}
function driftLine(item) {
    const parts = [KIND_TEXT[item.kind]];
    if (item.revision !== undefined && item.kind !== 'deleted-in-kestra') {
        parts.push(`revision ${item.revision}`);
    }
    const date = item.kind === 'deleted-in-kestra' ? undefined : shownDate(item.updated);
    if (date)
        parts.push(`saved ${date}`);
    if (item.file)
        parts.push(`in ${codeName(item.file)}`);
    const note = item.note ? ` — <b>${escapeText(item.note)}</b>` : '';
    return `${item.resourceKind} ${codeName(item.name)} — ${parts.join(', ')}${note}`;
}
function driftDetails(item, reducedNote) {
    const body = reducedNote ??
        (item.diff !== undefined ? fence(item.diff, 'diff') : noDiffText(item.diffOmitted, 'No diff.'));
    return `<details><summary>${driftLine(item)}</summary>\n\n${body}\n\n</details>`;
}
const AUTHOR_NOTE = 'Kestra records when a flow revision was saved, not who saved it: look in Kestra Enterprise’s audit log for the user.';
const DRIFT_LABEL = 'kestra-gitops-drift';
function driftMarker(commentKey) {
    return commentMarker(commentKey).replace('<!-- kestra-gitops:', '<!-- kestra-gitops-drift:');
}
function driftBranch(commentKey) {
    return `kestra-gitops/drift-${commentKey}`;
}
function driftCommitTrailer(commentKey) {
    return `Kestra-GitOps-Drift: ${commentKey}`;
}
const ISSUE_BUDGET = COMMENT_LIMIT - 2_000;
function driftTitle(input) {
    const key = input.commentKey === 'default' ? '' : ` (${input.commentKey})`;
    const n = input.items.length;
    return `Kestra drift${key}: ${n} resource${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from ${input.branch}`;
}
function driftIssueBody(input) {
    const head = [driftMarker(input.commentKey), ...opening(input)].join('\n\n');
    const tail = [
        AUTHOR_NOTE,
        `Last checked ${escapeText(shownDate(input.checkedAt) ?? input.checkedAt)}.${input.runUrl ? ` ${runLine(input.runUrl)}` : ''}`
    ].join('\n\n');
    const budget = ISSUE_BUDGET - head.length - tail.length;
    return [head, driftList(input.items, budget), tail].join('\n\n');
}
function driftSummarySection(input, budget) {
    return [...opening(input), driftList(input.items, budget), AUTHOR_NOTE].join('\n\n');
}
function opening(input) {
    const key = input.commentKey === 'default' ? '' : ` · ${escapeText(input.commentKey)}`;
    const lines = [
        `### ⚠️ Kestra drift${key}: ${input.items.length} resource(s) differ from ${codeName(input.branch)}`,
        `${kestraText(input)} no longer matches ${headText(input)}: these resources were changed outside Git, and the next deploy overwrites those edits. Each diff reads from Git to what Kestra holds.`
    ];
    if (input.pullRequestUrl) {
        lines.push(`The edits are brought back in [this pull request](${linkTarget(input.pullRequestUrl)}).`);
    }
    if (input.action)
        lines.push(escapeText(input.action));
    return lines;
}
function driftList(items, budget) {
    const note = 'Diff omitted to fit: the job summary of the run holds it.';
    const pieces = items.map((item) => item.diff === undefined
        ? driftDetails(item)
        : { full: driftDetails(item), reduced: driftDetails(item, note) });
    const fitted = fitPieces(pieces, budget, utf16Length);
    if (fitted)
        return fitted.text;
    const lines = items.map((item) => `- ${driftLine(item)}`);
    const names = fitPieces(lines, budget - 200, utf16Length);
    const shown = names?.text ?? lines.slice(0, Math.max(1, Math.floor(budget / 400))).join('\n');
    return `Diffs omitted to fit: the job summary of the run holds them.\n\n${shown}`;
}
function driftGoneComment(input) {
    const how = input.reverted
        ? `Reverted: Git was deployed over the drift, and Kestra matches Git again`
        : 'No more drift: Kestra matches Git';
    const run = input.runUrl ? `\n\n${runLine(input.runUrl)}` : '';
    return `${how} (${headText(input)}).${run}`;
}
function driftPullTitle(input) {
    const key = input.commentKey === 'default' ? '' : ` (${input.commentKey})`;
    return `Bring back the edits made in Kestra${key}`;
}
function driftPullBody(input) {
    const written = new Map(input.writes.flatMap((w) => [w.name, ...(w.alsoBrings ?? [])].map((name) => [name, w])));
    const lines = input.items
        .filter((item) => written.has(item.name))
        .map((item) => {
        const write = written.get(item.name);
        const where = write.content === undefined
            ? `removes ${codeName(write.path)}`
            : `writes ${codeName(write.path)}`;
        return `- ${driftLine({ ...item, file: undefined })}: ${where}`;
    });
    const missing = input.notBroughtBack.map((n) => `- ${codeName(n.name)}${n.path ? ` (${codeName(n.path)})` : ''}: ${escapeText(n.reason)}`);
    const sections = [
        driftMarker(input.commentKey).replace('kestra-gitops-drift:', 'kestra-gitops-drift-pr:'),
        `### Edits made in Kestra, brought back to Git`,
        `${kestraText(input)} differs from ${headText(input)}. This pull request writes the server's current sources into the repository, so that the edits are reviewed like any change; merging it makes Git match Kestra. Closing it and deploying ${codeName(input.branch)} overwrites them instead.`,
        lines.join('\n'),
        ...(missing.length > 0 ? ['#### Not brought back', missing.join('\n')] : []),
        AUTHOR_NOTE
    ];
    const fitted = fitPieces(sections, COMMENT_LIMIT - 1_000, utf16Length);
    if (fitted)
        return fitted.text;
    return [
        ...sections.slice(0, 3),
        `${input.writes.length} file(s) changed: the list is too long to show here; the job summary of the run holds the drift.`
    ].join('\n\n');
}
function driftTree(input) {
    const placed = [];
    const notBroughtBack = [];
    for (const item of input.items) {
        const at = place(item, input);
        if ('reason' in at) {
            notBroughtBack.push({ name: item.name, ...at });
            continue;
        }
        const same = placed.find((write) => write.path === at.path);
        if (same?.content && at.content && Buffer.from(same.content).equals(Buffer.from(at.content))) {
            same.alsoBrings = [...(same.alsoBrings ?? []), item.name];
            continue;
        }
        if (same) {
            notBroughtBack.push({
                name: item.name,
                path: at.path,
                reason: 'another drifted resource goes to the same path'
            });
            continue;
        }
        placed.push({ ...at, name: item.name });
    }
    const spellings = spellingsOf([...input.shape.paths, ...placed.map((write) => write.path)]);
    const writes = [];
    for (const write of placed) {
        const other = write.content && caseTwin(write.path, spellings);
        if (other) {
            notBroughtBack.push({
                name: write.name,
                path: write.path,
                reason: `it differs only in case or Unicode spelling from ${other}, and both cannot live on every file system`
            });
        }
        else
            writes.push(write);
    }
    writes.sort((a, b) => compareCodeUnits(a.path, b.path));
    return { writes, notBroughtBack };
}
function withoutIgnored(tree, ignored) {
    const left = tree.writes.filter((write) => write.content && ignored.has(write.path));
    if (left.length === 0)
        return tree;
    return {
        writes: tree.writes.filter((write) => !left.includes(write)),
        notBroughtBack: [
            ...tree.notBroughtBack,
            ...left.map((write) => ({
                name: write.name,
                path: write.path,
                reason: `the layout would not read it there: ${ignored.get(write.path)}`
            }))
        ]
    };
}
function spellingsOf(paths) {
    const spellings = new Map();
    for (const path of paths) {
        for (const prefix of prefixesOf(path)) {
            const folded = foldedPath(prefix);
            const known = spellings.get(folded) ?? new Set();
            known.add(prefix);
            spellings.set(folded, known);
        }
    }
    return spellings;
}
function caseTwin(path, spellings) {
    for (const prefix of prefixesOf(path)) {
        const twin = [...(spellings.get(foldedPath(prefix)) ?? [])].find((other) => other !== prefix);
        if (twin !== undefined)
            return twin;
    }
    return undefined;
}
function prefixesOf(path) {
    const segments = path.split('/');
    return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}
function place(item, input) {
    const { change } = item;
    const { shape } = input;
    const folderLayout = shape.layout === 'tenant' || shape.layout === 'namespace';
    const ownKind = change.kind !== 'flow' && change.kind !== 'file';
    const shared = ownKind && kindOf$2(input.kinds, change).sharesFiles === true;
    if (item.kind === 'deleted-in-kestra' && !shared) {
        const path = change.file;
        if (!path)
            return { reason: 'deleted in Kestra, and no repository file holds it' };
        const unwritable = unwritablePath(path);
        if (unwritable)
            return { path, reason: unwritable };
        if (change.kind === 'flow' && !folderLayout) {
            return {
                path,
                reason: `deleted in Kestra; in the ${shape.layout} layout a file is not a flow by its folder, so the file is kept`
            };
        }
        return { path, content: undefined };
    }
    const content = serverContent(item, input);
    if ('reason' in content)
        return content;
    if (input.holdsCredential(content.bytes)) {
        return { reason: 'its content in Kestra holds a credential of this run: never written to Git' };
    }
    const held = item.kind === 'edited' || shared ? change.file : undefined;
    const path = held !== undefined
        ? { path: held }
        : (kindOf$2(input.kinds, change).newPath?.(change, shape) ?? {
            reason: `the ${change.kind} kind does not say where the repository keeps it`
        });
    if ('reason' in path)
        return path;
    const refused = unwritablePath(path.path) ?? readBackRefusal(item, path.path, content.bytes, shape);
    if (refused)
        return { path: path.path, reason: refused };
    if (held === undefined && shape.paths.has(path.path)) {
        return { path: path.path, reason: 'the path is taken by another file of the repository' };
    }
    return { path: path.path, content: content.bytes };
}
function readBackRefusal(item, path, content, shape) {
    const read = shape.readBack(path, content);
    if ('reason' in read)
        return `the layout would not read it there: ${read.reason}`;
    const { change } = item;
    const expected = change.kind === 'flow'
        ? { kind: 'flow', namespace: change.namespace, id: change.id }
        : change.kind === 'file'
            ? { kind: 'file', namespace: change.namespace, path: change.path }
            : undefined;
    const same = read.resources.length === (expected ? 1 : 0) &&
        read.resources.every((resource) => sameResource(resource, expected));
    if (same)
        return undefined;
    const names = read.resources.map(resourceName);
    return `the layout would read that file as ${names.length > 0 ? names.join(' and ') : 'nothing of Kestra'}, not as ${item.name}`;
}
function sameResource(a, b) {
    if (!b || a.kind !== b.kind || a.namespace !== b.namespace)
        return false;
    return a.kind === 'flow'
        ? b.kind === 'flow' && a.id === b.id
        : b.kind === 'file' && a.path === b.path;
}
function resourceName(resource) {
    return resource.kind === 'flow'
        ? `the flow ${resource.namespace}.${resource.id}`
        : `the namespace file ${resource.namespace}:${resource.path}`;
}
function serverContent(item, input) {
    const { change } = item;
    if (change.kind === 'file') {
        const bytes = change.previous ?? input.serverFiles.get(item.name);
        return bytes ? { bytes } : { reason: 'the server copy was not read' };
    }
    const text = kindOf$2(input.kinds, change).serverText?.(change);
    return text === undefined
        ? { reason: 'the server gave no source of it' }
        : { bytes: new TextEncoder().encode(text) };
}

function readBackOf(settings, layout, rootRel, fileFolders = []) {
    const rules = layoutRules(settings, layout, fileFolders);
    return (path, content) => {
        const under = rootRel === '' ? '' : `${rootRel}/`;
        if (!path.startsWith(under))
            return { reason: `it is outside root (${rootRel})` };
        const rel = path.slice(under.length);
        const segments = rel.split('/');
        if (segments.some((segment) => segment.startsWith('.') || segment === IGNORE_FILE)) {
            return { reason: "the layout skips names starting with '.'" };
        }
        const placement = rules.place(rel);
        const text = decodeText(content);
        const flowDocument = text !== undefined && kindOfText(normaliseText(text)) === 'flow';
        if (placement.flow && (flowDocument || !placement.flow.ifFlowDocument)) {
            const { expectedNamespace } = placement.flow;
            const flow = flowDocument ? parseFlowFile({ file: path, rel, raw: text }) : undefined;
            if (!flow?.id || !flow.namespace)
                return { reason: 'it would be read as a flow file that holds no flow' };
            const inside = expectedNamespace === undefined ||
                flow.namespace === expectedNamespace ||
                flow.namespace.startsWith(`${expectedNamespace}.`);
            if (!inside)
                return { reason: `its folder reads flows of ${expectedNamespace}` };
            return { resources: [{ kind: 'flow', namespace: flow.namespace, id: flow.id }] };
        }
        return {
            resources: placement.files.map(({ namespace, path: file }) => ({
                kind: 'file',
                namespace,
                path: file
            }))
        };
    };
}

const SUMMARY_DRIFT_BUDGET = 300_000;
const WARNING_NAMES = 10;
async function driftMode(args) {
    const { settings, ports, plan } = args;
    const { reporter } = ports;
    const items = driftedResources(plan, args.checked.snapshot.state ?? new Map(), args.kinds.map((kind) => kind.decide));
    setCountOutputs(reporter, plan.counts);
    reporter.setOutput('has-changes', items.length > 0);
    reporter.setOutput('deployed', false);
    if (items.length > 0)
        reporter.warning(driftWarning(items, args.branch));
    else
        reporter.info(`No drift: Kestra matches ${args.branch} at ${args.context.sha.slice(0, 7)}.`);
    if (settings.driftAction === 'revert' && items.length > 0) {
        if (!settings.dryRun)
            return revert(args, items);
        reporter.info('dry-run: the drift is reported, not reverted (nothing is written to Kestra).');
    }
    let pulled = {};
    let pullFailure;
    if (settings.driftAction === 'pull-request') {
        pulled = await pullRequest(args, items).catch((error) => {
            pullFailure = `The drift pull request could not be written: ${errorMessage(error)}. Re-run the workflow to finish it.`;
            return {};
        });
    }
    const reported = items.map((item) => {
        const reason = pulled.notBroughtBack?.get(item.name);
        return reason === undefined ? item : { ...item, note: `not brought back: ${reason}` };
    });
    const report = reportInput(args, reported, { pullRequestUrl: pulled.url });
    await reporter.writeSummary(`${args.summary}\n\n${driftSummarySection(report, SUMMARY_DRIFT_BUDGET)}\n`);
    await keepIssue(args, report, false);
    return { failure: pullFailure ?? driftFailure(args, items) };
}
async function revert(args, items) {
    const action = `drift-action: revert — Git (${args.branch} at ${args.context.sha.slice(0, 7)}) is deployed over the drift, under every deploy guard.`;
    const before = reportInput(args, items, { action });
    const summary = `${args.summary}\n\n${driftSummarySection(before, SUMMARY_DRIFT_BUDGET)}`;
    let applied;
    try {
        applied = await applyMode({ ...args, summary });
    }
    catch (error) {
        const remaining = remainingDrift(items, { refused: errorMessage(error) });
        await keepIssue(args, reportInput(args, remaining, { action }), false);
        throw error;
    }
    const remaining = remainingDrift(items, {
        resources: applied.result?.resources,
        rolledBack: applied.rolledBack,
        ...(applied.result?.status === 'refused' && {
            refused: applied.result.refusal ?? 'a newer commit is deployed'
        })
    });
    await keepIssue(args, reportInput(args, remaining, { action }), remaining.length === 0);
    return { failure: applied.failure ?? driftFailure(args, remaining) };
}
async function keepIssue(args, report, reverted) {
    const { ports, settings } = args;
    const github = ports.drift;
    if (!github) {
        ports.reporter.warning('No github-token: the drift issue was not written (the job summary has the drift).');
        return;
    }
    const marker = driftMarker(settings.commentKey);
    const outcome = report.items.length > 0
        ? await github.keepIssue({
            marker,
            label: DRIFT_LABEL,
            title: driftTitle(report),
            body: driftIssueBody(report)
        })
        : await github.closeIssue(marker, DRIFT_LABEL, goneComment(args, reverted));
    if (!outcome)
        return;
    if (outcome.status === 'forbidden') {
        ports.reporter.warning(`The drift issue could not be written: ${outcome.message}`);
        return;
    }
    ports.edge.learn([outcome.url]);
    ports.reporter.info(`Drift issue ${outcome.status}: ${outcome.url}`);
}
async function pullRequest(args, items) {
    const github = args.ports.drift;
    if (!github)
        return {};
    if (items.length === 0) {
        const branch = driftBranch(args.settings.commentKey);
        const closed = await github.closePullRequest(branch, goneComment(args, false), driftCommitTrailer(args.settings.commentKey));
        if (closed?.status === 'forbidden')
            args.ports.reporter.warning(closed.message);
        else if (closed?.status === 'foreign') {
            args.ports.reporter.warning(`The drift is gone, but the branch ${branch} of pull request ${closed.url} holds commits that the action did not write: the pull request is left open. Merge or close it.`);
        }
        else if (closed)
            args.ports.reporter.info(`Drift pull request closed: ${closed.url}`);
        return {};
    }
    const tree = await pullRequestTree(args, items);
    for (const missing of tree.notBroughtBack) {
        args.ports.reporter.info(`Not brought back: ${missing.name} — ${missing.reason}`);
    }
    const notBroughtBack = new Map(tree.notBroughtBack.map((n) => [n.name, n.reason]));
    const url = await writePullRequest(args, github, items, tree);
    return { ...(url !== undefined && { url }), notBroughtBack };
}
async function pullRequestTree(args, items) {
    const { ports, settings, context, checked } = args;
    const [serverFiles, committed] = await Promise.all([
        readServerFiles(args.kestra, items, checked.snapshot.state ?? new Map()),
        readCommitPaths(context.workspace, context.sha)
    ]);
    const { model } = checked;
    const placed = driftTree({
        items,
        serverFiles,
        holdsCredential: (bytes) => ports.edge.holdsCredential(bytes),
        kinds: args.kinds.map((kind) => kind.decide),
        shape: {
            layout: model.layout.layout,
            rootRel: model.rootRel,
            namespace: settings.namespace,
            mappings: [
                ...settings.namespaceFiles,
                ...(model.layout.fileFolders ?? []).map((folder) => ({ ...folder, prefix: '' }))
            ],
            flowFiles: model.flows.flatMap((f) => !f.notAFlow && f.namespace ? [{ file: f.file, namespace: f.namespace }] : []),
            paths: new Set([
                ...committed,
                ...model.flows.map((f) => f.file),
                ...model.files.map((f) => f.file)
            ]),
            readBack: readBackOf(settings, model.layout.layout, model.rootRel, model.layout.fileFolders)
        }
    });
    const written = placed.writes.flatMap((write) => (write.content ? [write.path] : []));
    const ignored = await ignoredPaths(context.workspace, context.sha, settings.root, written);
    return withoutIgnored(placed, ignored);
}
async function writePullRequest(args, github, items, tree) {
    const { ports, settings, context } = args;
    const branch = driftBranch(settings.commentKey);
    const written = await github.writeBranch({
        name: branch,
        base: context.sha,
        message: `Bring back the edits made in Kestra (${tree.writes.length} file(s))`,
        trailer: driftCommitTrailer(settings.commentKey),
        writes: tree.writes
    });
    if (written.status === 'forbidden' || written.status === 'foreign') {
        ports.reporter.warning(written.status === 'forbidden'
            ? written.message
            : `The drift branch ${branch} has commits that the action did not write: it is left as it is. Merge or close its pull request, or delete the branch, and the next run writes it again.`);
        return undefined;
    }
    if (written.status === 'empty') {
        ports.reporter.info('Nothing of the drift can be brought back to the repository: no pull request.');
        return undefined;
    }
    ports.reporter.info(`Drift branch ${branch}: ${written.status} (${written.sha.slice(0, 7)}).`);
    const pull = await github.keepPullRequest({
        head: branch,
        base: args.branch,
        title: driftPullTitle({ commentKey: settings.commentKey }),
        body: driftPullBody({
            ...reportInput(args, items, {}),
            writes: tree.writes,
            notBroughtBack: ports.edge.shown(tree.notBroughtBack)
        })
    });
    if (pull.status === 'forbidden') {
        ports.reporter.warning(pull.message);
        return undefined;
    }
    ports.edge.learn([pull.url]);
    ports.reporter.info(`Drift pull request ${pull.status}: ${pull.url}`);
    return pull.url;
}
function reportInput(args, items, extra) {
    const { settings, context, ports } = args;
    return {
        commentKey: settings.commentKey,
        ...args.kestra.target,
        branch: args.branch,
        commit: context.sha,
        items: ports.edge.shown(items.map(({ change, ...item }) => ({
            ...item,
            resourceKind: change.kind,
            ...(change.file !== undefined && { file: change.file })
        }))),
        ...extra,
        runUrl: runUrl(context),
        checkedAt: ports.now().toISOString()
    };
}
function goneComment(args, reverted) {
    const { branch, context } = args;
    return driftGoneComment({ branch, commit: context.sha, reverted, runUrl: runUrl(context) });
}
function driftWarning(items, branch) {
    const names = items.slice(0, WARNING_NAMES).map((item) => item.name);
    const more = items.length > WARNING_NAMES ? `, and ${items.length - WARNING_NAMES} more` : '';
    return `Kestra drift: ${items.length} resource(s) differ from ${branch} (changed outside Git): ${names.join(', ')}${more}.`;
}
function driftFailure(args, items) {
    if (args.settings.failOn !== 'warning' || items.length === 0)
        return undefined;
    return `Kestra drift: ${items.length} resource(s) differ from ${args.branch}, and fail-on is warning. Bring the edits back to Git or deploy Git over them (drift-action).`;
}

function suggestedChanges(input) {
    const found = [...fixSuggestions(input), ...rewriteSuggestions(input)]
        .filter((s) => onChangedLines(s, input.changed))
        .sort((a, b) => compareCodeUnits(a.file, b.file) ||
        a.startLine - b.startLine ||
        a.endLine - b.endLine ||
        compareCodeUnits(a.rule, b.rule));
    const kept = [];
    for (const suggestion of found) {
        const last = kept.at(-1);
        if (last && last.file === suggestion.file && last.endLine >= suggestion.startLine)
            continue;
        kept.push(suggestion);
    }
    const seen = new Map();
    return kept.map((s) => {
        const same = JSON.stringify([s.file, s.rule, s.original, s.lines]);
        const occurrence = seen.get(same) ?? 0;
        seen.set(same, occurrence + 1);
        return { ...s, key: sha256Hex(`${same}#${occurrence}`).slice(0, 16) };
    });
}
function onChangedLines(suggestion, changed) {
    const lines = changed.get(suggestion.file);
    return (lines !== undefined &&
        suggestion.original.every((text, i) => lines.get(suggestion.startLine + i) === text));
}
function fixSuggestions({ findings, texts }) {
    const byLine = new Map();
    for (const finding of findings) {
        const { fix } = finding;
        if (!fix || fix.text === '' || /[\r\n]/.test(fix.text + fix.with))
            continue;
        const at = `${finding.file}\0${finding.line}`;
        byLine.set(at, [...(byLine.get(at) ?? []), { ...finding, fix }]);
    }
    const out = [];
    for (const fixes of byLine.values()) {
        const { file, line } = fixes[0];
        const original = texts.get(file)?.split('\n')[line - 1];
        if (original === undefined)
            continue;
        let text = original;
        let limit = Infinity;
        const applied = [];
        const unique = [...new Map(fixes.map((f) => [f.column ?? 1, f])).values()];
        for (const finding of unique.sort((a, b) => (b.column ?? 1) - (a.column ?? 1))) {
            const start = (finding.column ?? 1) - 1;
            const end = start + finding.fix.text.length;
            if (end > limit || !original.startsWith(finding.fix.text, start))
                continue;
            text = text.slice(0, start) + finding.fix.with + text.slice(end);
            limit = start;
            applied.unshift(finding);
        }
        if (applied.length === 0 || text === original)
            continue;
        out.push({
            file,
            startLine: line,
            endLine: line,
            original: [original],
            lines: [text],
            rule: applied[0].rule,
            message: applied.map((f) => f.message).join('\n')
        });
    }
    return out;
}
function rewriteSuggestions(input) {
    const out = [];
    for (const rewrite of input.rewrites) {
        const before = asLines(rewrite.raw);
        const after = asLines(rewrite.source);
        const hunks = [];
        let [oldAt, newAt] = [0, 0];
        let open;
        for (const part of diffLines$1(`${before.join('\n')}\n`, `${after.join('\n')}\n`)) {
            const count = part.value.replace(/\n$/, '').split('\n').length;
            if (!part.added && !part.removed) {
                open = undefined;
                oldAt += count;
                newAt += count;
                continue;
            }
            if (!open)
                hunks.push((open = { old: [oldAt, oldAt], now: [newAt, newAt] }));
            if (part.added)
                open.now[1] = newAt += count;
            else
                open.old[1] = oldAt += count;
        }
        const anchored = hunks.flatMap((hunk) => {
            if (hunk.old[0] < hunk.old[1])
                return [hunk];
            if (before.length === 0)
                return [];
            return hunk.old[0] > 0
                ? [{ old: [hunk.old[0] - 1, hunk.old[1]], now: [hunk.now[0] - 1, hunk.now[1]] }]
                : [{ old: [0, 1], now: [hunk.now[0], hunk.now[1] + 1] }];
        });
        const merged = [];
        for (const hunk of anchored) {
            const last = merged.at(-1);
            if (last && hunk.old[0] < last.old[1]) {
                last.old[1] = Math.max(last.old[1], hunk.old[1]);
                last.now[1] = Math.max(last.now[1], hunk.now[1]);
            }
            else
                merged.push({ old: [...hunk.old], now: [...hunk.now] });
        }
        for (const { old, now } of merged) {
            out.push({
                file: rewrite.file,
                startLine: old[0] + 1,
                endLine: old[1],
                original: before.slice(old[0], old[1]),
                lines: after.slice(now[0], now[1]),
                rule: 'upgrade-rewrite',
                message: rewriteReason(input, rewrite.file, old[0] + 1, old[1])
            });
        }
    }
    return out;
}
function rewriteReason(input, file, from, to) {
    const reasons = input.rewriteReasons
        .filter((item) => item.file === file && item.line >= from && item.line <= to)
        .map((item) => (/[.!?]$/.test(item.message) ? item.message : `${item.message}.`));
    const target = input.upgradeTarget ? `Kestra ${input.upgradeTarget}` : 'The next Kestra release';
    return reasons.length > 0
        ? `${target} refuses this: ${[...new Set(reasons)].join(' ')} The mechanical rewrite of \`kestra-gitops upgrade-check --write\` fixes it.`
        : `Part of the mechanical rewrite for ${target} (\`kestra-gitops upgrade-check --write\`), which the release's core accepts.`;
}
function asLines(text) {
    const lines = text
        .replace(/^\uFEFF/, '')
        .replace(/\r\n?/g, '\n')
        .split('\n');
    if (lines.at(-1) === '')
        lines.pop();
    return lines;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;
async function changedLinesFromGit(workspace, [base, head], paths) {
    if (!SHA.test(base) || !SHA.test(head))
        return undefined;
    let out;
    try {
        out = await gitOrThrow(workspace, [
            '-c',
            'core.quotePath=false',
            'diff',
            '--no-color',
            '--no-ext-diff',
            '--unified=0',
            '-M',
            '--relative',
            '--src-prefix=a/',
            '--dst-prefix=b/',
            `${base}...${head}`
        ]);
    }
    catch {
        return undefined;
    }
    const changed = new Map();
    for (const section of out.split(/^diff --git /m)) {
        const target = /^\+\+\+ b\/(.*)$/m.exec(section);
        const path = target?.[1];
        if (path === undefined || !paths.has(path))
            continue;
        changed.set(path, addedLines(section.slice(target.index + target[0].length)));
    }
    return changed;
}
function changedLinesFromPatches(patches, paths) {
    return new Map([...paths].flatMap((path) => {
        const patch = patches.get(path);
        return patch === undefined ? [] : [[path, addedLines(patch)]];
    }));
}

async function suggestions(args) {
    const { context, ports, checked, upgrade } = args;
    const pr = context.pullRequest;
    if (!pr || !onPullRequest(context) || context.eventName === 'merge_group')
        return undefined;
    if (pr.action === 'closed' || !args.comment)
        return undefined;
    const { changed } = checked;
    const inChange = (file) => changed.kind !== 'list' || changed.paths.has(file);
    const fixes = checked.findings.filter((finding) => finding.fix && inChange(finding.file));
    const reasons = (upgrade?.report.items ?? []).filter((i) => i.mechanical && inChange(i.file));
    if (fixes.length === 0 && reasons.length === 0)
        return undefined;
    const rewrites = reasons.length > 0 ? upgrade.rewrites().filter((r) => inChange(r.file)) : [];
    const files = new Set([...fixes.map((f) => f.file), ...rewrites.map((r) => r.file)]);
    const lines = await changedLinesOf(context, ports, pr.number, files);
    if (!lines)
        return undefined;
    const texts = new Map(checked.model.flows.filter((f) => files.has(f.file)).map((f) => [f.file, f.source]));
    const found = suggestedChanges({
        findings: fixes,
        texts,
        rewrites,
        rewriteReasons: reasons,
        upgradeTarget: upgrade?.report.target,
        changed: lines
    });
    if (found.length === 0)
        return undefined;
    const offered = found.slice(0, MAX_SUGGESTIONS_PER_RUN);
    return {
        report: { offered: offered.length, more: found.slice(MAX_SUGGESTIONS_PER_RUN) },
        post: () => post(args, pr.number, pr.headSha, offered)
    };
}
async function changedLinesOf(context, ports, pr, files) {
    const { pullRequest } = context;
    const local = await changedLinesFromGit(context.workspace, [pullRequest.baseSha, pullRequest.headSha], files);
    if (local)
        return local;
    if (!ports.review)
        return undefined;
    try {
        return changedLinesFromPatches(await ports.review.pullRequestPatches(pr), files);
    }
    catch (error) {
        ports.reporter.warning(`The lines pull request #${pr} changed could not be read, so no fix is offered as a suggested change: ${errorMessage(error)}`);
        return undefined;
    }
}
async function post(args, pr, commit, offered) {
    const { reporter, review, edge } = args.ports;
    if (!review) {
        const where = offered.map((s) => `${s.file}:${s.startLine}`).join(', ');
        reporter.warning(`No github-token: ${offered.length} mechanical fix(es) were not offered as suggested changes: ${where}.`);
        return;
    }
    const comments = offered.map((s) => ({
        key: s.key,
        file: s.file,
        startLine: s.startLine,
        endLine: s.endLine,
        body: suggestionComment(s, edge.message(s.message))
    }));
    let outcome;
    try {
        outcome = await review.suggest(pr, commit, {
            body: suggestionsReviewBody(comments.length),
            comments
        });
    }
    catch (error) {
        reporter.warning(`The suggested changes on #${pr} were not posted: ${errorMessage(error)}`);
        return;
    }
    const where = offered.map((s) => `${s.file}:${s.startLine}`).join(', ');
    if (outcome.status === 'forbidden')
        reporter.warning(`${outcome.message} Not offered: ${where}.`);
    else if (outcome.status === 'refused') {
        reporter.warning(`GitHub refused the suggested changes on #${pr}, so none was posted (${where}): ${outcome.message}`);
    }
    else {
        const url = outcome.url ? `: ${outcome.url}` : '';
        reporter.info(`Suggested changes on #${pr}: ${outcome.posted} posted, ${outcome.already} already there${url}`);
    }
}

async function execute(settings, target, context, ports, reads) {
    const { reporter } = ports;
    const { work } = target;
    const { mode } = work;
    const kestra = work.server ? ports.kestra : undefined;
    announce(mode, kestra ? `server ${kestra.target.server}` : '', context, ports);
    let applying = false;
    try {
        const branch = work.writes === 'drift' ? await driftBranchOf(context, ports.drift) : undefined;
        const checked = await check({ settings, target, context, ports, kestra, kinds: KINDS, reads });
        ports.edge.learn(checked.model.managedNamespaces);
        const weak = ports.edge.weakCredentials();
        if (weak)
            reporter.warning(weak);
        const reporting = { settings, context, work, kestra, checked, ports, comment: target.comment };
        const { report, upgrade, suggesting } = await reportOf(reporting);
        const publish = (findings) => published(findings, checked, settings, ports);
        const { state } = checked.snapshot;
        if (!work.plan || !kestra || !state) {
            return await withoutPlan({ ...reporting, report, upgrade, suggesting });
        }
        const run = { settings, target, context, ports, kestra, checked };
        const planning = planMode({ ...run, report, kinds: KINDS, state });
        const { plan, summary, findings, ...planned } = await planning.catch((error) => {
            publish(checked.findings);
            throw error;
        });
        const validationFailure = publish(findings);
        await suggesting?.post();
        const withPlan = { ...report, findings, plan, ...planned };
        if (!work.writes) {
            await reportNoDeploy(reporter, summary, plan.counts);
            return { failure: validationFailure, report: withPlan, upgrade };
        }
        const writing = { ...run, plan, findings, summary, kinds: KINDS };
        if (work.writes === 'drift') {
            const drift = await driftMode({ ...writing, branch: branch });
            return { failure: drift.failure ?? validationFailure, report: withPlan };
        }
        applying = true;
        const applied = await applyMode(writing);
        const failure = applied.failure ?? validationFailure;
        return { failure, report: withPlan, receipt: applied.receipt, deployment: applied.result };
    }
    catch (error) {
        if (work.writes !== 'deploy' || applying || error instanceof DeployError)
            throw error;
        reporter.setOutput('deployed', false);
        throw new DeployError(`Nothing was deployed: ${errorMessage(error)}`);
    }
}
async function withoutPlan(run) {
    const { work, settings, context, ports, checked, upgrade } = run;
    const listings = listingsOf(checked);
    const named = listings
        ? reviewNames({ names: namesOf(checked), defined: checked.defined, listings, everyFlow: true }, [], ports.reporter).findings
        : [];
    const findings = [...checked.findings, ...named].sort(compareFindings);
    const report = { ...run.report, findings };
    await reportNoDeploy(ports.reporter, renderSummary(ports.edge.shown(report)));
    await run.suggesting?.post();
    const pull = await upgradeMode(work, settings, context, ports, upgrade);
    return {
        failure: published(findings, checked, settings, ports) ?? pull,
        report,
        upgrade
    };
}
function announce(mode, server, context, ports) {
    ports.reporter.setOutput('mode', mode);
    const detail = [context.local ? '' : context.eventName, server].filter(Boolean).join(', ');
    ports.reporter.info(`kestra-gitops: ${mode}${detail ? ` (${detail})` : ''}`);
}
async function reportNoDeploy(reporter, summary, counts) {
    if (counts)
        setCountOutputs(reporter, counts);
    reporter.setOutput('deployed', false);
    await reporter.writeSummary(summary);
}
function published(findings, checked, settings, ports) {
    const { reporter } = ports;
    reporter.annotate(findings.filter((finding) => !checked.findings.includes(finding)));
    const counts = findingCounts(findings);
    reporter.setOutput('errors', counts.error);
    reporter.setOutput('warnings', counts.warning);
    return failureMessage(findings, settings.failOn);
}
async function reportOf(run) {
    const { settings, context, work, kestra, checked, ports } = run;
    const flows = checked.model.flows;
    const servers = { kestra, upgradeServer: ports.upgradeServer };
    const upgrade = await upgradeReadiness(settings, work, flows, servers, fileChecksOf(checked));
    const kestraUi = kestra && checked.snapshot.state ? await kestra.uiBase() : undefined;
    const report = {
        mode: work.mode,
        server: kestra?.target.server,
        tenant: settings.tenant,
        commit: context.sha,
        findings: checked.findings,
        failOn: settings.failOn,
        layout: checked.model.layout,
        notes: [...work.notes, ...checked.notes],
        commentKey: settings.commentKey,
        settings: settings.recorded,
        repositoryUrl: context.local
            ? undefined
            : repositoryUrl(context.serverUrl, context.owner, context.repo),
        kestraUi,
        kinds: DECIDE_KINDS,
        upgrade: upgrade?.report,
        changedFiles: onPullRequest(context) && checked.changed.kind === 'list' ? checked.changed.paths : undefined
    };
    const suggesting = await suggestions({ comment: run.comment, context, ports, checked, upgrade });
    if (suggesting)
        report.suggestions = suggesting.report;
    return { report, upgrade, suggesting };
}

const PREVIEW_EVENTS = ['pull_request', 'pull_request_target', 'workflow_run'];
const LEFT_OUT = 'dashboards-prefixed';
const PREVIEW_OWN = new Set(['pebble-mapped-namespace', LEFT_OUT]);
async function executeWithEnvironments(settings, eventContext, ports) {
    confineRoot(eventContext.workspace, settings.root);
    const reads = new RunReads();
    try {
        const context = await withPullRequestOfRun(eventContext, ports);
        const pr = context.pullRequest;
        const { kestra } = ports;
        const target = () => plainTarget(settings, context, kestra !== undefined);
        if (!settings.preview || !pr || pr.number <= 0 || !PREVIEW_EVENTS.includes(context.eventName)) {
            return await execute(settings, target(), context, ports, reads);
        }
        if (pr.action === 'closed') {
            if (!kestra)
                return await execute(settings, target(), context, ports, reads);
            return await closePreview(settings, context, { ...ports, kestra });
        }
        const why = noPreviewReason(settings, context, ports) ?? (await notCurrentReason(context, ports));
        if (why) {
            ports.reporter.notice(`No preview: ${why}`);
            const noPreview = withSection(ports, noPreviewSection(why));
            return await execute(settings, target(), context, noPreview, reads);
        }
        const preview = await deployPreview(settings, context, { ...ports, kestra: kestra }, reads);
        const withPreview = withSection(ports, preview.section);
        const outcome = await execute(settings, target(), context, withPreview, reads);
        return { ...outcome, failure: outcome.failure ?? preview.failure };
    }
    finally {
        await reads.close();
    }
}
async function withPullRequestOfRun(context, ports) {
    const head = context.runHead;
    if (!head)
        return context;
    if (!ports.github) {
        ports.reporter.warning(`No github-token: the pull request of this workflow_run (head ${head.label}) could not be looked up, so the plan has no pull request to comment on.`);
        return context;
    }
    const matching = (await ports.github.openPullRequestsOf(head.label))
        .filter((pull) => pull.headSha === head.sha &&
        pull.headRepository?.full_name === head.repository)
        .sort((a, b) => a.number - b.number);
    const found = matching[0];
    if (!found) {
        ports.reporter.notice(`No open pull request has the head ${head.label} at ${head.sha.slice(0, 7)} (it moved on or closed): the plan is not commented.`);
        return context;
    }
    const sameHead = matching.slice(1).filter((pull) => pull.baseSha === found.baseSha);
    const otherBase = matching.slice(1).filter((pull) => pull.baseSha !== found.baseSha);
    if (otherBase.length > 0) {
        const named = otherBase.map((pull) => `#${pull.number}`).join(', ');
        ports.reporter.warning(`Pull request(s) ${named} also have the head ${head.label} at ${head.sha.slice(0, 7)}, but another base than #${found.number}: a workflow_run cannot tell which of them started it, so this plan (against #${found.number}'s base ${found.baseSha.slice(0, 7)}) is commented on ${[found, ...sameHead].map((pull) => `#${pull.number}`).join(', ')} only, and ${named} get no plan from this head; push a new commit to one of the branches, or open their pull requests from different branches.`);
    }
    const repository = {
        fullName: `${context.owner}/${context.repo}`,
        ...(context.repositoryId !== undefined && { id: context.repositoryId })
    };
    return {
        ...context,
        pullRequest: {
            number: found.number,
            baseSha: found.baseSha,
            headSha: head.sha,
            fork: !sameRepository(found.headRepository, found.baseRepository, repository),
            ...(sameHead.length > 0 && { sameHead: sameHead.map((pull) => pull.number) })
        }
    };
}
function noPreviewReason(settings, context, ports) {
    if (context.pullRequest?.fork) {
        return "this pull request comes from a fork: a fork's code is never deployed to your Kestra (GitHub passes it no secrets).";
    }
    if (!ports.kestra)
        return 'the server input is not set.';
    if (settings.dryRun)
        return 'dry-run is set, so nothing is written to Kestra.';
    return undefined;
}
function previewOf(context) {
    const number = context.pullRequest.number;
    return {
        prefix: previewPrefix(number),
        owner: { repository: `${context.owner}/${context.repo}`, pullRequest: number }
    };
}
async function notCurrentReason(context, ports) {
    const number = context.pullRequest.number;
    if (!ports.github) {
        return `no github-token: whether pull request #${number} is still open at ${context.sha.slice(0, 7)} cannot be read.`;
    }
    let current;
    try {
        current = await ports.github.pullRequest(number);
    }
    catch (error) {
        return `pull request #${number} could not be read, so whether it is still open at ${context.sha.slice(0, 7)} is not known (${errorMessage(error)}).`;
    }
    if (!current || current.state !== 'open') {
        return `pull request #${number} is closed: its preview is removed, never deployed again.`;
    }
    if (current.headSha !== context.sha) {
        return `pull request #${number} has moved on to ${current.headSha.slice(0, 7)}: the run of that head deploys the preview, not this run of ${context.sha.slice(0, 7)}.`;
    }
    return undefined;
}
function withSection(ports, section) {
    const { reporter, github } = ports;
    return {
        ...ports,
        reporter: {
            ...reporter,
            writeSummary: (markdown) => reporter.writeSummary(`${markdown.trimEnd()}\n\n${section}\n`)
        },
        github: github && {
            ...github,
            upsertStickyComment: (issue, marker, body, seen, sent) => github.upsertStickyComment(issue, marker, upsertPreviewSection(body, section), seen, sent)
        }
    };
}
async function deployPreview(settings, context, ports, reads) {
    const deployed = await deployPreviewOnce(settings, context, ports, reads);
    const number = context.pullRequest.number;
    let now;
    try {
        now = await ports.github?.pullRequest(number);
    }
    catch (error) {
        ports.reporter.warning(`Preview: pull request #${number} could not be read again after its preview deployed (${errorMessage(error)}); if it closed meanwhile, re-run its close to remove the preview.`);
        return deployed;
    }
    if (now?.state === 'open')
        return deployed;
    ports.reporter.warning(`Preview: pull request #${number} closed while its preview deployed; the preview is removed again.`);
    return takeDownPreview(settings, context, ports);
}
async function deployPreviewOnce(settings, context, ports, reads) {
    const preview = previewOf(context);
    const { prefix } = preview;
    const { reporter, edge } = ports;
    reporter.info(`Preview: deploying ${context.sha.slice(0, 7)} into ${prefix}.* with triggers disabled.`);
    const previewPorts = previewPortsOf(context, ports, preview);
    try {
        const uiBase = await previewPorts.kestra.uiBase();
        const link = (namespace) => ({ namespace, url: namespaceUrl(uiBase, namespace) });
        const own = await ownNamespaces(ports.kestra, preview, APPLY_KINDS, leaves(await ports.kestra.namespacesStartingWith(`${prefix}.`)));
        const kept = own.map((namespace) => namespace.slice(prefix.length + 1));
        const target = previewTarget(settings, prefix, kept);
        const outcome = await execute(settings, target, context, previewPorts, reads);
        const held = new Set((outcome.report.plan?.resources ?? [])
            .filter((r) => r.action !== 'delete' && r.action !== 'orphaned')
            .map((r) => r.namespace));
        const section = previewSection({
            commit: context.sha,
            links: [...held].sort().map(link),
            receipt: outcome.receipt ?? '',
            failure: outcome.failure && edge.message(outcome.failure),
            notes: outcome.report.findings
                .filter((f) => f.rule === LEFT_OUT)
                .map((f) => edge.message(f.message))
        });
        return { section, failure: outcome.failure && `Preview: ${outcome.failure}` };
    }
    catch (error) {
        const message = errorMessage(error);
        reporter.warning(`Preview: ${message}`);
        const failure = edge.message(message);
        const section = previewSection({ commit: context.sha, links: [], receipt: '', failure });
        return { section, failure: `Preview: ${message}` };
    }
}
function previewPortsOf(context, ports, preview) {
    const { reporter } = ports;
    const owned = ownedPreviewServer(ports.kestra, preview, APPLY_KINDS);
    const kestra = {
        ...owned,
        startExecution: async (namespace, id, inputs, options) => {
            const why = await notCurrentReason(context, ports);
            if (why)
                throw new Error(`no smoke run: ${why}`);
            return owned.startExecution(namespace, id, inputs, options);
        }
    };
    return {
        ...ports,
        kestra,
        reporter: {
            ...reporter,
            annotate: (findings) => reporter.annotate(findings.filter((f) => PREVIEW_OWN.has(f.rule))),
            setOutput: (name, value) => {
                if (name === 'smoke')
                    reporter.setOutput(name, value);
            },
            writeSummary: async () => undefined
        }
    };
}
function leaves(namespaces) {
    return namespaces.filter((n) => !namespaces.some((other) => other.startsWith(`${n}.`)));
}
async function closePreview(settings, context, ports) {
    const { reporter } = ports;
    const { prefix } = previewOf(context);
    reporter.setOutput('mode', 'deploy');
    reporter.info(`kestra-gitops: removing the preview ${prefix}.* (pull request closed)`);
    const { section, deleted, failure } = await takeDownPreview(settings, context, ports);
    if (settings.comment && ports.github) {
        try {
            const comment = await ports.github.findStickyComment(context.pullRequest.number, commentMarker(settings.commentKey));
            if (comment)
                await ports.github.updateComment(comment.id, upsertPreviewSection(comment.body, section));
        }
        catch (error) {
            reporter.warning(`The pull-request comment could not be updated: ${errorMessage(error)}`);
        }
    }
    reporter.setOutput('deleted', deleted);
    reporter.setOutput('deployed', deleted > 0);
    await reporter.writeSummary(`## Kestra preview removed\n\n${section}\n`);
    return {
        failure,
        report: {
            mode: 'deploy',
            tenant: settings.tenant,
            commit: context.sha,
            findings: [],
            kinds: []
        }
    };
}
async function takeDownPreview(settings, context, ports) {
    const { reporter, kestra, edge } = ports;
    const preview = previewOf(context);
    const { prefix } = preview;
    const deployments = ports.deployments
        ? await ports.deployments.deployments({ environment: prefix }, 100)
        : [];
    const namespaces = [
        ...new Set([
            ...(await kestra.namespacesStartingWith(`${prefix}.`)),
            ...deployments.flatMap((d) => payloadNamespaces(d.payload))
        ])
    ]
        .filter((namespace) => inPreview(prefix, namespace))
        .sort();
    reporter.group(`Removing the preview ${prefix}.*`);
    const removal = await removePreview(kestra, preview, APPLY_KINDS, namespaces, {
        concurrency: settings.concurrency,
        log: reporter.info
    });
    reporter.endGroup(`Preview removed: ${removal.deleted.length} deleted, ${removal.failed.length} failed, ${removal.leftAlone.length} not this preview's, in ${namespaces.length} namespace(s).`);
    for (const line of removal.leftAlone)
        reporter.warning(`Preview: ${line}`);
    if (ports.deployments)
        await markInactive(ports.deployments, deployments, reporter.warning);
    else if (settings.environment || settings.preview) {
        reporter.warning('No github-token: the preview deployments could not be marked inactive.');
    }
    const failure = removal.failed.length > 0
        ? `The preview was not removed completely:\n${removal.failed.map((f) => `  ${f}`).join('\n')}\nRe-run the job to finish.`
        : undefined;
    const deleted = removal.deleted.length;
    const leftAlone = removal.leftAlone.map((line) => edge.message(line));
    return { section: previewRemovedSection(namespaces, deleted, leftAlone), deleted, failure };
}
function payloadNamespaces(payload) {
    const listed = payload?.kestra?.namespaces;
    return Array.isArray(listed)
        ? listed.filter((n) => typeof n === 'string' && NAMESPACE_PATTERN.test(n))
        : [];
}
async function markInactive(github, deployments, warn) {
    for (const deployment of deployments) {
        try {
            const [latest] = await github.statuses(deployment.id);
            if (latest?.state === 'inactive')
                continue;
            await github.addStatus(deployment.id, {
                state: 'inactive',
                description: 'Preview removed: the pull request closed.'
            });
        }
        catch (error) {
            warn(`Deployment ${deployment.id} could not be marked inactive: ${errorMessage(error)}`);
        }
    }
}

function decodedTexts(bytes) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const texts = [buffer.toString('utf8')];
    for (const offset of [0, 1]) {
        const even = buffer.subarray(offset, offset + ((buffer.length - offset) & -2));
        if (even.length > 0)
            texts.push(even.toString('utf16le'), Buffer.from(even).swap16().toString('utf16le'));
    }
    return texts;
}
function utf16Patterns(texts) {
    return texts.flatMap((text) => {
        const le = Buffer.from(text, 'utf16le');
        return [le, Buffer.from(le).swap16()];
    });
}
function utf16Spans(text, patterns) {
    if (patterns.length === 0)
        return [];
    const bytes = Buffer.from(text, 'utf8');
    const found = [];
    for (const pattern of patterns) {
        for (let at = bytes.indexOf(pattern); at >= 0; at = bytes.indexOf(pattern, at + 1)) {
            found.push([at, at + pattern.length]);
        }
    }
    if (found.length === 0)
        return [];
    const unitOf = new Uint32Array(bytes.length);
    let at = 0;
    for (let i = 0; i < text.length;) {
        const code = text.codePointAt(i);
        const length = code < 0x80 ? 1 : code < 0x800 ? 2 : code > 0xffff ? 4 : 3;
        unitOf.fill(i, at, at + length);
        at += length;
        i += code > 0xffff ? 2 : 1;
    }
    const endOf = (unit) => unit + (text.codePointAt(unit) > 0xffff ? 2 : 1);
    return found.map(([start, end]) => [unitOf[start], endOf(unitOf[end - 1])]);
}
const MIN_DIGITS = 4;
function base64Inside(text) {
    const bytes = Buffer.from(text);
    const spellings = new Set();
    for (let offset = 0; offset < 3; offset++) {
        const digits = Buffer.concat([Buffer.alloc(offset), bytes, Buffer.alloc(3)]).toString('base64');
        const first = Math.ceil((8 * offset) / 6);
        const last = Math.floor((8 * (offset + bytes.length)) / 6);
        const inner = digits.slice(first, last);
        if (inner.length < MIN_DIGITS)
            continue;
        spellings.add(inner);
        spellings.add(toUrlSafe(inner));
    }
    return [...spellings];
}
function base64Whole(text) {
    const padded = Buffer.from(text).toString('base64');
    const bare = padded.replace(/=+$/, '');
    return [...new Set([padded, bare, toUrlSafe(padded), toUrlSafe(bare)])].filter((digits) => digits.length >= MIN_DIGITS);
}
function toUrlSafe(digits) {
    return digits.replace(/\+/g, '-').replace(/\//g, '_');
}

function credentialsFrom(secrets, basic) {
    const given = secrets.flatMap(([input, value]) => (value ? [{ input, value }] : []));
    return {
        secrets: given,
        ...(basic?.password && { basic: { username: basic.username ?? '', password: basic.password } })
    };
}
function maskedValues(credentials) {
    const basic = credentials.basic
        ? base64Whole(`${credentials.basic.username}:${credentials.basic.password}`)
        : [];
    const values = [...credentials.secrets.map((secret) => secret.value), ...basic];
    return [...new Set(values)].filter((value) => value.length >= 4);
}

const BACKSLASH = 0x5c;
const AMPERSAND = 0x26;
const PERCENT = 0x25;
const PLUS = 0x2b;
const INTRODUCERS = [BACKSLASH, AMPERSAND, PERCENT];
const QUOTE = 0x27;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SHORT_ESCAPES = {
    n: 10,
    r: 13,
    t: 9,
    b: 8,
    f: 12,
    v: 11,
    '0': 0,
    a: 7,
    e: 0x1b,
    N: 0x85,
    L: 0x2028,
    P: 0x2029,
    ' ': SPACE,
    '\t': TAB
};
function readCharacter(text, at, layers = 2) {
    const unit = text.charCodeAt(at);
    if (Number.isNaN(unit))
        return [];
    const code = text.codePointAt(at);
    const readings = [];
    if (unit === PLUS)
        readings.push({ code: SPACE, end: at + 1 });
    if (text.startsWith("''", at))
        readings.push({ code: QUOTE, end: at + 2 });
    const folded = foldAt(text, at);
    if (folded !== undefined)
        readings.push({ code: SPACE, end: folded });
    for (const introducer of introducersAt(text, at, unit, layers)) {
        const read = introducer.code === BACKSLASH
            ? backslashEscape(text, introducer.end, layers)
            : introducer.code === AMPERSAND
                ? characterReference(text, introducer.end)
                : percentEscape(text, introducer.end, layers);
        if (read)
            readings.push(read);
        if (introducer.code === BACKSLASH && text[introducer.end] === '_') {
            readings.push({ code: 0xa0, end: introducer.end + 1 });
        }
    }
    readings.push({ code, end: at + (code > 0xffff ? 2 : 1) });
    return readings;
}
function introducersAt(text, at, unit, layers) {
    if (!INTRODUCERS.includes(unit))
        return [];
    const found = [{ code: unit, end: at + 1 }];
    if (layers > 1) {
        for (const escaped of readCharacter(text, at, layers - 1)) {
            if (INTRODUCERS.includes(escaped.code) && escaped.end > at + 1)
                found.push(escaped);
        }
    }
    return found;
}
const FOLD = /[ \t]*(?:\r\n?|\n)[ \t]*/y;
function foldAt(text, at) {
    FOLD.lastIndex = at;
    return FOLD.test(text) ? FOLD.lastIndex : undefined;
}
function lineBreakEnd(text, at) {
    const unit = text.charCodeAt(at);
    if (unit === CR)
        return text.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
    return unit === LF ? at + 1 : undefined;
}
function backslashEscape(text, at, layers) {
    const letter = text[at];
    if (letter === undefined)
        return undefined;
    const continued = lineBreakEnd(text, at);
    if (continued !== undefined)
        return { code: LF, end: continued };
    if (letter === 'u' || letter === 'U') {
        if (text[at + 1] === '{') {
            const close = text.indexOf('}', at + 2);
            if (close < at + 3 || close > at + 8)
                return undefined;
            return codeOf(hexDigits(text, at + 2, close - at - 2), close + 1);
        }
        const long = letter === 'U' ? hexDigits(text, at + 1, 8) : undefined;
        if (long !== undefined)
            return codeOf(long, at + 9);
        const high = hexDigits(text, at + 1, 4);
        if (high === undefined)
            return undefined;
        if (high >= 0xd800 && high <= 0xdbff) {
            const low = lowSurrogateAfter(text, at + 5, layers);
            if (low)
                return { code: 0x10000 + ((high - 0xd800) << 10) + (low.code - 0xdc00), end: low.end };
        }
        return { code: high, end: at + 5 };
    }
    if (letter === 'x')
        return codeOf(hexDigits(text, at + 1, 2), at + 3);
    if (letter in SHORT_ESCAPES)
        return { code: SHORT_ESCAPES[letter], end: at + 1 };
    return /[!-/:-@[-`{-~]/.test(letter) ? { code: letter.charCodeAt(0), end: at + 1 } : undefined;
}
function lowSurrogateAfter(text, at, layers) {
    for (const introducer of introducersAt(text, at, text.charCodeAt(at), layers)) {
        if (introducer.code !== BACKSLASH || !/[uU]/.test(text[introducer.end] ?? ''))
            continue;
        const low = hexDigits(text, introducer.end + 1, 4);
        if (low !== undefined && low >= 0xdc00 && low <= 0xdfff)
            return { code: low, end: introducer.end + 5 };
    }
    return undefined;
}
const NUMERIC_REFERENCE = /#(?:[xX](0*)([0-9A-Fa-f]{0,8})|(0*)([0-9]{0,8}))/y;
const NAME = /[A-Za-z0-9]{0,32}/y;
function characterReference(text, at) {
    if (text[at] === '#') {
        NUMERIC_REFERENCE.lastIndex = at;
        const [whole, hexZeros, hex, zeros, decimal] = NUMERIC_REFERENCE.exec(text);
        const digits = hex ?? decimal;
        if ((hexZeros ?? zeros) + digits === '')
            return undefined;
        const value = digits === '' ? 0 : parseInt(digits, hex === undefined ? 10 : 16);
        const end = at + whole.length;
        return codeOf(value, text[end] === ';' ? end + 1 : end);
    }
    NAME.lastIndex = at;
    const end = at + NAME.exec(text)[0].length;
    if (text[end] === ';') {
        const named = entityCode(text.slice(at, end));
        if (named !== undefined)
            return { code: named, end: end + 1 };
    }
    for (let length = end - at; length > 0; length--) {
        const legacy = entityCode(text.slice(at, at + length));
        if (legacy !== undefined && legacy <= 0xff)
            return { code: legacy, end: at + length };
    }
    return undefined;
}
function percentEscape(text, at, layers) {
    const first = hexDigits(text, at, 2);
    if (first === undefined)
        return undefined;
    if (first < 0x80)
        return { code: first, end: at + 2 };
    const length = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0;
    if (length === 0)
        return undefined;
    const bytes = [first];
    let end = at + 2;
    while (bytes.length < length) {
        const next = introducersAt(text, end, text.charCodeAt(end), layers).find((introducer) => introducer.code === PERCENT);
        const byte = next && hexDigits(text, next.end, 2);
        if (byte === undefined || byte < 0x80 || byte > 0xbf)
            return undefined;
        bytes.push(byte);
        end = next.end + 2;
    }
    const code = Buffer.from(bytes).toString('utf8').codePointAt(0);
    return code === 0xfffd ? undefined : { code, end };
}
function entityCode(name) {
    const value = Object.hasOwn(characterEntities, name) ? characterEntities[name] : undefined;
    if (value === undefined)
        return undefined;
    const code = value.codePointAt(0);
    return value.length === (code > 0xffff ? 2 : 1) ? code : undefined;
}
function codeOf(value, end) {
    return value !== undefined && value <= 0x10ffff ? { code: value, end } : undefined;
}
function hexDigits(text, at, count) {
    const digits = text.slice(at, at + count);
    return digits.length === count && /^[0-9A-Fa-f]+$/.test(digits) ? parseInt(digits, 16) : undefined;
}
const SKIPPED = new Set([0x0a, 0x0d, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x00]);
const FOLDING = [0x20, 0x09, 0x27];
const SPECIAL_UNITS = new Set([...INTRODUCERS, PLUS, ...SKIPPED]);
const SPECIAL = new Uint8Array(0x10000);
for (const unit of [...SPECIAL_UNITS, ...FOLDING])
    SPECIAL[unit] = 1;
function needleOf(text) {
    return [...text].map((c) => c.codePointAt(0)).filter((code) => !SKIPPED.has(code));
}
function indexNeedles(needles) {
    const byFirst = new Map();
    for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
        if (needle.length === 0)
            continue;
        const list = byFirst.get(needle[0]) ?? [];
        if (!list.some((other) => other.join() === needle.join()))
            list.push(needle);
        byFirst.set(needle[0], list);
    }
    const seconds = new Map();
    for (const list of byFirst.values()) {
        for (const needle of list) {
            const units = String.fromCodePoint(...needle.slice(0, 2));
            const first = unitPattern(units.charCodeAt(0));
            const next = seconds.get(first) ?? new Set(SPECIAL_PATTERNS);
            if (units.length > 1)
                next.add(unitPattern(units.charCodeAt(1)));
            seconds.set(first, next);
        }
    }
    const introducers = byFirst.has(0x20) ? [...INTRODUCERS, PLUS, 0x0a, 0x0d, 0x09] : INTRODUCERS;
    const starts = [...seconds].map(([first, next]) => `${first}(?=[${[...next].join('')}])`);
    const candidates = new RegExp([`[${introducers.map(unitPattern).join('')}]`, ...starts].join('|'), 'g');
    const longest = Math.max(0, ...needles.map((needle) => needle.length));
    return { byFirst, candidates, longest };
}
const SPECIAL_PATTERNS = [...SPECIAL_UNITS].map(unitPattern);
function unitPattern(unit) {
    return `\\u${unit.toString(16).padStart(4, '0')}`;
}
function spellingSpans(text, index) {
    const spans = [];
    eachCandidate(text, index, 0, text.length, (at) => {
        const end = spellingAt(text, at, index);
        if (end < 0)
            return false;
        const last = spans[spans.length - 1];
        if (last && at <= last[1])
            last[1] = Math.max(last[1], end);
        else
            spans.push([at, end]);
        return false;
    });
    return spans;
}
function eachCandidate(text, index, from, to, visit) {
    const scan = index.candidates;
    for (let at = from; at < to;) {
        scan.lastIndex = at;
        const match = scan.exec(text);
        if (!match || match.index >= to)
            return false;
        if (visit(match.index))
            return true;
        at = match.index + 1;
    }
    return false;
}
function spellingAt(text, at, index) {
    const unit = text.charCodeAt(at);
    const readings = SPECIAL[unit] === 1
        ? readCharacter(text, at)
        : [{ code: text.codePointAt(at), end: at + (unit >= 0xd800 && unit <= 0xdbff ? 2 : 1) }];
    let best = -1;
    for (const reading of readings) {
        for (const needle of index.byFirst.get(reading.code) ?? []) {
            const end = rest(text, reading.end, needle, 1, {});
            if (end > best)
                best = end;
            if (end >= 0)
                break;
        }
    }
    return best;
}
function rest(text, at, needle, k, attempt) {
    if (k === needle.length)
        return at;
    const unit = text.charCodeAt(at);
    if (SPECIAL[unit] === 0) {
        if (text.codePointAt(at) !== needle[k])
            return -1;
        return rest(text, at + (unit >= 0xd800 && unit <= 0xdbff ? 2 : 1), needle, k + 1, attempt);
    }
    const key = at * (needle.length + 1) + k;
    if (attempt.failed?.has(key))
        return -1;
    for (const reading of readCharacter(text, at)) {
        if (SKIPPED.has(reading.code)) {
            for (const after of indentedEnds(text, reading)) {
                const end = rest(text, after, needle, k, attempt);
                if (end >= 0)
                    return end;
            }
        }
        else if (reading.code === needle[k]) {
            const end = rest(text, reading.end, needle, k + 1, attempt);
            if (end >= 0)
                return end;
        }
    }
    (attempt.failed ??= new Set()).add(key);
    return -1;
}
function indentedEnds(text, reading) {
    if (reading.code !== LF && reading.code !== CR)
        return [reading.end];
    const marker = text[reading.end] === '+' || text[reading.end] === '-';
    return [
        ...(marker ? indentationEnds(text, reading.end + 1) : []),
        ...indentationEnds(text, reading.end)
    ];
}
const INDENTATION = /[ \t]*/y;
function indentationEnds(text, from) {
    INDENTATION.lastIndex = from;
    const end = from + INDENTATION.exec(text)[0].length;
    return Array.from({ length: end - from + 1 }, (_, i) => end - i);
}

const LOG_LINE_BYTES = 4096;
const MESSAGE_BYTES = 2048;
const UNBOUNDED_KEYS = new Set(['diff']);
const SOURCE_KEYS = new Set(['desired', 'source']);
class OutputEdge {
    credentials;
    index;
    names = [];
    publicNames = indexNeedles([]);
    constructor(credentials, names = []) {
        this.credentials = credentials;
        this.index = credentialIndex(credentials);
        this.learn(names);
    }
    learn(names) {
        this.names.push(...names);
        this.publicNames = indexNeedles(this.names.map(needleOf).filter((name) => name.length > 0));
    }
    weakCredentials() {
        return weakCredentialWarning(this.credentials, this.names);
    }
    text(text) {
        return redact(text, this.index, this.publicNames);
    }
    holdsCredential(bytes) {
        return decodedTexts(bytes).some((text) => this.text(text) !== text);
    }
    message(text) {
        return bounded(this.text(text), MESSAGE_BYTES);
    }
    shown(data) {
        const messages = new Map();
        const message = (text) => {
            let shown = messages.get(text);
            if (shown === undefined)
                messages.set(text, (shown = this.message(text)));
            return shown;
        };
        return this.copy(data, undefined, message);
    }
    copy(value, key, message) {
        if (typeof value === 'string') {
            if (key !== undefined && SOURCE_KEYS.has(key))
                return value;
            return key !== undefined && UNBOUNDED_KEYS.has(key) ? this.text(value) : message(value);
        }
        if (Array.isArray(value)) {
            const items = value.map((item) => this.copy(item, key, message));
            return items.some((item, i) => item !== value[i]) ? items : value;
        }
        if (value === null || typeof value !== 'object')
            return value;
        const prototype = Object.getPrototypeOf(value);
        if (prototype !== Object.prototype && prototype !== null)
            return value;
        let copy;
        for (const [name, item] of Object.entries(value)) {
            const shown = this.copy(item, name, message);
            if (shown !== item)
                (copy ??= { ...value })[name] = shown;
        }
        return copy ?? value;
    }
}
function bounded(text, bytes) {
    if (text.length * 3 <= bytes)
        return text;
    const total = Buffer.byteLength(text);
    if (total <= bytes)
        return text;
    let kept = 0;
    let end = 0;
    for (const character of text) {
        const size = Buffer.byteLength(character);
        if (kept + size > bytes)
            break;
        kept += size;
        end += character.length;
    }
    return `${text.slice(0, end)} … [cut at ${bytes / 1024} KiB of ${total.toLocaleString('en-US')} bytes]`;
}
const REDACTED = '***';
const MIN_REDACTED_CHARACTERS = 4;
const WIDEST_SPELLING = 16;
function hiddenCharacters(secret) {
    return needleOf(secret).filter((code) => !/\s/u.test(String.fromCodePoint(code))).length;
}
function credentialIndex(credentials) {
    const texts = credentials.secrets
        .map((secret) => secret.value)
        .filter((secret) => hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
        .flatMap((secret) => [secret, ...base64Inside(secret), ...base64Whole(secret)]);
    const { basic } = credentials;
    if (basic)
        texts.push(...base64Whole(`${basic.username}:${basic.password}`));
    const utf16 = utf16Patterns(texts);
    return {
        needles: indexNeedles(texts.map(needleOf)),
        utf16,
        utf16WithoutNul: utf16.filter((pattern) => !pattern.includes(0))
    };
}
function redact(text, credentials, names) {
    if (credentials.needles.byFirst.size === 0)
        return text;
    const spans = [
        ...spellingSpans(text, credentials.needles).filter((span) => !insideName(text, span, names)),
        ...utf16Spans(text, text.includes('\0') ? credentials.utf16 : credentials.utf16WithoutNul)
    ];
    if (spans.length === 0)
        return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let at = 0;
    for (const [start, end] of spans) {
        if (start >= at)
            out += text.slice(at, start) + REDACTED;
        at = Math.max(at, end);
    }
    return out + text.slice(at);
}
function insideName(text, [start, end], names) {
    if (names.byFirst.size === 0)
        return false;
    const from = Math.max(0, start - names.longest * WIDEST_SPELLING);
    return eachCandidate(text, names, from, start + 1, (at) => spellingAt(text, at, names) >= end);
}
const STRONG_CREDENTIAL_CHARACTERS = 8;
function weakCredentialWarning(credentials, names) {
    const weak = credentials.secrets.filter(({ value }) => hiddenCharacters(value) < STRONG_CREDENTIAL_CHARACTERS ||
        names.some((name) => name.includes(value)));
    if (weak.length === 0)
        return undefined;
    const unredacted = weak.some(({ value }) => hiddenCharacters(value) < MIN_REDACTED_CHARACTERS);
    return [
        `Weak credential (${weak.map((secret) => secret.input).join(', ')}): shorter than ${STRONG_CREDENTIAL_CHARACTERS} characters, or part of a name this run shows as it is (the repository, a server, the tenant, a namespace, a path).`,
        'Outputs cannot hide it inside those names',
        unredacted ? `, nor anywhere when under ${MIN_REDACTED_CHARACTERS} characters` : '',
        '. The run is unaffected: replace it with a long random value.'
    ].join('');
}
const ACTION_NAME = 'kestra-gitops';
function publicNames(settings, context, kestra) {
    const repository = context.owner && context.repo ? `${context.owner}/${context.repo}` : '';
    return [
        ACTION_NAME,
        repository,
        context.owner,
        context.repo,
        context.serverUrl,
        repository && `${context.serverUrl}/${repository}`,
        context.apiUrl,
        kestra.server ?? '',
        kestra.upgradeServer ?? '',
        settings.tenant,
        settings.commentKey,
        settings.namespace ?? '',
        ...settings.extraNamespaces,
        ...settings.namespaceFiles.map((mapping) => mapping.namespace),
        context.workspace,
        context.runnerTemp,
        planFilePath(context.runnerTemp, settings.commentKey),
        sarifFilePath(context.runnerTemp, settings.commentKey),
        context.sha,
        context.pullRequest?.baseSha ?? '',
        context.push?.before ?? ''
    ].filter((name) => name !== '');
}

function redactingReporter(reporter, edge) {
    const text = (value) => edge.text(value);
    return {
        info: (message) => reporter.info(text(message)),
        warning: (message) => reporter.warning(text(message)),
        notice: (message) => reporter.notice(text(message)),
        annotate: (findings) => reporter.annotate(findings.map((f) => ({ ...f, message: edge.message(f.message) }))),
        setOutput: (name, value) => reporter.setOutput(name, typeof value === 'string' ? text(value) : value),
        writeSummary: (markdown) => reporter.writeSummary(text(markdown)),
        group: (title) => reporter.group(text(title)),
        endGroup: (summary) => reporter.endGroup(summary === undefined ? undefined : text(summary)),
        progress: (progress) => reporter.progress(text(progress))
    };
}
function redactingGitHub(github, edge) {
    const text = (value) => edge.text(value);
    const learn = (outcome) => {
        if (outcome.status !== 'forbidden')
            edge.learn([outcome.url]);
        return outcome;
    };
    return {
        listPullRequestFiles: (pr) => github.listPullRequestFiles(pr),
        compareCommits: (base, head) => github.compareCommits(base, head),
        findStickyComment: (issue, marker) => github.findStickyComment(issue, marker),
        stickyComments: (issue, marker) => github.stickyComments(issue, marker),
        commentsByThisToken: (issue, marker) => github.commentsByThisToken(issue, marker),
        upsertStickyComment: async (issue, marker, body, seen, sent) => learn(await github.upsertStickyComment(issue, marker, text(body), seen, sent)),
        updateComment: async (id, body) => learn(await github.updateComment(id, text(body))),
        findMergedPullRequest: (sha) => github.findMergedPullRequest(sha),
        pullRequest: (number) => github.pullRequest(number),
        openPullRequestsOf: (label) => github.openPullRequestsOf(label),
        getFileAtRef: (path, ref) => github.getFileAtRef(path, ref)
    };
}
function redactingDriftGitHub(github, edge) {
    const text = (value) => edge.text(value);
    return {
        defaultBranch: () => github.defaultBranch(),
        keepIssue: (issue) => github.keepIssue({ ...issue, title: text(issue.title), body: text(issue.body) }),
        closeIssue: (marker, label, comment) => github.closeIssue(marker, label, text(comment)),
        writeBranch: (branch) => github.writeBranch({ ...branch, message: text(branch.message) }),
        keepPullRequest: (pull) => github.keepPullRequest({ ...pull, title: text(pull.title), body: text(pull.body) }),
        closePullRequest: (head, comment, trailer) => github.closePullRequest(head, text(comment), trailer)
    };
}
function redactingReview(review, edge) {
    return {
        pullRequestPatches: (pr) => review.pullRequestPatches(pr),
        suggest: (pr, commit, { body, comments }) => review.suggest(pr, commit, {
            body: edge.text(body),
            comments: comments.filter((comment) => edge.text(comment.body) === comment.body)
        })
    };
}

const MAX_SARIF_RESULTS = 25_000;
const MAX_SARIF_GZIP_BYTES = 10 * 1024 * 1024;
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const TOOL_NAME = 'kestra-gitops';
const INFORMATION_URI = 'https://github.com/kestra-gitops/kestra-gitops-action';
const RULES_URI = `${INFORMATION_URI}/blob/main/docs/validation-rules.md`;
const LEVELS = { error: 'error', warning: 'warning', notice: 'note' };
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
function sarifDocument(findings, version, maxGzipBytes = MAX_SARIF_GZIP_BYTES) {
    const ordered = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b));
    let kept = Math.min(ordered.length, MAX_SARIF_RESULTS);
    for (;;) {
        const text = `${JSON.stringify(sarifLog(ordered.slice(0, kept), version), null, 2)}\n`;
        if (kept === 0 || gzipSync(text).length <= maxGzipBytes) {
            return { text, results: kept, omitted: ordered.length - kept };
        }
        kept = Math.floor(kept / 2);
    }
}
function sarifLog(findings, version) {
    const ruleIds = [...new Set(findings.map((finding) => finding.rule))].sort();
    const index = new Map(ruleIds.map((id, i) => [id, i]));
    return {
        $schema: SARIF_SCHEMA,
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: TOOL_NAME,
                        version,
                        ...(SEMVER.test(version) && { semanticVersion: version }),
                        informationUri: INFORMATION_URI,
                        rules: ruleIds.map(rule)
                    }
                },
                columnKind: 'utf16CodeUnits',
                results: findings.map((finding) => ({
                    ruleId: finding.rule,
                    ruleIndex: index.get(finding.rule),
                    level: LEVELS[finding.severity],
                    message: { text: finding.message },
                    ...(finding.file !== '' && { locations: [location(finding)] })
                }))
            }
        ]
    };
}
function rule(id) {
    return {
        id,
        name: id,
        shortDescription: { text: `Kestra GitOps rule ${id}` },
        fullDescription: {
            text: `A finding of the kestra-gitops rule ${id}: each result's message says what Kestra refuses or warns about, and how to fix it.`
        },
        help: {
            text: `The rule ${id} is described in docs/validation-rules.md of kestra-gitops-action; the result's message names the fix.`
        },
        helpUri: RULES_URI
    };
}
function location(finding) {
    const startColumn = finding.column ?? 1;
    const endLine = Math.max(finding.endLine ?? finding.line, finding.line);
    return {
        physicalLocation: {
            artifactLocation: { uri: finding.file.split('/').map(encodeURIComponent).join('/') },
            region: {
                startLine: finding.line,
                startColumn,
                endLine,
                ...(finding.endColumn !== undefined &&
                    (endLine > finding.line || finding.endColumn > startColumn) && {
                    endColumn: finding.endColumn
                })
            }
        }
    };
}

const CREDENTIAL_VARIABLES = {
    username: 'KESTRA_USERNAME',
    password: 'KESTRA_PASSWORD',
    'api-token': 'KESTRA_API_TOKEN',
    'seal-key': 'KESTRA_GITOPS_SEAL_KEY'
};
const LOCAL_VALUES = {
    'github-token': '',
    'pull-request-token': '',
    comment: 'false',
    'require-reviewed-plan': 'false',
    'allow-out-of-order': 'false',
    environment: '',
    'require-verified-in': '',
    preview: 'false',
    'smoke-flows': '',
    'smoke-timeout-seconds': '',
    rollback: 'false',
    'drift-action': ''
};
const GITHUB_ONLY = {
    environment: 'it records a GitHub deployment of the commit, which needs GitHub Actions and its token. Set environment in the workflow; a local deploy records the deployed commit in Kestra only',
    'require-verified-in': "it reads the commit's GitHub deployments, which needs GitHub Actions and its token. Set require-verified-in in the workflow that deploys",
    preview: "it deploys a pull request into pr-<number>.* from GitHub Actions. To deploy the checkout into prefixed namespaces instead, run 'kestra-gitops deploy --namespace-prefix pr-<number> --disable-triggers'",
    'github-token': 'the CLI makes no GitHub call. Credentials for Kestra come from KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN',
    'pull-request-token': 'the CLI opens no pull request. Set it in the drift workflow, where it opens the drift pull request (docs/drift.md)',
    comment: "the CLI writes no pull-request comment. 'kestra-gitops plan --format markdown' prints the comment instead",
    'require-reviewed-plan': "it compares with the plan in the merged pull request's comment on GitHub. Locally, 'kestra-gitops deploy' shows the plan and asks for 'yes' before it writes (or pass --reviewed-plan with the plan-fingerprint of 'kestra-gitops plan --verbose')",
    'drift-action': "the drift watch runs in GitHub Actions on a schedule (docs/drift.md). 'kestra-gitops plan --base <ref>' shows the server's differences"
};
const LOCAL_DEPLOY = {
    'require-reviewed-plan': (autoApprove) => autoApprove
        ? 'writes the plan it makes (--auto-approve), not one reviewed in a pull request'
        : "shows the plan and asks for 'yes', rather than read the merged pull request's",
    environment: () => 'records no GitHub deployment',
    'require-verified-in': () => "reads no commit's GitHub deployments",
    'allow-out-of-order': () => 'refuses an older commit than the deployed one',
    'smoke-flows': () => 'runs no smoke execution',
    'smoke-timeout-seconds': () => 'runs no smoke execution',
    rollback: () => 'rolls nothing back'
};
const FLAG_VARIABLES = { server: 'KESTRA_URL' };
function flagKind(name) {
    if (!isFlag(name))
        return undefined;
    const { shape } = parserOf(name);
    return shape === 'lines' ? 'list' : shape;
}
function flagInputs() {
    return inputNames().filter(isFlag);
}
function isFlag(name) {
    return (inputNames().includes(name) &&
        name !== 'mode' &&
        entryOf(CREDENTIAL_VARIABLES, name) === undefined &&
        entryOf(LOCAL_VALUES, name) === undefined);
}
const PHRASES = [
    [
        /\b(?:the )?username\/password or api-token inputs\b/g,
        'KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN'
    ],
    [/\bthe server input\b/g, '--server (or KESTRA_URL)'],
    [/\bset server, or use mode: validate\b/g, 'pass --server (or set KESTRA_URL), or run validate'],
    [/\bthe delete input is false; set delete: true\b/g, '--delete is off; pass --delete'],
    [/\bin the `?namespaces`? input\b/g, 'with --namespaces'],
    [/\bRe-run the workflow\b/g, 'Run the deploy again (kestra-gitops deploy)'],
    [/\bre-run the workflow\b/g, 'run the deploy again (kestra-gitops deploy)']
];
function cliWords(text) {
    let out = text;
    for (const [phrase, words] of PHRASES)
        out = out.replace(phrase, words);
    out = out.replace(/\b(?:the )?`?([a-z-]+)`? input\b/g, (whole, name) => flagKind(name) ? `--${name}` : whole);
    return out.replace(/\b([a-z-]+): true\b/g, (whole, name) => flagKind(name) === 'switch' ? `--${name}` : whole);
}
const WIDTH = 100;
const HELP_COLUMN = 27;
function usage() {
    return `Usage: kestra-gitops <validate|plan|deploy|upgrade-check> [options]

Runs the kestra-gitops action's engine on a local checkout: the same checks, plan and deploy
as in GitHub Actions, for previewing a plan or for other CI systems.

Commands:
  validate                 check flows and namespace files (server checks too with a server)
  plan                     validate, then show what a deploy would change; writes nothing
  deploy                   validate, plan, show the plan and ask for 'yes', then apply it to Kestra
  upgrade-check            list what Kestra 2.0 would refuse, file:line, with the fix (no server
                           needed); exit 1 when a flow would not load

Options (the action's inputs of the same name; a switch also takes --no-NAME or --NAME=false):
${flagInputs().map(inputOption).join('')}${option('--base REF', 'git ref the change starts from: files changed since it count as changed, and server copies that differ from it are drift')}${option('--full', 'same as --full-plan: parse and check every flow file again, reusing no check stored with the commit marker')}${option('--to VERSION', 'with upgrade-check: the release line to check against (default: 2.0)')}${option('--write', 'with upgrade-check: apply the mechanical rewrites in place, keeping comments, layout and every task id')}${option('--auto-approve', "with deploy: deploy without asking for 'yes' (needed where stdin is not a terminal, as in CI)")}${option('--detailed-exitcode', 'with plan: exit 0 when the plan changes nothing, 2 when it changes something, 1 on any error (a usage error included), as Terraform does')}
Output:
  --format F               text, markdown (the PR comment), json, or sarif (the findings
                           as SARIF 2.1.0, for code scanning) (default: text)
  --json                   same as --format json
  --color, --no-color      force ANSI colours on or off (default: on for a terminal
                           unless NO_COLOR is set)
  -v, --verbose            also print each step's detail (one line per resource written)
                           and the action's outputs
  -h, --help               show this text
  --version                print the version

Environment (credentials are read only from here, never from flags):
  KESTRA_URL               default for --server
  KESTRA_USERNAME          basic authentication user
  KESTRA_PASSWORD          basic authentication password
  KESTRA_API_TOKEN         bearer token (Enterprise); wins over basic authentication

Only in GitHub Actions (refused here, before anything is read): ${Object.keys(GITHUB_ONLY)
        .map((name) => `--${name}`)
        .join(', ')}.

Exit status: 0 success, 1 validation errors or a failed deploy, 2 usage error (with
--detailed-exitcode: 0 no changes, 2 changes, 1 any error).
`;
}
function inputOption(name) {
    const kind = flagKind(name);
    const flag = kind === 'switch'
        ? `--${name}`
        : `--${name} ${parserOf(name).placeholder}${kind === 'list' ? ' …' : ''}`;
    const variable = entryOf(FLAG_VARIABLES, name);
    const fallback = variable ? `$${variable}` : defaultOf(name);
    const notes = [
        kind === 'list' ? 'repeatable, one line each' : '',
        fallback === '' ? '' : `default: ${fallback}`
    ].filter(Boolean);
    const description = cliWords(ACTION_INPUTS[name].description);
    return option(flag, notes.length > 0 ? `${description} (${notes.join('; ')})` : description);
}
function option(flag, help) {
    const indent = ' '.repeat(HELP_COLUMN);
    const lines = [];
    let line = '';
    for (const word of help.split(/\s+/)) {
        if (line !== '' && HELP_COLUMN + line.length + 1 + word.length > WIDTH) {
            lines.push(line);
            line = word;
        }
        else {
            line = line === '' ? word : `${line} ${word}`;
        }
    }
    lines.push(line);
    const head = `  ${flag}`;
    const first = head.length < HELP_COLUMN - 1 ? `${head.padEnd(HELP_COLUMN)}${lines.shift()}\n` : `${head}\n`;
    return first + lines.map((text) => `${indent}${text}\n`).join('');
}
class UsageError extends Error {
    name = 'UsageError';
}
const UPGRADE_CHECK = 'upgrade-check';
const CREDENTIAL_FLAGS = [...Object.keys(CREDENTIAL_VARIABLES), 'token'];
const COMMANDS = ['validate', 'plan', 'deploy', UPGRADE_CHECK];
const FORMATS = ['text', 'markdown', 'json', 'sarif'];
const OWN_OPTIONS = {
    format: { type: 'string' },
    json: { type: 'boolean' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    base: { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    'detailed-exitcode': { type: 'boolean' },
    'auto-approve': { type: 'boolean' },
    full: { type: 'boolean' },
    'no-full': { type: 'boolean' },
    version: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    to: { type: 'string' },
    write: { type: 'boolean' }
};
function options() {
    const inputs = flagInputs().flatMap((name) => {
        const kind = flagKind(name);
        if (kind === 'switch')
            return [name, `no-${name}`].map((flag) => [flag, { type: 'boolean' }]);
        return [[name, { type: 'string', multiple: kind === 'list' }]];
    });
    return { ...OWN_OPTIONS, ...Object.fromEntries(inputs) };
}
function parseArgsTokens(argv) {
    return parseArgs$1({
        args: [...argv],
        options: options(),
        strict: false,
        allowPositionals: true,
        tokens: true
    }).tokens;
}
function wantsDetailedExitCode(argv) {
    const tokens = parseArgsTokens(argv);
    const end = tokens.findIndex((token) => token.kind === 'option-terminator');
    return (end === -1 ? tokens : tokens.slice(0, end)).some((token) => token.kind === 'option' &&
        token.name === 'detailed-exitcode' &&
        (token.value === undefined || token.value === 'true'));
}
function asksJsonOf(argv) {
    const tokens = parseArgsTokens(argv);
    const end = tokens.findIndex((token) => token.kind === 'option-terminator');
    let json = false;
    let command;
    for (const token of end === -1 ? tokens : tokens.slice(0, end)) {
        if (token.kind === 'positional')
            command ??= token.value;
        if (token.kind !== 'option')
            continue;
        if (token.name === 'json')
            json = token.value === undefined || token.value === 'true';
        if (token.name === 'format')
            json = token.value === 'json';
    }
    return json && (command === 'validate' || command === 'plan' || command === 'deploy')
        ? command
        : undefined;
}
function parseArgs(argv) {
    const args = {
        help: false,
        inputs: {},
        format: 'text',
        verbose: false,
        version: false,
        detailedExitCode: false,
        autoApprove: false
    };
    const positionals = [];
    const lists = {};
    for (const token of parseArgsTokens(argv)) {
        if (token.kind === 'positional')
            positionals.push(token.value);
        if (token.kind === 'option')
            readOption(token, args, lists);
    }
    for (const [input, values] of Object.entries(lists)) {
        args.inputs[input] = values.join('\n');
    }
    const [command, ...extra] = positionals;
    if (command !== undefined && command !== 'help') {
        if (!COMMANDS.includes(command)) {
            const closest = suggestion(command, COMMANDS, '');
            throw new UsageError(`unknown command '${command}'${closest || `; use ${COMMANDS.join(', ')}`}`);
        }
        args.command = command;
    }
    else if (command === 'help') {
        args.help = true;
    }
    if (extra.length > 0)
        throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (!args.command && !args.help && !args.version) {
        throw new UsageError('name a command: validate, plan, deploy or upgrade-check');
    }
    if (args.command !== UPGRADE_CHECK && !args.help) {
        const upgradeOnly = args.write ? '--write' : args.to !== undefined ? '--to' : undefined;
        if (upgradeOnly)
            throw new UsageError(`${upgradeOnly} goes with upgrade-check`);
    }
    if (args.detailedExitCode && args.command !== 'plan' && !args.help) {
        throw new UsageError(`--detailed-exitcode goes with plan (exit 0: no changes, 2: changes, 1: error)${args.command ? `, not ${args.command}` : ''}`);
    }
    if (args.autoApprove && args.command !== 'deploy' && !args.help) {
        throw new UsageError(`--auto-approve goes with deploy (it skips the question before the first write)${args.command ? `, not ${args.command}` : ''}`);
    }
    return args;
}
const SWITCHES = {
    help: 'help',
    verbose: 'verbose',
    version: 'version',
    write: 'write',
    'detailed-exitcode': 'detailedExitCode',
    'auto-approve': 'autoApprove'
};
function readOption({ name: typed, rawName, value }, args, lists) {
    const name = typed === 'full' || typed === 'no-full' ? `${typed}-plan` : typed;
    const given = () => {
        if (value === undefined)
            throw new UsageError(`option '${rawName}' needs a value`);
        return value;
    };
    const own = entryOf(SWITCHES, name);
    if (own !== undefined) {
        args[own] = switchValue(rawName, value);
    }
    else if (name === 'format') {
        const format = given();
        if (!FORMATS.includes(format)) {
            throw new UsageError(`--format '${format}' is not accepted; use ${FORMATS.join(', ')}`);
        }
        args.format = format;
    }
    else if (name === 'json') {
        if (switchValue(rawName, value))
            args.format = 'json';
    }
    else if (name === 'color' || name === 'no-color') {
        args.color = switchValue(rawName, value) === (name === 'color');
    }
    else if (name === 'base' || name === 'to') {
        args[name] = given();
    }
    else {
        const negated = name.startsWith('no-') && flagKind(name.slice(3)) === 'switch';
        const input = (negated ? name.slice(3) : name);
        const kind = flagKind(input);
        if (CREDENTIAL_FLAGS.includes(name)) {
            throw new UsageError('credentials are read from the environment only: set KESTRA_USERNAME and KESTRA_PASSWORD, or KESTRA_API_TOKEN');
        }
        const githubOnly = entryOf(GITHUB_ONLY, name) ?? entryOf(GITHUB_ONLY, name.replace(/^no-/, ''));
        if (githubOnly !== undefined) {
            throw new UsageError(`--${name} works only in GitHub Actions: ${githubOnly}.`);
        }
        if (kind === undefined || !rawName.startsWith('--')) {
            const names = rawName.startsWith('--') ? Object.keys(options()) : [];
            throw new UsageError(`unknown option '${rawName}'${suggestion(name, names, '--')}`);
        }
        if (kind === 'switch') {
            args.inputs[input] = String(switchValue(rawName, value) !== negated);
        }
        else if (kind === 'list') {
            (lists[input] ??= []).push(given());
        }
        else {
            args.inputs[input] = given();
        }
    }
}
function switchValue(rawName, inline) {
    if (inline === undefined || inline === 'true')
        return true;
    if (inline === 'false')
        return false;
    throw new UsageError(`option '${rawName}' takes no value, or true/false`);
}
function suggestion(typed, names, prefix) {
    const best = nearest(typed, names);
    return best === undefined ? '' : `; did you mean '${prefix}${best}'?`;
}

const CLI_VERSION = "0.1.0";

function cliSettings(args, env, cwd, { settingsFile = false, log } = {}) {
    const workspace = settingsFile ? cliWorkspace(cwd) : cwd;
    const below = relative(workspace, cwd).split(sep).join('/');
    let root = args.inputs.root?.trim();
    if (root !== undefined && isAbsolute(root))
        root = rootInside(root, workspace);
    else if (root !== undefined && below !== '')
        root = posix.join(below, root);
    if (root !== args.inputs.root)
        args = { ...args, inputs: { ...args.inputs, root } };
    try {
        const file = settingsFile
            ? localFile(readSettingsFile(workspace, cliWay), args, log)
            : undefined;
        if (file && workspace !== cwd) {
            log?.(`Settings file: ${relative(cwd, join(workspace, file.path))}, at the Git root ${workspace}: the repository is read from there` +
                (root === undefined && !file.values.has('root') ? `, with root ${below}` : ''));
        }
        const read = (name) => {
            if (name === 'mode')
                return args.command === UPGRADE_CHECK ? 'validate' : (args.command ?? '');
            if (name === 'upgrade-check' && args.command === UPGRADE_CHECK)
                return args.to ?? '2.0';
            if (name === 'root' && args.inputs.root === undefined && !file?.values.has('root'))
                return below;
            const credential = entryOf(CREDENTIAL_VARIABLES, name);
            if (credential)
                return env[credential] ?? '';
            const fixed = entryOf(LOCAL_VALUES, name);
            if (fixed !== undefined)
                return fixed;
            const variable = entryOf(FLAG_VARIABLES, name);
            return args.inputs[name] ?? (variable && env[variable]) ?? '';
        };
        return parseSettings(read, { file, log, givenIn: 'the command line' });
    }
    catch (error) {
        if (error instanceof SettingsFileError)
            throw new UsageError(settingsFileMessage(error, cwd, workspace));
        if (!(error instanceof ConfigError))
            throw error;
        const detail = error.message.replace(/^Input '[^']*': /, '');
        throw new UsageError(`${sourceOf(error.input, args)}: ${detail}`);
    }
}
function cliWorkspace(cwd) {
    const holdsFile = (dir) => SETTINGS_FILE_PATHS.some((path) => existsSync(join(dir, path)));
    if (holdsFile(cwd))
        return cwd;
    for (let dir = resolve$1(cwd);; dir = dirname(dir)) {
        if (existsSync(join(dir, '.git')))
            return holdsFile(dir) ? dir : cwd;
        if (dirname(dir) === dir)
            return cwd;
    }
}
function settingsFileMessage(error, cwd, workspace) {
    const shown = relative(cwd, join(workspace, error.file)).split(sep).join('/');
    return error.problems.map(({ line, detail }) => `${shown}:${line}: ${detail}`).join('\n');
}
function cliWay(name) {
    const variable = entryOf(CREDENTIAL_VARIABLES, name);
    if (variable)
        return `give it to the CLI in the environment variable ${variable}`;
    if (name === 'mode')
        return 'the command names it (kestra-gitops validate, plan or deploy)';
    const local = entryOf(GITHUB_ONLY, name);
    if (local)
        return `and the CLI does not take it: ${local}`;
    return `give it to the CLI as --${name}`;
}
function sourceOf(input, args) {
    const credential = entryOf(CREDENTIAL_VARIABLES, input);
    if (credential)
        return credential;
    const variable = entryOf(FLAG_VARIABLES, input);
    if (variable && args.inputs[input] === undefined)
        return variable;
    return `--${input}`;
}
function localFile(file, args, log) {
    if (!file)
        return undefined;
    const dryRun = (args.inputs['dry-run'] ?? file.values.get('dry-run')?.text.trim()) === 'true';
    const concerned = [];
    const instead = [];
    const values = [...file.values].filter(([name, { text, line }]) => {
        const fixed = entryOf(LOCAL_VALUES, name);
        if (fixed === undefined)
            return true;
        const local = entryOf(LOCAL_DEPLOY, name);
        if (args.command === 'deploy' && !dryRun && local && text.trim() !== fixed) {
            concerned.push(`${name} (line ${line})`);
            const said = local(args.autoApprove);
            if (!instead.includes(said))
                instead.push(said);
        }
        return false;
    });
    if (concerned.length > 0) {
        log?.(`notice ${file.path}: ${concerned.join(', ')} ${concerned.length > 1 ? 'apply' : 'applies'} in GitHub Actions only: this deploy ${instead.join(', ')} (docs/cli.md#settings-the-cli-does-not-use).`);
    }
    return { path: file.path, values: new Map(values) };
}
function rootInside(root, cwd) {
    const real = (path) => realOrUndefined(path) ?? resolve$1(path);
    for (const [from, to] of [
        [resolve$1(cwd), resolve$1(root)],
        [real(cwd), real(root)]
    ]) {
        if (inside(from, to))
            return relative(from, to).split(sep).join('/') || '.';
    }
    throw new UsageError(`--root: '${root}' is not inside the current folder ${cwd}; run kestra-gitops from the repository that holds it (cd there), or give --root relative to it`);
}

const CANCELLED = "Deploy cancelled: nothing was written (only 'yes' deploys).";
const NO_TERMINAL = "deploy asks for 'yes' on a terminal before it writes, and stdin is not a terminal. Pass --auto-approve to deploy without the question (as in CI), or run 'kestra-gitops plan' first to see what it would change";
function deployQuestion(plan, settings, p) {
    const deletes = plan.resources.filter((r) => r.action === 'delete');
    const named = deletes.slice(0, 10).map((r) => `${r.kind} ${inert(resourceName$1(r))}`);
    const more = deletes.length > named.length ? `, and ${deletes.length - named.length} more` : '';
    const deleting = deletes.length > 0
        ? `\n${p.red(`It deletes ${deletes.length} resource(s)`)}: ${named.join(', ')}${more}.`
        : '';
    return `\nDeploy this plan (${countsText(plan.counts)}) to ${inert(settingsTarget(settings).server ?? '')}, tenant ${inert(settings.tenant)}?${deleting}\nOnly 'yes' deploys. Enter a value: `;
}
async function ask$1(io, question) {
    io.stderr.write(question);
    const lines = createInterface({ input: io.stdin, terminal: false });
    try {
        for await (const line of lines)
            return line.trim();
        return '';
    }
    finally {
        lines.close();
    }
}

async function localRunContext(cwd, env, runnerTemp, base) {
    const head = await git(cwd, ['rev-parse', '--verify', 'HEAD^{commit}']);
    const [owner, repo] = await repositoryName(cwd, env);
    const context = {
        eventName: 'workflow_dispatch',
        workspace: cwd,
        runnerTemp,
        sha: head ?? '',
        owner,
        repo,
        serverUrl: 'https://github.com',
        apiUrl: 'https://api.github.com',
        runId: '',
        local: true
    };
    if (base === undefined)
        return context;
    if (!head)
        throw new UsageError('--base needs a git repository with at least one commit');
    if (base.startsWith('-'))
        throw new UsageError(`--base '${base}' is not a git ref`);
    const before = await git(cwd, ['rev-parse', '--verify', '--end-of-options', `${base}^{commit}`]);
    if (!before)
        throw new UsageError(`--base '${base}' names no commit of this repository`);
    return { ...context, eventName: 'push', push: { before, after: head, ref: '' } };
}
async function uncommittedPaths(cwd, root) {
    const status = await git(cwd, ['status', '--porcelain', '-z', '--', root]);
    return (status ?? '').split('\0').filter(Boolean);
}
async function repositoryName(cwd, env) {
    const fromEnv = /^([^/\s]+)\/([^/\s]+)$/.exec(env.GITHUB_REPOSITORY ?? '');
    if (fromEnv)
        return [fromEnv[1], fromEnv[2]];
    const remote = (await git(cwd, ['config', '--get', 'remote.origin.url']))?.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
    const fromRemote = /([^/:@\s]+)\/([^/:@\s]+?)(?:\.git)?\/?$/.exec(remote ?? '');
    if (fromRemote)
        return [fromRemote[1], fromRemote[2]];
    const toplevel = await git(cwd, ['rev-parse', '--show-toplevel']);
    return ['', (toplevel ?? cwd).split(/[\\/]/).pop() ?? ''];
}
async function git(cwd, args) {
    return (await git$1(cwd, args))?.trim() || undefined;
}

const MARK = {
    create: { sign: '+', colour: 'green' },
    update: { sign: '~', colour: 'yellow' },
    delete: { sign: '-', colour: 'red' },
    orphaned: { sign: '!', colour: 'dim' },
    unchanged: { sign: '=', colour: 'dim' }
};
const DEPLOY_STATUS = {
    applied: 'applied',
    'nothing-to-do': 'up to date',
    refused: 'not deployed',
    failed: 'failed'
};
function reportText(report, p, deployment, { diffs = true } = {}) {
    const target = `server ${report.server ? inert(report.server) : 'none'} · tenant ${inert(report.tenant)} · commit ${report.commit.slice(0, 7) || 'unknown'}`;
    const counts = ruleCounts(report.findings);
    const deletions = report.plan && deletionsText(report.plan);
    const lines = [
        p.bold(headline(report, deployment)),
        ...(deletions ? [`${p.red(deletions.counts)}: ${inert(deletions.names)}`] : []),
        verdict(report, p),
        ...(counts ? [p.dim(counts)] : []),
        p.dim(target)
    ];
    for (const note of report.notes ?? [])
        lines.push(p.dim(inert(note)));
    if (report.plan) {
        const invalid = invalidCounts(report.findings);
        lines.push('', ...planLines(report.plan, { kinds: report.kinds, invalid, p, diffs }));
    }
    if (deployment)
        lines.push(deployedLine(deployment, p));
    return `${lines.join('\n')}\n`;
}
function headline(report, deployment) {
    if (deployment) {
        const detail = outcomeCounts(deployment.resources).join(', ');
        return `Kestra deploy: ${DEPLOY_STATUS[deployment.status]}${detail ? `, ${detail}` : ''}`;
    }
    return report.plan ? `Kestra plan: ${countsText(report.plan.counts)}` : 'Kestra validation';
}
function deployedLine(deployment, p) {
    switch (deployment.status) {
        case 'applied':
            return p.green(`Deployed: ${deployment.applied} resource(s) written.`);
        case 'nothing-to-do':
            return p.green('Deployed: nothing to write, the server already holds this commit.');
        case 'refused':
            return p.yellow(`Not deployed: ${inert(deployment.refusal ?? 'a newer commit is deployed')}`);
        case 'failed':
            return p.red(`Deploy incomplete: ${outcomeCounts(deployment.resources).join(', ')} (${deployment.applied} resource(s) written).`);
    }
}
function verdict(report, p) {
    const tally = tallyText(report.findings);
    return validationFailed(report.findings, report.failOn)
        ? `${p.red('Validation failed')}: ${tally}`
        : `${p.green('Validation passed')}: ${tally}`;
}
function planLines(plan, options) {
    const { p, diffs } = options;
    const lines = [];
    const byNamespace = new Map();
    const headingOf = (r) => r.section ?? `Namespace ${r.namespace}`;
    for (const r of plan.resources)
        byNamespace.set(headingOf(r), byNamespace.get(headingOf(r)) ?? []);
    for (const r of plan.resources)
        byNamespace.get(headingOf(r)).push(r);
    let quiet = 0;
    for (const [heading, resources] of byNamespace) {
        const shown = resources.filter((r) => r.action !== 'unchanged');
        const unchanged = resources.length - shown.length;
        if (shown.length === 0) {
            quiet++;
            continue;
        }
        lines.push(p.bold(inert(heading)));
        for (const r of shown) {
            lines.push(`  ${resourceLine(r, options)}`);
            if (r.action !== 'orphaned')
                lines.push(...aboveLines(r, options.kinds));
            if (diffs && r.action !== 'orphaned' && r.diff !== undefined) {
                lines.push(...diffLines(r.diff, p));
            }
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
        lines.push(p.yellow('Drift: the server copy of these resources was changed outside Git since the base commit; deploying overwrites (or deletes) those edits.'), ...drifted.map((r) => {
            const ui = uiWorkText(r);
            return `  ${r.kind} ${inert(resourceName$1(r))}${ui ? `: ${ui}` : ` (${r.action})`}`;
        }), '');
    }
    lines.push(p.dim(`Plan fingerprint: ${plan.fingerprint}`));
    return lines;
}
function resourceLine(r, { kinds, invalid, p }) {
    const mark = MARK[r.action];
    const parts = [
        p[mark.colour](`${mark.sign} ${r.action} ${r.kind} ${p.bold(inert(resourceName$1(r)))}`)
    ];
    const findings = invalid(r);
    if (findings !== undefined) {
        parts.push(p.red(`invalid (${plural(findings, 'finding')})`));
    }
    if (r.additions !== undefined && r.deletions !== undefined) {
        const counts = `${p.green(`+${r.additions}`)} ${p.red(`-${r.deletions}`)}`;
        parts.push(r.diffOmitted === 'too-large' ? `${counts} (diff too large to show)` : counts);
    }
    parts.push(...kindMarks(kinds, r).map(inert));
    const ui = uiWorkText(r);
    if (r.drifted)
        parts.push(p.yellow(ui ? `drifted: ${ui}` : 'drifted'));
    if (r.remark !== undefined)
        parts.push(p.dim(inert(r.remark)));
    else if (r.action === 'orphaned' && !ui)
        parts.push(p.dim('kept: --delete is off'));
    return parts.join(' · ');
}
function aboveLines(r, kinds) {
    return kindAbove(kinds, r).flatMap((paragraph) => paragraph.split('\n').map((line) => `      ${inert(plainText(line))}`));
}
function plainText(markdown) {
    return markdown
        .replace(/<\/?code>/g, '')
        .replace(/\*\*/g, '')
        .replace(/@&#8203;/g, '@')
        .replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
        .replace(/&(amp|lt|gt|quot);/g, (_, name) => ENTITIES[name]);
}
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"' };
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

function upgradeText(upgrade, written, p) {
    if (!upgrade)
        return 'Upgrade readiness was not checked.\n';
    const { target, flows, loading, items } = upgrade.report;
    const lines = items.map((item) => {
        const fix = item.mechanical
            ? written
                ? 'rewritten in place'
                : 'mechanical: `kestra-gitops upgrade-check --write` rewrites it'
            : `manual: see ${item.guide}`;
        const level = item.mechanical && written ? p.green('fixed') : p.red('error');
        return `${item.file}:${item.line}: ${level}: ${item.message}\n  fix: ${fix}\n`;
    });
    const manual = items.filter((item) => !item.mechanical);
    const left = written ? new Set(manual.map((item) => item.file)).size : flows - loading;
    const files = upgrade.rewrites().length;
    const done = written && files > 0 ? ` ${files} file(s) rewritten.` : '';
    const verdict = left === 0
        ? `Ready for Kestra ${target}: all ${flows} flow(s) would load${written ? ' now' : ''}.${done}`
        : `Not ready for Kestra ${target}: ${left} of ${flows} flow(s) would not load${written ? ' after the rewrites' : ''} (${items.length - manual.length} mechanical, ${manual.length} manual refusal(s)).${done}`;
    return `${lines.join('')}${verdict}\n`;
}
function writeRewrites(workspace, upgrade) {
    const skipped = [];
    for (const { file, raw, source } of upgrade.rewrites()) {
        const path = resolve$1(workspace, file);
        if (!path.startsWith(resolve$1(workspace) + sep) || readFileSync(path, 'utf8') !== raw) {
            skipped.push(file);
            continue;
        }
        writeFileSync(path, source);
    }
    return skipped;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_CHANGES = 2;
async function runCli(argv, io = processIo()) {
    const credentials = credentialsFrom([
        ['KESTRA_PASSWORD', io.env.KESTRA_PASSWORD],
        ['KESTRA_API_TOKEN', io.env.KESTRA_API_TOKEN],
        ['KESTRA_GITOPS_SEAL_KEY', io.env.KESTRA_GITOPS_SEAL_KEY]
    ], { username: io.env.KESTRA_USERNAME, password: io.env.KESTRA_PASSWORD });
    let edge = new OutputEdge(credentials);
    const out = (text) => void io.stdout.write(edge.text(text));
    const err = (text) => {
        const lines = cliWords(text).split('\n');
        io.stderr.write(edge.text(lines.map((line) => bounded(line, LOG_LINE_BYTES)).join('\n')));
    };
    if (io.stderr === process.stderr) {
        process.removeAllListeners('warning');
        process.on('warning', (warning) => {
            err(`${inert(`${warning.name}: ${warning.message}`.replace(/\s*[\r\n]\s*/g, ' '))}\n`);
        });
    }
    const usageExit = wantsDetailedExitCode(argv) ? EXIT_FAILED : EXIT_USAGE;
    const asksJson = asksJsonOf(argv);
    const known = {};
    const failureJson = (failure) => {
        if (!asksJson)
            return;
        const { settings, commit } = known;
        const document = failureDocument({
            command: asksJson,
            failure: cliWords(failure),
            ...(settings && {
                server: settingsTarget(settings).server,
                tenant: settings.tenant,
                failOn: settings.failOn
            }),
            ...(commit !== undefined && { commit })
        });
        out(`${JSON.stringify(document, null, 2)}\n`);
    };
    const usageFailed = (error) => {
        failureJson(error.message);
        return usageFailure(err, error, edge, usageExit);
    };
    let args;
    try {
        args = parseArgs(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        return usageFailed(error);
    }
    if (args.help || args.version) {
        out(args.help ? usage() : `kestra-gitops ${CLI_VERSION}\n`);
        return EXIT_OK;
    }
    const p = palette(wantsColour(args.color, Boolean(io.stdout.isTTY), io.env));
    let kestra;
    let upgradeServer;
    let ended = false;
    const scratch = mkdtempSync(join(tmpdir(), 'kestra-gitops-'));
    const progress = io.stderr.isTTY
        ? new ProgressLine({ write: (text) => void io.stderr.write(text), now: Date.now })
        : undefined;
    const ticking = progress && setInterval(() => progress.tick(), 250).unref();
    const failed = (failure, documented = false) => {
        ended = true;
        if (!documented)
            failureJson(failure);
        err(`${p.red('error')} ${inert(edge.text(failure))}\n`);
        return EXIT_FAILED;
    };
    const planFailed = (planned, planSettings, failure) => {
        if (args.format !== 'json')
            return failed(failure);
        const result = { ...planned, failure };
        const document = JSON.parse(formatResult(args, planSettings, result, p));
        out(`${JSON.stringify({ ...document, command: args.command }, null, 2)}\n`);
        return failed(failure, true);
    };
    try {
        const settingsFor = (given, log) => cliSettings(given, io.env, io.cwd, { settingsFile: true, log });
        const settings = settingsFor(args, (message) => err(`${message}\n`));
        known.settings = settings;
        if (args.command !== 'validate' &&
            args.command !== UPGRADE_CHECK &&
            !settingsTarget(settings).server) {
            throw new UsageError(`${args.command} needs the Kestra server: --server URL or KESTRA_URL`);
        }
        const asks = args.command === 'deploy' && !settings.dryRun && !args.autoApprove;
        if (asks && !io.stdin?.isTTY)
            throw new UsageError(NO_TERMINAL);
        const context = await localRunContext(cliWorkspace(io.cwd), io.env, scratch, args.base);
        known.commit = context.sha;
        edge = new OutputEdge(credentials, publicNames(settings, context, settingsTarget(settings)));
        const writes = args.command === 'deploy' && !settings.dryRun;
        if (writes && !context.sha) {
            throw new UsageError('deploy records the deployed commit in Kestra: run it in a git checkout with at least one commit');
        }
        const dirty = writes ? await uncommittedPaths(context.workspace, settings.root) : [];
        if (dirty.length > 0) {
            err(`${p.yellow('warning')} ${inert(edge.text(`${dirty.length} uncommitted change(s) under ${settings.root}: the working tree is deployed, recorded as commit ${context.sha.slice(0, 12)}.`))}\n`);
        }
        let clientLog = (_message) => { };
        kestra = clientForSettings(settings, (message) => clientLog(message), 'kestra-gitops-cli');
        upgradeServer = clientForSettings(settings, () => { }, 'kestra-gitops-cli', 'upgradeServer');
        const run = (runSettings, shown) => runOnce(runSettings, {
            args,
            context,
            kestra: kestra,
            upgradeServer,
            edge,
            progress,
            shown,
            log: err,
            onReporter: (reporter) => (clientLog = (message) => {
                if (!ended)
                    reporter.info(message);
            })
        });
        let approved;
        let shown;
        if (asks) {
            const errPalette = palette(wantsColour(args.color, Boolean(io.stderr.isTTY), io.env));
            const planSettings = settingsFor({ ...args, command: 'plan' });
            const planned = await run(planSettings, { findings: err, palette: errPalette });
            err(formatResult({ ...args, format: 'text' }, planSettings, planned, errPalette));
            const plan = planned.report.plan;
            if (planned.failure !== undefined || !plan) {
                return planFailed(planned, planSettings, planned.failure ?? 'no plan was computed');
            }
            progress?.clear();
            const answer = await ask$1(io, deployQuestion(plan, settings, errPalette));
            if (answer !== 'yes') {
                if (args.format === 'json') {
                    return planFailed(planned, planSettings, CANCELLED);
                }
                err(`${p.red('Deploy cancelled')}: nothing was written (only 'yes' deploys).\n`);
                return EXIT_FAILED;
            }
            approved = plan.fingerprint;
            shown = planRecord(plan, context.sha, planSettings.recorded);
        }
        const deploySettings = approved === undefined
            ? settings
            : {
                ...settingsFor({ ...args, inputs: { 'reviewed-plan': approved, ...args.inputs } }),
                shownPlan: shown
            };
        const result = await run(deploySettings, {
            findings: approved !== undefined
                ? () => { }
                :
                    args.format === 'text' && args.command !== UPGRADE_CHECK
                        ? (text) => out(cliWords(text))
                        : err,
            palette: p
        });
        progress?.clear();
        ended = true;
        if (args.command === UPGRADE_CHECK) {
            return upgradeCheckResult(args, context.workspace, result.upgrade, { out, err }, p);
        }
        out(formatResult(args, deploySettings, result, p, approved !== undefined));
        if (result.failure !== undefined)
            return failed(result.failure, args.format === 'json');
        return args.detailedExitCode && result.outputs['has-changes'] === 'true'
            ? EXIT_CHANGES
            : EXIT_OK;
    }
    catch (error) {
        ended = true;
        if (error instanceof UsageError)
            return usageFailed(error);
        return failed(errorMessage(error));
    }
    finally {
        clearInterval(ticking);
        progress?.clear();
        await kestra?.close();
        await upgradeServer?.close();
        rmSync(scratch, { recursive: true, force: true });
    }
}
async function runOnce(settings, run) {
    const { args, edge } = run;
    const terminal = terminalReporter({
        log: run.log,
        findings: (text) => run.shown.findings(cliWords(text)),
        palette: run.shown.palette,
        verbose: args.verbose,
        progress: run.progress
    });
    const reporter = redactingReporter(withoutSummaries(terminal, args.format === 'text' ? [LOADING, VALIDATION] : [VALIDATION]), edge);
    run.onReporter(reporter);
    const outcome = await executeWithEnvironments(settings, run.context, {
        reporter,
        kestra: run.kestra,
        upgradeServer: run.upgradeServer,
        edge,
        now: () => new Date()
    });
    const { 'plan-file': _planFile, ...outputs } = terminal.outputs();
    return {
        report: edge.shown(outcome.report),
        deployment: edge.shown(outcome.deployment),
        receipt: outcome.receipt && edge.text(outcome.receipt),
        outputs,
        failure: outcome.failure && edge.text(cliFailure(outcome)),
        upgrade: outcome.upgrade
    };
}
function formatResult(args, settings, { report, deployment, receipt, outputs, failure }, p, approved = false) {
    if (args.format === 'markdown') {
        const comment = renderComment({ ...report, commentKey: settings.commentKey });
        if (!deployment || receipt === undefined)
            return `${comment}\n`;
        const detail = outcomeCounts(deployment.resources).join(', ');
        const headline = deployTitle(deployment.status, detail, settings.commentKey);
        return `${upsertDeployedSection(comment, receipt, headline)}\n`;
    }
    if (args.format === 'sarif')
        return sarifDocument(report.findings, CLI_VERSION).text;
    if (args.format === 'json') {
        const document = planDocument(report, { outputs, failure, deployment });
        return `${JSON.stringify(document, null, 2)}\n`;
    }
    const text = reportText(report, p, deployment, { diffs: !approved });
    return args.verbose ? `${text}\n${outputLines(outputs, p)}` : text;
}
function upgradeCheckResult(args, workspace, upgrade, { out, err }, p) {
    const skipped = args.write && upgrade ? writeRewrites(workspace, upgrade) : [];
    for (const file of skipped) {
        err(`${p.red('error')} ${inert(file)} changed while it was checked: not rewritten; run again\n`);
    }
    out(upgradeText(upgrade, Boolean(args.write) && skipped.length === 0, p));
    if (!upgrade)
        return EXIT_FAILED;
    const manual = upgrade.report.items.some((item) => !item.mechanical);
    const refused = upgrade.report.items.length > 0;
    return (args.write ? manual || skipped.length > 0 : refused) ? EXIT_FAILED : EXIT_OK;
}
function cliFailure(outcome) {
    const { findings, failOn = 'error' } = outcome.report;
    if (outcome.failure !== failureMessage(findings, failOn))
        return outcome.failure ?? '';
    return findingCounts(findings).error > 0
        ? `Validation found ${tallyText(findings)}: fix the errors and run again.`
        : `Validation found ${tallyText(findings)} and --fail-on is warning.`;
}
function withoutSummaries(reporter, titles) {
    let current = '';
    return {
        ...reporter,
        group(title) {
            current = title;
            reporter.group(title);
        },
        endGroup(summary) {
            reporter.endGroup(titles.includes(current) ? undefined : summary);
        }
    };
}
function usageFailure(err, error, edge, exitCode) {
    err(`kestra-gitops: ${inert(edge.text(error.message))}\nRun 'kestra-gitops --help' for usage.\n`);
    return exitCode;
}
function processIo() {
    process.stdout.on('error', (error) => {
        if (error.code !== 'EPIPE')
            throw error;
    });
    return {
        env: process.env,
        cwd: process.cwd(),
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin
    };
}

function readRunContext(env = process.env) {
    const eventName = env.GITHUB_EVENT_NAME ?? 'workflow_dispatch';
    const payload = readPayload(env.GITHUB_EVENT_PATH);
    const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const repository = thisRepository(env, payload);
    const pr = payload.pull_request;
    let pullRequest;
    let sha = env.GITHUB_SHA ?? '';
    if (pr) {
        pullRequest = {
            number: pr.number ?? payload.number ?? NaN,
            baseSha: pr.base?.sha ?? '',
            headSha: pr.head?.sha ?? sha,
            changedFiles: pr.changed_files,
            action: payload.action,
            fork: !sameRepository(pr.head?.repo, pr.base?.repo, repository)
        };
        if (pullRequest.headSha)
            sha = pullRequest.headSha;
    }
    const group = payload.merge_group;
    if (eventName === 'merge_group' && group?.head_sha) {
        sha = group.head_sha;
        pullRequest = { number: 0, baseSha: group.base_sha ?? '', headSha: group.head_sha, fork: false };
    }
    const run = eventName === 'workflow_run' ? pullRequestRun(payload, repository) : undefined;
    if (run) {
        sha = run.headSha;
        pullRequest = run.pullRequest;
    }
    let push;
    if (eventName === 'push') {
        push = {
            before: payload.before ?? '',
            after: payload.after ?? sha,
            ref: payload.ref ?? env.GITHUB_REF ?? ''
        };
        if (push.after)
            sha = push.after;
    }
    return {
        eventName,
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        runnerTemp: env.RUNNER_TEMP || tmpdir(),
        sha,
        owner,
        repo,
        ...(repository.id !== undefined && { repositoryId: repository.id }),
        serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
        apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
        runId: env.GITHUB_RUN_ID ?? '',
        pullRequest,
        ...(run?.head && { runHead: run.head }),
        push,
        ref: env.GITHUB_REF || undefined,
        defaultBranch: payload.repository?.default_branch
    };
}
const optional = (schema) => schema.optional().catch(undefined);
const sha = optional(string().min(1));
const text = optional(string());
const anything = unknown().optional();
const side$1 = optional(looseObject({ sha, repo: anything }));
const eventPayload = looseObject({
    action: text,
    number: optional(number()),
    pull_request: optional(looseObject({
        number: optional(number()),
        head: side$1,
        base: side$1,
        changed_files: optional(number())
    })),
    merge_group: optional(looseObject({ head_sha: sha, base_sha: text })),
    workflow_run: optional(looseObject({
        head_sha: sha,
        event: anything,
        head_branch: sha,
        head_repository: anything,
        repository: anything,
        pull_requests: array(optional(looseObject({ number: optional(int()), head: side$1, base: side$1 })))
            .catch([])
    })),
    before: text,
    after: text,
    ref: text,
    repository: optional(looseObject({
        id: optional(int().positive()),
        full_name: anything,
        default_branch: text
    }))
});
const headRepository = object({
    full_name: string().min(1),
    owner: object({ login: string().min(1) })
});
function thisRepository(env, payload) {
    const fullName = env.GITHUB_REPOSITORY ?? '';
    const id = payload.repository?.id;
    const known = payload.repository?.full_name === fullName &&
        id !== undefined &&
        (env.GITHUB_REPOSITORY_ID === undefined || env.GITHUB_REPOSITORY_ID === String(id));
    return known ? { fullName, id } : { fullName };
}
function pullRequestRun(payload, repository) {
    const run = payload.workflow_run;
    const headSha = run?.head_sha;
    if (!run || !headSha || !PULL_REQUEST_WORKFLOWS.includes(String(run.event)))
        return undefined;
    const fromThisRepository = sameRepository(run.head_repository, run.repository, repository);
    const entry = run.pull_requests.find((candidate) => candidate?.head?.sha === headSha &&
        repository.id !== undefined &&
        baseRepositoryId.safeParse(candidate.base?.repo).data?.id === repository.id &&
        candidate.number !== undefined);
    if (entry) {
        return {
            headSha,
            pullRequest: {
                number: entry.number,
                baseSha: entry.base?.sha ?? '',
                headSha,
                fork: !(fromThisRepository && sameRepository(entry.head?.repo, entry.base?.repo, repository))
            }
        };
    }
    const head = headRepository.safeParse(run.head_repository).data;
    return {
        headSha,
        head: head && run.head_branch
            ? {
                label: `${head.owner.login}:${run.head_branch}`,
                repository: head.full_name,
                sha: headSha
            }
            : undefined
    };
}
const baseRepositoryId = looseObject({ id: anything });
const PULL_REQUEST_WORKFLOWS = ['pull_request', 'pull_request_target'];
function readPayload(path) {
    const fail = (why) => new ActionError(`The event payload (GITHUB_EVENT_PATH${path ? `=${path}` : ''}) ${why}. The runner writes this file for every job: check that no earlier step removed or rewrote it, or point GITHUB_EVENT_PATH at the event's JSON when running the action elsewhere.`);
    if (!path)
        throw fail('is not set');
    let payload;
    try {
        payload = JSON.parse(readFileSync(path, 'utf8'));
    }
    catch (error) {
        const code = error.code;
        if (error instanceof SyntaxError)
            throw fail(`is not valid JSON (${errorMessage(error)})`);
        throw fail(code === 'ENOENT' ? 'does not exist' : `cannot be read (${errorMessage(error)})`);
    }
    const read = eventPayload.safeParse(payload);
    if (!read.success)
        throw fail('is not a JSON object');
    return read.data;
}

class GitHubApiError extends ActionError {
    name = 'GitHubApiError';
}
function httpStatus(error) {
    const status = error?.status;
    return typeof status === 'number' ? status : undefined;
}
function isPermissionError(error) {
    const status = httpStatus(error);
    return (status === 404 ||
        (status === 403 && !/rate limit/i.test(errorMessage(error))) ||
        /Resource not accessible by integration/i.test(errorMessage(error)));
}
function readAnswer(request, schema, data) {
    const read = schema.safeParse(data);
    if (read.success)
        return read.data;
    throw new ActionError(`GitHub's answer to ${request} lacks ${fieldOf(read.error) || 'what it documents'}`);
}
function apiError(operation, error) {
    const status = httpStatus(error);
    const http = status ? ` (HTTP ${status})` : '';
    return new GitHubApiError(`GitHub API: ${operation} failed${http}: ${errorMessage(error)}`);
}

const MAX_RATE_LIMIT_RETRIES = 2;
async function createOctokit(token, options = {}) {
    const { getOctokit } = await import('./github.js');
    const log = options.log ?? (() => { });
    const onLimit = (kind) => (retryAfter, request, _octokit, retryCount) => {
        const again = retryCount < MAX_RATE_LIMIT_RETRIES;
        log(`GitHub ${kind} rate limit on ${request.method} ${request.url}` +
            (again ? `; retrying in ${retryAfter} s` : '; giving up'));
        return again;
    };
    return getOctokit(token, {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        log: { debug: () => { }, info: () => { }, warn: log, error: log },
        retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
        throttle: options.throttle === false
            ? { enabled: false }
            : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') }
    }, toldWhenSent, retry, throttling);
}
function toldWhenSent(octokit) {
    octokit.hook.before('request', (options) => options.request?.sent?.());
}
function repoOf({ owner, repo }) {
    return { owner, repo };
}
async function ask(client, route, schema, params = {}, doing) {
    let answer;
    try {
        answer = await client.octokit.request(route, { ...repoOf(client), ...params });
    }
    catch (error) {
        throw doing === undefined ? error : apiError(doing, error);
    }
    return readAnswer(route, schema, answer.data);
}
const PER_PAGE = 100;
async function pages(client, route, item, params, enough) {
    const found = [];
    for (let page = 1;; page++) {
        const read = await ask(client, route, array(item), { ...params, per_page: PER_PAGE, page });
        found.push(...read);
        if (read.length < PER_PAGE || enough(found, page))
            return found;
    }
}

const COMMENT_PERMISSION_HELP = 'The token cannot write PR comments. Grant `permissions: pull-requests: write` to the job; ' +
    "fork PRs get a read-only token — see README 'Fork pull requests'.";
const author = object({ login: string(), type: string() }).nullable();
const comment = object({
    id: int(),
    body: string().nullish(),
    html_url: string(),
    user: author
});
function stickyComments(client) {
    const { octokit } = client;
    const repo = repoOf(client);
    let learned;
    const all = async (issue, marker) => {
        try {
            return (await matching(issue, marker)).map(toSticky);
        }
        catch (error) {
            throw apiError(`reading the comments of #${issue}`, error);
        }
    };
    const guard = async (operation, action) => {
        try {
            return await action();
        }
        catch (error) {
            if (isPermissionError(error))
                return { status: 'forbidden', message: COMMENT_PERMISSION_HELP };
            throw apiError(operation, error);
        }
    };
    const rewrite = async (comment, text) => comment.body === text ? outcome('unchanged', comment) : patch(comment.id, text);
    const patch = async (id, text, sent) => {
        const updated = await send(text, 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', (body) => octokit.rest.issues.updateComment({
            ...repo,
            comment_id: id,
            body,
            ...(sent && { request: { sent } })
        }));
        return outcome('updated', updated);
    };
    const send = async (body, request, call) => {
        let answer;
        try {
            answer = await call(body);
        }
        catch (error) {
            if (!isBodyTooLong(error))
                throw error;
            answer = await call(truncateCommentBody(body));
        }
        return readAnswer(request, comment, answer.data);
    };
    const deleteAll = async (comments) => {
        for (const comment of comments) {
            try {
                await octokit.rest.issues.deleteComment({ ...repo, comment_id: comment.id });
            }
            catch (error) {
                if (httpStatus(error) !== 404)
                    throw error;
            }
        }
    };
    const matching = async (issue, marker, sent) => {
        const list = octokit.rest.issues.listComments;
        const route = Object.assign((page) => list({ ...page, ...(sent && { request: { sent } }) }), { endpoint: list.endpoint });
        const found = await marked(issue, marker, route);
        const who = found.length > 0 ? (learned ?? (await tokenIdentity(client))) : undefined;
        return found.filter((comment) => comment.user?.login === who).sort((a, b) => a.id - b.id);
    };
    const marked = async (issue, marker, route = octokit.rest.issues.listComments) => {
        const comments = readAnswer('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', array(comment), await octokit.paginate(route, { ...repo, issue_number: issue, per_page: 100 }));
        return comments.filter((comment) => firstLine$1(comment.body).startsWith(marker));
    };
    return {
        findStickyComment: async (issue, marker) => (await all(issue, marker))[0],
        stickyComments: all,
        async commentsByThisToken(issue, marker) {
            try {
                const who = await tokenIdentity(client);
                const found = await marked(issue, marker);
                const own = found.filter((comment) => who !== undefined && comment.user?.login === who);
                return {
                    identity: who,
                    comments: own.sort((a, b) => a.id - b.id).map(toSticky),
                    others: found
                        .filter((comment) => !own.includes(comment))
                        .map((comment) => ({
                        author: comment.user?.login ?? '(deleted user)',
                        url: comment.html_url
                    }))
                };
            }
            catch (error) {
                throw apiError(`reading the comments of #${issue}`, error);
            }
        },
        upsertStickyComment(issue, marker, body, seen = [], sent) {
            const text = firstLine$1(body).startsWith(marker) ? body : `${marker}\n${body}`;
            return guard(`writing the comment on #${issue}`, async () => {
                const [oldest, ...others] = seen;
                if (oldest && oldest.body !== text) {
                    const rewritten = await patch(oldest.id, text, sent).catch((error) => {
                        if (httpStatus(error) === 404)
                            return undefined;
                        throw error;
                    });
                    if (rewritten) {
                        await deleteAll(others);
                        return rewritten;
                    }
                }
                const existing = await matching(issue, marker, sent);
                if (existing.length > 0) {
                    await deleteAll(existing.slice(1));
                    return rewrite(existing[0], text);
                }
                const created = await send(text, 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', (body) => octokit.rest.issues.createComment({ ...repo, issue_number: issue, body }));
                learned ??= created.user?.login;
                const [survivor, ...duplicates] = await matching(issue, marker);
                await deleteAll(duplicates);
                if (!survivor || survivor.id === created.id)
                    return outcome('created', created);
                return rewrite(survivor, text);
            });
        },
        updateComment: (id, body) => guard(`updating comment ${id}`, () => patch(id, body))
    };
}
function writtenByThisToken(client) {
    return async (items) => {
        if (items.length === 0)
            return [];
        const who = await tokenIdentity(client);
        if (who === undefined) {
            throw new Error('GitHub would not say which identity the token acts as (GraphQL viewer and GET /user both refused), so what it wrote cannot be told from copies by others');
        }
        return items.filter((item) => item.user?.login === who);
    };
}
function firstLine$1(body) {
    return (body ?? '').split('\n', 1)[0].trim();
}
function toSticky(comment) {
    return { id: comment.id, body: comment.body ?? '', url: comment.html_url };
}
function outcome(status, comment) {
    return { status, id: comment.id, url: comment.html_url };
}
function isBodyTooLong(error) {
    if (httpStatus(error) !== 422)
        return false;
    const data = error.response?.data;
    return /too long/i.test(`${error.message} ${JSON.stringify(data ?? '')}`);
}
const SAFE_COMMENT_LENGTH = 60_000;
const TRUNCATION_NOTE = '…*[Comment truncated: GitHub limits comments to 65,536 characters. The job summary holds the full plan.]*';
const HIDDEN_LINE = /^<!-- kestra-gitops[\w-]*:.*-->$/;
function truncateCommentBody(body, maxLength = SAFE_COMMENT_LENGTH) {
    if (body.length <= maxLength)
        return body;
    const lines = body.split('\n');
    const states = scan(lines);
    const hidden = lines.map((line, i) => states[i].outsideFence && HIDDEN_LINE.test(line));
    const hiddenAfter = new Array(lines.length + 1).fill(0);
    for (let i = lines.length - 1; i >= 0; i--) {
        hiddenAfter[i] = hiddenAfter[i + 1] + (hidden[i] ? lines[i].length + 1 : 0);
    }
    let keep = 0;
    let length = 0;
    for (; keep < lines.length; keep++) {
        const next = length + lines[keep].length + 1;
        const tail = closers(states[keep]).length + TRUNCATION_NOTE.length + hiddenAfter[keep + 1] + 2;
        if (next + tail > maxLength)
            break;
        length = next;
    }
    const head = lines.slice(0, keep).join('\n');
    const closing = keep > 0 ? closers(states[keep - 1]) : '';
    const kept = lines.flatMap((line, i) => (i >= keep && hidden[i] ? [`\n${line}`] : []));
    return `${head}${closing}\n\n${TRUNCATION_NOTE}${kept.join('')}`;
}
function scan(lines) {
    let details = 0;
    return scanLines(lines.join('\n')).map(({ text: line, inFence, open }) => {
        if (inFence)
            return { fence: open, details, outsideFence: false };
        details += (line.match(/<details[\s>]/gi) ?? []).length;
        details = Math.max(0, details - (line.match(/<\/details>/gi) ?? []).length);
        return { details, outsideFence: true };
    });
}
function closers(state) {
    let text = state.fence ? `\n${state.fence.char.repeat(state.fence.length)}` : '';
    for (let i = 0; i < state.details; i++)
        text += '\n\n</details>';
    return text;
}
const ACTIONS_BOT_LOGIN = 'github-actions[bot]';
const login = object({ login: string().min(1) });
function viewerLogin(client) {
    return client.octokit.rest.users.getAuthenticated().then((response) => login.safeParse(response.data).data?.login, () => undefined);
}
const identities = new WeakMap();
function tokenIdentity(client) {
    let known = identities.get(client.octokit);
    if (!known)
        identities.set(client.octokit, (known = tokenLogin(client)));
    return known;
}
async function tokenLogin(client) {
    try {
        const answer = await client.octokit.graphql('query { viewer { login } }');
        const viewer = object({ viewer: login }).safeParse(answer).data?.viewer.login;
        if (viewer)
            return viewer;
    }
    catch {
    }
    return viewerLogin(client);
}
async function tokenRefusal(client, status, doing, permission) {
    const repository = `${client.owner}/${client.repo}`;
    const { token } = client;
    if (status === 401) {
        return `GitHub refused ${token} (401 Bad credentials) while ${doing}: the token is expired, revoked or not a token. Put a valid one in the secret that ${token} is given.`;
    }
    const identity = await tokenIdentity(client);
    const scope = permission === 'Contents' ? 'contents' : 'pull-requests';
    const lacks = `lacks '${permission}: Read and write' on ${repository}`;
    if (identity === ACTIONS_BOT_LOGIN) {
        return `${token} acts as ${identity} (the workflow's GITHUB_TOKEN), which ${lacks} while ${doing}: grant \`permissions: ${scope}: write\` to the job (docs/drift.md#permissions).`;
    }
    if (identity?.endsWith('[bot]')) {
        return `${token} acts as ${identity}, a GitHub App installation, which ${lacks} while ${doing}: give the App the repository permission '${permission}: Read and write' and install it on ${repository}; the job's \`permissions:\` do not apply to it (docs/drift.md#permissions).`;
    }
    if (identity) {
        return `${token} acts as ${identity} (a personal access token), which ${lacks} while ${doing}: a fine-grained token needs the repository permission '${permission}: Read and write' on ${repository} (a classic token the \`repo\` scope), and ${identity} needs write access to the repository (docs/drift.md#permissions).`;
    }
    return `${token} ${lacks} while ${doing}, and GitHub would not say who it acts as: an App's installation needs the repository permission '${permission}: Read and write' and the App installed on ${repository}; a person's fine-grained token the same permission (a classic token the \`repo\` scope) (docs/drift.md#permissions).`;
}

const user = object({ login: string(), type: string() }).nullable();
const reviewComment = object({ id: int(), body: string().nullish(), user });
const pullFile = object({ filename: string(), patch: string().optional() });
const createdReview = object({ id: int(), html_url: string() });
const PR_FILES_CAP$1 = 3000;
const SUGGEST_PERMISSION_HELP = "The token cannot write review comments, so the fixes were not offered as suggested changes: grant `permissions: pull-requests: write` to the job; a fork's pull request gets a read-only token (docs/suggested-changes.md#permissions).";
function reviewSuggestions(client) {
    const repo = repoOf(client);
    let identity;
    return {
        async pullRequestPatches(pr) {
            const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files';
            try {
                const files = readAnswer(route, array(pullFile), await client.octokit.paginate(route, { ...repo, pull_number: pr, per_page: 100 }));
                return new Map(files
                    .slice(0, PR_FILES_CAP$1)
                    .flatMap((file) => (file.patch === undefined ? [] : [[file.filename, file.patch]])));
            }
            catch (error) {
                throw apiError(`listing the changes of pull request #${pr}`, error);
            }
        },
        async suggest(pr, commit, review) {
            try {
                const login = await (identity ??= tokenIdentity(client));
                if (login === undefined) {
                    return {
                        status: 'refused',
                        message: 'GitHub would not say which identity the token acts as, so its earlier suggestions cannot be told from anyone else’s: none were posted, so that none is posted twice.'
                    };
                }
                const route = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments';
                const listed = readAnswer(route, array(reviewComment), await client.octokit.paginate(route, { ...repo, pull_number: pr, per_page: 100 }));
                const posted = new Set(listed.filter((c) => c.user && isIdentity(c.user, login)).map((c) => firstLine(c.body)));
                const fresh = review.comments.filter((c) => !posted.has(firstLine(c.body)));
                const already = review.comments.length - fresh.length;
                if (fresh.length === 0)
                    return { status: 'reviewed', posted: 0, already };
                const answer = await client.octokit.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
                    ...repo,
                    pull_number: pr,
                    commit_id: commit,
                    event: 'COMMENT',
                    body: review.body,
                    comments: fresh.map((c) => ({
                        path: c.file,
                        body: c.body,
                        line: c.endLine,
                        side: 'RIGHT',
                        ...(c.startLine < c.endLine && { start_line: c.startLine, start_side: 'RIGHT' })
                    }))
                });
                const created = readAnswer('POST …/reviews', createdReview, answer.data);
                return { status: 'reviewed', posted: fresh.length, already, url: created.html_url };
            }
            catch (error) {
                if (httpStatus(error) === 422)
                    return { status: 'refused', message: errorMessage(error) };
                if (isPermissionError(error))
                    return { status: 'forbidden', message: SUGGEST_PERMISSION_HELP };
                throw apiError(`writing the suggested changes on #${pr}`, error);
            }
        }
    };
}
function isIdentity(author, login) {
    return author.login === login || (author.type === 'Bot' && author.login === `${login}[bot]`);
}
function firstLine(body) {
    return (body ?? '').split('\n', 1)[0].trim();
}

const STATUS_PAGES = 10;
const deployment = object({
    id: int(),
    sha: string(),
    environment: string(),
    transient_environment: boolean$1().optional(),
    created_at: string(),
    payload: unknown().optional()
})
    .transform((d) => ({
    id: d.id,
    sha: d.sha,
    environment: d.environment,
    transient: d.transient_environment === true,
    createdAt: d.created_at,
    payload: d.payload
}));
const url = string().nullish();
const status = object({
    id: int(),
    state: string(),
    environment_url: url,
    log_url: url,
    target_url: url,
    created_at: string()
})
    .transform((s) => ({
    id: s.id,
    state: s.state,
    environmentUrl: s.environment_url ?? '',
    logUrl: s.log_url ?? s.target_url ?? '',
    createdAt: s.created_at
}));
const DEPLOYMENTS_READ_HELP = "The token cannot read deployments: grant 'permissions: deployments: read' (or write) to the job.";
function deploymentReads(client) {
    return {
        async deployments(filter, limit) {
            try {
                const found = await pages(client, 'GET /repos/{owner}/{repo}/deployments', deployment, filter, (found) => found.length >= limit);
                return found.slice(0, limit);
            }
            catch (error) {
                const help = isPermissionError(error) ? ` (${DEPLOYMENTS_READ_HELP})` : '';
                throw apiError(`listing deployments${help}`, error);
            }
        },
        async statuses(deploymentId) {
            try {
                return await pages(client, 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', status, { deployment_id: deploymentId }, (found, page) => page >= STATUS_PAGES || found.some((s) => isDeciding(s.state)));
            }
            catch (error) {
                throw apiError(`listing the statuses of deployment ${deploymentId}`, error);
            }
        }
    };
}
const created = object({ id: int() });
const MAX_DESCRIPTION = 140;
const DEPLOYMENTS_WRITE_HELP = "The token cannot write deployments: grant 'permissions: deployments: write' to the job (the environment and preview inputs record GitHub deployments).";
function deploymentWrites(client) {
    const repo = repoOf(client);
    return {
        async create(deployment) {
            try {
                const response = await client.octokit.rest.repos.createDeployment({
                    ...repo,
                    ref: deployment.sha,
                    environment: deployment.environment,
                    task: 'deploy',
                    auto_merge: false,
                    required_contexts: [],
                    transient_environment: deployment.transient,
                    description: deployment.description.slice(0, MAX_DESCRIPTION),
                    payload: deployment.payload
                });
                if (response.status !== 201) {
                    throw apiError('creating a deployment', {
                        status: response.status,
                        message: 'no deployment was created'
                    });
                }
                return readAnswer('POST /repos/{owner}/{repo}/deployments', created, response.data).id;
            }
            catch (error) {
                throw writeRefusal(`creating a deployment of ${deployment.sha} to ${deployment.environment}`, error);
            }
        },
        async addStatus(deploymentId, status) {
            try {
                await client.octokit.rest.repos.createDeploymentStatus({
                    ...repo,
                    deployment_id: deploymentId,
                    state: status.state,
                    description: status.description.slice(0, MAX_DESCRIPTION),
                    ...(status.environmentUrl && { environment_url: status.environmentUrl }),
                    ...(status.logUrl && { log_url: status.logUrl })
                });
            }
            catch (error) {
                throw writeRefusal(`setting deployment ${deploymentId} to ${status.state}`, error);
            }
        }
    };
}
function writeRefusal(doing, error) {
    if (!isPermissionError(error) || httpStatus(error) === 404)
        return apiError(doing, error);
    return new ConfigError('environment', DEPLOYMENTS_WRITE_HELP);
}

const written = object({ number: int(), html_url: string() });
const writtenOutcome = written.transform(({ number, html_url }) => ({
    number,
    url: html_url
}));
const listedIssue = written.extend({
    body: string().nullish(),
    state: string().optional(),
    pull_request: unknown().optional(),
    user: author
});
const ISSUES_PERMISSION_HELP = 'The token cannot write issues: grant `permissions: issues: write` to the job (docs/drift.md#permissions).';
function driftIssues(client) {
    const { octokit } = client;
    const repo = repoOf(client);
    const byThisToken = writtenByThisToken(client);
    const find = async (marker, label) => {
        const route = 'GET /repos/{owner}/{repo}/issues';
        const params = { ...repo, labels: label, state: 'all', per_page: 100 };
        const listed = readAnswer(route, array(listedIssue), await octokit.paginate(route, params));
        const ours = await byThisToken(listed.filter((issue) => !issue.pull_request && firstLine$1(issue.body) === marker));
        const open = ours.filter((i) => i.state === 'open').sort((a, b) => a.number - b.number);
        return open[0] ?? ours.sort((a, b) => b.number - a.number)[0];
    };
    return {
        keepIssue: (issue) => issuesGuard('writing the drift issue', async () => {
            const found = await find(issue.marker, issue.label);
            const { title, body } = issue;
            if (!found) {
                const params = { title, body, labels: [issue.label] };
                const route = 'POST /repos/{owner}/{repo}/issues';
                return { status: 'created', ...(await ask(client, route, writtenOutcome, params)) };
            }
            const reopen = found.state !== 'open';
            const params = { issue_number: found.number, title, body, ...(reopen && { state: 'open' }) };
            const route = 'PATCH /repos/{owner}/{repo}/issues/{issue_number}';
            const status = reopen ? 'reopened' : 'updated';
            return { status, ...(await ask(client, route, writtenOutcome, params)) };
        }),
        closeIssue: (marker, label, comment) => issuesGuard('closing the drift issue', async () => {
            const found = await find(marker, label);
            if (!found || found.state !== 'open')
                return undefined;
            const issue_number = found.number;
            await octokit.rest.issues.createComment({ ...repo, issue_number, body: comment });
            await octokit.rest.issues.update({
                ...repo,
                issue_number,
                state: 'closed',
                state_reason: 'completed'
            });
            return { status: 'closed', number: found.number, url: found.html_url };
        })
    };
}
async function issuesGuard(operation, action) {
    try {
        return await action();
    }
    catch (error) {
        if (httpStatus(error) === 410) {
            return {
                status: 'forbidden',
                message: `Issues are turned off for this repository (${errorMessage(error)}): turn them on in the repository's settings to get the drift issue.`
            };
        }
        if (isPermissionError(error))
            return { status: 'forbidden', message: ISSUES_PERMISSION_HELP };
        throw apiError(operation, error);
    }
}

const FILE_MODE = '100644';
const createdObject = object({ sha: string() });
const signature = object({ date: string() }).nullish().catch(undefined);
const commitRead = object({
    message: string(),
    tree: createdObject,
    parents: array(createdObject),
    author: signature,
    committer: signature
});
const TREE_TRAILER = 'Kestra-GitOps-Tree: ';
function writtenByTheAction(commit, trailer) {
    const lines = commit.message.split('\n');
    if (!lines.includes(trailer) || commit.parents.length !== 1)
        return false;
    const authored = Date.parse(commit.author?.date ?? '');
    if (Number.isNaN(authored) || authored !== Date.parse(commit.committer?.date ?? ''))
        return false;
    const named = lines.filter((line) => line.startsWith(TREE_TRAILER));
    return named.length === 0 || (named.length === 1 && named[0] === TREE_TRAILER + commit.tree.sha);
}
const treeRead = object({
    tree: array(object({ type: string(), path: string().optional(), mode: string().optional() }))
});
async function writeDriftBranch(client, branch) {
    try {
        const { octokit } = client;
        const repo = repoOf(client);
        const base = await commitOf(client, branch.base);
        const current = await existingHead(client, branch.name);
        const currentCommit = current ? await commitOf(client, current) : undefined;
        if (current && !(currentCommit && writtenByTheAction(currentCommit, branch.trailer))) {
            return { status: 'foreign', sha: current };
        }
        const baseTree = await ask(client, 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}', treeRead, {
            tree_sha: base.tree.sha,
            recursive: 'true'
        });
        const modes = new Map(baseTree.tree.flatMap((entry) => entry.type === 'blob' && entry.path && entry.mode ? [[entry.path, entry.mode]] : []));
        const entries = [];
        for (const item of branch.writes) {
            if (item.content === undefined) {
                if (modes.has(item.path)) {
                    entries.push({ path: item.path, mode: FILE_MODE, type: 'blob', sha: null });
                }
                continue;
            }
            const { sha } = await ask(client, 'POST /repos/{owner}/{repo}/git/blobs', createdObject, {
                content: Buffer.from(item.content).toString('base64'),
                encoding: 'base64'
            });
            const mode = modes.get(item.path) === '100755' ? '100755' : FILE_MODE;
            entries.push({ path: item.path, mode, type: 'blob', sha });
        }
        if (entries.length === 0)
            return { status: 'empty' };
        const tree = await ask(client, 'POST /repos/{owner}/{repo}/git/trees', createdObject, {
            base_tree: base.tree.sha,
            tree: entries
        });
        if (tree.sha === base.tree.sha)
            return { status: 'empty' };
        if (current &&
            currentCommit?.tree.sha === tree.sha &&
            currentCommit.parents.map((p) => p.sha).join() === branch.base) {
            return { status: 'unchanged', sha: current };
        }
        const { sha } = await ask(client, 'POST /repos/{owner}/{repo}/git/commits', createdObject, {
            message: `${branch.message}\n\n${branch.trailer}\n${TREE_TRAILER}${tree.sha}`,
            tree: tree.sha,
            parents: [branch.base]
        });
        if (current) {
            await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch.name}`, sha, force: true });
        }
        else {
            await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch.name}`, sha });
        }
        return { status: 'written', sha };
    }
    catch (error) {
        const status = httpStatus(error);
        if (status === 401 || isPermissionError(error)) {
            const doing = `writing the drift branch ${branch.name}`;
            return { status: 'forbidden', message: await tokenRefusal(client, status, doing, 'Contents') };
        }
        throw apiError(`writing the branch ${branch.name}`, error);
    }
}
function commitOf(client, sha) {
    const route = 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}';
    return ask(client, route, commitRead, { commit_sha: sha });
}
async function existingHead(client, name) {
    try {
        const route = 'GET /repos/{owner}/{repo}/git/ref/{ref}';
        const ref = await ask(client, route, object({ object: createdObject }), {
            ref: `heads/${name}`
        });
        return ref.object.sha;
    }
    catch (error) {
        if (httpStatus(error) === 404)
            return undefined;
        throw error;
    }
}

const openPull = written.extend({ title: string(), body: string().nullable() });
const ACTIONS_SETTING = "Settings → Actions → General → 'Allow GitHub Actions to create and approve pull requests'";
function driftPulls(client) {
    const { octokit } = client;
    const repo = repoOf(client);
    const openFrom = async (head) => {
        const params = { head: `${client.owner}:${head}`, state: 'open', per_page: 100 };
        return (await ask(client, 'GET /repos/{owner}/{repo}/pulls', array(openPull), params))[0];
    };
    const forbidden = async (error, doing) => {
        const message = await tokenRefusal(client, httpStatus(error), doing, 'Pull requests');
        return { status: 'forbidden', message };
    };
    return {
        async keepPullRequest(pull) {
            try {
                const open = await openFrom(pull.head);
                if (open) {
                    if (open.body === pull.body && open.title === pull.title) {
                        return { status: 'unchanged', number: open.number, url: open.html_url };
                    }
                    await octokit.rest.pulls.update({
                        ...repo,
                        pull_number: open.number,
                        title: pull.title,
                        body: pull.body
                    });
                    return { status: 'updated', number: open.number, url: open.html_url };
                }
                const route = 'POST /repos/{owner}/{repo}/pulls';
                return { status: 'created', ...(await ask(client, route, writtenOutcome, pull)) };
            }
            catch (error) {
                if (/not permitted to create or approve pull requests/i.test(errorMessage(error))) {
                    return {
                        status: 'forbidden',
                        message: `The branch ${pull.head} holds the edits made in Kestra, but GitHub Actions may not open pull requests in this repository: turn on ${ACTIONS_SETTING}, or give pull-request-token the token of a GitHub App or a person, which it does not bind (docs/drift.md#permissions).`
                    };
                }
                if (httpStatus(error) === 401 || isPermissionError(error)) {
                    return forbidden(error, `opening the pull request from ${pull.head}`);
                }
                throw apiError(`opening the pull request from ${pull.head}`, error);
            }
        },
        async closePullRequest(head, comment, trailer) {
            try {
                const open = await openFrom(head);
                if (!open)
                    return undefined;
                const current = await existingHead(client, head);
                if (current && !writtenByTheAction(await commitOf(client, current), trailer)) {
                    return { status: 'foreign', number: open.number, url: open.html_url };
                }
                await octokit.rest.issues.createComment({
                    ...repo,
                    issue_number: open.number,
                    body: comment
                });
                await octokit.rest.pulls.update({ ...repo, pull_number: open.number, state: 'closed' });
                return { status: 'closed', number: open.number, url: open.html_url };
            }
            catch (error) {
                const status = httpStatus(error);
                if (status === 401 || (isPermissionError(error) && status !== 404)) {
                    return forbidden(error, `closing the pull request from ${head}`);
                }
                throw apiError(`closing the pull request from ${head}`, error);
            }
        }
    };
}

const defaultBranch = object({ default_branch: string() });
async function gitHubPorts(settings, at, log) {
    if (!settings.githubToken || !at.owner)
        return {};
    const octokit = await createOctokit(settings.githubToken, { baseUrl: at.apiUrl, log });
    const pullOctokit = settings.pullRequestToken
        ? await createOctokit(settings.pullRequestToken, { baseUrl: at.apiUrl, log })
        : octokit;
    const repository = { owner: at.owner, repo: at.repo };
    const client = { octokit, ...repository };
    const token = settings.pullRequestToken ? 'pull-request-token' : 'github-token';
    const pullClient = { octokit: pullOctokit, token, ...repository };
    return {
        github: createGitHub(octokit, repository),
        drift: {
            defaultBranch: async () => {
                const doing = 'reading the repository’s default branch';
                return (await ask(client, 'GET /repos/{owner}/{repo}', defaultBranch, {}, doing))
                    .default_branch;
            },
            ...driftIssues(client),
            writeBranch: (branch) => writeDriftBranch(pullClient, branch),
            ...driftPulls(pullClient)
        },
        deployments: { ...deploymentReads(client), ...deploymentWrites(client) },
        review: reviewSuggestions(client)
    };
}
const PR_FILES_CAP = 3000;
const COMPARE_FILES_CAP = 300;
const changedFile = object({ filename: string(), previous_filename: string().optional() })
    .transform(({ filename, previous_filename }) => previous_filename ? { path: filename, previousPath: previous_filename } : { path: filename });
const comparison = object({
    files: array(changedFile).default([]),
    status: _enum(['ahead', 'behind', 'diverged', 'identical'])
});
const contents = union([
    object({
        type: literal('file'),
        encoding: string().optional().catch(undefined),
        content: string().optional().catch(undefined),
        size: number().optional().catch(undefined)
    }),
    unknown().transform(() => undefined)
]);
const side = object({ sha: string(), repo: unknown().optional() });
const pull = object({ number: int(), state: string(), head: side, base: side })
    .transform((pull) => ({
    number: pull.number,
    state: pull.state === 'open' ? 'open' : 'closed',
    headSha: pull.head.sha,
    baseSha: pull.base.sha,
    headRepository: pull.head.repo,
    baseRepository: pull.base.repo
}));
const associated = object({
    number: int(),
    merged_at: string().nullable(),
    merge_commit_sha: string().nullable()
});
function createGitHub(octokit, repository) {
    const repo = { owner: repository.owner, repo: repository.repo };
    const client = { octokit, ...repo };
    return {
        async listPullRequestFiles(pr) {
            try {
                const files = await pages(client, 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files', changedFile, { pull_number: pr }, (found) => found.length >= PR_FILES_CAP);
                return { files, truncated: files.length >= PR_FILES_CAP };
            }
            catch (error) {
                throw apiError(`listing the files of pull request #${pr}`, error);
            }
        },
        async compareCommits(base, head) {
            const { files, status } = await ask(client, 'GET /repos/{owner}/{repo}/compare/{basehead}', comparison, { basehead: `${base}...${head}` }, `comparing ${base.slice(0, 12)}...${head.slice(0, 12)}`);
            return { files, truncated: files.length >= COMPARE_FILES_CAP, status };
        },
        ...stickyComments(client),
        async findMergedPullRequest(sha) {
            const route = 'GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls';
            let pulls;
            try {
                pulls = (await octokit.request(route, { ...repo, commit_sha: sha, per_page: 100 })).data;
            }
            catch (error) {
                if (httpStatus(error) === 404 || httpStatus(error) === 422)
                    return undefined;
                throw apiError(`finding the pull request of commit ${sha.slice(0, 12)}`, error);
            }
            const merged = readAnswer(route, array(associated), pulls).filter((pull) => pull.merged_at);
            return (merged.find((pull) => pull.merge_commit_sha === sha) ?? merged[0])?.number;
        },
        async pullRequest(number) {
            let response;
            try {
                response = await octokit.rest.pulls.get({ ...repo, pull_number: number });
            }
            catch (error) {
                if (httpStatus(error) === 404)
                    return undefined;
                throw apiError(`reading pull request #${number}`, error);
            }
            return readAnswer('GET /repos/{owner}/{repo}/pulls/{pull_number}', pull, response.data);
        },
        openPullRequestsOf: (label) => ask(client, 'GET /repos/{owner}/{repo}/pulls', array(pull), { state: 'open', head: label, per_page: 100 }, `finding the pull requests of ${label}`),
        async getFileAtRef(path, ref) {
            const route = 'GET /repos/{owner}/{repo}/contents/{+path}';
            const params = { ...repo, path: path.split('/').map(encodeURIComponent).join('/'), ref };
            try {
                const { data } = await octokit.request(route, params);
                const entry = readAnswer(route, contents, data);
                if (!entry)
                    return undefined;
                if (entry.encoding === 'base64' && (entry.content || entry.size === 0)) {
                    return new Uint8Array(Buffer.from(entry.content ?? '', 'base64'));
                }
                const raw = await octokit.request(route, {
                    ...params,
                    mediaType: { format: 'raw' },
                    request: { parseSuccessResponseBody: false }
                });
                const body = raw.data;
                return new Uint8Array(await new Response(body).arrayBuffer());
            }
            catch (error) {
                if (httpStatus(error) === 404)
                    return undefined;
                throw apiError(`reading ${path} at ${ref.slice(0, 12)}`, error);
            }
        }
    };
}

function runnerLog(write, guard) {
    return {
        info(text) {
            const lines = text.split(/\r\n|\r|\n/).map((line) => bounded(line, LOG_LINE_BYTES));
            write(guard(`${(lines.some(readsAsCommand) ? verbatim(lines) : lines).join('\n')}\n`));
        },
        command(name, properties, message) {
            write(`${guard(commandLine(name, properties, bounded(message, LOG_LINE_BYTES)))}\n`);
        }
    };
}
const LEADING_WHITE_SPACE = /^[\s\u0085]*/;
function readsAsCommand(line) {
    return line.replace(LEADING_WHITE_SPACE, '').startsWith('::') || line.includes('##[');
}
function verbatim(lines) {
    let token = randomBytes(16).toString('hex');
    while (lines.some((line) => line.toLowerCase().includes(token)))
        token = randomBytes(16).toString('hex');
    return [`::stop-commands::${token}`, ...lines, `::${token}::`];
}
function commandLine(name, properties, message) {
    const pairs = Object.entries(properties)
        .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
        .map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
    return `::${name}${pairs.length > 0 ? ` ${pairs.join(',')}` : ''}::${escapeData(message)}`;
}
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function actionReporter(log) {
    let grouped = false;
    return {
        info: (message) => log.info(message),
        warning: (message) => log.command('warning', {}, message),
        notice: (message) => log.command('notice', {}, message),
        group(title) {
            if (grouped)
                log.command('endgroup', {}, '');
            log.command('group', {}, title);
            grouped = true;
        },
        endGroup(summary) {
            if (grouped)
                log.command('endgroup', {}, '');
            grouped = false;
            if (summary)
                log.info(summary);
        },
        progress: () => undefined,
        annotate(findings) {
            const perSeverity = { error: 0, warning: 0, notice: 0 };
            const annotated = findings.filter((f) => perSeverity[f.severity]++ < ANNOTATIONS_PER_SEVERITY);
            const shown = new Set(annotated);
            for (const finding of findings.filter((f) => !shown.has(f)))
                log.info(`  ${findingLine(finding, palette(false)).replace(/\s*[\r\n]+\s*/g, ' ')}`);
            for (const finding of annotated) {
                const { rule, file, line, endLine, column, endColumn } = finding;
                const columns = (endLine === undefined || endLine === line) && column !== undefined;
                const where = columns ? { col: column, endColumn } : {};
                log.command(finding.severity, { title: `kestra-gitops: ${rule}`, file, line, endLine, ...where }, finding.message);
            }
        },
        setOutput: (name, value) => setOutput(name, String(value)),
        async writeSummary(markdown) {
            if (!process.env.GITHUB_STEP_SUMMARY)
                return;
            await summary.addRaw(markdown, true).write({ overwrite: true });
        }
    };
}
const ANNOTATIONS_PER_SEVERITY = 10;

async function run() {
    let kestra;
    let upgradeServer;
    let ended = false;
    const credentials = secretInputs();
    for (const value of maskedValues(credentials))
        setSecret(value);
    let edge = new OutputEdge(credentials);
    const log = runnerLog((text) => void process.stdout.write(text), (text) => edge.text(text));
    process.removeAllListeners('warning');
    process.on('warning', (warning) => log.info(edge.text(`${warning.name}: ${warning.message}`)));
    try {
        const context = readRunContext();
        const own = checkoutIsOwn(context);
        const settings = parseSettings((name) => getInput(name), {
            file: own ? readSettingsFile(context.workspace) : undefined,
            log: (message) => log.info(edge.text(message))
        });
        if (!own && SETTINGS_FILE_PATHS.some((path) => existsSync(join(context.workspace, path)))) {
            log.info(edge.text("The checkout is a fork's pull request: its kestra-gitops.yml is not read. Set what the plan needs as this workflow's inputs (docs/inputs.md#settings-file)."));
        }
        edge = new OutputEdge(credentials, publicNames(settings, context, settingsTarget(settings)));
        kestra = clientForSettings(settings, (message) => {
            if (!ended)
                log.info(edge.text(message));
        });
        upgradeServer = clientForSettings(settings, () => { }, undefined, 'upgradeServer');
        const reporter = redactingReporter(actionReporter(log), edge);
        const ports = await gitHubPorts(settings, context, (message) => reporter.info(message));
        const outcome = await executeWithEnvironments(settings, context, {
            reporter,
            kestra,
            upgradeServer,
            github: ports.github && redactingGitHub(ports.github, edge),
            drift: ports.drift && redactingDriftGitHub(ports.drift, edge),
            deployments: ports.deployments,
            review: ports.review && redactingReview(ports.review, edge),
            edge,
            now: () => new Date()
        });
        const counts = ruleCounts(outcome.report.findings);
        if (counts)
            reporter.info(counts);
        const sarif = { runnerTemp: context.runnerTemp, commentKey: settings.commentKey };
        writeSarif(outcome.report.findings, sarif, { reporter, edge });
        if (outcome.failure)
            fail(outcome.failure);
    }
    catch (error) {
        if (error instanceof SettingsFileError) {
            for (const { line, detail } of error.problems) {
                fail(`${error.file}:${line}: ${detail}`, { file: error.file, line });
            }
        }
        else
            fail(errorMessage(error));
    }
    finally {
        await kestra?.close();
        await upgradeServer?.close();
    }
    function fail(message, at) {
        ended = true;
        process.exitCode = 1;
        log.command('error', at ? { file: at.file, line: at.line } : {}, edge.text(message));
    }
}
function writeSarif(findings, at, { reporter, edge }) {
    const sarif = sarifDocument(edge.shown(findings), CLI_VERSION);
    if (sarif.omitted > 0) {
        reporter.warning(`The SARIF file holds ${sarif.results} of the ${findings.length} findings, the most severe first: GitHub code scanning rejects a run of more than ${MAX_SARIF_RESULTS.toLocaleString('en-US')} results or a file over 10 MB compressed. The job summary and the plan file list them all.`);
    }
    const path = writeSarifFile(at.runnerTemp, at.commentKey, edge.text(sarif.text));
    reporter.setOutput('sarif-file', path);
}
function secretInputs() {
    const input = (name) => getInput(name);
    return credentialsFrom([
        ['password', input('password')],
        ['api-token', input('api-token')],
        ['github-token', input('github-token')],
        ['pull-request-token', input('pull-request-token')],
        ['seal-key', input('seal-key')]
    ], { username: input('username'), password: input('password') });
}

export { run as a, runCli as r };
//# sourceMappingURL=engine.js.map
