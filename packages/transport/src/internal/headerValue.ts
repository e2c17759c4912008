/** What an HTTP header value may hold: visible Latin-1 and spaces, no CR, LF or other controls. @internal */
export const isHeaderValue = (value: string): boolean => /^[\t\x20-\x7e\x80-\xff]*$/.test(value)
