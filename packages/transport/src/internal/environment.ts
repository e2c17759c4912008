/**
 * The options the `SMSCX_*` environment variables give, read by one set of rules wherever they
 * are read (`Transport.config` through Effect's `Config`, the Promise client from `process.env`):
 * a variable is read only for an option left out; one set but empty is named as such, never read
 * as a value that fails later under an option's name, nor as missing; a value that does not parse
 * names its variable.
 */
import { InvalidOptionsError } from "@smscx/core/Errors"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { Input, OptionName } from "./options.js"

/** The variable of each option the environment can give. @internal */
const VARIABLES = {
  apiKey: "SMSCX_API_KEY",
  accessToken: "SMSCX_ACCESS_TOKEN",
  applicationId: "SMSCX_APPLICATION_ID",
  applicationSecret: "SMSCX_APPLICATION_SECRET",
  scope: "SMSCX_SCOPE",
  baseUrl: "SMSCX_BASE_URL",
  timeout: "SMSCX_TIMEOUT",
  retry: "SMSCX_MAX_RETRIES"
} as const satisfies Partial<Record<OptionName, string>>

/** A variable's value, undefined when it is not set. @internal */
type Lookup = (variable: string) => string | undefined

/** A variable at fault, as an option at fault (the Promise client throws it as it is). */
const invalid = (variable: string, problem: string) =>
  new InvalidOptionsError({ option: variable, message: `smscx: ${variable} ${problem}` })

/** The credentials the environment gives (secrets as Redacted). @internal */
type EnvironmentCredentials =
  | { readonly apiKey: Redacted.Redacted }
  | { readonly accessToken: Redacted.Redacted }
  | { readonly applicationId: string; readonly applicationSecret: Redacted.Redacted; readonly scope?: string }

/** The other options the environment gives. @internal */
interface Settings {
  readonly baseUrl?: string
  readonly timeout?: Duration.Duration
  readonly retry?: { readonly maxRetries: number } | false
}

/**
 * A variable's value, undefined when it is not set: one set but empty is a problem, and so is
 * one that `parse` (given the value trimmed) refuses, as it says what it `expected`.
 */
const valueOf = <A = string>(
  lookup: Lookup,
  variable: string,
  parse?: (value: string) => A | undefined,
  expected?: string
): A | undefined => {
  const value = lookup(variable)
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (trimmed === "") throw invalid(variable, "is set but empty")
  if (parse === undefined) return value as A
  const parsed = parse(trimmed)
  if (parsed === undefined) {
    throw invalid(variable, `must be ${expected}, not ${JSON.stringify(value.slice(0, 40))}`)
  }
  return parsed
}

const wholeNumber = (s: string) => {
  const n = Number(s)
  return Number.isInteger(n) && n >= 0 ? n : undefined
}

const duration = (s: string) => Option.getOrUndefined(Duration.decodeUnknown(s))

/** The first credentials set, in this order: the API key, the access token, the application. */
const credentialsFrom = (lookup: Lookup, options: Input): EnvironmentCredentials => {
  const apiKey = valueOf(lookup, VARIABLES.apiKey)
  if (apiKey !== undefined) return { apiKey: Redacted.make(apiKey) }
  const accessToken = valueOf(lookup, VARIABLES.accessToken)
  if (accessToken !== undefined) return { accessToken: Redacted.make(accessToken) }
  const applicationId = valueOf(lookup, VARIABLES.applicationId)
  const applicationSecret = valueOf(lookup, VARIABLES.applicationSecret)
  if (applicationId === undefined || applicationSecret === undefined) {
    // no credentials anywhere is the apiKey option's fault, as when no option gives any
    throw applicationId === applicationSecret
      ? new InvalidOptionsError({
        option: "apiKey",
        message: "smscx: no credentials: give apiKey, accessToken, or applicationId and applicationSecret " +
          `(or set ${VARIABLES.apiKey})`
      })
      : invalid(
        applicationId === undefined ? VARIABLES.applicationId : VARIABLES.applicationSecret,
        "is missing: an application needs both its id and its secret"
      )
  }
  const scope = options.scope === undefined ? valueOf(lookup, VARIABLES.scope) : undefined
  return {
    applicationId,
    applicationSecret: Redacted.make(applicationSecret),
    ...(scope === undefined ? {} : { scope })
  }
}

/** The options `options` leave out, from the environment: credentials when none are given, the settings. */
const fromEnvironment = (lookup: Lookup, options: Input) => {
  const { accessToken, apiKey, applicationId, applicationSecret, baseUrl, retry, timeout } = options
  const credentials = apiKey === undefined && accessToken === undefined && applicationId === undefined &&
      applicationSecret === undefined
    ? credentialsFrom(lookup, options)
    : undefined
  const url = baseUrl === undefined ? valueOf(lookup, VARIABLES.baseUrl) : undefined
  const perAttempt = timeout === undefined
    ? valueOf(lookup, VARIABLES.timeout, duration, "a duration such as \"30 seconds\"")
    : undefined
  const maxRetries = retry === undefined ? valueOf(lookup, VARIABLES.retry, wholeNumber, "a whole number") : undefined
  return {
    ...credentials,
    ...(url === undefined ? {} : { baseUrl: url }),
    ...(perAttempt === undefined ? {} : { timeout: perAttempt }),
    // SMSCX_MAX_RETRIES=0 turns retries off
    ...(maxRetries === undefined ? {} : { retry: maxRetries > 0 ? { maxRetries } : false })
  }
}

/** Runs a reading, whose only throw is its InvalidOptionsError. */
const reading = <A>(f: () => A): Either.Either<A, InvalidOptionsError> => {
  try {
    return Either.right(f())
  } catch (error) {
    return Either.left(error as InvalidOptionsError)
  }
}

/**
 * The options with what the environment gives for those they leave out; `extra` maps more fields
 * to their variables, read by the same rules.
 * @internal
 */
export const withEnvironment = (
  options: object,
  lookup: Lookup,
  extra: Readonly<Record<string, string>> = {}
): Either.Either<object, InvalidOptionsError> => {
  const given = options as Input & Readonly<Record<string, unknown>>
  return reading(() => {
    const extras: Record<string, string | undefined> = {}
    for (const field in extra) if (given[field] === undefined) extras[field] = valueOf(lookup, extra[field]!)
    return { ...options, ...extras, ...fromEnvironment(lookup, given) }
  })
}

/**
 * The options from the environment alone, through Effect's `Config` (its provider: the
 * environment by default), with problems as `ConfigError`s. Built when first read: a program
 * that never reads it does not bundle the Config module.
 * @internal
 */
export const config: Config.Config<EnvironmentCredentials & Settings> = /*#__PURE__*/ Config.suspend(() =>
  Config.mapOrFail(
    Config.all(
      Object.fromEntries(Object.values(VARIABLES).map((variable) => [variable, Config.option(Config.string(variable))]))
    ),
    (values) => {
      const lookup: Lookup = (variable) => Option.getOrUndefined(values[variable] ?? Option.none())
      return Either.mapLeft(
        reading(() => fromEnvironment(lookup, {}) as EnvironmentCredentials & Settings),
        ({ message, option }) =>
          option === "apiKey"
            ? ConfigError.MissingData([VARIABLES.apiKey], message)
            : ConfigError.InvalidData([option], message)
      )
    }
  )
)
