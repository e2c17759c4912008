/**
 * The file name of a `Content-Disposition` header (RFC 6266): `filename*` (RFC 5987, UTF-8)
 * before `filename`; reduced to a bare name, so that writing it to disk cannot escape the
 * folder a caller chose (`../../etc/passwd` becomes `passwd`).
 */

const baseName = (name: string): string | undefined => {
  // control characters are what this strips
  // eslint-disable-next-line no-control-regex
  const bare = name.split(/[/\\]/).pop()?.replace(/[\u0000-\u001f\u007f]/g, "").trim()
  return bare === undefined || bare === "" || bare === "." || bare === ".." ? undefined : bare
}

/** @internal */
export const fileNameOf = (header: string | undefined): string | undefined => {
  if (header === undefined || header.length > 4096) return undefined
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (extended !== null) {
    try {
      const decoded = decodeURIComponent(extended[2]!.trim())
      const name = baseName(decoded)
      if (name !== undefined) return name
    } catch {
      // a malformed percent-encoding: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header)
  if (plain === null) return undefined
  return baseName(plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2]!.trim())
}
