import { openSync, constants as constants$1, fstatSync, readFileSync, closeSync, createReadStream, statSync, readdirSync, lstatSync, realpathSync, mkdirSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve as resolve$1, relative, sep, join, isAbsolute, posix, dirname, basename } from 'node:path';
import { promisify, TextDecoder as TextDecoder$1, parseArgs as parseArgs$1 } from 'node:util';
import { execFile, spawn } from 'node:child_process';
import { u as undiciExports, d as distExports, Z as ZipDeflate, a as Zip, p as picomatch, s as structuredPatch, f as formatPatch, F as FILE_HEADERS_ONLY, j, b as parsePatch, r as reversePatch, c as characterEntities, e as retry, t as throttling, g as summary, h as setOutput, i as setSecret, k as getInput } from './vendor.js';
import { isUtf8 } from 'node:buffer';
import { hash, createHash, randomBytes } from 'node:crypto';
import { setTimeout as setTimeout$1 } from 'node:timers/promises';
import { constants, inflateRawSync } from 'node:zlib';
import { readFile, lstat, realpath, stat, readdir } from 'node:fs/promises';
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
    line;
    name = 'SettingsFileError';
    constructor(file, line, detail) {
        super(`${file}:${line}: ${detail}`);
        this.file = file;
        this.line = line;
    }
}
class DeployError extends ActionError {
    name = 'DeployError';
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

const REMEDIATION = {
    401: 'check the username/password or api-token inputs (and that the server URL and tenant are right)',
    403: 'the credentials lack permission for this namespace/tenant (or the tenant is wrong)'
};
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
        : REMEDIATION[status];
    const said = serverMessage ? `: ${serverMessage}` : '';
    return remedy
        ? `Kestra answered ${status} to ${method} ${path}${said}; ${remedy}${unknown}`
        : `Kestra answered ${status} to ${method} ${path}${said}${unknown}`;
}
function parseErrorBody(body, statusText) {
    const text = new TextDecoder().decode(body).trim();
    const json = parseJson(text);
    if (json && typeof json === 'object' && !Array.isArray(json)) {
        const record = json;
        const violations = [
            ...readViolations(record._embedded?.errors),
            ...readViolations(record.errors)
        ];
        const main = firstString(record.message, record.detail, record.title);
        const missing = violations.filter((v) => !main?.includes(v.message)).map(violationText);
        const message = [main, missing.join(', ')].filter(Boolean).join(': ');
        return { message: message || statusText, violations };
    }
    if (text === '' || text.startsWith('<'))
        return { message: statusText, violations: [] };
    return { message: text, violations: [] };
}
function parseJson(text) {
    if (!text.startsWith('{'))
        return undefined;
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function readViolations(list) {
    if (!Array.isArray(list))
        return [];
    return list.flatMap((item) => {
        if (!item || typeof item !== 'object')
            return [];
        const record = item;
        const message = firstString(record.message, record.detail);
        if (!message)
            return [];
        const violation = { message };
        if (typeof record.path === 'string' && record.path)
            violation.path = record.path;
        if (typeof record.pointer === 'string' && record.pointer)
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
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (value !== null && typeof value === 'object') {
        const record = value;
        const keys = Object.keys(record).sort();
        return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
    }
    return JSON.stringify(value) ?? 'null';
}
function compareCodeUnits(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

const LEGACY_PREFIX = '/api/v1';
function tenantPrefix(tenant) {
    return `${LEGACY_PREFIX}/${encodeURIComponent(tenant)}`;
}
function parseVersion(version) {
    if (typeof version !== 'string')
        return undefined;
    const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim().replace(/-SNAPSHOT$/i, ''));
    if (!match)
        return undefined;
    return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
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
    return status === 429 || status >= 500;
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
class Breather {
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
    async breathe() {
        while (this.clock.now() - this.last >= this.everyMs) {
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
        return new undiciExports.Agent(options);
    return new undiciExports.EnvHttpProxyAgent({
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
            if (!lost || !(error instanceof ApiError) || error.outcomeUnknown)
                throw error;
            const { status, method, path, serverMessage, violations, sentBytes } = error;
            throw new ApiError({
                ...{ status, method, path, serverMessage, violations, sentBytes },
                outcomeUnknown: true
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
                if ('response' in outcome)
                    return this.checked(req, outcome.response);
                throw this.unanswered(req, outcome.error);
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
        const { timeoutMs, cut } = this.attemptTimeout(req);
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(new RequestTimeout(timeoutMs, cut)), timeoutMs);
        try {
            const res = await undiciExports.request(this.options.server + req.path, {
                method: req.method,
                headers,
                body: req.body,
                dispatcher: this.options.dispatcher,
                signal: deadline.signal,
                headersTimeout: this.options.timeoutMs,
                bodyTimeout: this.options.timeoutMs
            });
            const body = await readBody(res.body, res.headers['content-length']);
            const { method, path } = req;
            const sentBytes = typeof req.body === 'string' ? utf8Length(req.body) : (req.body?.length ?? 0);
            const response = {
                method,
                path,
                status: res.statusCode,
                headers: res.headers,
                body,
                sentBytes
            };
            return { response: { ...response, attempts: attempt } };
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
    attemptTimeout(req) {
        const left = req.deadline === undefined ? Infinity : Math.max(0, req.deadline - Date.now());
        return left < this.options.timeoutMs
            ? { timeoutMs: left, cut: true }
            : { timeoutMs: this.options.timeoutMs, cut: false };
    }
    checked(req, response) {
        if (response.status < 400 || req.allow?.includes(response.status))
            return response;
        throw responseError(response);
    }
    unanswered(req, error) {
        if (error instanceof ApiError)
            return error;
        const { code, message } = error;
        const text = typeof message === 'string' && message ? message : String(error);
        const said = typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
        return new ApiError({
            status: undefined,
            method: req.method,
            path: req.path,
            serverMessage: said
        });
    }
}
async function formBody(parts) {
    const form = new undiciExports.FormData();
    for (const [name, value, filename] of parts) {
        if (typeof value === 'string')
            form.append(name, value);
        else
            form.append(name, value, filename);
    }
    const encoded = new undiciExports.Response(form);
    const body = new Uint8Array(await encoded.arrayBuffer());
    return { contentType: encoded.headers.get('content-type'), body };
}
function responseError(response) {
    const { message, violations } = parseErrorBody(response.body, `HTTP ${response.status}`);
    return new ApiError({
        status: response.status,
        method: response.method,
        path: response.path,
        serverMessage: message,
        violations,
        sentBytes: response.sentBytes
    });
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

class ScopedHttp {
    transport;
    tenant;
    era;
    eraSettled = false;
    constructor(transport, tenant) {
        this.transport = transport;
        this.tenant = tenant;
    }
    async info() {
        return { ...(await this.resolveEra()).info };
    }
    async send(req) {
        const suffix = req.path + queryString(req.query);
        const allow = [...(req.allow ?? []), 404];
        const probing = this.resolveEra();
        const early = !this.eraSettled && this.tenant === 'main' && (req.method === 'GET' || req.readOnly)
            ? answerOf(this.transport.send({ ...req, path: tenantPrefix(this.tenant) + suffix, allow }))
            : undefined;
        const era = await (early ? probing.finally(() => early) : probing);
        const prefix = era.info.tenantScoped ? tenantPrefix(this.tenant) : LEGACY_PREFIX;
        if (era.known) {
            if (early && era.info.tenantScoped)
                return this.settle(req, (await early)());
            return this.transport.send({ ...req, path: prefix + suffix });
        }
        const first = early
            ? (await early)()
            : await this.transport.send({ ...req, path: prefix + suffix, allow });
        if (first.status !== 404) {
            era.known = true;
            return this.settle(req, first);
        }
        const legacy = await this.transport.send({ ...req, path: LEGACY_PREFIX + suffix, allow });
        if (legacy.status === 404)
            return this.settle(req, first);
        era.known = true;
        era.info.tenantScoped = false;
        return this.settle(req, legacy);
    }
    settle(req, response) {
        if (response.status === 404 && !req.allow?.includes(404)) {
            throw responseError(response);
        }
        return response;
    }
    resolveEra() {
        this.era ??= this.probe().finally(() => (this.eraSettled = true));
        return this.era;
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
        let response;
        try {
            response = await this.transport.send({
                method: 'GET',
                path: `${LEGACY_PREFIX}/configs`,
                route: '/configs'
            });
        }
        catch (error) {
            if (error instanceof ApiError &&
                error.status !== undefined &&
                ![401, 403].includes(error.status)) {
                return unknown;
            }
            throw error;
        }
        let config;
        try {
            config = readJsonObject(response);
        }
        catch {
            return unknown;
        }
        const version = parseVersion(config.version);
        if (!version)
            return unknown;
        const edition = typeof config.edition === 'string' ? config.edition : 'OSS';
        const problem = ossTenantProblem(edition, String(config.version), this.tenant);
        if (problem)
            throw new ConfigError('tenant', problem);
        return {
            info: {
                version: String(config.version),
                edition,
                tenantScoped: isTenantScoped(version, edition, this.tenant),
                systemNamespace: typeof config.systemNamespace === 'string' && config.systemNamespace
                    ? config.systemNamespace
                    : 'system'
            },
            known: true
        };
    }
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
        throw new ApiError({
            status: response.status,
            method: response.method,
            path: response.path,
            serverMessage: 'the answer is not JSON (is the server input the base URL of a Kestra server?)'
        });
    }
}
function readJsonObject(response) {
    const value = readJson(response);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        return value;
    }
    throw new ApiError({
        status: response.status,
        method: response.method,
        path: response.path,
        serverMessage: 'expected a JSON object in the answer'
    });
}
function readJsonArray(response) {
    const value = readJson(response);
    if (Array.isArray(value))
        return value;
    throw new ApiError({
        status: response.status,
        method: response.method,
        path: response.path,
        serverMessage: 'expected a JSON array in the answer'
    });
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

const PAGE$1 = 500;
const EARLIEST_START = '1970-01-01T00:00:00Z';
const SECRETS_REMEDY = 'a review checks at most 20,000 secret names: remove secrets nothing uses';
const MAX_PAGES$1 = 40;
async function readPages(http, listing, item) {
    const found = new Map();
    for (let page = 1; page <= listing.maxPages; page++) {
        const response = await http.send({
            method: 'GET',
            path: listing.path,
            route: listing.route,
            query: { ...listing.query, page: String(page), size: String(listing.size) },
            ...(listing.missing && { allow: [404] }),
            ...(listing.deadline !== undefined && { deadline: listing.deadline })
        });
        if (response.status === 404)
            return undefined;
        const body = readJsonObject(response);
        const rows = Array.isArray(body.results) ? body.results : notPaged(response);
        let fresh = 0;
        for (const row of rows) {
            const key = listing.key(row) ?? `row ${JSON.stringify(row)}`;
            if (found.has(key))
                continue;
            found.set(key, item(row, response));
            fresh++;
        }
        if (rows.length < listing.size) {
            if (typeof body.total === 'number' && found.size < body.total) {
                throw new ListingError(`Kestra's ${listing.name} (${where(response)}) announced ${body.total} but its pages held ${found.size}: the listing changed while it was read, or the server (or a proxy in front of it) cuts it. Nothing was decided on a part of it; run again, and if it persists check what answers that route.`);
            }
            return [...found.values()].filter((value) => value !== undefined);
        }
        if (fresh === 0) {
            throw new ListingError(`Kestra's ${listing.name} (${where(response)}) answered page ${page} with nothing it had not already sent: the server (or a proxy in front of it) ignores the page parameter, so the rest cannot be read. Nothing was decided on a part of it; check what answers that route.`);
        }
    }
    throw new UnendedListingError(`Kestra's ${listing.name} did not end: ${listing.maxPages} full pages of ${listing.size} were read (${found.size} items) and it still went on. Nothing was decided on a part of it; ${listing.remedy}, or check that the server (or a proxy in front of it) honours the page and size parameters of ${listing.path}.`);
}
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
    const named = !version || version[0] > 1 || (version[0] === 1 && version[1] >= 3);
    const entries = named ? await searchUnlessMissing(api, namespaces) : undefined;
    if (entries?.every((entry) => entry.namespace !== undefined)) {
        const byNamespace = Object.fromEntries(namespaces.map((ns) => [ns, []]));
        for (const { namespace, key } of entries)
            byNamespace[namespace]?.push(key);
        return byNamespace;
    }
    const lists = await Promise.all(namespaces.map((ns) => api.namespaceKvKeys(ns)));
    return Object.fromEntries(namespaces.map((ns, i) => [ns, lists[i]]));
}
async function searchUnlessMissing(api, namespaces) {
    try {
        const found = await Promise.all(inGroups(namespaces).map((group) => api.kvKeys(group)));
        return found.flat();
    }
    catch (error) {
        if (error instanceof ApiError && error.status === 404)
            return undefined;
        throw error;
    }
}
function inGroups(namespaces) {
    return searchesOf(namespaces.map((namespace) => ({ namespace, flowIds: [] }))).map((search) => search.namespaces);
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
class ListingsEndpoint {
    http;
    constructor(http) {
        this.http = http;
    }
    async secretNames() {
        return this.paged({ name: 'secrets listing', remedy: SECRETS_REMEDY, path: '/secrets', query: {}, key: byKey }, (item) => stringField(item, 'key'));
    }
    async namespaceSecretNames(namespace) {
        return this.paged({
            name: `secrets listing of ${namespace}`,
            remedy: SECRETS_REMEDY,
            path: `/namespaces/${pathSegment(namespace)}/secrets`,
            query: {},
            key: byKey
        }, (item) => stringField(item, 'key'));
    }
    async inheritedSecretNames(namespace) {
        const response = await this.http.send({
            method: 'GET',
            path: `/namespaces/${pathSegment(namespace)}/inherited-secrets`,
            route: '/namespaces/{namespace}/inherited-secrets'
        });
        return Object.values(readJsonObject(response)).flatMap((names) => Array.isArray(names) ? names.filter((name) => typeof name === 'string') : []);
    }
    async kvKeys(namespaces) {
        const listing = {
            name: 'KV listing',
            remedy: 'a review checks at most 20,000 keys of the namespaces it deploys: remove keys no flow reads',
            path: '/kv',
            query: { 'filters[namespace][IN]': namespaces.join(',') },
            key: (row) => {
                const namespace = stringField(row, 'namespace');
                return namespace === undefined ? undefined : `${namespace} ${byKey(row)}`;
            }
        };
        return this.paged(listing, (item) => {
            const namespace = stringField(item, 'namespace');
            const key = stringField(item, 'key');
            return key === undefined ? undefined : { ...(namespace !== undefined && { namespace }), key };
        });
    }
    async namespaceKvKeys(namespace) {
        const response = await this.http.send({
            method: 'GET',
            path: `/namespaces/${pathSegment(namespace)}/kv`,
            route: '/namespaces/{namespace}/kv'
        });
        return readJsonArray(response).flatMap((item) => stringField(item, 'key') ?? []);
    }
    async executionsOf(groups, states, legacy) {
        const wanted = new Set(groups.flatMap(({ namespace, flowIds }) => flowIds.map((id) => `${namespace} ${id}`)));
        const found = legacy
            ? await Promise.all(groups.map((group) => this.legacyExecutions(group, states)))
            : await Promise.all(searchesOf(groups).map((search) => this.searchExecutions(search, states, groups)));
        const byId = new Map(found.flat().map((execution) => [execution.id, execution]));
        return [...byId.values()].filter((execution) => wanted.has(`${execution.namespace} ${execution.flowId}`));
    }
    async searchExecutions(search, states, groups) {
        const { namespaces, flowIds } = search;
        try {
            return await this.executionSearch(namespaces, {
                'filters[namespace][IN]': namespaces.join(','),
                'filters[flowId][IN]': flowIds.join(','),
                'filters[state][IN]': states.join(','),
                'filters[startDate][GREATER_THAN_OR_EQUAL_TO]': EARLIEST_START
            });
        }
        catch (error) {
            if (!(error instanceof UnendedListingError) || namespaces.length === 1)
                throw error;
            const alone = namespaces.map((namespace) => this.executionsOf(groups
                .filter((group) => group.namespace === namespace)
                .map((group) => ({
                namespace,
                flowIds: group.flowIds.filter((id) => flowIds.includes(id))
            })), states, false));
            return (await Promise.all(alone)).flat();
        }
    }
    async legacyExecutions({ namespace, flowIds }, states) {
        return this.executionSearch([namespace], {
            namespace,
            ...(flowIds.length === 1 && { flowId: flowIds[0] }),
            state: states,
            startDate: EARLIEST_START
        });
    }
    executionSearch(namespaces, query) {
        return this.paged({
            name: `executions search of ${namespaces.join(', ')}`,
            remedy: `more than ${MAX_PAGES$1 * PAGE$1} executions not finished were found for the flows this deploy updates or deletes in ${namespaces.join(', ')}: let them end (or kill them) before deploying`,
            path: '/executions/search',
            query,
            key: (row) => stringField(row, 'id')
        }, executionOf);
    }
    async paged(listing, item) {
        return readPages(this.http, {
            ...listing,
            route: listing.path.replace(/\/namespaces\/[^/]+/, '/namespaces/{namespace}'),
            size: PAGE$1,
            maxPages: MAX_PAGES$1
        }, item);
    }
}
function notPaged(response) {
    throw new ApiError({
        status: response.status,
        method: response.method,
        path: response.path,
        serverMessage: `expected {results, total} in the answer, got ${typeof readJson(response)}`
    });
}
function byKey(row) {
    return stringField(row, 'key');
}
function stringField(raw, field) {
    const value = raw?.[field];
    return typeof value === 'string' ? value : undefined;
}
function executionOf(raw, response) {
    const value = raw;
    const state = value?.state;
    const id = stringField(value, 'id');
    const namespace = stringField(value, 'namespace');
    const flowId = stringField(value, 'flowId');
    const current = stringField(state, 'current');
    if (!id || !namespace || !flowId || !current) {
        throw new ApiError({
            status: response.status,
            method: response.method,
            path: response.path,
            serverMessage: 'an item of the answer is not an execution (no id, namespace, flowId or state)'
        });
    }
    const startDate = stringField(state, 'startDate');
    return { id, namespace, flowId, state: current, ...(startDate && { startDate }), labels: [] };
}
const NAMESPACES_PAGE_SIZE = 100;
const NAMESPACES_MAX_PAGES = 100;
class NamespacesEndpoint {
    http;
    constructor(http) {
        this.http = http;
    }
    async startingWith(prefix) {
        const ids = await readPages(this.http, {
            name: `namespaces search for ${prefix}`,
            remedy: `more than ${NAMESPACES_MAX_PAGES * NAMESPACES_PAGE_SIZE} namespaces start with ${prefix}: remove them with Kestra's own tools`,
            path: '/namespaces/search',
            route: '/namespaces/search',
            query: { q: prefix },
            size: NAMESPACES_PAGE_SIZE,
            maxPages: NAMESPACES_MAX_PAGES,
            key: namespaceId
        }, namespaceId);
        return [...new Set(ids.filter((id) => id.startsWith(prefix)))].sort();
    }
}
function namespaceId(row) {
    const id = row?.id;
    return typeof id === 'string' ? id : undefined;
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
function readVerdict(item) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
        return { readable: false, why: `it is ${shapeOf(item)}, not a verdict object` };
    }
    const record = item;
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
    if (!error || typeof error !== 'object' || Array.isArray(error))
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

const YAML$1 = { 'content-type': 'application/x-yaml' };
const PAGE_SIZE = 100;
const MAX_PAGES = 100;
class DashboardsEndpoint {
    http;
    constructor(http) {
        this.http = http;
    }
    async list() {
        return readPages(this.http, {
            name: 'dashboards listing',
            remedy: `a repository manages at most ${MAX_PAGES * PAGE_SIZE} dashboards: delete the ones no one uses`,
            path: '/dashboards',
            route: '/dashboards',
            query: { sort: 'id:asc' },
            size: PAGE_SIZE,
            maxPages: MAX_PAGES,
            key: (row) => dashboardId(row),
            missing: true
        }, toDashboard);
    }
    async get(id) {
        const response = await this.http.send({
            method: 'GET',
            path: `/dashboards/${pathSegment(id)}`,
            route: '/dashboards/{id}',
            allow: [404]
        });
        return response.status === 404 ? undefined : toDashboard(readJsonObject(response), response);
    }
    async create(source) {
        const response = await this.http.send({
            method: 'POST',
            path: '/dashboards',
            route: '/dashboards',
            headers: YAML$1,
            body: source,
            allow: [422]
        });
        if (response.status < 400)
            return { created: true };
        const error = responseError(response);
        if (!/already exists/i.test(error.serverMessage))
            throw error;
        return { created: false, retried: response.attempts > 1 };
    }
    async update(id, source) {
        const response = await this.http.send({
            method: 'PUT',
            path: `/dashboards/${pathSegment(id)}`,
            route: '/dashboards/{id}',
            headers: YAML$1,
            body: source,
            allow: [404]
        });
        return response.status === 404 ? undefined : toDashboard(readJsonObject(response), response);
    }
    async delete(id) {
        const response = await this.http.send({
            method: 'DELETE',
            path: `/dashboards/${pathSegment(id)}`,
            route: '/dashboards/{id}',
            allow: [404, 409]
        });
        if (response.status === 409 && !/doesn't exist/i.test(responseError(response).serverMessage)) {
            throw responseError(response);
        }
        return response.status < 400 || response.attempts > 1;
    }
    async validate(source) {
        const response = await this.http.send({
            method: 'POST',
            path: '/dashboards/validate',
            route: '/dashboards/validate',
            readOnly: true,
            headers: YAML$1,
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
}
function dashboardId(value) {
    const id = value?.id;
    return typeof id === 'string' ? id : undefined;
}
function toDashboard(value, response) {
    const row = (value && typeof value === 'object' ? value : {});
    if (typeof row.id !== 'string') {
        throw new ApiError({
            status: response.status,
            method: response.method,
            path: response.path,
            serverMessage: 'expected a dashboard with an id in the answer'
        });
    }
    const { id, title, description, timeWindow, charts, sourceCode } = row;
    return {
        id,
        title,
        description,
        timeWindow,
        charts,
        ...(typeof sourceCode === 'string' && { sourceCode })
    };
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
        const value = distExports.parse(source);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
            return dashboardFields(value);
        }
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
    if (value && typeof value === 'object') {
        const record = value;
        return Object.fromEntries(Object.keys(record)
            .sort()
            .map((key) => [key, sorted(record[key])]));
    }
    return value;
}

const SEARCH_PAGE = 25;
const SEARCH_PAGES = 20;
class ExecutionsEndpoint {
    http;
    constructor(http) {
        this.http = http;
    }
    async start(namespace, id, inputs, options) {
        const { contentType, body } = await formBody(inputs);
        const response = await this.http.send({
            method: 'POST',
            path: `/executions/${pathSegment(namespace)}/${pathSegment(id)}`,
            route: '/executions/{namespace}/{id}',
            query: { labels: options.labels.map(([key, value]) => `${key}:${value}`) },
            headers: { 'content-type': contentType },
            body,
            deadline: options.deadline,
            once: true
        });
        return toExecution(readJson(response), response);
    }
    async get(executionId, deadline) {
        const response = await this.http.send({
            method: 'GET',
            path: `/executions/${pathSegment(executionId)}`,
            route: '/executions/{executionId}',
            allow: [404],
            deadline
        });
        return response.status === 404 ? undefined : toExecution(readJson(response), response);
    }
    async search(query, deadline) {
        const version = parseVersion((await this.http.info()).version);
        const [major, minor] = version ?? [Infinity, 0];
        const legacy = major === 0 || (major === 1 && minor === 0);
        const found = await readPages(this.http, {
            name: `executions search of ${query.namespace}.${query.flowId}`,
            remedy: `a run's labels name a handful of executions, yet more than ${SEARCH_PAGES * SEARCH_PAGE} answered`,
            path: '/executions/search',
            route: '/executions/search',
            query: legacy ? legacyFilters(query) : queryFilters(query),
            size: SEARCH_PAGE,
            maxPages: SEARCH_PAGES,
            key: (row) => {
                const id = row?.id;
                return typeof id === 'string' ? id : undefined;
            },
            deadline
        }, toExecution);
        return found
            .filter((execution) => execution.namespace === query.namespace &&
            execution.flowId === query.flowId &&
            query.labels.every(([key, value]) => execution.labels.some(([k, v]) => k === key && v === value)))
            .sort((a, b) => Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? ''));
    }
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
function toExecution(raw, response) {
    const value = (Array.isArray(raw) ? raw[0] : raw);
    const state = value?.state;
    if (typeof value?.id !== 'string' ||
        typeof state?.current !== 'string' ||
        typeof value.namespace !== 'string' ||
        typeof value.flowId !== 'string') {
        throw new ApiError({
            status: response.status,
            method: response.method,
            path: response.path,
            serverMessage: 'the answer is not an execution (no id, namespace, flowId or state)'
        });
    }
    const date = (v) => (typeof v === 'string' ? v : undefined);
    return {
        id: value.id,
        namespace: value.namespace,
        flowId: value.flowId,
        state: state.current,
        ...(date(state.startDate) && { startDate: date(state.startDate) }),
        ...(date(state.endDate) && { endDate: date(state.endDate) }),
        labels: labelsOf$1(value.labels)
    };
}
function labelsOf$1(raw) {
    if (!Array.isArray(raw))
        return [];
    return raw.flatMap((item) => {
        const { key, value } = (item ?? {});
        return typeof key === 'string' && typeof value === 'string' ? [[key, value]] : [];
    });
}
function executionUrl(server, tenant, execution) {
    const path = [execution.namespace, execution.flowId, execution.id]
        .map(encodeURIComponent)
        .join('/');
    return `${kestraUiBase(server, tenant)}/executions/${path}`;
}
function kestraUiBase(server, tenant) {
    const root = `${server.replace(/\/+$/, '')}/ui`;
    return tenant === undefined ? root : `${root}/${encodeURIComponent(tenant)}`;
}
function namespaceUrl(server, tenant, namespace) {
    return `${kestraUiBase(server, tenant)}/namespaces/edit/${encodeURIComponent(namespace)}`;
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
    const bytes = new Map();
    for (const [name, entry] of readZipEntries(response))
        bytes.set(name, entry.bytes());
    return bytes;
}
function readZipEntries(response) {
    const unreadable = (error) => new ApiError({
        status: response.status,
        method: response.method,
        path: response.path,
        serverMessage: `the answer is not a readable zip archive (${error.message})`
    });
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
class FilesEndpoint {
    http;
    exportMissing = false;
    constructor(http) {
        this.http = http;
    }
    async list(namespace) {
        const files = this.exportMissing ? undefined : await this.exported(namespace);
        const all = files ?? (await this.walk(namespace, '/', { left: MAX_WALK_ENTRIES }));
        return all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    }
    async get(namespace, path, revision) {
        const response = await this.http.send({
            method: 'GET',
            path: `/namespaces/${pathSegment(namespace)}/files`,
            query: revision === undefined ? { path } : { path, revision: String(revision) },
            route: '/namespaces/{namespace}/files',
            allow: [404]
        });
        return response.status === 404 ? undefined : response.body;
    }
    async revisions(namespace, path) {
        const response = await this.http.send({
            method: 'GET',
            path: `/namespaces/${pathSegment(namespace)}/files/revisions`,
            query: { path },
            route: '/namespaces/{namespace}/files/revisions',
            allow: [404, 405]
        });
        if (response.status >= 400)
            return undefined;
        return readJsonArray(response).flatMap((item) => {
            const { revision } = (item ?? {});
            return typeof revision === 'number' ? [revision] : [];
        });
    }
    async upload(namespace, path, bytes) {
        const response = await this.send(namespace, path, uploadFileName(path), bytes, bytes.length === 0);
        if (response.status !== 400)
            return;
        const stored = storedPath(fileNaming(await this.http.info()), path);
        const entry = ('path' in stored ? stored.path : path).replace(/^\/+/, '');
        await this.send(namespace, path, 'empty-file.zip', emptyEntryZip(entry), false);
    }
    async send(namespace, path, filename, bytes, allow400) {
        const { contentType, body } = await formBody([['fileContent', new Blob([bytes]), filename]]);
        return this.http.send({
            method: 'POST',
            path: `/namespaces/${pathSegment(namespace)}/files`,
            query: { path },
            route: '/namespaces/{namespace}/files',
            headers: { 'content-type': contentType },
            body,
            ...(allow400 && { allow: [400] })
        });
    }
    async delete(namespace, path) {
        await this.http.send({
            method: 'DELETE',
            path: `/namespaces/${pathSegment(namespace)}/files`,
            query: { path },
            route: '/namespaces/{namespace}/files'
        });
    }
    async exported(namespace) {
        const response = await this.http.send({
            method: 'GET',
            path: `/namespaces/${pathSegment(namespace)}/files/export`,
            route: '/namespaces/{namespace}/files/export',
            allow: [404, 405]
        });
        if (response.status === 404 || response.status === 405) {
            this.exportMissing = true;
            return undefined;
        }
        return [...readZipEntries(response)]
            .map(([name, entry]) => ({ path: '/' + name.replace(/^\/+/, ''), ...entry }))
            .filter(({ path }) => !path.startsWith(`/${FLOWS_FOLDER}/`));
    }
    async walk(namespace, dir, budget) {
        const response = await this.http.send({
            method: 'GET',
            path: `/namespaces/${pathSegment(namespace)}/files/directory`,
            query: { path: dir },
            route: '/namespaces/{namespace}/files/directory',
            allow: [404]
        });
        if (response.status === 404)
            return [];
        const entries = new Map();
        for (const item of readJsonArray(response)) {
            const { fileName, type } = item;
            if (typeof fileName !== 'string' || fileName === '')
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
                return this.walk(namespace, path, budget);
            const bytes = await this.get(namespace, path);
            return bytes ? [{ path, size: bytes.length, bytes: () => bytes }] : [];
        }));
        return nested.flat();
    }
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
const ALIAS = /(?:^[ \t]*|[:?-][ \t]+|[[{,][ \t]*)\*[^\s,[\]{}]/m;
function topLevelText(source, keys) {
    if (ALIAS.test(source))
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

const YAML = { 'content-type': 'application/x-yaml' };
const EXPORTED_AT_ONCE = 1000;
class FlowsEndpoint {
    http;
    exportMissing = false;
    batch;
    listingsUnderWay = 0;
    constructor(http) {
        this.http = http;
    }
    async list(namespace) {
        const { listed, sources } = await this.listedWithSources(namespace);
        const flows = await Promise.all(listed.map(async ({ id, revision, updated }) => {
            const source = sources.get(id);
            if (source !== undefined)
                return { namespace, id, revision, source, ...(updated && { updated }) };
            return this.get(namespace, id);
        }));
        return flows
            .filter((flow) => flow !== undefined)
            .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    async revisions(namespace) {
        return new Map((await this.listed(namespace)).map(({ id, revision }) => [id, revision]));
    }
    async get(namespace, id) {
        const response = await this.http.send({
            method: 'GET',
            path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
            query: { source: 'true' },
            route: '/flows/{namespace}/{id}',
            allow: [404]
        });
        if (response.status === 404)
            return undefined;
        return toRemoteFlow(response, '');
    }
    async revisionSource(namespace, id, revision) {
        const response = await this.http.send({
            method: 'GET',
            path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
            query: { revision: String(revision), source: 'true' },
            route: '/flows/{namespace}/{id}',
            allow: [404]
        });
        if (response.status === 404)
            return undefined;
        const { source } = readJsonObject(response);
        return typeof source === 'string' ? source : undefined;
    }
    async create(source) {
        const response = await this.http.send({
            method: 'POST',
            path: '/flows',
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
        const stored = identity && (await this.get(identity.namespace, identity.id));
        if (stored && withoutRevisionLine(stored.source) === withoutRevisionLine(source))
            return stored;
        throw error;
    }
    async update(namespace, id, source) {
        const response = await this.http.send({
            method: 'PUT',
            path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
            route: '/flows/{namespace}/{id}',
            headers: YAML,
            body: source
        });
        return toRemoteFlow(response, source);
    }
    async delete(namespace, id) {
        const response = await this.http.send({
            method: 'DELETE',
            path: `/flows/${pathSegment(namespace)}/${pathSegment(id)}`,
            route: '/flows/{namespace}/{id}',
            allow: [404]
        });
        if (response.status === 404 && response.attempts === 1)
            throw responseError(response);
    }
    async listed(namespace) {
        const listing = await this.http.send({
            method: 'GET',
            path: `/flows/${pathSegment(namespace)}`,
            route: '/flows/{namespace}'
        });
        return readJsonArray(listing).flatMap((item) => {
            const flow = item;
            if (typeof flow.id !== 'string' || flow.deleted === true)
                return [];
            if (typeof flow.namespace === 'string' && flow.namespace !== namespace)
                return [];
            const updated = typeof flow.updated === 'string' ? { updated: flow.updated } : {};
            return [{ id: flow.id, revision: Number(flow.revision ?? 0), ...updated }];
        });
    }
    async listedWithSources(namespace) {
        this.listingsUnderWay++;
        const listing = await settle(this.listed(namespace));
        this.listingsUnderWay--;
        if (!listing.ok || listing.value.length === 0 || this.exportMissing) {
            if (this.listingsUnderWay === 0)
                this.send();
            return { listed: valueOfEnded(listing), sources: new Map() };
        }
        const listed = listing.value;
        const together = await this.join(namespace, listed);
        if (together)
            return { listed, sources: together };
        const again = await this.listed(namespace);
        if (again.length === 0 || this.exportMissing)
            return { listed: again, sources: new Map() };
        const alone = await this.exportSources([{ namespace, listed: again }]);
        return { listed: again, sources: alone?.get(namespace) ?? new Map() };
    }
    join(namespace, listed) {
        const names = listed.flatMap(({ id }) => entryNames(namespace, id));
        if (this.batch &&
            (flowsIn(this.batch) + listed.length > EXPORTED_AT_ONCE ||
                names.some((name) => this.batch.names.has(name)))) {
            this.send();
        }
        const batch = (this.batch ??= { members: [], names: new Set() });
        for (const name of names)
            batch.names.add(name);
        const sources = new Promise((done) => batch.members.push({ namespace, listed, done }));
        if (flowsIn(batch) >= EXPORTED_AT_ONCE || this.listingsUnderWay === 0)
            this.send();
        return valueOf(sources);
    }
    send() {
        const batch = this.batch;
        this.batch = undefined;
        if (!batch)
            return;
        void settle(this.exportSources(batch.members)).then((outcome) => {
            for (const member of batch.members) {
                member.done(outcome.ok
                    ? {
                        ok: true,
                        value: outcome.value && (outcome.value.get(member.namespace) ?? new Map())
                    }
                    : outcome);
            }
        });
    }
    async exportSources(members) {
        const response = await this.http.send({
            method: 'POST',
            path: '/flows/export/by-ids',
            route: '/flows/export/by-ids',
            readOnly: true,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(members.flatMap(({ namespace, listed }) => listed.map(({ id }) => ({ namespace, id })))),
            allow: [404, 405]
        });
        if (response.status === 404)
            return undefined;
        if (response.status === 405) {
            this.exportMissing = true;
            return new Map();
        }
        const named = new Map(members.flatMap(({ namespace, listed }) => listed.flatMap(({ id }) => entryNames(namespace, id).map((name) => [name, { namespace, id }]))));
        const sources = new Map(members.map(({ namespace }) => [namespace, new Map()]));
        for (const [name, bytes] of readZip(response)) {
            const source = new TextDecoder().decode(bytes);
            const flow = named.get(name.slice(name.lastIndexOf('/') + 1).replace(/\.ya?ml$/i, '')) ??
                identified(source, named);
            if (flow)
                sources.get(flow.namespace)?.set(flow.id, source);
        }
        return sources;
    }
}
function flowsIn(batch) {
    return batch.members.reduce((sum, member) => sum + member.listed.length, 0);
}
function entryNames(namespace, id) {
    return [`${namespace}.${id}`, `${namespace}-${id}`];
}
function identified(source, named) {
    const identity = flowIdentity$1(source);
    return identity && named.get(`${identity.namespace}.${identity.id}`);
}
function toRemoteFlow(response, sentSource) {
    const flow = readJsonObject(response);
    if (typeof flow.id !== 'string' || typeof flow.namespace !== 'string') {
        throw new ApiError({
            status: response.status,
            method: response.method,
            path: response.path,
            serverMessage: 'the answer is not a flow (no id or namespace)'
        });
    }
    return {
        namespace: flow.namespace,
        id: flow.id,
        revision: Number(flow.revision ?? 0),
        source: typeof flow.source === 'string' ? flow.source : sentSource,
        ...(typeof flow.updated === 'string' && { updated: flow.updated })
    };
}

class KvEndpoint {
    http;
    constructor(http) {
        this.http = http;
    }
    async get(namespace, key, first = false) {
        const response = await this.http.send({
            method: 'GET',
            path: `/namespaces/${pathSegment(namespace)}/kv/${pathSegment(key)}`,
            route: '/namespaces/{namespace}/kv/{key}',
            allow: [404, 410],
            first
        });
        if (response.status === 404 || response.status === 410)
            return undefined;
        return readJsonObject(response).value;
    }
    async put(namespace, key, value) {
        await this.http.send({
            method: 'PUT',
            path: `/namespaces/${pathSegment(namespace)}/kv/${pathSegment(key)}`,
            route: '/namespaces/{namespace}/kv/{key}',
            headers: { 'content-type': 'text/plain' },
            body: JSON.stringify(value) ?? 'null'
        });
    }
    async delete(namespace, key) {
        await this.http.send({
            method: 'DELETE',
            path: `/namespaces/${pathSegment(namespace)}/kv/${pathSegment(key)}`,
            route: '/namespaces/{namespace}/kv/{key}'
        });
    }
}

const MAX_BATCH = 250;
function batchCount(flows, concurrency) {
    return Math.max(MAX_BATCH, Math.ceil(flows / concurrency));
}
const MAX_BATCH_BYTES = 512 * 1024;
const BATCH_BOUND = { count: MAX_BATCH, bytes: MAX_BATCH_BYTES };
const SEPARATOR$1 = '\n---\n';
const SEPARATOR_LINE = /(^|\n)---/;
class FillingBatch {
    bound;
    count = 0;
    bytes = 0;
    constructor(bound = BATCH_BOUND) {
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
class ValidateEndpoint {
    http;
    constructor(http) {
        this.http = http;
    }
    async validate(sources, count = MAX_BATCH) {
        const bound = { count, bytes: MAX_BATCH_BYTES };
        const results = await Promise.all(planBatches(sources, bound).map((batch) => this.validateBatch(sources, batch)));
        return results.flat().sort((a, b) => a.index - b.index);
    }
    async validateBatch(sources, batch) {
        const body = batch.map((index) => sources[index]).join(SEPARATOR$1);
        const response = await this.http.send({
            method: 'POST',
            path: '/flows/validate',
            route: '/flows/validate',
            readOnly: true,
            headers: { 'content-type': 'application/x-yaml' },
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
                this.validateBatch(sources, batch.slice(0, half)),
                this.validateBatch(sources, batch.slice(half))
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
    }
}
function couldNotValidate(why) {
    return `Kestra could not validate this flow: ${why}.`;
}
function unreadable(why) {
    return { cause: 'unreadable', message: couldNotValidate(why) };
}
function planBatches(sources, bound = BATCH_BOUND) {
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
        const record = (item && typeof item === 'object' ? item : {});
        const index = 'index' in record ? record.index : position;
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
    const transport = new Transport({
        server: options.server.replace(/\/+$/, ''),
        auth: options.auth,
        timeoutMs: options.timeoutSeconds * 1000,
        concurrency: options.concurrency,
        userAgent: options.userAgent ?? 'kestra-gitops-action',
        retry: retryPolicy(options.retry),
        dispatcher,
        onRetry: options.onRetry
    });
    const http = new ScopedHttp(transport, options.tenant);
    const flows = new FlowsEndpoint(http);
    const files = new FilesEndpoint(http);
    const kv = new KvEndpoint(http);
    const validation = new ValidateEndpoint(http);
    const executions = new ExecutionsEndpoint(http);
    const dashboards = new DashboardsEndpoint(http);
    const namespaces = new NamespacesEndpoint(http);
    const listings = new ListingsEndpoint(http);
    return {
        info: () => http.info(),
        listFlows: (namespace) => flows.list(namespace),
        flowRevisions: (namespace) => flows.revisions(namespace),
        getFlow: (namespace, id) => flows.get(namespace, id),
        createFlow: (source) => flows.create(source),
        updateFlow: (namespace, id, source) => flows.update(namespace, id, source),
        deleteFlow: (namespace, id) => flows.delete(namespace, id),
        listFiles: (namespace) => files.list(namespace),
        getFile: (namespace, path) => files.get(namespace, path),
        uploadFile: (namespace, path, bytes) => files.upload(namespace, path, bytes),
        deleteFile: (namespace, path) => files.delete(namespace, path),
        getKv: (namespace, key, first) => kv.get(namespace, key, first),
        putKv: (namespace, key, value) => kv.put(namespace, key, value),
        deleteKv: (namespace, key) => kv.delete(namespace, key),
        validateFlows: (sources, count) => validation.validate(sources, count),
        listDashboards: () => dashboards.list(),
        getDashboard: (id) => dashboards.get(id),
        createDashboard: (source) => dashboards.create(source),
        updateDashboard: (id, source) => dashboards.update(id, source),
        deleteDashboard: (id) => dashboards.delete(id),
        validateDashboard: (source) => dashboards.validate(source),
        startExecution: (namespace, id, inputs, options) => executions.start(namespace, id, inputs, options),
        getExecution: (executionId, options) => executions.get(executionId, options?.deadline),
        findExecutions: (query, options) => executions.search(query, options?.deadline),
        flowRevisionSource: (namespace, id, revision) => flows.revisionSource(namespace, id, revision),
        fileRevisions: (namespace, path) => files.revisions(namespace, path),
        fileRevision: (namespace, path, revision) => files.get(namespace, path, revision),
        namespacesStartingWith: (prefix) => namespaces.startingWith(prefix),
        secretNames: () => listings.secretNames(),
        namespaceSecretNames: (namespace) => listings.namespaceSecretNames(namespace),
        inheritedSecretNames: (namespace) => listings.inheritedSecretNames(namespace),
        kvKeys: (namespaces) => listings.kvKeys(namespaces),
        namespaceKvKeys: (namespace) => listings.namespaceKvKeys(namespace),
        executionsOf: (groups, states, legacy) => listings.executionsOf(groups, states, legacy),
        requestCount: () => transport.requestCount(),
        close: () => dispatcher.close()
    };
}
function clientForSettings(settings, log, userAgent) {
    if (!settings.server)
        return undefined;
    return createKestraClient({
        server: settings.server,
        tenant: settings.tenant,
        auth: settings.auth,
        timeoutSeconds: settings.timeoutSeconds,
        concurrency: settings.concurrency,
        userAgent,
        onRetry: (info) => log(`Kestra: retrying ${info.method} ${info.path} (${info.reason}) in ${info.delayMs} ms`)
    });
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

const COMMIT_MARKER_KEY = 'kestra-gitops-commit';
const SHA$2 = /^[0-9a-f]{7,64}$/i;
function storedObject(value) {
    let parsed = value;
    if (typeof value === 'string') {
        try {
            parsed = JSON.parse(value);
        }
        catch {
            return undefined;
        }
    }
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? parsed
        : undefined;
}
function parseMarker(value) {
    const parsed = storedObject(value);
    if (!parsed)
        return undefined;
    const { commit, repository } = parsed;
    if (typeof commit !== 'string' || !SHA$2.test(commit) || typeof repository !== 'string') {
        return undefined;
    }
    return { commit, repository };
}
function short(sha) {
    return sha.slice(0, 12);
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
    if (parts.length % 2 === 0) {
        const last = parts.pop();
        parts.push(`${parts.pop()}\`${last}`);
    }
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
function readableUtc(iso) {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime()))
        return escapeText(iso);
    return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
function findingCounts(findings) {
    const counts = { error: 0, warning: 0, notice: 0 };
    for (const f of findings)
        counts[f.severity]++;
    return counts;
}
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
function verdictLine(findings, failOn) {
    const counts = findingCounts(findings);
    const failed = counts.error > 0 || (failOn === 'warning' && counts.warning > 0);
    const tally = [plural(counts.error, 'error'), plural(counts.warning, 'warning')];
    if (counts.notice > 0)
        tally.push(plural(counts.notice, 'notice'));
    return `${failed ? '❌ **Validation failed**' : '✅ **Validation passed**'}: ${tally.join(', ')}`;
}
function verdictAndTarget(input) {
    return `${verdictLine(input.findings, input.failOn ?? 'error')}\\\n${targetLine(input)}`;
}
function targetLine(input) {
    const server = input.server ? escapeText(input.server) : 'none configured';
    const commit = commitText(input.commit, input.repositoryUrl);
    const layout = input.layout
        ? ` · **Layout** ${escapeText(input.layout.layout)} (${escapeText(input.layout.reason)})`
        : '';
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
function noteLines(notes) {
    return (notes ?? []).map((note) => `> ${escapeText(note)}`);
}
function unfinishedText(executions) {
    const n = executions.length;
    return `${n} execution${n === 1 ? '' : 's'} not finished`;
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

function kindOf$1(kinds, change) {
    const kind = kinds.find((candidate) => candidate.name === change.kind);
    if (kind === undefined) {
        throw new ActionError(`no resource kind '${change.kind}' is registered (src/kinds/index.ts)`);
    }
    return kind;
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
        const entry = file ?? own;
        return own?.error || file?.error ? entry.count : undefined;
    };
}
function summaryLine(r, links) {
    const kind = kindOf$1(links.kinds, r);
    const findings = links.invalid?.(r);
    const parts = [`${ACTION_LABEL[r.action]} ${r.kind} <b>${escapeText(resourceName$1(r))}</b>`];
    if (findings !== undefined)
        parts.push(`❌ invalid (${findings} finding${findings === 1 ? '' : 's'})`);
    const counts = lineCounts(r);
    if (counts)
        parts.push(counts);
    parts.push(...kindMarks(links.kinds, r));
    if (r.drifted)
        parts.push('⚠️ drifted');
    if (r.remark !== undefined)
        parts.push(escapeText(r.remark));
    else if (r.action === 'orphaned')
        parts.push('kept because <code>delete</code> is false');
    const page = links.kestraUi === undefined ? undefined : kind.kestraPage?.(r, links.kestraUi);
    if (page)
        parts.push(`<a href="${escapeHtml(page)}">open in Kestra</a>`);
    return parts.join(' · ');
}
function kindMarks(kinds, r) {
    return kindOf$1(kinds, r).marks?.(r) ?? [];
}
function lineCounts(r) {
    if (r.additions === undefined || r.deletions === undefined)
        return undefined;
    const counts = `+${r.additions} −${r.deletions}`;
    return r.diffOmitted === 'too-large' ? `${counts} lines, diff omitted: too large` : counts;
}
function detailsBlock(r, links, diffOmittedNote) {
    const diff = r.diff === undefined ? noDiffText(r) : (diffOmittedNote ?? fence(r.diff, 'diff'));
    const above = kindOf$1(links.kinds, r).above?.(r) ?? [];
    const body = [...above, diff].join('\n\n');
    return `<details><summary>${summaryLine(r, links)}</summary>\n\n${body}\n\n</details>`;
}
function noDiffText(r) {
    if (r.diffOmitted === 'binary')
        return 'Binary content: no diff.';
    if (r.diffOmitted === 'too-large')
        return 'Diff omitted: the content is too large to compare line by line.';
    return 'Empty content.';
}

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
    const quietResources = quiet.reduce((n, g) => n + g.resources.length, 0);
    if (quiet.length > 0 && active.length > 0) {
        const s = quiet.length === 1 ? '' : 's';
        const line = `No changes in ${quiet.length} other namespace${s} (${quietResources} unchanged).`;
        pieces.push(options.listUnchanged && options.detail === 'diffs'
            ? {
                full: unchangedList(line, quiet.flatMap((g) => g.resources)),
                reduced: line
            }
            : line);
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
        .map((r) => `${r.kind} <b>${escapeText(resourceName$1(r))}</b> (${r.action})`)
        .join(', ');
    return [`#### ⚠️ Drift\n\n${intro}\n\n${list}`];
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

const SEVERITY_LABEL = {
    error: '❌ error',
    warning: '⚠️ warning',
    notice: 'ℹ️ notice'
};
function sortFindings$1(findings) {
    return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b));
}
function sourceLink(input) {
    return input.repositoryUrl && input.commit
        ? { repositoryUrl: input.repositoryUrl, commit: input.commit }
        : undefined;
}
function findingsSection(findings, maxSize, measure, omittedWhere, source) {
    if (findings.length === 0)
        return undefined;
    const head = '#### Validation findings\n\n| Severity | Location | Message |\n| --- | --- | --- |';
    const sorted = sortFindings$1(findings);
    const rows = [];
    let size = measure(head);
    const reserve = measure(omittedNote(sorted.length, omittedWhere)) + 2;
    for (const [i, f] of sorted.entries()) {
        const row = `\n| ${SEVERITY_LABEL[f.severity]} | ${location(f, source)} | ${escapeTextWithCode(f.message)} |`;
        const isLast = i === sorted.length - 1;
        if (size + measure(row) + (isLast ? 0 : reserve) > maxSize)
            break;
        rows.push(row);
        size += measure(row);
    }
    const omitted = sorted.length - rows.length;
    return head + rows.join('') + (omitted > 0 ? `\n\n${omittedNote(omitted, omittedWhere)}` : '');
}
function repositoryUrl(serverUrl, owner, repo) {
    if (!/^https?:\/\/[A-Za-z0-9.:-]+(\/[A-Za-z0-9._~-]+)*\/?$/.test(serverUrl))
        return undefined;
    if (!owner || !repo)
        return undefined;
    return `${serverUrl.replace(/\/$/, '')}/${urlPart(owner)}/${urlPart(repo)}`;
}
function location(f, source) {
    if (f.file === '')
        return 'Kestra (server only)';
    const text = escapeText(`${f.file}:${f.line}`);
    if (!source)
        return text;
    return `[${text}](${source.repositoryUrl}/blob/${urlPart(source.commit)}/${f.file.split('/').map(urlPart).join('/')}#L${f.line})`;
}
function urlPart(segment) {
    return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function omittedNote(count, where) {
    return `${count} more finding${count === 1 ? '' : 's'} not shown: ${where}.`;
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
function isRunLine(line) {
    return line.startsWith(RUN_LINK);
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
    if (!match)
        return undefined;
    let value;
    try {
        value = JSON.parse(match[1]);
    }
    catch {
        return undefined;
    }
    if (typeof value !== 'object' || value === null)
        return undefined;
    const { fingerprint, commit, settings, changes, omitted } = value;
    if (typeof fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(fingerprint))
        return undefined;
    if (typeof commit !== 'string')
        return undefined;
    const record = { fingerprint, commit };
    if (isStringRecord(settings))
        record.settings = settings;
    if (Array.isArray(changes) && changes.every(isRecordedChange))
        record.changes = changes;
    if (typeof omitted === 'number' && Number.isSafeInteger(omitted) && omitted > 0) {
        record.omitted = omitted;
    }
    return record;
}
function isStringRecord(value) {
    return (typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'string'));
}
function isRecordedChange(value) {
    return Array.isArray(value) && value.length === 4 && value.every((v) => typeof v === 'string');
}
const COMMENT_LIMIT = 65_536;

const ACTION_INPUTS = {
    mode: {
        description: 'What to do: auto (plan on pull requests, deploy on push and workflow_dispatch, plan otherwise), validate, plan, deploy, or drift (on schedule or workflow_dispatch: plan the default branch against the server and keep one drift issue current).',
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
    'read-only': 'false'
};

const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const NAMESPACE_MAX_LENGTH = 150;
function isKestraNamespace(namespace) {
    return NAMESPACE_PATTERN.test(namespace) && namespace.length <= NAMESPACE_MAX_LENGTH;
}
const SYSTEM_NAMESPACE = 'system';
function heldNamespaceIsManaged(namespace, extraNamespaces) {
    return namespace !== SYSTEM_NAMESPACE || extraNamespaces.includes(namespace);
}
function sameNamespaces(a, b) {
    return a.length === b.length && a.every((namespace, i) => namespace === b[i]);
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

const FLOW_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
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
    if (dot <= 0 || !NAMESPACE_PATTERN.test(namespace) || !FLOW_ID.test(id)) {
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
function text(placeholder, parse) {
    return { shape: 'value', placeholder, parse };
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
function contentLines(raw) {
    return raw
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
}
const asText = text('TEXT', (raw) => raw);
function plainParser(declaredDefault) {
    if (declaredDefault === 'true' || declaredDefault === 'false')
        return boolean;
    if (/^(?:0|[1-9]\d*)$/.test(declaredDefault))
        return wholeNumber(0);
    return asText;
}

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const COMMENT_KEY_PATTERN = /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/;
const NAMESPACE_HINT = "use lower-case letters, digits, '.', '_' and '-'";
const INPUT_PARSERS = {
    mode: choice('auto', 'validate', 'plan', 'deploy', 'drift'),
    'drift-action': choice('report', 'revert', 'pull-request'),
    server: text('URL', serverUrl),
    tenant: text('ID', (raw, input) => {
        const value = raw.trim();
        if (TENANT_PATTERN.test(value))
            return value;
        throw new ConfigError(input, `'${raw}' is not a tenant id; use lower-case letters, digits, '_' and '-' (default: ${SETTING_DEFAULTS.tenant})`);
    }),
    root: text('DIR', (raw, input) => {
        const value = raw.trim();
        if (!reachesOutside(value))
            return value;
        throw new ConfigError(input, `'${raw}' must be a folder inside the workspace, e.g. '.' or 'kestra'`);
    }),
    namespace: text('NS', (raw, input) => {
        const value = raw.trim();
        if (value === '')
            return undefined;
        if (isKestraNamespace(value))
            return value;
        throw new ConfigError(input, `'${raw}' is not a Kestra namespace; ${NAMESPACE_HINT}`);
    }),
    layout: choice('auto', 'tenant', 'namespace', 'anywhere', 'custom'),
    flows: lines('GLOB', (raw, input) => {
        const globs = contentLines(raw);
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
    'namespace-prefix': text('NS', (raw, input) => {
        const value = raw.trim();
        if (value === '' ||
            (NAMESPACE_PATTERN.test(value) && !value.endsWith('.') && value.length <= 100))
            return value;
        throw new ConfigError(input, `'${raw}' cannot start a namespace; ${NAMESPACE_HINT}, e.g. 'qa' or 'pr-7' (no trailing '.')`);
    }),
    scope: choice('all', 'changed'),
    'max-deletions': wholeNumber(0, 1_000_000),
    'fail-on': choice('error', 'warning'),
    'comment-key': text('KEY', (raw, input) => {
        const value = raw.trim();
        if (COMMENT_KEY_PATTERN.test(value) && !value.includes('--') && value.length <= 64)
            return value;
        throw new ConfigError(input, `'${raw}' is not accepted; use letters, digits, '.', '_' and single '-' (at most 64 characters)`);
    }),
    'timeout-seconds': wholeNumber(1, 3600),
    concurrency: wholeNumber(1, 64),
    'running-executions': choice('warn', 'wait', 'fail'),
    'running-executions-timeout-seconds': wholeNumber(1, 21_600),
    'smoke-flows': lineByLine('FLOW', parseSmokeLine, "write 'NAMESPACE.ID' optionally followed by inputs as key=value"),
    'smoke-timeout-seconds': wholeNumber(1, 21_600),
    'reviewed-plan': text('FINGERPRINT', (raw, input) => {
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
    let url;
    try {
        url = new URL(value);
    }
    catch {
        url = new URL('invalid:');
    }
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

const TRUNCATED = '_… more results are in the job summary of the deploy run._';
const DEPLOYED_HEADING = '#### Deployed';
function upsertDeployedSection(body, deployedMarkdown, headline) {
    const plain = pastDrift(withoutDeployedSection(body.replace(/\r\n?/g, '\n')));
    const lines = withHeadline(plain, headline).split('\n');
    const after = isRunLine(lines.at(-1) ?? '') ? [lines.pop()] : [];
    const before = lines;
    while (before.length > 1 && before[before.length - 1] === '')
        before.pop();
    const build = (content) => [
        ...before,
        '',
        DEPLOYED_START,
        DEPLOYED_HEADING,
        '',
        content,
        '',
        DEPLOYED_END,
        ...(after.length ? ['', ...after] : [])
    ].join('\n');
    const content = deployedMarkdown.replace(/\r\n?/g, '\n').trim();
    const full = build(content);
    if (full.length <= COMMENT_LIMIT)
        return full;
    const room = COMMENT_LIMIT - build('').length - TRUNCATED.length - 2;
    return build(`${cutAtSafeLine(content, room)}\n\n${TRUNCATED}`.trim());
}
function pastDrift(body) {
    const at = body.lastIndexOf(DRIFT_CONSEQUENCE.planned);
    if (at < 0)
        return body;
    return (body.slice(0, at) +
        DRIFT_CONSEQUENCE.deployed +
        body.slice(at + DRIFT_CONSEQUENCE.planned.length));
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

const COMMENT_BUDGET = 60_000;
const SUMMARY_POINTER = '> [!NOTE]\n> The full plan is in the job summary of this run.';
const DIFF_DROPPED = 'Diff omitted: see the job summary.';
function renderComment(input) {
    const budget = (input.budget ?? COMMENT_BUDGET) - runLine(input.runUrl).length - 2;
    const plan = input.plan;
    const head = [
        `${commentMarker(input.commentKey)}\n${title(input)}`,
        verdictAndTarget(input),
        ...noteLines(input.notes)
    ];
    const findings = findingsSection(input.findings, Math.floor(budget * (plan ? 0.4 : 0.9)), utf16Length, 'see the job summary', sourceLink(input));
    if (findings)
        head.push(findings);
    const fit = (pieces) => fitPieces(pieces, budget, utf16Length);
    const minimal = [head[0], SUMMARY_POINTER];
    let body;
    if (!plan) {
        body = fit(head)?.text ?? minimal.join('\n\n');
    }
    else {
        const { changes: _changes, omitted: _omitted, ...brief } = planRecord(plan, input.commit, input.settings);
        const footerOf = (detail) => [
            `Plan fingerprint: \`${plan.fingerprint}\``,
            planMarkerLine(plan.fingerprint, input.commit, detail === 'diffs' ? planRecord(plan, input.commit, input.settings) : brief)
        ];
        const invalid = invalidCounts(input.findings);
        const attempt = (detail, pointer) => fit([
            ...head,
            ...(pointer ? [SUMMARY_POINTER] : []),
            ...changePieces(plan, {
                detail,
                invalid,
                omittedNote: DIFF_DROPPED,
                listUnchanged: false,
                countsOmittedNote: 'Too many namespaces changed to list here: see the job summary.',
                kestraUi: input.kestraUi,
                kinds: input.kinds
            }),
            ...driftPieces(plan, detail),
            ...footerOf(detail)
        ]);
        const whole = attempt('diffs', false);
        body =
            (whole?.reduced === 0 ? whole.text : undefined) ??
                attempt('diffs', true)?.text ??
                attempt('lines', true)?.text ??
                attempt('counts', true)?.text ??
                [...minimal, ...footerOf('minimal')].join('\n\n');
    }
    const last = runLine(input.runUrl);
    return last ? `${body}\n\n${last}` : body;
}

const WRITTEN = new Set(['created', 'updated', 'deleted']);
const NOT_APPLIED = new Set(['conflict', 'failed', 'skipped']);
function deployStatus(resources) {
    if (resources.some((r) => NOT_APPLIED.has(r.result)))
        return 'failed';
    return resources.some((r) => WRITTEN.has(r.result)) ? 'applied' : 'nothing-to-do';
}
function outcomeCounts(resources) {
    const totals = tally$1(resources.filter((r) => isWrite(r.change)));
    const kept = resources.filter((r) => !isWrite(r.change) && r.change.action !== 'orphaned').length;
    const count = (o) => (totals.get(o) ?? 0) + (o === 'unchanged' ? kept : 0);
    return OUTCOME_ORDER.filter((o) => count(o) > 0).map((o) => `${count(o)} ${o}`);
}
const OUTCOME_ORDER = [
    'created',
    'updated',
    'deleted',
    'unchanged',
    'conflict',
    'failed',
    'skipped'
];
function tally$1(rows) {
    const totals = new Map();
    for (const { result } of rows)
        totals.set(result, (totals.get(result) ?? 0) + 1);
    return totals;
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
        if (elapsed < (this.options.delayMs ?? 1000))
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

function checkoutIsOwn(context) {
    return context.pullRequest?.fork !== true && context.runHead === undefined;
}
const PR_EVENTS = ['pull_request', 'pull_request_target', 'merge_group'];
function onPullRequest(context) {
    return (PR_EVENTS.includes(context.eventName) ||
        (context.eventName === 'workflow_run' && context.pullRequest !== undefined));
}
function sameRepository(head, base, repository) {
    if (!isRecord$1(head) || !isRecord$1(base) || !/^[^/\s]+\/[^/\s]+$/.test(repository.fullName)) {
        return false;
    }
    let proven = false;
    const names = [head.full_name, base.full_name];
    if (names.some((name) => name !== undefined)) {
        if (!names.every((name) => name === repository.fullName))
            return false;
        proven = true;
    }
    const ids = [head.id, base.id];
    if (ids.some((id) => id !== undefined)) {
        if (!ids.every((id) => Number.isSafeInteger(id) && id > 0 && id === ids[0])) {
            return false;
        }
        if (repository.id !== undefined) {
            if (ids[0] !== repository.id)
                return false;
            proven = true;
        }
    }
    return proven;
}
function isRecord$1(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const run$2 = promisify(execFile);
const SHA$1 = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i;
const ZERO_SHA = /^0+$/;
const FULL_HISTORY_HINT = 'fetch history with actions/checkout `fetch-depth: 0` for an exact list';
async function detectChangedFiles(context, options) {
    if (onPullRequest(context))
        return pullRequestChanges(context, options);
    if (context.eventName === 'push')
        return pushChanges(context, options);
    return all(`${context.eventName} events treat every file as changed`);
}
async function pullRequestChanges(context, { workspace, github }) {
    const pr = context.pullRequest;
    if (!pr)
        return all(`the ${context.eventName} event names no pull request`);
    const listed = await changedInGit(workspace, [pr.baseSha, pr.headSha], (base, head) => [
        `${base}...${head}`
    ]);
    if (listed.ok)
        return listed.value;
    const gitProblem = listed.problem ?? `the PR's base and head commits are not in the local history (shallow clone)`;
    if (!github)
        return all(`${gitProblem} and no GitHub token is available; ${FULL_HISTORY_HINT}`);
    let files;
    try {
        files = await github.listPullRequestFiles(pr.number);
    }
    catch (error) {
        return all(`${gitProblem} and ${errorMessage(error)}`);
    }
    if (files.truncated) {
        return all(`the PR changes more than 3,000 files, GitHub's listing limit; ${FULL_HISTORY_HINT}`);
    }
    if (pr.changedFiles !== undefined && files.files.length < pr.changedFiles) {
        return all(`GitHub listed ${files.files.length} of the PR's ${pr.changedFiles} changed files; ${FULL_HISTORY_HINT}`);
    }
    return fromApi(files.files, `${gitProblem}; listed through the GitHub API`);
}
async function pushChanges(context, { workspace, github }) {
    const push = context.push;
    if (!push || !SHA$1.test(push.after))
        return all('the push event names no commit range');
    if (ZERO_SHA.test(push.after))
        return all('the push deleted the branch');
    if (ZERO_SHA.test(push.before) || !push.before) {
        return all('the push created a new branch, so there is no previous commit to compare with');
    }
    const short = push.before.slice(0, 12);
    const listed = await changedInGit(workspace, [push.before, push.after], (before, after) => [
        before,
        after
    ]);
    if (listed.ok)
        return listed.value;
    const gitProblem = listed.problem ??
        `the previous commit ${short} is not in the local history (force push or shallow clone)`;
    if (!github)
        return all(`${gitProblem} and no GitHub token is available; ${FULL_HISTORY_HINT}`);
    let compared;
    try {
        compared = await github.compareCommits(push.before, push.after);
    }
    catch (error) {
        return all(`${gitProblem} and ${errorMessage(error)}`);
    }
    if (compared.status !== 'ahead' && compared.status !== 'identical') {
        return all(`the push rewrote history (${short} is not an ancestor of the pushed commit)`);
    }
    if (compared.truncated) {
        return all(`the push changes more than 300 files, GitHub's compare limit; ${FULL_HISTORY_HINT}`);
    }
    return fromApi(compared.files, `${gitProblem}; compared through the GitHub API`);
}
async function changedInGit(workspace, [from, to], revisions) {
    if (!SHA$1.test(from) || !SHA$1.test(to))
        return { ok: false };
    try {
        return { ok: true, value: fromGit(await gitDiff(workspace, revisions(from, to))) };
    }
    catch (error) {
        const present = (await hasCommit(workspace, from)) && (await hasCommit(workspace, to));
        if (!present)
            return { ok: false };
        return { ok: false, problem: `git diff failed (${firstLine$2(errorMessage(error))})` };
    }
}
async function hasCommit(workspace, sha) {
    if (!SHA$1.test(sha))
        return false;
    try {
        await git$2(workspace, ['cat-file', '-e', `${sha}^{commit}`]);
        return true;
    }
    catch {
        return false;
    }
}
async function gitDiff(workspace, revisions) {
    const output = await git$2(workspace, [
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
async function git$2(workspace, args) {
    const { stdout } = await run$2('git', args, {
        cwd: workspace,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
    });
    return stdout;
}
function fromGit(paths) {
    return { kind: 'list', paths, source: 'git' };
}
function fromApi(files, note) {
    const paths = new Set();
    for (const file of files) {
        paths.add(file.path);
        if (file.previousPath)
            paths.add(file.previousPath);
    }
    return { kind: 'list', paths, source: 'api', note };
}
function all(reason) {
    return { kind: 'all', reason };
}
function firstLine$2(text) {
    return text.split('\n', 1)[0];
}

const WHOLE_READ_LIMIT = 4 * 1024 * 1024;
const EMPTY_CONTENT = summaryOf(new Uint8Array());
async function summariseContent(absPath) {
    const fd = openSync(absPath, constants$1.O_RDONLY | (constants$1.O_NOFOLLOW ?? 0));
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
async function summariseStream(fd) {
    const hash = createHash('sha256');
    const decoder = new TextDecoder$1('utf-8', { fatal: true });
    let size = 0;
    let binary = false;
    for await (const chunk of createReadStream('', {
        fd,
        autoClose: false,
        highWaterMark: 1024 * 1024
    })) {
        const bytes = chunk;
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
function isOversized(entry) {
    return entry.size > MAX_FILE_BYTES;
}
class NamespaceFileReadError extends ActionError {
    name = 'NamespaceFileReadError';
}
async function readNamespaceFileBytes(entry) {
    if (entry.symlinkEscapes) {
        throw new NamespaceFileReadError(`${entry.file} is a symbolic link that points outside the root folder; it is never read`);
    }
    if (isOversized(entry)) {
        throw new NamespaceFileReadError(`${entry.file} is over the ${MAX_FILE_BYTES / 2 ** 20} MiB limit of a namespace file; it is never read`);
    }
    if (entry.absPath === '') {
        throw new NamespaceFileReadError(`${entry.file} comes from a commit's tree, whose bytes are not kept; compare its sha256 instead`);
    }
    return readFile(entry.absPath, { flag: constants$1.O_RDONLY | (constants$1.O_NOFOLLOW ?? 0) });
}

const NOTHING_FOUND = 'nothing-found';
function deployableFlow(flow) {
    return (!flow.notAFlow &&
        flow.id !== undefined &&
        flow.namespace !== undefined &&
        NAMESPACE_PATTERN.test(flow.namespace));
}

async function desiredState(model, actual) {
    const managed = new Set(model.managedNamespaces);
    const flows = desiredFlows(model);
    const safe = model.files.filter((entry) => !entry.symlinkEscapes && managed.has(entry.namespace));
    const held = new Map();
    for (const [namespace, { files }] of actual ?? []) {
        for (const file of files)
            held.set(fileKey(namespace, file.path), file.summary.sha256);
    }
    const differing = safe.filter((entry) => !isOversized(entry) && held.get(fileKey(entry.namespace, entry.path)) !== entry.sha256);
    const bytes = new Map(await mapLimit(differing, 32, async (entry) => [entry, await readNamespaceFileBytes(entry)]));
    const files = safe.map((entry) => ({
        namespace: entry.namespace,
        path: entry.path,
        ...(bytes.has(entry) && { bytes: bytes.get(entry) }),
        sha256: entry.sha256,
        size: entry.size,
        binary: entry.binary,
        file: entry.file
    }));
    return { flows, files };
}
function desiredFlows(model) {
    const managed = new Set(model.managedNamespaces);
    const seen = new Set();
    const flows = [];
    for (const flow of model.flows) {
        if (!deployableFlow(flow) || !managed.has(flow.namespace))
            continue;
        const key = flowKey(flow.namespace, flow.id);
        if (seen.has(key))
            continue;
        seen.add(key);
        flows.push({ namespace: flow.namespace, id: flow.id, source: flow.source, file: flow.file });
    }
    return flows;
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
    const patterns = [];
    text.split('\n').forEach((raw, index) => {
        const pattern = parsePattern(raw.replace(/\r$/, ''), index + 1);
        if (pattern)
            patterns.push(pattern);
    });
    return patterns;
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
            const posix = name === undefined ? undefined : POSIX_CLASSES[name];
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
function ownVerdict(patterns, rel, isDir, meter) {
    return verdictOf$2(lastMatch(patterns, rel.split('/'), isDir));
}
function verdictOf$2(pattern) {
    if (!pattern)
        return { ignored: false, unignored: false };
    return { ignored: !pattern.negative, unignored: pattern.negative, pattern };
}
function lastMatch(patterns, names, isDir, meter) {
    for (let i = patterns.length - 1; i >= 0; i--) {
        if (patternMatches(patterns[i], names, isDir))
            return patterns[i];
    }
    return undefined;
}
function patternMatches(pattern, names, isDir, meter) {
    if (!pattern.names || (pattern.dirOnly && !isDir))
        return false;
    const subject = pattern.anchored ? names : names.slice(-1);
    return greedyMatch(pattern.names, subject, (token) => token.kind === 'globstar', (token, name) => token.kind === 'name' && nameMatches(token.chars, name));
}
function nameMatches(tokens, name, meter) {
    return greedyMatch(tokens, [...name], (token) => token.kind === 'star', (token, char) => charMatches(token, char));
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
    folders = new Map();
    constructor(path, patterns) {
        this.path = path;
        this.patterns = patterns;
    }
    test(rel, isDir) {
        return isDir
            ? this.folder(rel)
            : (this.ignoredParent(rel) ?? ownVerdict(this.patterns, rel, false));
    }
    folder(rel) {
        let verdict = this.folders.get(rel);
        if (!verdict) {
            verdict = this.ignoredParent(rel) ?? ownVerdict(this.patterns, rel, true);
            this.folders.set(rel, verdict);
        }
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
    async excludesPath(rel) {
        const segments = rel.split('/');
        for (let depth = 1; depth <= segments.length; depth++) {
            const isDir = depth < segments.length;
            if (await this.excludes(segments.slice(0, depth).join('/'), isDir))
                return true;
        }
        return false;
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
        const entries = dirents.map((dirent) => ({ name: dirent.name, kind: direntKind(dirent) }));
        const untyped = entries.filter((entry) => entry.kind === undefined);
        await Promise.all(untyped.map(async (entry) => {
            const stats = await lstat(join(this.root, dirRel, entry.name)).catch(() => undefined);
            entry.kind = stats ? statsKind(stats) : 'other';
        }));
        return entries;
    }
    async kind(rel) {
        let stats;
        try {
            stats = lstatSync(join(this.root, rel), { throwIfNoEntry: false });
        }
        catch {
            stats = undefined;
        }
        return stats && statsKind(stats);
    }
    async read(rel) {
        return readFileSync(join(this.root, rel));
    }
    summarise(rel) {
        return summariseContent(join(this.root, rel));
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
            const code = error.code;
            return {
                kind: 'escapes',
                reason: code === 'ELOOP' ? 'it loops' : 'its target does not exist'
            };
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
            if (exists(join(dir, '.git')))
                return true;
            if (resolve$1(dir, '..') === dir)
                return false;
        }
    }
    real() {
        if (!this.rootReal) {
            let real;
            try {
                real = realpathSync(this.root);
            }
            catch {
                real = undefined;
            }
            this.rootReal = Promise.resolve(real);
        }
        return this.rootReal;
    }
}
function exists(path) {
    try {
        return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
    }
    catch {
        return false;
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
    return (await rules.excludesPath(target))
        ? 'it points to a path excluded by .kestraignore, a dot-folder or .git'
        : undefined;
}
function direntKind(dirent) {
    if (dirent.isSymbolicLink())
        return 'symlink';
    if (dirent.isDirectory())
        return 'folder';
    if (dirent.isFile())
        return 'file';
    if (dirent.isFIFO() ||
        dirent.isSocket() ||
        dirent.isBlockDevice() ||
        dirent.isCharacterDevice()) {
        return 'other';
    }
    return undefined;
}
function statsKind(stats) {
    if (stats.isSymbolicLink())
        return 'symlink';
    if (stats.isDirectory())
        return 'folder';
    return stats.isFile() ? 'file' : 'other';
}

function git$1(cwd, args, { exit1IsEmpty = false } = {}) {
    return new Promise((resolve) => {
        execFile('git', args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }, (error, out) => resolve(!error ? out : exit1IsEmpty && error.code === 1 ? '' : undefined));
    });
}
function gitWithInput(cwd, args, input) {
    return new Promise((resolve) => {
        const child = spawn('git', args, { cwd, stdio: ['pipe', 'pipe', 'ignore'] });
        const chunks = [];
        child.stdout.on('data', (chunk) => chunks.push(chunk));
        child.on('error', () => resolve(undefined));
        child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks).toString('utf8') : undefined));
        child.stdin.on('error', () => undefined);
        child.stdin.end(input.map((path) => `${path}\0`).join(''));
    });
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
        const workspaceAbs = resolve$1(workspace);
        const rootRel = relative(workspaceAbs, resolve$1(workspaceAbs, root)).split(sep).join('/');
        const [blobs, changes] = await Promise.all([
            listCommitFolder(workspaceAbs, sha, rootRel),
            worktreeChanges(workspaceAbs, sha, rootRel)
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
    const breather = new Breather();
    for (const [path, blob] of blobs) {
        if (breather.due())
            await breather.breathe();
        add(path, blob.kind);
    }
    return folders;
}
async function listCommitFolder(workspace, sha, folder) {
    if (!OBJECT_ID.test(sha))
        return undefined;
    const under = folder === '' ? '' : `${folder}/`;
    const listing = await git$1(workspace, [
        '--literal-pathspecs',
        'ls-tree',
        '-r',
        '-l',
        '-z',
        `${sha}^{commit}`,
        '--',
        under === '' ? '.' : under
    ]);
    return listing === undefined ? undefined : parseTree(listing, under);
}
async function parseTree(listing, under) {
    const blobs = new Map();
    const breather = new Breather();
    for (const record of listing.split('\0')) {
        if (breather.due())
            await breather.breathe();
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
async function worktreeChanges(workspace, sha, folder) {
    if (!OBJECT_ID.test(sha))
        return undefined;
    const pathspec = folder === '' ? '.' : folder;
    const diff = await git$1(workspace, [
        'diff',
        '--name-only',
        '-z',
        '--no-renames',
        '--relative',
        sha,
        '--',
        pathspec
    ]);
    const untracked = await git$1(workspace, [
        'ls-files',
        '-z',
        '--others',
        '--',
        `:(glob)${folder === '' ? '' : `${folder}/`}**/${IGNORE_FILE}`
    ]);
    if (diff === undefined || untracked === undefined)
        return undefined;
    const strip = folder === '' ? '' : `${folder}/`;
    const changed = new Set();
    for (const path of diff.split('\0')) {
        if (path !== '' && path.startsWith(strip))
            changed.add(path.slice(strip.length));
    }
    return { changed, untrackedIgnoreFile: untracked !== '' };
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
    const fileOf = (rel) => (current.rootRel === '' ? rel : `${current.rootRel}/${rel}`);
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
        const problems = problemsByFile.get(fileOf(rel)) ?? [];
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
        const group = groups.get(key);
        if (group)
            group.push(item);
        else
            groups.set(key, [item]);
    }
    return groups;
}

const YAML_FILE$1 = /\.ya?ml$/;
function isYamlFile(rel) {
    return YAML_FILE$1.test(rel);
}
function layoutRules(settings, layout) {
    const flowAreas = [];
    const fileAreas = [];
    if (layout === 'tenant') {
        flowAreas.push({ dir: [NAMESPACE_PATTERN, 'flows'], expectedNamespaceOf: (s) => s[0] });
        fileAreas.push({ dir: [NAMESPACE_PATTERN, 'files'], namespaceOf: (s) => s[0], prefix: '' });
    }
    else if (layout === 'namespace') {
        const namespace = settings.namespace;
        flowAreas.push({ dir: ['flows'], expectedNamespaceOf: () => namespace });
        fileAreas.push({ dir: ['files'], namespaceOf: () => namespace, prefix: '' });
    }
    for (const mapping of settings.namespaceFiles) {
        fileAreas.push({
            dir: splitPath(mapping.dir),
            namespaceOf: () => mapping.namespace,
            prefix: mapping.prefix
        });
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
            const dirs = segments.slice(0, -1);
            const placement = { files: filesFor(fileAreas, segments) };
            if (!YAML_FILE$1.test(segments[segments.length - 1]))
                return placement;
            const area = flowAreas.find((a) => startsWith(dirs, a.dir));
            if (area)
                placement.flow = { expectedNamespace: area.expectedNamespaceOf(segments) };
            else if (globs?.matches(rel))
                placement.flow = {};
            else if (layout === 'anywhere')
                placement.flow = { ifFlowDocument: true };
            return placement;
        },
        mayContain(dirRel) {
            const segments = splitPath(dirRel);
            return searched.some((dir) => dir.every((segment, i) => i >= segments.length || matches$1(segment, segments[i])));
        }
    };
}
function filesFor(areas, segments) {
    const dirs = segments.slice(0, -1);
    const holding = areas.filter((a) => startsWith(dirs, a.dir));
    const depth = Math.max(...holding.map((a) => a.dir.length));
    const files = new Map();
    for (const area of holding.filter((a) => a.dir.length === depth)) {
        const namespace = area.namespaceOf(segments);
        const path = `${area.prefix}/${segments.slice(area.dir.length).join('/')}`;
        files.set(`${namespace}\0${path}`, { namespace, path });
    }
    return [...files.values()];
}
function flowGlobs(patterns) {
    const normalised = patterns.map((p) => p.replace(/^\.\//, ''));
    const include = normalised.filter((p) => !p.startsWith('!'));
    const exclude = normalised.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
    const options = { dot: true };
    const included = include.length > 0 ? picomatch(include, options) : () => false;
    const excluded = exclude.length > 0 ? picomatch(exclude, options) : () => false;
    return {
        matches: (rel) => included(rel) && !excluded(rel),
        bases: include.map((p) => splitPath(picomatch.scan(p).base))
    };
}
function startsWith(dirs, area) {
    return dirs.length >= area.length && area.every((segment, i) => matches$1(segment, dirs[i]));
}
function matches$1(segment, name) {
    return typeof segment === 'string' ? segment === name : segment.test(name);
}
function splitPath(path) {
    return path.split('/').filter((s) => s !== '' && s !== '.');
}

async function chooseLayout(settings, tree, rules) {
    if (settings.layout !== 'auto') {
        return { layout: settings.layout, reason: settings.layoutReason ?? 'set by the layout input' };
    }
    if (settings.namespace)
        return { layout: 'namespace', reason: 'the namespace input is set' };
    return decideLayout(await topFolders(tree, rules));
}
async function chooseWorkTreeLayout(settings, workspace) {
    const tree = new WorkTree(workspace, settings.root);
    return chooseLayout(settings, tree, new IgnoreRules(tree));
}
function decideLayout(folders) {
    if (folders.length === 0) {
        return {
            layout: 'anywhere',
            reason: 'no top-level <namespace>/flows/ or <namespace>/files/ folder; every flow under root is read'
        };
    }
    const misnamed = folders.find((folder) => !NAMESPACE_PATTERN.test(folder.name));
    if (misnamed) {
        return {
            layout: 'anywhere',
            reason: `'${misnamed.name}/' holds flows/ or files/ but is not a namespace name; every flow under root is read`
        };
    }
    const unused = folders.find((folder) => !folder.declaresOwnNamespace);
    if (unused) {
        return {
            layout: 'anywhere',
            reason: `no flow in '${unused.name}/flows/' declares namespace ${unused.name} or a child of it; every flow under root is read`
        };
    }
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
    for (const entry of await listing(tree, dirRel)) {
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
    for (const entry of await listing(tree, dirRel)) {
        const rel = childOf(dirRel, entry.name);
        if (entry.kind === 'folder' && !(await rules.excludes(rel, true)))
            folders.push(rel);
    }
    return folders;
}
function listing(tree, dirRel) {
    return tree.list(dirRel).catch(() => []);
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
        return typeof rule === 'object' ? rule : undefined;
    }
    knowListing(dirRel, names) {
        this.gitignore?.knowListing(dirRel, names.has(GIT_IGNORE_FILE));
        return { virtualEnv: names.has(VIRTUAL_ENV_MARKER) };
    }
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
    await options.breathe?.();
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

const ONLY_GIT = {
    excludedBy: async (rel) => rel.slice(rel.lastIndexOf('/') + 1).toLowerCase() === '.git' ? 'fixed' : undefined,
    knowListing: () => undefined
};
async function hiddenFlows(hidden, context) {
    const found = [];
    for (const { rel, isDir, rule } of hidden) {
        const files = isDir ? await filesUnder(rel, context) : [rel];
        for (const file of files) {
            if (await wouldRead(file, context))
                found.push({ rel: file, rule });
        }
    }
    return found;
}
async function filesUnder(dirRel, context) {
    const walk = await walkTree({
        tree: context.tree,
        rules: ONLY_GIT,
        mayContain: context.rules.mayContain,
        search: context.layout === 'anywhere' ? SearchScope.dependenciesOnly() : undefined,
        limit: context.limit,
        from: dirRel
    });
    return walk.entries.filter((entry) => entry.kind === 'file').map((entry) => entry.rel);
}
async function wouldRead(rel, context) {
    const flow = context.rules.place(rel).flow;
    if (!flow)
        return false;
    if (context.layout === 'custom')
        return true;
    return isFlowDocument(context.tree, rel);
}
async function isFlowDocument(tree, rel) {
    if (!isYamlFile(rel))
        return false;
    const text = await tree.read(rel).then(String, () => '');
    return kindOfText(normaliseText(text)) === 'flow';
}

class LocalFilesTracker {
    namespaces = new Map();
    constructor(placements) {
        for (const placement of placements) {
            for (const namespace of namespacesOf$1(placement)) {
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
        for (const namespace of namespacesOf$1(placement)) {
            const pending = this.namespaces.get(namespace);
            pending.files.push(...files.filter((file) => file.namespace === namespace));
            if (--pending.left === 0)
                pending.settle(pending.files);
        }
    }
}
function namespacesOf$1(placement) {
    return new Set(placement.files.map((file) => file.namespace));
}

function managedNamespaces(flows, files, extraNamespaces) {
    const held = new Set();
    for (const flow of flows) {
        const namespace = flowNamespace(flow);
        if (namespace !== undefined)
            held.add(namespace);
    }
    for (const file of files)
        held.add(file.namespace);
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

function firstInvalidUtf8(bytes) {
    if (isUtf8(bytes))
        return -1;
    let i = 0;
    while (i < bytes.length) {
        const b = bytes[i];
        const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : 4;
        if (b >= 0xf5 || (b >= 0x80 && b < 0xc2))
            return i;
        if (i + length > bytes.length)
            return i;
        const second = bytes[i + 1];
        if (length >= 2) {
            const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
            const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
            if (second < low || second > high)
                return i;
        }
        for (let k = 2; k < length; k++) {
            const c = bytes[i + k];
            if (c < 0x80 || c > 0xbf)
                return i;
        }
        i += length;
    }
    return -1;
}
function lineOfOffset(bytes, offset) {
    let line = 1;
    for (let i = 0; i < offset; i++)
        if (bytes[i] === 0x0a)
            line++;
    return line;
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
    const invalidAt = firstInvalidUtf8(bytes);
    if (invalidAt !== -1) {
        return {
            severity: 'error',
            file: location.file,
            line: lineOfOffset(bytes, invalidAt),
            message: 'the flow file is not valid UTF-8 text; save it with UTF-8 encoding'
        };
    }
    const { file, rel, expectedNamespace } = location;
    const reused = await reuse?.({ file, rel, expectedNamespace }, bytes);
    if (reused)
        return reused;
    return parseFlowFile({ file, rel, expectedNamespace, raw: bytes.toString('utf8') });
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
function nothingFound(model, settings, layout, hidden = []) {
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
            `looked in ${lookedIn(settings, layout)} under root '${settings.root}'.${hiding} Set namespace (flows/ and files/ ` +
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
        file: inWorkspace(rootRel, rule.file ?? rels[0]),
        ...(rule.line > 0 ? { line: rule.line } : {}),
        rule: 'ignored-flows',
        message: `${ruleName(rule, rootRel)} hides ${files.length} ${what}: ${named(files)}. ${ruleFix(rule, rels[0])}`
    }));
}
function groupByRule(hidden, rootRel) {
    const groups = new Map();
    for (const { rel, rule } of hidden) {
        const key = ruleOrder(rule);
        const group = groups.get(key) ?? { rule, rels: new Set() };
        group.rels.add(rel);
        groups.set(key, group);
    }
    return [...groups.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([, { rule, rels }]) => {
        const sorted = [...rels].sort();
        return { rule, rels: sorted, files: sorted.map((rel) => inWorkspace(rootRel, rel)) };
    });
}
function ruleOrder(rule) {
    return `${rule.file ?? ''}\0${String(rule.line).padStart(9, '0')}\0${rule.pattern}`;
}
function ruleName(rule, rootRel) {
    if (rule.file === undefined) {
        return "The rule on names starting with '.' (dotfiles and dot-folders are not read unless a .kestraignore negation lists them)";
    }
    return `${inWorkspace(rootRel, rule.file)} line ${rule.line} (\`${rule.pattern}\`)`;
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
function inWorkspace(rootRel, rel) {
    return rootRel === '' ? rel : `${rootRel}/${rel}`;
}
function lookedIn(settings, layout) {
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

const CONCURRENCY = 32;
async function loadRepository(tree, settings, hooks = {}) {
    const { workspace, rootRel } = tree;
    const fileOf = (rel) => (rootRel === '' ? rel : `${rootRel}/${rel}`);
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
        model.readProblems.push({
            severity: 'error',
            file: rootRel === '' ? '.' : rootRel,
            message: `the root folder '${settings.root}' does not exist in the workspace; check the root input`
        });
        return model;
    }
    const chosen = model.layout.layout;
    const layout = layoutRules(settings, chosen);
    const search = await SearchScope.of(tree);
    const revealed = new Set();
    const held = (namespace) => {
        if (revealed.has(namespace) || !heldNamespaceIsManaged(namespace, settings.extraNamespaces))
            return;
        revealed.add(namespace);
        hooks.onNamespace?.(namespace);
    };
    settings.extraNamespaces.forEach(held);
    const reuse = hooks.reuseFlow;
    const byFiles = new Set();
    const placed = [];
    const walking = new Semaphore(CONCURRENCY);
    const breather = new Breather();
    const walk = await walkTree({
        tree,
        rules,
        mayContain: layout.mayContain,
        search,
        limit: (task) => walking.run(task),
        breathe: () => breather.breathe(),
        onEntry(entry) {
            const placement = layout.place(entry.rel);
            placed.push({ entry, placement });
            const expected = placement.flow?.expectedNamespace;
            if (expected !== undefined && !revealed.has(expected)) {
                reuse?.prefetch(expected);
                held(expected);
            }
            for (const { namespace } of placement.files) {
                if (reuse)
                    byFiles.add(namespace);
                else
                    held(namespace);
            }
        }
    });
    byFiles.forEach(held);
    const localFiles = new LocalFilesTracker(placed.filter(({ placement }) => placement.files.length > 0).map(({ placement }) => placement));
    const flowsPlaced = placed.filter(({ placement }) => placement.flow !== undefined);
    hooks.onWalked?.({ files: localFiles, flowFiles: flowsPlaced.length });
    const context = {
        tree,
        reuseFlow: hooks.reuseFlow,
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
        await breather.breathe();
        return take(placed, await loadEntry(placed.entry, placed.placement, context));
    });
    const load = async (entries) => {
        const known = [];
        const byNamespace = new Map();
        const unknown = [];
        for (const placed of entries) {
            if (breather.due())
                await breather.breathe();
            const reused = placed.entry.kind === 'file' ? hooks.known?.(placed.entry.rel) : undefined;
            const namespace = hooks.knownFiles && plainFileNamespace(placed);
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
                if (breather.due())
                    await breather.breathe();
                const file = knownFile(placed.entry.rel);
                if (file)
                    found.push(take(placed, knownFileDiscovery(placed, file, context)));
                else
                    missed.push(placed);
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
        ...(await hiddenFlows(walk.hidden, {
            tree,
            rules: layout,
            layout: chosen,
            limit: (task) => walking.run(task)
        })),
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
    model.flows.sort(byFlowOrder);
    model.files.sort(byFileOrder);
    model.readProblems.sort(byProblemOrder);
    model.managedNamespaces = managedNamespaces(model.flows, model.files, settings.extraNamespaces);
    return model;
}
function byFlowOrder(a, b) {
    return compareCodeUnits(a.file, b.file);
}
function byFileOrder(a, b) {
    return (compareCodeUnits(a.file, b.file) ||
        compareCodeUnits(a.namespace, b.namespace) ||
        compareCodeUnits(a.path, b.path));
}
function byProblemOrder(a, b) {
    return (compareCodeUnits(a.file, b.file) ||
        (a.line ?? 0) - (b.line ?? 0) ||
        compareCodeUnits(a.message, b.message));
}
function plainFileNamespace({ entry, placement }) {
    if (entry.kind !== 'file' || placement.flow || placement.files.length !== 1)
        return undefined;
    return placement.files[0].namespace;
}
function knownFileDiscovery({ entry, placement }, known, context) {
    const found = nothingDiscovered();
    found.files.push(...fileEntries(placement, context.fileOf(entry.rel), entry.rel, known.summary, {
        absPath: context.tree.bytesPath(entry.rel),
        symlink: false,
        symlinkEscapes: false,
        blob: known.blob
    }));
    return found;
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
            if (rule && (await isFlowDocument(tree, entry.rel))) {
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
                found.files.push(...fileEntries(placement, file, entry.rel, EMPTY_CONTENT, {
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
        const flow = await readFlow(tree, source.rel, { file, rel: entry.rel, ...placement.flow }, context.reuseFlow);
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
        if (searched && (await isFlowDocument(tree, entry.rel)))
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

function baseCommit(context) {
    const sha = context.pullRequest?.baseSha || context.push?.before;
    return sha && !/^0+$/.test(sha) ? sha : undefined;
}
function snapshotOf(model) {
    const snapshot = { flows: new Map(), files: new Map() };
    for (const flow of model.flows) {
        if (!deployableFlow(flow))
            continue;
        const key = flowKey(flow.namespace, flow.id);
        if (!snapshot.flows.has(key))
            snapshot.flows.set(key, { source: flow.source, file: flow.file });
    }
    for (const file of model.files) {
        snapshot.files.set(fileKey(file.namespace, file.path), { sha256: file.sha256, file: file.file });
    }
    return snapshot;
}
function openBaseTree(settings, context) {
    const sha = baseCommit(context);
    return sha ? GitTree.open(context.workspace, sha, settings.root) : undefined;
}
async function readBaseSnapshot(borrowing, settings, current, reuseFlow) {
    const borrowed = await borrowing;
    if (!borrowed)
        return undefined;
    const { tree } = borrowed;
    try {
        return snapshotOf(await loadRepository(tree, settings, {
            known: workTreeReuse(current, tree),
            layout: current.layout,
            ...(reuseFlow && { reuseFlow })
        }));
    }
    finally {
        await borrowed.release();
    }
}
async function baseFromApi(plan, github, sha) {
    const snapshot = { flows: new Map(), files: new Map() };
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

function lendTree(opening) {
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
    return {
        workspace: tree.workspace,
        rootRel: tree.rootRel,
        hasRoot: () => tree.hasRoot(),
        list: (dirRel) => tree.list(dirRel),
        kind: (rel) => tree.kind(rel),
        read: (rel) => tree.read(rel),
        summarise: (rel) => tree.summarise(rel),
        blob: (rel) => tree.blob(rel),
        resolveLink: (rel, rules) => tree.resolveLink(rel, rules),
        bytesPath: (rel) => tree.bytesPath(rel),
        versioned: () => tree.versioned(),
        close: release
    };
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
    const breather = new Breather();
    for (const record of listing.split('\0')) {
        if (breather.due())
            await breather.breathe();
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
        if (breather.due())
            await breather.breathe();
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
    const output = await gitWithInput(folder, ['check-attr', '--all', '-z', '--stdin'], paths);
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

async function readMarkers(api, namespaces, semaphore, first = false) {
    const markers = new Map();
    const warnings = [];
    const stored = new Map();
    await Promise.all(namespaces.map(async (namespace) => {
        let value;
        try {
            const read = () => api.getKv(namespace, COMMIT_MARKER_KEY, first);
            value = await (semaphore ? semaphore.run(read, first) : read());
        }
        catch (error) {
            warnings.push(`Could not read the deployed commit of namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; cannot tell whether this commit is older than what it holds, deploying anyway.`);
            return;
        }
        const marker = parseMarker(value);
        if (value !== undefined && marker === undefined) {
            warnings.push(`The KV entry ${COMMIT_MARKER_KEY} of namespace ${namespace} is not a deployed-commit marker; it will be overwritten after this deploy.`);
        }
        markers.set(namespace, marker);
        const object = storedObject(value);
        if (object)
            stored.set(namespace, object);
    }));
    warnings.sort();
    return { markers, warnings, stored };
}

const STORED_CHECKS_FIELD = 'checks';
function checkDigest(key) {
    return sha256Hex(JSON.stringify([
        key.validator,
        key.file,
        key.rel,
        key.expectedNamespace,
        key.layout,
        key.sha256
    ]));
}
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
        names: check.names
    };
}
const MAX_STORED_CHECKS_BYTES = 512 * 1024;
function entriesWithin(entries, bound = MAX_STORED_CHECKS_BYTES) {
    const kept = {};
    let bytes = '{}'.length;
    let count = 0;
    for (const digest of Object.keys(entries).sort()) {
        const entry = entries[digest];
        const size = utf8Length(JSON.stringify(entry)) + digest.length + 3 + (count ? 1 : 0);
        if (bytes + size > bound)
            continue;
        kept[digest] = entry;
        bytes += size;
        count += 1;
    }
    return kept;
}
function sameStoredCheck(a, b) {
    return (canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b))));
}
function storedChecksOf(markerValue) {
    const found = new Map();
    const stored = markerValue?.[STORED_CHECKS_FIELD];
    if (!isObject$2(stored))
        return found;
    for (const [digest, entry] of Object.entries(stored)) {
        if (/^[0-9a-f]{64}$/.test(digest) && isStoredCheck(entry))
            found.set(digest, entry);
    }
    return found;
}
function isObject$2(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function fits(value, shape) {
    if (!isObject$2(value))
        return false;
    return Object.entries(shape).every(([field, type]) => {
        const held = value[field];
        if (type.startsWith('?'))
            return held === undefined || typeof held === type.slice(1);
        return typeof held === type;
    });
}
const SEVERITIES = ['error', 'warning', 'notice'];
const FINDING = {
    file: 'string',
    line: 'number',
    column: '?number',
    endLine: '?number',
    endColumn: '?number',
    rule: 'string',
    message: 'string',
    resource: '?string'
};
function isFinding(value) {
    return fits(value, FINDING) && SEVERITIES.includes(value.severity);
}
function isVersioned(value) {
    return (isObject$2(value) &&
        fits(value.finding, FINDING) &&
        isVersion(value.since) &&
        SEVERITIES.includes(value.whenUnknown) &&
        (value.silentBefore === undefined || value.silentBefore === true) &&
        (value.until === undefined || isVersion(value.until)));
}
function isVersion(value) {
    return Array.isArray(value) && value.length === 3 && value.every((part) => Number.isInteger(part));
}
const SITE = {
    file: 'string',
    line: 'number',
    column: 'number',
    fromFlow: 'string',
    namespace: 'string'
};
function isReference(value) {
    if (!fits(value, SITE))
        return false;
    if (value.kind === 'file')
        return typeof value.path === 'string';
    return (value.kind === 'flow' &&
        typeof value.id === 'string' &&
        ['subflow', 'foreach', 'flow-trigger'].includes(value.via));
}
function isName(value) {
    return (fits(value, {
        name: 'string',
        namespace: '?string',
        flowNamespace: 'string',
        file: 'string',
        line: 'number',
        column: 'number',
        fromFlow: 'string'
    }) && ['secret', 'kv'].includes(value.kind));
}
const every = (value, test) => Array.isArray(value) && value.every(test);
function isStoredCheck(value) {
    return (fits(value, {
        id: '?string',
        namespace: '?string',
        notAFlow: 'boolean',
        otherKind: '?string',
        wellFormed: 'boolean'
    }) &&
        every(value.findings, isFinding) &&
        every(value.versioned, isVersioned) &&
        (value.identity === undefined ||
            fits(value.identity, {
                namespace: 'string',
                id: 'string',
                file: 'string',
                line: 'number',
                column: 'number'
            })) &&
        every(value.references, isReference) &&
        (value.names === undefined || every(value.names, isName)));
}

const CONTENT_FACTS_FIELD = 'contents';
const MAX_CONTENT_FACTS_BYTES = 384 * 1024;
const NO_CONTENT_FACTS = { blobs: new Map(), zipped: new Map() };
const BLOB_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZIP_DIGEST = /^[sd][A-Za-z0-9_-]{43}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const SIZE = /^(?:0|[1-9][0-9]{0,14})$/;
function contentFactsOf(markerValue) {
    const stored = markerValue?.[CONTENT_FACTS_FIELD];
    if (!isObject$1(stored))
        return NO_CONTENT_FACTS;
    return { blobs: factsIn(stored.blobs, BLOB_ID), zipped: factsIn(stored.zipped, ZIP_DIGEST) };
}
function factsIn(value, key) {
    const facts = new Map();
    if (!isObject$1(value))
        return facts;
    for (const id in value) {
        const summary = summaryIn(value[id]);
        if (summary && key.test(id))
            facts.set(id, summary);
    }
    return facts;
}
function summaryIn(text) {
    if (typeof text !== 'string' || text.charCodeAt(64) !== 0x2c)
        return undefined;
    const flag = text.charCodeAt(text.length - 1);
    if (text.charCodeAt(text.length - 2) !== 0x2c || (flag !== 0x30 && flag !== 0x31))
        return undefined;
    const sha256 = text.slice(0, 64);
    const size = text.slice(65, -2);
    if (!SHA256.test(sha256) || !SIZE.test(size))
        return undefined;
    return { sha256, size: Number(size), binary: flag === 0x31 };
}
function isObject$1(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
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
    return new Map([...facts].map(([namespace, { blobs, zipped }]) => [namespace, within$1(blobs, zipped)]));
}
function storedSummary(summary) {
    if (summary.sha256.length !== 64)
        return undefined;
    return `${summary.sha256},${summary.size},${summary.binary ? 1 : 0}`;
}
function within$1(blobs, zipped) {
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
    localFiles;
    knowLocalFiles;
    exports = new Semaphore(EXPORTS_AT_ONCE);
    heldBytes = 0;
    waitingForRoom = [];
    constructor(api, options) {
        this.api = api;
        this.options = options;
        this.localFiles = new Promise((resolve) => (this.knowLocalFiles = resolve));
    }
    start(namespace) {
        if (this.flows.has(namespace))
            return;
        if (this.options.markers) {
            this.markers.set(namespace, readMarkers(this.api, [namespace], undefined, true));
        }
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
                    return serverFile(path, file, keepUnlessSame(local.get(path)), facts);
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
    storedChecks(namespace) {
        let checks = this.checks.get(namespace);
        if (!checks) {
            checks = this.storedMarker(namespace).then(storedChecksOf);
            this.checks.set(namespace, checks);
        }
        this.start(namespace);
        return checks;
    }
    storedChecksOfStarted(namespace) {
        return this.flows.has(namespace) ? this.storedChecks(namespace) : Promise.resolve(new Map());
    }
    contentFacts(namespace) {
        if (this.options.facts !== 'use')
            return Promise.resolve(NO_CONTENT_FACTS);
        let facts = this.facts.get(namespace);
        if (!facts) {
            facts = this.storedMarker(namespace).then(contentFactsOf);
            this.facts.set(namespace, facts);
        }
        return facts;
    }
    prefetchStoredChecks(namespace) {
        void this.storedMarker(namespace);
    }
    storedMarker(namespace) {
        let marker = this.stored.get(namespace);
        if (!marker) {
            if (this.options.markers)
                this.start(namespace);
            const reading = this.markers.get(namespace) ?? readMarkers(this.api, [namespace], undefined, true);
            marker = reading.then((read) => read.stored?.get(namespace), () => undefined);
            this.stored.set(namespace, marker);
        }
        return marker;
    }
    knowFiles(files) {
        this.knowLocalFiles(files);
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
    async markersOf(namespaces) {
        const sorted = [...namespaces].sort();
        const readings = sorted.map((namespace) => this.markers.get(namespace) ?? readMarkers(this.api, [namespace]));
        const parts = await Promise.all(readings);
        const read = {
            markers: new Map(parts.flatMap((part) => [...part.markers])),
            warnings: parts.flatMap((part) => part.warnings).sort(),
            stored: new Map(parts.flatMap((part) => [...(part.stored ?? [])]))
        };
        return { namespaces: sorted, read };
    }
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
function keepUnlessSame(local) {
    return ({ sha256 }) => !(local?.size === 1 && local.has(sha256));
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
function readUnfinished(api, flows, target) {
    const idsOf = new Map();
    for (const f of flows)
        idsOf.set(f.namespace, [...(idsOf.get(f.namespace) ?? []), f.id]);
    return searchUnfinished(api, [...idsOf].map(([namespace, ids]) => Promise.resolve({ namespace, ids })), target);
}
function readUnfinishedOfRewritable(api, namespaces, wanted, target) {
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
    return searchUnfinished(api, groups, target).then((byFlow) => ({ byFlow }), (error) => ({ error }));
}
async function searchUnfinished(api, groups, target) {
    const known = (await Promise.all(groups)).filter(({ ids }) => ids.length > 0);
    const byFlow = new Map();
    if (known.length === 0)
        return byFlow;
    const info = await api.info();
    const version = parseVersion(info.version);
    const states = NOT_TERMINATED.filter(([, since]) => !version || !older(version, since)).map(([state]) => state);
    const legacy = version !== undefined && older(version, [1, 1, 0]);
    const searched = known
        .map(({ namespace, ids }) => ({ namespace, flowIds: [...new Set(ids)].sort() }))
        .sort((a, b) => compareCodeUnits(a.namespace, b.namespace));
    const found = await api.executionsOf(searched, states, legacy);
    const tenant = info.tenantScoped ? target.tenant : undefined;
    for (const execution of found.sort(byStart)) {
        if (!states.includes(execution.state))
            continue;
        const key = flowKey(execution.namespace, execution.flowId);
        const list = byFlow.get(key) ?? [];
        list.push({
            id: execution.id,
            state: execution.state,
            url: executionUrl(target.server, tenant, execution)
        });
        byFlow.set(key, list);
    }
    return byFlow;
}
function older(version, than) {
    for (let i = 0; i < 3; i++)
        if (version[i] !== than[i])
            return version[i] < than[i];
    return false;
}
function byStart(a, b) {
    return Date.parse(a.startDate ?? '') - Date.parse(b.startDate ?? '') || (a.id < b.id ? -1 : 1);
}

const ROLLBACK_RECORD_KEY = 'kestra-gitops-rollback';

async function readRollbackRecords(api, namespaces) {
    const holding = new Set(await namespacesHoldingRecords(api, namespaces));
    const values = await Promise.all(namespaces.map(async (namespace) => {
        if (!holding.has(namespace))
            return undefined;
        try {
            return await api.getKv(namespace, ROLLBACK_RECORD_KEY);
        }
        catch (error) {
            throw new Error(`could not read whether a rollback is unfinished in namespace ${namespace} (KV ${ROLLBACK_RECORD_KEY}): ${errorMessage(error)}`, { cause: error });
        }
    }));
    const found = new Map();
    namespaces.forEach((namespace, i) => {
        if (values[i] !== undefined)
            found.set(namespace, values[i]);
    });
    return found;
}
async function namespacesHoldingRecords(api, namespaces) {
    try {
        const keys = await liveKvKeys(api, [...namespaces]);
        return namespaces.filter((namespace) => keys[namespace]?.includes(ROLLBACK_RECORD_KEY));
    }
    catch {
    }
    return namespaces;
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
        const stored = await (options.onlyStarted
            ? options.reads.storedChecksOfStarted(sent)
            : options.reads.storedChecks(sent));
        const check = stored.get(checkDigest({
            validator,
            file,
            rel,
            expectedNamespace,
            layout: options.layout,
            sha256: sha256Hex(bytes)
        }));
        if (!check)
            return undefined;
        const flow = reusedFlowFile({ file, rel, raw: bytes.toString('utf8'), expectedNamespace }, check);
        options.reused(flow, check);
        return flow;
    };
    return Object.assign(reuse, {
        prefetch(namespace) {
            const sent = looked(namespace);
            if (sent !== undefined && !options.onlyStarted)
                options.reads.prefetchStoredChecks(sent);
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
        const digest = checkDigest({
            validator: options.identity,
            file: flow.file,
            rel: flow.rel,
            expectedNamespace: expected,
            layout: options.layout,
            sha256: sha256Hex(Buffer.from(flow.raw, 'utf8'))
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

function kvLookupScopes(ref, ownNamespaceOnly = false) {
    if (ref.namespace !== undefined)
        return [ref.namespace];
    return ownNamespaceOnly ? [ref.flowNamespace] : kvScopes(ref.flowNamespace);
}
function kvScopes(namespace) {
    const parts = namespace.split('.');
    return parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
}

function atLeast(version, since) {
    for (let i = 0; i < 3; i++) {
        if (version[i] !== since[i])
            return (version[i] ?? 0) > (since[i] ?? 0);
    }
    return true;
}
function resolveVersioned(versioned, version) {
    return versioned.flatMap(({ finding, since, whenUnknown, silentBefore, until }) => {
        if (version === undefined)
            return [{ ...finding, severity: whenUnknown }];
        if (until && atLeast(version, until))
            return [{ ...finding, severity: 'warning' }];
        if (atLeast(version, since))
            return [{ ...finding, severity: 'error' }];
        return silentBefore ? [] : [{ ...finding, severity: 'warning' }];
    });
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

async function knownTargets(model, refs, server) {
    const files = new Set(model.files.map((f) => `${f.namespace}\0${f.path}`));
    const flows = new Set(model.flows.filter(deployableFlow).map((f) => `${f.namespace}\0${f.id}`));
    for (const [namespace, actual] of server?.state ?? []) {
        for (const file of actual.files)
            files.add(`${namespace}\0${file.path}`);
        for (const flow of actual.flows)
            flows.add(`${namespace}\0${flow.id}`);
    }
    if (server) {
        const unresolved = uniqueTargets(refs).filter((ref) => !(ref.kind === 'file' ? files : flows).has(targetOf(ref)));
        await mapLimit(unresolved, 8, async (ref) => {
            if (server.state?.has(ref.namespace))
                return;
            const exists = ref.kind === 'file'
                ? (await server.api.getFile(ref.namespace, ref.path)) !== undefined
                : (await server.api.getFlow(ref.namespace, ref.id)) !== undefined;
            if (exists)
                (ref.kind === 'file' ? files : flows).add(targetOf(ref));
        });
    }
    return { files, flows };
}
function targetOf(ref) {
    return ref.kind === 'file' ? `${ref.namespace}\0${ref.path}` : `${ref.namespace}\0${ref.id}`;
}
function uniqueTargets(refs) {
    const seen = new Map();
    for (const ref of refs)
        seen.set(`${ref.kind}\0${targetOf(ref)}`, ref);
    return [...seen.values()];
}

const MAX_EXPANDED_NODES = 100_000;
function analyseAliases(doc, source) {
    const plain = source !== undefined && !source.includes('&') && !source.includes('*');
    return plain ? { targets: new Map(), problems: [], safe: true } : analyse(doc);
}
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
    if (cycle !== undefined) {
        problems.push({
            node: cycle,
            message: `alias '*${cycle.source}' refers to a node that contains it: remove the recursive alias`
        });
        return { targets, problems, safe: false };
    }
    if (total > MAX_EXPANDED_NODES) {
        const first = targets.keys().next().value;
        problems.push({
            node: first,
            message: `aliases expand this document to more than ${MAX_EXPANDED_NODES} nodes (an alias bomb?): write the values out or reduce the aliases`
        });
        return { targets, problems, safe: false };
    }
    return { targets, problems, safe: true };
}
function fitToSend(flow, aliases) {
    if (flow.sendable !== undefined)
        return flow.sendable;
    const [only, ...more] = flow.documents;
    if (flow.notAFlow || !only || more.length > 0 || only.errors.length > 0)
        return false;
    return (aliases ?? analyseAliases(only, flow.source)).safe;
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
        const opening = openBaseTree(settings, context);
        if (!opening)
            return undefined;
        opening.catch(() => undefined);
        this.borrowBase = lendTree(opening);
        this.held = this.borrowBase().catch(() => undefined);
        return this.borrowBase;
    }
    async close() {
        await (await this.held)?.release();
    }
}
function probeServer(reads, { settings, mode, kestra }) {
    if (!kestra || (mode === 'validate' && !settings.serverValidation))
        return undefined;
    return (reads.probe ??= settle(kestra.info().then((info) => info.version)));
}
function runLayout(reads, settings, workspace) {
    return (reads.layout ??= chooseWorkTreeLayout(settings, workspace));
}
function gather(input) {
    const { settings, context, mode, layout, kestra, sending, target } = input;
    const shared = input.reads;
    const probe = probeServer(shared, { settings, mode, kestra });
    const planning = kestra !== undefined && mode !== 'validate';
    const committed = planning
        ? (shared.committed ??= commitTime(context.workspace, context.sha))
        : undefined;
    const pr = context.pullRequest;
    const comments = input.github && pr && target.comment && planning && context.eventName !== 'merge_group'
        ? (shared.comments ??= input.github
            .stickyComments(pr.number, commentMarker(settings.commentKey))
            .catch(() => []))
        : undefined;
    const changed = (shared.changed ??= settle(changedFiles(input)));
    const borrowBase = planning ? shared.openBase(settings, context) : undefined;
    const recorded = mode === 'deploy' && !target.transientEnvironment;
    const facts = recorded ? 'record' : mode === 'plan' && input.reuse ? 'use' : undefined;
    const reads = planning
        ? new ServerReads(kestra, { markers: mode === 'deploy', facts })
        : undefined;
    const validating = kestra && settings.serverValidation;
    const onServer = validating
        ? (shared.validation ??= new ServerValidation(kestra, settings.concurrency))
        : undefined;
    const index = facts
        ? (shared.index ??= readIndexBlobs(resolve$1(context.workspace, settings.root)))
        : undefined;
    const workTree = new WorkTree(context.workspace, settings.root, index);
    const kindsReading = input.kinds.map(async (kind) => {
        const held = await kind.gather({
            settings,
            target,
            mode,
            layout,
            workTree,
            openBase: borrowBase
                ? () => borrowBase().then((borrowed) => borrowed && asClosable(borrowed))
                : undefined,
            kestra: planning || settings.serverValidation ? kestra : undefined
        });
        return [kind.name, held];
    });
    const kinds = settle(Promise.all(kindsReading));
    const reused = new Map();
    const reuseOf = (options) => reads && input.reuse
        ? reuseStoredChecks({
            reads,
            sending,
            extraNamespaces: settings.extraNamespaces,
            layout: layout.layout,
            identity: input.reuse,
            ...options
        })
        : undefined;
    const reuseFlow = reuseOf({ reused: (flow, check) => reused.set(flow, check) });
    const baseReused = new Set();
    const stream = shared.repository ? undefined : new FlowStream();
    const loading = (shared.repository ??= loadRepository(workTree, settings, {
        layout,
        reuseFlow,
        knownFiles: reads && index && facts === 'use'
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
    const flows = stream ?? wholeFlows(loading);
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
    const after = (model, sent, references, names) => {
        const reading = reads && settle(reads.state(sent));
        const answers = onServer && settle(onServer.answers());
        const markers = mode === 'deploy' ? reads?.markersOf(sent.managedNamespaces) : undefined;
        const recordsOf = [...sent.managedNamespaces].sort();
        const rollbackRecords = mode === 'deploy' && reads && kestra
            ? { namespaces: recordsOf, read: settle(readRollbackRecords(kestra, recordsOf)) }
            : undefined;
        const repositoryBase = borrowBase &&
            (shared.base ??= settle(readBaseSnapshot(borrowBase(), settings, model, mode === 'plan'
                ? reuseOf({ reused: (flow) => baseReused.add(flow.file), onlyStarted: true })
                : undefined)));
        const base = repositoryBase &&
            settle(Promise.all([valueOf(repositoryBase), reading && valueOf(reading)]).then(([snapshot, server]) => snapshot && sending.base(snapshot, model.managedNamespaces, server)));
        const desired = reading && settle(valueOf(reading).then((held) => desiredState(sent, held)));
        const listings = planning && names.length > 0
            ? settle(readNameListings({ ...kestra, secretNames: () => (shared.secretNames ??= kestra.secretNames()) }, names))
            : undefined;
        const unfinished = reads &&
            kestra &&
            readUnfinishedOfRewritable(kestra, sent.managedNamespaces.map((namespace) => ({ namespace, held: reads.flowsOf(namespace) })), { flows: desiredFlows(sent), deleteEnabled: target.delete }, { server: settings.server ?? '', tenant: settings.tenant });
        const state = reading ?? settle(Promise.resolve(undefined));
        const snapshot = settle((async () => {
            const held = await valueOf(state);
            return Object.freeze({
                layout,
                model: sent,
                changed: await valueOf(changed),
                serverVersion: await probe,
                state: held,
                serverAnswers: answers && (await valueOf(answers)),
                targets: await knownTargets(sent, references, kestra && { api: kestra, state: held }),
                markers: await markers,
                desired: desired && (await valueOf(desired)),
                commitTime: await committed,
                kinds: new Map(await valueOf(kinds)),
                base: await base,
                listings: await listings,
                unfinished: await unfinished,
                rollbackRecords: rollbackRecords && {
                    ...rollbackRecords,
                    read: await rollbackRecords.read
                },
                comments: await comments
            });
        })());
        return { serverVersion: Promise.resolve(probe), changed, state, snapshot, baseReused };
    };
    return { repository, reused, flows, after };
}
async function* wholeFlows(loading) {
    const model = await loading.catch(() => undefined);
    if (model)
        yield* model.flows;
}
class FlowStream {
    held = [];
    ended = false;
    wake;
    breather = new Breather();
    push(flow) {
        this.held.push(flow);
        this.wake?.();
    }
    end() {
        this.ended = true;
        this.wake?.();
    }
    async *[Symbol.asyncIterator]() {
        for (;;) {
            await this.breather.breathe();
            const flow = this.held.shift();
            if (flow !== undefined)
                yield flow;
            else if (this.ended)
                return;
            else
                await new Promise((resume) => (this.wake = resume));
        }
    }
}
function changedFiles({ context, github }) {
    if (onPullRequest(context) || context.eventName === 'push') {
        return detectChangedFiles(context, { workspace: context.workspace, github });
    }
    return Promise.resolve({
        kind: 'all',
        reason: context.local
            ? 'no --base was given'
            : `${context.eventName} treats every file as changed`
    });
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
    if (type === undefined)
        return undefined;
    for (const prefix of CORE_FLOW_PREFIXES) {
        if (type.startsWith(prefix))
            return type.slice(prefix.length);
    }
    return undefined;
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
    const tree = { tasks: [], triggers: [], lists: [] };
    const root = document.root;
    if (!root || !document.aliases.safe)
        return tree;
    for (const entry of document.entries(root)) {
        const key = String(entry.key.value);
        if (key === 'tasks' || key === 'errors' || key === 'finally' || key === 'afterExecution') {
            walkList(document, tree, entry, key, true, undefined, undefined);
        }
        else if (key === 'listeners') {
            document.items(entry.value).forEach((listener, index) => {
                const tasks = document.get(listener, 'tasks');
                if (tasks)
                    walkList(document, tree, tasks, `listeners[${index}].tasks`, true, undefined, undefined);
            });
        }
        else if (key === 'triggers') {
            itemsWithOrigin(document, entry.value).forEach(({ node, via }, index) => {
                const map = document.map(node);
                if (map)
                    tree.triggers.push(describe$2(document, map, via ?? map, true, `triggers[${index}]`));
            });
        }
    }
    return tree;
}
function walkList(document, tree, entry, path, strict, owner, via) {
    tree.lists.push({ owner, entry, path });
    itemsWithOrigin(document, entry.value).forEach(({ node, via: itemVia }, index) => {
        const map = document.map(node);
        if (!map)
            return;
        const at = via ?? itemVia;
        const itemPath = `${path}[${index}]`;
        if (isTaskLike(document, map, strict)) {
            visitTask(document, tree, map, at, strict, owner, itemPath);
            return;
        }
        const inner = document.get(map, 'task');
        const innerMap = document.map(inner?.value);
        if (inner && innerMap && isTaskLike(document, innerMap, strict)) {
            const innerVia = distExports.isAlias(inner.pair.value) ? inner.pair.value : undefined;
            visitTask(document, tree, innerMap, at ?? innerVia, strict, owner, `${itemPath}.task`);
        }
    });
}
function visitTask(document, tree, map, via, strict, parent, path) {
    const task = describe$2(document, map, via ?? map, strict, path, parent);
    tree.tasks.push(task);
    const childStrict = CORE_FLOWABLE.has(coreFlowType(task.type) ?? '');
    for (const entry of document.entries(map)) {
        const key = String(entry.key.value);
        const entryVia = via ?? (distExports.isAlias(entry.pair.value) ? entry.pair.value : undefined);
        if (key === 'cases') {
            for (const caseEntry of document.entries(entry.value)) {
                const caseVia = entryVia ?? (distExports.isAlias(caseEntry.pair.value) ? caseEntry.pair.value : undefined);
                walkList(document, tree, caseEntry, `${path}.cases.${String(caseEntry.key.value)}`, childStrict, task, caseVia);
            }
        }
        else if (CHILD_TASK_KEYS.has(key) && document.seq(entry.value)) {
            walkList(document, tree, entry, `${path}.${key}`, childStrict, task, entryVia);
        }
        else if (CHILD_TASK_KEYS.has(key) && childStrict && document.isNull(entry.value)) {
            tree.lists.push({ owner: task, entry, path: `${path}.${key}` });
        }
    }
}
function isTaskLike(document, map, strict) {
    const hasId = document.get(map, 'id') !== undefined;
    const hasType = document.get(map, 'type') !== undefined;
    return strict ? hasId || hasType : hasId && hasType;
}
function describe$2(document, map, at, strict, path, parent) {
    const idEntry = document.get(map, 'id');
    const typeEntry = document.get(map, 'type');
    const node = { map, at, strict, path };
    if (parent)
        node.parent = parent;
    if (idEntry) {
        node.idEntry = idEntry;
        const id = document.string(idEntry.value);
        if (id !== undefined)
            node.id = id;
    }
    if (typeEntry) {
        node.typeEntry = typeEntry;
        const type = document.string(typeEntry.value);
        if (type !== undefined)
            node.type = type;
    }
    return node;
}
function itemsWithOrigin(document, value) {
    const seq = document.seq(value);
    if (!seq)
        return [];
    const out = [];
    for (const item of seq.items) {
        const node = document.resolve(item);
        if (node === undefined)
            continue;
        out.push(distExports.isAlias(item) ? { node, via: item } : { node });
    }
    return out;
}
function taskIdNode(task) {
    if (task.at !== task.map)
        return task.at;
    return task.idEntry?.key ?? task.map;
}

const NEEDS_TASKS = new Set([
    'Parallel',
    'Sequential',
    'EachSequential',
    'EachParallel',
    'ForEach',
    'WorkingDirectory',
    'AllowFailure',
    'Dag',
    'LoopUntil'
]);
function coreTaskFindings(document, tree) {
    return [
        ...emptyListFindings(document, tree),
        ...tree.tasks.flatMap((task) => {
            switch (coreFlowType(task.type)) {
                case 'Switch':
                    return switchFindings(document, task);
                case 'If':
                    return ifFindings(document, task);
                case 'Dag':
                    return dagFindings(document, task);
                case 'WorkingDirectory':
                    return workingDirectoryFindings(document, task, tree);
                default:
                    return missingListFindings(document, task);
            }
        })
    ];
}
function emptyListFindings(document, tree) {
    const findings = [];
    for (const list of tree.lists) {
        if (document.items(list.entry.value).length > 0)
            continue;
        const key = String(list.entry.key.value);
        const owner = list.owner;
        const type = coreFlowType(owner?.type);
        const required = owner === undefined
            ? list.path.startsWith('listeners[')
            : (key === 'tasks' && NEEDS_TASKS.has(type ?? '')) ||
                (key === 'then' && type === 'If') ||
                (type === 'Switch' &&
                    (list.path.includes('.cases.') || key === 'defaults') &&
                    !document.isNull(list.entry.value));
        if (!required)
            continue;
        findings.push(document.finding('error', list.entry.key, 'empty-tasks', `\`${list.path}\` must not be empty: add at least one task${owner === undefined ? '' : ' or remove the branch'}`));
    }
    return findings;
}
function missingListFindings(document, task) {
    const type = coreFlowType(task.type);
    if (!NEEDS_TASKS.has(type ?? '') || document.get(task.map, 'tasks'))
        return [];
    return [
        document.finding('error', task.at, 'empty-tasks', `${type} task '${task.id ?? task.path}' has no \`tasks\`: add the tasks it runs`)
    ];
}
function switchFindings(document, task) {
    const cases = document.entries(document.get(task.map, 'cases')?.value);
    const anyCase = cases.some((entry) => document.items(entry.value).length > 0);
    const defaults = document.items(document.get(task.map, 'defaults')?.value).length > 0;
    if (anyCase || defaults)
        return [];
    return [
        document.finding('error', task.at, 'switch-no-tasks', `Switch '${task.id ?? task.path}' has no task: neither \`cases\` nor \`defaults\` hold any. Add a case or defaults`)
    ];
}
function ifFindings(document, task) {
    const findings = [];
    const condition = document.get(task.map, 'condition');
    if (!condition || document.isNull(condition.value)) {
        findings.push(document.finding('error', task.at, 'if-condition', `If task '${task.id ?? task.path}' has no \`condition\`: add the expression to evaluate`));
    }
    if (!document.get(task.map, 'then')) {
        findings.push(document.finding('error', task.at, 'empty-tasks', `If task '${task.id ?? task.path}' has no \`then\`: add the tasks to run`));
    }
    return findings;
}
function dagFindings(document, task) {
    const findings = missingListFindings(document, task);
    const members = document.items(document.get(task.map, 'tasks')?.value).map((item) => ({
        id: document.string(document.get(document.get(item, 'task')?.value, 'id')?.value),
        dependsOn: document.get(item, 'dependsOn')?.value
    }));
    const ids = members.flatMap((m) => (m.id === undefined ? [] : [m.id]));
    const { unknown, cycle } = dependencyProblems(document, members);
    for (const { node, name } of unknown) {
        findings.push(document.finding('error', node, 'dag-dependency', `Dag '${task.id ?? task.path}': dependsOn names '${name}', which is not a task of this Dag. Use one of: ${ids.join(', ')}`));
    }
    if (cycle) {
        findings.push(document.finding('error', task.at, 'dag-dependency', `Dag '${task.id ?? task.path}' has a dependency cycle: ${cycle.join(' → ')}. Remove one of these dependsOn entries`));
    }
    return findings;
}
function workingDirectoryFindings(document, task, tree) {
    const findings = missingListFindings(document, task);
    for (const child of tree.tasks) {
        if (child.parent !== task || !child.path.startsWith(`${task.path}.tasks[`))
            continue;
        const type = coreFlowType(child.type);
        if (type === undefined || !CORE_FLOWABLE.has(type))
            continue;
        const certain = type !== 'Pause' || document.get(child.map, 'tasks') !== undefined;
        findings.push(document.finding(certain ? 'error' : 'warning', child.at, 'working-directory-child', `WorkingDirectory '${task.id ?? task.path}' may only hold runnable tasks, not the flowable ${type} '${child.id ?? child.path}': move it out of the WorkingDirectory`));
    }
    return findings;
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
        return `the nickname @reboot is not supported (${nicknames()})`;
    if (/\{[{%]/.test(cron))
        return 'Kestra reads `cron` as written, it renders no Pebble expression in it';
    if (cron.includes('|'))
        return undefined;
    const parts = cron.trim().split(/\s+/).filter(Boolean);
    const fields = withSeconds ? [SECONDS, ...FIELDS] : FIELDS;
    if (parts.length !== fields.length) {
        const hint = parts.length === 6 && !withSeconds
            ? '; with a seconds field, add `withSeconds: true`'
            : parts.length === 5 && withSeconds
                ? '; `withSeconds: true` needs a seconds field first'
                : '';
        return `it has ${parts.length} field(s) and Kestra takes ${fields.length} (${fields.map((f) => f.name).join(' ')}) or a nickname (${nicknames()})${hint}`;
    }
    for (const [index, part] of parts.entries()) {
        const problem = fieldProblem(part, fields[index]);
        if (problem)
            return problem;
    }
    return undefined;
}
function fieldProblem(part, field) {
    if (part.endsWith(','))
        return `its ${field.name} field ends with a comma`;
    for (const item of part.split(',')) {
        const step = STEP.exec(item);
        const value = step ? step[1] : item;
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
function nicknames() {
    return [...NICKNAMES].join(', ');
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
const INPUT_TYPES = new Set([
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
const FORM_RELEASE = [1, 3, 25];
const TRIGGER_INPUTS_RELEASE = [2, 0, 0];
const WEBHOOK_TYPES = new Set([
    'io.kestra.plugin.core.trigger.Webhook',
    'io.kestra.core.models.triggers.types.Webhook'
]);
const FILE_DEFAULT_URI = /^(file|nsfile):\/\//;
function declaredInputs$1(document) {
    return inputList(document, document.get(document.root, 'inputs')?.value);
}
function inputList(document, list, form) {
    const out = [];
    for (const item of document.items(list)) {
        const map = document.map(item);
        if (!map)
            continue;
        const idEntry = document.get(map, 'id') ?? document.get(map, 'name');
        const input = {
            map,
            required: document.string(document.get(map, 'required')?.value) !== 'false',
            hasDefaults: !document.isNull(document.get(map, 'defaults')?.value)
        };
        if (form)
            input.form = form;
        if (idEntry) {
            input.idEntry = idEntry;
            const id = document.string(idEntry.value);
            if (id !== undefined)
                input.id = id;
        }
        const type = document.string(document.get(map, 'type')?.value);
        if (type !== undefined)
            input.type = type;
        out.push(input);
    }
    return out;
}
function children(document, form) {
    return form.type === 'FORM'
        ? inputList(document, document.get(form.map, 'inputs')?.value, form)
        : [];
}
function everyInput(document, inputs = declaredInputs$1(document)) {
    return inputs.flatMap((input) => [input, ...children(document, input)]);
}
function leafInputs(document, inputs) {
    return inputs.flatMap((input) => (input.type === 'FORM' ? children(document, input) : [input]));
}
function inputPath(input) {
    if (input.id === undefined)
        return undefined;
    return input.form ? `${input.form.id ?? ''}.${input.id}` : input.id;
}
function inputFindings(document, tree) {
    const inputs = declaredInputs$1(document);
    const leaves = leafInputs(document, inputs);
    const dependencies = dependsOnFindings(document, inputs, leaves);
    return {
        findings: [
            ...everyInput(document, inputs).flatMap((input) => oneInputFindings(document, input)),
            ...duplicates(document, inputs, 'input'),
            ...dependencies.fixed,
            ...outputFindings(document)
        ],
        versioned: [
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
    for (const input of everyInput(document, inputs)) {
        const defaults = document.get(input.map, 'defaults');
        if (!defaults || !input.hasDefaults)
            continue;
        const label = inputLabel(input);
        if (!input.required) {
            findings.push(document.versioned(PREFILL_RELEASE, 'warning', document.get(input.map, 'required')?.key ?? defaults.key, 'input-defaults-optional', `${label} has \`defaults\` and \`required: false\`: Kestra 1.1+ rejects this ('Inputs with a default value must be required, since the default is always applied'). Remove \`required: false\`, or replace \`defaults\` with \`prefill\` to keep the input optional`));
        }
        const prefill = document.get(input.map, 'prefill');
        if (prefill && !document.isNull(prefill.value)) {
            findings.push(document.versioned(PREFILL_RELEASE, 'warning', prefill.key, 'input-defaults-prefill', `${label} has both \`defaults\` and \`prefill\`: Kestra 1.1+ rejects this ('Inputs with a default value cannot also have a prefill'). Keep one of them`));
        }
    }
    return findings;
}
function inputLabel(input) {
    const path = inputPath(input);
    return path !== undefined ? `Input '${path}'` : 'Input';
}
function oneInputFindings(document, input) {
    const findings = [];
    const map = input.map;
    const idNode = input.idEntry?.key ?? map;
    const label = inputLabel(input);
    if (!input.idEntry) {
        findings.push(document.finding('error', map, 'input-id', 'Input has no `id`: add one'));
    }
    else {
        if (String(input.idEntry.key.value) === 'name' && !document.get(map, 'id')) {
            findings.push(document.finding('warning', input.idEntry.key, 'input-name-deprecated', `${label} uses the deprecated \`name:\`: rename the key to \`id:\``));
        }
        if (input.id === undefined || !INPUT_ID_PATTERN.test(input.id)) {
            findings.push(document.finding('error', idNode, 'input-id', `Input id '${input.id ?? ''}' is invalid: use letters, digits, '.', '_' or '-' (no spaces), starting with a letter or digit`));
        }
    }
    const typeEntry = document.get(map, 'type');
    if (!typeEntry || document.isNull(typeEntry.value)) {
        findings.push(document.finding('error', idNode, 'input-type', `${label} has no \`type\`: add one, e.g. \`type: STRING\``));
    }
    else if (input.type === undefined || !INPUT_TYPES.has(input.type)) {
        findings.push(document.finding('warning', typeEntry.value ?? typeEntry.key, 'input-type', `Input type '${input.type ?? ''}' is not one this action knows (${[...INPUT_TYPES].join(', ')}). If your Kestra is newer than this action the server decides; otherwise fix the type`));
    }
    const defaults = document.get(map, 'defaults');
    const literal = document.string(defaults?.value);
    if (defaults &&
        input.type === 'FILE' &&
        literal !== undefined &&
        !/\{[{%]/.test(literal) &&
        !FILE_DEFAULT_URI.test(literal)) {
        findings.push(document.finding('error', defaults.value ?? defaults.key, 'input-file-defaults', `${label}: a FILE input's \`defaults\` can only be a file:// or nsfile:// URI (e.g. nsfile:///data/input.csv), not '${literal}'. Fix the URI or remove \`defaults\``));
    }
    const itemType = document.get(map, 'itemType');
    const itemTypeValue = document.string(itemType?.value);
    if (input.type === 'ARRAY' &&
        itemType &&
        (itemTypeValue === 'ARRAY' || itemTypeValue === 'SECRET')) {
        findings.push(document.finding('error', itemType.value ?? itemType.key, 'input-item-type', `${label}: \`itemType\` cannot be \`${itemTypeValue}\`. Use a scalar type such as STRING`));
    }
    if (input.type === 'MULTISELECT' && document.get(map, 'values') && document.get(map, 'options')) {
        const options = document.get(map, 'options');
        findings.push(document.finding('error', options.key, 'input-multiselect', `${label}: you can't define both \`values\` and \`options\`. Keep \`values\` (\`options\` is deprecated)`));
    }
    const validator = document.get(map, 'validator');
    const pattern = document.string(validator?.value);
    if (validator && pattern !== undefined && /(^|[^\\])(\\\\)*\\$/.test(pattern)) {
        findings.push(document.finding('error', validator.value ?? validator.key, 'input-validator', `${label}: \`validator\` is not a valid regular expression (it ends with a lone backslash). Escape it as \\\\`));
    }
    return findings;
}
function duplicates(document, items, kind) {
    const seen = new Set();
    const findings = [];
    for (const item of items) {
        if (item.id === undefined || !item.idEntry)
            continue;
        if (seen.has(item.id)) {
            findings.push(document.finding('error', item.idEntry.key, `duplicate-${kind}-id`, `Duplicate ${kind} with name [${item.id}]: ${kind} ids must be unique. Rename or remove this one`));
        }
        seen.add(item.id);
    }
    return findings;
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
        const at = leaf.idEntry?.key ?? leaf.map;
        const other = seen.get(path);
        if (other && (leaf.form || other.form)) {
            findings.push(document.versioned(FORM_RELEASE, 'error', at, 'input-path', `Duplicate input path [${path}]: another input (in a FORM or with a dotted id) resolves to the same path (Kestra 2.0 rejects it). Rename one`));
            continue;
        }
        const clash = [...seen.keys()].find((known) => known.startsWith(`${path}.`) || path.startsWith(`${known}.`));
        if (clash !== undefined) {
            const withForm = leaf.form !== undefined || seen.get(clash)?.form !== undefined;
            findings.push(document.versioned(FORM_RELEASE, withForm ? 'error' : 'warning', at, withForm ? 'input-path' : 'input-dotted-path', `Input path '${path}' conflicts with '${clash}': one cannot be nested under the other (Kestra 2.0 rejects it). Rename one`));
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
    const outputs = [];
    const findings = [];
    for (const item of document.items(document.get(document.root, 'outputs')?.value)) {
        const map = document.map(item);
        if (!map)
            continue;
        const idEntry = document.get(map, 'id');
        const id = document.string(idEntry?.value);
        if (!idEntry) {
            findings.push(document.finding('error', map, 'output-id', 'Flow output has no `id`: add one'));
        }
        else if (id === undefined || !INPUT_ID_PATTERN.test(id)) {
            findings.push(document.finding('error', idEntry.key, 'output-id', `Output id '${id ?? ''}' is invalid: use letters, digits, '.', '_' or '-', starting with a letter or digit`));
        }
        outputs.push(id !== undefined && idEntry ? { id, idEntry } : {});
    }
    return [...findings, ...duplicates(document, outputs, 'output')];
}
function triggerInputFindings(document, leaves, tree) {
    const needed = leaves.filter((input) => inputPath(input) !== undefined && input.required && !input.hasDefaults);
    if (needed.length === 0)
        return [];
    const findings = [];
    for (const trigger of tree.triggers) {
        const schedule = trigger.type !== undefined && SCHEDULE_TYPES.has(trigger.type);
        const webhook = trigger.type !== undefined && WEBHOOK_TYPES.has(trigger.type);
        if (!schedule && !webhook)
            continue;
        const given = new Set(document.entries(document.get(trigger.map, 'inputs')?.value).map((e) => String(e.key.value)));
        const missing = needed.map((input) => inputPath(input)).filter((id) => !given.has(id));
        if (missing.length === 0)
            continue;
        const name = `'${trigger.id ?? trigger.path}'`;
        const fix = "Add them under the trigger's `inputs` or give them defaults";
        findings.push(schedule
            ? document.versioned(TRIGGER_INPUTS_RELEASE, 'warning', trigger.at, 'schedule-missing-inputs', `Schedule trigger ${name} does not supply required input(s) without defaults (${missing.join(', ')}): every scheduled run fails, and Kestra 2.0 rejects the flow. ${fix}`)
            : document.onlyFrom(TRIGGER_INPUTS_RELEASE, trigger.at, 'webhook-missing-inputs', `Webhook trigger ${name} does not supply required input(s) without defaults (${missing.join(', ')}): Kestra 2.0 rejects the flow. ${fix}`));
    }
    return findings;
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

function dashedReferenceFindings(document, tree) {
    const dashed = {
        inputs: new Set(declaredInputs$1(document).flatMap((input) => (input.id?.includes('-') ? [input.id] : []))),
        outputs: new Set(tree.tasks.flatMap((task) => (task.id?.includes('-') ? [task.id] : [])))
    };
    if (dashed.inputs.size === 0 && dashed.outputs.size === 0)
        return [];
    const findings = [];
    const reference = /(?<![\w.\]'"])(inputs|outputs)\.([A-Za-z0-9_][A-Za-z0-9_-]*)/g;
    for (const scalar of templatedScalars(document.doc)) {
        const value = scalar.value;
        for (const expression of expressions(value)) {
            const body = blankStrings(expression.body);
            for (const match of body.matchAll(reference)) {
                const kind = match[1];
                const name = match[2];
                if (!dashed[kind].has(name))
                    continue;
                const needle = match[0];
                const index = expression.start + match.index;
                const occurrence = value.slice(0, index).split(needle).length - 1;
                const kindName = kind === 'inputs' ? 'input' : 'output';
                findings.push(document.findingAt('error', document.locateInScalar(scalar, needle, occurrence), 'dashed-reference', `Invalid ${kindName} reference \`${needle}\`: Pebble reads '-' as a minus. Use bracket notation: ${kind}['${name}']`));
            }
        }
    }
    return findings;
}

function nodePosition(flow, node) {
    const offset = node?.range?.[0];
    if (offset === undefined)
        return { line: 1, column: 1 };
    return offsetPosition(flow, offset);
}
function offsetPosition(flow, offset) {
    const pos = flow.lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
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
        if (!distExports.isScalar(resolved))
            return undefined;
        const value = resolved.value;
        if (typeof value === 'string')
            return value;
        if (typeof value === 'number' || typeof value === 'boolean')
            return String(value);
        return undefined;
    }
    isNull(node) {
        const resolved = this.resolve(node);
        return resolved === undefined || (distExports.isScalar(resolved) && resolved.value === null);
    }
    entries(node) {
        const map = this.map(node);
        if (!map)
            return [];
        const out = [];
        for (const pair of map.items) {
            if (!distExports.isPair(pair) || !distExports.isScalar(pair.key))
                continue;
            out.push({ pair, key: pair.key, value: this.resolve(pair.value) });
        }
        return out;
    }
    get(node, key) {
        return this.entries(node).find((entry) => String(entry.key.value) === key);
    }
    items(node) {
        const seq = this.seq(node);
        if (!seq)
            return [];
        return seq.items.map((item) => this.resolve(item)).filter((item) => item !== undefined);
    }
    finding(severity, node, rule, message, resource = this.resource) {
        const { line, column } = nodePosition(this.flow, node);
        const finding = { severity, file: this.flow.file, line, column, rule, message };
        if (resource !== undefined)
            finding.resource = resource;
        return finding;
    }
    versioned(since, whenUnknown, node, rule, message) {
        const { severity: _, ...finding } = this.finding('error', node, rule, message);
        return { finding, since, whenUnknown };
    }
    onlyFrom(since, node, rule, message) {
        return { ...this.versioned(since, 'notice', node, rule, message), silentBefore: true };
    }
    findingAt(severity, offset, rule, message) {
        const { line, column } = offsetPosition(this.flow, offset);
        const finding = { severity, file: this.flow.file, line, column, rule, message };
        if (this.resource !== undefined)
            finding.resource = this.resource;
        return finding;
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
const TOP_LEVEL_KEYS = new Set([
    'id',
    'namespace',
    'description',
    'labels',
    'inputs',
    'outputs',
    'variables',
    'tasks',
    'errors',
    'finally',
    'afterExecution',
    'triggers',
    'pluginDefaults',
    'concurrency',
    'retry',
    'sla',
    'checks',
    'disabled',
    'workerGroup',
    'draft',
    'quotas',
    'policyRefs',
    'workerSelector'
]);
const REMOVED_KEYS = {
    listeners: 'Use `afterExecution` or a Flow trigger instead',
    taskDefaults: 'On Kestra 1.x rename it to `pluginDefaults`; Kestra 2.0 has no flow-level plugin defaults at all: set the values on the tasks'
};
const V1 = [1, 0, 0];
const V2$1 = [2, 0, 0];
const SERVER_OWNED_KEYS = new Set(['revision', 'deleted', 'updated', 'tenantId']);
function identityFindings(document) {
    const root = document.root;
    if (!root)
        return [];
    const findings = [];
    const id = document.get(root, 'id');
    const namespace = document.get(root, 'namespace');
    const tasks = document.get(root, 'tasks');
    for (const [name, entry] of [
        ['id', id],
        ['namespace', namespace],
        ['tasks', tasks]
    ]) {
        if (!entry) {
            findings.push(document.finding('error', root, 'missing-key', `The flow has no \`${name}\`: add it (a flow needs \`id\`, \`namespace\` and a non-empty \`tasks\` list)`));
        }
    }
    if (id) {
        const value = document.string(id.value);
        if (value === undefined || value === '') {
            findings.push(document.finding('error', id.key, 'flow-id', 'The flow `id` is empty: give it a non-empty id'));
        }
        else if (!FLOW_ID_PATTERN.test(value) || value.length > 100) {
            findings.push(document.finding('error', id.key, 'flow-id', `Flow id '${value}' is invalid: use 1-100 characters, letters, digits, '.', '_' or '-', starting with a letter or digit`));
        }
    }
    if (namespace) {
        const value = document.string(namespace.value);
        if (value === undefined || value === '') {
            findings.push(document.finding('error', namespace.key, 'namespace', 'The flow `namespace` is empty: set it'));
        }
        else if (!isKestraNamespace(value)) {
            findings.push(document.finding('error', namespace.key, 'namespace', `Namespace '${value}' is invalid: use 1-150 characters, lower-case letters, digits, '.', '_' or '-', starting with a letter or digit`));
        }
    }
    if (tasks && document.items(tasks.value).length === 0) {
        findings.push(document.finding('error', tasks.key, 'empty-tasks', '`tasks` must be a non-empty list of tasks: add at least one task'));
    }
    for (const entry of document.entries(root)) {
        const key = String(entry.key.value);
        if (TOP_LEVEL_KEYS.has(key))
            continue;
        if (Object.hasOwn(REMOVED_KEYS, key))
            continue;
        if (SERVER_OWNED_KEYS.has(key)) {
            findings.push(document.finding('warning', entry.key, 'server-owned-key', `\`${key}\` is set by the Kestra server, not by the repository: remove it`));
        }
        else {
            findings.push(document.finding('warning', entry.key, 'unknown-key', `Unrecognized field "${key}": not a flow property this action knows, and Kestra rejects unknown properties. Fix its name or indentation, or remove it (the server decides for keys newer than this action)`));
        }
    }
    return findings;
}
function versionedIdentityFindings(document) {
    const findings = [];
    const id = document.get(document.root, 'id');
    const value = document.string(id?.value);
    if (id && value !== undefined && RESERVED_FLOW_IDS.includes(value)) {
        findings.push({
            ...document.versioned(V1, 'warning', id.key, 'reserved-flow-id', `Flow id '${value}' is reserved in Kestra 1.x (${RESERVED_FLOW_IDS.join(', ')}): a 1.x server rejects the flow, while the released 2.0.0 no longer checks it. Rename the flow`),
            until: V2$1
        });
    }
    for (const entry of document.entries(document.root)) {
        const key = String(entry.key.value);
        if (!Object.hasOwn(REMOVED_KEYS, key))
            continue;
        const fix = REMOVED_KEYS[key];
        findings.push(document.versioned(V2$1, 'warning', entry.key, 'removed-key', `\`${key}\` is deprecated: Kestra up to 1.3 accepts it, Kestra 2.0 rejects it as an unknown field. ${fix}`));
    }
    return findings;
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
    const seen = new Map();
    const findings = [];
    const ordered = [...identities].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    for (const { namespace, id, file, line, column } of ordered) {
        const key = flowKey(namespace, id);
        const first = seen.get(key);
        if (first === undefined) {
            seen.set(key, file);
            continue;
        }
        findings.push({
            severity: 'error',
            file,
            line,
            column,
            rule: 'duplicate-flow',
            message: `Flow ${namespace}.${id} is already declared in ${first}: each flow must live in exactly one file. Remove one or change its id`,
            resource: key
        });
    }
    return findings;
}

const TASK_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const TYPE_PATTERN = /^[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*(\.[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]*)*$/u;
const MAX_TASK_ID = 256;
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
function taskFindings(document, tree) {
    return [
        ...tree.tasks.flatMap((task) => idAndTypeFindings(document, task, 'task')),
        ...tree.triggers.flatMap((trigger) => idAndTypeFindings(document, trigger, 'trigger')),
        ...duplicateFindings(document, tree.tasks, 'task'),
        ...duplicateFindings(document, tree.triggers, 'trigger'),
        ...recursiveCallFindings(document, tree.tasks),
        ...duplicatePreconditionFindings(document, tree.triggers)
    ];
}
function idAndTypeFindings(document, task, kind) {
    const findings = [];
    const Kind = kind === 'task' ? 'Task' : 'Trigger';
    if (!task.idEntry) {
        findings.push(document.finding('error', task.at, `${kind}-id`, `${Kind} at ${task.path} has no \`id\`: add one`));
    }
    else if (task.id === undefined || task.id === '') {
        findings.push(document.finding('error', taskIdNode(task), `${kind}-id`, `${Kind} at ${task.path} has an empty \`id\`: set one`));
    }
    else if (!TASK_ID_PATTERN.test(task.id) || task.id.length > MAX_TASK_ID) {
        findings.push(document.finding('error', taskIdNode(task), `${kind}-id`, `${Kind} id '${task.id}' is invalid: use letters, digits, '_' or '-' (no dots or spaces), starting with a letter or digit, at most ${MAX_TASK_ID} characters`));
    }
    if (!task.typeEntry) {
        findings.push(document.finding('error', task.at, `${kind}-type`, `${Kind} ${task.id !== undefined ? `'${task.id}'` : `at ${task.path}`} has no \`type\`: add the plugin class, e.g. io.kestra.plugin.core.log.Log`));
    }
    else if (task.type === undefined || !TYPE_PATTERN.test(task.type)) {
        findings.push(document.finding('error', task.at !== task.map ? task.at : (task.typeEntry.value ?? task.typeEntry.key), `${kind}-type`, `${Kind} type '${task.type ?? ''}' is not a plugin class name: use a fully-qualified class name such as io.kestra.plugin.core.log.Log`));
    }
    return findings;
}
function duplicateFindings(document, nodes, kind) {
    const byPosition = nodes
        .filter((node) => node.id !== undefined && node.id !== '')
        .map((node) => ({ node, offset: taskIdNode(node).range?.[0] ?? 0 }))
        .sort((a, b) => a.offset - b.offset);
    const first = new Map();
    const findings = [];
    for (const { node } of byPosition) {
        const id = node.id;
        const previous = first.get(id);
        if (!previous) {
            first.set(id, node);
            continue;
        }
        const firstLine = nodePosition(document.flow, taskIdNode(previous)).line;
        findings.push(document.finding('error', taskIdNode(node), `duplicate-${kind}-id`, `Duplicate ${kind} id '${id}' (first used on line ${firstLine}): ${kind} ids must be unique across the whole flow${kind === 'task' ? ', nested tasks included' : ''}. Rename one`));
    }
    return findings;
}
function recursiveCallFindings(document, tasks) {
    const flowId = document.string(document.get(document.root, 'id')?.value);
    const namespace = document.string(document.get(document.root, 'namespace')?.value);
    if (flowId === undefined || namespace === undefined)
        return [];
    return tasks
        .filter((task) => task.type !== undefined &&
        (SUBFLOW_TYPES.has(task.type) || FOREACH_ITEM_TYPES.has(task.type)))
        .filter((task) => document.string(document.get(task.map, 'flowId')?.value) === flowId &&
        document.string(document.get(task.map, 'namespace')?.value) === namespace)
        .map((task) => document.finding('error', task.at, 'recursive-subflow', `Recursive call to flow [${namespace}.${flowId}]: task '${task.id ?? task.path}' starts the flow it belongs to. Call another flow`));
}
function duplicatePreconditionFindings(document, triggers) {
    const seen = new Set();
    const findings = [];
    for (const trigger of triggers) {
        if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type))
            continue;
        const idEntry = document.get(document.get(trigger.map, 'preconditions')?.value, 'id');
        const id = document.string(idEntry?.value);
        if (!idEntry || id === undefined)
            continue;
        if (seen.has(id)) {
            findings.push(document.finding('error', idEntry.key, 'duplicate-preconditions', `Duplicate preconditions id '${id}': another Flow trigger already uses it. Give each trigger's \`preconditions\` its own id`));
        }
        seen.add(id);
    }
    return findings;
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
    const findings = [];
    for (const { key, node } of labelPairs(document, document.root)) {
        if (key.startsWith(SYSTEM_PREFIX) && key !== READ_ONLY) {
            findings.push(document.finding('error', node, 'system-label', `Label '${key}': system labels can only be set by Kestra itself (only ${READ_ONLY} is allowed). Rename the label`));
        }
        else if (!key.startsWith(SYSTEM_PREFIX) && !LABEL_KEY_PATTERN.test(key)) {
            findings.push(document.finding('warning', node, 'label-key', `Label key '${key}' does not start with a lower-case letter followed by letters, digits, '.', '_' or '-': Kestra 1.2+ rejects it. Rename the label`));
        }
    }
    return findings;
}
function executionLabelFindings(document, tree) {
    const places = [];
    for (const trigger of tree.triggers) {
        const name = `trigger '${trigger.id ?? trigger.path}'`;
        places.push({ owner: trigger.map, where: `on ${name}` });
        for (const condition of document.items(document.get(trigger.map, 'conditions')?.value)) {
            const type = document.string(document.get(condition, 'type')?.value);
            if (type !== undefined && EXECUTION_LABELS_TYPES.has(type)) {
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
        if (!SUBFLOW_TYPES.has(type) && !FOREACH_ITEM_TYPES.has(type))
            continue;
        const kind = SUBFLOW_TYPES.has(type) ? 'Subflow' : 'ForEachItem';
        places.push({ owner: task.map, where: `on ${kind} task '${task.id ?? task.path}'` });
    }
    return places.flatMap(({ owner, where }) => labelPairs(document, owner)
        .filter(({ key }) => key.startsWith(SYSTEM_PREFIX))
        .map(({ key, node }) => document.finding('error', node, 'system-label', `Label '${key}' ${where}: Kestra refuses every label starting with '${SYSTEM_PREFIX}' here, ${READ_ONLY} included (only the flow's own labels may carry it). Rename the label`)));
}
function labelPairs(document, owner) {
    const labels = document.get(owner, 'labels');
    if (!labels)
        return [];
    const pairs = [];
    for (const entry of document.entries(labels.value)) {
        pairs.push({ key: String(entry.key.value), node: entry.key });
    }
    for (const item of document.items(labels.value)) {
        const keyEntry = document.get(item, 'key');
        const key = document.string(keyEntry?.value);
        if (keyEntry && key !== undefined)
            pairs.push({ key, node: keyEntry.value ?? keyEntry.key });
    }
    return pairs;
}

const VALUES_CHECKED = [0, 16, 0];
const TYPE_REQUIRED = [0, 17, 0];
function pluginDefaultFindings(document) {
    const findings = [];
    for (const key of ['pluginDefaults', 'taskDefaults']) {
        document.items(document.get(document.root, key)?.value).forEach((item, index) => {
            const entry = document.map(item);
            if (!entry)
                return;
            const where = `${key}[${index}]`;
            if (!document.get(entry, 'type')) {
                findings.push(document.versioned(TYPE_REQUIRED, 'error', item, 'plugin-default-type', `${where} has no \`type\`: add the plugin class (or prefix) these defaults apply to`));
            }
            const values = document.get(entry, 'values');
            if (!values || document.isNull(values.value)) {
                findings.push(document.versioned(VALUES_CHECKED, 'error', values?.key ?? item, 'plugin-default-values', `${where} has no \`values\`: Kestra rejects a plugin default without them ("No 'values' provided"). Add the property values or remove the entry`));
                return;
            }
            for (const value of document.entries(values.value)) {
                if (!document.isNull(value.value))
                    continue;
                findings.push(document.versioned(VALUES_CHECKED, 'error', value.key, 'plugin-default-values', `${where}.values.${String(value.key.value)} is empty: Kestra rejects a plugin default with no value for a key. Give it a value or remove the key`));
            }
        });
    }
    return findings;
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
                if (ref !== undefined && !refs.has(ref))
                    findings.push(unresolved(document, entry.value, ref));
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
function unresolved(document, node, ref) {
    return document.finding('warning', node, 'plugin-defaults-ref', `pluginDefaultsRef '${ref}' names no \`ref\` of this flow's pluginDefaults: unless a namespace or instance plugin default has it, Kestra rejects the flow. Add a pluginDefaults entry with \`ref: ${ref}\`, or fix the name`);
}

const V2 = [2, 0, 0];
const LOOP = 'rewrite it with `io.kestra.plugin.core.flow.Loop`, which replaces it in Kestra 2.0';
const REMOVED_TASKS = {
    'io.kestra.plugin.core.flow.ForEach': LOOP,
    'io.kestra.plugin.core.flow.ForEachItem': LOOP,
    'io.kestra.plugin.core.flow.EachSequential': LOOP,
    'io.kestra.plugin.core.flow.EachParallel': LOOP,
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
function removedInTwoFindings(document, tree) {
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
    for (const task of tree.tasks) {
        property(task.map, REMOVED_PLUGIN_KEYS, ` on task '${task.id ?? task.path}'`);
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
    const at = node.typeEntry.value ?? node.typeEntry.key;
    const aliased = aliasTarget(type);
    if (aliased !== undefined) {
        const then = REMOVED_TASKS[aliased];
        const fix = then
            ? `It names \`${aliased}\`, which 2.0 has no more either: ${then}`
            : `Use \`${aliased}\`, the class it names, which every release since 0.20 accepts`;
        return [
            document.onlyFrom(V2, at, 'removed-type', `\`${type}\` is a pre-0.17 name: Kestra 2.0 rejects it (Invalid type). ${fix}`)
        ];
    }
    const fix = REMOVED_TASKS[type];
    if (fix === undefined)
        return [];
    return [
        document.onlyFrom(V2, at, 'removed-type', `\`${type}\`: Kestra 2.0 has no such task (Invalid type): ${fix}`)
    ];
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
function inputTypeFindings(document, tree) {
    const typeEntries = [
        ...everyInput(document).map((input) => document.get(input.map, 'type')),
        ...tree.tasks
            .filter((task) => coreFlowType(task.type) === 'Pause')
            .flatMap((task) => document.items(document.get(task.map, 'onResume')?.value))
            .map((input) => document.get(input, 'type'))
    ];
    const findings = [];
    for (const entry of typeEntries) {
        const type = document.string(entry?.value);
        if (!entry || type === undefined || !Object.hasOwn(REMOVED_INPUT_TYPES, type))
            continue;
        findings.push(document.onlyFrom(V2, entry.value ?? entry.key, 'removed-input-type', `Input type ${type}: Kestra 2.0 rejects it (Invalid type). ${REMOVED_INPUT_TYPES[type]}`));
    }
    return findings;
}

function literalCalls(document, names) {
    if (!document.root)
        return [];
    const found = [];
    const call = new RegExp(`(?<![\\w.])(${names.join('|')})\\s*\\(`, 'g');
    const description = document.get(document.root, 'description')?.value;
    for (const scalar of templatedScalars(document.doc)) {
        if (scalar === description)
            continue;
        const value = scalar.value;
        for (const expression of expressions(value)) {
            const blanked = blankStrings(expression.body);
            for (const match of blanked.matchAll(call)) {
                const args = callArguments(expression.body, blanked, match.index + match[0].length);
                if (!args)
                    continue;
                const name = match[1];
                const index = expression.start + match.index;
                const occurrence = value.slice(0, index).split(name).length - 1;
                const position = offsetPosition(document.flow, document.locateInScalar(scalar, name, occurrence));
                found.push({ name, args, position });
            }
        }
    }
    return found;
}
function callArguments(body, blanked, from) {
    let depth = 0;
    let end = -1;
    for (let i = from; i < blanked.length; i++) {
        const ch = blanked[i];
        if (ch === '(' || ch === '[' || ch === '{')
            depth++;
        else if (ch === ')' || ch === ']' || ch === '}') {
            if (depth === 0) {
                end = i;
                break;
            }
            depth--;
        }
    }
    if (end < 0)
        return undefined;
    const positional = [];
    const named = new Map();
    const rawPositional = [];
    const raw = new Map();
    let start = from;
    depth = 0;
    const parts = [];
    for (let i = from; i <= end; i++) {
        const ch = blanked[i];
        if (i === end || (ch === ',' && depth === 0)) {
            parts.push([start, i]);
            start = i + 1;
        }
        else if (ch === '(' || ch === '[' || ch === '{')
            depth++;
        else if (ch === ')' || ch === ']' || ch === '}')
            depth--;
    }
    for (const [s, e] of parts) {
        const text = body.slice(s, e).trim();
        if (text === '')
            continue;
        const namedMatch = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(text);
        const valueText = namedMatch ? namedMatch[2] : text;
        const value = stringLiteral(valueText);
        if (namedMatch) {
            named.set(namedMatch[1], value);
            raw.set(namedMatch[1], valueText);
        }
        else {
            positional.push(value);
            rawPositional.push(valueText);
        }
    }
    return { positional, named, rawPositional, raw };
}
function stringLiteral(text) {
    const match = /^(['"])((?:\\.|(?!\1)[^\\])*)\1$/.exec(text.trim());
    if (!match)
        return null;
    return match[2].replace(/\\(.)/g, '$1');
}

const NAME_FUNCTIONS = ['secret', 'kv'];
function nameReferences(calls, flow) {
    return calls.flatMap((call) => {
        if (call.name !== 'secret' && call.name !== 'kv')
            return [];
        const { positional, named } = call.args;
        const name = named.has('key') ? named.get('key') : positional[0];
        const namespace = named.has('namespace') ? named.get('namespace') : positional[1];
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
    const raw = call.args.raw.get('errorOnMissing') ?? call.args.rawPositional[2];
    return raw !== undefined && raw.trim() !== 'true';
}

function collectReferences(flows) {
    return flows.flatMap((flow) => {
        const doc = flow.documents[0];
        return flow.notAFlow || !doc ? [] : referencesOf(new FlowDocument(flow, doc));
    });
}
function referencesOf(document) {
    return scanFlow(document, ['read']).references;
}
function referencesAndNamesOf(document) {
    return scanFlow(document, ['read', ...NAME_FUNCTIONS]);
}
function scanFlow(document, functions) {
    const { flow } = document;
    if (flow.id === undefined || flow.namespace === undefined)
        return { references: [], names: [] };
    if (!document.root || !document.aliases.safe)
        return { references: [], names: [] };
    const fromFlow = flowKey(flow.namespace, flow.id);
    const calls = literalCalls(document, functions);
    return {
        references: [
            ...fileReferences(document, calls.filter((c) => c.name === 'read'), flow.namespace, fromFlow),
            ...flowReferences(document, fromFlow)
        ],
        names: nameReferences(calls, { file: flow.file, namespace: flow.namespace, fromFlow })
    };
}
function referenceFindings(refs, known, serverChecked) {
    const findings = [];
    for (const ref of refs) {
        const site = { file: ref.file, line: ref.line, column: ref.column, resource: ref.fromFlow };
        if (ref.kind === 'file') {
            if (known.hasFile(ref.namespace, ref.path))
                continue;
            findings.push({
                ...site,
                severity: serverChecked ? 'error' : 'warning',
                rule: 'missing-namespace-file',
                message: serverChecked
                    ? `read('${ref.path}'): namespace file ${ref.path} is neither in the repository nor on the server for namespace ${ref.namespace}. Add the file or fix the path`
                    : `read('${ref.path}'): namespace file ${ref.path} of namespace ${ref.namespace} is not in the repository; the server was not checked. Add the file or fix the path`
            });
        }
        else {
            if (known.hasFlow(ref.namespace, ref.id))
                continue;
            const what = ref.via === 'flow-trigger'
                ? 'Flow trigger waits for'
                : ref.via === 'foreach'
                    ? 'ForEachItem calls'
                    : 'Subflow calls';
            findings.push({
                ...site,
                severity: 'warning',
                rule: 'missing-flow',
                message: `${what} flow ${ref.namespace}.${ref.id}, which is not in the repository${serverChecked ? ' nor on the server' : ' (the server was not checked)'}. Add it or fix namespace/flowId`
            });
        }
    }
    return findings;
}
function fileReferences(document, calls, namespace, fromFlow) {
    return calls.flatMap(({ args, position }) => {
        const path = args.named.get('path') ?? args.positional[0];
        const ns = args.named.has('namespace') ? args.named.get('namespace') : args.positional[1];
        if (path === undefined || path === null || ns === null)
            return [];
        if (path.startsWith('kestra://'))
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
function flowReferences(document, fromFlow) {
    const refs = [];
    const literal = (node) => {
        const value = document.string(node);
        return value === undefined || /\{[{%]/.test(value) ? undefined : value;
    };
    const push = (via, ns, id, at) => {
        refs.push({
            kind: 'flow',
            via,
            namespace: ns,
            id,
            file: document.flow.file,
            ...nodePosition(document.flow, at),
            fromFlow
        });
    };
    const tree = taskTree(document);
    for (const task of tree.tasks) {
        if (task.type === undefined)
            continue;
        const via = SUBFLOW_TYPES.has(task.type)
            ? 'subflow'
            : FOREACH_ITEM_TYPES.has(task.type)
                ? 'foreach'
                : undefined;
        if (!via)
            continue;
        const id = literal(document.get(task.map, 'flowId')?.value);
        const ns = literal(document.get(task.map, 'namespace')?.value);
        if (id !== undefined && ns !== undefined)
            push(via, ns, id, task.at);
    }
    for (const trigger of tree.triggers) {
        if (trigger.type === undefined || !FLOW_TRIGGER_TYPES.has(trigger.type))
            continue;
        const upstream = [
            ...document.items(document.get(trigger.map, 'conditions')?.value),
            ...document.items(document.get(document.get(trigger.map, 'preconditions')?.value, 'flows')?.value),
            ...document.items(document.get(trigger.map, 'dependsOn')?.value)
        ];
        for (const item of upstream) {
            const flowIdEntry = document.get(item, 'flowId');
            const id = literal(flowIdEntry?.value);
            const ns = literal(document.get(item, 'namespace')?.value);
            if (flowIdEntry && id !== undefined && ns !== undefined)
                push('flow-trigger', ns, id, flowIdEntry.key);
        }
    }
    return refs;
}
function knownResources({ files, flows }) {
    return {
        hasFile: (namespace, path) => files.has(`${namespace}\0${path}`),
        hasFlow: (namespace, id) => flows.has(`${namespace}\0${id}`)
    };
}

const ERROR_SINCE = {
    'duplicate-trigger-id': [0, 12, 0],
    'schedule-timezone': [0, 14, 0],
    'system-label': [0, 20, 0],
    'dashed-reference': [0, 23, 0],
    'duplicate-preconditions': [1, 1, 0]
};
function byRelease(findings) {
    const fixed = [];
    const versioned = [];
    for (const finding of findings) {
        const since = finding.severity === 'error' ? ERROR_SINCE[finding.rule] : undefined;
        if (!since) {
            fixed.push(finding);
            continue;
        }
        const { severity: _, ...rest } = finding;
        versioned.push({ finding: rest, since, whenUnknown: 'error' });
    }
    return { fixed, versioned };
}

function unquotedPebbleFindings(flow, doc) {
    const findings = [];
    distExports.visit(doc, {
        Map(key, node, path) {
            if (!node.flow || !startsPebble(flow.source, node))
                return undefined;
            const [start = 0, end = start] = node.range ?? [];
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
                message: `Unquoted Pebble expression: YAML reads \`${expression}\` as a mapping, not a string, and Kestra rejects the flow: quote the expression: ${prefix}${quoted$1(expression)}`
            });
            return distExports.visit.SKIP;
        }
    });
    return findings;
}
function startsPebble(source, node) {
    const start = node.range?.[0];
    return start !== undefined && /^\{[{%]/.test(source.slice(start, start + 2));
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
                ? `Duplicate key${key ? ` '${key}'` : ''}: this mapping already has it above. Kestra rejects duplicate keys: remove or rename one`
                : `YAML syntax error: ${error.message}. Fix the YAML (check indentation and quoting)`
        });
    }
    for (const warning of doc.warnings) {
        findings.push({
            severity: 'warning',
            file: flow.file,
            ...offsetPosition(flow, skipBlank(flow.source, warning.pos[0])),
            rule: 'yaml-warning',
            message: `YAML warning: ${warning.message}`
        });
    }
    return findings;
}
function aliasFindings(document) {
    return document.aliases.problems.map((problem) => document.finding('error', problem.node, 'yaml-alias', `YAML alias: ${problem.message}`));
}
function multipleDocumentFindings(flow) {
    return flow.documents
        .slice(1)
        .filter((doc) => !isEmptyDocument(doc))
        .map((doc) => {
        const start = documentStart(flow.source, doc);
        return {
            severity: 'error',
            file: flow.file,
            ...offsetPosition(flow, start),
            rule: 'multiple-documents',
            message: 'A flow file must hold exactly one YAML document: move this document (after `---`) into a file of its own'
        };
    });
}
function notAFlowFinding(flow) {
    return {
        severity: 'warning',
        file: flow.file,
        line: 1,
        column: 1,
        rule: 'not-a-flow',
        message: 'Not a flow (no id and no tasks): skipped, not deployed. Move it out of the flows folder or add id, namespace and tasks'
    };
}
function isEmptyDocument(doc) {
    const contents = doc.contents;
    return (doc.errors.length === 0 &&
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
function keyText(source, offset) {
    const match = /^[^:\n]{1,100}/.exec(source.slice(offset, offset + 120));
    return match ? match[0].trim().replace(/^["']|["']$/g, '') : '';
}

function confirmReusedChecks(reused, options) {
    const differing = [];
    for (const [flow, stored] of reused) {
        const parsed = parseFlowFile(flow);
        if (!sameStoredCheck(storedCheckOf(parsed, checkFlow(parsed, options)), stored)) {
            differing.push(flow.file);
        }
    }
    if (differing.length === 0)
        return;
    const shown = differing.sort().slice(0, 10);
    const more = differing.length > shown.length ? ` and ${differing.length - shown.length} more` : '';
    throw new DeployError(`Nothing was deployed: the checks stored with the commit marker (KV ${COMMIT_MARKER_KEY}) are not what this build computes for ${differing.length} flow file(s): ${shown.join(', ')}${more}. The marker was changed outside this action. Deploy again with full-plan: true, which checks every file and stores its own checks.`);
}
function checkFlow(flow, options = {}) {
    const findings = syntaxFindings(flow);
    findings.push(...multipleDocumentFindings(flow));
    const versioned = [];
    if (flow.notAFlow) {
        const notAFlow = notAFlowFinding(flow);
        return { findings: [...findings, notAFlow], versioned, wellFormed: false, references: [] };
    }
    const first = flow.documents[0];
    if (!first)
        return { findings, versioned, wellFormed: false, references: [] };
    const document = new FlowDocument(flow, first);
    const { references, names } = referencesAndNamesOf(document);
    if (first.errors.some((error) => error.code !== 'DUPLICATE_KEY')) {
        return { findings, versioned, wellFormed: false, references, names };
    }
    const wellFormed = fitToSend(flow, document.aliases);
    findings.push(...aliasFindings(document));
    if (!document.root || !document.aliases.safe) {
        return { findings, versioned, wellFormed, references, names };
    }
    const tree = taskTree(document);
    const inputs = inputFindings(document, tree);
    const checked = byRelease([
        ...identityFindings(document),
        ...namespaceFolderFindings(document, options.layout),
        ...taskFindings(document, tree),
        ...coreTaskFindings(document, tree),
        ...inputs.findings,
        ...labelFindings(document),
        ...executionLabelFindings(document, tree),
        ...dashedReferenceFindings(document, tree),
        ...scheduleFindings(document, tree),
        ...pluginDefaultsRefFindings(document, tree)
    ]);
    findings.push(...checked.fixed);
    versioned.push(...versionedIdentityFindings(document), ...inputs.versioned, ...pluginDefaultFindings(document), ...removedInTwoFindings(document, tree), ...checked.versioned);
    return { findings, versioned, identity: flowIdentity(document), wellFormed, references, names };
}
function syntaxFindings(flow) {
    const findings = [];
    for (const doc of flow.documents) {
        const pebble = unquotedPebbleFindings(flow, doc);
        const explained = new Set(pebble.map((finding) => finding.line));
        findings.push(...pebble, ...yamlFindings(flow, doc).filter((finding) => finding.rule !== 'yaml-syntax' || !explained.has(finding.line)));
    }
    return findings;
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
    const message = (namespace) => `Namespace '${namespace}' is not managed: list it in the namespaces input to deploy this resource (it is skipped).`;
    return [
        ...model.flows
            .filter((flow) => deployableFlow(flow) && namespaceFits(flow) && !managed.has(flow.namespace))
            .map((flow) => ({
            severity: 'warning',
            file: flow.file,
            line: 1,
            rule: 'unmanaged-namespace',
            message: message(flow.namespace)
        })),
        ...model.files
            .filter((file) => !managed.has(file.namespace))
            .map((file) => ({
            severity: 'warning',
            file: file.file,
            line: 1,
            rule: 'unmanaged-namespace',
            message: message(file.namespace)
        }))
    ];
}

function demoteUnchangedErrors(findings, changed) {
    if (changed.kind !== 'list')
        return findings;
    return findings.map((finding) => finding.severity === 'error' &&
        finding.rule !== NOTHING_FOUND &&
        finding.rule !== READ_ONLY_REFUSED &&
        !changed.paths.has(finding.file)
        ? {
            ...finding,
            severity: 'warning',
            message: `${finding.message} (not changed by this pull request, so reported as a warning)`
        }
        : finding);
}
function tally(findings) {
    return {
        errors: findings.filter((f) => f.severity === 'error').length,
        warnings: findings.filter((f) => f.severity === 'warning').length,
        notices: findings.filter((f) => f.severity === 'notice').length
    };
}
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
    const { errors, warnings } = tally(findings);
    if (errors > 0)
        return `Validation found ${errors} error(s): fix them (see the annotations and the job summary).`;
    if (failOn === 'warning' && warnings > 0)
        return `Validation found ${warnings} warning(s) and fail-on is 'warning': fix them or set fail-on: error.`;
    return undefined;
}
function ruleCounts(findings) {
    const counts = new Map();
    for (const { rule } of findings)
        counts.set(rule, (counts.get(rule) ?? 0) + 1);
    if (![...counts.values()].some((count) => count > 1))
        return undefined;
    const ordered = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
    return `Findings by rule: ${ordered.map(([rule, count]) => `${count} × ${rule}`).join(', ')}`;
}

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
    const text = node.type === 'QUOTE_DOUBLE'
        ? JSON.stringify(value)
        : node.type === 'QUOTE_SINGLE'
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
    if (distExports.isMap(node)) {
        const last = node.items.at(-1);
        return node.flow || !last ? node.range?.[1] : pairEnd(last);
    }
    if (distExports.isSeq(node)) {
        const last = node.items.at(-1);
        return node.flow || !last ? node.range?.[1] : contentEnd(last);
    }
    return node?.range?.[1];
}
function pairEnd(pair) {
    return Math.max(contentEnd(pair.value) ?? 0, contentEnd(pair.key) ?? 0);
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
    if (map.flow) {
        if (!last) {
            const close = source.lastIndexOf('}', contentEnd(map));
            return close < 0 ? undefined : { start: close, end: close, text: entry.flowText };
        }
        const at = pairEnd(last);
        return { start: at, end: at, text: `, ${entry.flowText}` };
    }
    const first = map.items[0]?.key;
    if (!last || !first?.range)
        return undefined;
    const indent = ' '.repeat(column(source, first.range[0]));
    const at = endOfLine(source, pairEnd(last));
    return { start: at, end: at, text: entry.lines.map((line) => `\n${indent}${line}`).join('') };
}
function appendToSeq(source, seq, item) {
    const last = seq.items.at(-1);
    if (seq.flow) {
        if (!last?.range) {
            const close = source.lastIndexOf(']', contentEnd(seq));
            return close < 0 ? undefined : { start: close, end: close, text: item.flowText };
        }
        const at = contentEnd(last) ?? last.range[1];
        return { start: at, end: at, text: `, ${item.flowText}` };
    }
    const firstItem = seq.items[0];
    if (!last?.range || !firstItem?.range || !seq.range)
        return undefined;
    const dash = column(source, seq.range[0]);
    const inner = distExports.isMap(firstItem)
        ? column(source, firstItem.items[0]?.key?.range?.[0] ?? firstItem.range[0])
        : dash + 2;
    const at = endOfLine(source, contentEnd(last) ?? last.range[1]);
    const [head, ...rest] = item.lines;
    const text = [
        `\n${' '.repeat(dash)}- ${head}`,
        ...rest.map((line) => `\n${' '.repeat(inner)}${line}`)
    ].join('');
    return { start: at, end: at, text };
}

const READ_ONLY_LABEL = 'system.readOnly';
const READ_ONLY_LINES = { map: `${READ_ONLY_LABEL}: "true"` };
const MAX_ALIASES = 1000;
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
                for (const key of ['conditions', 'preconditions']) {
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
    let readOnly;
    if (options.readOnly) {
        const labelled = readOnlyLabel(source, doc, lineCounter);
        edits.push(...labelled.edits);
        readOnly = labelled.note;
    }
    return {
        source: applyEdits(source, edits),
        pebble: pebbleMentions(source, doc, lineCounter, options),
        ...(readOnly && { readOnly })
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
        if (disabled) {
            if (!distExports.isScalar(disabled.value) && disabled.value !== null)
                return [];
            if (distExports.isScalar(disabled.value) && disabled.value.value === true)
                return [];
            const edit = distExports.isScalar(disabled.value) ? replaceScalar(disabled.value, 'true') : undefined;
            return edit ? [edit] : [];
        }
        const edit = insertIntoMap(source, trigger, {
            lines: ['disabled: true'],
            flowText: 'disabled: true'
        });
        return edit ? [edit] : [];
    });
}
function readOnlyLabel(source, doc, lineCounter) {
    const root = doc.contents;
    const pair = pairOf(root, 'labels');
    const at = (node) => lineCounter.linePos(node?.range?.[0] ?? 0).line;
    const line = at(ownReadOnlyNode(pair?.value) ?? pair?.key);
    const resolved = resolve(source);
    const own = labelsOf(resolved?.labels);
    if (!resolved || own === undefined) {
        return {
            edits: [],
            note: {
                line,
                refused: `its labels are neither a map nor a list of {key, value} with text values, so the ${READ_ONLY_LABEL} label that read-only adds cannot be added. Write labels as a map (key: value)`
            }
        };
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
    const refused = edits ? checkLabelled(source, applyEdits(source, edits), expected) : 'no edit';
    if (refused) {
        return {
            edits: [],
            note: {
                line,
                refused: `the ${READ_ONLY_LABEL} label that read-only adds cannot be added safely to its labels (${refused}). Write labels as a plain map (key: value) without aliases or merge keys`
            }
        };
    }
    return { edits: edits, note: { line, ...(overridden && { overridden }) } };
}
function resolve(source) {
    const doc = distExports.parseDocument(source, { merge: true, uniqueKeys: false });
    if (doc.errors.length > 0)
        return undefined;
    try {
        const value = doc.toJS({ maxAliasCount: MAX_ALIASES });
        return value && typeof value === 'object' && !Array.isArray(value)
            ? value
            : undefined;
    }
    catch {
        return undefined;
    }
}
function labelsOf(labels) {
    if (labels === undefined || labels === null)
        return [];
    const text = (value) => value === null || value === undefined || typeof value === 'object' ? undefined : String(value);
    const pairs = [];
    if (Array.isArray(labels)) {
        for (const item of labels) {
            const { key, value } = (item ?? {});
            const [k, v] = [text(key), text(value)];
            if (k === undefined || v === undefined)
                return undefined;
            pairs.push([k, v]);
        }
        return pairs;
    }
    if (typeof labels !== 'object')
        return undefined;
    for (const [key, value] of Object.entries(labels)) {
        const v = text(value);
        if (v === undefined)
            return undefined;
        pairs.push([key, v]);
    }
    return pairs;
}
function reusesNodes(doc, labels) {
    if (!distExports.isMap(labels) && !distExports.isSeq(labels) && !distExports.isAlias(labels))
        return false;
    let reuses = distExports.isAlias(labels);
    const anchors = new Set();
    distExports.visit(labels, {
        Node(_key, node) {
            if (distExports.isAlias(node))
                reuses = true;
            if ('anchor' in node && typeof node.anchor === 'string')
                anchors.add(node.anchor);
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
    const inside = new Set();
    distExports.visit(labels, {
        Node(_key, node) {
            if ('anchor' in node && typeof node.anchor === 'string')
                inside.add(node.anchor);
        }
    });
    if (distExports.isAlias(labels))
        return edits;
    let unsafe = false;
    distExports.visit(doc, {
        Alias(_key, alias) {
            if (!inside.has(alias.source) || !alias.range)
                return;
            const target = alias.resolve(doc);
            if (!target || aliasIsKey(doc, alias)) {
                unsafe = true;
                return;
            }
            const value = target.toJS(doc, { maxAliasCount: MAX_ALIASES });
            edits.push({ start: alias.range[0], end: alias.range[1], text: JSON.stringify(value) });
        }
    });
    return unsafe ? undefined : edits;
}
function aliasIsKey(doc, alias) {
    let key = false;
    distExports.visit(doc, {
        Pair(_k, pair) {
            if (pair.key === alias)
                key = true;
        }
    });
    return key;
}
function ownReadOnlyNode(labels) {
    if (distExports.isMap(labels))
        return pairOf(labels, READ_ONLY_LABEL)?.key;
    if (distExports.isSeq(labels)) {
        const item = labels.items.find((entry) => distExports.isMap(entry) && scalarValue(pairOf(entry, 'key')?.value) === READ_ONLY_LABEL);
        return item ? pairOf(item, 'key')?.value : undefined;
    }
    return undefined;
}
function checkLabelled(before, after, expected) {
    const was = resolve(before);
    const now = resolve(after);
    if (!was || !now)
        return 'the result does not parse';
    const labels = labelsOf(now.labels);
    const sorted = (pairs) => pairs
        .map(([k, v]) => JSON.stringify([k, v]))
        .sort()
        .join('\n');
    if (!labels || sorted(labels) !== sorted(expected))
        return 'the labels would change';
    const { labels: _was, ...restBefore } = was;
    const { labels: _now, ...restAfter } = now;
    return JSON.stringify(restBefore) === JSON.stringify(restAfter)
        ? undefined
        : 'the rest of the flow would change';
}
function plainLabelEdit(source, root) {
    const edit = plainLabel(source, root);
    return edit === undefined ? undefined : edit === 'none' ? [] : [edit];
}
function plainLabel(source, root) {
    const labels = pairOf(root, 'labels');
    const value = labels?.value;
    if (distExports.isMap(value)) {
        const own = pairOf(value, READ_ONLY_LABEL);
        if (own)
            return setTrue(own.value);
        return insertIntoMap(source, value, {
            lines: [READ_ONLY_LINES.map],
            flowText: READ_ONLY_LINES.map
        });
    }
    if (distExports.isSeq(value)) {
        const own = value.items.find((item) => distExports.isMap(item) && scalarValue(pairOf(item, 'key')?.value) === READ_ONLY_LABEL);
        if (own)
            return setTrue(pairOf(own, 'value')?.value);
        return appendToSeq(source, value, {
            lines: [`key: ${READ_ONLY_LABEL}`, 'value: "true"'],
            flowText: `{key: ${READ_ONLY_LABEL}, value: "true"}`
        });
    }
    if (labels && !(distExports.isScalar(value) && value.value === null))
        return undefined;
    if (labels && distExports.isScalar(value))
        return { ...replaceScalar(value, ''), text: ` {${READ_ONLY_LINES.map}}` };
    return insertIntoMap(source, root, {
        lines: ['labels:', `  ${READ_ONLY_LINES.map}`],
        flowText: `labels: {${READ_ONLY_LINES.map}}`
    }, pairOf(root, 'namespace'));
}
function setTrue(node) {
    if (!distExports.isScalar(node))
        return undefined;
    if (String(node.value) === 'true')
        return 'none';
    const range = node.range;
    return range
        ? { start: range[0], end: range[1], text: range[0] === range[1] ? ' "true"' : '"true"' }
        : undefined;
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

class Sending {
    settings;
    constructor(settings) {
        this.settings = settings;
    }
    get identity() {
        const { namespacePrefix, disableTriggers, readOnly } = this.settings;
        return !namespacePrefix && !disableTriggers && !readOnly;
    }
    namespace(namespace) {
        return this.settings.namespacePrefix
            ? `${this.settings.namespacePrefix}.${namespace}`
            : namespace;
    }
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
            if (note?.refused) {
                findings.push({
                    severity: 'error',
                    file: flow.file,
                    line: note.line,
                    rule: READ_ONLY_REFUSED,
                    message: `read-only is true, but this flow cannot be sent read-only: ${note.refused}. Nothing is written while it stands.`,
                    resource
                });
            }
            else if (note?.overridden) {
                findings.push({
                    severity: 'warning',
                    file: flow.file,
                    line: note.line,
                    rule: 'read-only-label-overridden',
                    message: `This flow sets ${READ_ONLY_LABEL} to something other than "true", but read-only is true: the flow is sent with ${READ_ONLY_LABEL}: "true" (read-only wins). Remove the label, or turn read-only off for this deploy.`,
                    resource
                });
            }
            for (const mention of sent.pebble) {
                findings.push({
                    severity: 'warning',
                    file: flow.file,
                    line: mention.line,
                    rule: 'pebble-mapped-namespace',
                    message: `This Pebble expression names namespace ${mention.namespace}, which this run sends as ${mention.mapped}; Pebble is sent as written, so it still reads ${mention.namespace}. Use {{ flow.namespace }} to follow the flow wherever it is deployed.`,
                    resource
                });
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
                managedNamespaces: model.managedNamespaces.map((namespace) => this.namespace(namespace))
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
            fromFlow: sentFlowKey(ref.fromFlow, (namespace) => this.namespace(namespace))
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
            const [namespace, id] = key.slice('flow:'.length).split('/');
            const sentKey = flowKey(this.namespace(namespace), id);
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

const LOADING = 'Loading the repository';
const VALIDATION = 'Validation';
async function check(settings, target, context, ports, mode, kestra, kinds, reads) {
    probeServer(reads, { settings, mode, kestra });
    const layout = await runLayout(reads, settings, context.workspace);
    ports.reporter.info(`Layout: ${layout.layout} (${layout.reason})`);
    const sending = new Sending(target);
    const stored = storedChecking(settings, mode, kestra);
    const gathering = gather({
        ...{ settings, target, context, reads, mode, layout, kestra, sending, reuse: stored.reuse },
        github: ports.github,
        kinds: kinds.flatMap((kind) => (kind.gather ? [kind.gather] : []))
    });
    const validation = { layout: layout.layout };
    const checking = settle(flowChecks(gathering, validation));
    const model = await phase(ports.reporter, LOADING, () => loaded(gathering, ports), describeRepository);
    const checks = await valueOf(checking);
    const sent = sending.model(model);
    const references = sending.references(model.flows.flatMap((flow) => checks.get(flow).references), model.managedNamespaces);
    const names = sending.names(model.flows.flatMap((flow) => checks.get(flow).names ?? []));
    const remaining = gathering.after(model, sent.model, references, names);
    const read = await readRemaining(remaining, { target, context, ports, mode, kestra });
    const { snapshot, changed } = read;
    const reading = {
        ...{ model, ...validation, checks },
        ...(read.serverVersion && { serverVersion: read.serverVersion }),
        ...(snapshot.serverAnswers && { serverAnswers: snapshot.serverAnswers })
    };
    const findings = await phase(ports.reporter, VALIDATION, async () => validated({ reading, snapshot, changed, kinds, references, sent, context, ports, kestra }), (all) => verdictText(all, settings.failOn));
    return {
        ...{ snapshot, model: sent.model, references, findings, changed, names },
        ...{ state: snapshot.state, markers: snapshot.markers, base: snapshot.base },
        ...{ notes: [describeRepository(model), ...read.notes], listings: snapshot.listings },
        storedChecks: stored.toStore(model.flows, checks, { layout: layout.layout, sending, settings }),
        reused: { flows: gathering.reused, validation }
    };
}
function storedChecking(settings, mode, kestra) {
    const identity = kestra && mode !== 'validate' ? validatorIdentity() : undefined;
    return {
        reuse: (mode === 'plan' || mode === 'deploy') && !settings.fullPlan ? identity : undefined,
        toStore(flows, checks, on) {
            if (!identity || mode !== 'deploy')
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
async function flowChecks(gathering, validation) {
    const checks = new Map();
    for await (const flow of gathering.flows) {
        checks.set(flow, gathering.reused.get(flow) ?? checkFlow(flow, validation));
        releaseSyntaxTree(flow);
    }
    return checks;
}
async function loaded(gathering, { reporter }) {
    const model = await gathering.repository;
    for (const line of namespaceLines(model))
        reporter.info(line);
    if (gathering.reused.size > 0) {
        reporter.info(`Reused the checks of ${gathering.reused.size} of ${model.flows.length} flow file(s), checked with the same bytes by this build's last deploy (full-plan: true checks every one again).`);
    }
    return model;
}
async function readRemaining(remaining, run) {
    const { target, context, ports, mode, kestra } = run;
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
    if (kestra && mode !== 'validate') {
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
    if (remaining.baseReused.size > 0) {
        reporter.info(`Reused the checks of ${remaining.baseReused.size} flow file(s) of the base commit that the change alters or removes, rather than parse them.`);
    }
    return { serverVersion, changed, notes, snapshot };
}
function validated(input) {
    const { reading, snapshot, ports, context } = input;
    const { reporter } = ports;
    const repositoryFindings = [
        ...readProblemFindings(reading.model),
        ...unmanagedFindings(reading.model)
    ];
    const ofKinds = input.kinds.flatMap(({ decide }) => {
        if (!decide.validate)
            return [];
        if (decide.pipelineReading)
            return decide.validate(reading);
        return snapshot.kinds.has(decide.name) ? decide.validate(snapshot.kinds.get(decide.name)) : [];
    });
    const server = ofKinds.filter(fromServer).length;
    const references = referenceFindings(input.references, knownResources(snapshot.targets), input.kestra !== undefined);
    reporter.info(`Local checks: ${repositoryFindings.length + ofKinds.length - server} finding(s).`);
    if (snapshot.serverAnswers)
        reporter.info(`The server's validation: ${server} finding(s).`);
    reporter.info(`Subflow and namespace-file references: ${references.length} finding(s).`);
    let all = [...repositoryFindings, ...ofKinds, ...references, ...input.sent.findings];
    if (onPullRequest(context))
        all = demoteUnchangedErrors(all, input.changed);
    all = sortFindings(all);
    reporter.annotate(all);
    return all;
}
function verdictText(findings, failOn) {
    const { errors, warnings } = tally(findings);
    const failed = failureMessage(findings, failOn) !== undefined;
    return `Validation ${failed ? 'failed' : 'passed'}: ${errors} error(s), ${warnings} warning(s).`;
}
function namespaceLines(model) {
    const counts = new Map();
    const of = (namespace) => {
        const entry = counts.get(namespace) ?? { flows: 0, files: 0 };
        counts.set(namespace, entry);
        return entry;
    };
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
    let flows = 0;
    let files = 0;
    for (const namespace of state.values()) {
        flows += namespace.flows.length;
        files += namespace.files.length;
    }
    return `Read ${state.size} namespace(s) from the server: ${flows} flow(s), ${files} file(s).`;
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
    const lines = plain.split('\n');
    const after = isRunLine(lines.at(-1) ?? '') ? [lines.pop()] : [];
    while (lines.length > 1 && lines.at(-1) === '')
        lines.pop();
    return [...lines, '', START, section.trim(), END, ...(after.length ? ['', ...after] : [])].join('\n');
}

function previewPrefix(number) {
    return `pr-${number}`;
}
function inPreview(prefix, namespace) {
    return namespace.startsWith(`${prefix}.`) && namespace.length > prefix.length + 1;
}
const PREVIEW_OWNER_KEY = 'kestra-gitops-preview';
const REPOSITORY_NAME = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
function parsePreviewOwner(value) {
    const parsed = storedObject(value);
    if (!parsed)
        return undefined;
    const { repository, pullRequest } = parsed;
    if (typeof repository !== 'string' || !REPOSITORY_NAME.test(repository))
        return undefined;
    if (typeof pullRequest !== 'number' || !Number.isSafeInteger(pullRequest))
        return undefined;
    return { repository, pullRequest };
}
function sameOwner(a, b) {
    return a.repository === b.repository && a.pullRequest === b.pullRequest;
}
function describeOwner(owner) {
    return `${owner.repository}'s pull request #${owner.pullRequest}`;
}

async function ownership(api, preview, namespace) {
    const value = await api.getKv(namespace, PREVIEW_OWNER_KEY);
    if (value !== undefined) {
        const owner = parsePreviewOwner(value);
        if (owner && sameOwner(owner, preview.owner))
            return { kind: 'ours' };
        return {
            kind: 'theirs',
            why: owner
                ? `it belongs to ${describeOwner(owner)}`
                : `its ownership record (KV ${PREVIEW_OWNER_KEY}) is not one this action wrote`
        };
    }
    const [flows, files, kv] = await Promise.all([
        api.listFlows(namespace),
        api.listFiles(namespace),
        liveKvKeys(api, [namespace])
    ]);
    if (flows.length === 0 && files.length === 0 && (kv[namespace] ?? []).length === 0) {
        return { kind: 'empty' };
    }
    return {
        kind: 'theirs',
        why: `it holds resources but no ownership record (KV ${PREVIEW_OWNER_KEY}): a preview of an older version of this action, or not a preview at all. If it is this pull request's, delete its content in Kestra`
    };
}
async function removePreview(api, preview, namespaces, options) {
    const { prefix } = preview;
    const result = { deleted: [], failed: [], leftAlone: [] };
    await mapLimit(namespaces, options.concurrency, async (namespace) => {
        if (!inPreview(prefix, namespace)) {
            result.failed.push(`namespace ${namespace}: refused, it is not inside the preview prefix ${prefix}.`);
            return;
        }
        const owned = await ownership(api, preview, namespace);
        if (owned.kind === 'theirs') {
            result.leftAlone.push(`${namespace}: left as it is, ${owned.why}.`);
            return;
        }
        if (owned.kind === 'empty')
            return;
        let failures = 0;
        const attempt = async (what, remove) => {
            if (!inPreview(prefix, namespace)) {
                result.failed.push(`${what}: refused, not inside the preview prefix ${prefix}.`);
                failures++;
                return;
            }
            try {
                await remove();
                result.deleted.push(what);
                options.log(`deleted ${what}`);
            }
            catch (error) {
                failures++;
                result.failed.push(`${what}: ${errorMessage(error)}`);
            }
        };
        const [flows, files] = await Promise.all([api.listFlows(namespace), api.listFiles(namespace)]);
        for (const file of files) {
            await attempt(`file ${namespace}:${file.path}`, () => api.deleteFile(namespace, file.path));
        }
        for (const flow of flows) {
            await attempt(`flow ${namespace}.${flow.id}`, () => api.deleteFlow(namespace, flow.id));
        }
        const keys = (await liveKvKeys(api, [namespace]))[namespace] ?? [];
        const last = [ROLLBACK_RECORD_KEY, COMMIT_MARKER_KEY, PREVIEW_OWNER_KEY];
        const ordered = [
            ...keys.filter((key) => !last.includes(key)).sort(),
            ...last.filter((key) => keys.includes(key) && key !== PREVIEW_OWNER_KEY)
        ];
        for (const key of ordered) {
            await attempt(`kv ${namespace}:${key}`, () => api.deleteKv(namespace, key));
        }
        if (failures === 0) {
            await attempt(`kv ${namespace}:${PREVIEW_OWNER_KEY}`, () => api.deleteKv(namespace, PREVIEW_OWNER_KEY));
        }
    });
    return result;
}
async function ownNamespaces(api, preview, namespaces) {
    const owned = await Promise.all(namespaces.map(async (namespace) => inPreview(preview.prefix, namespace) &&
        (await ownership(api, preview, namespace)).kind === 'ours'
        ? namespace
        : undefined));
    return owned.filter((namespace) => namespace !== undefined);
}
function ownedPreviewServer(api, preview) {
    const claims = new Map();
    const claim = (namespace) => {
        let claimed = claims.get(namespace);
        if (!claimed) {
            claimed = (async () => {
                if (!inPreview(preview.prefix, namespace)) {
                    throw new Error(`refused: ${namespace} is not inside the preview prefix ${preview.prefix}.`);
                }
                const owned = await ownership(api, preview, namespace);
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
    return {
        ...api,
        createFlow: claimed(api.createFlow, (source) => flowIdentity$1(source)?.namespace ?? ''),
        updateFlow: claimed(api.updateFlow),
        deleteFlow: claimed(api.deleteFlow),
        uploadFile: claimed(api.uploadFile),
        deleteFile: claimed(api.deleteFile),
        putKv: claimed(api.putKv),
        deleteKv: claimed(api.deleteKv),
        startExecution: claimed(api.startExecution)
    };
}

const SETTINGS_FILE_PATHS = ['kestra-gitops.yml', '.github/kestra-gitops.yml'];
function parseSettingsFile(path, text) {
    const lineCounter = new distExports.LineCounter();
    const lineAt = (offset) => lineCounter.linePos(offset ?? 0).line;
    const fail = (offset, detail) => {
        throw new SettingsFileError(path, lineAt(offset), detail);
    };
    const documents = distExports.parseAllDocuments(text, {
        lineCounter,
        prettyErrors: false,
        uniqueKeys: true
    });
    if (!Array.isArray(documents))
        return { path, values: new Map() };
    const [document, second] = documents;
    if (second)
        fail(second.range[0], 'holds a second YAML document; keep one mapping of settings');
    if (!document)
        return { path, values: new Map() };
    const problem = document.errors[0];
    if (problem)
        fail(problem.pos[0], `${problem.message.replace(/ at line \d+.*$/s, '')}`);
    const contents = document.contents;
    if (contents === null || (distExports.isScalar(contents) && contents.value === null)) {
        return { path, values: new Map() };
    }
    if (!distExports.isMap(contents)) {
        fail(contents.range?.[0], `must be a mapping of input names to values, e.g. 'delete: true'`);
    }
    const values = new Map();
    for (const pair of contents.items) {
        const key = pair.key;
        const name = distExports.isScalar(key) ? String(key.value) : undefined;
        if (name === undefined)
            fail(key?.range?.[0], 'each key must be the name of an input');
        const keyOffset = key?.range?.[0];
        checkName(name, (detail) => fail(keyOffset, detail));
        const value = pair.value;
        const line = lineAt(value?.range?.[0] ?? keyOffset);
        const raw = settingText(name, value, text, (detail) => fail(value?.range?.[0] ?? keyOffset, detail));
        try {
            parserOf(name).parse(raw, name);
        }
        catch (error) {
            if (!(error instanceof ConfigError))
                throw error;
            throw new SettingsFileError(path, line, error.message);
        }
        values.set(name, { text: raw, line });
    }
    return { path, values };
}
function checkName(name, fail) {
    if (fileMaySet(name))
        return;
    if (Object.hasOwn(WORKFLOW_ONLY, name)) {
        const why = WORKFLOW_ONLY[name];
        fail(`'${name}' cannot be set here (${why}): set it in the workflow's 'with:'`);
    }
    fail(`'${name}' is not an input this file may set; it may set: ${inputNames().filter(fileMaySet).join(', ')}`);
}
function settingText(name, value, source, fail) {
    if (value === null || (distExports.isScalar(value) && value.value === null)) {
        return fail(`'${name}' has no value; give one or remove the line`);
    }
    if (distExports.isAlias(value))
        return fail('aliases are not read here; write the value itself');
    if (distExports.isScalar(value))
        return scalarText(value, source);
    if (distExports.isSeq(value) && parserOf(name).shape === 'lines') {
        return value.items
            .map((item) => {
            const node = item;
            if (node !== null && distExports.isScalar(node) && node.value !== null)
                return scalarText(node, source);
            return fail(`each item of '${name}' must be a plain value`);
        })
            .join('\n');
    }
    return fail(parserOf(name).shape === 'lines'
        ? `'${name}' takes text or a list of plain values`
        : `'${name}' takes one plain value, not a ${distExports.isSeq(value) ? 'list' : 'mapping'}`);
}
function scalarText(node, source) {
    if (typeof node.value === 'string')
        return node.value;
    return node.range ? source.slice(node.range[0], node.range[1]) : String(node.value);
}

function parseSettings(read, sources = {}) {
    const given = readInputs(read, sources);
    const { username, password, 'api-token': apiToken, 'github-token': githubToken, 'pull-request-token': pullRequestToken, flows, namespaces, ...values } = given.values;
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
        flowGlobs: flows,
        extraNamespaces: namespaces,
        recorded: given.recorded
    });
}
function deepFreeze(value) {
    if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const held of Object.values(value))
            deepFreeze(held);
    }
    return value;
}
function readSettingsFile(repositoryRoot) {
    const present = SETTINGS_FILE_PATHS.filter((path) => kindOf(join(repositoryRoot, path)));
    const [path, other] = present;
    if (other) {
        throw new SettingsFileError(other, 1, `${path} exists too: keep one settings file`);
    }
    if (!path)
        return undefined;
    const full = join(repositoryRoot, path);
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
    return parseSettingsFile(path, text);
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
        let raw = given;
        if (given.trim() !== '') {
            if (inFile) {
                log?.(`Input '${name}' from ${givenIn} overrides ${file.path} line ${inFile.line}.`);
            }
        }
        else if (inFile) {
            raw = inFile.text;
            fromFile.add(name);
        }
        else
            raw = defaultOf(name);
        const parser = parserOf(name);
        const value = parser.parse(raw, name);
        values[name] = value;
        const planned = fileMaySet(name) && name !== 'full-plan';
        if (planned && !sameValue(value, parser.parse(defaultOf(name), name))) {
            recorded[name] = typeof value === 'object' && value !== null ? raw.trim() : String(value);
        }
    }
    return { values: values, fromFile, recorded };
}
function sameValue(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
}
function camelCased(values) {
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [
        name.replace(/-([a-z0-9])/g, (_dash, letter) => letter.toUpperCase()),
        value
    ]));
}

function readRunContext(env = process.env) {
    const eventName = env.GITHUB_EVENT_NAME ?? 'workflow_dispatch';
    const payload = readPayload(env.GITHUB_EVENT_PATH);
    const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/');
    const repository = thisRepository(env, payload);
    const pr = payload.pull_request;
    let pullRequest;
    let sha = env.GITHUB_SHA ?? '';
    if (pr && typeof pr === 'object') {
        const head = recordOf(pr.head);
        const base = recordOf(pr.base);
        pullRequest = {
            number: Number(pr.number ?? payload.number),
            baseSha: stringOf(base?.sha) ?? '',
            headSha: stringOf(head?.sha) ?? sha,
            changedFiles: typeof pr.changed_files === 'number' ? pr.changed_files : undefined,
            action: typeof payload.action === 'string' ? payload.action : undefined,
            fork: !sameRepository(head?.repo, base?.repo, repository)
        };
        if (pullRequest.headSha)
            sha = pullRequest.headSha;
    }
    if (eventName === 'merge_group') {
        const group = payload.merge_group;
        if (group?.head_sha) {
            sha = group.head_sha;
            pullRequest = {
                number: 0,
                baseSha: group.base_sha ?? '',
                headSha: group.head_sha,
                fork: false
            };
        }
    }
    const run = eventName === 'workflow_run' ? pullRequestRun(payload, repository) : undefined;
    if (run) {
        sha = run.headSha;
        pullRequest = run.pullRequest;
    }
    let push;
    if (eventName === 'push') {
        push = {
            before: String(payload.before ?? ''),
            after: String(payload.after ?? sha),
            ref: String(payload.ref ?? env.GITHUB_REF ?? '')
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
        defaultBranch: defaultBranchOf(payload)
    };
}
function thisRepository(env, payload) {
    const fullName = env.GITHUB_REPOSITORY ?? '';
    const described = recordOf(payload.repository);
    const id = described?.id;
    const known = described?.full_name === fullName &&
        typeof id === 'number' &&
        Number.isSafeInteger(id) &&
        id > 0 &&
        (env.GITHUB_REPOSITORY_ID === undefined || env.GITHUB_REPOSITORY_ID === String(id));
    return known ? { fullName, id } : { fullName };
}
function pullRequestRun(payload, repository) {
    const run = recordOf(payload.workflow_run);
    const headSha = stringOf(run?.head_sha);
    if (!run || !headSha || !PULL_REQUEST_WORKFLOWS.includes(String(run.event)))
        return undefined;
    const headRepository = recordOf(run.head_repository);
    const fromThisRepository = sameRepository(headRepository, run.repository, repository);
    const entries = Array.isArray(run.pull_requests) ? run.pull_requests.map(recordOf) : [];
    const entry = entries.find((candidate) => {
        const base = recordOf(candidate?.base);
        return (stringOf(recordOf(candidate?.head)?.sha) === headSha &&
            repository.id !== undefined &&
            recordOf(base?.repo)?.id === repository.id &&
            Number.isSafeInteger(candidate?.number));
    });
    if (entry) {
        const head = recordOf(entry.head);
        const base = recordOf(entry.base);
        return {
            headSha,
            pullRequest: {
                number: entry.number,
                baseSha: stringOf(base?.sha) ?? '',
                headSha,
                fork: !(fromThisRepository && sameRepository(head?.repo, base?.repo, repository))
            }
        };
    }
    const owner = stringOf(recordOf(headRepository?.owner)?.login);
    const branch = stringOf(run.head_branch);
    const fullName = stringOf(headRepository?.full_name);
    return {
        headSha,
        head: owner && branch && fullName
            ? { label: `${owner}:${branch}`, repository: fullName, sha: headSha }
            : undefined
    };
}
const PULL_REQUEST_WORKFLOWS = ['pull_request', 'pull_request_target'];
function recordOf(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? value
        : undefined;
}
function stringOf(value) {
    return typeof value === 'string' && value !== '' ? value : undefined;
}
function defaultBranchOf(payload) {
    const repository = payload.repository;
    return typeof repository?.default_branch === 'string' ? repository.default_branch : undefined;
}
function readPayload(path) {
    const fail = (why) => new ActionError(`The event payload (GITHUB_EVENT_PATH${path ? `=${path}` : ''}) ${why}. The runner writes this file for every job: check that no earlier step removed or rewrote it, or point GITHUB_EVENT_PATH at the event's JSON when running the action elsewhere.`);
    if (!path)
        throw fail('is not set');
    let text;
    try {
        text = readFileSync(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        throw fail(code === 'ENOENT' ? 'does not exist' : `cannot be read (${errorMessage(error)})`);
    }
    let payload;
    try {
        payload = JSON.parse(text);
    }
    catch (error) {
        throw fail(`is not valid JSON (${errorMessage(error)})`);
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
        throw fail('is not a JSON object');
    }
    return payload;
}
function resolveMode(settings, eventName) {
    let mode;
    if (settings.mode !== 'auto')
        mode = settings.mode;
    else if (PR_EVENTS.includes(eventName))
        mode = 'plan';
    else if (eventName === 'push' || eventName === 'workflow_dispatch')
        mode = 'deploy';
    else
        mode = 'plan';
    return mode === 'deploy' && settings.dryRun ? 'plan' : mode;
}

function plainTarget(settings, context) {
    return deepFreeze({
        mode: resolveMode(settings, context.eventName),
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
        mode: 'deploy',
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

const SUMMARY_BUDGET_BYTES = 1_048_576;
const TRIMMED_NOTE = '> [!NOTE]\n> Some detail was left out to keep this summary within GitHub’s 1 MiB limit.';
function renderSummary(input) {
    const budget = input.budgetBytes ?? SUMMARY_BUDGET_BYTES;
    const plan = input.plan;
    const head = [title(input), verdictAndTarget(input), ...noteLines(input.notes)];
    if (plan)
        head.push(countsTable(plan, input.kinds));
    const findings = findingsSection(input.findings, Math.floor(budget * (plan ? 0.5 : 0.95)), utf8Length, 'the summary is limited to 1 MiB; the plan file lists them all', sourceLink(input));
    if (findings)
        head.push(findings);
    const fit = (pieces) => fitPieces(pieces, budget, utf8Length);
    if (!plan)
        return fit(head)?.text ?? `${title(input)}\n\n${TRIMMED_NOTE}`;
    const footer = `Plan fingerprint: \`${plan.fingerprint}\``;
    const invalid = invalidCounts(input.findings);
    const attempt = (detail, note) => fit([
        ...head,
        ...(note ? [TRIMMED_NOTE] : []),
        ...changePieces(plan, {
            detail,
            invalid,
            omittedNote: 'Diff omitted to keep the job summary within its size limit.',
            listUnchanged: true,
            countsOmittedNote: 'Too many namespaces changed to list here.',
            kestraUi: input.kestraUi,
            kinds: input.kinds
        }),
        ...driftPieces(plan, detail),
        footer
    ]);
    const whole = attempt('diffs', false);
    return ((whole?.reduced === 0 ? whole.text : undefined) ??
        attempt('diffs', true)?.text ??
        attempt('lines', true)?.text ??
        attempt('counts', true)?.text ??
        [title(input), TRIMMED_NOTE, footer].join('\n\n'));
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

function orderFlowWrites(changes, refs) {
    return orderWrites(changes, refs, (change) => flowKey(change.namespace, change.id));
}
function orderWrites(changes, refs, keyOf) {
    const byKey = new Map();
    for (const change of changes)
        byKey.set(keyOf(change), change);
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
    const componentOf = new Map();
    components.forEach((component, index) => component.forEach((k) => componentOf.set(k, index)));
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
    const prerequisites = new Map();
    for (const key of keys) {
        prerequisites.set(byKey.get(key), [...deps.get(key)].sort(compareCodeUnits).map((k) => byKey.get(k)));
    }
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
            const current = change.current;
            const revision = current && 'revision' in current ? current.revision : undefined;
            results.set(change, { change, result: 'unchanged', revision });
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
            const message = `not applied: no resource kind '${change.kind}' is registered (src/kinds/index.ts)`;
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
    const deletePhase = async (phase, remove) => {
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
            await runAll(phase, remove);
        }
    };
    const removal = (kind) => (change) => kind.remove(change, deps.api, context);
    for (const kind of [...deps.kinds].reverse()) {
        await deletePhase(ofKind(kind, deletes).filter(namespaced), removal(kind));
    }
    for (const kind of deps.kinds) {
        const tenantWide = ofKind(kind, deletes).filter((change) => !namespaced(change));
        await deletePhase(tenantWide, removal(kind));
    }
    return { resources: plan.resources.map((c) => results.get(c)), warnings };
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
async function writeMarkers(api, namespaces, markers, ours, semaphore, checks) {
    const stale = staleMarkers(namespaces, markers, ours, checks);
    const unknown = [];
    const outcomes = await Promise.all(stale.map(async (namespace) => {
        try {
            const stored = checks?.ours.get(namespace);
            const facts = checks?.facts?.get(namespace);
            const value = {
                ...ours,
                ...(stored && { [STORED_CHECKS_FIELD]: stored }),
                ...(facts && { [CONTENT_FACTS_FIELD]: facts })
            };
            await semaphore.run(() => api.putKv(namespace, COMMIT_MARKER_KEY, value));
            return undefined;
        }
        catch (error) {
            if (isOutcomeUnknown(error))
                unknown.push(namespace);
            return `Could not record the deployed commit in namespace ${namespace} (KV ${COMMIT_MARKER_KEY}): ${errorMessage(error)}; the out-of-order guard cannot protect this namespace until a deploy records it.`;
        }
    }));
    return {
        written: stale.filter((_, i) => outcomes[i] === undefined),
        unknown,
        warnings: outcomes.filter((w) => w !== undefined)
    };
}
function staleMarkers(namespaces, markers, ours, checks) {
    return namespaces.filter((namespace) => {
        const recorded = markers.get(namespace);
        return (recorded?.commit !== ours.commit ||
            recorded.repository !== ours.repository ||
            !sameChecks(checks, namespace));
    });
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

const SHA = /^[0-9a-f]{7,64}$/i;
function gitIsAncestor(cwd) {
    return (ancestor, descendant) => new Promise((resolve) => {
        if (!SHA.test(ancestor) || !SHA.test(descendant)) {
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

function deletionRefusals(plan, settings, target, managedNamespaces) {
    const deletions = plan.resources.filter((c) => c.action === 'delete');
    if (deletions.length === 0)
        return [];
    const refusals = [];
    const names = (list) => list.map(resourceName$1).join(', ');
    if (!target.delete) {
        refusals.push(`The plan deletes ${count(deletions.length)} (${names(deletions)}) but the delete input is false; set delete: true to allow deletions.`);
    }
    const managed = new Set(managedNamespaces);
    const unmanaged = deletions.filter((c) => c.namespace !== '' && !managed.has(c.namespace));
    if (unmanaged.length > 0) {
        refusals.push(`Refusing to delete ${names(unmanaged)}: not in a namespace this repository manages (it holds no resource there and the namespaces input does not list it).`);
    }
    const system = deletions.filter((c) => c.namespace === SYSTEM_NAMESPACE && !settings.extraNamespaces.includes(SYSTEM_NAMESPACE));
    if (system.length > 0) {
        refusals.push(`Refusing to delete ${names(system)}: the ${SYSTEM_NAMESPACE} namespace is protected; list it in the namespaces input to manage it.`);
    }
    if (deletions.length > settings.maxDeletions && !target.allowMassDeletion) {
        refusals.push(`The plan deletes ${count(deletions.length)}, more than max-deletions (${settings.maxDeletions}); if that is intended, set allow-mass-deletion: true (or raise max-deletions).`);
    }
    return refusals;
}
function count(n) {
    return n === 1 ? '1 resource' : `${n} resources`;
}

async function deploy(plan, deps) {
    const log = deps.log ?? (() => undefined);
    const blockers = deployBlockers(plan, deps.findings);
    if (blockers.length > 0) {
        deps.confirmReused?.();
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
    ].sort();
    const ours = { commit: deps.commit, repository: deps.repository };
    const early = deps.markers;
    const { markers, warnings, stored } = await (early && sameNamespaces(early.namespaces, namespaces)
        ? early.read
        : readMarkers(deps.api, namespaces, semaphore));
    const order = await checkCommitOrder(markers, ours, deps.isAncestor ?? gitIsAncestor(process.cwd()));
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
    const checks = deps.storedChecks && {
        ours: deps.storedChecks,
        recorded: stored,
        facts: deps.contentFacts
    };
    if (plan.resources.some(isWrite) || staleMarkers(namespaces, markers, ours, checks).length > 0) {
        deps.confirmReused?.();
    }
    await deps.beforeWrites?.();
    const marking = [];
    const mark = (namespace) => marking.push(writeMarkers(deps.api, [namespace], markers, ours, semaphore, checks));
    const writing = new Set(plan.resources.filter(isWrite).map((c) => c.namespace));
    for (const namespace of namespaces)
        if (!writing.has(namespace))
            mark(namespace);
    const applied = await applyPlan(plan, {
        api: deps.api,
        refs: deps.refs,
        readDesiredFile: deps.readDesiredFile,
        kinds: deps.kinds,
        concurrency: deps.settings.concurrency,
        onResult: deps.onResult,
        onNamespaceDone: (namespace, complete) => complete && mark(namespace)
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
        markersBefore: markers
    };
}
function currentRevision(change) {
    return change.kind === 'flow' ? change.current?.revision : undefined;
}

function renderReceipt(result, meta) {
    const target = `commit ${commitText(meta.commit, meta.repositoryUrl)} to ${escapeText(meta.server)} (tenant ${escapeText(meta.tenant)}) at ${readableUtc(meta.time)}`;
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

const FORMAT = 'kestra-gitops-rollback/1';
function newRecord(fields) {
    return { format: FORMAT, ...fields };
}
function parseRecord(value, kinds) {
    const record = (typeof value === 'string' ? safeJson(value) : value);
    if (typeof record !== 'object' || record === null || record.format !== FORMAT)
        return undefined;
    const { repository, deployed, toward, markerWritten, resources } = record;
    if (typeof repository !== 'string' || typeof deployed !== 'string')
        return undefined;
    if (typeof markerWritten !== 'boolean' || !Array.isArray(resources))
        return undefined;
    const marker = toward === null ? null : parseMarker(toward);
    if (marker === undefined)
        return undefined;
    const parsed = resources.map((resource) => resourceOf(resource, kinds));
    if (!parsed.every((resource) => resource !== undefined))
        return undefined;
    return newRecord({ repository, deployed, toward: marker, markerWritten, resources: parsed });
}
function recordsOf$1(values, kinds) {
    const records = new Map();
    const warnings = [];
    for (const [namespace, value] of values) {
        const record = parseRecord(value, kinds);
        if (record)
            records.set(namespace, record);
        else {
            warnings.push(`The KV entry ${ROLLBACK_RECORD_KEY} of namespace ${namespace} is not a rollback record of this action; it is left alone.`);
        }
    }
    return { records: new Map([...records].sort(([a], [b]) => (a < b ? -1 : 1))), warnings };
}
function resourceOf(value, kinds) {
    if (!isObject(value))
        return undefined;
    const { of, ...rest } = value;
    const fields = value.kind === 'tenant-wide' && typeof of === 'string' ? { ...rest, kind: of } : value;
    if (fields.before === undefined && fields.deployed === undefined)
        return undefined;
    return kinds.find((kind) => kind.name === fields.kind)?.parse(fields);
}
function isObject(value) {
    return typeof value === 'object' && value !== null;
}
function isHash(value) {
    return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}
function safeJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}

const RECORDED_BYTES_BUDGET = 256 * 1024;
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
        markers: namespaces.sort().map((namespace) => ({
            namespace,
            toward: result.markersBefore?.get(namespace) ?? null,
            written: marked.includes(namespace)
        }))
    };
}
function plansFromRecords(records, kinds) {
    const plans = new Map();
    for (const [namespace, record] of records) {
        const key = `${record.repository}@${record.deployed}`;
        let plan = plans.get(key);
        if (!plan) {
            plan = {
                repository: record.repository,
                deployed: record.deployed,
                items: [],
                markers: [],
                unrestorable: []
            };
            plans.set(key, plan);
        }
        plan.items.push(...record.resources.map((resource) => {
            const kind = kindNamed(kinds, resource.kind);
            const at = kind?.tenantWide ? '' : namespace;
            return { namespace: at, name: kind?.nameOf(resource, at) ?? resource.kind, resource };
        }));
        plan.markers.push({ namespace, toward: record.toward, written: record.markerWritten });
    }
    return [...plans.values()];
}
async function recordsOf(plan, history, kinds) {
    let budget = RECORDED_BYTES_BUDGET;
    const located = await Promise.all(plan.items.map((item) => kindNamed(kinds, item.resource.kind)?.locate?.(item, history) ?? item.resource));
    const records = new Map();
    const holder = plan.markers[0]?.namespace;
    for (const { namespace, toward, written } of plan.markers) {
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
            markerWritten: written
        };
        records.set(namespace, newRecord({ ...fields, resources }));
    }
    return records;
}
function kindNamed(kinds, name) {
    return kinds.find((kind) => kind.name === name);
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
        const message = `not restored: no rollback of the ${item.resource.kind} kind is registered (src/kinds/index.ts)`;
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
async function restoreByHash(versions, held, deployedCommit, putBack) {
    if (held.sha256 === versions.before) {
        return { result: 'restored', message: 'already as it was before the deploy', wrote: false };
    }
    if (held.sha256 !== versions.deployed) {
        const commit = short(deployedCommit);
        const message = held.sha256 === undefined
            ? `deleted on the server after the deploy of ${commit}`
            : versions.deployed === undefined
                ? `re-created on the server after the deploy of ${commit}`
                : `changed on the server after the deploy of ${commit}${held.since ?? ''}`;
        return { result: 'kept', message, wrote: false };
    }
    return { result: 'restored', message: await putBack(), wrote: true };
}
async function settleMarkers(targets, deployed, api, complete) {
    return Promise.all(targets
        .filter((target) => target.written)
        .map(async (target) => {
        const { namespace, toward } = target;
        const back = toward
            ? `deployed-commit marker put back to ${short(toward.commit)}`
            : 'deployed-commit marker removed (there was none before)';
        try {
            if (await markerIsBack(namespace, toward, api)) {
                return { namespace, result: 'restored', message: `${back} (already)`, wrote: false };
            }
            if (!complete)
                return keptMarker(target, deployed);
            if (toward)
                await api.putKv(namespace, COMMIT_MARKER_KEY, { ...toward });
            else
                await api.deleteKv(namespace, COMMIT_MARKER_KEY);
            return { namespace, result: 'restored', message: back, wrote: true };
        }
        catch (error) {
            if (!complete)
                return keptMarker(target, deployed);
            if (isOutcomeUnknown(error) &&
                (await markerIsBack(namespace, toward, api).catch(() => false))) {
                return { namespace, result: 'restored', message: back, wrote: true };
            }
            const message = `still names ${short(deployed)}: it could not be put back: ${errorMessage(error)}`;
            return { namespace, result: 'failed', message, wrote: false };
        }
    }));
}
function keptMarker({ namespace }, deployed) {
    return {
        namespace,
        result: 'kept',
        message: `still names ${short(deployed)}: the rollback is incomplete`,
        wrote: false
    };
}
async function markerIsBack(namespace, toward, api) {
    const now = parseMarker(await api.getKv(namespace, COMMIT_MARKER_KEY));
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
        const verdict = verdictOf$1(last.state);
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
function verdictOf$1(state) {
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

function rollbackSection(result) {
    const lines = [
        result.rolledBack === 'true'
            ? '↩️ **Rolled back**: every resource this deploy changed is back as it was before, and the deployed-commit marker too.'
            : `⚠️ **Rollback incomplete** (rolled-back: ${result.rolledBack}): ${backCount(result)}.`
    ];
    for (const left of leftBehind(result)) {
        lines.push(`- ${escapeText(notBack(left))}`);
    }
    for (const marker of markersLeft(result)) {
        lines.push(`- ${escapeText(markerSentence(marker))}`);
    }
    if (result.resumable)
        lines.push('', escapeText(resumeSentence()));
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
        ...leftBehind(result).map((r) => `  ${notBack(r)}`),
        ...markersLeft(result).map((m) => `  ${markerSentence(m)}`),
        ...(result.resumable ? [resumeSentence()] : [])
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
function notBack(r) {
    return r.result === 'kept'
        ? `${r.item.name}: kept as the server holds it, not rolled back (${r.message})`
        : `${r.item.name}: left at the deployed version (${r.message})`;
}
function leftBehind(result) {
    return result.resources.filter((r) => r.result !== 'restored');
}
function markersLeft(result) {
    return result.markers.filter((m) => m.result !== 'restored');
}
function markerSentence({ namespace, message }) {
    return `The deployed-commit marker of ${namespace} ${message}.`;
}
function resumeSentence() {
    return `Re-run the workflow to finish the rollback: its progress is recorded in the KV store of each namespace (${ROLLBACK_RECORD_KEY}).`;
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
    const minutes = Math.floor(ms / 60_000);
    return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

async function afterDeploy(args) {
    const { result, ports } = args;
    const wrote = result.resources.some((r) => WRITTEN.has(r.result));
    const smoke = await smokeRuns(args, wrote);
    ports.reporter.setOutput('smoke', smoke ? (smoke.passed ? 'passed' : 'failed') : 'skipped');
    const markdown = smoke ? [smokeSection(ports.edge.shown(smoke))] : [];
    const undone = await rollbackIfFailed(args, smoke, wrote);
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
async function smokeRuns(args, wrote) {
    const { settings, target, result, kestra, deployed } = args;
    const { reporter } = args.ports;
    if (target.smokeFlows.length === 0)
        return undefined;
    if (!wrote || result.status !== 'applied') {
        reporter.info(`Smoke runs skipped: ${wrote ? 'a write of this deploy did not go through' : 'this deploy wrote no flow or file'}.`);
        return undefined;
    }
    const { tenantScoped } = await kestra.info();
    return phase(reporter, 'Smoke runs', () => runSmoke(target.smokeFlows, {
        api: kestra,
        timeoutMs: settings.smokeTimeoutSeconds * 1000,
        runId: `${deployed.runId || 'local'}-${randomBytes(4).toString('hex')}`,
        link: (execution) => executionUrl(settings.server ?? '', tenantScoped ? settings.tenant : undefined, execution),
        now: () => Date.now(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: reporter.info
    }), (done) => `Smoke runs: ${done.passed ? 'passed' : 'failed'} (${done.runs.length}) in ${(done.elapsedMs / 1000).toFixed(1)} s.`);
}
async function rollbackIfFailed(args, smoke, wrote) {
    const { settings, result, kestra, deployed } = args;
    const { reporter } = args.ports;
    const failed = smoke?.passed === false || result.status === 'failed';
    const touched = wrote ||
        result.markedNamespaces.length > 0 ||
        (result.markersUnknown ?? []).length > 0 ||
        result.resources.some((r) => r.outcomeUnknown);
    if (!settings.rollback || !failed || !touched)
        return undefined;
    const plan = planFromDeploy(result, deployed, args.kinds);
    const undone = await phase(reporter, 'Rollback', () => rollback(plan, {
        api: kestra,
        refs: args.refs,
        kinds: args.kinds,
        concurrency: settings.concurrency,
        log: reporter.info
    }), rollbackLine);
    for (const warning of undone.warnings)
        reporter.warning(warning);
    return undone;
}
function failedRun(run) {
    const id = run.executionId ?? (run.verdict === 'timed-out' ? 'start not confirmed' : 'not started');
    const state = run.verdict === 'timed-out' ? 'timed out' : (run.state ?? run.message);
    return `${run.flow.namespace}.${run.flow.id} (${id}: ${state})`;
}

function setCountOutputs(reporter, counts) {
    reporter.setOutput('created', counts.create);
    reporter.setOutput('updated', counts.update);
    reporter.setOutput('deleted', counts.delete);
    reporter.setOutput('unchanged', counts.unchanged);
    reporter.setOutput('orphaned', counts.orphaned);
    reporter.setOutput('drifted', counts.drifted);
}

async function stoppedRollbacks(kestra, namespaces, early, kinds, reporter) {
    try {
        const values = early && sameNamespaces(early.namespaces, namespaces)
            ? valueOfEnded(early.read)
            : await readRollbackRecords(kestra, namespaces);
        const reading = recordsOf$1(values, kinds);
        for (const warning of reading.warnings)
            reporter.warning(warning);
        return reading.records;
    }
    catch (error) {
        throw new DeployError(`Nothing was deployed: ${errorMessage(error)}. Re-run once the server answers.`);
    }
}
async function finishRollbacks(records, deps) {
    const results = await resumeEach(records, deps);
    if (results.every((r) => r.stale)) {
        deps.reporter.info('The server already held every version those records name: records removed, deploying.');
        return undefined;
    }
    return reportFinished(results, deps);
}
async function resumeEach(records, deps) {
    const { reporter, settings } = deps;
    const results = [];
    for (const plan of plansFromRecords(records, deps.kinds)) {
        const namespaces = plan.markers.map((m) => m.namespace).join(', ');
        reporter.warning(`A rollback of the deploy of commit ${short(plan.deployed)} is recorded as unfinished in namespace(s) ${namespaces}: finishing it before anything else.`);
        const done = await phase(reporter, `Rollback of ${short(plan.deployed)} left unfinished`, () => rollback(plan, {
            api: deps.kestra,
            refs: deps.refs,
            kinds: deps.kinds,
            concurrency: settings.concurrency,
            log: reporter.info,
            recorded: true
        }), rollbackLine);
        for (const warning of done.warnings)
            reporter.warning(warning);
        results.push(done);
    }
    return results;
}
async function reportFinished(results, deps) {
    const { reporter, settings } = deps;
    const rolledBack = combined(results.map((r) => r.rolledBack));
    const deployed = [...new Set(results.map((r) => short(r.deployed)))].join(', ');
    const nothing = `Nothing was deployed by this run: re-run the workflow to deploy commit ${short(deps.commit)}.`;
    const headline = deployTitle(rolledBack === 'true' ? 'rolled-back' : 'rollback-incomplete', `finishing the interrupted rollback of ${deployed}, nothing deployed`, settings.commentKey);
    const markdown = [
        ...results.map((r) => `An earlier run stopped while rolling back the deploy of commit \`${short(r.deployed)}\`; this run went on with it:\n\n${rollbackSection(r)}`),
        nothing
    ].join('\n\n');
    reporter.setOutput('deployed', false);
    reporter.setOutput('smoke', 'skipped');
    reporter.setOutput('rolled-back', rolledBack);
    const { orphaned, drifted } = deps.counts;
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

function writeLog(plan, reporter) {
    const pending = new Map();
    for (const change of plan.resources.filter(isWrite)) {
        pending.set(change.namespace, (pending.get(change.namespace) ?? 0) + 1);
    }
    const total = [...pending.values()].reduce((sum, n) => sum + n, 0);
    const results = new Map();
    let done = 0;
    return (result) => {
        const { namespace } = result.change;
        const own = results.get(namespace) ?? [];
        own.push(result);
        results.set(namespace, own);
        done++;
        reporter.progress(done < total ? `Writing to Kestra: ${done} of ${total}` : '');
        if (own.length < (pending.get(namespace) ?? 0))
            return;
        reporter.group(`Writes to ${namespace}`);
        for (const r of own)
            reporter.info(describe$1(r));
        reporter.endGroup(`${namespace}: ${outcomeCounts(own).join(', ')}`);
        results.delete(namespace);
    };
}
function describe$1({ change, result, revision, message }) {
    const rev = revision === undefined ? '' : ` (revision ${revision})`;
    const why = message === undefined ? '' : `: ${message}`;
    return `${change.kind} ${resourceName$1(change)}: ${result}${rev}${why}`;
}

async function checkReviewedPlan(args) {
    const { plan, context, github } = args;
    const refuse = (why) => new DeployError(`require-reviewed-plan: ${why} Nothing was deployed.`);
    if (!github)
        throw refuse('no github-token to read the merged pull request.');
    const pr = await github.findMergedPullRequest(context.sha);
    if (!pr)
        throw refuse(`commit ${context.sha} did not come from a merged pull request, so no plan was reviewed.`);
    const comment = await github.findStickyComment(pr, commentMarker(args.commentKey));
    const reviewed = comment && readPlanMarker(comment.body);
    if (!reviewed)
        throw refuse(`pull request #${pr} has no plan comment (comment-key '${args.commentKey}').`);
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
    const { plan, reviewed } = args;
    if (reviewed === plan.fingerprint) {
        args.log(`The plan has the approved fingerprint (${plan.fingerprint.slice(0, 12)}).`);
        return;
    }
    throw new DeployError([
        `reviewed-plan: the plan computed now is not the approved one. Nothing was deployed.`,
        `  approved: ${reviewed}`,
        `  now:      ${plan.fingerprint} (commit ${args.context.sha})`,
        'The server or the repository changed after the plan job ran (or the two jobs ran with other settings). The plan now:',
        ...changeLines(plan),
        "Compare it with the plan job's summary, then run the workflow again to plan and approve the current state."
    ].join('\n'));
}
function changeLines(plan) {
    const changes = plan.resources.filter((r) => r.action !== 'unchanged');
    if (changes.length === 0)
        return ['  (no changes)'];
    return changes.map((r) => `  ${r.action} ${r.kind} ${resourceName$1(r)}`);
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
function verdictOf(statuses) {
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
function refusal$1(environment, sha, history) {
    const verified = verifiedCommit(history);
    const instead = verified
        ? `the commit verified there is ${verified.sha.slice(0, 7)} (deployed ${verified.createdAt}); promote that one, or deploy ${sha.slice(0, 7)} to ${environment} first`
        : `no commit is verified there yet; deploy ${sha.slice(0, 7)} to ${environment} first`;
    return `Input 'require-verified-in': commit ${sha.slice(0, 7)} has no successful deployment in ${environment}, so nothing was written: ${instead}.`;
}

const HISTORY_LIMIT = 30;
async function environmentHistory(reads, environment, sha) {
    const history = { deployments: [] };
    for (const deployment of await reads.deployments({ environment }, HISTORY_LIMIT)) {
        history.deployments.push({
            deployment,
            verdict: verdictOf(await reads.statuses(deployment.id))
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

function fingerprint(resources, kinds) {
    const changes = resources
        .filter((r) => r.action !== 'unchanged')
        .map((r) => kindOf$1(kinds, r).fingerprintOf(r));
    return sha256Hex(JSON.stringify({ version: 1, changes }));
}
function changeDigest(change, kinds) {
    return sha256Hex(JSON.stringify(kindOf$1(kinds, change).fingerprintOf(change))).slice(0, 16);
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
        pipeline: input
    };
    const resources = [];
    for (const kind of kinds) {
        if (kind.plan && (kind.pipelineReading || held.has(kind.name))) {
            resources.push(...kind.plan(held.get(kind.name), options));
        }
    }
    sortInPlanOrder(resources, kinds);
    for (const change of resources) {
        if (change.action !== 'unchanged')
            change.digest = changeDigest(change, kinds);
    }
    return {
        resources,
        namespaces,
        counts: countPlan(resources),
        fingerprint: fingerprint(resources, kinds)
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
        const kind = kindOf$1(kinds, change);
        return { change, order: kind.order, id: kind.idOf(change) };
    });
    keyed.sort((a, b) => compareCodeUnits(a.change.namespace, b.change.namespace) ||
        a.order - b.order ||
        compareCodeUnits(a.id, b.id));
    keyed.forEach(({ change }, i) => (resources[i] = change));
}

const MAY_REFER = /flowId|\bread\s*\(/;
function callGraph(repository, server) {
    const held = new Map();
    for (const flow of repository.flows) {
        if (flow.notAFlow || flow.namespace === undefined || flow.id === undefined)
            continue;
        held.set(flowKey(flow.namespace, flow.id), { namespace: flow.namespace, id: flow.id });
    }
    const calls = [];
    const reads = [];
    const add = (references, caller) => {
        calls.push(...edgesOf(references, caller));
        reads.push(...readsOf(references, caller));
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
    return { calls, reads, serverOnly };
}
function readsOf(references, reader) {
    return references.flatMap((ref) => ref.kind === 'file'
        ? [
            {
                reader,
                namespace: ref.namespace,
                path: ref.path,
                file: ref.file,
                line: ref.line,
                column: ref.column
            }
        ]
        : []);
}
function edgesOf(references, caller) {
    return references.flatMap((ref) => ref.kind === 'flow'
        ? [
            {
                caller,
                namespace: ref.namespace,
                id: ref.id,
                via: ref.via,
                file: ref.file,
                line: ref.line,
                column: ref.column
            }
        ]
        : []);
}

function triggerChanges(before, after, reference) {
    if (!mentionsTriggers(before) && !mentionsTriggers(after))
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
    const next = new Map(now.triggers.map((t) => [t.id, t]));
    for (const trigger of now.triggers) {
        const was = previous.get(trigger.id);
        if (!was) {
            changes.push(withNextRun(`trigger ${trigger.id} (${describe(trigger)}) added`, trigger));
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
    for (const trigger of old.triggers) {
        if (!next.has(trigger.id)) {
            changes.push({ text: `trigger ${trigger.id} (${describe(trigger)}) removed` });
        }
    }
    return changes;
    function withNextRun(text, trigger) {
        const run = trigger.disabled || now.disabled ? undefined : nextRun(trigger, reference);
        return run ? { text, nextRun: run } : { text };
    }
}
function mentionsTriggers(source) {
    return source.includes('triggers') || source.includes('disabled');
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
    if (!isRecord(root))
        return undefined;
    const list = Array.isArray(root.triggers) ? root.triggers : [];
    const triggers = [];
    list.forEach((item, index) => {
        if (!isRecord(item))
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
    return { disabled: root.disabled === true, triggers };
}
function describe(trigger) {
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
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const VIA$1 = {
    subflow: 'Subflow calls',
    foreach: 'ForEachItem calls',
    'flow-trigger': 'Flow trigger waits for'
};
function withImpact(plan, input) {
    const flows = plan.resources.filter((r) => r.kind === 'flow');
    const deleted = new Set(flows.filter((f) => f.action === 'delete').map(keyOf));
    const callers = new Map();
    const removed = new Map(flows.filter((f) => f.action === 'delete' || f.action === 'orphaned').map((f) => [keyOf(f), f]));
    const findings = [];
    for (const call of input.calls) {
        const target = flowKey(call.namespace, call.id);
        const from = keyOf(call.caller);
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
    const deletedFiles = new Map(plan.resources
        .filter((r) => r.kind === 'file' && r.action === 'delete')
        .map((r) => [fileKey(r.namespace, r.path), r]));
    for (const read of input.reads) {
        if (deleted.has(keyOf(read.reader)))
            continue;
        if (!deletedFiles.has(fileKey(read.namespace, read.path)))
            continue;
        findings.push(deletedInUse(read.reader, read, {
            what: `read('${read.path}') reads`,
            used: `namespace file ${read.namespace}:${read.path}`,
            effect: 'this flow would fail when it runs',
            keep: 'Keep the file in the repository'
        }));
    }
    const resources = plan.resources.map((r) => {
        if (r.kind !== 'flow' || !isWrite(r))
            return r;
        const impact = {
            callers: [...(callers.get(keyOf(r))?.values() ?? [])].sort((a, b) => compareCodeUnits(a.namespace, b.namespace) ||
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
                keyOf(r),
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
        what: VIA$1[call.via],
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
        resource: keyOf(user)
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
        message: `${VIA$1[call.via]} flow ${name}, which the repository no longer holds: the server keeps it only because delete is false, and the next deploy with delete: true removes it. Remove the call, or keep ${name} in the repository`,
        resource: keyOf(call.caller)
    };
}
function keyOf(flow) {
    return flowKey(flow.namespace, flow.id);
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
            const kind = kindOf$1(meta.kinds, r);
            return {
                kind: r.kind,
                ...(r.namespace !== '' && { namespace: r.namespace }),
                ...kind.planFileIdentity(r),
                action: r.action,
                ...kind.planFileDetails(r),
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
function writePlanFile(runnerTemp, commentKey, text) {
    const path = planFilePath(runnerTemp, commentKey);
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
        : kindOf$1(kinds, change).serverText?.(change);
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

const NOTICE_NAMES = 20;
function checkNames(refs, listings) {
    const findings = [];
    const missing = new Map();
    const unchecked = [];
    let checked = 0;
    const secrets = secretLookup(listings.secrets);
    const ownOnly = listings.kvOwnNamespaceOnly === true;
    const kv = kvLookup(listings.kv, ownOnly);
    for (const ref of refs) {
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

function withReview(plan, review) {
    const resources = plan.resources.map((r) => {
        if (r.kind !== 'flow')
            return r;
        const key = flowKey(r.namespace, r.id);
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
                const words = breaks.get(`${flowKey(c.namespace, c.id)}\0${c.via}`);
                return words ? { ...c, breaks: words } : c;
            });
            change = { ...change, impact: { ...change.impact, callers } };
        }
        return change;
    });
    return { ...plan, resources };
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
function refusal(input, literal) {
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

function changedContracts(flows, calls) {
    const called = new Set(calls.filter((call) => call.via !== 'flow-trigger').map((c) => flowKey(c.namespace, c.id)));
    return flows.filter((f) => f.action === 'update' &&
        f.current !== undefined &&
        f.desired !== undefined &&
        called.has(flowKey(f.namespace, f.id)) &&
        !sameInputs(f.current.source, f.desired));
}
function callSites(targets, calls, sources) {
    const wanted = new Set(targets.map((t) => flowKey(t.namespace, t.id)));
    const callers = new Map();
    for (const call of calls) {
        if (call.via !== 'flow-trigger' && wanted.has(flowKey(call.namespace, call.id))) {
            callers.set(flowKey(call.caller.namespace, call.caller.id), call.caller);
        }
    }
    const sites = [];
    for (const [key, caller] of [...callers].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const repository = sources.repository.get(key);
        const flow = repository ?? sources.server.get(key);
        const first = flow?.documents[0];
        if (!flow || !first)
            continue;
        const document = new FlowDocument(flow, first);
        if (!document.root || !document.aliases.safe)
            continue;
        for (const task of taskTree(document).tasks) {
            const via = !task.type
                ? undefined
                : SUBFLOW_TYPES.has(task.type)
                    ? 'subflow'
                    : FOREACH_ITEM_TYPES.has(task.type)
                        ? 'foreach'
                        : undefined;
            const namespace = document.string(document.get(task.map, 'namespace')?.value);
            const id = document.string(document.get(task.map, 'flowId')?.value);
            if (!via || namespace === undefined || id === undefined)
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
    const byKey = new Map(targets.map((t) => [flowKey(t.namespace, t.id), t]));
    for (const site of sites) {
        const targetKey = flowKey(site.target.namespace, site.target.id);
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
        for (const input of missingInputs(declared, site)) {
            report(true, `does not pass required input ${input.id} of ${name}${revision}`, site);
        }
        for (const passed of site.inputs) {
            const input = declared.find((d) => d.id === passed.key);
            if (!input) {
                report(false, `passes input ${passed.key}, which ${name}${revision} does not declare`, passed);
                continue;
            }
            const why = passed.literal === undefined ? undefined : refusal(input, passed.literal);
            if (why)
                report(true, `passes ${passed.key}: ${why}, which input ${passed.key} of ${name}${revision} refuses`, passed);
        }
        if (words.length > 0) {
            const callers = breaks.get(targetKey) ?? new Map();
            const callerKey = `${flowKey(site.caller.namespace, site.caller.id)}\0${site.via}`;
            callers.set(callerKey, [...(callers.get(callerKey) ?? []), ...words]);
            breaks.set(targetKey, callers);
        }
    }
    return { findings, breaks };
}
const FAILS = ': the task fails when it runs (Kestra checks a call only then). Pass the input, give it defaults, or make it optional';
const DROPPED = ': Kestra drops it with a warning when the task runs. Remove it from the call';
function missingInputs(declared, site) {
    const passed = new Set(site.inputs.map((i) => i.key));
    return declared.filter((d) => d.required && !d.hasDefaults && !passed.has(d.id));
}
function contractFinding(site, target, fatal, text, at) {
    const callerName = `${site.caller.namespace}.${site.caller.id}`;
    const resource = flowKey(site.caller.namespace, site.caller.id);
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
        message: `${callerName} (server only): its ${what} call ${text}`,
        resource
    };
}
function inputsLine(source) {
    const index = source.search(/^inputs\s*:/m);
    return index < 0 ? 1 : source.slice(0, index).split('\n').length;
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

async function gatherReview(args) {
    const targets = changedContracts(flowChanges(args.plan), args.calls);
    const sites = targets.length === 0 ? [] : callSitesOf(args, targets);
    const [unfinished, pinned] = await Promise.all([
        args.unfinished,
        sites.length === 0
            ? new Map()
            : readPinnedRevisions(args.kestra, sites)
    ]);
    return { unfinished, contracts: { targets, sites, pinned } };
}
function decideReview(args, reads, reporter) {
    const flows = flowChanges(args.plan);
    const names = reviewNames(args, flows, reporter);
    const unfinished = reviewExecutions(reads.unfinished, flows, reporter);
    const { sites, targets, pinned } = reads.contracts;
    const contracts = targets.length === 0
        ? { findings: [], breaks: new Map() }
        : reviewContracts(sites, targets, pinned);
    const plan = withReview(args.plan, {
        missing: names.missing,
        unfinished: unfinished.byFlow,
        breaks: contracts.breaks
    });
    return { plan, findings: [...names.findings, ...unfinished.findings, ...contracts.findings] };
}
function flowChanges(plan) {
    return plan.resources.filter((r) => r.kind === 'flow');
}
function reviewNames(args, flows, reporter) {
    const written = new Set(flows
        .filter((f) => f.action === 'create' || f.action === 'update')
        .map((f) => flowKey(f.namespace, f.id)));
    const refs = args.names.filter((ref) => written.has(ref.fromFlow));
    if (refs.length === 0)
        return { findings: [], missing: new Map() };
    const checked = checkNames(refs, args.listings ? valueOfEnded(args.listings) : {});
    reporter.info(`${checked.checked} secret and KV reference(s) checked: ${checked.findings.filter((f) => f.severity === 'warning').length} not defined on the server.`);
    return checked;
}
function reviewExecutions(reading, flows, reporter) {
    const guarded = flows.filter((f) => f.action === 'update' || f.action === 'delete');
    if (guarded.length === 0)
        return { byFlow: new Map(), findings: [] };
    if ('byFlow' in reading) {
        for (const flow of guarded) {
            const executions = reading.byFlow.get(flowKey(flow.namespace, flow.id));
            if (executions) {
                reporter.info(`${flow.namespace}.${flow.id}: ${byStateNames(executions)}`);
            }
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
function byStateNames(executions) {
    const states = [...new Set(executions.map((e) => e.state))].sort();
    return `${unfinishedText(executions)} (${states.join(', ')})`;
}

async function planMode(args) {
    const { ports, model, state } = args;
    const { desired, commitTime: reference } = args.snapshot;
    if (desired === undefined) {
        throw new ActionError('a plan needs the snapshot of a plan or deploy run');
    }
    const { reporter } = ports;
    const { plan, findings: impactFindings } = await phase(reporter, 'Plan', async () => {
        const built = await plannedChanges(args, desired);
        const graph = callGraph({ flows: model.flows, references: args.references }, state);
        const impact = withImpact(built, { ...graph, reference });
        for (const [namespace, counts] of countsByNamespace(impact.plan)) {
            reporter.info(`${namespace}: ${countsText(counts)}`);
        }
        const unfinished = args.snapshot.unfinished ?? { byFlow: new Map() };
        const review = { ...args.review, unfinished, plan: impact.plan, model, state };
        const reads = await gatherReview({ ...review, calls: graph.calls });
        const reviewed = decideReview(review, reads, reporter);
        return { plan: reviewed.plan, findings: [...impact.findings, ...reviewed.findings] };
    }, ({ plan }) => `Plan: ${countsText(plan.counts)} (fingerprint ${plan.fingerprint.slice(0, 12)}).`);
    const findings = sortFindings([...args.report.findings, ...impactFindings]);
    const report = { ...args.report, findings, plan };
    const shown = ports.edge.shown(renderedReport(report));
    let sent;
    const leaving = new Promise((resolve) => (sent = resolve));
    const commenting = postComment(args, shown, sent);
    commenting.catch(() => undefined);
    await Promise.race([
        leaving,
        commenting.then(() => undefined, () => undefined)
    ]);
    await new Promise((resume) => setTimeout(resume, 1));
    writePlanOutputs(args, report, plan);
    const summary = renderSummary(shown);
    await commenting;
    return { plan, summary, findings };
}
async function plannedChanges(args, desired) {
    const { target, context, ports, model, changed, state } = args;
    const input = {
        namespaces: model.managedNamespaces,
        desired,
        actual: state,
        scope: target.scope,
        changedFiles: changed.kind === 'list' ? changed.paths : undefined,
        base: args.base && valueOfEnded(args.base),
        deleteEnabled: target.delete
    };
    const kinds = args.kinds.map((kind) => kind.decide);
    const held = args.snapshot.kinds;
    let built = buildPlan(input, kinds, held);
    const baseSha = baseCommit(context);
    if (baseSha && !input.base && ports.github) {
        const base = await baseFromApi(built, ports.github, baseSha);
        built = buildPlan({ ...input, base }, kinds, held);
    }
    return args.mode === 'drift' ? driftPlan(built) : built;
}
function writePlanOutputs(args, report, plan) {
    const { settings, context, ports } = args;
    const { edge, reporter } = ports;
    const planDocument = planJson(plan, {
        mode: report.mode,
        server: settings.server ?? '',
        tenant: settings.tenant,
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
    const outcome = await ports.github.upsertStickyComment(pr.number, commentMarker(settings.commentKey), body, args.snapshot.comments, sent);
    if (outcome.status === 'forbidden') {
        ports.reporter.warning(`The pull-request comment could not be written: ${outcome.message}`);
        return;
    }
    ports.reporter.setOutput('comment-url', outcome.url);
    ports.reporter.info(`Pull-request comment ${outcome.status}: ${outcome.url}`);
}
function runUrl(context) {
    if (!context.runId || !context.owner)
        return undefined;
    return `${context.serverUrl}/${context.owner}/${context.repo}/actions/runs/${context.runId}`;
}

async function beginEnvironment(args) {
    const { settings, target, context, ports } = args;
    if (!target.environment && !target.requireVerifiedIn)
        return undefined;
    const github = ports.deployments;
    if (!github) {
        throw new ConfigError(target.environment ? 'environment' : 'require-verified-in', 'GitHub deployments need the github-token input (the default, github.token, works)');
    }
    if (target.requireVerifiedIn) {
        await checkVerified(github, target.requireVerifiedIn, context.sha, ports.reporter);
    }
    if (!target.environment)
        return undefined;
    const environment = target.environment;
    const { tenantScoped } = await args.kestra.info();
    const [first] = [...args.namespaces].sort();
    const environmentUrl = first
        ? namespaceUrl(settings.server ?? '', tenantScoped ? settings.tenant : undefined, first)
        : undefined;
    const logUrl = runUrl(context);
    const id = await github.create({
        sha: context.sha,
        environment,
        transient: target.transientEnvironment,
        description: ports.edge.text(`Kestra deploy of ${context.sha.slice(0, 7)}`),
        payload: {
            kestra: {
                server: settings.server,
                tenant: settings.tenant,
                namespaces: [...args.namespaces].sort()
            }
        }
    });
    await github.addStatus(id, {
        state: 'in_progress',
        description: 'Deploying to Kestra.',
        environmentUrl,
        logUrl
    });
    ports.reporter.info(`GitHub deployment ${id} to ${environment}: in_progress.`);
    return environmentRun({ github, environment, id, environmentUrl, logUrl, context, ports });
}
async function checkVerified(github, environment, sha, reporter) {
    const history = await environmentHistory(github, environment, sha);
    if (!isVerified(history, sha))
        throw new DeployError(refusal$1(environment, sha, history));
    reporter.info(`Commit ${sha.slice(0, 7)} is verified in ${environment}.`);
}
function environmentRun(run) {
    const { github, environment, id, environmentUrl, logUrl, context, ports } = run;
    const status = async (state) => {
        await github.addStatus(id, {
            ...state,
            description: ports.edge.text(state.description),
            environmentUrl,
            logUrl
        });
        ports.reporter.info(`GitHub deployment ${id} to ${environment}: ${state.state}.`);
    };
    return {
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
        const verdict = verdictOf(await github.statuses(deployment.id));
        if (verdict !== 'pending')
            return verdict;
    }
    return undefined;
}

function unfinishedGuard(args) {
    const { settings, kestra, ports } = args;
    const flows = args.plan.resources.filter((r) => r.kind === 'flow' && (r.action === 'update' || r.action === 'delete'));
    return {
        policy: settings.runningExecutions,
        timeoutSeconds: settings.runningExecutionsTimeoutSeconds,
        flows,
        read: () => readUnfinished(kestra, flows, { server: settings.server ?? '', tenant: settings.tenant }),
        log: ports.reporter.info,
        sleep: (ms) => setTimeout$1(ms),
        now: () => ports.now().getTime()
    };
}

async function applyMode(args) {
    const { settings, target, context, ports, plan } = args;
    const { reporter } = ports;
    const refs = flowDependencies(args.references);
    const applyKinds = args.kinds.flatMap((kind) => (kind.apply ? [kind.apply] : []));
    const kinds = args.kinds.flatMap((kind) => (kind.rollback ? [kind.rollback] : []));
    let environment;
    let result;
    try {
        await checkReviewed(args);
        environment = await beginEnvironment({
            ...{ settings, target, context, ports, kestra: args.kestra },
            namespaces: args.model.managedNamespaces
        });
        const finished = await finishStopped(args, refs, kinds);
        if (finished) {
            await environment?.fail('a stopped rollback was finished instead; run the deploy again');
            await reportOnPullRequest(args, finished.headline, finished.markdown);
            return { failure: finished.failure };
        }
        result = await deploy(plan, await deployDeps(args, refs, applyKinds));
    }
    catch (error) {
        await environment?.fail(errorMessage(error));
        if (error instanceof DeployError)
            await reportNotDeployed(args, error);
        throw error;
    }
    for (const warning of result.warnings)
        reporter.warning(warning);
    const after = await afterDeploy({
        ...{ settings, target, ports, kestra: args.kestra, result, refs, kinds },
        deployed: {
            commit: context.sha,
            repository: `${context.owner}/${context.repo}`,
            runId: context.runId
        }
    });
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
        return { ...rolled, failure: failureSummary(result, rolledBack) + undone };
    }
    if (!after.rollback)
        reporter.info(`Deployed: ${result.applied} resource(s) written.`);
    return { ...rolled, failure: after.failure };
}
async function checkReviewed(args) {
    const { settings, target, context, ports, plan } = args;
    const log = ports.reporter.info;
    if (settings.reviewedPlan !== undefined) {
        const reviewed = settings.reviewedPlan;
        checkReviewedFingerprint({ plan, context, settings: settings.recorded, reviewed, log });
    }
    if (target.requireReviewedPlan && context.eventName === 'push') {
        await checkReviewedPlan({
            ...{ plan, context, settings: settings.recorded, github: ports.github, log },
            commentKey: settings.commentKey
        });
    }
}
async function finishStopped(args, refs, kinds) {
    const { reporter } = args.ports;
    const early = args.rollbackRecords;
    const stopped = await stoppedRollbacks(args.kestra, namespacesOf(args), early, kinds, reporter);
    if (stopped.size === 0)
        return undefined;
    return finishRollbacks(stopped, {
        ...{ kestra: args.kestra, refs, kinds, settings: args.settings, reporter },
        commit: args.context.sha,
        summary: args.summary,
        counts: args.plan.counts
    });
}
async function deployDeps(args, refs, kinds) {
    const { settings, target, context, ports } = args;
    return {
        storedChecks: await args.storedChecks,
        contentFacts: args.state && contentFactsToStore(args.plan, args.state, args.model.files),
        ...{ api: args.kestra, findings: args.findings, refs, kinds, settings, target },
        readDesiredFile: repositoryFileReader(args.model),
        managedNamespaces: args.model.managedNamespaces,
        commit: context.sha,
        markers: args.markers,
        repository: `${context.owner}/${context.repo}`,
        isAncestor: ancestryChecker(context.workspace, ports.github),
        log: ports.reporter.info,
        onResult: writeLog(args.plan, ports.reporter),
        beforeWrites: () => guardUnfinished(unfinishedGuard(args)),
        confirmReused: () => confirmReusedChecks(args.reused.flows, args.reused.validation)
    };
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
    const { settings, context, ports } = args;
    return renderReceipt(ports.edge.shown(result), {
        rolledBack,
        commit: context.sha,
        time: ports.now().toISOString(),
        server: settings.server ?? '',
        tenant: settings.tenant,
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
        return readNamespaceFileBytes(entry);
    };
}
function namespacesOf(args) {
    return [...new Set([...args.model.managedNamespaces, ...args.plan.namespaces])].sort();
}
function flowDependencies(references) {
    return references.map((ref) => ({
        from: ref.fromFlow,
        to: ref.kind === 'flow' ? flowKey(ref.namespace, ref.id) : fileKey(ref.namespace, ref.path)
    }));
}
function countResults(result, plan) {
    const count = (outcome) => result.resources.filter((r) => r.result === outcome).length;
    return {
        create: count('created'),
        update: count('updated'),
        delete: count('deleted'),
        unchanged: result.resources.filter((r) => r.result === 'unchanged' && r.change.action !== 'orphaned').length,
        orphaned: plan.counts.orphaned,
        drifted: plan.counts.drifted
    };
}
function failureSummary(result, rolledBack) {
    const name = (r) => resourceKey(r.change);
    const notApplied = result.resources.filter((r) => NOT_APPLIED.has(r.result));
    const applied = result.resources.filter((r) => WRITTEN.has(r.result));
    const refused = notApplied.filter((r) => r.bodyRefused).map(name);
    const rerun = refused.length > 0 ? `${limitBeforeRerun(refused)}. Then re-run` : 'Re-run';
    const to = rolledBack
        ? 'deploy again from the server as the rollback left it'
        : 'finish (applied resources are not written again)';
    return [
        `Deploy incomplete: ${notApplied.length} resource(s) not applied, ${applied.length} applied. ${rerun} the workflow to ${to}.`,
        ...notApplied.map((r) => `  ${r.result}: ${name(r)}${r.message ? ` — ${r.message}` : ''}`),
        ...(applied.length > 0 ? ['Applied:', ...applied.map((r) => `  ${r.result}: ${name(r)}`)] : [])
    ].join('\n');
}
async function reportOnPullRequest(args, headline, receipt) {
    if (args.context.eventName !== 'push')
        return;
    try {
        await addDeployedSection(args, headline, receipt);
    }
    catch (error) {
        args.ports.reporter.warning(`The Deployed section could not be added to the pull-request comment: ${errorMessage(error)}`);
    }
}
async function addDeployedSection(args, headline, receipt) {
    const { ports, context, settings, target } = args;
    if (!ports.github || !target.comment)
        return;
    const pr = await ports.github.findMergedPullRequest(context.sha);
    if (!pr)
        return;
    const comment = await ports.github.findStickyComment(pr, commentMarker(settings.commentKey));
    if (!comment)
        return;
    const outcome = await ports.github.updateComment(comment.id, upsertDeployedSection(comment.body, receipt, headline));
    if (outcome.status === 'forbidden')
        ports.reporter.warning(`The pull-request comment could not be updated: ${outcome.message}`);
    else
        ports.reporter.setOutput('comment-url', outcome.url);
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
    const tree = await GitTree.open(workspace, sha, '.');
    if (!tree)
        return new Set();
    try {
        return new Set(tree.blobs.keys());
    }
    finally {
        await tree.close();
    }
}
async function ignoredPaths(workspace, sha, root, paths) {
    const ignored = new Map();
    if (paths.length === 0)
        return ignored;
    const tree = await GitTree.open(workspace, sha, root);
    if (!tree)
        return ignored;
    try {
        const rules = new IgnoreRules(tree);
        const under = tree.rootRel === '' ? '' : `${tree.rootRel}/`;
        for (const path of paths) {
            if (!path.startsWith(under))
                continue;
            const segments = path.slice(under.length).split('/');
            for (let depth = 1; depth <= segments.length; depth++) {
                const rule = await rules.excludedBy(segments.slice(0, depth).join('/'), depth < segments.length);
                if (rule === undefined)
                    continue;
                ignored.set(path, rule === 'fixed' || rule.file === undefined
                    ? 'the layout never reads that name'
                    : `${rule.file} line ${rule.line} (${rule.pattern}) leaves it out of what the layout reads`);
                break;
            }
        }
    }
    finally {
        await tree.close();
    }
    return ignored;
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
        const why = done.message ? `: ${done.message}` : '';
        return [{ ...item, note: `${done.result}${why}` }];
    });
}

const DRIFT_LABEL = 'kestra-gitops-drift';
function driftMarker(commentKey) {
    return commentMarker(commentKey).replace('<!-- kestra-gitops:', '<!-- kestra-gitops-drift:');
}
function driftPullMarker(commentKey) {
    return commentMarker(commentKey).replace('<!-- kestra-gitops:', '<!-- kestra-gitops-drift-pr:');
}
function driftBranch(commentKey) {
    return `kestra-gitops/drift-${commentKey}`;
}
function driftCommitTrailer(commentKey) {
    return `Kestra-GitOps-Drift: ${commentKey}`;
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
function shownDate(iso) {
    if (!iso)
        return undefined;
    const time = Date.parse(iso);
    if (Number.isNaN(time))
        return undefined;
    return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
        (item.diff !== undefined
            ? fence(item.diff, 'diff')
            : item.diffOmitted === 'binary'
                ? 'Binary content: no diff.'
                : item.diffOmitted === 'too-large'
                    ? 'Diff omitted: the content is too large to compare line by line.'
                    : 'No diff.');
    return `<details><summary>${driftLine(item)}</summary>\n\n${body}\n\n</details>`;
}
const AUTHOR_NOTE = 'Kestra records when a flow revision was saved, not who saved it: look in Kestra Enterprise’s audit log for the user.';

const ISSUE_BUDGET = COMMENT_LIMIT - 2_000;
function driftTitle(input) {
    const key = input.commentKey === 'default' ? '' : ` (${input.commentKey})`;
    const n = input.items.length;
    return `Kestra drift${key}: ${n} resource${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from ${input.branch}`;
}
function driftIssueBody(input) {
    const head = [driftMarker(input.commentKey), driftHeading(input), ...intro(input)].join('\n\n');
    const tail = [
        AUTHOR_NOTE,
        `Last checked ${escapeText(shownDate(input.checkedAt) ?? input.checkedAt)}.${input.runUrl ? ` ${runLine(input.runUrl)}` : ''}`
    ].join('\n\n');
    const budget = ISSUE_BUDGET - head.length - tail.length;
    return [head, driftList(input.items, budget), tail].join('\n\n');
}
function driftSummarySection(input, budget) {
    return [driftHeading(input), ...intro(input), driftList(input.items, budget), AUTHOR_NOTE].join('\n\n');
}
function driftHeading(input) {
    const key = input.commentKey === 'default' ? '' : ` · ${escapeText(input.commentKey)}`;
    return `### ⚠️ Kestra drift${key}: ${input.items.length} resource(s) differ from ${codeName(input.branch)}`;
}
function intro(input) {
    const lines = [
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
        driftPullMarker(input.commentKey),
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

function driftTree(input) {
    const placed = [];
    const notBroughtBack = [];
    const taken = new Set();
    for (const item of input.items) {
        const at = place(item, input);
        if ('reason' in at) {
            notBroughtBack.push({ name: item.name, ...at });
            continue;
        }
        const same = placed.find((write) => write.path === at.path);
        if (same && sameBytes(same.content, at.content)) {
            same.alsoBrings = [...(same.alsoBrings ?? []), item.name];
            continue;
        }
        if (taken.has(at.path)) {
            notBroughtBack.push({
                name: item.name,
                path: at.path,
                reason: 'another drifted resource goes to the same path'
            });
            continue;
        }
        taken.add(at.path);
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
    writes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
function sameBytes(a, b) {
    return a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));
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
    const shared = ownKind && kindOf$1(input.kinds, change).sharesFiles === true;
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
    const path = held !== undefined ? { path: held } : newPath(item, input);
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
function newPath(item, input) {
    const { change } = item;
    const { shape } = input;
    return (kindOf$1(input.kinds, change).newPath?.(change, shape) ?? {
        reason: `the ${change.kind} kind does not say where the repository keeps it`
    });
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
    const text = kindOf$1(input.kinds, change).serverText?.(change);
    return text === undefined
        ? { reason: 'the server gave no source of it' }
        : { bytes: new TextEncoder().encode(text) };
}

function readBackOf(settings, layout, rootRel) {
    const rules = layoutRules(settings, layout);
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
    const { settings, ports } = args;
    const { reporter } = ports;
    const { plan } = args;
    const items = driftedResources(plan, args.checked.state ?? new Map(), args.kinds.map((kind) => kind.decide));
    setCountOutputs(reporter, plan.counts);
    reporter.setOutput('has-changes', items.length > 0);
    reporter.setOutput('deployed', false);
    if (items.length > 0)
        reporter.warning(driftWarning(items, args.branch));
    else
        reporter.info(`No drift: Kestra matches ${args.branch} at ${args.context.sha.slice(0, 7)}.`);
    if (settings.driftAction === 'revert' && items.length > 0) {
        if (!settings.dryRun)
            return revert(args, plan, items);
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
    const report = reportInput$1(args, reported, { pullRequestUrl: pulled.url });
    await reporter.writeSummary(`${args.summary}\n\n${driftSummarySection(report, SUMMARY_DRIFT_BUDGET)}\n`);
    await keepIssue(args, report, false);
    return { failure: pullFailure ?? driftFailure(args, items) };
}
async function revert(args, plan, items) {
    const action = `drift-action: revert — Git (${args.branch} at ${args.context.sha.slice(0, 7)}) is deployed over the drift, under every deploy guard.`;
    const before = reportInput$1(args, items, { action });
    const summary = `${args.summary}\n\n${driftSummarySection(before, SUMMARY_DRIFT_BUDGET)}`;
    let outcome;
    let failure;
    try {
        const applied = await applyMode({
            settings: args.settings,
            target: args.target,
            context: args.context,
            ports: args.ports,
            kestra: args.kestra,
            model: args.checked.model,
            references: args.checked.references,
            plan,
            markers: args.checked.markers,
            reused: args.checked.reused,
            findings: args.findings,
            kinds: args.kinds,
            summary
        });
        failure = applied.failure;
        outcome = {
            resources: applied.result?.resources,
            rolledBack: applied.rolledBack,
            ...(applied.result?.status === 'refused' && {
                refused: applied.result.refusal ?? 'a newer commit is deployed'
            })
        };
    }
    catch (error) {
        const remaining = remainingDrift(items, { refused: errorMessage(error) });
        await keepIssue(args, reportInput$1(args, remaining, { action }), false);
        throw error;
    }
    const remaining = remainingDrift(items, outcome);
    await keepIssue(args, reportInput$1(args, remaining, { action }), remaining.length === 0);
    return { failure: failure ?? driftFailure(args, remaining) };
}
async function keepIssue(args, report, reverted) {
    const { ports, settings, context } = args;
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
        : await github.closeIssue(marker, DRIFT_LABEL, driftGoneComment({
            branch: args.branch,
            commit: context.sha,
            reverted,
            runUrl: runUrl(context)
        }));
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
        await closePullRequest(args, github);
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
async function closePullRequest(args, github) {
    const { ports, settings, context } = args;
    const closed = await github.closePullRequest(driftBranch(settings.commentKey), driftGoneComment({
        branch: args.branch,
        commit: context.sha,
        reverted: false,
        runUrl: runUrl(context)
    }));
    if (closed?.status === 'forbidden')
        ports.reporter.warning(closed.message);
    else if (closed)
        ports.reporter.info(`Drift pull request closed: ${closed.url}`);
}
async function pullRequestTree(args, items) {
    const { ports, settings, context, checked } = args;
    const [serverFiles, committed] = await Promise.all([
        readServerFiles(args.kestra, items, checked.state ?? new Map()),
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
            mappings: settings.namespaceFiles,
            flowFiles: model.flows.flatMap((f) => !f.notAFlow && f.namespace ? [{ file: f.file, namespace: f.namespace }] : []),
            paths: new Set([
                ...committed,
                ...model.flows.map((f) => f.file),
                ...model.files.map((f) => f.file)
            ]),
            readBack: readBackOf(settings, model.layout.layout, model.rootRel)
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
    if (written.status === 'forbidden' ||
        written.status === 'foreign' ||
        written.status === 'empty') {
        reportUnwritten(ports.reporter, written, branch);
        return undefined;
    }
    ports.reporter.info(`Drift branch ${branch}: ${written.status} (${written.sha.slice(0, 7)}).`);
    const pull = await github.keepPullRequest({
        head: branch,
        base: args.branch,
        title: driftPullTitle({ commentKey: settings.commentKey }),
        body: driftPullBody({
            commentKey: settings.commentKey,
            server: settings.server ?? '',
            tenant: settings.tenant,
            branch: args.branch,
            commit: context.sha,
            items: ports.edge.shown(shownDrift(items)),
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
function reportUnwritten(reporter, outcome, branch) {
    if (outcome.status === 'forbidden')
        reporter.warning(outcome.message);
    else if (outcome.status === 'foreign') {
        reporter.warning(`The drift branch ${branch} has commits that the action did not write: it is left as it is. Merge or close its pull request, or delete the branch, and the next run writes it again.`);
    }
    else
        reporter.info('Nothing of the drift can be brought back to the repository: no pull request.');
}
function reportInput$1(args, items, extra) {
    const { settings, context, ports } = args;
    return {
        commentKey: settings.commentKey,
        server: settings.server ?? '',
        tenant: settings.tenant,
        branch: args.branch,
        commit: context.sha,
        items: ports.edge.shown(shownDrift(items)),
        ...extra,
        runUrl: runUrl(context),
        checkedAt: ports.now().toISOString()
    };
}
function shownDrift(items) {
    return items.map(({ change, ...item }) => ({
        ...item,
        resourceKind: change.kind,
        ...(change.file !== undefined && { file: change.file })
    }));
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

const dashboardsApply = {
    name: 'dashboard',
    async write(change, api) {
        const wanted = wantedOf(change);
        if (!wanted)
            return { change, result: 'failed', message: 'the plan holds no source for this dashboard' };
        const fresh = await api.getDashboard(change.id);
        if (fresh && holds(fresh, wanted))
            return settled(change, { kind: 'desired' });
        if (change.action === 'create') {
            if (fresh)
                return conflict$1(change, 'was created on the server since the plan');
            return create(change, wanted, api);
        }
        if (!fresh)
            return conflict$1(change, 'was deleted on the server since the plan');
        if (!isAsPlanned(fresh, change))
            return conflict$1(change, 'was changed on the server since the plan');
        const stored = await api.updateDashboard(change.id, wanted.source);
        if (!stored)
            return conflict$1(change, 'was deleted on the server during the deploy');
        return { change, result: 'updated' };
    },
    async remove(change, api) {
        const fresh = await api.getDashboard(change.id);
        if (!fresh)
            return settled(change, { kind: 'desired' });
        if (!isAsPlanned(fresh, change))
            return conflict$1(change, 'was changed on the server since the plan');
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
    return conflict$1(change, 'was created on the server since the plan');
}
function wantedOf(change) {
    if (change.desired === undefined)
        return undefined;
    return { source: change.desired, fields: sourceFields(change.desired) ?? '' };
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
function conflict$1(change, what) {
    return settled(change, { kind: 'moved', message: `dashboard ${change.id} ${what}` });
}

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
    parse(value) {
        const version = (v) => v === undefined ||
            (isObject(v) &&
                isObject(v.hashes) &&
                Object.values(v.hashes).every(isHash) &&
                (v.text === undefined || typeof v.text === 'string'));
        return typeof value.id === 'string' && version(value.before) && version(value.deployed)
            ? value
            : undefined;
    },
    embed(resource, previous) {
        if (!resource.before || typeof previous !== 'string')
            return undefined;
        const before = { ...resource.before, text: previous };
        return { resource: { ...resource, before }, size: Buffer.byteLength(previous) };
    },
    restore: (item, _deployed, api) => restoreDashboard(item.resource, typeof item.previous === 'string' ? item.previous : undefined, api)
};
async function restoreDashboard(record, previous, api) {
    const { id, before, deployed } = record;
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
    const text = previous ?? before.text;
    if (text === undefined) {
        const message = 'not restored: its previous source is not known (the server gave none, or it was too large for the rollback record); restore it from Git';
        return { result: 'failed', message, wrote: false };
    }
    if (fresh) {
        const stored = await api.updateDashboard(id, text);
        if (!stored) {
            return { result: 'kept', message: 'deleted on the server during the rollback', wrote: false };
        }
        return { result: 'restored', message: 'previous source restored', wrote: true };
    }
    const outcome = await api.createDashboard(text);
    if (!outcome.created && !matches(await api.getDashboard(id), before, id)) {
        return { result: 'kept', message: 're-created on the server during the rollback', wrote: false };
    }
    return { result: 'restored', message: 'previous source restored (re-created)', wrote: true };
}
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
    return [...path.matchAll(/\[([^\]]*)\]|([^.[\]]+)/g)].map((match) => match[1] !== undefined ? unquote(match[1].trim()) : match[2]);
}
function unquote(value) {
    const quoted = /^(['"])(.*)\1$/.exec(value);
    return quoted ? quoted[2] : value;
}
function safeDecode(value) {
    try {
        return decodeURIComponent(value);
    }
    catch {
        return value;
    }
}

const SECTION = 'Dashboards';
const RESOURCE = (id) => `dashboard:${id}`;
function idOf(source) {
    try {
        const value = distExports.parse(source);
        if (!value || typeof value !== 'object' || Array.isArray(value))
            return undefined;
        const id = value.id;
        return id === undefined || id === null || String(id).trim() === '' ? undefined : String(id);
    }
    catch {
        return undefined;
    }
}

const CHART_ID = /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/;
const CHART_ID_TEXT = '^[a-zA-Z0-9][a-zA-Z0-9_-]*';
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
        const idNode = root.get('id', true);
        if (id === undefined || id.trim() === '') {
            out.push(finding('error', 'dashboard-id', at(idNode), 'a dashboard needs an `id` (Kestra 1.0+ takes it from the YAML): add `id: <name>`'));
        }
        else if (segmentProblem(id) !== undefined) {
            out.push(finding('error', 'dashboard-id', at(idNode), `dashboard id ${JSON.stringify(id)} cannot be addressed in Kestra's API (${segmentProblem(id)}): give it an id without '/' or '\\' that is not '.' or '..'`));
        }
        else if (firstOf.has(id)) {
            out.push(finding('error', 'dashboard-duplicate-id', at(idNode), `dashboard id '${id}' is already declared in ${firstOf.get(id)}: give each dashboard its own id`));
        }
        else
            firstOf.set(id, file.file);
        const title = textOf$1(root.get('title', true));
        if (title === undefined || title.trim() === '') {
            out.push(finding('error', 'dashboard-title', at(root.get('title', true)), 'a dashboard needs a `title`: add `title: <text>`'));
        }
        const charts = root.get('charts', true);
        if (charts && 'items' in charts && Array.isArray(charts.items)) {
            for (const chart of charts.items) {
                if (!distExports.isMap(chart))
                    continue;
                const node = chart.get('id', true);
                const raw = distExports.isScalar(node) ? String(node.source ?? node.value) : undefined;
                if (raw === undefined || !CHART_ID.test(raw)) {
                    out.push(finding('error', 'dashboard-chart-id', at(node ?? chart), `chart id '${raw ?? ''}' does not match Kestra's pattern ${CHART_ID_TEXT}: start with a letter or digit, then letters, digits, '_' or '-'`));
                }
            }
        }
        const verdict = held.verdicts?.get(file.file);
        if (verdict !== undefined)
            out.push(...serverFindings$1(verdict, doc, lineCounter, finding, id));
        return out;
    });
    return [...findings, ...unaddressableOnServer(held), ...unsupportedNotice(held)];
}
function unaddressableOnServer(held) {
    const server = held.server;
    const first = held.files[0];
    if (!server || 'unsupported' in server || held.prefixed || !first)
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
function serverFindings$1(verdict, doc, lineCounter, finding, id) {
    if (verdict.unreadable !== undefined) {
        const named = id === undefined ? 'this dashboard' : `dashboard ${JSON.stringify(id)}`;
        return [finding('error', 'server-constraint', 1, `${named}: ${verdict.unreadable}`)];
    }
    return verdict.errors.map(({ path, message }) => {
        const line = path ? locateKestraPath(doc, lineCounter, yamlPath(path))?.line : undefined;
        const text = path ? `${path}: ${message}` : message;
        return finding('error', 'server-constraint', line ?? 1, `the server refuses this dashboard: ${text}`);
    });
}
function yamlPath(path) {
    return path.replace(/\.defaultDuration\b/, '.default').replace(/\.maxDuration\b/, '.max');
}
function unsupportedNotice(held) {
    const server = held.server;
    const first = held.files[0];
    if (first && held.prefixed) {
        return [
            {
                severity: 'notice',
                file: first.file,
                line: 1,
                rule: 'dashboards-prefixed',
                message: `Dashboards are not planned: they are tenant-wide, and with namespace-prefix ${held.prefixed} (a preview or a prefixed environment) the repository's ${held.files.length} dashboard file(s) would replace the tenant's own; deploy them without a prefix.`
            }
        ];
    }
    if (!server || !('unsupported' in server) || !first)
        return [];
    return [
        {
            severity: 'notice',
            file: first.file,
            line: 1,
            rule: 'dashboards-unsupported',
            message: `Dashboards are not planned: this Kestra server (${server.unsupported}) has no dashboards API taking ids from the YAML (Kestra 1.0+); the repository's ${held.files.length} dashboard file(s) are left alone.`
        }
    ];
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
    if (!server || 'unsupported' in server || held.prefixed)
        return [];
    const desired = byId(held.files);
    const base = held.base && byId(held.base);
    const actual = new Map(server.dashboards.map((d) => [d.id, d]));
    const touched = scope(held, desired, options);
    const changes = [];
    for (const id of new Set([...desired.keys(), ...actual.keys()])) {
        if (touched && !touched.has(id))
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
            const diff = diffTexts(before === undefined ? '' : `a/dashboard/${id}`, after === undefined ? '' : `b/dashboard/${id}`, before, after, options.limits);
            change.additions = diff.additions;
            change.deletions = diff.deletions;
            if (diff.diff !== undefined)
                change.diff = diff.diff;
            if (diff.tooLarge)
                change.diffOmitted = 'too-large';
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
function scope(held, desired, options) {
    const changed = options.changedFiles;
    if (options.scope === 'all' || changed === undefined)
        return undefined;
    const ids = new Set();
    for (const [id, file] of desired)
        if (changed.has(file.file))
            ids.add(id);
    for (const [id, file] of byId(held.base ?? [])) {
        if (changed.has(file.file) && !desired.has(id))
            ids.add(id);
    }
    return ids;
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
    planFileDetails: () => ({}),
    fingerprintOf: (r) => [
        'dashboard',
        r.id,
        r.action,
        r.desired === undefined ? null : sha256Hex(r.desired),
        r.current === undefined ? null : sha256Hex(r.current.compared)
    ],
    validate: dashboardFindings,
    plan: planDashboards,
    serverText: (change) => change.current?.source,
    newPath: (change, shape) => FILE_NAME.test(change.id)
        ? { path: repositoryPath(shape.rootRel, 'dashboards', `${change.id}.yml`) }
        : { reason: 'its id cannot name a file' }
};
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

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
            found.push({ file: fileOf(entry.rel), source });
        }
    }
    return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
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
        if (!value || typeof value !== 'object' || Array.isArray(value))
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
            return {
                files: (await discoverDashboards(input.workTree, layout)).map(withFields),
                prefixed: prefix
            };
        }
        const found = discoverDashboards(input.workTree, layout).then((files) => files.map(withFields));
        const base = readBase$1(input);
        const managed = found.then(async (files) => files.length > 0 || !!(await base)?.length);
        const reading = managed.then((yes) => yes && input.kestra && input.mode !== 'validate' ? readServer(input) : undefined);
        const [files, baseFiles, read] = await Promise.all([found, base, reading]);
        const held = { files };
        if (baseFiles)
            held.base = baseFiles;
        if (read)
            held.server = read;
        const api = input.kestra;
        if (api &&
            input.settings.serverValidation &&
            files.length > 0 &&
            !(read && 'unsupported' in read)) {
            const supported = read ?? (await readServer(input));
            if (!('unsupported' in supported)) {
                const verdicts = await Promise.all(files.map((f) => api.validateDashboard(f.source)));
                held.verdicts = new Map(files.map((f, i) => [f.file, verdicts[i]]));
            }
        }
        return held;
    }
};
async function readBase$1(input) {
    const tree = await input.openBase?.();
    if (!tree)
        return undefined;
    try {
        return (await discoverDashboards(tree, input.layout.layout)).map(withFields);
    }
    finally {
        await tree.close();
    }
}
async function readServer(input) {
    const api = input.kestra;
    const { version } = await api.info();
    const parsed = parseVersion(version);
    if (parsed && !atLeast(parsed, FIRST_VERSION))
        return { unsupported: version };
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
function withFields(file) {
    const fields = sourceFields(file.source);
    return fields === undefined ? file : { ...file, fields };
}

const dashboards = {
    gather: dashboardsGather,
    decide: dashboardsDecide,
    apply: dashboardsApply,
    rollback: dashboardsRollback
};

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
    const name = `file ${resourceName$1(change)}`;
    if (seen === undefined)
        return { kind: 'moved', message: `${name} appeared on the server after the plan` };
    if (remote === undefined)
        return { kind: 'moved', message: `${name} was deleted on the server after the plan` };
    return { kind: 'moved', message: `${name} changed on the server after the plan` };
}

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
    parse(value) {
        const { path, before, deployed } = value;
        const version = before === undefined ||
            (isObject(before) &&
                isHash(before.sha256) &&
                Number.isInteger(before.size) &&
                (before.revision === undefined || Number.isInteger(before.revision)) &&
                (before.bytes === undefined || typeof before.bytes === 'string'));
        const written = deployed === undefined || (isObject(deployed) && isHash(deployed.sha256));
        return typeof path === 'string' && version && written
            ? value
            : undefined;
    },
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
        const versions = { before: resource.before?.sha256, deployed: resource.deployed?.sha256 };
        return restoreByHash(versions, held, deployed, async () => {
            if (!resource.before) {
                await api.deleteFile(namespace, resource.path);
                return 'deleted (the deploy created it)';
            }
            await api.uploadFile(namespace, resource.path, await previousBytes(item, resource.before, api));
            return 'previous content restored';
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

const LARGE_FILE_BYTES = 10 * 1024 * 1024;
const MAX_SEGMENT = 255;
const MAX_PATH = 1024;
function fileFindings({ model }) {
    return model.files.flatMap(namespaceFileFindings);
}
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

const filesDecide = {
    name: 'file',
    order: 0,
    label: 'Namespace files',
    marks: binaryMarks,
    kestraPage: (change, kestraUi) => `${kestraUi}/namespaces/edit/${encodeURIComponent(change.namespace)}/files`,
    pipelineReading: true,
    idOf: (change) => change.path,
    planFileIdentity: (change) => ({ path: change.path }),
    planFileDetails: () => ({}),
    fingerprintOf: (r) => [
        'file',
        r.namespace,
        r.path,
        r.action,
        r.desired?.sha256 ?? null,
        null,
        r.current?.sha256 ?? null
    ],
    validate: fileFindings,
    plan: (_reading, options) => planFiles(options),
    newPath: (change, shape) => newFilePath(change.namespace, change.path, shape)
};
function binaryMarks(change) {
    if (change.diffOmitted !== 'binary')
        return [];
    const sides = [change.current, change.action === 'delete' ? undefined : change.desired].flatMap((side) => (side === undefined ? [] : [side]));
    const sizes = sides.map((side) => formatBytes(side.size)).join(' → ');
    const hashes = sides.map((side) => side.sha256.slice(0, 12)).join(' → ');
    return [`binary, ${sizes}, sha256 ${hashes}`];
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
function planFiles(options) {
    const input = options.pipeline;
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
    const keys = [...desiredFiles.keys()];
    for (const key of actualFiles.keys())
        if (!desiredFiles.has(key))
            keys.push(key);
    for (const key of keys) {
        if (!inScope(key))
            continue;
        const desired = desiredFiles.get(key);
        const server = actualFiles.get(key);
        if (desired && !server) {
            changes.push(fileChange(desired.namespace, desired.path, 'create', options, desired));
            continue;
        }
        if (!server)
            continue;
        const current = server.file.summary;
        const change = fileChange(server.namespace, server.file.path, actionOf(options, desired !== undefined, desired?.sha256 === current.sha256), options, desired, server.file);
        const base = input.base?.files.get(key);
        change.drifted = isDrifted(change.action, input.base !== undefined, base && base.sha256 !== current.sha256);
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
        ...(keepsDesired && desired && { file: desired.file }),
        ...(keepsDesired &&
            desired && {
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

const namespaceFiles = {
    decide: filesDecide,
    apply: filesApply,
    rollback: filesRollback
};

const flowsApply = {
    name: 'flow',
    async write(change, api, deploy) {
        const missing = deploy
            .needed(change)
            .filter((needed) => needed.change.kind === 'file' && NOT_APPLIED.has(needed.result));
        if (missing.length > 0) {
            return { change, result: 'skipped', message: skippedForFiles(missing) };
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
            return vanished(change);
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
    }
};
function skippedForFiles(files) {
    const named = files.map((f) => `${resourceName$1(f.change)} (${f.result})`).join(', ');
    return `not written: it reads namespace file ${named}, which this deploy did not upload`;
}
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
function vanished(change) {
    return {
        change,
        result: 'conflict',
        message: `flow ${resourceName$1(change)} was deleted on the server during the deploy`
    };
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
    const name = `flow ${resourceName$1(change)}`;
    if (change.action === 'delete') {
        return revision === undefined
            ? { kind: 'desired' }
            : {
                kind: 'moved',
                message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
            };
    }
    const stored = revision === undefined ? undefined : await api.getFlow(change.namespace, change.id);
    if (stored && change.desired !== undefined && isSameFlow(stored.source, change.desired)) {
        return { kind: 'desired', revision: stored.revision };
    }
    if (seen === undefined) {
        return {
            kind: 'moved',
            message: `${name} appeared on the server (revision ${revision}) after the plan`
        };
    }
    if (revision === undefined) {
        return {
            kind: 'moved',
            message: `${name} was deleted on the server after the plan (it was at revision ${seen})`
        };
    }
    return {
        kind: 'moved',
        message: `${name} changed on the server after the plan (revision ${seen} → ${revision})`
    };
}
function isSameFlow(stored, desired) {
    return comparableFlowSource(stored) === comparableFlowSource(desired);
}

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
    parse(value) {
        const version = (v) => v === undefined || (isObject(v) && Number.isInteger(v.revision) && isHash(v.sha256));
        return typeof value.id === 'string' && version(value.before) && version(value.deployed)
            ? value
            : undefined;
    },
    waves: (items, refs) => orderFlowWrites(items.map((item) => ({ namespace: item.namespace, id: item.resource.id, item })), refs)
        .waves.reverse()
        .map((wave) => wave.map((flow) => flow.item)),
    async restore(item, deployed, api) {
        const { namespace, resource } = item;
        const flow = await api.getFlow(namespace, resource.id);
        const held = flow && {
            sha256: flowHash(flow.source),
            since: resource.deployed ? ` (revision ${resource.deployed.revision} → ${flow.revision})` : ''
        };
        const versions = { before: resource.before?.sha256, deployed: resource.deployed?.sha256 };
        return restoreByHash(versions, held ?? {}, deployed, async () => {
            if (!resource.before) {
                await api.deleteFlow(namespace, resource.id);
                return 'deleted (the deploy created it)';
            }
            const source = await previousSource(item, resource.before, api);
            const stored = flow
                ? await api.updateFlow(namespace, resource.id, source)
                : await api.createFlow(source);
            return `previous source restored as revision ${stored.revision} (was revision ${resource.before.revision})`;
        });
    }
};
function flowHash(source) {
    return sha256Hex(comparableFlowSource(source));
}
async function previousSource(item, { revision, sha256 }, api) {
    if (typeof item.previous === 'string')
        return item.previous;
    const source = await api.flowRevisionSource(item.namespace, item.resource.id, revision);
    if (source === undefined || flowHash(source) !== sha256) {
        throw new Error(`the server no longer holds revision ${revision} as it was before the deploy`);
    }
    return source;
}

function flowFindings(reading) {
    const findings = [];
    const identities = [];
    for (const flow of reading.model.flows) {
        const check = reading.checks?.get(flow) ?? checkFlow(flow, reading);
        findings.push(...check.findings, ...resolveVersioned(check.versioned, reading.serverVersion));
        if (check.identity)
            identities.push(check.identity);
    }
    findings.push(...duplicateFlowFindings(identities));
    if (reading.serverAnswers) {
        findings.push(...serverAnswerFindings(reading.serverAnswers, repositoryFlows(reading)));
    }
    return findings.sort(compareFindings);
}
function repositoryFlows({ model }) {
    return new Set(model.flows.flatMap((flow) => !flow.notAFlow && flow.namespace && flow.id ? [flowKey(flow.namespace, flow.id)] : []));
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
    const clean = result.errors.length + result.deprecationPaths.length + result.warnings.length === 0 &&
        result.infos.length === 0 &&
        !result.outdated &&
        result.noVerdict === undefined;
    if (clean)
        return [];
    const doc = flow.documents[0];
    const at = (path) => {
        const found = doc && path ? locateKestraPath(doc, flow.lineCounter, path) : undefined;
        return found ?? idPosition(doc, flow.lineCounter);
    };
    const finding = (severity, rule, position, message) => {
        const item = { severity, file: flow.file, ...position, rule, message };
        if (flow.namespace && flow.id)
            item.resource = flowKey(flow.namespace, flow.id);
        return item;
    };
    return [
        ...(result.noVerdict === undefined
            ? []
            : [
                finding('error', result.noVerdict.cause === 'too large' ? 'server-refused' : 'server-constraint', idPosition(doc, flow.lineCounter), result.noVerdict.message)
            ]),
        ...result.errors.map((error) => finding('error', 'server-constraint', (doc &&
            !(error.pointer ?? error.path) &&
            namedValuePosition(doc, flow.lineCounter, error.message)) ||
            at(error.pointer ?? error.path), constraintMessage(error))),
        ...result.deprecationPaths.map((path) => finding('warning', 'server-deprecation', at(path), `\`${path}\` is deprecated on this Kestra server; replace it with its current equivalent (the plugin documentation names the replacement).`)),
        ...result.warnings.map((warning) => finding('warning', 'server-warning', at(undefined), `Kestra warns: ${sentence(warning)} Check the flow; the server accepts it as it is.`)),
        ...result.infos.map((info) => infoFinding(info, doc, flow, finding)),
        ...(result.outdated
            ? [
                finding('warning', 'server-outdated', at('revision'), "The flow's `revision:` does not follow the server's latest revision; remove the `revision:` key (Kestra numbers revisions itself).")
            ]
            : [])
    ];
}
function infoFinding(info, doc, flow, finding) {
    const replaced = /^(\S+) is replaced by (\S+)$/.exec(info.trim());
    if (replaced) {
        const position = (doc && scalarPosition(doc, flow.lineCounter, replaced[1])) ??
            idPosition(doc, flow.lineCounter);
        return finding('notice', 'server-info', position, `Kestra notes: \`${replaced[1]}\` is replaced by \`${replaced[2]}\`; use the new type name.`);
    }
    return finding('notice', 'server-info', idPosition(doc, flow.lineCounter), `Kestra notes: ${sentence(info)}`);
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
function idPosition(doc, lineCounter) {
    return (doc && locateKestraPath(doc, lineCounter, 'id')) ?? { line: 1, column: 1 };
}
function scalarPosition(doc, lineCounter, value, key) {
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
    if (offset === undefined)
        return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
}
function namedValuePosition(doc, lineCounter, message) {
    const type = /Invalid type: ([A-Za-z_$][\w$.]*)/.exec(message)?.[1];
    if (type)
        return scalarPosition(doc, lineCounter, type);
    const field = /^Unrecognized field "([^"]+)"/.exec(message)?.[1];
    if (field)
        return nestedKeyPosition(doc, lineCounter, field);
    const ref = /pluginDefaultsRef '([^']*)'/.exec(message)?.[1];
    return ref === undefined ? undefined : scalarPosition(doc, lineCounter, ref, 'pluginDefaultsRef');
}
function nestedKeyPosition(doc, lineCounter, name) {
    let offset;
    distExports.visit(doc, {
        Pair(_, pair, path) {
            if (path.length <= 2 || !distExports.isScalar(pair.key) || pair.key.value !== name)
                return undefined;
            offset = pair.key.range?.[0];
            return distExports.visit.BREAK;
        }
    });
    if (offset === undefined)
        return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
}
function serverAnswerFindings(answers, repositoryFlows) {
    return answers.flatMap(({ flows, results }) => serverFindings(flows, results, repositoryFlows));
}

const VIA = {
    subflow: 'Subflow',
    foreach: 'ForEachItem',
    'flow-trigger': 'Flow trigger'
};
function impactMarks(r) {
    if (!r.impact)
        return [];
    const marks = [];
    const callers = new Set(r.impact.callers.map((c) => `${c.namespace}.${c.id}`)).size;
    if (callers > 0)
        marks.push(`📞 called by ${callers} flow${callers === 1 ? '' : 's'}`);
    if (r.impact.triggers.length > 0)
        marks.push('⏰ triggers change');
    return marks;
}
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
function reviewMarks(r) {
    if (!r.review)
        return [];
    const marks = [];
    const missing = r.review.missing?.length ?? 0;
    if (missing > 0)
        marks.push(`🔑 ${missing} missing name${missing === 1 ? '' : 's'}`);
    const unfinished = r.review.unfinished ?? [];
    if (unfinished.length > 0)
        marks.push(`⏳ ${unfinishedText(unfinished)}`);
    return marks;
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
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([state, n]) => `${n} ${escapeText(state)}`)
        .join(', ');
}

const flowsDecide = {
    name: 'flow',
    order: 1,
    label: 'Flows',
    marks: (change) => [...revisionMarks(change), ...impactMarks(change), ...reviewMarks(change)],
    above: (change) => [impactText(change), reviewText(change)].filter((text) => text !== undefined),
    kestraPage: (change, kestraUi) => `${kestraUi}/flows/edit/${encodeURIComponent(change.namespace)}/${encodeURIComponent(change.id)}`,
    pipelineReading: true,
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
    plan: (_reading, options) => planFlows(options),
    serverText: (change) => change.current?.source,
    newPath: (change, shape) => newFlowPath(change.namespace, change.id, shape)
};
function revisionMarks(change) {
    const current = change.current;
    if (current === undefined)
        return [];
    return [
        change.action === 'update'
            ? `rev ${current.revision} → ${current.revision + 1}`
            : `rev ${current.revision}`
    ];
}
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
function newFlowPath(namespace, id, shape) {
    if (!ID.test(id))
        return { reason: 'its id cannot name a file' };
    const name = `${id}.yml`;
    if (shape.layout === 'tenant') {
        const sibling = siblingOf(namespace, shape, false);
        const under = shape.rootRel ? `${shape.rootRel}/` : '';
        const top = sibling?.startsWith(under) ? sibling.slice(under.length).split('/')[0] : undefined;
        return { path: repositoryPath(shape.rootRel, top || namespace, 'flows', name) };
    }
    if (shape.layout === 'namespace') {
        if (shape.namespace && within(namespace, shape.namespace)) {
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
    for (let ns = namespace; ns; ns = parents ? parentOf(ns) : undefined) {
        const files = shape.flowFiles.filter((f) => f.namespace === ns).map((f) => f.file);
        if (files.length > 0)
            return files.sort()[0];
    }
    return undefined;
}
function within(namespace, parent) {
    return namespace === parent || namespace.startsWith(`${parent}.`);
}
function parentOf(namespace) {
    const dot = namespace.lastIndexOf('.');
    return dot < 0 ? undefined : namespace.slice(0, dot);
}
function planFlows(options) {
    const input = options.pipeline;
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
            changes.push(flowChange(desired, 'create', options, undefined));
            continue;
        }
        if (!server)
            continue;
        const serverComparable = comparableFlowSource(server.source);
        const desiredComparable = desired && comparableFlowSource(desired.source);
        const change = flowChange(desired ?? server, actionOf(options, desired !== undefined, desiredComparable === serverComparable), options, server);
        change.drifted = isDrifted(change.action, input.base !== undefined, base && comparableFlowSource(base.source) !== serverComparable);
        changes.push(change);
    }
    return changes;
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

const flows = {
    decide: flowsDecide,
    apply: flowsApply,
    rollback: flowsRollback
};

const kvApply = {
    name: 'kv',
    async write(change, api) {
        if (change.desired === undefined) {
            return { change, result: 'failed', message: 'the plan holds no value for this key' };
        }
        try {
            const fresh = await serverJson(api, change);
            if (fresh === change.desired.json)
                return settled(change, { kind: 'desired' });
            if (change.action === 'create' && fresh !== undefined) {
                return conflict(change, 'was created on the server since the plan');
            }
            if (change.action === 'update') {
                if (fresh === undefined)
                    return conflict(change, 'was deleted on the server since the plan');
                if (fresh !== change.current?.json) {
                    return conflict(change, 'was changed on the server since the plan');
                }
            }
            await api.putKv(change.namespace, change.id, JSON.parse(change.desired.json));
            return { change, result: change.action === 'create' ? 'created' : 'updated' };
        }
        catch (error) {
            return failed(change, error);
        }
    },
    async remove(change, api) {
        try {
            const fresh = await serverJson(api, change);
            if (fresh === undefined)
                return settled(change, { kind: 'desired' });
            if (fresh !== change.current?.json) {
                return conflict(change, 'was changed on the server since the plan');
            }
            await api.deleteKv(change.namespace, change.id);
            return { change, result: 'deleted' };
        }
        catch (error) {
            return failed(change, error);
        }
    }
};
async function serverJson(api, change) {
    const value = await api.getKv(change.namespace, change.id);
    return value === undefined ? undefined : canonicalJson(value);
}
function failed(change, error) {
    const marks = failureMarks(error);
    const status = error instanceof ApiError && error.status !== undefined ? ` (HTTP ${error.status})` : '';
    const message = !change.secretLike
        ? errorMessage(error)
        : marks.outcomeUnknown
            ? 'Kestra may or may not have applied this write (its answer was lost); its answer is not shown: the key is secret-like'
            : `the request failed${status}; its answer is not shown: the key is secret-like`;
    return { change, result: 'failed', message, ...marks };
}
function conflict(change, what) {
    return settled(change, {
        kind: 'moved',
        message: `KV pair ${change.namespace}:${change.id} ${what}`
    });
}

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
    parse(value) {
        const version = (v) => v === undefined ||
            (isObject(v) && isHash(v.sha256) && (v.json === undefined || typeof v.json === 'string'));
        return typeof value.key === 'string' &&
            typeof value.secretLike === 'boolean' &&
            version(value.before) &&
            version(value.deployed)
            ? value
            : undefined;
    },
    embed(resource, previous) {
        if (!resource.before || typeof previous !== 'string')
            return undefined;
        return {
            resource: { ...resource, before: { ...resource.before, json: previous } },
            size: Buffer.byteLength(previous)
        };
    },
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
        const versions = { before: resource.before?.sha256, deployed: resource.deployed?.sha256 };
        return restoreByHash(versions, held, deployed, async () => {
            if (!resource.before) {
                await guarded(() => api.deleteKv(namespace, resource.key));
                return 'deleted (the deploy created it)';
            }
            const json = typeof item.previous === 'string' ? item.previous : resource.before.json;
            if (json === undefined || sha256Hex(json) !== resource.before.sha256) {
                throw new Error('its previous value was too large to keep in the rollback record; restore it from Git');
            }
            await guarded(() => api.putKv(namespace, resource.key, JSON.parse(json)));
            return 'previous value restored';
        });
    }
};

const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const OWN_KEY_PREFIX = 'kestra-gitops';
function isOwnKey(key) {
    return key.toLowerCase().startsWith(OWN_KEY_PREFIX);
}
function parseKvFile(text) {
    const lineCounter = new distExports.LineCounter();
    const doc = distExports.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const lineOf = (node, fallback = 1) => node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
    if (doc.errors.length > 0) {
        return {
            entries: [],
            problems: doc.errors.map((error) => ({
                line: lineCounter.linePos(error.pos[0]).line,
                message: `not a kv file: ${error.message.split('\n')[0]}`
            }))
        };
    }
    const root = doc.contents;
    if (root === null || (distExports.isScalar(root) && root.value === null))
        return { entries: [], problems: [] };
    if (!distExports.isMap(root)) {
        return {
            entries: [],
            problems: [
                {
                    line: lineOf(root),
                    message: 'a kv file is a mapping of keys to values: `key: value`, one a line'
                }
            ]
        };
    }
    const entries = [];
    const problems = [];
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
        if (isOwnKey(key)) {
            problems.push({
                line,
                message: `KV key ${key} is the action's own (keys starting with ${OWN_KEY_PREFIX} hold its commit marker, rollback record and preview ownership): choose another key`
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
    if (Array.isArray(value)) {
        for (const item of value) {
            const problem = valueProblem(item, false);
            if (problem !== undefined)
                return problem;
        }
        return undefined;
    }
    if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
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
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
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
        const error = (line, rule, message) => ({
            severity: 'error',
            file: file.file,
            line,
            rule,
            message
        });
        if (!isKestraNamespace(file.namespace)) {
            return [
                error(1, 'kv-namespace', `${file.file} does not name a namespace: a kv file is kv/<namespace>.yml, the namespace in lowercase letters, digits, '.', '_' or '-'`)
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
                {
                    ...error(1, 'kv-namespace', `${file.file} is not deployed: namespace ${SYSTEM_NAMESPACE} is managed only when the namespaces input lists it`),
                    severity: 'warning'
                }
            ];
        }
        return parseKvFile(file.text).problems.map((p) => ({
            ...error(p.line, 'kv-file', p.message)
        }));
    });
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
        if (!inScope(options, file, base))
            continue;
        const actual = new Map([...(server.get(sent(namespace)) ?? [])].filter(([key]) => !isOwnKey(key)));
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
            let action;
            if (current === undefined)
                action = 'create';
            else if (desiredJson !== undefined)
                action = desiredJson === current ? 'unchanged' : 'update';
            else
                action = options.deleteEnabled ? 'delete' : 'orphaned';
            const secretLike = isSecretLike(key);
            const change = {
                kind: 'kv',
                namespace: sent(namespace),
                id: key,
                action,
                secretLike,
                drifted: false,
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
                const diff = diffTexts(current === undefined ? '' : `a/kv/${sent(namespace)}/${key}`, after === undefined ? '' : `b/kv/${sent(namespace)}/${key}`, shown(current), secretLike && after !== undefined && current !== undefined
                    ? `${key}: ${HIDDEN} (changed)\n`
                    : shown(after), options.limits);
                change.additions = diff.additions;
                change.deletions = diff.deletions;
                if (diff.diff !== undefined)
                    change.diff = diff.diff;
                if (diff.tooLarge)
                    change.diffOmitted = 'too-large';
            }
            if (held.base && current !== undefined && action !== 'unchanged' && action !== 'create') {
                const was = before.get(key);
                change.drifted = was !== undefined ? canonicalJson(was) !== current : action === 'update';
            }
            changes.push(change);
        }
    }
    return changes;
}
function valid(files, extraNamespaces) {
    const byNamespace = new Map();
    for (const file of files) {
        const managed = isKestraNamespace(file.namespace) && heldNamespaceIsManaged(file.namespace, extraNamespaces);
        if (managed && !byNamespace.has(file.namespace)) {
            byNamespace.set(file.namespace, file);
        }
    }
    return byNamespace;
}
function entriesOf(file) {
    return new Map(parseKvFile(file.text).entries.map((entry) => [entry.key, entry.value]));
}
function inScope(options, file, base) {
    const changed = options.changedFiles;
    if (options.scope === 'all' || changed === undefined)
        return true;
    return [file?.file, base?.file].some((path) => path !== undefined && changed.has(path));
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
    planFileDetails: () => ({}),
    fingerprintOf: (r) => [
        'kv',
        r.namespace,
        r.id,
        r.action,
        r.desired === undefined ? null : sha256Hex(r.desired.json),
        r.current === undefined ? null : sha256Hex(r.current.json)
    ],
    validate: kvFindings,
    plan: planKv,
    sharesFiles: true,
    serverText: (change) => change.serverFile,
    newPath: (change, shape) => ({
        path: repositoryPath(shape.rootRel, 'kv', `${change.namespace}.yml`)
    })
};

const FOLDER = 'kv';
const KV_FILE = /^kv\/([^/]+)\.ya?ml$/;
const kvGather = {
    name: 'kv',
    async gather(input) {
        const [files, base] = await Promise.all([discoverKvFiles(input.workTree), readBase(input)]);
        const prefix = input.settings.namespacePrefix || undefined;
        const extraNamespaces = input.settings.extraNamespaces;
        const held = {
            files,
            extraNamespaces,
            ...(base && { base }),
            ...(prefix && { prefix })
        };
        const api = input.kestra;
        if (!api || input.mode === 'validate')
            return held;
        const named = [...files, ...(base ?? [])].map((f) => f.namespace);
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
        held.server = server;
        return held;
    }
};
async function readBase(input) {
    const tree = await input.openBase?.();
    if (!tree)
        return undefined;
    try {
        return await discoverKvFiles(tree);
    }
    finally {
        await tree.close();
    }
}
async function discoverKvFiles(tree) {
    if ((await tree.kind(FOLDER)) !== 'folder')
        return [];
    const rules = new IgnoreRules(tree);
    if (await rules.excludes(FOLDER, true))
        return [];
    const walk = await walkTree({
        tree,
        rules,
        mayContain: () => false,
        limit: (task) => task(),
        from: FOLDER
    });
    const fileOf = (rel) => (tree.rootRel === '' ? rel : `${tree.rootRel}/${rel}`);
    const found = [];
    for (const entry of walk.entries) {
        const match = entry.kind === 'file' ? KV_FILE.exec(entry.rel) : null;
        if (!match)
            continue;
        const text = normaliseText((await tree.read(entry.rel)).toString('utf8'));
        found.push({ file: fileOf(entry.rel), namespace: match[1], text });
    }
    return found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

const kv = {
    gather: kvGather,
    decide: kvDecide,
    apply: kvApply,
    rollback: kvRollback
};

const KINDS = [namespaceFiles, flows, dashboards, kv];
const DECIDE_KINDS = KINDS.map((kind) => kind.decide);
KINDS.flatMap((kind) => (kind.apply ? [kind.apply] : []));
KINDS.flatMap((kind) => (kind.rollback ? [kind.rollback] : []));

async function execute(settings, target, context, ports, reads) {
    const { reporter } = ports;
    const { mode, kestra, notes } = chooseMode(settings, target, context, ports.kestra);
    announce(mode, kestra ? `server ${settings.server}` : '', context, ports);
    let applying = false;
    try {
        const branch = mode === 'drift' ? await driftBranchOf(context, ports.drift) : undefined;
        const checked = await check(settings, target, context, ports, mode, kestra, KINDS, reads);
        learnShown(checked, ports);
        const report = await reportInput({ settings, context, mode, kestra, checked, notes });
        const publish = (findings) => published(findings, checked, settings, ports);
        if (mode === 'validate' || !kestra || !checked.state) {
            const failure = publish(checked.findings);
            await reportNoDeploy(reporter, renderSummary(ports.edge.shown(report)));
            return { mode, failure, report };
        }
        const { plan, summary, findings } = await planMode({
            ...{ settings, target, context, ports, report, mode, kinds: KINDS },
            ...{ model: checked.model, references: checked.references, changed: checked.changed },
            ...{ state: checked.state, base: checked.base, snapshot: checked.snapshot },
            review: { kestra, names: checked.names, listings: checked.listings }
        }).catch((error) => {
            publish(checked.findings);
            throw error;
        });
        const validationFailure = publish(findings);
        const withPlan = { ...report, findings, plan };
        if (mode === 'plan') {
            await reportNoDeploy(reporter, summary, plan.counts);
            return { mode, failure: validationFailure, report: withPlan };
        }
        const run = { settings, target, context, ports, kestra, checked, plan, findings, summary };
        if (mode === 'drift') {
            const drift = await driftMode({ ...run, branch: branch, kinds: KINDS });
            return { mode, failure: drift.failure ?? validationFailure, report: withPlan };
        }
        applying = true;
        const applied = await applyMode({
            ...{ ...run, kinds: KINDS, reused: checked.reused, state: checked.state },
            ...{ model: checked.model, references: checked.references, markers: checked.markers },
            ...{ rollbackRecords: checked.snapshot.rollbackRecords, storedChecks: checked.storedChecks }
        });
        const { receipt, result: deployment } = applied;
        const failure = applied.failure ?? validationFailure;
        return { mode, failure, report: withPlan, receipt, deployment };
    }
    catch (error) {
        if (mode !== 'deploy' || applying || error instanceof DeployError)
            throw error;
        reporter.setOutput('deployed', false);
        throw new DeployError(`Nothing was deployed: ${errorMessage(error)}`);
    }
}
function announce(mode, server, context, ports) {
    ports.reporter.setOutput('mode', mode);
    const about = [context.local ? '' : context.eventName, server];
    const detail = about.filter(Boolean).join(', ');
    ports.reporter.info(`kestra-gitops: ${mode}${detail ? ` (${detail})` : ''}`);
}
function learnShown(checked, ports) {
    ports.edge.learn(checked.model.managedNamespaces);
    const weak = ports.edge.weakCredentials();
    if (weak)
        ports.reporter.warning(weak);
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
    const counts = tally(findings);
    reporter.setOutput('errors', counts.errors);
    reporter.setOutput('warnings', counts.warnings);
    return failureMessage(findings, settings.failOn);
}
async function reportInput(run) {
    const { settings, context, mode, kestra, checked } = run;
    const tenantScoped = kestra && checked.state ? (await kestra.info()).tenantScoped : undefined;
    return {
        mode,
        server: kestra ? settings.server : undefined,
        tenant: settings.tenant,
        commit: context.sha,
        findings: checked.findings,
        failOn: settings.failOn,
        layout: checked.model.layout,
        notes: [...run.notes, ...checked.notes],
        commentKey: settings.commentKey,
        settings: settings.recorded,
        repositoryUrl: context.local
            ? undefined
            : repositoryUrl(context.serverUrl, context.owner, context.repo),
        kestraUi: tenantScoped === undefined
            ? undefined
            : kestraUiBase(settings.server ?? '', tenantScoped ? settings.tenant : undefined),
        kinds: DECIDE_KINDS
    };
}
function chooseMode(settings, target, context, kestra) {
    const { mode } = target;
    const fork = context.pullRequest?.fork === true;
    if (fork && (settings.auth.kind === 'none' || !kestra)) {
        const notes = kestra
            ? [
                'This pull request comes from a fork: GitHub passes no secrets to it, so only the local validation ran (no server checks, no plan).'
            ]
            : [];
        return { mode: 'validate', notes };
    }
    if (fork && mode === 'deploy') {
        throw new ConfigError('mode', "this pull request's head repository is not provably this repository (a fork, or a head repository GitHub no longer names), and a fork's code is never deployed to your Kestra. Plan pull requests (mode: auto or plan) and deploy from the push of the merged commit");
    }
    if (mode !== 'validate' && !kestra) {
        throw new ConfigError('server', `mode '${mode}' needs the Kestra server URL; set server, or use mode: validate`);
    }
    return { mode, kestra, notes: [] };
}

const PREVIEW_EVENTS = ['pull_request', 'pull_request_target', 'workflow_run'];
async function executeWithEnvironments(settings, eventContext, ports) {
    const reads = new RunReads();
    try {
        return await executeTargets(settings, eventContext, ports, reads);
    }
    finally {
        await reads.close();
    }
}
async function executeTargets(settings, eventContext, ports, reads) {
    const context = await withPullRequestOfRun(eventContext, ports);
    const pr = context.pullRequest;
    if (!settings.preview || !pr || pr.number <= 0 || !PREVIEW_EVENTS.includes(context.eventName)) {
        return execute(settings, plainTarget(settings, context), context, ports, reads);
    }
    const target = plainTarget(settings, context);
    if (pr.action === 'closed') {
        if (!ports.kestra)
            return execute(settings, target, context, ports, reads);
        return closePreview(settings, context, { ...ports, kestra: ports.kestra });
    }
    const why = noPreviewReason(settings, context, ports) ?? (await notCurrentReason(context, ports));
    if (why) {
        ports.reporter.notice(`No preview: ${why}`);
        return execute(settings, target, context, withSection(ports, noPreviewSection(why)), reads);
    }
    const preview = await deployPreview(settings, context, { ...ports, kestra: ports.kestra }, reads);
    const outcome = await execute(settings, target, context, withSection(ports, preview.section), reads);
    return { ...outcome, failure: outcome.failure ?? preview.failure };
}
async function withPullRequestOfRun(context, ports) {
    const head = context.runHead;
    if (!head)
        return context;
    if (!ports.github) {
        ports.reporter.warning(`No github-token: the pull request of this workflow_run (head ${head.label}) could not be looked up, so the plan has no pull request to comment on.`);
        return context;
    }
    const found = (await ports.github.openPullRequestsOf(head.label)).find((pull) => pull.headSha === head.sha &&
        pull.headRepository?.full_name === head.repository);
    if (!found) {
        ports.reporter.notice(`No open pull request has the head ${head.label} at ${head.sha.slice(0, 7)} (it moved on or closed): the plan is not commented.`);
        return context;
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
            fork: !sameRepository(found.headRepository, found.baseRepository, repository)
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
    const removal = await takeDownPreview(settings, context, ports);
    return {
        section: previewRemovedSection(removal.namespaces, removal.deleted.length, removal.leftAlone.map((line) => ports.edge.message(line))),
        failure: removal.failure
    };
}
async function deployPreviewOnce(settings, context, ports, reads) {
    const preview = previewOf(context);
    const { prefix } = preview;
    const { reporter, edge } = ports;
    reporter.info(`Preview: deploying ${context.sha.slice(0, 7)} into ${prefix}.* with triggers disabled.`);
    const previewPorts = previewPortsOf(context, ports, preview);
    try {
        const { tenantScoped } = await previewPorts.kestra.info();
        const link = (namespace) => ({
            namespace,
            url: namespaceUrl(settings.server ?? '', tenantScoped ? settings.tenant : undefined, namespace)
        });
        const own = await ownNamespaces(ports.kestra, preview, leaves(await ports.kestra.namespacesStartingWith(`${prefix}.`)));
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
            failure: outcome.failure && edge.message(outcome.failure)
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
    const owned = ownedPreviewServer(ports.kestra, preview);
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
            annotate: (findings) => reporter.annotate(findings.filter((f) => f.rule === 'pebble-mapped-namespace')),
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
    const { reporter, edge } = ports;
    const { prefix } = previewOf(context);
    reporter.setOutput('mode', 'deploy');
    reporter.info(`kestra-gitops: removing the preview ${prefix}.* (pull request closed)`);
    const removal = await takeDownPreview(settings, context, ports);
    const section = previewRemovedSection(removal.namespaces, removal.deleted.length, removal.leftAlone.map((line) => edge.message(line)));
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
    reporter.setOutput('deleted', removal.deleted.length);
    reporter.setOutput('deployed', removal.deleted.length > 0);
    await reporter.writeSummary(`## Kestra preview removed\n\n${section}\n`);
    return {
        mode: 'deploy',
        failure: removal.failure,
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
    const { reporter, kestra } = ports;
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
    const removal = await removePreview(kestra, preview, namespaces, {
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
    return { ...removal, namespaces, failure };
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

function utf16Views(bytes) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const views = [];
    for (const offset of [0, 1]) {
        const even = buffer.subarray(offset, offset + ((buffer.length - offset) & -2));
        if (even.length === 0)
            continue;
        const bytesOf = ([start, end]) => [offset + 2 * start, offset + 2 * end];
        views.push({ text: even.toString('utf16le'), bytesOf }, { text: Buffer.from(even).swap16().toString('utf16le'), bytesOf });
    }
    return views;
}
function decodedTexts(bytes) {
    const utf8 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return [utf8, ...utf16Views(bytes).map((view) => view.text)];
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
const PLUS$1 = 0x2b;
const SEMICOLON = 0x3b;
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
    if (unit === PLUS$1)
        readings.push({ code: SPACE, end: at + 1 });
    if (unit === QUOTE && text.charCodeAt(at + 1) === QUOTE)
        readings.push({ code: QUOTE, end: at + 2 });
    if (unit === SPACE || unit === TAB || unit === LF || unit === CR) {
        const folded = foldAt(text, at);
        if (folded !== undefined)
            readings.push({ code: SPACE, end: folded });
    }
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
    const found = [];
    if (unit === BACKSLASH || unit === AMPERSAND || unit === PERCENT) {
        found.push({ code: unit, end: at + 1 });
    }
    if (layers > 1 && (unit === BACKSLASH || unit === AMPERSAND || unit === PERCENT)) {
        for (const escaped of readCharacter(text, at, layers - 1)) {
            const { code, end } = escaped;
            const isIntroducer = code === BACKSLASH || code === AMPERSAND || code === PERCENT;
            if (isIntroducer && end > at + 1)
                found.push(escaped);
        }
    }
    return found;
}
function foldAt(text, at) {
    let end = at;
    while (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB)
        end++;
    const afterBreak = lineBreakEnd(text, end);
    if (afterBreak === undefined)
        return undefined;
    end = afterBreak;
    while (text.charCodeAt(end) === SPACE || text.charCodeAt(end) === TAB)
        end++;
    return end;
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
    const code = letter.charCodeAt(0);
    return isAsciiPunctuation(code) ? { code, end: at + 1 } : undefined;
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
function characterReference(text, at) {
    if (text[at] === '#') {
        const hex = text[at + 1] === 'x' || text[at + 1] === 'X';
        const start = at + (hex ? 2 : 1);
        let digits = start;
        while (text[digits] === '0')
            digits++;
        let end = digits;
        while (end < text.length && end - digits < 8 && isDigit(text.charCodeAt(end), hex))
            end++;
        if (end === start)
            return undefined;
        const value = end === digits ? 0 : parseInt(text.slice(digits, end), hex ? 16 : 10);
        return codeOf(value, text.charCodeAt(end) === SEMICOLON ? end + 1 : end);
    }
    let end = at;
    while (end < text.length && end - at < 32 && isAlphanumeric(text.charCodeAt(end)))
        end++;
    if (text.charCodeAt(end) === SEMICOLON) {
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
    const decoded = Buffer.from(bytes).toString('utf8');
    const code = decoded.codePointAt(0);
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
    if (at + count > text.length)
        return undefined;
    for (let i = at; i < at + count; i++)
        if (!isDigit(text.charCodeAt(i), true))
            return undefined;
    return parseInt(text.slice(at, at + count), 16);
}
function isDigit(unit, hex) {
    return ((unit >= 0x30 && unit <= 0x39) ||
        (hex && ((unit >= 0x41 && unit <= 0x46) || (unit >= 0x61 && unit <= 0x66))));
}
function isAlphanumeric(unit) {
    return ((unit >= 0x30 && unit <= 0x39) ||
        (unit >= 0x41 && unit <= 0x5a) ||
        (unit >= 0x61 && unit <= 0x7a));
}
function isAsciiPunctuation(unit) {
    return ((unit >= 0x21 && unit <= 0x2f) ||
        (unit >= 0x3a && unit <= 0x40) ||
        (unit >= 0x5b && unit <= 0x60) ||
        (unit >= 0x7b && unit <= 0x7e));
}

const SKIPPED = new Set([0x0a, 0x0d, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x00]);
const INTRODUCERS = [0x5c, 0x26, 0x25];
const PLUS = 0x2b;
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
        if (!list.some((other) => sameNeedle(other, needle)))
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
    if (reading.code !== 0x0a && reading.code !== 0x0d)
        return [reading.end];
    const ends = [];
    const marker = text[reading.end] === '+' || text[reading.end] === '-';
    if (marker)
        ends.push(...indentationEnds(text, reading.end + 1));
    ends.push(...indentationEnds(text, reading.end));
    return ends;
}
function indentationEnds(text, from) {
    let end = from;
    while (text[end] === ' ' || text[end] === '\t')
        end++;
    const ends = [];
    for (let at = end; at >= from; at--)
        ends.push(at);
    return ends;
}
function sameNeedle(a, b) {
    return a.length === b.length && a.every((code, i) => code === b[i]);
}

const REDACTED = '***';
const MIN_REDACTED_CHARACTERS = 4;
const WIDEST_SPELLING = 16;
function createRedactor(credentials, names = []) {
    const texts = credentialNeedles(credentials);
    const utf16 = utf16Patterns(texts);
    return redactorOf({
        needles: indexNeedles(texts.map(needleOf)),
        utf16,
        utf16WithoutNul: utf16.filter((pattern) => !pattern.includes(0))
    }, names);
}
function hiddenCharacters(secret) {
    return needleOf(secret).filter((code) => !/\s/u.test(String.fromCodePoint(code))).length;
}
function redactorOf(credentials, names) {
    const publicNames = indexNeedles(names.map(needleOf).filter((name) => name.length > 0));
    return {
        text: (text) => redact(text, credentials, publicNames),
        withNames: (more) => redactorOf(credentials, [...names, ...more])
    };
}
function credentialNeedles(credentials) {
    const texts = credentials.secrets
        .map((secret) => secret.value)
        .filter((secret) => hiddenCharacters(secret) >= MIN_REDACTED_CHARACTERS)
        .flatMap((secret) => [secret, ...base64Inside(secret), ...base64Whole(secret)]);
    const { basic } = credentials;
    if (basic)
        texts.push(...base64Whole(`${basic.username}:${basic.password}`));
    return texts;
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
        if (start < at) {
            at = Math.max(at, end);
            continue;
        }
        out += text.slice(at, start) + REDACTED;
        at = end;
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
    const inputs = weak.map((secret) => secret.input).join(', ');
    const unredacted = weak.some(({ value }) => hiddenCharacters(value) < MIN_REDACTED_CHARACTERS);
    return [
        `Weak credential (${inputs}): shorter than ${STRONG_CREDENTIAL_CHARACTERS} characters, or part of a name this run shows as it is (the repository, a server, the tenant, a namespace, a path).`,
        'Outputs cannot hide it inside those names',
        unredacted ? `, nor anywhere when under ${MIN_REDACTED_CHARACTERS} characters` : '',
        '. The run is unaffected: replace it with a long random value.'
    ].join('');
}

const LOG_LINE_BYTES = 4096;
const MESSAGE_BYTES = 2048;
const UNBOUNDED_KEYS = new Set(['diff']);
const SOURCE_KEYS = new Set(['desired', 'source']);
class OutputEdge {
    credentials;
    redactor;
    names;
    constructor(credentials, names = []) {
        this.credentials = credentials;
        this.names = [...names];
        this.redactor = createRedactor(credentials, names);
    }
    learn(names) {
        this.names.push(...names);
        this.redactor = this.redactor.withNames(names);
    }
    weakCredentials() {
        return weakCredentialWarning(this.credentials, this.names);
    }
    text(text) {
        return this.redactor.text(text);
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
        if (value === null || typeof value !== 'object' || !isPlain(value))
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
function isPlain(value) {
    const prototype = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null;
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

const ACTION_NAME = 'kestra-gitops';
function publicNames(settings, context) {
    const repository = context.owner && context.repo ? `${context.owner}/${context.repo}` : '';
    return [
        ACTION_NAME,
        repository,
        context.owner,
        context.repo,
        context.serverUrl,
        repository && `${context.serverUrl}/${repository}`,
        context.apiUrl,
        settings.server ?? '',
        settings.tenant,
        settings.commentKey,
        settings.namespace ?? '',
        ...settings.extraNamespaces,
        ...settings.namespaceFiles.map((mapping) => mapping.namespace),
        context.workspace,
        context.runnerTemp,
        planFilePath(context.runnerTemp, settings.commentKey),
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
        upsertStickyComment: async (issue, marker, body, seen, sent) => learn(await github.upsertStickyComment(issue, marker, text(body), seen, sent)),
        updateComment: async (id, body) => learn(await github.updateComment(id, text(body))),
        findMergedPullRequest: (sha) => github.findMergedPullRequest(sha),
        pullRequest: (number) => github.pullRequest(number),
        openPullRequestsOf: (label) => github.openPullRequestsOf(label),
        getFileAtRef: (path, ref) => github.getFileAtRef(path, ref)
    };
}

const CREDENTIAL_VARIABLES = {
    username: 'KESTRA_USERNAME',
    password: 'KESTRA_PASSWORD',
    'api-token': 'KESTRA_API_TOKEN'
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
    'require-reviewed-plan': "it compares with the plan in the merged pull request's comment on GitHub. Compare the plan-fingerprint of 'kestra-gitops plan --verbose' instead",
    'drift-action': "the drift watch runs in GitHub Actions on a schedule (docs/drift.md). 'kestra-gitops plan --base <ref>' shows the server's differences"
};
const FLAG_VARIABLES = { server: 'KESTRA_URL' };
function entryOf(table, name) {
    return Object.hasOwn(table, name) ? table[name] : undefined;
}
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
        /\bthe username\/password or api-token inputs\b/g,
        'KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN'
    ],
    [
        /\busername\/password or api-token inputs\b/g,
        'KESTRA_USERNAME/KESTRA_PASSWORD or KESTRA_API_TOKEN'
    ],
    [/\bthe server input\b/g, '--server (or KESTRA_URL)'],
    [/\bset server, or use mode: validate\b/g, 'pass --server (or set KESTRA_URL), or run validate'],
    [/\bthe delete input is false; set delete: true\b/g, '--delete is off; pass --delete'],
    [/\bin the `?namespaces`? input\b/g, 'with --namespaces']
];
function cliWords(text) {
    let out = text;
    for (const [phrase, words] of PHRASES)
        out = out.replace(phrase, words);
    out = out.replace(/\b(?:the )?`?([a-z-]+)`? input\b/g, (whole, name) => flagKind(name) ? `--${name}` : whole);
    return out.replace(/\b([a-z-]+): true\b/g, (whole, name) => flagKind(name) === 'switch' ? `--${name}` : whole);
}

class UsageError extends Error {
    name = 'UsageError';
}
const CREDENTIAL_FLAGS = [...Object.keys(CREDENTIAL_VARIABLES), 'token'];
const COMMANDS = ['validate', 'plan', 'deploy'];
const FORMATS = ['text', 'markdown', 'json'];
const OWN_OPTIONS = {
    format: { type: 'string' },
    json: { type: 'boolean' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    base: { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    'detailed-exitcode': { type: 'boolean' },
    full: { type: 'boolean' },
    'no-full': { type: 'boolean' },
    version: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
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
function parseArgs(argv) {
    const args = {
        help: false,
        inputs: {},
        format: 'text',
        verbose: false,
        version: false,
        detailedExitCode: false
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
        throw new UsageError('name a command: validate, plan or deploy');
    }
    if (args.detailedExitCode && args.command !== 'plan' && !args.help) {
        throw new UsageError(`--detailed-exitcode goes with plan (exit 0: no changes, 2: changes, 1: error)${args.command ? `, not ${args.command}` : ''}`);
    }
    return args;
}
function readOption({ name: typed, rawName, value }, args, lists) {
    const name = typed === 'full' || typed === 'no-full' ? `${typed}-plan` : typed;
    const given = () => {
        if (value === undefined)
            throw new UsageError(`option '${rawName}' needs a value`);
        return value;
    };
    if (name === 'help') {
        args.help = switchValue(rawName, value);
    }
    else if (name === 'verbose') {
        args.verbose = switchValue(rawName, value);
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
    else if (name === 'base') {
        args.base = given();
    }
    else if (name === 'version') {
        args.version = switchValue(rawName, value);
    }
    else if (name === 'detailed-exitcode') {
        args.detailedExitCode = switchValue(rawName, value);
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
    let best;
    let bestDistance = Math.max(2, Math.floor(typed.length / 3)) + 1;
    for (const name of names) {
        const distance = editDistance(typed, name);
        if (distance < bestDistance)
            [best, bestDistance] = [name, distance];
    }
    return best === undefined ? '' : `; did you mean '${prefix}${best}'?`;
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

const run$1 = promisify(execFile);
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
        runId: '',
        local: true
    };
    if (options.base === undefined)
        return context;
    if (!head)
        throw new UsageError('--base needs a git repository with at least one commit');
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
    try {
        const { stdout } = await run$1('git', args, {
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
const DEPLOY_STATUS = {
    applied: 'applied',
    'nothing-to-do': 'up to date',
    refused: 'not deployed',
    failed: 'failed'
};
function reportText(report, p, deployment) {
    const target = `server ${report.server ? inert(report.server) : 'none'} · tenant ${inert(report.tenant)} · commit ${report.commit.slice(0, 7) || 'unknown'}`;
    const counts = ruleCounts(report.findings);
    const lines = [
        p.bold(headline(report, deployment)),
        verdict(report, p),
        ...(counts ? [p.dim(counts)] : []),
        p.dim(target)
    ];
    for (const note of report.notes ?? [])
        lines.push(p.dim(inert(note)));
    if (report.plan)
        lines.push('', ...planLines(report.plan, report.kinds, p));
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
    const counts = findingCounts(report.findings);
    const failed = counts.error > 0 || (report.failOn === 'warning' && counts.warning > 0);
    const tally = `${counts.error} error(s), ${counts.warning} warning(s)${counts.notice ? `, ${counts.notice} notice(s)` : ''}`;
    return failed
        ? `${p.red('Validation failed')}: ${tally}`
        : `${p.green('Validation passed')}: ${tally}`;
}
function planLines(plan, kinds, p) {
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
            lines.push(`  ${resourceLine(r, kinds, p)}`);
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
        lines.push(p.yellow('Drift: the server copy of these resources was changed outside Git since the base commit; deploying overwrites (or deletes) those edits.'), ...drifted.map((r) => `  ${r.kind} ${inert(resourceName$1(r))} (${r.action})`), '');
    }
    lines.push(p.dim(`Plan fingerprint: ${plan.fingerprint}`));
    return lines;
}
function resourceLine(r, kinds, p) {
    const mark = MARK[r.action];
    const parts = [
        p[mark.colour](`${mark.sign} ${r.action} ${r.kind} ${p.bold(inert(resourceName$1(r)))}`)
    ];
    if (r.additions !== undefined && r.deletions !== undefined) {
        const counts = `${p.green(`+${r.additions}`)} ${p.red(`-${r.deletions}`)}`;
        parts.push(r.diffOmitted === 'too-large' ? `${counts} (diff too large to show)` : counts);
    }
    parts.push(...kindMarks(kinds, r));
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

function cliSettings(args, env, cwd, { settingsFile = false, log } = {}) {
    const root = args.inputs.root;
    if (root !== undefined && isAbsolute(root.trim())) {
        args = { ...args, inputs: { ...args.inputs, root: rootInside(root.trim(), cwd) } };
    }
    const read = (name) => {
        if (name === 'mode')
            return args.command ?? '';
        const credential = entryOf(CREDENTIAL_VARIABLES, name);
        if (credential)
            return env[credential] ?? '';
        const fixed = entryOf(LOCAL_VALUES, name);
        if (fixed !== undefined)
            return fixed;
        const variable = entryOf(FLAG_VARIABLES, name);
        return args.inputs[name] ?? (variable && env[variable]) ?? '';
    };
    try {
        return parseSettings(read, {
            file: settingsFile ? localFile(readSettingsFile(cwd)) : undefined,
            log,
            givenIn: 'the command line'
        });
    }
    catch (error) {
        if (error instanceof SettingsFileError)
            throw new UsageError(error.message);
        if (!(error instanceof ConfigError))
            throw error;
        const detail = error.message.replace(/^Input '[^']*': /, '');
        throw new UsageError(`${sourceOf(error.input, args)}: ${detail}`);
    }
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
function localFile(file) {
    if (!file)
        return undefined;
    const values = [...file.values].filter(([name]) => entryOf(LOCAL_VALUES, name) === undefined);
    return { path: file.path, values: new Map(values) };
}
function rootInside(root, cwd) {
    const inside = (from, to) => {
        const path = relative(from, to);
        return path === ''
            ? '.'
            : path.startsWith(`..${sep}`) || path === '..' || isAbsolute(path)
                ? undefined
                : path;
    };
    const real = (path) => {
        try {
            return realpathSync(path);
        }
        catch {
            return resolve$1(path);
        }
    };
    const path = inside(resolve$1(cwd), resolve$1(root)) ?? inside(real(cwd), real(root));
    if (path !== undefined)
        return path.split(sep).join('/');
    throw new UsageError(`--root: '${root}' is not inside the current folder ${cwd}; run kestra-gitops from the repository that holds it (cd there), or give --root relative to it`);
}

const WIDTH = 100;
const HELP_COLUMN = 27;
function usage() {
    return `Usage: kestra-gitops <validate|plan|deploy> [options]

Runs the kestra-gitops action's engine on a local checkout: the same checks, plan and deploy
as in GitHub Actions, for previewing a plan or for other CI systems.

Commands:
  validate                 check flows and namespace files (server checks too with a server)
  plan                     validate, then show what a deploy would change; writes nothing
  deploy                   validate, plan, then apply the plan to Kestra

Options (the action's inputs of the same name; a switch also takes --no-NAME or --NAME=false):
${flagInputs().map(inputOption).join('')}${option('--base REF', 'git ref the change starts from: files changed since it count as changed, and server copies that differ from it are drift')}${option('--full', 'same as --full-plan: parse and check every flow file again, reusing no check stored with the commit marker')}${option('--detailed-exitcode', 'with plan: exit 0 when the plan changes nothing, 2 when it changes something, 1 on any error (a usage error included), as Terraform does')}
Output:
  --format F               text, markdown (the PR comment) or json (default: text)
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

const CLI_VERSION = "0.1.0";

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_CHANGES = 2;
async function runCli(argv, io = processIo()) {
    const credentials = credentialsFrom([
        ['KESTRA_PASSWORD', io.env.KESTRA_PASSWORD],
        ['KESTRA_API_TOKEN', io.env.KESTRA_API_TOKEN]
    ], { username: io.env.KESTRA_USERNAME, password: io.env.KESTRA_PASSWORD });
    let edge = new OutputEdge(credentials);
    const out = (text) => void io.stdout.write(edge.text(text));
    const err = (text) => void io.stderr.write(edge.text(logLines(cliWords(text))));
    const usageExit = wantsDetailedExitCode(argv) ? EXIT_FAILED : EXIT_USAGE;
    let args;
    try {
        args = parseArgs(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        return usageFailure(err, error, edge, usageExit);
    }
    if (args.help) {
        out(usage());
        return EXIT_OK;
    }
    if (args.version) {
        out(`kestra-gitops ${CLI_VERSION}\n`);
        return EXIT_OK;
    }
    const p = palette(wantsColour(args.color, Boolean(io.stdout.isTTY), io.env));
    let kestra;
    const scratch = mkdtempSync(join(tmpdir(), 'kestra-gitops-'));
    const progress = io.stderr.isTTY
        ? new ProgressLine({ write: (text) => void io.stderr.write(text), now: Date.now })
        : undefined;
    const ticking = progress && setInterval(() => progress.tick(), 250).unref();
    try {
        const settings = cliSettings(args, io.env, io.cwd, {
            settingsFile: true,
            log: (message) => err(`${message}
`)
        });
        if (args.command !== 'validate' && !settings.server) {
            throw new UsageError(`${args.command} needs the Kestra server: --server URL or KESTRA_URL`);
        }
        const context = await localRunContext({
            cwd: io.cwd,
            env: io.env,
            runnerTemp: scratch,
            base: args.base
        });
        edge = new OutputEdge(credentials, publicNames(settings, context));
        const terminal = terminalReporter({
            log: err,
            findings: args.format === 'text' ? (text) => out(cliWords(text)) : err,
            palette: p,
            verbose: args.verbose,
            progress
        });
        const reporter = redactingReporter(args.format === 'text' ? withoutSummaries(terminal, [LOADING, VALIDATION]) : terminal, edge);
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
        const outcome = await executeWithEnvironments(settings, context, {
            reporter,
            kestra,
            edge,
            now: () => new Date()
        });
        const { 'plan-file': _planFile, ...outputs } = terminal.outputs();
        const failure = outcome.failure && edge.text(cliFailure(outcome));
        progress?.clear();
        const shown = {
            report: edge.shown(outcome.report),
            deployment: edge.shown(outcome.deployment),
            receipt: outcome.receipt && edge.text(outcome.receipt)
        };
        out(formatResult(args, settings, shown, outputs, failure, p));
        if (failure) {
            err(`${p.red('error')} ${inert(failure)}\n`);
            return EXIT_FAILED;
        }
        return args.detailedExitCode && outputs['has-changes'] === 'true' ? EXIT_CHANGES : EXIT_OK;
    }
    catch (error) {
        if (error instanceof UsageError)
            return usageFailure(err, error, edge, usageExit);
        err(`${p.red('error')} ${inert(edge.text(errorMessage(error)))}\n`);
        return EXIT_FAILED;
    }
    finally {
        clearInterval(ticking);
        progress?.clear();
        await kestra?.close();
        rmSync(scratch, { recursive: true, force: true });
    }
}
function formatResult(args, settings, { report, deployment, receipt }, outputs, failure, p) {
    if (args.format === 'markdown') {
        const comment = renderComment({ ...report, commentKey: settings.commentKey });
        if (!deployment || receipt === undefined)
            return `${comment}\n`;
        const detail = outcomeCounts(deployment.resources).join(', ');
        const headline = deployTitle(deployment.status, detail, settings.commentKey);
        return `${upsertDeployedSection(comment, receipt, headline)}\n`;
    }
    if (args.format === 'json') {
        const json = { outputs, findings: report.findings, failure };
        return `${JSON.stringify(json, null, 2)}\n`;
    }
    const text = reportText(report, p, deployment);
    return args.verbose ? `${text}\n${outputLines(outputs, p)}` : text;
}
function cliFailure(outcome) {
    const { findings, failOn = 'error' } = outcome.report;
    if (outcome.failure !== failureMessage(findings, failOn))
        return outcome.failure ?? '';
    const { errors, warnings } = tally(findings);
    return errors > 0
        ? `Validation found ${errors} error(s): fix them and run again.`
        : `Validation found ${warnings} warning(s) and --fail-on is warning.`;
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
function logLines(text) {
    return text
        .split('\n')
        .map((line) => bounded(line, LOG_LINE_BYTES))
        .join('\n');
}
function processIo() {
    process.stdout.on('error', (error) => {
        if (error.code !== 'EPIPE')
            throw error;
    });
    return { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
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
    const octokit = getOctokit(token, {
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        log: { debug: () => { }, info: () => { }, warn: log, error: log },
        retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
        throttle: options.throttle === false
            ? { enabled: false }
            : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') }
    }, toldWhenSent, retry, throttling);
    return octokit;
}
function toldWhenSent(octokit) {
    octokit.hook.before('request', (options) => options.request?.sent?.());
}

class GitHubApiError extends ActionError {
    operation;
    status;
    name = 'GitHubApiError';
    constructor(operation, status, message) {
        super(`GitHub API: ${operation} failed${status ? ` (HTTP ${status})` : ''}: ${message}`);
        this.operation = operation;
        this.status = status;
    }
}
const COMMENT_PERMISSION_HELP = 'The token cannot write PR comments. Grant `permissions: pull-requests: write` to the job; ' +
    "fork PRs get a read-only token — see README 'Fork pull requests'.";
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
function apiError(operation, error) {
    return new GitHubApiError(operation, httpStatus(error), errorMessage(error));
}

const PER_PAGE = 100;
const PR_FILES_CAP = 3000;
const COMPARE_FILES_CAP = 300;
async function listPullRequestFiles(client, pr) {
    const files = [];
    try {
        for (let page = 1; files.length < PR_FILES_CAP; page++) {
            const { data } = await client.octokit.rest.pulls.listFiles({
                owner: client.owner,
                repo: client.repo,
                pull_number: pr,
                per_page: PER_PAGE,
                page
            });
            files.push(...data.map((file) => changedPath(file.filename, file.previous_filename)));
            if (data.length < PER_PAGE)
                break;
        }
    }
    catch (error) {
        throw apiError(`listing the files of pull request #${pr}`, error);
    }
    return { files, truncated: files.length >= PR_FILES_CAP };
}
async function compareCommits(client, base, head) {
    try {
        const { data } = await client.octokit.rest.repos.compareCommitsWithBasehead({
            owner: client.owner,
            repo: client.repo,
            basehead: `${base}...${head}`
        });
        const files = (data.files ?? []).map((file) => changedPath(file.filename, file.previous_filename));
        return { files, truncated: files.length >= COMPARE_FILES_CAP, status: data.status };
    }
    catch (error) {
        throw apiError(`comparing ${base.slice(0, 12)}...${head.slice(0, 12)}`, error);
    }
}
function changedPath(path, previousPath) {
    return previousPath ? { path, previousPath } : { path };
}
async function getFileAtRef(client, path, ref) {
    const route = 'GET /repos/{owner}/{repo}/contents/{+path}';
    const params = {
        owner: client.owner,
        repo: client.repo,
        path: path.split('/').map(encodeURIComponent).join('/'),
        ref
    };
    try {
        const { data } = await client.octokit.request(route, params);
        const entry = data;
        if (Array.isArray(data) || entry.type !== 'file')
            return undefined;
        if (entry.encoding === 'base64' && (entry.content || entry.size === 0)) {
            return new Uint8Array(Buffer.from(entry.content ?? '', 'base64'));
        }
        const raw = await client.octokit.request(route, {
            ...params,
            mediaType: { format: 'raw' },
            request: { parseSuccessResponseBody: false }
        });
        return new Uint8Array(await new Response(raw.data).arrayBuffer());
    }
    catch (error) {
        if (httpStatus(error) === 404)
            return undefined;
        throw apiError(`reading ${path} at ${ref.slice(0, 12)}`, error);
    }
}

async function getPullRequest(client, number) {
    try {
        const response = await client.octokit.rest.pulls.get({
            owner: client.owner,
            repo: client.repo,
            pull_number: number
        });
        return stateOf(response.data);
    }
    catch (error) {
        if (httpStatus(error) === 404)
            return undefined;
        throw apiError(`reading pull request #${number}`, error);
    }
}
async function openPullRequestsOf(client, label) {
    try {
        const response = await client.octokit.rest.pulls.list({
            owner: client.owner,
            repo: client.repo,
            state: 'open',
            head: label,
            per_page: 100
        });
        return response.data.map(stateOf);
    }
    catch (error) {
        throw apiError(`finding the pull requests of ${label}`, error);
    }
}
function stateOf(pull) {
    return {
        number: pull.number,
        state: pull.state === 'open' ? 'open' : 'closed',
        headSha: pull.head.sha,
        baseSha: pull.base.sha,
        headRepository: pull.head.repo,
        baseRepository: pull.base.repo
    };
}
async function findMergedPullRequest(client, sha) {
    let pulls;
    try {
        const response = await client.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
            owner: client.owner,
            repo: client.repo,
            commit_sha: sha,
            per_page: 100
        });
        pulls = response.data;
    }
    catch (error) {
        if (httpStatus(error) === 404 || httpStatus(error) === 422)
            return undefined;
        throw apiError(`finding the pull request of commit ${sha.slice(0, 12)}`, error);
    }
    const merged = pulls.filter((pull) => pull.merged_at);
    return (merged.find((pull) => pull.merge_commit_sha === sha) ?? merged[0])?.number;
}

const SAFE_COMMENT_LENGTH = 60_000;
const TRUNCATION_NOTE = '…*[Comment truncated: GitHub limits comments to 65,536 characters. The job summary holds the full plan.]*';
const HIDDEN_LINE = /^<!-- kestra-gitops[\w-]*:.*-->$/;
function truncateCommentBody(body, maxLength = SAFE_COMMENT_LENGTH) {
    if (body.length <= maxLength)
        return body;
    const lines = body.split('\n');
    const states = scan(lines);
    const hiddenAfter = hiddenLengthsFrom(lines, states);
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
    const hidden = keptHiddenLines(lines, states, keep);
    return `${head}${closing}\n\n${TRUNCATION_NOTE}${hidden}`;
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
function hiddenLengthsFrom(lines, states) {
    const lengths = new Array(lines.length + 1).fill(0);
    for (let i = lines.length - 1; i >= 0; i--) {
        const hidden = states[i].outsideFence && HIDDEN_LINE.test(lines[i]);
        lengths[i] = lengths[i + 1] + (hidden ? lines[i].length + 1 : 0);
    }
    return lengths;
}
function keptHiddenLines(lines, states, from) {
    let text = '';
    for (let i = from; i < lines.length; i++) {
        if (states[i].outsideFence && HIDDEN_LINE.test(lines[i]))
            text += `\n${lines[i]}`;
    }
    return text;
}

const ACTIONS_BOT_LOGIN = 'github-actions[bot]';
class StickyComments {
    client;
    viewer;
    constructor(client) {
        this.client = client;
    }
    async all(issue, marker) {
        try {
            return (await this.matching(issue, marker)).map(toSticky);
        }
        catch (error) {
            throw apiError(`reading the comments of #${issue}`, error);
        }
    }
    async upsert(issue, marker, body, seen = [], sent) {
        const text = withMarker(marker, body);
        return this.guard(`writing the comment on #${issue}`, async () => {
            const [oldest, ...others] = seen;
            if (oldest && oldest.body !== text) {
                const rewritten = await this.rewriteSeen(oldest.id, text, sent);
                if (rewritten) {
                    await this.deleteAll(others);
                    return rewritten;
                }
            }
            const existing = await this.matching(issue, marker, sent);
            if (existing.length > 0) {
                await this.deleteAll(existing.slice(1));
                return this.rewrite(existing[0], text);
            }
            const created = await this.create(issue, text);
            const [survivor, ...duplicates] = await this.matching(issue, marker);
            await this.deleteAll(duplicates);
            if (!survivor || survivor.id === created.id)
                return outcome('created', created);
            return this.rewrite(survivor, text);
        });
    }
    async update(id, body) {
        return this.guard(`updating comment ${id}`, async () => {
            const updated = await this.send(body, (text) => this.client.octokit.rest.issues.updateComment({
                ...this.repo(),
                comment_id: id,
                body: text
            }));
            return outcome('updated', updated.data);
        });
    }
    async guard(operation, action) {
        try {
            return await action();
        }
        catch (error) {
            if (isPermissionError(error))
                return { status: 'forbidden', message: COMMENT_PERMISSION_HELP };
            throw apiError(operation, error);
        }
    }
    async rewrite(comment, text) {
        if (comment.body === text)
            return outcome('unchanged', comment);
        const updated = await this.send(text, (body) => this.client.octokit.rest.issues.updateComment({
            ...this.repo(),
            comment_id: comment.id,
            body
        }));
        return outcome('updated', updated.data);
    }
    async rewriteSeen(id, text, sent) {
        try {
            const updated = await this.send(text, (body) => this.client.octokit.rest.issues.updateComment({
                ...this.repo(),
                comment_id: id,
                body,
                ...(sent && { request: { sent } })
            }));
            return outcome('updated', updated.data);
        }
        catch (error) {
            if (httpStatus(error) === 404)
                return undefined;
            throw error;
        }
    }
    async create(issue, text) {
        const created = await this.send(text, (body) => this.client.octokit.rest.issues.createComment({ ...this.repo(), issue_number: issue, body }));
        return created.data;
    }
    async send(body, call) {
        try {
            return await call(body);
        }
        catch (error) {
            if (!isBodyTooLong(error))
                throw error;
            return call(truncateCommentBody(body));
        }
    }
    async deleteAll(comments) {
        for (const comment of comments) {
            try {
                await this.client.octokit.rest.issues.deleteComment({
                    ...this.repo(),
                    comment_id: comment.id
                });
            }
            catch (error) {
                if (httpStatus(error) !== 404)
                    throw error;
            }
        }
    }
    async matching(issue, marker, sent) {
        const list = this.client.octokit.rest.issues.listComments;
        const route = Object.assign((page) => list({ ...page, ...(sent && { request: { sent } }) }), { endpoint: list.endpoint });
        const comments = await this.client.octokit.paginate(route, {
            ...this.repo(),
            issue_number: issue,
            per_page: 100
        });
        const marked = comments.filter((comment) => firstLine$1(comment.body).startsWith(marker));
        const ours = [];
        for (const comment of marked)
            if (await this.isOurs(comment))
                ours.push(comment);
        return ours.sort((a, b) => a.id - b.id);
    }
    async isOurs(comment) {
        return authoredByTheAction(comment.user, () => (this.viewer ??= viewerLogin(this.client)));
    }
    repo() {
        return { owner: this.client.owner, repo: this.client.repo };
    }
}
async function authoredByTheAction(user, viewer) {
    if (!user)
        return false;
    if (user.login === ACTIONS_BOT_LOGIN || user.type === 'Bot')
        return true;
    return user.login === (await viewer());
}
function viewerLogin(client) {
    return client.octokit.rest.users.getAuthenticated().then((response) => response.data.login, () => undefined);
}
function withMarker(marker, body) {
    return firstLine$1(body).startsWith(marker) ? body : `${marker}\n${body}`;
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

function createGitHub(octokit, repository) {
    const client = { octokit, ...repository };
    const comments = new StickyComments(client);
    return {
        listPullRequestFiles: (pr) => listPullRequestFiles(client, pr),
        compareCommits: (base, head) => compareCommits(client, base, head),
        findStickyComment: async (issue, marker) => (await comments.all(issue, marker))[0],
        stickyComments: (issue, marker) => comments.all(issue, marker),
        upsertStickyComment: (issue, marker, body, seen, sent) => comments.upsert(issue, marker, body, seen, sent),
        updateComment: (id, body) => comments.update(id, body),
        findMergedPullRequest: (sha) => findMergedPullRequest(client, sha),
        pullRequest: (number) => getPullRequest(client, number),
        openPullRequestsOf: (label) => openPullRequestsOf(client, label),
        getFileAtRef: (path, ref) => getFileAtRef(client, path, ref)
    };
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
            const annotated = selectAnnotations(findings);
            const shown = new Set(annotated);
            for (const finding of findings) {
                if (shown.has(finding))
                    continue;
                log.info(`  ${findingLine(finding, palette(false)).replace(/\s*[\r\n]+\s*/g, ' ')}`);
            }
            for (const finding of annotated) {
                const { title, file, startLine, endLine, startColumn, endColumn } = annotationProperties(finding);
                log.command(finding.severity, { title, file, line: startLine, endLine, col: startColumn, endColumn }, finding.message);
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
function selectAnnotations(findings) {
    const shown = { error: 0, warning: 0, notice: 0 };
    return findings.filter((f) => shown[f.severity]++ < ANNOTATIONS_PER_SEVERITY);
}
function annotationProperties(finding) {
    const sameLine = finding.endLine === undefined || finding.endLine === finding.line;
    return {
        title: `kestra-gitops: ${finding.rule}`,
        file: finding.file,
        startLine: finding.line,
        endLine: finding.endLine,
        ...(sameLine && finding.column !== undefined
            ? { startColumn: finding.column, endColumn: finding.endColumn }
            : {})
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
        closePullRequest: (head, comment) => github.closePullRequest(head, text(comment))
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

const CONTENTS_PERMISSION_HELP = 'The token cannot write the drift branch: grant `permissions: contents: write` to the job (docs/drift.md#permissions).';
const FILE_MODE = '100644';
async function writeDriftBranch(client, branch) {
    try {
        return await write(client, branch);
    }
    catch (error) {
        if (isPermissionError(error))
            return forbidden();
        throw apiError(`writing the branch ${branch.name}`, error);
    }
}
async function write(client, branch) {
    const { octokit } = client;
    const repo = { owner: client.owner, repo: client.repo };
    const base = (await octokit.rest.git.getCommit({ ...repo, commit_sha: branch.base })).data;
    const current = await existingHead(client, branch.name);
    const currentCommit = current
        ? (await octokit.rest.git.getCommit({ ...repo, commit_sha: current })).data
        : undefined;
    if (current && !currentCommit?.message.split('\n').includes(branch.trailer)) {
        return { status: 'foreign', sha: current };
    }
    const baseTree = (await octokit.rest.git.getTree({ ...repo, tree_sha: base.tree.sha, recursive: 'true' })).data;
    const modes = new Map(baseTree.tree.flatMap((entry) => entry.type === 'blob' && entry.path && entry.mode ? [[entry.path, entry.mode]] : []));
    const entries = [];
    for (const item of branch.writes) {
        if (item.content === undefined) {
            if (modes.has(item.path)) {
                entries.push({ path: item.path, mode: FILE_MODE, type: 'blob', sha: null });
            }
            continue;
        }
        const blob = await octokit.rest.git.createBlob({
            ...repo,
            content: Buffer.from(item.content).toString('base64'),
            encoding: 'base64'
        });
        const mode = modes.get(item.path) === '100755' ? '100755' : FILE_MODE;
        entries.push({ path: item.path, mode, type: 'blob', sha: blob.data.sha });
    }
    if (entries.length === 0)
        return { status: 'empty' };
    const tree = (await octokit.rest.git.createTree({ ...repo, base_tree: base.tree.sha, tree: entries })).data;
    if (tree.sha === base.tree.sha)
        return { status: 'empty' };
    if (current &&
        currentCommit?.tree.sha === tree.sha &&
        currentCommit.parents.map((p) => p.sha).join() === branch.base) {
        return { status: 'unchanged', sha: current };
    }
    const commit = await octokit.rest.git.createCommit({
        ...repo,
        message: `${branch.message}\n\n${branch.trailer}`,
        tree: tree.sha,
        parents: [branch.base]
    });
    const sha = commit.data.sha;
    if (current) {
        await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch.name}`, sha, force: true });
    }
    else {
        await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch.name}`, sha });
    }
    return { status: 'written', sha };
}
async function existingHead(client, name) {
    try {
        const ref = await client.octokit.rest.git.getRef({
            owner: client.owner,
            repo: client.repo,
            ref: `heads/${name}`
        });
        return ref.data.object.sha;
    }
    catch (error) {
        if (httpStatus(error) === 404)
            return undefined;
        throw error;
    }
}
function forbidden() {
    return { status: 'forbidden', message: CONTENTS_PERMISSION_HELP };
}

const ISSUES_PERMISSION_HELP = 'The token cannot write issues: grant `permissions: issues: write` to the job (docs/drift.md#permissions).';
class DriftIssues {
    client;
    viewer;
    constructor(client) {
        this.client = client;
    }
    async keep(issue) {
        return this.guard('writing the drift issue', async () => {
            const found = await this.find(issue.marker, issue.label);
            const { octokit } = this.client;
            if (!found) {
                const created = await octokit.rest.issues.create({
                    ...this.repo(),
                    title: issue.title,
                    body: issue.body,
                    labels: [issue.label]
                });
                return { status: 'created', number: created.data.number, url: created.data.html_url };
            }
            const reopen = found.state !== 'open';
            const updated = await octokit.rest.issues.update({
                ...this.repo(),
                issue_number: found.number,
                title: issue.title,
                body: issue.body,
                ...(reopen && { state: 'open' })
            });
            return {
                status: reopen ? 'reopened' : 'updated',
                number: updated.data.number,
                url: updated.data.html_url
            };
        });
    }
    async close(marker, label, comment) {
        return this.guard('closing the drift issue', async () => {
            const found = await this.find(marker, label);
            if (!found || found.state !== 'open')
                return undefined;
            const { octokit } = this.client;
            await octokit.rest.issues.createComment({
                ...this.repo(),
                issue_number: found.number,
                body: comment
            });
            await octokit.rest.issues.update({
                ...this.repo(),
                issue_number: found.number,
                state: 'closed',
                state_reason: 'completed'
            });
            return { status: 'closed', number: found.number, url: found.html_url };
        });
    }
    async find(marker, label) {
        const listed = await this.client.octokit.paginate(this.client.octokit.rest.issues.listForRepo, { ...this.repo(), labels: label, state: 'all', per_page: 100 });
        const ours = [];
        for (const issue of listed) {
            if (issue.pull_request || firstLine(issue.body) !== marker)
                continue;
            const viewer = () => (this.viewer ??= viewerLogin(this.client));
            if (await authoredByTheAction(issue.user, viewer))
                ours.push(issue);
        }
        const open = ours.filter((i) => i.state === 'open').sort((a, b) => a.number - b.number);
        return open[0] ?? ours.sort((a, b) => b.number - a.number)[0];
    }
    async guard(operation, action) {
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
    repo() {
        return { owner: this.client.owner, repo: this.client.repo };
    }
}
function firstLine(body) {
    return (body ?? '').split('\n', 1)[0].trim();
}

const ACTIONS_SETTING = "Settings → Actions → General → 'Allow GitHub Actions to create and approve pull requests'";
class DriftPulls {
    client;
    constructor(client) {
        this.client = client;
    }
    async keep(pull) {
        try {
            const open = await this.openFrom(pull.head);
            const { octokit } = this.client;
            if (open) {
                if (open.body === pull.body && open.title === pull.title) {
                    return { status: 'unchanged', number: open.number, url: open.html_url };
                }
                await octokit.rest.pulls.update({
                    ...this.repo(),
                    pull_number: open.number,
                    title: pull.title,
                    body: pull.body
                });
                return { status: 'updated', number: open.number, url: open.html_url };
            }
            const created = await octokit.rest.pulls.create({ ...this.repo(), ...pull });
            return { status: 'created', number: created.data.number, url: created.data.html_url };
        }
        catch (error) {
            if (/not permitted to create or approve pull requests/i.test(errorMessage(error))) {
                return {
                    status: 'forbidden',
                    message: `The branch ${pull.head} holds the edits made in Kestra, but GitHub Actions may not open pull requests in this repository: turn on ${ACTIONS_SETTING}, or pass a github-token that may (docs/drift.md#permissions).`
                };
            }
            if (isPermissionError(error))
                return pullsForbidden(pull.head);
            throw apiError(`opening the pull request from ${pull.head}`, error);
        }
    }
    async close(head, comment) {
        try {
            const open = await this.openFrom(head);
            if (!open)
                return undefined;
            const { octokit } = this.client;
            await octokit.rest.issues.createComment({
                ...this.repo(),
                issue_number: open.number,
                body: comment
            });
            await octokit.rest.pulls.update({ ...this.repo(), pull_number: open.number, state: 'closed' });
            return { status: 'closed', number: open.number, url: open.html_url };
        }
        catch (error) {
            if (isPermissionError(error) && httpStatus(error) !== 404)
                return pullsForbidden(head);
            throw apiError(`closing the pull request from ${head}`, error);
        }
    }
    async openFrom(head) {
        const { data } = await this.client.octokit.rest.pulls.list({
            ...this.repo(),
            head: `${this.client.owner}:${head}`,
            state: 'open',
            per_page: 100
        });
        return data[0];
    }
    repo() {
        return { owner: this.client.owner, repo: this.client.repo };
    }
}
function pullsForbidden(head) {
    return {
        status: 'forbidden',
        message: `The token cannot open or close the pull request from ${head}: grant \`permissions: pull-requests: write\` to the job (docs/drift.md#permissions).`
    };
}

function createDriftGitHub(octokit, repository, pullOctokit) {
    const client = { octokit, ...repository };
    const pullClient = { octokit: pullOctokit, ...repository };
    const issues = new DriftIssues(client);
    const pulls = new DriftPulls(pullClient);
    return {
        defaultBranch: async () => {
            try {
                return (await octokit.rest.repos.get(repository)).data.default_branch;
            }
            catch (error) {
                throw apiError('reading the repository’s default branch', error);
            }
        },
        keepIssue: (issue) => issues.keep(issue),
        closeIssue: (marker, label, comment) => issues.close(marker, label, comment),
        writeBranch: (branch) => writeDriftBranch(pullClient, branch),
        keepPullRequest: (pull) => pulls.keep(pull),
        closePullRequest: (head, comment) => pulls.close(head, comment)
    };
}

const PAGE = 100;
const STATUS_PAGES = 10;
const DEPLOYMENTS_READ_HELP = "The token cannot read deployments: grant 'permissions: deployments: read' (or write) to the job.";
function deploymentReads(client) {
    const repo = { owner: client.owner, repo: client.repo };
    return {
        async deployments(filter, limit) {
            const found = [];
            try {
                for (let page = 1; found.length < limit; page++) {
                    const { data } = await client.octokit.rest.repos.listDeployments({
                        ...repo,
                        ...(filter.environment !== undefined && { environment: filter.environment }),
                        ...(filter.sha !== undefined && { sha: filter.sha }),
                        per_page: PAGE,
                        page
                    });
                    for (const d of data) {
                        found.push({
                            id: d.id,
                            sha: d.sha,
                            environment: d.environment,
                            transient: d.transient_environment === true,
                            createdAt: d.created_at,
                            payload: d.payload
                        });
                    }
                    if (data.length < PAGE)
                        break;
                }
            }
            catch (error) {
                if (isPermissionError(error))
                    throw apiError(`listing deployments (${DEPLOYMENTS_READ_HELP})`, error);
                throw apiError('listing deployments', error);
            }
            return found.slice(0, limit);
        },
        async statuses(deploymentId) {
            const found = [];
            try {
                for (let page = 1; page <= STATUS_PAGES; page++) {
                    const { data } = await client.octokit.rest.repos.listDeploymentStatuses({
                        ...repo,
                        deployment_id: deploymentId,
                        per_page: PAGE,
                        page
                    });
                    for (const s of data) {
                        found.push({
                            id: s.id,
                            state: s.state,
                            environmentUrl: s.environment_url ?? '',
                            logUrl: s.log_url ?? s.target_url ?? '',
                            createdAt: s.created_at
                        });
                    }
                    if (data.length < PAGE || data.some((s) => isDeciding(s.state)))
                        break;
                }
            }
            catch (error) {
                throw apiError(`listing the statuses of deployment ${deploymentId}`, error);
            }
            return found;
        }
    };
}

const MAX_DESCRIPTION = 140;
const DEPLOYMENTS_WRITE_HELP = "The token cannot write deployments: grant 'permissions: deployments: write' to the job (the environment and preview inputs record GitHub deployments).";
function deploymentWrites(client) {
    const repo = { owner: client.owner, repo: client.repo };
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
                const id = response.data.id;
                if (response.status !== 201 || typeof id !== 'number') {
                    throw apiError('creating a deployment', {
                        status: response.status,
                        message: 'no deployment was created'
                    });
                }
                return id;
            }
            catch (error) {
                if (isPermissionError(error) && httpStatus(error) !== 404) {
                    throw new ConfigError('environment', DEPLOYMENTS_WRITE_HELP);
                }
                throw apiError(`creating a deployment of ${deployment.sha} to ${deployment.environment}`, error);
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
                if (isPermissionError(error) && httpStatus(error) !== 404) {
                    throw new ConfigError('environment', DEPLOYMENTS_WRITE_HELP);
                }
                throw apiError(`setting deployment ${deploymentId} to ${status.state}`, error);
            }
        }
    };
}

function deploymentsPort(client) {
    return { ...deploymentReads(client), ...deploymentWrites(client) };
}

async function run() {
    let kestra;
    const credentials = secretInputs();
    for (const value of maskedValues(credentials))
        setSecret(value);
    let edge = new OutputEdge(credentials);
    const log = runnerLog((text) => void process.stdout.write(text), (text) => edge.text(text));
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
        edge = new OutputEdge(credentials, publicNames(settings, context));
        kestra = clientForSettings(settings, (message) => log.info(edge.text(message)));
        const reporter = redactingReporter(actionReporter(log), edge);
        const octokit = settings.githubToken && context.owner
            ? await createOctokit(settings.githubToken, {
                baseUrl: context.apiUrl,
                log: (message) => reporter.info(message)
            })
            : undefined;
        const pullOctokit = octokit && settings.pullRequestToken
            ? await createOctokit(settings.pullRequestToken, {
                baseUrl: context.apiUrl,
                log: (message) => reporter.info(message)
            })
            : octokit;
        const repository = { owner: context.owner, repo: context.repo };
        const github = octokit && createGitHub(octokit, repository);
        const drift = octokit && createDriftGitHub(octokit, repository, pullOctokit ?? octokit);
        const outcome = await executeWithEnvironments(settings, context, {
            reporter,
            kestra,
            github: github && redactingGitHub(github, edge),
            drift: drift && redactingDriftGitHub(drift, edge),
            deployments: octokit && deploymentsPort({ octokit, ...repository }),
            edge,
            now: () => new Date()
        });
        const counts = ruleCounts(outcome.report.findings);
        if (counts)
            reporter.info(counts);
        if (outcome.failure)
            fail(outcome.failure);
    }
    catch (error) {
        fail(errorMessage(error), error instanceof SettingsFileError ? error : undefined);
    }
    finally {
        await kestra?.close();
    }
    function fail(message, at) {
        process.exitCode = 1;
        log.command('error', at ? { file: at.file, line: at.line } : {}, edge.text(message));
    }
}
function secretInputs() {
    const input = (name) => getInput(name);
    return credentialsFrom([
        ['password', input('password')],
        ['api-token', input('api-token')],
        ['github-token', input('github-token')],
        ['pull-request-token', input('pull-request-token')]
    ], { username: input('username'), password: input('password') });
}

export { run as a, runCli as r };
//# sourceMappingURL=engine.js.map
