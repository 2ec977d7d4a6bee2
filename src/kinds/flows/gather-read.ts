import { isUtf8 } from 'node:buffer'
import { normaliseText } from '../../model/content.js'
import { kindOfText, parseFlowFile } from '../../model/flow-file.js'
import type { FlowFile, ReadProblem } from '../../model/repository.js'
import { isYamlFile } from '../../gather/repo/layout.js'
import type { FlowLocation, ReuseFlow } from '../../gather/repo/load.js'
import type { TreeSource } from '../../gather/repo/tree-source.js'

/** Reads a flow file (`path`: the file or a link's target, relative to root) as UTF-8 and parses it; text that is not UTF-8 is a read problem. */
export async function readFlow(
  tree: TreeSource,
  path: string,
  location: FlowLocation,
  reuse?: ReuseFlow
): Promise<FlowFile | ReadProblem | 'not-a-flow'> {
  let bytes: Buffer
  try {
    bytes = await tree.read(path)
  } catch (error) {
    return {
      severity: 'error',
      file: location.file,
      message: `cannot read the flow file: ${(error as Error).message}`
    }
  }
  if (location.ifFlowDocument && kindOfText(normaliseText(bytes.toString('utf8'))) === 'none') {
    return 'not-a-flow'
  }
  if (!isUtf8(bytes)) {
    return {
      severity: 'error',
      file: location.file,
      line: invalidUtf8Line(bytes),
      message: 'the flow file is not valid UTF-8 text; save it with UTF-8 encoding'
    }
  }
  const { file, rel, expectedNamespace } = location
  const reused = await reuse?.({ file, rel, expectedNamespace }, bytes)
  if (reused) return reused
  return parseFlowFile({ file, rel, expectedNamespace, raw: bytes.toString('utf8') })
}

/** A YAML file holding a flow document. */
export async function isFlowDocument(tree: TreeSource, rel: string): Promise<boolean> {
  if (!isYamlFile(rel)) return false
  const text = await tree.read(rel).then(String, () => '')
  return kindOfText(normaliseText(text)) === 'flow'
}

/**
 * The 1-based line of the first sequence that is not UTF-8: the first line that is not UTF-8 on its own, since
 * no UTF-8 sequence holds a newline byte.
 */
function invalidUtf8Line(bytes: Uint8Array): number {
  let line = 1
  for (let start = 0; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start)
    const stop = end === -1 ? bytes.length : end
    if (!isUtf8(bytes.subarray(start, stop))) return line
    start = stop + 1
  }
  return line
}
