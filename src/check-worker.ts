import { parentPort } from 'node:worker_threads'
import { parseFlowFile } from './model/flow-file.js'
import type { FlowFile } from './model/repository.js'
import type { ChecksAsked } from './run/ports.js'
import { flowCheck } from './run/check.js'

// The check thread (src/check-thread.ts, docs/performance.md#a-second-thread): one flow file's check a message.
// A library's warning about the text is the main thread's to say, from its own parse of the same text: none
// leaves this thread, whose stderr is the process's.
process.removeAllListeners('warning')
process.on('warning', () => {})
const port = parentPort!
port.on('message', ({ id, flow, asked }: { id: number; flow: FlowFile; asked: ChecksAsked }) => {
  try {
    port.postMessage({ id, check: flowCheck(parseFlowFile(flow), undefined, asked) })
  } catch {
    port.postMessage({ id })
  }
})
port.postMessage('ready')
