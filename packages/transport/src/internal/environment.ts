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
export const VARIABLES = {
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
export type Lookup = (variable: string) => string | undefined

/**
 * What is wrong with the environment: `NoCredentials` when no option and no variable gives any,
 * else the variable at fault.
 * @internal
 */
export class Problem {
  constructor(
    readonly kind: "NoCredentials" | "Invalid",
    readonly variable: string,
    readonly message: string
  ) {}
}

/** The credentials the environment gives (secrets as Redacted). @internal */
export type EnvironmentCredentials =
  | { readonly apiKey: Redacted.Redacted }
  | { readonly accessToken: Redacted.Redacted }
  | { readonly applicationId: string; readonly applicationSecret: Redacted.Redacted; readonly scope?: string }

/** The other options the environment gives. @internal */
export interface Settings {
  readonly baseUrl?: string
  readonly timeout?: Duration.Duration
  readonly retry?: { readonly maxRetries: number } | false
}

/** A variable that, when set, holds something. */
const filled = (lookup: Lookup, variable: string): string | undefined => {
  const value = lookup(variable)
  if (value !== undefined && value.trim() === "") throw new Problem("Invalid", variable, `${variable} is set but empty`)
  return value
}

/** A filled variable read by `parse`, or a problem naming the variable and what it expects. */
const parsed = <A>(lookup: Lookup, variable: string, expected: string, parse: (s: string) => Option.Option<A>) => {
  const value = filled(lookup, variable)
  if (value === undefined) return undefined
  const result = parse(value.trim())
  if (Option.isNone(result)) {
    throw new Problem("Invalid", variable, `${variable} must be ${expected}, not ${JSON.stringify(value.slice(0, 40))}`)
  }
  return result.value
}

const wholeNumber = (s: string) => {
  const n = Number(s)
  return Number.isInteger(n) && n >= 0 ? Option.some(n) : Option.none()
}

/** The first credentials set, in this order: the API key, the access token, the application. */
const credentialsFrom = (lookup: Lookup, options: Input): EnvironmentCredentials => {
  const apiKey = filled(lookup, VARIABLES.apiKey)
  if (apiKey !== undefined) return { apiKey: Redacted.make(apiKey) }
  const accessToken = filled(lookup, VARIABLES.accessToken)
  if (accessToken !== undefined) return { accessToken: Redacted.make(accessToken) }
  const applicationId = filled(lookup, VARIABLES.applicationId)
  const applicationSecret = filled(lookup, VARIABLES.applicationSecret)
  if (applicationId === undefined && applicationSecret === undefined) {
    throw new Problem(
      "NoCredentials",
      VARIABLES.apiKey,
      `no credentials: set ${VARIABLES.apiKey}, ${VARIABLES.accessToken}, or ${VARIABLES.applicationId} and ${VARIABLES.applicationSecret}`
    )
  }
  const [missing, other] = applicationId === undefined
    ? [VARIABLES.applicationId, VARIABLES.applicationSecret]
    : [VARIABLES.applicationSecret, VARIABLES.applicationId]
  if (applicationId === undefined || applicationSecret === undefined) {
    throw new Problem("Invalid", missing, `${missing} is required with ${other}`)
  }
  const scope = options.scope === undefined ? filled(lookup, VARIABLES.scope) : undefined
  return {
    applicationId,
    applicationSecret: Redacted.make(applicationSecret),
    ...(scope === undefined ? {} : { scope })
  }
}

const hasCredentials = (options: Input) =>
  options.apiKey !== undefined || options.accessToken !== undefined ||
  options.applicationId !== undefined || options.applicationSecret !== undefined

/** The base URL, the timeout, the retries (`SMSCX_MAX_RETRIES=0` turns them off), as `options` leave them out. */
const settingsFrom = (lookup: Lookup, options: Input): Settings => {
  const baseUrl = options.baseUrl === undefined ? filled(lookup, VARIABLES.baseUrl) : undefined
  const timeout = options.timeout === undefined
    ? parsed(lookup, VARIABLES.timeout, "a duration such as \"30 seconds\"", Duration.decodeUnknown)
    : undefined
  const maxRetries = options.retry === undefined
    ? parsed(lookup, VARIABLES.retry, "a whole number", wholeNumber)
    : undefined
  return {
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(timeout === undefined ? {} : { timeout }),
    ...(maxRetries === undefined ? {} : { retry: maxRetries > 0 ? { maxRetries } : false })
  }
}

/** Runs a reading that throws its Problem. */
const reading = <A>(read: () => A): Either.Either<A, Problem> => {
  try {
    return Either.right(read())
  } catch (error) {
    if (error instanceof Problem) return Either.left(error)
    throw error
  }
}

/** A problem as the Promise client reports it. @internal */
export const toInvalidOptions = (problem: Problem): InvalidOptionsError =>
  problem.kind === "NoCredentials"
    ? new InvalidOptionsError({
      option: "apiKey",
      message: "smscx: no credentials: give apiKey, accessToken, or applicationId and applicationSecret " +
        `(or set ${VARIABLES.apiKey})`
    })
    : new InvalidOptionsError({ option: problem.variable, message: `smscx: ${problem.message}` })

/**
 * The options with what the environment gives for those they leave out: credentials when none
 * are given, the settings; `extra` maps more fields to their variables, read by the same rules.
 * @internal
 */
export const withEnvironment = (
  options: object,
  lookup: Lookup,
  extra: Readonly<Record<string, string>> = {}
): Either.Either<object, InvalidOptionsError> => {
  const given = options as Input & Readonly<Record<string, unknown>>
  return Either.mapLeft(
    reading(() => {
      const read: Record<string, string> = {}
      for (const [field, variable] of Object.entries(extra)) {
        const value = given[field] === undefined ? filled(lookup, variable) : undefined
        if (value !== undefined) read[field] = value
      }
      return {
        ...options,
        ...(hasCredentials(given) ? {} : credentialsFrom(lookup, given)),
        ...settingsFrom(lookup, given),
        ...read
      }
    }),
    toInvalidOptions
  )
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
        reading(() => ({ ...credentialsFrom(lookup, {}), ...settingsFrom(lookup, {}) })),
        (problem) =>
          problem.kind === "NoCredentials"
            ? ConfigError.MissingData([problem.variable], problem.message)
            : ConfigError.InvalidData([problem.variable], problem.message)
      )
    }
  )
)
