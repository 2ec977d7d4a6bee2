#!/usr/bin/env node
import { r as runCli } from './chunks/engine.js';
import 'node:fs';
import 'node:readline';
import 'node:os';
import 'node:path';
import './chunks/vendor.js';
import 'process';
import 'buffer';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import 'node:util';
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
import 'net';
import 'tls';
import 'http';
import 'https';
import 'events';
import 'assert';
import 'util';
import 'path';
import 'os';
import 'crypto';
import 'fs';
import 'string_decoder';
import 'child_process';
import 'timers';
import 'node:child_process';
import 'node:timers/promises';

const checkWorker = import.meta.url.endsWith('.js')
    ? new URL('./check-worker.js', import.meta.url)
    : undefined;
process.exitCode = await runCli(process.argv.slice(2), undefined, checkWorker);
//# sourceMappingURL=cli.js.map
