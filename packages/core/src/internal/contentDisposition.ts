/**
 * The file name of a `Content-Disposition` header (RFC 6266): `filename*` (RFC 5987, UTF-8)
 * before `filename`; reduced to a bare name that is safe to create on Linux, macOS and Windows,
 * so that writing it to disk cannot escape the folder a caller chose (`../../etc/passwd` becomes
 * `passwd`), hide itself (`.bashrc`), name a device (`CON`), open an alternate data stream
 * (`x.csv:evil`) or pass a file system's length limit. A name that leaves nothing is no name.
 */

/** Bytes of a file name (UTF-8) that every common file system takes (ext4, APFS, NTFS). */
const MAX_BYTES = 255

/** An extension kept whole when a name is shortened; a longer "extension" is part of the name. */
const MAX_EXTENSION = 16

// control characters (C0, DEL, C1), what Windows refuses (<>:"/\|?*), and invisible format
// characters that can disguise a name (bidirectional overrides, zero-width marks)
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f<>:"/\\|?*\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g

/** Windows device names, whatever the case and whatever follows a dot (`con.csv` is CON too). */
const RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(?:\.|$)/i

const encoder = new TextEncoder()
const byteLength = (s: string) => encoder.encode(s).byteLength

/** The longest start of `s` (whole code points) within `bytes` UTF-8 bytes. */
const clipBytes = (s: string, bytes: number): string => {
  let out = ""
  let used = 0
  for (const char of s) {
    used += byteLength(char)
    if (used > bytes) break
    out += char
  }
  return out
}

/** Trims what Windows drops or hides: spaces and dots at the ends (a leading dot hides the file). */
const trimEnds = (s: string) => s.replace(/^[\s.]+|[\s.]+$/g, "")

/** @internal */
const safeName = (name: string): string | undefined => {
  const last = name.split(/[/\\]/).pop() ?? ""
  let bare = trimEnds(last.replace(UNSAFE, "_"))
  if (bare === "") return undefined
  if (RESERVED.test(bare)) bare = `_${bare}`
  if (byteLength(bare) > MAX_BYTES) {
    const dot = bare.lastIndexOf(".")
    const extension = dot > 0 && bare.length - dot <= MAX_EXTENSION ? bare.slice(dot) : ""
    const stem = extension === "" ? bare : bare.slice(0, dot)
    bare = trimEnds(clipBytes(stem, MAX_BYTES - byteLength(extension))) + extension
  }
  return trimEnds(bare) === "" ? undefined : bare
}

/** @internal */
export const fileNameOf = (header: string | undefined): string | undefined => {
  if (header === undefined || header.length > 4096) return undefined
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header)
  if (extended !== null) {
    try {
      const decoded = decodeURIComponent(extended[2]!.trim())
      const name = safeName(decoded)
      if (name !== undefined) return name
    } catch {
      // a malformed percent-encoding: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header)
  if (plain === null) return undefined
  return safeName(plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2]!.trim())
}
