/**
 * How Kestra before 1.0 turns a namespace file `path` into the stored path
 * (docs/kestra.md#namespace-file-names), read in kestra-io/kestra:
 * - 0.19 → 0.x `NamespaceFileController` (file, stats, list, createDirectory, createFile, delete) builds
 *   `new URI(URLEncoder.encode(path, UTF_8))`. URLEncoder escapes everything, '/' included (`%2F`), but every
 *   reader takes `uri.getPath()`, which decodes the escapes again: only a space survives, as '+'
 *   (`/a b.txt` → `/a+b.txt`, the same file as `/a+b.txt`). `NamespaceFile.of(namespace, uri)` then builds
 *   `URI.create("kestra:///<ns>/_files/" + path)` and `LocalStorage.getPath` reads its `getPath()`: there a
 *   '?' or '#' starts the query or fragment (the name is cut), `%XX` is decoded, and a character a Java URI
 *   refuses throws IllegalArgumentException (ErrorController: 422 `Illegal argument`).
 * - 0.13 → 0.18 bound the parameter as `@QueryValue URI path` (commit ae615ddb "use String instead of URI to
 *   accept space in path", 0.19): a space or any URI-illegal character fails the binding
 *   (ErrorController's ConversionErrorException handler answers 422; that Micronaut raises that exception
 *   here is inferred), then the same `NamespaceFile.of` follows.
 * - 0.x zip uploads build `URI.create("/" + entryName)`, as 0.13 → 0.18 do for every path.
 * 1.x builds `new URI(null, null, path, null)` instead, which keeps every name as given.
 */
import { ApiError, illegalArgument } from './errors.js'

export type LegacyPathParsing = 'uri' | 'url-encoder'

/** The stored path of a requested one on a pre-1.0 server; throws Kestra's 422 when it cannot be stored. */
export function legacyStoredPath(raw: string, parsing: LegacyPathParsing): string {
  const bound =
    parsing === 'url-encoder'
      ? raw.replace(/ /g, '+')
      : javaUriPath(
          raw,
          (detail) => new ApiError(422, 'Internal server error', detail, 'invalid-entity')
        )
  return javaUriPath(bound, (detail) => illegalArgument(detail))
}

/** ASCII characters a java.net.URI refuses anywhere (space and controls included). */
const ILLEGAL = /[\u0000-\u0020"<>\\^`{|}[\]\u007f]/

/** `URI.create(value).getPath()`: cut at '?' or '#', `%XX` decoded; refuses what Java refuses. */
function javaUriPath(value: string, refuse: (detail: string) => ApiError): string {
  const bad = [...value].findIndex(
    (char) => ILLEGAL.test(char) || (char > '\u007f' && /[\p{Z}\p{Cc}]/u.test(char))
  )
  if (bad >= 0) throw refuse(`Illegal character in path at index ${bad}: ${value}`)
  const malformed = /%(?![0-9a-fA-F]{2})/.exec(value)
  if (malformed) throw refuse(`Malformed escape pair at index ${malformed.index}: ${value}`)
  const path = value.split(/[?#]/, 1)[0]!
  return decodeUtf8Escapes(path)
}

function decodeUtf8Escapes(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    // Java replaces malformed UTF-8 sequences instead of failing.
    return path.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16))
    )
  }
}
