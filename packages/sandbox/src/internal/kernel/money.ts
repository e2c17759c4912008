/**
 * Amounts are kept as integer millionths of the account currency, so that debits and refunds
 * add up exactly; they become decimals only on the wire.
 */

/** @internal */
export const toMicros = (amount: number): number => Math.round(amount * 1_000_000)

/** @internal */
export const fromMicros = (micros: number): number => micros / 1_000_000
