import { createRequire } from 'node:module';
import { MessageChannel, Worker, workerData, parentPort, isMainThread, MessagePort } from 'node:worker_threads';

/**
 * Key of the `workerData` flag by which a thread tells the worker it starts that it runs helper
 * sources for it (see serveEvaluation), and of the messages that hand it one.
 */
const EVAL_HOST = 'kestra-gitops-eval-host';
function hostOfThisThread() {
    const offered = workerData?.[EVAL_HOST] === true;
    return !isMainThread && offered && parentPort ? parentPort : undefined;
}
/**
 * A helper running `source` (CommonJS text that talks through a `port` variable, so that no extra
 * file has to ship next to the bundle) that answers each message with one message, in order. It runs
 * on the thread that started this one when that thread offers (the action's main thread, idle while
 * the action runs on a worker: no extra V8 heap), else on a worker thread of its own. It keeps this
 * thread alive only while an answer is due.
 */
class EvalWorker {
    stopped;
    helper;
    pending = [];
    /** `stopped`: the error given to the requests a helper that stops leaves unanswered. */
    constructor(source, stopped, host = hostOfThisThread()) {
        this.stopped = stopped;
        const answer = (value) => {
            const request = this.pending.shift();
            if (this.pending.length === 0)
                this.helper?.unref();
            request?.settle(value);
        };
        try {
            this.helper = host
                ? onHost(host, source, answer, () => this.stop())
                : onThread(source, answer, () => this.stop());
        }
        catch {
            this.helper = undefined;
        }
    }
    /** False once the helper failed or was closed. */
    get running() {
        return this.helper !== undefined;
    }
    /**
     * The answer; undefined when there is no helper or it cannot take the message (then nothing was
     * transferred). What it took and left unanswered when it stops is rejected. While answers are
     * due, the helper keeps this thread alive: a thread with nothing else to wait for would end.
     */
    request(message, transfer = []) {
        if (!this.helper)
            return undefined;
        try {
            this.helper.postMessage(message, transfer);
        }
        catch {
            return undefined; // e.g. a buffer of Node's shared pool, which cannot move
        }
        if (this.pending.length === 0)
            this.helper.ref();
        return new Promise((settle, fail) => this.pending.push({ settle, fail }));
    }
    close() {
        const helper = this.helper;
        this.helper = undefined;
        helper?.close();
    }
    stop() {
        this.helper = undefined;
        for (const { fail } of this.pending.splice(0))
            fail(new Error(this.stopped));
    }
}
function onThread(source, answer, stop) {
    const worker = new Worker(`const port = require('node:worker_threads').parentPort\n${source}`, {
        eval: true
    });
    worker.on('message', answer);
    worker.on('error', stop);
    worker.on('exit', stop);
    worker.unref(); // after the listeners: a 'message' listener refs the worker again
    return {
        postMessage: (message, transfer) => worker.postMessage(message, transfer),
        ref: () => worker.ref(),
        unref: () => worker.unref(),
        close: () => void worker.terminate()
    };
}
function onHost(host, source, answer, stop) {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', answer);
    port1.on('close', stop);
    port1.unref();
    host.postMessage({ [EVAL_HOST]: source, port: port2 }, [port2]);
    return {
        postMessage: (message, transfer) => port1.postMessage(message, transfer),
        ref: () => port1.ref(),
        unref: () => port1.unref(),
        close: () => port1.close()
    };
}
const require$1 = createRequire(import.meta.url);
/**
 * The host's side: runs a helper source a worker sent, answering through the port that came with it.
 * A helper that throws is closed (its worker then does the work itself); this thread carries on.
 * False for any other message.
 */
function serveEvaluation(message) {
    if (typeof message !== 'object' || message === null)
        return false;
    const { [EVAL_HOST]: source, port } = message;
    if (typeof source !== 'string' || !(port instanceof MessagePort))
        return false;
    const guarded = {
        on: (event, listener) => port.on(event, (value) => {
            try {
                listener(value);
            }
            catch {
                port.close();
            }
        }),
        postMessage: (value, transfer) => port.postMessage(value, transfer)
    };
    try {
        new Function('require', 'port', source)(require$1, guarded);
    }
    catch {
        port.close();
    }
    return true;
}

export { EVAL_HOST as E, EvalWorker as a, serveEvaluation as s };
