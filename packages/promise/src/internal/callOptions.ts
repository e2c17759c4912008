/**
 * A Promise call's options, checked before anything is sent: the client's `signal` taken off, the
 * rest held to the transport's call options.
 */
import * as ApiService from "@smscx/client/ApiService"
import { RequestValidationError } from "@smscx/core/Errors"
import type * as Operation from "@smscx/core/Operation"
import * as Transport from "@smscx/transport/Transport"
import * as Either from "effect/Either"
import type { CallOptions } from "./models.js"

/** The per-call options the Promise client takes off before the transport sees them. */
const ownCallOptionNames: ReadonlyArray<string> = Object.keys(
  { signal: true } as const satisfies Record<Exclude<keyof CallOptions, keyof Transport.CallOptions>, true>
)

const invalidOptions = (operation: Operation.Any, path: ReadonlyArray<string>, problem: string) =>
  new RequestValidationError({
    operation: operation.id,
    message: `${operation.id}: ${["options", ...path].join(".")} ${problem}`,
    issues: [{ path: ["options", ...path], message: problem }]
  })

/**
 * Checks the call options, if any (they come right after the operation's own arguments), and
 * takes the `signal` off them in `args` itself (a call's own array), leaving what the Effect
 * method takes. Anything but an object there (a string, an array, a signal that is not one) and
 * a name that is not a call option (`retries`, `sigal`) throw a `RequestValidationError`.
 * @internal
 */
export const takeSignal = (operation: Operation.Any, args: Array<unknown>): AbortSignal | undefined => {
  const arity = ApiService.arityOf(operation)
  if (args.length <= arity) return undefined
  const options = args[arity]
  if (options === undefined) return undefined
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalidOptions(operation, [], "must be an object")
  }
  let signal: unknown
  let transport = options as Transport.CallOptions
  if ("signal" in options) {
    const { signal: given, ...rest } = options as CallOptions
    signal = given
    transport = rest
    args[arity] = rest
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidOptions(operation, ["signal"], "must be an AbortSignal")
  }
  const checked = Transport.validateCall(transport, ownCallOptionNames)
  if (Either.isLeft(checked)) {
    throw invalidOptions(operation, checked.left.option.split("."), checked.left.problem)
  }
  return signal as AbortSignal | undefined
}
