/**
 * Everything at once: the services of every API group over one transport.
 *
 * @example
 * ```ts
 * import { Sms, SmsCx } from "@smscx/client"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const sms = yield* Sms
 *   return yield* sms.sendSms({ to: ["+31612469000"], from: "InfoText", text: "Hi" })
 * })
 * program.pipe(Effect.provide(SmsCx.layer({ apiKey: Redacted.make("...") })), Effect.runPromise)
 * ```
 *
 * @since 0.1.0
 */
import * as DefaultHttpClient from "#defaultHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Api from "@smscx/core/Api"
import type { InvalidOptionsError } from "@smscx/core/Errors"
import * as Transport from "@smscx/transport/Transport"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Bulk from "./Bulk.js"
import * as AllServices from "./Services.js"

/**
 * The service of every API group, by its accessor name (the lowerCamelCase tag).
 * @since 0.1.0
 * @category groups
 */
export const groups = AllServices.groups

/**
 * Every API group's service, and bulk sending (`Bulk`, paced in-process).
 * @since 0.1.0
 * @category models
 */
export type Services = AllServices.Services | Bulk.Bulk

/**
 * The transport with its token operation (what application credentials fetch tokens with), the
 * HTTP client left for you to provide.
 * @since 0.4.0
 * @category layers
 */
export const layerTransportWithoutHttpClient = (
  options: Transport.Options
): Layer.Layer<Transport.Transport, InvalidOptionsError, HttpClient.HttpClient> =>
  Transport.layer(options).pipe(Layer.provide(Layer.succeed(Transport.TokenOperation, Api.Oauth.getAccessToken)))

/**
 * Every service over a transport, with the HTTP client left for you to provide (a test double,
 * the sandbox's in-process client, your own configured client).
 * @since 0.1.0
 * @category layers
 */
export const layerWithoutHttpClient = (
  options: Transport.Options
): Layer.Layer<Services, InvalidOptionsError, HttpClient.HttpClient> =>
  Layer.merge(AllServices.layer, Bulk.layer).pipe(Layer.provide(layerTransportWithoutHttpClient(options)))

/**
 * Every service, over the runtime's best HTTP client: Node's `http` module with keep-alive on
 * Node, `fetch` elsewhere.
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Transport.Options): Layer.Layer<Services, InvalidOptionsError> =>
  layerWithoutHttpClient(options).pipe(Layer.provide(DefaultHttpClient.layer))

/**
 * The `Transport` alone, over the runtime's best HTTP client, for a program that provides only
 * the groups it uses: a bundler then keeps only those groups' operations and schemas (sending
 * one SMS this way bundles about 15 KB less than over `layer`, gzipped).
 *
 * @example
 * ```ts
 * import { Sms, SmsCx } from "@smscx/client"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const SmsLive = Sms.layer.pipe(Layer.provide(SmsCx.layerTransport({ apiKey: Redacted.make("...") })))
 * ```
 * @since 0.1.0
 * @category layers
 */
export const layerTransport = (options: Transport.Options): Layer.Layer<Transport.Transport, InvalidOptionsError> =>
  layerTransportWithoutHttpClient(options).pipe(Layer.provide(DefaultHttpClient.layer))

/**
 * Like `layer`, with the options read through `Config`: by default from the `SMSCX_*`
 * environment variables (see `Transport.config`).
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config<Transport.Options> = Transport.config
): Layer.Layer<Services, ConfigError.ConfigError | InvalidOptionsError> => Layer.unwrapEffect(Effect.map(config, layer))
