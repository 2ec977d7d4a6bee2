import { Zip, ZipDeflate } from 'fflate'
import type { RemoteFile } from '../../model/kestra.js'
import { compareCodeUnits } from '../../model/content.js'
import { fileNaming, storedPath } from './file-paths.js'
import { ListingError } from './listings.js'
import { z } from 'zod'
import { readJsonArray, type ScopedHttp } from './scoped-http.js'
import { formBody, type HttpResponse } from './transport.js'
import { readZipEntries } from './zip.js'

/** Kestra 0.x exports held the namespace's flows under this folder; they are not namespace files. */
const FLOWS_FOLDER = '_flows'

/** Directory entries a walk reads at most, folders included, and how deep it goes. */
const MAX_WALK_ENTRIES = 10_000
const MAX_WALK_DEPTH = 64

const directoryEntry = z.object({ fileName: z.string(), type: z.unknown().optional() })
const revisionRow = z.object({ revision: z.number() })

/** `P/namespaces/{ns}/files` (docs/kestra.md). */
export function filesApi(http: ScopedHttp) {
  let exportMissing = false
  const files = (namespace: string, below = '') => ({
    route: `/namespaces/{namespace}/files${below}`,
    params: [namespace]
  })

  /** The file's bytes, or one revision's (Kestra 1.2+); undefined when absent. */
  const read = async (
    namespace: string,
    path: string,
    revision?: number
  ): Promise<Uint8Array | undefined> => {
    const response = await http.found({
      method: 'GET',
      ...files(namespace),
      query: revision === undefined ? { path } : { path, revision: String(revision) }
    })
    return response?.body
  }

  const send = (
    namespace: string,
    path: string,
    filename: string,
    bytes: Uint8Array,
    allow400: boolean
  ): Promise<HttpResponse> =>
    formBody([['fileContent', new Blob([bytes]), filename]]).then(({ contentType, body }) =>
      http.send({
        method: 'POST',
        ...files(namespace),
        query: { path },
        headers: { 'content-type': contentType },
        body,
        ...(allow400 && { allow: [400] })
      })
    )

  const exported = async (namespace: string): Promise<RemoteFile[] | undefined> => {
    const response = await http.send({
      method: 'GET',
      ...files(namespace, '/export'),
      allow: [404, 405]
    })
    if (response.status === 404 || response.status === 405) {
      exportMissing = true
      return undefined
    }
    return [...readZipEntries(response)]
      .map(([name, entry]): RemoteFile => ({ path: '/' + name.replace(/^\/+/, ''), ...entry }))
      .filter(({ path }) => !path.startsWith(`/${FLOWS_FOLDER}/`))
  }

  /**
   * The directory tree within `budget` entries: one that goes on is an error naming the namespace, never a part.
   */
  const walk = async (
    namespace: string,
    dir: string,
    budget: { left: number }
  ): Promise<RemoteFile[]> => {
    const response = await http.found({
      method: 'GET',
      ...files(namespace, '/directory'),
      query: { path: dir }
    })
    if (!response) return []
    const entries = new Map<string, unknown>()
    for (const item of readJsonArray(response)) {
      const { fileName, type } = directoryEntry.safeParse(item).data ?? {}
      if (!fileName) continue
      if (dir === '/' && fileName === FLOWS_FOLDER) continue
      entries.set(fileName, type)
    }
    budget.left -= entries.size
    const depth = dir.split('/').length - 1
    if (budget.left < 0 || depth > MAX_WALK_DEPTH) {
      throw new ListingError(
        `Kestra's namespace files of ${namespace} did not end: the directory listing went past ${MAX_WALK_ENTRIES} entries or ${MAX_WALK_DEPTH} folders deep (at ${dir.slice(0, 200)}). Nothing was decided on a part of it; remove files no flow reads, or check that the server (or a proxy in front of it) answers GET /namespaces/{namespace}/files/directory as Kestra does.`
      )
    }
    const nested = await Promise.all(
      [...entries].map(async ([fileName, type]): Promise<RemoteFile[]> => {
        const path = dir === '/' ? `/${fileName}` : `${dir}/${fileName}`
        if (type === 'Directory') return walk(namespace, path, budget)
        const bytes = await read(namespace, path)
        return bytes ? [{ path, size: bytes.length, bytes: () => bytes }] : []
      })
    )
    return nested.flat()
  }

  return {
    /** Paths starting with '/'. One export request; without that endpoint, a walk of the directory tree. */
    async listFiles(namespace: string): Promise<RemoteFile[]> {
      const found = exportMissing ? undefined : await exported(namespace)
      const all = found ?? (await walk(namespace, '/', { left: MAX_WALK_ENTRIES }))
      return all.sort((a, b) => compareCodeUnits(a.path, b.path))
    },
    getFile: (namespace: string, path: string) => read(namespace, path),
    fileRevision: (namespace: string, path: string, revision: number) =>
      read(namespace, path, revision),
    /**
     * 1.2+: `[{revision}]`; undefined before 1.2 (no route) and for a file whose latest version is a deletion
     * (404).
     */
    async fileRevisions(namespace: string, path: string): Promise<number[] | undefined> {
      const response = await http.send({
        method: 'GET',
        ...files(namespace, '/revisions'),
        query: { path },
        allow: [404, 405]
      })
      if (response.status >= 400) return undefined
      return readJsonArray(response).flatMap((item) => {
        const read = revisionRow.safeParse(item).data
        return read ? [read.revision] : []
      })
    },
    /**
     * An empty file goes as an empty part, as Kestra's UI sends it; a Micronaut 4 that drops it
     * (micronaut-core#12498, a 400) gets a one-entry `.zip`, which Kestra extracts to `/<entry>`
     * (docs/kestra.md#empty-files).
     */
    // Stored at the path, never triggering Kestra's .zip extraction (`uploadFileName`).
    async uploadFile(namespace: string, path: string, bytes: Uint8Array): Promise<void> {
      const response = await send(namespace, path, uploadFileName(path), bytes, bytes.length === 0)
      if (response.status !== 400) return
      // Zip entries go through `URI.create` on 0.x: name the entry as the server stores the path.
      const stored = storedPath(fileNaming(await http.info()), path)
      const entry = ('path' in stored ? stored.path : path).replace(/^\/+/, '')
      await send(namespace, path, 'empty-file.zip', emptyEntryZip(entry), false)
    },
    async deleteFile(namespace: string, path: string): Promise<void> {
      await http.send({ method: 'DELETE', ...files(namespace), query: { path } })
    }
  }
}

/**
 * A zip of one empty deflated entry, sizes in a data descriptor (JDK 17's `ZipInputStream` reads it, `__proto__`
 * and `dir/ü €.txt` included): fflate's streaming writer, since `zipSync`'s object keyed by names broke
 * `__proto__`.
 */
function emptyEntryZip(name: string): Uint8Array {
  const parts: Uint8Array[] = []
  const zip = new Zip((error, chunk) => {
    if (error) throw error
    parts.push(chunk)
  })
  const entry = new ZipDeflate(name)
  zip.add(entry)
  entry.push(new Uint8Array(0), true)
  zip.end()
  return Buffer.concat(parts)
}

/**
 * The multipart file name: Kestra extracts an upload named `*.zip`, else stores it at `path`: avoid that suffix.
 */
export function uploadFileName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1)
  if (base === '') return 'file'
  return /\.zip$/i.test(base.trim()) ? `${base}.upload` : base
}
