/**
 * What keeps web pages off the sandbox. A page in any browser can send requests to loopback, and
 * a page whose domain's DNS answer changes to 127.0.0.1 (DNS rebinding) can read the answers too,
 * as if they were its own: the outbox and its OTP PINs, or, with the control API, the clock, the
 * balance and inbound messages. So:
 *
 * - a request whose `Host` is not a name the sandbox serves (loopback's, `localhost`,
 *   `127.0.0.1`, `[::1]`, at any port, and the names configured) is refused, 403: a rebound page
 *   sends its own domain. A request without `Host` (in-process: no browser sent it) is not.
 * - a control API request whose `Origin` is not the sandbox's own is refused, 403: browsers name
 *   the page that sends it, even in requests a page may send without asking (a "simple" POST).
 * - a control API write (not GET or HEAD) with a body must say `application/json`, or is
 *   refused, 415: a form or a `text/plain` POST, which a page sends without asking, never is.
 *
 * The port is not checked: DNS rebinding changes the name, and a port forwarded or proxied to the
 * sandbox may differ from the one it listens on.
 */

/** The names served by default: loopback's (and `127.0.0.0/8`, in `isServed`). @internal */
const LOOPBACK_HOSTS: ReadonlyArray<string> = ["localhost", "127.0.0.1", "[::1]"]

/** A refusal: its status and why (the answer's `error.message`). @internal */
export interface Refusal {
  readonly status: 403 | 415
  readonly message: string
}

const strip = (hostname: string) => hostname.endsWith(".") ? hostname.slice(0, -1) : hostname

/**
 * A host name as a `Host` header or a user gives it (`Sandbox.local`, `::1`, `[::1]:4010`),
 * lowercased, IPv6 in brackets, without port or trailing dot; undefined when it is none.
 * @internal
 */
export const hostnameOf = (raw: string): string | undefined => {
  const value = raw.trim()
  if (value === "" || /[/?#@\\\s]/.test(value)) return undefined
  // a bare IPv6 address (a user's `::1`): in brackets, as in a URL
  const bracketed = value.includes(":") && !value.startsWith("[") && value.indexOf(":") !== value.lastIndexOf(":")
    ? `[${value}]`
    : value
  try {
    const hostname = strip(new URL(`http://${bracketed}`).hostname)
    return hostname === "" ? undefined : hostname
  } catch {
    return undefined
  }
}

/** Whether a request's `Host` names the sandbox: loopback, or one of `allowed` (normalized). @internal */
export const isServed = (allowed: ReadonlySet<string>, host: string): boolean => {
  const hostname = hostnameOf(host)
  return hostname !== undefined &&
    (allowed.has(hostname) || LOOPBACK_HOSTS.includes(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname))
}

/** @internal */
export const hostRefusal = (host: string): Refusal => ({
  status: 403,
  message: `Host ${
    JSON.stringify(host.slice(0, 255))
  } is not a name this sandbox serves; add it with the allowedHosts option (--allowed-host)`
})

const authorityOf = (url: string): string | undefined => {
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}

const isJson = (contentType: string) => {
  const media = contentType.split(";")[0]!.trim().toLowerCase()
  return media === "application/json" || /^application\/[\w.-]+\+json$/.test(media)
}

/**
 * Why a control API request is refused, if it is: `host` is its `Host` (or, without one, its
 * URL's host), `body` the body it came with.
 * @internal
 */
export const controlRefusal = (request: {
  readonly method: string
  readonly host: string
  readonly origin: string | undefined
  readonly contentType: string | undefined
  readonly body: string
}): Refusal | undefined => {
  const { contentType, method, origin } = request
  if (origin !== undefined) {
    const own = authorityOf(`http://${request.host}`)
    const from = origin === "null" ? undefined : authorityOf(origin)
    if (from === undefined || own === undefined || from.toLowerCase() !== own.toLowerCase()) {
      return { status: 403, message: "the control API takes no requests from other origins (web pages)" }
    }
  }
  if (method === "GET" || method === "HEAD") return undefined
  if (contentType === undefined ? request.body !== "" : !isJson(contentType)) {
    return { status: 415, message: "the control API takes a body of type application/json" }
  }
  return undefined
}
