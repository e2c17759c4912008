/**
 * The Promise client's logging: its level names, and the Effect logger that hands each line to
 * the user's logger (or to standard error).
 */
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import type { LogFunction, LoggerObject, LogLevelName } from "./models.js"

/** @internal */
export const logLevels: Record<LogLevelName, LogLevel.LogLevel> = {
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warn: LogLevel.Warning,
  error: LogLevel.Error,
  none: LogLevel.None
}

/** An Effect log level as the Promise client names it. */
const levelName = (level: LogLevel.LogLevel): Exclude<LogLevelName, "none"> =>
  LogLevel.lessThan(level, LogLevel.Info)
    ? "debug"
    : LogLevel.lessThan(level, LogLevel.Warning)
    ? "info"
    : LogLevel.lessThan(level, LogLevel.Error)
    ? "warn"
    : "error"

/** The default: one line to standard error (the console's matching method where there is no process). */
const toStandardError: LogFunction = (level, message) => {
  const stderr = (globalThis as { process?: { stderr?: { write?: (line: string) => unknown } } }).process?.stderr
  const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}`
  if (typeof stderr?.write === "function") stderr.write(`${line}\n`)
  else console[level](line)
}

/**
 * The client's logger: each Effect log line (message and annotations) handed to the user's
 * logger, or written to standard error. A logger that throws loses its line, never the call.
 * @internal
 */
export const loggerOf = (logger: LogFunction | LoggerObject | undefined): Logger.Logger<unknown, void> => {
  const write: LogFunction = logger === undefined
    ? toStandardError
    : typeof logger === "function"
    ? logger
    : (level, message, fields) => logger[level](message, fields)
  return Logger.make(({ annotations, logLevel, message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    const fields: Record<string, unknown> = {}
    for (const [key, value] of annotations) fields[key] = value
    try {
      write(levelName(logLevel), text, fields)
    } catch {
      // a log line is not worth a failed call
    }
  })
}

/** Whether the `logger` option is one: a function, or an object with the four level methods. @internal */
export const isLogger = (logger: unknown): logger is LogFunction | LoggerObject =>
  typeof logger === "function" ||
  (typeof logger === "object" && logger !== null &&
    (["debug", "info", "warn", "error"] as const).every((level) =>
      typeof (logger as Record<string, unknown>)[level] === "function"
    ))
