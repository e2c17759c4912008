/**
 * What the sandbox takes for a web URL in a request field (callback URLs, links, rich media):
 * absolute, `http:` or `https:`, with a host. The API's own checks are not documented beyond
 * "a valid URL"; this is the one reading every route shares.
 */

/** @internal */
export const isHttpUrl = (raw: string): boolean => {
  try {
    const url = new URL(raw)
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== ""
  } catch {
    return false
  }
}
