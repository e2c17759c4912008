/**
 * Where Node's `http.request` sends a request, without parsing its URL per call: the origin
 * (scheme, host, port) is parsed once and remembered, and a path the URL parser would keep as it
 * is goes as it is. Anything else (a query already in the URL, a fragment, credentials, dot
 * segments, characters the parser would encode) is left to `URL`.
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"

/** What Node makes of a URL's origin (as its `urlToHttpOptions` does), and whether it is TLS. */
interface Origin {
  /** The URL up to its path: `http://127.0.0.1:8080`. */
  readonly prefix: string
  readonly https: boolean
  readonly options: { readonly protocol: string; readonly hostname: string; readonly port?: number }
}

/** A request's target: its origin, and its path with its query. @internal */
export interface Target {
  readonly origin: Origin
  readonly path: string
}

/** Characters a path keeps through the URL parser (which would encode the others). */
const PLAIN_PATH = /^\/[\w\-.~!$&'()*+,;=:@%/]*$/

/** A dot segment, plain or percent-encoded: the URL parser would resolve it. */
const DOT_SEGMENT = /\/(?:\.|%2e)/i

/** Parts of an origin that would make it mean something else than scheme, host and port. */
const NOT_AN_ORIGIN = /[?#@\\]/

const originOf = (prefix: string): Origin | undefined => {
  if (NOT_AN_ORIGIN.test(prefix)) return undefined
  let url: URL
  try {
    url = new URL(prefix)
  } catch {
    return undefined
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined
  const hostname = url.hostname[0] === "[" ? url.hostname.slice(1, -1) : url.hostname
  return {
    prefix,
    https: url.protocol === "https:",
    options: url.port === ""
      ? { protocol: url.protocol, hostname }
      : { protocol: url.protocol, hostname, port: Number(url.port) }
  }
}

/** The last origin a client sent to: most clients send every request to one. @internal */
export interface OriginCache {
  last: Origin | undefined
}

/**
 * The request's target without a URL parse, or undefined when only the URL parser can say
 * (then the caller parses it).
 * @internal
 */
export const targetOf = (cache: OriginCache, request: HttpClientRequest.HttpClientRequest): Target | undefined => {
  if (request.hash._tag === "Some") return undefined
  const url = request.url
  const scheme = url.indexOf("//")
  const slash = scheme === -1 ? -1 : url.indexOf("/", scheme + 2)
  if (slash === -1) return undefined
  const path = url.slice(slash)
  if (!PLAIN_PATH.test(path) || DOT_SEGMENT.test(path)) return undefined
  const prefix = url.slice(0, slash)
  let origin = cache.last
  if (origin === undefined || origin.prefix !== prefix) {
    origin = originOf(prefix)
    if (origin === undefined) return undefined
    cache.last = origin
  }
  // as URL would serialize the parameters appended to its searchParams
  const query = request.urlParams.length === 0 ? "" : `?${UrlParams.toString(request.urlParams)}`
  return { origin, path: path + query }
}
