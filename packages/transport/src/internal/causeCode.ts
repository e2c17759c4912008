/**
 * The system error code behind a failed connection, wherever the HTTP client put it: on the
 * error itself (Node's `http`: `connect ECONNREFUSED 127.0.0.1:4999`, code `ECONNREFUSED`), on
 * its cause (`fetch`: `TypeError: fetch failed` with `.cause.code`), on the errors of an
 * `AggregateError` (Node tried several addresses), or only in a message.
 */

/** Causes are followed this deep at most: a cycle or an absurd chain ends the search. */
const CAUSE_DEPTH = 8

/** A code as Node and undici spell them: `ECONNREFUSED`, `CERT_HAS_EXPIRED`, `UND_ERR_SOCKET`. */
const CODE = /^[A-Z][A-Z0-9_]{2,63}$/

/** A system error code quoted in a message (`connect ECONNREFUSED 127.0.0.1:443`), when no `code` is set. */
const QUOTED = /\b(E(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|PIPE))\b/

/**
 * The first error code in a cause chain, or undefined when there is none. Reading a hostile
 * cause (properties that throw) finds nothing rather than failing.
 * @internal
 */
export const codeOf = (u: unknown, depth = 0): string | undefined => {
  if (depth > CAUSE_DEPTH || typeof u !== "object" || u === null) return undefined
  try {
    const error = u as {
      readonly code?: unknown
      readonly message?: unknown
      readonly errors?: unknown
      readonly cause?: unknown
    }
    if (typeof error.code === "string" && CODE.test(error.code)) return error.code
    if (Array.isArray(error.errors)) {
      for (const inner of error.errors) {
        const code = codeOf(inner, depth + 1)
        if (code !== undefined) return code
      }
    }
    const fromCause = codeOf(error.cause, depth + 1)
    if (fromCause !== undefined) return fromCause
    return typeof error.message === "string" ? QUOTED.exec(error.message)?.[1] : undefined
  } catch {
    return undefined
  }
}

/** What the common codes mean, in the words an error message uses. */
const MEANINGS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was reset",
  ETIMEDOUT: "connecting timed out",
  UND_ERR_CONNECT_TIMEOUT: "connecting timed out",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS did not answer)",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  EPIPE: "the connection closed while the request was being sent",
  EPROTO: "the TLS handshake failed",
  UND_ERR_SOCKET: "the connection closed unexpectedly"
}

/**
 * Whether a code is the TLS layer refusing the server's certificate (expired, self-signed, not
 * for this host, an unknown issuer): the same certificate is refused again, however often tried.
 * @internal
 */
export const isCertificateCode = (code: string): boolean =>
  /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|ERR_TLS_CERT_|HOSTNAME_MISMATCH$)/
    .test(code)

/**
 * Whether a code is a TLS handshake that failed (Node's `EPROTO`, OpenSSL's `ERR_SSL_*`, Node's
 * `ERR_TLS_*`): a server that does not speak TLS there, or not a version the client accepts; as
 * a refused certificate, it fails the same way however often tried.
 * @internal
 */
export const isHandshakeCode = (code: string): boolean => code === "EPROTO" || /^ERR_(?:SSL|TLS)_/.test(code)

/**
 * A code as a message says it: `the connection was refused (ECONNREFUSED)`.
 * @internal
 */
export const describe = (code: string): string => {
  const meaning = MEANINGS[code] ??
    (isCertificateCode(code)
      ? "the server's TLS certificate was refused"
      : isHandshakeCode(code)
      ? "the TLS handshake failed"
      : "the connection failed")
  return `${meaning} (${code})`
}
